"""The dashboard in a real browser: charts drawn from the data, filters, bar clicks,
downloads and the language switch. Screenshots go to test-artifacts/.

Each test arranges its data with the ORM, then drives Chromium inside `browser(...)`.
"""

from __future__ import annotations

import csv
import io
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import ARTIFACTS, login
from tests.dashboard_factories import EXPECTED, build_world
from tests.exported import split_export

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MONTH_DATASETS = """() => Chart.getChart(document.getElementById('chart-months')).data.datasets
    .map(d => ({label: d.label, data: d.data}))"""
TOTAL = "[data-field='total.amount_display']"


def open_dashboard(page, query: str = "") -> float:
    started = time.perf_counter()
    page.goto(f"/{query}")
    page.wait_for_selector("#dashboard[data-ready=true]")
    return time.perf_counter() - started


def test_charts_show_the_hand_computed_totals(browser, analyst):
    build_world()

    def check(context):
        page = login(context)
        seconds = open_dashboard(page)
        assert page.evaluate("() => Chart.getChart(document.getElementById('chart-months')).data.labels") \
            == EXPECTED["months"]
        assert page.evaluate(MONTH_DATASETS) == [
            {"label": "西安高新区", "data": [122, 20, 0]},
            {"label": "乐山高新区", "data": [120, 15, 0]},
            {"label": "成都高新区", "data": [0, 8, 6.73]},
        ]
        ranking = page.evaluate("""() => { const c = Chart.getChart(document.getElementById('chart-ranking'));
            return [c.data.labels, c.data.datasets[0].data]; }""")
        assert ranking == [["西安高新区", "乐山高新区", "成都高新区"], [142, 135, 14.73]]
        axis = page.evaluate(
            "() => Chart.getChart(document.getElementById('chart-months')).options.scales.y.title.text")
        assert "亿元" in axis
        assert page.inner_text(TOTAL) == EXPECTED["total_display"]
        assert page.inner_text(".figure-undated .sub").startswith("1 条记录")
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        return seconds

    print(f"dashboard ready in {browser(check):.2f}s")


def test_changing_a_filter_updates_charts_tables_url_and_exports(browser, analyst):
    build_world()

    def check(context):
        page = login(context)
        open_dashboard(page)
        with page.expect_response(lambda r: "/dashboard/results/" in r.url):
            page.select_option("#id_zone", ["成都高新区"])
        page.wait_for_function(
            "() => Chart.getChart(document.getElementById('chart-months')).data.datasets.length === 1")

        assert page.evaluate(MONTH_DATASETS) == [{"label": "成都高新区", "data": [8, 6.73]}]
        assert page.inner_text("#table-ranking tbody tr:first-child").split("\t")[1:3] == ["成都高新区", "14.73"]
        assert page.inner_text(TOTAL) == "14.73"
        assert parse_qs(urlsplit(page.url).query)["zone"] == ["成都高新区"]
        assert "zone=" in page.get_attribute("[data-export=totals_csv]", "href")
        assert page.inner_text("[data-selected-zones]") == "成都高新区"

        with page.expect_response(lambda r: "/dashboard/results/" in r.url):
            page.check("input[name=review_status][value=candidate]")
        page.select_option("#id_zone", ["西安高新区"])
        page.wait_for_function(f"() => document.querySelector(\"{TOTAL}\").textContent === '149.00'")
        assert parse_qs(urlsplit(page.url).query)["review_status"] == ["candidate", "confirmed"]
        page.screenshot(path=str(ARTIFACTS / "dashboard-filtered.png"), full_page=True)

        page.reload()  # the URL reproduces the view
        page.wait_for_selector("#dashboard[data-ready=true]")
        assert page.inner_text(TOTAL) == "149.00"

    browser(check)


# Installed before the page's own scripts: every Content-Security-Policy violation the page causes.
RECORD_CSP_VIOLATIONS = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));"""


PAINTED_CANVASES = """() => Array.from(document.querySelectorAll('#dashboard canvas')).filter(c => {
    const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    return c.clientHeight > 0 && pixels.some((value, i) => i % 4 === 3 && value > 0);
}).map(c => c.id)"""


def test_a_filter_change_swaps_in_the_server_rendered_tables_without_a_reload(browser, analyst):
    build_world()

    def check(context):
        context.add_init_script(RECORD_CSP_VIOLATIONS)
        page = login(context)
        page.on("dialog", lambda dialog: pytest.fail(f"unexpected dialog: {dialog.message}"))
        with page.expect_response(lambda r: urlsplit(r.url).path == "/") as first:
            open_dashboard(page)
        assert "script-src 'self'" in first.value.headers["content-security-policy"]
        page.evaluate("() => { window.__samePage = true; }")
        before = page.inner_text("#table-months")

        with page.expect_response(lambda r: "/dashboard/results/" in r.url) as fragment:
            page.select_option("#id_zone", ["成都高新区"])
        assert fragment.value.status == 200
        page.wait_for_function("() => document.querySelectorAll('#table-ranking tbody tr').length === 1")
        page.wait_for_function("() => Chart.getChart(document.getElementById('chart-months'))"
                               ".data.datasets.length === 1")

        assert page.evaluate("() => window.__samePage") is True  # swapped in, not a new page
        swapped = {name: page.inner_text(f"#table-{name}") for name in ("months", "ranking", "stage", "industry")}
        assert swapped["months"] != before
        assert page.inner_text("#dashboard-status").count("14.73") == 1  # the live status says what changed
        month_link = page.get_attribute("#table-months tbody tr:first-child th a", "href")
        assert parse_qs(urlsplit(month_link).query)["month_from"] == ["2022-07"]
        page.wait_for_timeout(200)  # past htmx's settling: the new charts are still drawn
        assert page.evaluate(PAINTED_CANVASES) == [
            "chart-months", "chart-ranking", "province-map-canvas", "chart-stage", "chart-industry"]
        assert page.evaluate("() => window.__csp") == []

        # The same filter as a full page: the same tables (each is rendered by one template).
        full = context.new_page()
        full.goto(page.url)
        full.wait_for_selector("#dashboard[data-ready=true]")
        assert {name: full.inner_text(f"#table-{name}") for name in swapped} == swapped
        full.close()

        # The language switch keeps the filter the address bar now shows.
        with page.expect_navigation():
            page.click("header button[name=language][value=en]")
        page.wait_for_selector("#dashboard[data-ready=true]")
        assert parse_qs(urlsplit(page.url).query)["zone"] == ["成都高新区"]
        assert page.inner_text(TOTAL) == "14.73"
        assert page.evaluate("() => window.__csp") == []

    browser(check)


def test_a_failed_update_says_so_in_the_status_line(browser, analyst):
    build_world()

    def check(context):
        page = login(context)
        page.on("dialog", lambda dialog: pytest.fail(f"unexpected dialog: {dialog.message}"))
        open_dashboard(page)
        page.route("**/dashboard/results/**", lambda route: route.fulfill(status=500, body="error"))
        page.select_option("#id_zone", ["成都高新区"])
        page.wait_for_function("() => document.getElementById('dashboard-status').textContent !== ''")
        assert "更新失败" in page.inner_text("#dashboard-status")
        assert page.inner_text(TOTAL) == EXPECTED["total_display"]  # the figures shown stay as they were

    browser(check)


def test_clicking_a_bar_opens_the_project_list_for_that_zone_and_month(browser, analyst):
    build_world()

    def check(context):
        page = login(context)
        open_dashboard(page)
        box = page.locator("#chart-months").bounding_box()
        bar = page.evaluate("""() => { const el = Chart.getChart(document.getElementById('chart-months'))
            .getDatasetMeta(0).data[0]; return {x: el.x, y: (el.y + el.base) / 2}; }""")
        with page.expect_navigation():
            page.mouse.click(box["x"] + bar["x"], box["y"] + bar["y"])

        url = urlsplit(page.url)
        assert url.path == "/projects/"
        params = parse_qs(url.query)
        assert params["zone"] == ["西安高新区"] and params["month_from"] == params["month_to"] == ["2022-06"]
        assert page.inner_text("#list-total") == "122.00"  # = the bar: batch BA, its members not added
        assert "西安高新区重大项目集中签约" in page.inner_text("#batch-table")
        page.screenshot(path=str(ARTIFACTS / "project-list.png"), full_page=True)

    browser(check)


def test_downloaded_csv_matches_the_chart(browser, analyst):
    build_world()

    def download(context):
        page = login(context)
        open_dashboard(page)
        charted = page.evaluate("() => Chart.getChart(document.getElementById('chart-months')).data.datasets"
                                ".map(d => d.data)")
        with page.expect_download() as info:
            page.click("[data-export=totals_csv]")
        return charted, info.value.path().read_bytes()

    charted, content = browser(download)

    assert content.startswith(b"\xef\xbb\xbf")
    _preamble, _header, rows = split_export(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    exported = {(r[0], r[1]): r[2] for r in rows if r[1] and r[1] != "日期不详"}
    assert exported == EXPECTED["zone_month_yuan"]
    by_zone_month = {(r[0], r[1]): float(r[3]) for r in rows if r[1] and r[1] != "日期不详"}
    zones = ["西安高新区", "乐山高新区", "成都高新区"]
    for zone, series in zip(zones, charted, strict=True):
        for month, value in zip(EXPECTED["months"], series, strict=True):
            assert by_zone_month.get((zone, month), 0.0) == value
    total = next(r for r in rows if r[0] == "合计（有日期）")
    assert total[2] == EXPECTED["total_yuan"] and total[3] == EXPECTED["total_display"]


def test_switching_language_keeps_the_view(browser, analyst):
    build_world()

    def check(context):
        page = login(context)
        open_dashboard(page, "?zone=乐山高新区")
        assert page.evaluate("() => document.documentElement.lang") == "zh-hans"
        with page.expect_navigation():
            page.click("header button[name=language][value=en]")
        page.wait_for_selector("#dashboard[data-ready=true]")

        assert page.evaluate("() => document.documentElement.lang") == "en"
        assert parse_qs(urlsplit(page.url).query)["zone"] == ["乐山高新区"]
        assert page.inner_text(TOTAL) == "135.00"
        assert "Investment statistics" in page.inner_text("main h1")  # the English catalogue is in use
        assert page.inner_text("header nav").count("Zone") >= 1
        page.screenshot(path=str(ARTIFACTS / "dashboard-en.png"), full_page=True)

    browser(check)


def test_zone_page_chart(browser, analyst):
    world = build_world()
    url = world["A"].get_absolute_url()

    def check(context):
        page = login(context)
        page.goto(url)
        page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-zone-months'))")
        data = page.evaluate(
            "() => Chart.getChart(document.getElementById('chart-zone-months')).data.datasets[0].data")
        assert data == [122, 20]
        page.screenshot(path=str(ARTIFACTS / "zone-page.png"), full_page=True)

    browser(check)


def test_without_javascript_the_tables_carry_the_figures(browser, analyst):
    build_world()

    def check(context):
        page = login(context)
        page.goto("/?zone=成都高新区")
        assert not page.locator("#chart-months").is_visible()
        assert "14.73" in page.inner_text("#table-ranking")
        assert "14.73" in page.inner_text(TOTAL)
        page.screenshot(path=str(ARTIFACTS / "dashboard-no-js.png"), full_page=True)

    browser(check, javascript=False)
