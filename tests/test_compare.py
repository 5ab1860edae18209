"""The zone comparison (`/compare/`, issue 12): two to four zones side by side, through HTTP.

Over the hand-countable dashboard world (tests/dashboard_factories.py), default filter
(confirmed records), months 2022-06 … 2022-08:

    zone        2022-06      2022-07     2022-08        total (亿元)   dated records
    西安高新区   122 (BA)     20 (pA1)    0 (pA2 is a candidate)  142   2
    乐山高新区   120 (pB1)    15 (b1)     0 (pB2, no amount)      135   3
    成都高新区   0            8 (pC1)     6.7261 (pC4)         14.7261   2
    长沙高新区   0            5 (added)   0                        5      1
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.dashboard_factories import project
from tests.test_dashboard import api
from zones.models import Zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    world["D"] = Zone.objects.get(short_name="长沙高新区")
    world["pD1"] = project(world["D"], "长沙新能源项目", "5", dt.date(2022, 7, 12))
    return world


def compare_page(client, *zones, query: str = ""):
    params = "&".join(f"zone={zone.slug}" for zone in zones)
    response = client.get(f"/compare/?{params}{'&' if query else ''}{query}")
    assert response.status_code == 200
    return response


def embedded(response) -> dict | None:
    return response.context["data"] or None


def table(response) -> list[list[str]]:
    """The monthly table's rows as text (header row first), read from the HTML."""
    html = response.content.decode()
    body = re.search(r'<table class="data compact" id="table-compare-months">(.*?)</table>', html, re.S)[1]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", "", cell).strip() for cell in cells])
    return rows


def test_two_zones_side_by_side(analyst, world):
    response = compare_page(analyst, world["A"], world["C"])
    data = embedded(response)
    assert data["periods"] == ["2022-06", "2022-07", "2022-08"]
    assert data["granularity"] == "month"
    xian, chengdu = data["zones"]
    assert xian["zone"]["name"] == "西安高新区" and chengdu["zone"]["name"] == "成都高新区"
    assert [p["amount_yuan"] for p in xian["periods"]] == ["12200000000.00", "2000000000.00", "0.00"]
    assert [p["amount_yuan"] for p in chengdu["periods"]] == ["0.00", "800000000.00", "672610000.00"]
    assert xian["total"]["amount_yuan"] == "14200000000.00" and xian["total"]["records"] == 2
    assert chengdu["total"]["amount_yuan"] == "1472610000.00" and chengdu["total"]["records"] == 2
    # The table shows the same figures, in 亿元, zones in the address's order.
    assert table(response) == [
        ["月份", "西安高新区", "成都高新区"],
        ["2022-06", "122.00", "0.00"],
        ["2022-07", "20.00", "8.00"],
        ["2022-08", "0.00", "6.73"],
        ["合计", "142.00", "14.73"],
    ]
    assert 'id="chart-compare-months"' in response.content.decode()
    assert "compare-message" not in response.content.decode()


def test_the_address_order_is_kept(analyst, world):
    data = embedded(compare_page(analyst, world["C"], world["A"]))
    assert [row["zone"]["name"] for row in data["zones"]] == ["成都高新区", "西安高新区"]


def test_four_zones_agree_with_the_dashboard(analyst, world):
    zones = [world["A"], world["B"], world["C"], world["D"]]
    response = compare_page(analyst, *zones)
    data = embedded(response)
    assert [row["zone"]["name"] for row in data["zones"]] == ["西安高新区", "乐山高新区", "成都高新区", "长沙高新区"]
    assert [row["total"]["amount_yuan"] for row in data["zones"]] == [
        "14200000000.00", "13500000000.00", "1472610000.00", "500000000.00"]
    assert [row["total"]["records"] for row in data["zones"]] == [2, 3, 2, 1]
    assert [p["amount_yuan"] for p in data["zones"][3]["periods"]] == ["0.00", "500000000.00", "0.00"]
    assert table(response)[2] == ["2022-07", "20.00", "15.00", "8.00", "5.00"]
    # The dashboard's endpoint, filtered to the same zones, has the same series, to the yuan.
    dashboard = api(analyst, "&".join(f"zone={z.slug}" for z in zones))
    assert dashboard["months"] == data["periods"]
    by_name = {series["zone"]: series["amount_yuan"] for series in dashboard["series"]}
    for row in data["zones"]:
        assert [p["amount_yuan"] for p in row["periods"]] == by_name[row["zone"]["name"]]


def test_other_filters_apply_and_links_keep_them(analyst, world):
    # With candidates: 西安's 2022-08 gets pA2 (7亿).
    response = compare_page(analyst, world["A"], world["B"],
                            query="review_status=confirmed&review_status=candidate&month_from=2022-07")
    data = embedded(response)
    assert data["periods"] == ["2022-07", "2022-08"]
    assert [p["amount_yuan"] for p in data["zones"][0]["periods"]] == ["2000000000.00", "700000000.00"]
    # a cell's link opens the project list of that zone and month, with the other filters
    link = re.search(r'<td class="num"><a href="([^"]+)">7.00</a>', response.content.decode())[1]
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert query["zone"] == [world["A"].slug]
    assert query["month_from"] == ["2022-08"] and query["month_to"] == ["2022-08"]
    assert query["review_status"] == ["confirmed", "candidate"]
    listed = analyst.get(link.replace("&amp;", "&"))
    assert listed.context["page"].paginator.count == 1  # pA2


def test_one_zone_is_a_clear_message(analyst, world):
    response = compare_page(analyst, world["A"])
    html = response.content.decode()
    assert 'id="compare-message"' in html and "至少需要选择 2 个开发区" in html
    assert embedded(response) is None and 'id="chart-compare-months"' not in html


def test_five_zones_is_a_clear_message(analyst, world):
    fifth = Zone.objects.exclude(pk__in=[world[k].pk for k in "ABCD"]).filter(merged_into__isnull=True).first()
    response = compare_page(analyst, world["A"], world["B"], world["C"], world["D"], fifth)
    html = response.content.decode()
    assert "最多可比较 4 个开发区（目前选了 5 个）" in html
    assert embedded(response) is None and "compare-data" not in html


def test_no_zone_and_an_unknown_zone(analyst, world):
    html = analyst.get("/compare/").content.decode()
    assert "请选择 2 至 4 个开发区进行比较。" in html
    response = analyst.get(f"/compare/?zone={world['A'].slug}&zone=no-such-zone")
    assert response.status_code == 200
    assert "所选开发区无效" in response.content.decode() and embedded(response) is None


def test_a_repeated_zone_counts_once(analyst, world):
    response = analyst.get(f"/compare/?zone={world['A'].slug}&zone={world['A'].slug}")
    assert "至少需要选择 2 个开发区" in response.content.decode()


def test_english(analyst, world):
    analyst.cookies["django_language"] = "en"
    response = compare_page(analyst, world["A"])
    html = response.content.decode()
    assert "Compare zones" in html and "Pick at least 2 zones to compare (only 1 is selected)." in html


def test_needs_a_login(client, world):
    response = client.get("/compare/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
