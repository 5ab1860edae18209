"""Accessibility beyond what axe-core finds on its own (the axe run over every main page is in
test_page_shell_browser.py): chart colours that colour-blind readers can tell apart, the
dashboard's month drill-down by keyboard, and the phone menu and filter panel with the menu open.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.axe import axe_source, describe, run_axe, serious
from tests.browser.conftest import login
from tests.dashboard_factories import build_world, project
from zones.models import Zone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OKABE_ITO = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000"]
FILLS = """() => Chart.getChart(document.getElementById('chart-months')).data.datasets.map(d =>
    typeof d.backgroundColor === 'string' ? {colour: d.backgroundColor, label: d.label}
                                          : {pattern: d.backgroundColor.kind, label: d.label})"""


def test_month_chart_uses_okabe_ito_and_patterns_past_eight_zones(browser, analyst):
    zones = list(Zone.objects.order_by("pk")[:11])
    for rank, zone in enumerate(zones):  # amounts fall with rank: the chart orders zones by amount
        project(zone, f"配色测试项目{rank}", str(100 - rank), dt.date(2022, 6, 1))

    def check(context):
        page = login(context)
        page.goto("/?top=10")
        page.wait_for_selector("#dashboard[data-ready=true]")
        fills = page.evaluate(FILLS)
        assert [f.get("colour") for f in fills[:8]] == OKABE_ITO
        assert [f.get("pattern") for f in fills[8:10]] == ["stripes", "stripes"]
        assert fills[10] == {"pattern": "stripes", "label": fills[10]["label"]}  # "其他开发区", grey
        assert len(fills) == 11
        # The legend names every series (colour never carries meaning alone).
        legend = page.evaluate("""() => Chart.getChart(document.getElementById('chart-months'))
            .legend.legendItems.map(i => i.text)""")
        assert legend == [f["label"] for f in fills]

    browser(check)


def test_month_drill_down_by_keyboard(browser, analyst):
    build_world()

    def check(context):
        page = login(context)
        page.goto("/")
        page.wait_for_selector("#dashboard[data-ready=true]")
        region = page.locator("[role=region]:has(#table-months)")
        region.focus()
        assert page.evaluate("document.activeElement.getAttribute('role')") == "region"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "2022-06"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        query = parse_qs(urlsplit(page.url).query)
        assert urlsplit(page.url).path == "/projects/"
        assert query["month_from"] == ["2022-06"] and query["month_to"] == ["2022-06"]

    browser(check)


def test_phone_menu_and_filters_open_pass_axe(browser, analyst):
    build_world()
    source = axe_source()

    def check(context):
        page = login(context)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/")
        page.wait_for_selector("#dashboard[data-ready=true]")
        figure = page.locator("[data-field='total.amount_display']").bounding_box()
        assert figure["y"] < 844  # the figures come first; the filters wait behind one line
        assert not page.locator("#id_zone").is_visible()
        page.click(".filters-toggle > summary")
        assert page.locator("#id_zone").is_visible()
        page.click("header details.menu > summary")
        problems = describe("phone, menu and filters open", serious(run_axe(page, source)))
        assert not problems, "\n".join(problems)
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")

    browser(check)
