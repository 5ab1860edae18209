"""The follow-through charts (issue 12): the zone funnel, its links to the project lists behind
each bar, and the comparison's follow-through figures, over ft-core's hand-computed world
(tests/test_follow_through.py: zones 甲 and 乙, amounts in 亿元), through HTTP.

    zone   signed                       started                  operating
    乙     3 · 51  (P3 20, P4 30, P9 1)  2 · 21  (P3, P9)         1 · 20 (P3)
    甲     5 · 29  (P1 10, P2 5, P5 8,   4 · 25  (P1, P2, P5, M1)  1 · 5  (P2)
                    M1 2, P10 4)
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape

import pytest

from tests.dashboard_factories import yuan
from tests.test_follow_through import make, world  # noqa: F401 -- the hand-computed world (a fixture)

pytestmark = pytest.mark.django_db

FUNNEL = {  # zone → stage → (count, amount 亿元 as printed)
    "乙高新区": {"signed": (3, "51.00"), "started": (2, "21.00"), "operating": (1, "20.00")},
    "甲高新区": {"signed": (5, "29.00"), "started": (4, "25.00"), "operating": (1, "5.00")},
}
LISTED = {  # the projects behind each of 甲's bars
    "signed": {"P1", "P2", "P5", "M1", "P10"}, "started": {"P1", "P2", "P5", "M1"}, "operating": {"P2"},
}


def json_script(html: str, element_id: str) -> dict:
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert found, f"no json_script {element_id}"
    return json.loads(found[1])


def funnel_table(html: str) -> dict:
    """{zone: {stage: (count, amount, link or None)}} read from the funnel's table."""
    body = re.search(r'<table class="data compact" id="table-funnel">(.*?)</table>', html, re.S)[1]
    rows = {}
    for zone, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', body, re.S):
        row = {}
        for stage, cell in re.findall(r'<td class="num" data-stage="(\w+)">(.*?)</td>', cells, re.S):
            link = re.search(r'<a href="([^"]+)">', cell)
            amount = re.sub(r"<small.*?</small>|<[^>]+>", "", cell, flags=re.S).strip()
            count = int(re.search(r"(\d+) 个", cell)[1])
            row[stage] = (count, amount, unescape(link[1]) if link else None)
        rows[zone] = row
    return rows


def test_comparison_shows_the_funnel_and_the_follow_through_side_by_side(analyst, world):  # noqa: F811
    response = analyst.get(f"/compare/?zone={world['B'].slug}&zone={world['A'].slug}")
    html = response.content.decode()
    # the funnel's data and its table: the same hand-computed figures
    data = json_script(html, "funnel-data")
    assert [row["zone"] for row in data["zones"]] == ["乙高新区", "甲高新区"]
    for row in data["zones"]:
        assert {c["stage"]: (c["count"], c["amount_display"]) for c in row["cells"]} == FUNNEL[row["zone"]]
    table = funnel_table(html)
    assert {zone: {stage: cell[:2] for stage, cell in row.items()} for zone, row in table.items()} == FUNNEL
    # the follow-through table, one column per zone
    body = re.search(r'id="table-compare-follow">(.*?)</table>', html, re.S)[1]
    rows = {th: re.findall(r'<td class="num">(.*?)</td>', tds)
            for th, tds in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', body, re.S)}
    assert rows["签约"] == ["3 个 · 51.00 亿元", "5 个 · 29.00 亿元"]
    assert rows["6 个月内开工"] == ["1 个 · 20.00 亿元", "2 个 · 10.00 亿元"]
    assert rows["12 个月内开工"] == ["2 个 · 21.00 亿元", "3 个 · 20.00 亿元"]
    assert rows["24 个月内开工"] == ["2 个 · 21.00 亿元", "4 个 · 25.00 亿元"]
    assert rows["已报道投产"] == ["1 个 · 20.00 亿元", "1 个 · 5.00 亿元"]
    assert rows["开工金额占比"] == ["41.2%", "86.2%"]  # 21/51 = 41.18 %, 25/29 = 86.21 %
    assert rows["签约至开工月数（中位数）"] == ["6.0", "5.5"]


def test_each_funnel_bar_leads_to_a_list_of_as_many_projects(analyst, world):  # noqa: F811
    html = analyst.get(f"/compare/?zone={world['A'].slug}&zone={world['B'].slug}").content.decode()
    table = funnel_table(html)
    data = {row["zone"]: {c["stage"]: c for c in row["cells"]} for row in json_script(html, "funnel-data")["zones"]}
    keys = {world[key].pk: key for key in ("P1", "P2", "P3", "P4", "P5", "M1", "P7", "P9", "P10")}
    for zone, stages in FUNNEL.items():
        for stage, (count, _amount) in stages.items():
            url = table[zone][stage][2]
            assert url == data[zone][stage]["url"]  # the bar (chart data) and the table link agree
            assert f"follow={stage}" in url
            listed = analyst.get(url)
            assert listed.context["page"].paginator.count == count, (zone, stage)
            if zone == "甲高新区":
                assert {keys.get(p.pk) for p in listed.context["page"]} == LISTED[stage]


def test_the_follow_filter_keeps_batches_out_and_says_so_in_the_form(analyst, world):  # noqa: F811
    response = analyst.get(f"/projects/?zone={world['A'].slug}&follow=started")
    assert response.context["batches"].count() == 0  # a batch has no follow-through
    html = response.content.decode()
    assert '<option value="started" selected>签约后已报道开工</option>' in html
    bad = analyst.get("/projects/?follow=nonsense")
    assert bad.status_code == 200 and "部分筛选条件无效" in bad.content.decode()


def test_the_comparison_counts_signings_as_the_follow_through_page_does(analyst, world):  # noqa: F811
    # An old signing in 甲: the monthly series keep the dashboard's 24 months up to 2024-01
    # (2022-02 on), but the follow-through counts every signing, as /follow-through/ does.
    old = make(world["A"], "7", "", ("signed", dt.date(2020, 5, 6), "day"))
    html = analyst.get(f"/compare/?zone={world['A'].slug}&zone={world['B'].slug}").content.decode()
    data = json_script(html, "compare-data")
    assert data["periods"][0] == "2022-02" and data["periods"][-1] == "2024-01"
    assert data["zones"][0]["total"]["amount_yuan"] != str(yuan("7"))  # not in the months shown
    funnel = {row["zone"]: {c["stage"]: (c["count"], c["amount_display"]) for c in row["cells"]}
              for row in json_script(html, "funnel-data")["zones"]}
    assert funnel["甲高新区"]["signed"] == (6, "36.00")  # 5 · 29 + the old 7
    signed_list = analyst.get(next(c["url"] for row in json_script(html, "funnel-data")["zones"]
                                   for c in row["cells"] if row["zone"] == "甲高新区" and c["stage"] == "signed"))
    assert old.pk in {p.pk for p in signed_list.context["page"]}
    assert signed_list.context["page"].paginator.count == 6


# --- on the follow-through page (/follow-through/) -------------------------------------------------

AS_OF = "as_of=2024-06-30"  # the day ft-core's hand-computed cohorts are counted to
COHORT_HEADERS = {  # quarter → its signed projects as the header prints them
    "2022Q4": "1 个 · 30.00 亿元",  # P4
    "2023Q1": "4 个 · 33.00 亿元",  # P3 20, M1 2, P1 10, P9 1
    "2023Q2": "2 个 · 13.00 亿元",  # P5 8, P2 5
    "2024Q1": "1 个 · 4.00 亿元",   # P10
}
# The cohorts' shares by month since signing (tests/test_follow_through.py), as the table prints them.
COHORT_COLUMNS = {
    "2022Q4": ["0.0%"] * 21 + ["—"] * 4,
    "2023Q1": ["0.0%"] * 2 + ["60.6%"] * 4 + ["66.7%"] + ["97.0%"] * 5 + ["100.0%"] * 6 + ["—"] * 7,
    "2023Q2": ["0.0%"] * 2 + ["61.5%"] * 13 + ["—"] * 10,
    "2024Q1": ["0.0%"] * 6 + ["—"] * 19,
}


def cohort_table(html: str) -> tuple[list[str], dict[str, list[str]]]:
    """(the header cells, {quarter: the column's 25 cells}) of the cohort table."""
    body = re.search(r'<table class="data compact" id="table-cohorts">(.*?)</table>', html, re.S)[1]
    head = [re.sub(r"<[^>]+>", " ", cell).split() for cell in
            re.findall(r'<th scope="col" class="num">(.*?)</th>', body, re.S)]
    quarters = [cell[0] for cell in head]
    headers = [" ".join(cell[1:]) for cell in head]
    rows = re.findall(r'<tr><th scope="row">(\d+)</th>(.*?)</tr>', body, re.S)
    assert [int(month) for month, _cells in rows] == list(range(25))
    columns = {quarter: [] for quarter in quarters}
    for _month, cells in rows:
        for quarter, cell in zip(quarters, re.findall(r'<td class="num">(.*?)</td>', cells), strict=True):
            columns[quarter].append(cell)
    return [f"{q} {h}" for q, h in zip(quarters, headers, strict=True)], columns


def test_the_cohort_chart_and_its_table_show_the_hand_computed_shares(analyst, world):  # noqa: F811
    html = analyst.get(f"/follow-through/?{AS_OF}").content.decode()
    headers, columns = cohort_table(html)
    assert headers == [f"{quarter} {text}" for quarter, text in COHORT_HEADERS.items()]
    assert columns == COHORT_COLUMNS
    chart = json_script(html, "cohort-chart-data")
    page = json_script(html, "follow-through-data")
    assert [c["quarter"] for c in chart["cohorts"]] == list(COHORT_COLUMNS)
    for drawn, cohort in zip(chart["cohorts"], page["cohorts"], strict=True):
        assert drawn["shares"] == cohort["started_share_by_month"]  # the lines: the page's figures
        assert drawn["display"] == COHORT_COLUMNS[drawn["quarter"]]  # the tooltips: the table's text
    assert chart["cohorts"][1]["shares"][6] == 0.6667  # 2023Q1 by month 6: (20 + 2) / 33
    assert '<caption>各签约季度已报道开工的金额占比</caption>' in html


def test_the_funnel_on_the_follow_through_page_agrees_with_its_zone_table(analyst, world):  # noqa: F811
    html = analyst.get(f"/follow-through/?{AS_OF}").content.decode()
    funnel = funnel_table(html)
    assert {zone: {stage: cell[:2] for stage, cell in row.items()} for zone, row in funnel.items()} == FUNNEL
    page = json_script(html, "follow-through-data")
    for row in page["zones"]:
        cells = funnel[row["zone"]["short_name"]]
        for stage in ("signed", "started", "operating"):
            assert cells[stage][0] == row[stage]["count"]
            listed = analyst.get(cells[stage][2])
            assert listed.context["page"].paginator.count == row[stage]["count"]


def test_a_period_without_signings_says_so(analyst, world):  # noqa: F811
    html = analyst.get(f"/follow-through/?{AS_OF}&month_from=2030-01").content.decode()
    assert 'id="cohorts-empty"' in html and 'id="funnel-empty"' in html
    assert "chart-cohorts" not in html and "chart-funnel" not in html
