"""The zone comparison in Chromium (issue 12): picking zones in the filter draws one line per
zone with the figures of the table and the zones' funnel (signed → started → operating), a
point or a bar leads to the project list behind it, the address
reproduces the view, too many zones show the message, and axe finds nothing serious at phone
and desktop width in both languages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.axe import axe_source, describe, run_axe, serious
from tests.browser.conftest import ARTIFACTS, login
from tests.browser.test_page_shell_browser import WIDEST_OVERFLOW, set_language
from tests.dashboard_factories import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DATASETS = """() => Chart.getChart(document.getElementById('chart-compare-months')).data.datasets
    .map(d => ({label: d.label, data: d.data, point: d.pointStyle}))"""


def test_comparison_draws_a_line_per_zone_and_links_to_the_lists(browser, analyst):
    world = build_world()
    xian, chengdu = world["A"], world["C"]

    def check(context):
        page = login(context)
        page.goto("/compare/")
        assert page.inner_text("#compare-message") == "请选择 2 至 4 个开发区进行比较。"
        assert page.locator("canvas").count() == 0
        page.select_option("#id_zone", [xian.slug, chengdu.slug])
        with page.expect_navigation():
            page.click("#filter-form button[type=submit]")
        page.wait_for_selector("#compare[data-ready=true]")
        query = parse_qs(urlsplit(page.url).query)
        assert sorted(query["zone"]) == sorted([xian.slug, chengdu.slug])
        datasets = page.evaluate(DATASETS)
        by_label = {d["label"]: d["data"] for d in datasets}
        assert by_label == {"西安高新区": [122, 20, 0], "成都高新区": [0, 8, 6.73]}
        assert len({d["point"] for d in datasets}) == 2  # told apart by shape, not colour alone
        assert page.evaluate("Chart.getChart(document.getElementById('chart-compare-months')).data.labels") \
            == ["2022-06", "2022-07", "2022-08"]
        page.screenshot(path=str(ARTIFACTS / "compare-two-zones.png"), full_page=True)

        # the funnel of the same zones: signed → started → operating (亿元), from the follow-through
        funnel = page.evaluate("""() => {
            const chart = Chart.getChart(document.getElementById('chart-funnel'));
            return Object.fromEntries(chart.data.labels.map((zone, i) =>
                [zone, chart.data.datasets.map(d => [d.stage, d.data[i]])]));
        }""")
        assert funnel == {"西安高新区": [["signed", 40], ["started", 20], ["operating", 0]],
                          "成都高新区": [["signed", 14.73], ["started", 0], ["operating", 0]]}
        zone_order = page.evaluate("Chart.getChart(document.getElementById('chart-funnel')).data.labels")
        assert zone_order == [d["label"] for d in datasets]  # the zones in the address's order
        assert page.get_attribute("#funnel", "data-ready") == "true"

        page.reload()  # the address reproduces the view
        page.wait_for_selector("#compare[data-ready=true]")
        assert {d["label"] for d in page.evaluate(DATASETS)} == {"西安高新区", "成都高新区"}

        # a click on 成都高新区's 2022-07 point opens its list for that month
        point = page.evaluate("""() => {
            const chart = Chart.getChart(document.getElementById('chart-compare-months'));
            const index = chart.data.datasets.findIndex(d => d.label === '成都高新区');
            const p = chart.getDatasetMeta(index).data[1];
            const box = chart.canvas.getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y};
        }""")
        with page.expect_navigation():
            page.mouse.click(point["x"], point["y"])
        listed = parse_qs(urlsplit(page.url).query)
        assert urlsplit(page.url).path == "/projects/"
        assert listed["zone"] == [chengdu.slug] and listed["month_from"] == ["2022-07"]
        assert "共 1 个项目" in page.inner_text("main")  # pC1

        # a click on 西安高新区's "started" bar opens the list behind it: pA1 alone
        page.go_back()
        page.wait_for_selector("#funnel[data-ready=true]")
        page.locator("#chart-funnel").scroll_into_view_if_needed()
        bar = page.evaluate("""() => {
            const chart = Chart.getChart(document.getElementById('chart-funnel'));
            const p = chart.getDatasetMeta(1).data[chart.data.labels.indexOf('西安高新区')];
            const box = chart.canvas.getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + (p.y + p.base) / 2};
        }""")
        page.mouse.move(bar["x"], bar["y"])
        with page.expect_navigation():
            page.mouse.click(bar["x"], bar["y"])
        listed = parse_qs(urlsplit(page.url).query)
        assert listed["zone"] == [xian.slug] and listed["follow"] == ["started"]
        assert "共 1 个项目" in page.inner_text("main") and "西安光伏电池片项目" in page.inner_text("main")

    browser(check)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_comparison_pages_pass_axe_at_phone_and_desktop_width(browser, analyst, live_server, language):
    world = build_world()
    source = axe_source()
    two = f"/compare/?zone={world['A'].slug}&zone={world['B'].slug}&zone={world['C'].slug}"
    one = f"/compare/?zone={world['A'].slug}"

    def check(context):
        set_language(context, live_server.url, language)
        page = login(context)
        problems = []
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            for url, key in ((two, "three"), (one, "one")):
                page.goto(url)
                page.wait_for_selector("#compare[data-ready=true]" if key == "three" else "#compare-message")
                if key == "three":
                    assert page.evaluate("Chart.getChart(document.getElementById('chart-compare-months'))"
                                         ".data.datasets.length") == 3
                sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                if sizes[0] > sizes[1]:
                    problems.append(f"{width} {key}: {sizes} {page.evaluate(WIDEST_OVERFLOW)}")
                problems += describe(f"{width} {key}", serious(run_axe(page, source)))
                page.screenshot(path=str(ARTIFACTS / f"compare-{key}-{width}-{language}.png"), full_page=True)
        assert not problems, "\n".join(problems)

    browser(check)
