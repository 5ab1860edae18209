"""The province map in Chromium. On the dashboard: the matrix chart draws 34 tiles in their
legend's colours, a click on a province filters the dashboard in place (URL, form, figures), a
second click clears it, axe finds nothing to fault in the map's region, and at 390 px the map
still fits the screen with tiles large enough to tap. On the follow-through page: the started
share colours the tiles and a click follows the tile's link. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.axe import axe_source, describe, run_axe
from tests.browser.conftest import ARTIFACTS, login
from tests.dashboard_factories import build_world, project
from tests.test_province_map import build_follow_world
from zones.models import Zone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TOTAL = "[data-field='total.amount_display']"
MAP = """() => { const c = Chart.getChart(document.getElementById('province-map-canvas'));
    const data = c.data.datasets[0].data;
    return {type: c.config.type, points: data.length,
            tiles: Object.fromEntries(data.map(p => [p.tile.province, [p.x, p.y, p.tile.colour, p.tile.amount_yuan]]))}; }"""
# The centre of a province's tile, in CSS pixels from the canvas's top left corner.
TILE_CENTRE = """(province) => { const c = Chart.getChart(document.getElementById('province-map-canvas'));
    const i = c.data.datasets[0].data.findIndex(p => p.tile.province === province);
    const e = c.getDatasetMeta(0).data[i];
    return {x: e.x + e.width / 2, y: e.y + e.height / 2, width: e.width, height: e.height}; }"""
# The colour painted at a tile's centre-left edge (off the label) and its legend key's colour.
TILE_PIXEL = """(province) => { const canvas = document.getElementById('province-map-canvas');
    const c = Chart.getChart(canvas);
    const i = c.data.datasets[0].data.findIndex(p => p.tile.province === province);
    const e = c.getDatasetMeta(0).data[i], ratio = c.currentDevicePixelRatio;
    const px = canvas.getContext('2d').getImageData(Math.round((e.x + 4) * ratio), Math.round((e.y + e.height / 2) * ratio), 1, 1).data;
    const key = document.querySelector('#province-map .map-key[data-colour="' + c.data.datasets[0].data[i].tile.colour + '"]');
    return ['rgb(' + px[0] + ', ' + px[1] + ', ' + px[2] + ')', getComputedStyle(key).backgroundColor]; }"""


def more_provinces():
    """Records in five more provinces, so that every colour class of the legend is used."""
    for short_name, yi in (("中关村", "3"), ("上海张江高新区", "60"), ("苏州工业园区", "90"), ("武汉东湖高新区", "30"),
                        ("合肥高新区", "5")):
        zone = Zone.objects.get(short_name=short_name)
        assert zone.province, short_name
        project(zone, f"{short_name}测试项目", yi, dt.date(2022, 7, 15))


def wait_drawn(page):
    page.wait_for_selector("#dashboard[data-ready=true]")
    page.wait_for_selector("#province-map[data-drawn=true]")


def click_province(page, province: str):
    centre = page.evaluate(TILE_CENTRE, province)
    with page.expect_response(lambda r: "/dashboard/results/" in r.url):
        page.locator("#province-map-canvas").click(position={"x": centre["x"], "y": centre["y"]})
    page.wait_for_selector("#province-map[data-drawn=true]")


def test_the_map_draws_34_tiles_and_a_click_filters_the_dashboard_in_place(browser, analyst):
    build_world()
    more_provinces()

    def check(context):
        page = login(context)
        page.goto("/")
        wait_drawn(page)
        drawn = page.evaluate(MAP)
        assert drawn["type"] == "matrix" and drawn["points"] == 34
        assert drawn["tiles"]["四川省"] == [3, 5, 5, "14972610000.00"]  # the largest: darkest
        assert drawn["tiles"]["台湾省"][2:] == [0, "0.00"]
        pixel, key = page.evaluate(TILE_PIXEL, "四川省")
        assert pixel == key  # the tile is painted in its legend key's colour
        pixel, key = page.evaluate(TILE_PIXEL, "西藏自治区")
        assert pixel == key
        total_before = page.inner_text(TOTAL)
        page.evaluate("() => { window.__samePage = true; }")
        page.locator("#province-map").screenshot(path=str(ARTIFACTS / "province-map.png"))

        click_province(page, "四川省")
        page.wait_for_function(f"() => document.querySelector(\"{TOTAL}\").textContent === '149.73'")
        assert page.evaluate("() => window.__samePage") is True  # swapped in by htmx, not reloaded
        assert parse_qs(urlsplit(page.url).query)["province"] == ["四川省"]
        assert page.input_value("#id_province") == "四川省"  # the filter form shows it
        assert total_before != "149.73"
        assert page.evaluate(MAP)["tiles"]["陕西省"][2:] == [0, "0.00"]
        assert page.inner_text("#table-provinces tbody").startswith("四川省")
        assert page.inner_text("#table-ranking tbody tr:first-child").split("\t")[1] == "乐山高新区"

        page.reload()  # the address reproduces the view
        wait_drawn(page)
        assert page.inner_text(TOTAL) == "149.73"
        assert page.evaluate(MAP)["tiles"]["四川省"][2] != 0

        click_province(page, "四川省")  # a second click clears the province
        page.wait_for_function(f"() => document.querySelector(\"{TOTAL}\").textContent === '{total_before}'")
        assert "province" not in parse_qs(urlsplit(page.url).query)
        assert page.input_value("#id_province") == ""

        # The table's links do the same, in place
        page.evaluate("() => { window.__samePage = true; }")
        with page.expect_response(lambda r: "/dashboard/results/" in r.url):
            page.click("#table-provinces a[data-province='陕西省']")
        page.wait_for_function(f"() => document.querySelector(\"{TOTAL}\").textContent === '142.00'")
        assert parse_qs(urlsplit(page.url).query)["province"] == ["陕西省"]
        assert page.evaluate("() => window.__samePage") is True

    browser(check)


def test_axe_finds_nothing_in_the_map_region(browser, analyst):
    build_world()
    more_provinces()
    source = axe_source()

    def check(context):
        page = login(context)
        problems = []
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto("/")
            wait_drawn(page)
            classes = page.eval_on_selector_all("#province-map .map-key", "keys => keys.map(k => k.dataset.colour)")
            assert classes == ["0", "1", "2", "3", "4", "5"]  # every colour pair is on the page, in text
            problems += describe(f"{width}px", run_axe(page, source, within="#province-map"))
        assert problems == []

    browser(check)


def test_the_map_fits_a_phone_and_its_tiles_can_be_tapped(browser, analyst):
    build_world()

    def check(context):
        page = login(context)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/")
        wait_drawn(page)
        box = page.locator("#province-map-canvas").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        centre = page.evaluate(TILE_CENTRE, "四川省")
        assert centre["width"] >= 30 and centre["height"] >= 30  # big enough to tap and to label
        page.locator("#province-map").screenshot(path=str(ARTIFACTS / "province-map-phone.png"))
        click_province(page, "四川省")
        page.wait_for_function(f"() => document.querySelector(\"{TOTAL}\").textContent === '149.73'")
        assert parse_qs(urlsplit(page.url).query)["province"] == ["四川省"]

    browser(check)


def test_the_follow_through_map_colours_the_started_share_and_a_click_filters(browser, analyst):
    build_follow_world()
    source = axe_source()

    def check(context):
        page = login(context)
        page.goto("/follow-through/?as_of=2024-06-30")
        page.wait_for_selector("#province-map[data-drawn=true]")
        drawn = page.evaluate(MAP)
        assert drawn["type"] == "matrix" and drawn["points"] == 34
        assert drawn["tiles"]["四川省"][:3] == [3, 5, 2] and drawn["tiles"]["陕西省"][2] == 5
        pixel, key = page.evaluate(TILE_PIXEL, "陕西省")
        assert pixel == key
        assert describe("follow-through map", run_axe(page, source, within="#province-map")) == []
        page.locator("#province-map").screenshot(path=str(ARTIFACTS / "province-map-follow-through.png"))

        centre = page.evaluate(TILE_CENTRE, "陕西省")
        with page.expect_navigation():  # this page's filter is a plain form: the tile's link is followed
            page.locator("#province-map-canvas").click(position={"x": centre["x"], "y": centre["y"]})
        page.wait_for_selector("#province-map[data-drawn=true]")
        assert parse_qs(urlsplit(page.url).query) == {"as_of": ["2024-06-30"], "province": ["陕西省"]}
        assert page.input_value("#id_province") == "陕西省"
        assert page.inner_text("[data-field='total.signed']") == "25.00"
        assert page.evaluate(MAP)["tiles"]["四川省"][2] == 0

    browser(check)
