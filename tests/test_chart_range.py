"""Defect 4 of issue 11: one old record must not stretch the chart to years of empty months.

Without a month range the dashboard, its JSON endpoint and the exports show the 24 months up
to the latest dated record; `range=all` shows everything; a range of more than 36 months has
yearly bars. Figures are hand-computed from tests/dashboard_factories.py (2022-06 … 2022-08:
291.73 亿 in 6 counted records, EXPECTED) plus one record of 7 亿 in 2011-03.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.dashboard_factories import EXPECTED, project
from tests.exported import split_export
from tests.test_dashboard import api, dashboard_data, read_csv, table

pytestmark = pytest.mark.django_db

DEFAULT_MONTHS = [f"{y}-{m:02d}" for y, m in [(2020, m) for m in range(9, 13)] + [(2021, m) for m in range(1, 13)]
                  + [(2022, m) for m in range(1, 9)]]


@pytest.fixture
def analyst(analyst_by_form):
    return analyst_by_form


@pytest.fixture
def world(world):
    world["old"] = project(world["C"], "十几年前的老项目", "7", dt.date(2011, 3, 15))
    return world


def test_the_default_range_is_the_24_months_up_to_the_latest_record(analyst, world):
    data = api(analyst)

    assert DEFAULT_MONTHS[0] == "2020-09" and len(DEFAULT_MONTHS) == 24
    assert data["months"] == DEFAULT_MONTHS
    assert data["range"] == {"from": "2020-09", "to": "2022-08", "default": True, "all": False}
    assert data["granularity"] == "month" and data["periods"] == data["months"]
    assert data["period_totals"] == data["month_totals"]
    # the 2011 record is outside: the total is the world's without it
    assert data["total"]["amount_yuan"] == EXPECTED["total_yuan"]
    # the same figures as asking for that range explicitly (which is not the default)
    explicit = api(analyst, "month_from=2020-09&month_to=2022-08")
    assert explicit["range"] == {"from": "2020-09", "to": "2022-08", "default": False, "all": False}
    assert {k: v for k, v in explicit.items() if k not in ("range", "query", "links")} == \
        {k: v for k, v in data.items() if k not in ("range", "query", "links")}


def test_range_all_shows_everything_in_yearly_bars(analyst, world):
    data = api(analyst, "range=all")

    assert data["range"] == {"from": None, "to": None, "default": False, "all": True}
    assert data["months"][0] == "2011-03" and data["months"][-1] == "2022-08"
    assert len(data["months"]) == 138  # kept: every month, as before
    assert data["granularity"] == "year"
    assert data["periods"] == [str(year) for year in range(2011, 2023)]
    by_year = dict(zip(data["periods"], data["period_totals"], strict=True))
    assert by_year["2011"]["amount_yuan"] == "700000000.00" and by_year["2011"]["records"] == 1
    assert by_year["2015"]["records"] == 0 and by_year["2015"]["amount_yuan"] == "0.00"
    assert by_year["2022"]["amount_yuan"] == EXPECTED["total_yuan"]
    assert Decimal(data["total"]["amount_yuan"]) == Decimal(EXPECTED["total_yuan"]) + Decimal("700000000.00")
    for series in data["series"]:
        assert len(series["periods"]) == 12
        # a year's bar is its months added up
        assert sum(Decimal(p["amount_yuan"]) for p in series["periods"]) == \
            sum(Decimal(a) for a in series["amount_yuan"])
    assert "range=all" in data["query"]
    assert all("range=all" in url for url in data["links"]["exports"].values())


def test_an_explicit_range_of_more_than_three_years_is_yearly(analyst, world):
    data = api(analyst, "month_from=2019-01&month_to=2022-12")
    assert data["granularity"] == "year" and data["periods"] == ["2019", "2020", "2021", "2022"]
    assert data["range"]["default"] is False
    three_years = api(analyst, "month_from=2020-01&month_to=2022-12")
    assert three_years["granularity"] == "month" and len(three_years["periods"]) == 36


def test_undated_records_keep_their_own_figure_in_every_range(analyst, world):
    project(world["A"], "日期不详的项目", "3", None)
    default, everything = api(analyst), api(analyst, "range=all")
    assert default["undated"] == everything["undated"]
    # the world's pC3 (3 亿) and this one
    assert default["undated"]["amount_yuan"] == "600000000.00" and default["undated"]["records"] == 2


def test_the_dashboard_says_which_range_it_shows_and_its_table_agrees(analyst, world):
    html = analyst.get("/").content.decode()
    data = dashboard_data(html)
    assert data == api(analyst)
    line = re.search(r'<p class="range-line[^"]*" id="range-line">(.*?)</p>', html, re.S).group(1)
    assert "2020-09 – 2022-08" in line
    link = re.search(r'<a href="([^"]+)" data-range="all">', line).group(1).replace("&amp;", "&")
    assert link == "?range=all"
    rows = re.findall(r'<tr><th scope="row">(?:<a href="[^"]*">)?([^<]+)', table(html, "months"))
    assert rows == DEFAULT_MONTHS

    # following the link (no JavaScript needed): everything, per year, the control checked
    html = analyst.get(f"/{link}").content.decode()
    data = dashboard_data(html)
    assert data == api(analyst, "range=all")
    months = table(html, "months")
    rows = re.findall(r'<tr><th scope="row">(?:<a href="[^"]*">)?([^<]+)(?:</a>)?</th>[^\n]*?<td class="num strong">([^<]+)</td>',
                      months)
    assert [year for year, _total in rows] == data["periods"]
    assert [total for _year, total in rows] == [t["amount_display"] for t in data["period_totals"]]
    assert ("2011", "7.00") in rows
    assert re.search(r'name="range" value="all" id="id_range" checked', html)
    assert re.search(r'data-range="default"', html)


def test_the_fragment_and_exports_follow_the_same_range(analyst, world):
    for query in ("", "range=all"):
        page = analyst.get(f"/?{query}").content.decode()
        fragment = analyst.get(f"{reverse('dashboard-results')}?{query}").content.decode()
        assert dashboard_data(fragment) == dashboard_data(page)
        assert table(fragment, "months") == table(page, "months")

    def exported_months(query):
        _preamble, _header, body = split_export(read_csv(analyst.get(f"/exports/totals.csv?{query}")))
        return {row[1] for row in body if row[1] and row[1] != "日期不详"}, \
            {row[0]: row[2] for row in body if not row[1]}

    months, sums = exported_months("")
    assert "2011-03" not in months and sums["合计（有日期）"] == api(analyst)["total"]["amount_yuan"]
    months, sums = exported_months("range=all")
    assert "2011-03" in months and sums["合计（有日期）"] == api(analyst, "range=all")["total"]["amount_yuan"]
    projects = analyst.get("/exports/projects.csv").getvalue().decode("utf-8-sig")
    assert "十几年前的老项目" not in projects
    assert "十几年前的老项目" in analyst.get("/exports/projects.csv?range=all").getvalue().decode("utf-8-sig")
