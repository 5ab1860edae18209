"""The follow-through page's cohort chart and zone funnel in Chromium (issue 12), over ft-core's
hand-computed world (tests/test_follow_through.py): both draw from the page's figures, a funnel
bar leads to the project list behind it, and axe finds nothing serious at phone and desktop
width in both languages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.axe import axe_source, describe, run_axe, serious
from tests.browser.conftest import ARTIFACTS, login
from tests.browser.test_page_shell_browser import WIDEST_OVERFLOW, set_language
from tests.test_follow_through import world  # noqa: F401 -- the hand-computed world (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

URL = "/follow-through/?as_of=2024-06-30"
COHORTS = """() => Chart.getChart(document.getElementById('chart-cohorts')).data.datasets
    .map(d => [d.label, d.data])"""
FUNNEL = """() => {
    const chart = Chart.getChart(document.getElementById('chart-funnel'));
    return {zones: chart.data.labels, bars: chart.data.datasets.map(d => [d.stage, d.data])};
}"""


def open_page(page, url: str = URL) -> None:
    page.goto(url)
    page.wait_for_selector("#cohorts[data-ready=true]")
    page.wait_for_selector("#funnel[data-ready=true]")


def test_cohort_chart_and_funnel_draw_the_page_figures(browser, analyst, world):  # noqa: F811
    a = world["A"]

    def check(context):
        page = login(context)
        open_page(page)
        cohorts = dict(page.evaluate(COHORTS))
        assert list(cohorts) == ["2022Q4", "2023Q1", "2023Q2", "2024Q1"]
        assert cohorts["2023Q1"] == [0, 0] + [0.6061] * 4 + [0.6667] + [0.9697] * 5 + [1] * 6 + [None] * 7
        assert cohorts["2024Q1"] == [0] * 6 + [None] * 19
        assert page.evaluate("Chart.getChart(document.getElementById('chart-cohorts')).data.labels.length") == 25
        assert page.evaluate(FUNNEL) == {
            "zones": ["乙高新区", "甲高新区"],
            "bars": [["signed", [51, 29]], ["started", [21, 25]], ["operating", [20, 5]]],
        }
        page.screenshot(path=str(ARTIFACTS / "follow-through-charts.png"), full_page=True)

        # a click on 甲高新区's "operating" bar opens its list: P2 alone
        page.locator("#chart-funnel").scroll_into_view_if_needed()
        bar = page.evaluate("""() => {
            const chart = Chart.getChart(document.getElementById('chart-funnel'));
            const p = chart.getDatasetMeta(2).data[1];
            const box = chart.canvas.getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + (p.y + p.base) / 2};
        }""")
        page.mouse.move(bar["x"], bar["y"])
        with page.expect_navigation():
            page.mouse.click(bar["x"], bar["y"])
        query = parse_qs(urlsplit(page.url).query)
        assert urlsplit(page.url).path == "/projects/"
        assert query["zone"] == [a.slug] and query["follow"] == ["operating"]
        assert "共 1 个项目" in page.inner_text("main")

    browser(check)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_follow_through_charts_pass_axe(browser, analyst, live_server, world, language):  # noqa: F811
    source = axe_source()

    def check(context):
        set_language(context, live_server.url, language)
        page = login(context)
        problems = []
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            open_page(page)
            sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if sizes[0] > sizes[1]:
                problems.append(f"{width}: {sizes} {page.evaluate(WIDEST_OVERFLOW)}")
            problems += describe(f"{width}", serious(run_axe(page, source)))
            page.screenshot(path=str(ARTIFACTS / f"follow-through-charts-{width}-{language}.png"), full_page=True)
        assert not problems, "\n".join(problems)

    browser(check)
