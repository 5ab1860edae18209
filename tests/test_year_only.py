"""A record known only to the year is never charted in a month (issue 11, defect 3).

The rule (projects/totals.py, README "Totals"): it counts in its year's total and in a
"month unknown" figure of that year, never in a month bar; a month range includes it only
when the range covers the whole year; yearly bars include it in its year. Hand-computed
world, in 亿元:

    zone      record                          date          precision   亿元
    西安高新区  project 西安三月项目               2022-03-15    day         10
              project 西安五月项目               2022-05       month       5
              batch 西安年度集中签约              2022          year        200.2 (5 projects)
              project 西安日期不详项目            —             —           3
    乐山高新区  project 乐山一月项目               2022-01-10    day         2
              project 乐山今年以来                2022          year        4

Checked through HTTP (dashboard, fragment, /api/totals/, exports, zone page, project list),
from the rollup and computed live (an amount filter the rollup cannot answer), which agree.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook

from projects.models import Batch
from tests.dashboard_factories import batch, project
from tests.dashboard_factories import yuan as yuan_decimal
from tests.exported import split_export
from tests.test_dashboard import api, read_csv
from zones.models import Zone

pytestmark = pytest.mark.django_db

# amount_min=0 selects every record here (all have amounts) and forces the live GROUP BY.
LIVE = "amount_min=0"


def yuan(yi: str) -> str:
    """An amount in 亿元 as the endpoint and the CSV write it in yuan."""
    return str(yuan_decimal(yi))


@pytest.fixture
def world():
    a = Zone.objects.get(short_name="西安高新区")
    b = Zone.objects.get(short_name="乐山高新区")
    project(a, "西安三月项目", "10", dt.date(2022, 3, 15))
    project(a, "西安五月项目", "5", dt.date(2022, 5, 1), date_precision="month")
    batch(a, "200.2", dt.date(2022, 1, 1), date_precision="year", project_count=5, title="西安年度集中签约")
    project(a, "西安日期不详项目", "3", None)
    project(b, "乐山一月项目", "2", dt.date(2022, 1, 10))
    project(b, "乐山今年以来", "4", dt.date(2022, 1, 1), date_precision="year")
    return {"A": a, "B": b}


@pytest.fixture
def analyst(analyst_by_form):
    return analyst_by_form


def joined(*parts: str) -> str:
    return "&".join(part for part in parts if part)


def months(data: dict) -> dict[str, str]:
    return dict(zip(data["months"], (f["amount_yuan"] for f in data["month_totals"]), strict=True))


def series(data: dict, zone: str) -> dict:
    return next(s for s in data["series"] if s["zone"] == zone)


@pytest.mark.parametrize("live", ["", LIVE])
def test_a_year_only_record_is_in_its_year_never_in_a_month_bar(analyst, world, live):
    data = api(analyst, live)

    bars = months(data)
    assert bars["2022-01"] == yuan("2")  # 乐山's January project only: not 2 + 200.2 + 4
    assert bars["2022-03"] == yuan("10") and bars["2022-05"] == yuan("5")
    xian = series(data, "西安高新区")
    assert xian["amount_yuan"][data["months"].index("2022-01")] == "0.00"
    assert [(u["year"], u["label"], u["amount_yuan"], u["records"]) for u in data["month_unknown"]] == [
        (2022, "2022 年 · 月份不详", yuan("204.2"), 2)]
    assert xian["month_unknown"][0]["amount_yuan"] == yuan("200.2")
    assert series(data, "乐山高新区")["month_unknown"][0]["amount_yuan"] == yuan("4")
    # The year's total and the zones' totals count it; the undated figure does not.
    assert data["total"]["amount_yuan"] == yuan("221.2")
    ranking = {row["zone"]: row["amount_yuan"] for row in data["ranking"]}
    assert ranking == {"西安高新区": yuan("215.2"), "乐山高新区": yuan("6")}
    assert data["undated"]["amount_yuan"] == yuan("3")
    # The month bars and the month-unknown figures add up to the total.
    assert sum(Decimal(v) for v in bars.values()) + Decimal(yuan("204.2")) == Decimal(yuan("221.2"))


@pytest.mark.parametrize("live", ["", LIVE])
@pytest.mark.parametrize(("month_range", "total", "unknown"), [
    ("month_from=2022-01&month_to=2022-12", "221.2", "204.2"),  # the whole year: counted
    ("month_from=2021-06&month_to=2023-02", "221.2", "204.2"),  # covers 2022 and more
    ("month_from=2022-03&month_to=2022-12", "15", None),         # part of the year: out
    ("month_from=2022-01&month_to=2022-06", "17", None),
    ("month_to=2022-11", "17", None),
    ("month_to=2022-12", "221.2", "204.2"),
    ("month_from=2022-02", "15", None),
])
def test_a_month_range_includes_it_only_when_it_covers_the_whole_year(analyst, world, live, month_range,
                                                                      total, unknown):
    data = api(analyst, joined(month_range, live))

    assert data["total"]["amount_yuan"] == yuan(total)
    assert [u["amount_yuan"] for u in data["month_unknown"]] == ([yuan(unknown)] if unknown else [])
    assert all(f["amount_yuan"] != yuan("200.2") for f in data["month_totals"])
    # Out of the range, it is not "not placed" either: the undated figure stays the undated records.
    assert data["undated"]["amount_yuan"] == yuan("3")


@pytest.mark.parametrize("live", ["", LIVE])
def test_yearly_bars_include_it_in_its_year(analyst, world, live):
    data = api(analyst, joined("month_from=2020-01&month_to=2023-12", live))

    assert data["granularity"] == "year"
    totals = dict(zip(data["periods"], (f["amount_yuan"] for f in data["period_totals"]), strict=True))
    assert totals == {"2020": "0.00", "2021": "0.00", "2022": yuan("221.2"), "2023": "0.00"}
    xian = series(data, "西安高新区")
    assert xian["periods"][data["periods"].index("2022")]["amount_yuan"] == yuan("215.2")


def test_the_dashboard_page_and_fragment_show_the_month_unknown_figure(analyst, world):
    for url in ("/", "/dashboard/results/", "/?month_from=2022-01&month_to=2022-12"):
        html = analyst.get(url).content.decode()
        table = re.search(r'<table class="data compact" id="table-months">.*?</table>', html, re.S).group(0)
        january = re.search(r"<tr><th scope=\"row\"><a [^>]*>2022-01</a></th>(.*?)</tr>", table, re.S).group(1)
        assert "200.20" not in january and "204.20" not in january
        unknown = re.search(r"<tr><th scope=\"row\">2022 年 · 月份不详</th>(.*?)</tr>", table, re.S).group(1)
        assert re.findall(r'<td class="num[^"]*">([^<]*)</td>', unknown)[:3] == ["200.20", "4.00", "204.20"]
        assert "2022 年 · 月份不详" in html.split('id="table-months"')[0]  # a figure above the chart
    html = analyst.get("/?month_from=2022-03&month_to=2022-12").content.decode()
    assert "月份不详" not in html.split('<script id="dashboard-data"')[0]


def test_the_dashboard_speaks_english_about_it(analyst, world):
    analyst.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = analyst.get("/").content.decode()
    assert "2022 · month unknown" in html


@pytest.mark.parametrize("live", ["", LIVE])
def test_the_totals_export_has_a_month_unknown_row_and_no_january_one(analyst, world, live):
    rows = read_csv(analyst.get(f"/exports/totals.csv?{live}"))
    preamble, _header, body = split_export(rows)
    assert any("只知年份的记录" in cell for row in preamble for cell in row)  # the rule, stated
    cells = {(r[0], r[1]): r[2] for r in body}
    assert cells[("西安高新区", "2022 年 · 月份不详")] == yuan("200.2")
    assert cells[("乐山高新区", "2022 年 · 月份不详")] == yuan("4")
    assert ("西安高新区", "2022-01") not in cells
    assert cells[("乐山高新区", "2022-01")] == yuan("2")
    assert cells[("合计（有日期）", "")] == yuan("221.2")
    # Per zone, the rows add up to the ranking.
    assert sum(Decimal(v) for (zone, label), v in cells.items()
               if zone == "西安高新区" and label != "日期不详") == Decimal(yuan("215.2"))

    sheet = load_workbook(io.BytesIO(analyst.get(f"/exports/totals.xlsx?{live}").getvalue())).active
    _preamble, _header, body = split_export(sheet.iter_rows(values_only=True))
    cells = {(r[0], r[1]): Decimal(str(r[2])).quantize(Decimal("0.01")) for r in body}
    assert cells[("西安高新区", "2022 年 · 月份不详")] == Decimal(yuan("200.2"))
    assert ("西安高新区", "2022-01") not in cells


def test_the_zone_page_shows_it_apart_from_its_months(analyst, world):
    html = analyst.get(world["A"].get_absolute_url()).content.decode()
    data = json.loads(re.search(r'<script id="zone-chart-data" type="application/json">(.*?)</script>',
                                html, re.S).group(1))
    bars = dict(zip(data["months"], data["series"][0]["amount_yuan"], strict=True))
    assert bars["2022-01"] == "0.00" and bars["2022-03"] == yuan("10")
    assert [u["amount_yuan"] for u in data["month_unknown"]] == [yuan("200.2")]
    table = re.search(r'<table class="data compact" id="table-zone-months">.*?</table>', html, re.S).group(0)
    assert re.search(r"<th scope=\"row\">2022 年 · 月份不详</th>\s*<td class=\"num\">200.20</td>", table)
    assert "215.20" in html  # the zone's total counts it


@pytest.mark.parametrize(("month_range", "listed"), [
    ("month_from=2022-01&month_to=2022-12", True),
    ("month_from=2022-03&month_to=2022-12", False),
    ("month_from=2022-01&month_to=2022-01", False),
])
def test_the_project_list_filters_by_the_same_rule(analyst, world, month_range, listed):
    html = analyst.get(f"/projects/?zone=乐山高新区&{month_range}").content.decode()
    assert ("乐山今年以来" in html) is listed
    assert ("乐山一月项目" in html) is (month_range != "month_from=2022-03&month_to=2022-12")


def test_the_default_range_reaches_the_end_of_the_latest_records_year(analyst, world):
    """Without a month range the view ends with the latest record's month — for a record known only
    to the year, December: a range ending before would leave that record out of its own view."""
    Zone.objects.get(short_name="成都高新区")
    project(world["B"], "乐山旧项目", "1", dt.date(2019, 3, 1))  # the default 24 months leave it out
    batch(world["A"], "9", dt.date(2023, 1, 1), date_precision="year", project_count=3)

    data = api(analyst)

    assert data["range"] == {"from": "2022-01", "to": "2023-12", "default": True, "all": False}
    assert [(u["year"], u["amount_yuan"]) for u in data["month_unknown"]] == [
        (2022, yuan("204.2")), (2023, yuan("9"))]


def test_the_zone_comparison_shows_it_apart_from_its_months(analyst, world):
    html = analyst.get(f"/compare/?zone={world['A'].slug}&zone={world['B'].slug}").content.decode()
    body = re.search(r'<table class="data compact" id="table-compare-months">(.*?)</table>', html, re.S)[1]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows[cells[0]] = cells[1:]
    assert rows["2022-01"] == ["0.00", "2.00"]
    assert rows["2022 年 · 月份不详"] == ["200.20", "4.00"]


# --- a range that covers a year only in part says what it leaves out (never silently) -----------

LEFT_OUT_NOTE = "另有 2 条只知年份（2022 年）的记录共 204.20 亿元，因所选区间未覆盖全年而未计入"


def left_out(data: dict) -> list[tuple]:
    return [(p["year"], p["records"], p["amount_yuan"]) for p in data["partial_years"]]


@pytest.mark.parametrize("live", ["", LIVE])
@pytest.mark.parametrize(("month_range", "expected", "widened"), [
    # 西安's 200.2 batch and 乐山's 4: both known only to 2022
    ("month_from=2022-03&month_to=2022-12", [(2022, 2, yuan("204.2"))], {"month_from": ["2022-01"],
                                                                          "month_to": ["2022-12"]}),
    ("month_to=2022-11", [(2022, 2, yuan("204.2"))], {"month_to": ["2022-12"]}),
    ("zone=乐山高新区&month_from=2022-01&month_to=2022-06", [(2022, 1, yuan("4"))],
     {"zone": ["乐山高新区"], "month_from": ["2022-01"], "month_to": ["2022-12"]}),
    # 2021 is cut too, but it has no year-only record: only 2022 is named, only its end widened
    ("month_from=2021-06&month_to=2022-05", [(2022, 2, yuan("204.2"))], {"month_from": ["2021-06"],
                                                                          "month_to": ["2022-12"]}),
    ("month_from=2022-01&month_to=2022-12", [], None),  # the whole year: counted, nothing left out
    ("month_from=2023-02&month_to=2023-05", [], None),  # a cut year without year-only records
    ("stage=started&month_from=2022-02", [], None),     # the other filters apply: none is started
])
def test_the_api_says_what_a_range_cutting_the_year_leaves_out(analyst, world, live, month_range, expected,
                                                                widened):
    data = api(analyst, joined(month_range, live))

    assert left_out(data) == expected
    assert data["partial_years_note"] == (LEFT_OUT_NOTE if expected == [(2022, 2, yuan("204.2"))] else
                                          "另有 1 条只知年份（2022 年）的记录共 4.00 亿元，因所选区间未覆盖全年而未计入"
                                          if expected else "")
    if widened is None:
        assert data["links"]["whole_years"] is None
    else:
        link = urlsplit(data["links"]["whole_years"])
        assert link.path == "/"
        assert parse_qs(link.query) == {**widened, "review_status": ["confirmed"],
                                        **({"amount_min": ["0"]} if live else {})}
        # The link's view counts them: the year's total holds what the note named.
        assert left_out(api(analyst, link.query)) == []


@pytest.mark.parametrize("live", ["", LIVE])
def test_a_batchs_members_are_skipped_in_the_left_out_figure_as_in_every_figure(analyst, world, live):
    member_of = Batch.objects.get(title="西安年度集中签约")
    project(world["A"], "西安年度成员", "50", dt.date(2022, 1, 1), date_precision="year", batch=member_of)

    data = api(analyst, joined("month_from=2022-03", live))

    assert left_out(data) == [(2022, 2, yuan("204.2"))]  # the batch counts, its member does not
    assert api(analyst, joined("month_from=2022-01", live))["total"]["amount_yuan"] == yuan("221.2")


def test_the_default_range_that_starts_mid_year_says_what_it_leaves_out(analyst, world):
    """The default 24 months end with the latest record (2024-03) and so start in 2022-04: the
    range stays, and the figure says what it leaves out of 2022."""
    project(world["B"], "乐山新项目", "7", dt.date(2024, 3, 5))

    data = api(analyst)

    assert data["range"] == {"from": "2022-04", "to": "2024-03", "default": True, "all": False}
    assert left_out(data) == [(2022, 2, yuan("204.2"))]
    assert parse_qs(urlsplit(data["links"]["whole_years"]).query)["month_from"] == ["2022-01"]
    html = analyst.get("/").content.decode()
    note = re.search(r'<p class="left-out-note" id="left-out-note">(.*?)</p>', html, re.S).group(1)
    assert LEFT_OUT_NOTE in note
    assert 'data-range="whole-years"' in note
    # the fragment htmx swaps in says the same
    fragment = analyst.get("/dashboard/results/").content.decode()
    assert LEFT_OUT_NOTE in fragment
    # nothing to say when the range covers the year
    for url in ("/?range=all", "/?month_from=2022-01&month_to=2024-03"):
        assert 'id="left-out-note"' not in analyst.get(url).content.decode()


def test_the_note_speaks_english(analyst, world):
    analyst.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = analyst.get("/?month_from=2022-03").content.decode()
    assert ("2 more records known only to the year (2022), 204.20 100M yuan in all, are not counted: "
            "the selected range does not cover the whole year") in html
    assert "Include the whole year" in html


@pytest.mark.parametrize("live", ["", LIVE])
@pytest.mark.parametrize("kind", ["totals", "projects"])
def test_the_exports_notes_say_what_the_range_leaves_out(analyst, world, live, kind):
    rows = read_csv(analyst.get(f"/exports/{kind}.csv?{joined('month_from=2022-03', live)}"))
    preamble, _header, _body = split_export(rows)
    assert ["未计入", LEFT_OUT_NOTE] in [row[:2] for row in preamble]

    sheet = load_workbook(io.BytesIO(analyst.get(f"/exports/{kind}.xlsx?month_from=2022-03").getvalue())).active
    preamble, _header, _body = split_export(sheet.iter_rows(values_only=True))
    assert ["未计入", LEFT_OUT_NOTE] in [row[:2] for row in preamble]

    rows = read_csv(analyst.get(f"/exports/{kind}.csv?month_from=2022-01"))
    assert not any(row and row[0] == "未计入" for row in split_export(rows)[0])


def test_the_project_list_says_what_its_range_leaves_out(analyst, world):
    html = analyst.get("/projects/?zone=乐山高新区&month_from=2022-01&month_to=2022-01").content.decode()
    note = re.search(r'<p class="left-out-note" id="left-out-note">(.*?)</p>', html, re.S).group(1)
    assert "另有 1 条只知年份（2022 年）的记录共 4.00 亿元，因所选区间未覆盖全年而未计入" in note
    href = re.search(r'<a href="([^"]+)"', note).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(href).query) == {"zone": ["乐山高新区"], "month_from": ["2022-01"],
                                              "month_to": ["2022-12"], "review_status": ["confirmed"]}
    assert "乐山今年以来" in analyst.get(f"/projects/{href}").content.decode()
    html = analyst.get("/projects/?zone=乐山高新区&month_from=2022-01&month_to=2022-12").content.decode()
    assert 'id="left-out-note"' not in html
