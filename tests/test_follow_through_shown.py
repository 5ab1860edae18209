"""The follow-through page draws the latest signing quarters and the top of the zone ranking
(articles/follow_through_views.py, `shown_on_page`); `cohorts=all` / `zones=all` show all, and
the figures shown are the rule's (`projects.follow_through.for_filter`)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.http import QueryDict

from projects import follow_through
from projects.filters import ProjectFilter
from tests.factories import make_zone
from tests.test_follow_through import D, make

AS_OF = dt.date(2024, 7, 15)
ZONES = 25


@pytest.fixture
def many(django_capture_on_commit_callbacks):
    """25 zones; signings in the 12 quarters 2021Q1–2023Q4, and one on 2024-07-05 (by AS_OF its
    quarter has no full month: month 1 of 2024Q3 is reached on 1 August)."""
    with django_capture_on_commit_callbacks(execute=True):
        zones = [make_zone(f"测{i:02d}高新区", province="四川省") for i in range(ZONES)]
        for i, zone in enumerate(zones):
            signed = dt.date(2021 + (i % 12) // 4, 1 + 3 * (i % 4), 10)
            make(zone, str(i + 1), "电子信息", ("signed", signed, D),
                 *([("started", signed + dt.timedelta(days=40), D)] if i % 2 else []))
        make(zones[0], "7", "新材料", ("signed", dt.date(2024, 7, 5), D))
    return zones


def embedded(html: str, name: str) -> dict:
    found = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found[1])


def zone_rows(html: str) -> list[str]:
    table = html[html.index('id="table-ft-zones"'):]
    return re.findall(r'<tr><td class="num">\d+</td>\s*<th scope="row">(.*?)</th>', table[:table.index("</table>")],
                      re.S)


def cohort_quarters(html: str) -> list[str]:
    table = html[html.index('id="table-cohorts"'):]
    return re.findall(r'<th scope="col" class="num">(\d{4}Q\d)<br>', table[:table.index("</thead>")])


def rule(query: str = "") -> dict:
    return follow_through.for_filter(ProjectFilter(QueryDict(query)), as_of=AS_OF).as_json()


def figures(row: dict) -> dict:
    return {key: value for key, value in row.items() if key != "zone"} | {"zone_id": row["zone"]["id"]}


@pytest.mark.django_db
def test_the_page_shows_the_latest_8_quarters_and_the_top_20_zones_with_links_to_all(analyst, many):
    html = analyst.get(f"/follow-through/?as_of={AS_OF}").content.decode()
    expected = rule()
    assert len(expected["cohorts"]) == 13 and len(expected["zones"]) == ZONES
    latest = [f"{year}Q{q}" for year in (2022, 2023) for q in (1, 2, 3, 4)]  # 2024Q3: no full month yet
    assert cohort_quarters(html) == latest
    chart, page = embedded(html, "cohort-chart-data"), embedded(html, "follow-through-data")
    assert [c["quarter"] for c in chart["cohorts"]] == latest
    assert page["cohorts"] == [c for c in expected["cohorts"] if c["quarter"] in latest]
    assert [c["shares"] for c in chart["cohorts"]] == [c["started_share_by_month"] for c in page["cohorts"]]
    assert len(zone_rows(html)) == 20 and len(page["zones"]) == 20
    assert [figures(row) for row in page["zones"]] == [figures(row) for row in expected["zones"][:20]]
    assert zone_rows(html)[0].startswith('<a href="/projects/?') and "测24高新区" in zone_rows(html)[0]
    assert "显示最近 8 个签约季度（共 13 个）" in html and "显示前 20 个开发区（共 25 个）" in html
    assert f'href="/follow-through/?as_of={AS_OF}&amp;cohorts=all#cohorts"' in html
    assert f'href="/follow-through/?as_of={AS_OF}&amp;zones=all#h-ft-zones"' in html
    assert page["total"] == expected["total"]  # the summary still counts every zone and quarter
    assert "另有 15 个开发区未列出" in html  # the funnel's 10 bars of 25 zones


@pytest.mark.django_db
def test_all_quarters_and_all_zones_on_request(analyst, many):
    html = analyst.get(f"/follow-through/?as_of={AS_OF}&cohorts=all&zones=all").content.decode()
    expected = rule()
    page = embedded(html, "follow-through-data")
    assert cohort_quarters(html) == [c["quarter"] for c in expected["cohorts"]]
    assert page["cohorts"] == expected["cohorts"]
    assert len(zone_rows(html)) == ZONES
    assert [figures(row) for row in page["zones"]] == [figures(row) for row in expected["zones"]]
    assert 'id="cohorts-all"' not in html and 'id="zones-all"' not in html


@pytest.mark.django_db
def test_a_month_range_shows_its_own_quarters(analyst, many):
    html = analyst.get(f"/follow-through/?as_of={AS_OF}&month_from=2021-01&month_to=2021-12").content.decode()
    assert cohort_quarters(html) == ["2021Q1", "2021Q2", "2021Q3", "2021Q4"]
    assert 'id="cohorts-all"' not in html
    assert embedded(html, "follow-through-data")["cohorts"] == rule("month_from=2021-01&month_to=2021-12")["cohorts"]
