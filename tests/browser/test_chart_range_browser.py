"""The dashboard's range control in Chromium (issue 11, defect 4): by default the 24 months up
to the latest record; "show everything" draws every year as one bar, keeps `range=all` in the
address through later filter changes, and the address reproduces the view."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import ARTIFACTS, login
from tests.browser.test_dashboard_browser import TOTAL, open_dashboard
from tests.dashboard_factories import EXPECTED, build_world, project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LABELS = "() => Chart.getChart(document.getElementById('chart-months')).data.labels"
YEARS = [str(year) for year in range(2011, 2023)]


def test_show_everything_draws_yearly_bars_and_stays_in_the_url(browser, analyst):
    world = build_world()
    project(world["C"], "十几年前的老项目", "7", dt.date(2011, 3, 15))

    def check(context):
        page = login(context)
        open_dashboard(page)
        labels = page.evaluate(LABELS)
        assert len(labels) == 24 and labels[0] == "2020-09" and labels[-1] == "2022-08"
        assert page.inner_text(TOTAL) == EXPECTED["total_display"]  # the 2011 record is outside
        assert "2020-09 – 2022-08" in page.inner_text("#range-line")

        page.click("#range-line a[data-range=all]")
        page.wait_for_selector("#dashboard[data-ready=true]")
        assert page.evaluate(LABELS) == YEARS
        assert parse_qs(urlsplit(page.url).query)["range"] == ["all"]
        assert page.inner_text(TOTAL) == "298.73"  # 291.73 + 7
        assert page.is_checked("#id_range")
        page.screenshot(path=str(ARTIFACTS / "dashboard-range-all.png"), full_page=True)

        # a later filter change keeps "everything"
        with page.expect_response(lambda r: "/dashboard/results/" in r.url):
            page.select_option("#id_zone", ["成都高新区"])
        page.wait_for_function("() => Chart.getChart(document.getElementById('chart-months'))"
                               ".data.datasets.length === 1")
        query = parse_qs(urlsplit(page.url).query)
        assert query["range"] == ["all"] and query["zone"] == ["成都高新区"]
        assert page.evaluate(LABELS) == YEARS
        assert page.inner_text(TOTAL) == "21.73"  # 8 + 6.73 + 7

        page.reload()  # the address reproduces the view
        page.wait_for_selector("#dashboard[data-ready=true]")
        assert page.evaluate(LABELS) == YEARS and page.inner_text(TOTAL) == "21.73"

        # and unchecking it goes back to the default range
        with page.expect_response(lambda r: "/dashboard/results/" in r.url):
            page.uncheck("#id_range")
        page.wait_for_function("() => Chart.getChart(document.getElementById('chart-months'))"
                               ".data.labels.length === 24")
        assert "range" not in parse_qs(urlsplit(page.url).query)

    browser(check)
