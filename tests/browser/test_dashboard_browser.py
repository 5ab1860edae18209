"""The dashboard in a real browser: charts drawn from the data, filters, bar clicks,
downloads and the language switch. Screenshots go to test-artifacts/."""

from __future__ import annotations

import csv
import io
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.dashboard_factories import EXPECTED, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MONTH_DATASETS = """() => Chart.getChart(document.getElementById('chart-months')).data.datasets
    .map(d => ({label: d.label, data: d.data}))"""


def open_dashboard(page, query: str = ""):
    started = time.perf_counter()
    page.goto(f"/{query}")
    page.wait_for_selector("#dashboard[data-ready=true]")
    return time.perf_counter() - started


def test_charts_show_the_hand_computed_totals(login):
    build_world()
    page = login("analyst")
    seconds = open_dashboard(page)
    print(f"dashboard ready in {seconds:.2f}s")

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
    axis = page.evaluate("() => Chart.getChart(document.getElementById('chart-months')).options.scales.y.title.text")
    assert "亿元" in axis
    assert page.inner_text("[data-field='total.amount_display']") == EXPECTED["total_display"]
    assert page.inner_text("[data-field='undated.records']") == "1"
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)


def test_changing_a_filter_updates_charts_tables_url_and_exports(login):
    build_world()
    page = login("analyst")
    open_dashboard(page)

    with page.expect_response(lambda r: "/api/totals/" in r.url):
        page.select_option("#id_zone", ["成都高新区"])
    page.wait_for_function("() => Chart.getChart(document.getElementById('chart-months')).data.datasets.length === 1")

    assert page.evaluate(MONTH_DATASETS) == [{"label": "成都高新区", "data": [8, 6.73]}]
    assert page.inner_text("#table-ranking tbody tr:first-child").split("\t")[1:3] == ["成都高新区", "14.73"]
    assert page.inner_text("[data-field='total.amount_display']") == "14.73"
    assert parse_qs(urlsplit(page.url).query)["zone"] == ["成都高新区"]
    assert "zone=" in page.get_attribute("[data-export=totals_csv]", "href")

    with page.expect_response(lambda r: "/api/totals/" in r.url):
        page.check("input[name=review_status][value=candidate]")
    page.select_option("#id_zone", ["西安高新区"])
    page.wait_for_function("() => document.querySelector(\"[data-field='total.amount_display']\").textContent === '149.00'")
    assert parse_qs(urlsplit(page.url).query)["review_status"] == ["candidate", "confirmed"]
    page.screenshot(path=str(ARTIFACTS / "dashboard-filtered.png"), full_page=True)

    # The URL reproduces the view.
    page.reload()
    page.wait_for_selector("#dashboard[data-ready=true]")
    assert page.inner_text("[data-field='total.amount_display']") == "149.00"


def test_clicking_a_bar_opens_the_project_list_for_that_zone_and_month(login):
    build_world()
    page = login("analyst")
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


def test_downloaded_csv_matches_the_chart(login):
    build_world()
    page = login("analyst")
    open_dashboard(page)

    with page.expect_download() as download_info:
        page.click("[data-export=totals_csv]")
    content = download_info.value.path().read_bytes()

    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    exported = {(r[0], r[1]): r[2] for r in rows[1:] if r[1] and r[1] != "日期不详"}
    assert exported == EXPECTED["zone_month_yuan"]
    total = next(r for r in rows if r[0] == "合计（有日期）")
    assert total[2] == EXPECTED["total_yuan"] and total[3] == EXPECTED["total_display"]


def test_switching_language_keeps_the_view(login):
    build_world()
    page = login("analyst")
    open_dashboard(page, "?zone=乐山高新区")
    assert page.evaluate("() => document.documentElement.lang") == "zh-hans"

    with page.expect_navigation():
        page.click("header button[name=language][value=en]")
    page.wait_for_selector("#dashboard[data-ready=true]")

    assert page.evaluate("() => document.documentElement.lang") == "en"
    assert parse_qs(urlsplit(page.url).query)["zone"] == ["乐山高新区"]
    assert page.inner_text("[data-field='total.amount_display']") == "135.00"
    page.screenshot(path=str(ARTIFACTS / "dashboard-en.png"), full_page=True)


def test_zone_page_chart_and_the_tables_without_javascript(login, browser_context, chromium_browser, live_server):
    world = build_world()
    page = login("analyst")
    page.goto(world["A"].get_absolute_url())
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-zone-months'))")
    data = page.evaluate("() => Chart.getChart(document.getElementById('chart-zone-months')).data.datasets[0].data")
    assert data == [122, 20]
    page.screenshot(path=str(ARTIFACTS / "zone-page.png"), full_page=True)

    cookies = browser_context.cookies()
    no_js = chromium_browser.new_context(base_url=live_server.url, java_script_enabled=False,
                                         viewport={"width": 1366, "height": 900})
    try:
        no_js.add_cookies(cookies)
        plain = no_js.new_page()
        plain.goto("/?zone=成都高新区")
        assert not plain.locator("#chart-months").is_visible()  # no chart without JavaScript …
        assert "14.73" in plain.inner_text("#table-ranking")   # … the tables carry the figures
        plain.screenshot(path=str(ARTIFACTS / "dashboard-no-js.png"), full_page=True)
    finally:
        no_js.close()
