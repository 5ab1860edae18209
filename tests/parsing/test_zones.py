"""zones: gazetteer names, generated variants, unknown zones as written, no junk."""

from __future__ import annotations

import json
import time

import pytest

from articles.parsing.zones import DEFAULT_PATH, Gazetteer, find_zones, load_gazetteer, load_places

ENTRIES = [
    {
        "short_name": "西安高新区",
        "full_name": "西安高新技术产业开发区",
        "province": "陕西省",
        "city": "西安市",
        "level": "national",
        "kind": "高新区",
        "approved_year": 1991,
        "aliases": [],
    },
    {
        "short_name": "乐山高新区",
        "full_name": "乐山高新技术产业开发区",
        "province": "四川省",
        "city": "乐山市",
        "level": "national",
        "kind": "高新区",
        "approved_year": 2012,
        "aliases": [],
    },
    {
        "short_name": "天津滨海高新区",
        "full_name": "天津滨海高新技术产业开发区",
        "province": "天津市",
        "city": "天津市",
        "level": "national",
        "kind": "高新区",
        "approved_year": 1991,
        "aliases": ["滨海高新区"],
    },
    {
        "short_name": "清远高新区",
        "full_name": "清远高新技术产业开发区",
        "province": "广东省",
        "city": "清远市",
        "level": "national",
        "kind": "高新区",
        "approved_year": 2015,
        "aliases": [],
    },
    {
        "short_name": "中关村",
        "full_name": "中关村科技园区",
        "province": "北京市",
        "city": "北京市",
        "level": "national",
        "kind": "高新区",
        "approved_year": 1988,
        "aliases": ["中关村示范区"],
    },
    {
        "short_name": "成都高新区",
        "full_name": "成都高新技术产业开发区",
        "province": "四川省",
        "city": "成都市",
        "level": "national",
        "kind": "高新区",
        "approved_year": 1991,
        "aliases": [],
    },
]
G = Gazetteer(ENTRIES)


def names(text: str, gazetteer: Gazetteer = G) -> list[tuple[str, bool]]:
    return [(h.name, h.known) for h in gazetteer.find_zones(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("大会在西安高新区召开", [("西安高新区", True)]),
        ("西安高新技术产业开发区管委会", [("西安高新区", True)]),
        ("西安国家高新区", [("西安高新区", True)]),
        ("西安国家高新技术产业开发区", [("西安高新区", True)]),
        ("西安高新技术开发区", [("西安高新区", True)]),
        ("西安市高新区", [("西安高新区", True)]),
        ("天津滨海高新技术产业开发区发布清单", [("天津滨海高新区", True)]),
        ("滨海高新区", [("天津滨海高新区", True)]),
        ("天津滨海高新区", [("天津滨海高新区", True)]),
        ("中关村示范区企业", [("中关村", True)]),
        ("樂山高新區簽約", [("乐山高新区", True)]),
        ("乐山国家高新区与成都高新区合作", [("乐山高新区", True), ("成都高新区", True)]),
        # unknown zones, reported as written
        ("在绵阳经开区举行", [("绵阳经开区", False)]),
        ("广东省肇庆高新区", [("肇庆高新区", False)]),
        ("成都天府新区", [("成都天府新区", False)]),
        ("西安经济技术开发区", [("西安经济技术开发区", False)]),
        ("乐山市五通桥区工业园区", [("乐山市五通桥区工业园区", False)]),
        # junk that is not a zone
        ("该高新区新增签约项目5个", []),
        ("本高新区", []),
        ("在全国169家国家高新区中位列第一", []),
        ("支持区内信创产业", []),
        ("希望全国优秀企业来高新区共创场景", []),
        ("共同推动高新区实现更高质量发展", []),
        ("各类园区", []),
    ],
)
def test_find_zones(text, expected):
    assert names(text) == expected


def test_offsets():
    text = "据悉，天津滨海高新技术产业开发区发布"
    (hit,) = G.find_zones(text)
    assert text[hit.start : hit.end] == "天津滨海高新技术产业开发区"


def test_canonical():
    assert G.canonical("滨海高新区") == "天津滨海高新区"
    assert G.canonical("西安高新技术产业开发区") == "西安高新区"
    assert G.canonical("不存在高新区") is None


def test_ambiguous_generated_variant_is_dropped():
    g = Gazetteer(
        [
            {"short_name": "甲高新区", "full_name": "甲高新技术产业开发区", "city": "甲市", "aliases": []},
            {
                "short_name": "乙高新区",
                "full_name": "乙高新技术产业开发区",
                "city": "乙市",
                "aliases": ["甲国家高新区"],
            },
        ]
    )
    assert g.canonical("甲国家高新区") == "乙高新区"  # an explicit alias beats a generated form


def test_fast_on_a_large_page():
    page = "今年以来，西安高新区新签约项目十个，总投资约八十亿元。天津滨海高新技术产业开发区发布清单。" * 2000
    start = time.process_time()
    hits = G.find_zones(page * 10)  # ~1 MB of text
    assert time.process_time() - start < 2.0
    assert len(hits) == 40000


def test_real_gazetteer_file():
    if not DEFAULT_PATH.exists():
        pytest.skip("zones/data/gazetteer.json not delivered yet")
    entries = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert len(entries) >= 150
    g = load_gazetteer()
    assert g is load_gazetteer()  # cached
    assert g.canonical("滨海高新区") == "天津滨海高新区"
    assert [h.name for h in find_zones("清远高新区举行签约仪式，乐山高新区、西安高新区")] == [
        "清远高新区",
        "乐山高新区",
        "西安高新区",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "努力建设世界一流高新区",
        "打造创新型特色园区",
        "跻身全国百强高新区",
        "推动省级高新区提质增效",
        "各高新区要加快发展",
    ],
)
def test_qualities_are_not_zones(text):
    assert names(text) == []


def test_default_gazetteer_includes_other_zones():
    if not (DEFAULT_PATH.parent / "other_zones.json").exists():
        pytest.skip("zones/data/other_zones.json not delivered")
    assert load_gazetteer().canonical("拉萨经济技术开发区") == "拉萨经开区"


def test_missing_file_gives_an_empty_gazetteer(tmp_path):
    g = load_gazetteer(tmp_path / "none.json")
    assert [h.known for h in g.find_zones("西安高新区")] == [False]


# --- known places open unknown zones (from the round-2 rule tests) ---------------------


def test_places_file_lists_cities_and_counties():
    places = set(load_places())
    assert {"六安", "界首", "涡阳", "淮北", "安徽"} <= places
    assert "城区" not in places  # generic words are not places


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("项目落户界首高新区。", "界首高新区"),  # 首 is a stop character, yet 界首 is a place
        ("在淮北凤凰山经济开发区开工。", "淮北凤凰山经济开发区"),  # place + short proper name
        ("涡阳县工业园区引进项目。", "涡阳县工业园区"),
        ("来自宿州经开区的项目", "宿州经开区"),  # 来自 is not part of the name
        ("安徽六安经济开发区签约", "六安经济开发区"),  # the province is dropped
        ("在六安产业园开工", "六安产业园"),  # bare 产业园 straight after a place
    ],
)
def test_unknown_zone_opened_by_a_known_place(text, zone):
    assert [h.name for h in find_zones(text)] == [zone]


@pytest.mark.parametrize("text", ["建设储能产业园", "苏州等地开发区", "江苏省级开发区", "我市开发区"])
def test_no_zone_without_a_place_or_across_function_words(text):
    assert find_zones(text) == []


def test_gazetteer_without_places_file_still_works():
    assert Gazetteer([], places=["六安"]).find_zones("六安经开区")[0].name == "六安经开区"
