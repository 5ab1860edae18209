"""The province map (projects/province_map.py) and its tiles (zones/data/province_tiles.csv).

The map's figures are the dashboard's zone figures added up by province: checked here against
sums worked out by hand from tests/dashboard_factories.py (乐山 and 成都 lie in 四川省, 西安 in
陕西省), through the page a user opens, for filters the rollup answers and for one it cannot
(an investor), and against the ranking and the total of the same page to the yuan.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from projects import follow_through, province_map, totals
from projects.filters import ProjectFilter
from projects.services import refresh_project_timeline
from tests.conftest import REPO_DIR
from tests.dashboard_factories import EXPECTED, build_world, project, yuan
from tests.factories import make_event, make_project
from zones.models import Zone
from zones.tiles import TileDataError, province_tiles, read_tiles

# --- the tiles --------------------------------------------------------------------------------

MAINLAND = {
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
    "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省",
    "宁夏回族自治区", "新疆维吾尔自治区",
}
OTHERS = {"香港特别行政区", "澳门特别行政区", "台湾省"}


def test_the_tiles_cover_the_34_provincial_level_divisions_each_on_its_own_square():
    tiles = province_tiles()
    assert len(MAINLAND) == 31
    assert {tile.province for tile in tiles} == MAINLAND | OTHERS
    assert len({(tile.column, tile.row) for tile in tiles}) == 34
    assert all(tile.label and tile.code and tile.name_en for tile in tiles)
    assert len({tile.code for tile in tiles}) == 34
    by_name = {tile.province: tile for tile in tiles}
    # a few places a reader checks first: north-east above the south, west left of the east
    assert by_name["黑龙江省"].row < by_name["广东省"].row < by_name["海南省"].row
    assert by_name["新疆维吾尔自治区"].column < by_name["四川省"].column < by_name["上海市"].column


@pytest.mark.django_db
def test_every_zone_province_of_the_gazetteer_and_the_database_has_a_tile():
    tiled = {tile.province for tile in province_tiles()}
    gazetteer = []
    for name in ("gazetteer.json", "other_zones.json"):
        gazetteer += json.loads((REPO_DIR / "zones" / "data" / name).read_text(encoding="utf-8"))
    provinces = {entry["province"] for entry in gazetteer if entry.get("province")}
    assert len(provinces) >= 30 and provinces <= tiled
    stored = set(Zone.objects.exclude(province="").values_list("province", flat=True))
    assert stored and stored <= tiled


def test_every_province_of_the_place_data_has_a_tile():
    """Zones first seen in text take the province of their place (articles/parsing/places.py)."""
    from articles.parsing import places

    try:
        index = places.load_place_index()
    except places.PlaceDataMissing as missing:
        pytest.skip(str(missing))
    provinces = {place.province for place in index.places if place.province}
    assert provinces == {tile.province for tile in province_tiles()}


@pytest.mark.parametrize(("body", "message"), [
    ("province,label,code,name_en,column,row\n四川省,四川,SC,Sichuan,3,5\n重庆市,重庆,CQ,Chongqing,3,5\n",
     "two tiles on column 3, row 5"),
    ("province,label,code,name_en,column,row\n四川省,四川,SC,Sichuan,3,5\n四川省,川,SC,Sichuan,4,5\n",
     "四川省 appears twice"),
    ("province,label,code,name_en,column,row\n四川省,四川,SC,Sichuan,,5\n", "lacks a field"),
    ("province,label,code,name_en,column,row\n四川省,四川,SC,Sichuan,三,5\n", "whole numbers"),
    ("province,label,column,row\n四川省,四川,3,5\n", "the header must be"),
])
def test_a_malformed_tile_file_is_refused_saying_why(tmp_path: Path, body: str, message: str):
    path = tmp_path / "tiles.csv"
    path.write_text("# a comment line\n" + body, encoding="utf-8")
    with pytest.raises(TileDataError, match=message):
        read_tiles(path)


# --- the colour classes --------------------------------------------------------------------------

YI = Decimal(100_000_000)
AUGUST = dt.date(2022, 8, 20)


def test_amount_classes_split_the_provinces_by_rank_with_ties_together():
    amounts = {name: Decimal(n) * YI for name, n in
               [("a", 1), ("b", 2), ("c", 3), ("d", 4), ("e", 5), ("f", 6), ("g", 7), ("h", 8), ("i", 9), ("j", 10),
                ("zero", 0)]}
    classes, legend = province_map.amount_classes(amounts)
    assert classes == {"a": 1, "b": 1, "c": 2, "d": 2, "e": 3, "f": 3, "g": 4, "h": 4, "i": 5, "j": 5}
    assert legend == [(1, "1.00–2.00"), (2, "3.00–4.00"), (3, "5.00–6.00"), (4, "7.00–8.00"), (5, "9.00–10.00")]
    # two provinces: the two darkest classes; equal amounts share one class
    assert province_map.amount_classes({"a": YI, "b": 3 * YI})[0] == {"a": 4, "b": 5}
    classes, legend = province_map.amount_classes({"a": YI, "b": YI, "c": YI, "d": 2 * YI})
    assert classes["a"] == classes["b"] == classes["c"] != classes["d"]
    assert [text for _colour, text in legend] == ["1.00", "2.00"]
    assert province_map.amount_classes({}) == ({}, [])


def test_share_classes_are_fixed_fifths():
    assert [province_map.share_class(s) for s in (None, 0, 0.1999, 0.2, 0.5, 0.8, 1.0)] == [0, 1, 1, 2, 3, 5, 5]
    assert [text for _c, text in province_map.share_legend()] == ["0%–20%", "20%–40%", "40%–60%", "60%–80%", "≥80%"]


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def test_every_colour_class_has_text_at_a_contrast_of_at_least_4_5():
    """The tiles' labels are drawn in each class's text colour on its fill (WCAG 1.4.3)."""
    css = (REPO_DIR / "static" / "css" / "province-map.css").read_text(encoding="utf-8")
    rules = re.findall(r"\.map-colour-(\d) \{ background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6}); \}", css)
    pairs = {colour: (fill, text) for colour, fill, text in rules}
    assert sorted(pairs) == [str(n) for n in range(province_map.CLASSES + 1)]
    for colour, (fill, text) in pairs.items():
        light, dark = sorted((_luminance(fill), _luminance(text)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, f"class {colour}: {text} on {fill}"


# --- the dashboard's figures, through the page ---------------------------------------------------

class TableReader(HTMLParser):
    """The rows of the province table: (section, cell texts, link of the row's header, province)."""

    def __init__(self):
        super().__init__()
        self.rows: list[tuple[str, list[str], str | None, str | None]] = []
        self.inside = False
        self.section = ""
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == "table-provinces":
            self.inside = True
        if not self.inside:
            return
        if tag in ("thead", "tbody", "tfoot"):
            self.section = tag
        elif tag == "tr":
            self.rows.append((self.section, [], None, attrs.get("data-province")))
        elif tag in ("th", "td"):
            self.cell = []
        elif tag == "a" and self.rows:
            section, cells, _link, province = self.rows[-1]
            self.rows[-1] = (section, cells, attrs.get("href"), province)

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("th", "td") and self.cell is not None:
            self.rows[-1][1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.inside and self.cell is not None:
            self.cell.append(data)


def province_table(html: str) -> dict[str, list]:
    reader = TableReader()
    reader.feed(html)
    return {
        "body": [(cells, link) for section, cells, link, _province in reader.rows if section == "tbody"],
        "foot": [cells for section, cells, _link, _province in reader.rows if section == "tfoot"],
        "provinces": [province for section, _cells, _link, province in reader.rows if section == "tbody"],
    }


def map_data(html: str) -> dict:
    found = re.search(r'<script id="province-map-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def dashboard_data(html: str) -> dict:
    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def tile_amounts(data: dict) -> dict[str, str]:
    return {tile["province"]: tile["amount_yuan"] for tile in data["tiles"] if tile["records"]}


@pytest.fixture
def analyst(analyst_by_form):
    return analyst_by_form


@pytest.fixture
def paths(monkeypatch):
    """Which way the totals were computed: "rollup" or "live" (projects/totals.py)."""
    used: list[str] = []
    rollup, live = totals.from_rollup, totals.compute
    monkeypatch.setattr(totals, "from_rollup", lambda *a, **k: used.append("rollup") or rollup(*a, **k))
    monkeypatch.setattr(totals, "compute", lambda *a, **k: used.append("live") or live(*a, **k))
    return used


def assert_agrees_with_the_page(html: str) -> None:
    """The provinces (and the 省份不详 row) add up to the page's total; each province is the sum
    of its zones in the ranking; the table shows the tiles' figures."""
    data, dashboard = map_data(html), dashboard_data(html)
    zone_province = dict(Zone.objects.values_list("short_name", "province"))
    by_province: dict[str, Decimal] = {}
    for row in dashboard["ranking"]:
        province = zone_province.get(row["zone"], "")
        by_province[province] = by_province.get(province, Decimal(0)) + Decimal(row["amount_yuan"])
    unplaced = by_province.pop("", None)
    assert {p: Decimal(a) for p, a in tile_amounts(data).items()} == {p: a for p, a in by_province.items() if a
                                                                      or p in tile_amounts(data)}
    table = province_table(html)
    tiles = {tile["province"]: tile for tile in data["tiles"]}
    assert set(table["provinces"]) == set(tile_amounts(data))
    for (cells, link), province in zip(table["body"], table["provinces"], strict=True):
        assert cells[0].startswith(tiles[province]["name"]) and link == tiles[province]["url"]
        assert cells[1] == tiles[province]["amount_display"]
        assert int(cells[2]) == tiles[province]["records"]
    total_row = table["foot"][-1]
    assert total_row[0] == "合计" and total_row[1] == dashboard["total"]["amount_display"]
    listed = sum(Decimal(tile["amount_yuan"]) for tile in data["tiles"]) + (unplaced or 0)
    assert listed == Decimal(dashboard["total"]["amount_yuan"])


@pytest.mark.django_db
def test_the_dashboard_map_adds_up_the_zones_by_province(analyst, paths):
    build_world()
    html = analyst.get("/").content.decode()
    assert paths == ["rollup"]

    data = map_data(html)
    assert len(data["tiles"]) == 34 and (data["columns"], data["rows"]) == (8, 8)
    # 四川: 乐山 135亿 (pB1 120 + b1 15) + 成都 14.7261亿 (pC1 8 + pC4 USD 1亿); 陕西: 西安 142亿 (BA 122 + pA1 20)
    assert tile_amounts(data) == {"四川省": "14972610000.00", "陕西省": "14200000000.00"}
    sichuan = next(tile for tile in data["tiles"] if tile["province"] == "四川省")
    assert (sichuan["records"], sichuan["projects"], sichuan["batches"]) == (5, 5, 0)
    assert (sichuan["label"], sichuan["colour"], sichuan["value"]) == ("四川", 5, 149.73)
    assert sichuan["url"] == "?province=四川省".replace("四川省", "%E5%9B%9B%E5%B7%9D%E7%9C%81")
    beijing = next(tile for tile in data["tiles"] if tile["province"] == "北京市")
    assert (beijing["colour"], beijing["records"], beijing["summary"]) == (0, 0, "无记录")
    taiwan = next(tile for tile in data["tiles"] if tile["province"] == "台湾省")
    assert taiwan["url"] is None  # no zone there: the filter does not offer it

    table = province_table(html)
    assert [cells for cells, _link in table["body"]] == [["四川省", "149.73", "5"], ["陕西省", "142.00", "2"]]
    assert table["foot"] == [["合计", EXPECTED["total_display"], "7"]]
    assert 'class="map-key map-colour-5" data-colour="5">149.73<' in html
    assert_agrees_with_the_page(html)


@pytest.mark.django_db
def test_a_month_range_reads_the_rollup_and_the_map_follows_it(analyst, paths):
    build_world()
    html = analyst.get("/?month_from=2022-07&month_to=2022-07").content.decode()
    assert paths == ["rollup"]
    # July: 西安 pA1 20亿; 乐山 b1 15亿 + 成都 pC1 8亿
    assert tile_amounts(map_data(html)) == {"四川省": "2300000000.00", "陕西省": "2000000000.00"}
    assert_agrees_with_the_page(html)


@pytest.mark.django_db
def test_an_investor_filter_is_computed_live_and_the_map_follows_it(analyst, paths):
    build_world()
    project(Zone.objects.get(short_name="成都高新区"), "成都储能项目", "4.5", AUGUST, investor="协鑫集团")
    html = analyst.get("/?investor=协鑫").content.decode()
    assert paths == ["live"]
    # pB1 (乐山, 120亿) and the new 成都 project (4.5亿); no batch satisfies an investor filter
    assert tile_amounts(map_data(html)) == {"四川省": "12450000000.00"}
    table = province_table(html)
    assert [cells for cells, _link in table["body"]] == [["四川省", "124.50", "2"]]
    assert_agrees_with_the_page(html)


@pytest.mark.django_db
def test_records_without_a_province_are_a_table_row_and_no_tile(analyst):
    build_world()
    nowhere = Zone.objects.create(short_name="某某园区", slug="mou-mou", province="")
    project(nowhere, "无省份项目", "2", AUGUST)
    project(None, "无开发区项目", "1", AUGUST)
    html = analyst.get("/").content.decode()
    assert tile_amounts(map_data(html)) == {"四川省": "14972610000.00", "陕西省": "14200000000.00"}
    foot = province_table(html)["foot"]
    assert foot == [["省份不详", "3.00", "2"], ["合计", "294.73", "9"]]
    assert_agrees_with_the_page(html)


@pytest.mark.django_db
def test_a_province_filter_marks_its_tile_and_its_link_clears_it(analyst):
    build_world()
    html = analyst.get("/?province=四川省&stage=signed").content.decode()
    data = map_data(html)
    assert tile_amounts(data) == {"四川省": "14972610000.00"}  # every 四川 record is a signing
    sichuan = next(tile for tile in data["tiles"] if tile["province"] == "四川省")
    assert sichuan["selected"] is True
    assert parse_qs(sichuan["url"][1:]) == {"stage": ["signed"]}  # a second click clears the province
    shaanxi = next(tile for tile in data["tiles"] if tile["province"] == "陕西省")
    assert parse_qs(shaanxi["url"][1:]) == {"stage": ["signed"], "province": ["陕西省"]}
    (cells, link), = province_table(html)["body"]
    assert cells[0].startswith("四川省") and "（已筛选，点击取消）" in cells[0]
    assert link == sichuan["url"] and 'aria-current="true"' in html
    assert re.search(r'<option value="四川省" selected>', html)  # the filter form shows it
    assert_agrees_with_the_page(html)


@pytest.mark.django_db
def test_the_htmx_fragment_carries_the_same_map(analyst):
    build_world()
    query = "?month_from=2022-06&month_to=2022-08&q=&top=8"  # as the form sends it: empty fields too
    page = analyst.get(f"/{query}").content.decode()
    fragment = analyst.get(f"{reverse('dashboard-results')}{query}", HTTP_HX_REQUEST="true").content.decode()
    assert map_data(fragment) == map_data(page)
    sichuan = next(tile for tile in map_data(fragment)["tiles"] if tile["province"] == "四川省")
    assert parse_qs(sichuan["url"][1:]) == {  # the empty field is left out
        "month_from": ["2022-06"], "month_to": ["2022-08"], "top": ["8"], "province": ["四川省"]}
    assert province_table(fragment) == province_table(page)


@pytest.mark.django_db
def test_the_english_page_names_provinces_in_english(analyst):
    build_world()
    analyst.cookies["django_language"] = "en"
    html = analyst.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    data = map_data(html)
    sichuan = next(tile for tile in data["tiles"] if tile["province"] == "四川省")
    assert (sichuan["label"], sichuan["name"]) == ("SC", "Sichuan")
    assert sichuan["summary"] == "149.73 × 100M yuan, 5 records"
    assert "Investment by province" in html
    assert [cells[0] for cells, _link in province_table(html)["body"]] == ["Sichuan", "Shaanxi"]


# --- the follow-through page's map: the started share ----------------------------------------------


def signed_and_started(zone, yi: str, signed: dt.date | None, started: dt.date | None, started_precision="day"):
    """A confirmed project with a 签约 and/or 开工 event, its timeline derived as the services do."""
    first = ("signed", signed, "day") if signed else ("started", started, started_precision)
    made = make_project(zone, amount=yuan(yi), amount_yuan=yuan(yi), stage=first[0], date=first[1],
                        date_precision=first[2], review_status="confirmed")
    if signed:
        make_event(made, "signed", signed, "day")
    if started:
        make_event(made, "started", started, started_precision)
    refresh_project_timeline(made)
    return made


def build_follow_world() -> None:
    """Hand-computed started shares (亿元):
    四川省  乐山 10 signed 2023-03-10, started 2023-09 (month); 成都 30 signed 2023-01-05, no start
            → signed 40, started 10, 25.0% (class 2)
    陕西省  西安 20 signed 2023-01-05, started 2023-02-20; 西安 5 signed 2023-06-01, no start
            → signed 25, started 20, 80.0% (class 5)
    江苏省  苏州工业园区 7 started 2023-07-01 without a signing → no signed figure, no colour
    no zone 4 signed 2023-02-01, started 2023-03-01 → the 省份不详 row, 100.0%
    total   signed 69, started 34 → 49.3%"""
    zone = {name: Zone.objects.get(short_name=name) for name in ("乐山高新区", "成都高新区", "西安高新区", "苏州工业园区")}
    signed_and_started(zone["乐山高新区"], "10", dt.date(2023, 3, 10), dt.date(2023, 9, 1), "month")
    signed_and_started(zone["成都高新区"], "30", dt.date(2023, 1, 5), None)
    signed_and_started(zone["西安高新区"], "20", dt.date(2023, 1, 5), dt.date(2023, 2, 20))
    signed_and_started(zone["西安高新区"], "5", dt.date(2023, 6, 1), None)
    signed_and_started(zone["苏州工业园区"], "7", None, dt.date(2023, 7, 1))
    signed_and_started(None, "4", dt.date(2023, 2, 1), dt.date(2023, 3, 1))


@pytest.fixture
def follow_world():
    build_follow_world()


@pytest.mark.django_db
def test_the_started_share_map_colours_the_follow_through_provinces(follow_world):
    data = follow_through.for_filter(ProjectFilter(QueryDict("")), as_of=dt.date(2024, 6, 30)).as_json()
    with translation.override("zh-hans"):  # the page's source language, whatever a test before left
        built = province_map.for_started_share(data["provinces"], data["total"], QueryDict("stalled_months=6"), None)
        tiles = {tile["province"]: tile for tile in built.as_json()["tiles"]}
    assert len(tiles) == 34
    assert (tiles["四川省"]["signed_yuan"], tiles["四川省"]["started_yuan"]) == ("4000000000.00", "1000000000.00")
    assert (tiles["四川省"]["value"], tiles["四川省"]["display"], tiles["四川省"]["colour"]) == (0.25, "25.0%", 2)
    assert (tiles["陕西省"]["value"], tiles["陕西省"]["display"], tiles["陕西省"]["colour"]) == (0.8, "80.0%", 5)
    assert (tiles["江苏省"]["value"], tiles["江苏省"]["colour"]) == (None, 0)  # started, never signed
    assert tiles["陕西省"]["summary"] == "签约 25.00 亿元，已开工 20.00 亿元（80.0%）"
    assert parse_qs(tiles["陕西省"]["url"][1:]) == {"stalled_months": ["6"], "province": ["陕西省"]}
    assert [(row.province, row.figures["signed_display"], row.figures["started_display"], row.display)
            for row in built.rows] == [("四川省", "40.00", "10.00", "25.0%"), ("陕西省", "25.00", "20.00", "80.0%")]
    assert (built.unplaced.name, built.unplaced.display) == ("省份不详", "100.0%")
    assert (built.total["signed_display"], built.total["started_display"], built.total["display"]) == (
        "69.00", "34.00", "49.3%")
    assert [colour for colour, _text in built.legend] == [0, 1, 2, 3, 4, 5]


def follow_through_data(html: str) -> dict:
    found = re.search(r'<script id="follow-through-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


@pytest.mark.django_db
def test_the_follow_through_page_map_shows_the_started_share_per_province(analyst, follow_world):
    html = analyst.get(f"{reverse('follow-through')}?as_of=2024-06-30").content.decode()
    data = map_data(html)
    assert data["metric"] == "started_share" and len(data["tiles"]) == 34
    tiles = {tile["province"]: tile for tile in data["tiles"]}
    assert (tiles["四川省"]["value"], tiles["四川省"]["display"], tiles["四川省"]["colour"]) == (0.25, "25.0%", 2)
    assert (tiles["陕西省"]["value"], tiles["陕西省"]["display"], tiles["陕西省"]["colour"]) == (0.8, "80.0%", 5)
    assert (tiles["江苏省"]["value"], tiles["江苏省"]["colour"]) == (None, 0)
    assert parse_qs(tiles["陕西省"]["url"][1:]) == {"as_of": ["2024-06-30"], "province": ["陕西省"]}
    table = province_table(html)
    assert [cells for cells, _link in table["body"]] == [
        ["四川省", "40.00", "10.00", "25.0%"], ["陕西省", "25.00", "20.00", "80.0%"]]
    assert table["foot"] == [["省份不详", "4.00", "4.00", "100.0%"], ["合计", "69.00", "34.00", "49.3%"]]
    # the same figures as the page's own data (projects.follow_through), province by province
    page = follow_through_data(html)
    for item in page["provinces"]:
        if item["province"] and item["signed"]["count"]:
            tile = tiles[item["province"]]
            assert (tile["signed_yuan"], tile["started_yuan"], tile["value"]) == (
                item["signed"]["amount_yuan"], item["started"]["amount_yuan"], item["started_share"])
    assert sum(Decimal(t["signed_yuan"]) for t in data["tiles"]) + yuan("4") == Decimal(
        page["total"]["signed"]["amount_yuan"])


@pytest.mark.django_db
def test_the_follow_through_map_follows_a_province_filter(analyst, follow_world):
    html = analyst.get(f"{reverse('follow-through')}?province=陕西省&as_of=2024-06-30").content.decode()
    tiles = {tile["province"]: tile for tile in map_data(html)["tiles"]}
    assert tiles["陕西省"]["selected"] is True and tiles["陕西省"]["display"] == "80.0%"
    assert tiles["四川省"]["colour"] == 0
    assert parse_qs(tiles["陕西省"]["url"][1:]) == {"as_of": ["2024-06-30"]}  # a second click clears it
    assert [cells[1:] for cells, _link in province_table(html)["body"]] == [["25.00", "20.00", "80.0%"]]
