"""The analyst dashboard, its chart data endpoint, the exports, the project list and the zone page.

They share one filter (the query string) and one totals rule; these tests check that the
figures agree across all of them, that the pages work without JavaScript, and that the
number of SQL queries stays fixed (no N+1).
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.dashboard_factories import EXPECTED, project, yuan
from tests.exported import split_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(analyst_by_form):
    return analyst_by_form


def api(client, query: str = "") -> dict:
    response = client.get(f"/api/totals/?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def read_csv(response) -> list[list[str]]:
    body = response.getvalue()
    assert body.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


# --- access --------------------------------------------------------------------------------


def test_dashboard_and_endpoint_need_a_login(client, world):
    for url in ("/", "/dashboard/results/", "/api/totals/", "/exports/totals.csv", "/projects/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_public_read_only_opens_the_dashboard(client, world, settings):
    settings.PUBLIC_READ_ONLY = True
    assert client.get("/").status_code == 200
    assert client.get("/dashboard/results/").status_code == 200
    assert client.get("/api/totals/").status_code == 200


# --- the JSON endpoint -----------------------------------------------------------------------


def test_endpoint_returns_the_hand_computed_figures(analyst, world):
    data = api(analyst)

    assert data["unit"] == "亿元"
    assert data["months"] == EXPECTED["months"]
    assert [s["zone"] for s in data["series"]] == ["西安高新区", "乐山高新区", "成都高新区"]
    xian = data["series"][0]
    assert xian["amount_yuan"] == ["12200000000.00", "2000000000.00", "0.00"]
    assert xian["amount_yi"] == [122.0, 20.0, 0.0]
    assert [(r["zone"], r["amount_yuan"]) for r in data["ranking"]] == EXPECTED["ranking"]
    assert data["total"]["amount_yuan"] == EXPECTED["total_yuan"]
    assert data["total"]["amount_display"] == EXPECTED["total_display"]
    assert (data["total"]["projects"], data["total"]["batches"]) == (EXPECTED["projects"], EXPECTED["batches"])
    assert data["total"]["approximate_share_display"] == EXPECTED["approximate_share"]
    assert data["undated"]["amount_yuan"] == EXPECTED["undated_yuan"]
    assert data["undated"]["records"] == EXPECTED["undated_records"]
    assert {row["key"]: row["amount_yuan"] for row in data["by_stage"]} == {
        "signed": "27172610000.00", "started": "2000000000.00"}
    assert data["by_industry"][-1]["label"] == "未分行业"
    assert data["query"] == "review_status=confirmed"


def test_endpoint_follows_the_filter_in_the_query_string(analyst, world):
    data = api(analyst, "zone=乐山高新区&month_from=2022-07&month_to=2022-08")

    assert data["months"] == ["2022-07", "2022-08"]
    assert [s["zone"] for s in data["series"]] == ["乐山高新区"]
    assert data["total"]["amount_yuan"] == "1500000000.00"  # b1; pB2 has no amount
    assert data["total"]["projects"] == 2
    assert data["undated"]["records"] == 0  # 乐山 has no undated records
    assert parse_qs(data["query"]) == {
        "zone": ["乐山高新区"], "month_from": ["2022-07"], "month_to": ["2022-08"],
        "review_status": ["confirmed"]}


def test_endpoint_ignores_and_reports_invalid_filters(analyst, world):
    data = api(analyst, "month_from=2022-13&amount_min=abc")

    assert set(data["errors"]) == {"month_from", "amount_min"}
    assert data["total"]["amount_yuan"] == EXPECTED["total_yuan"]


def test_endpoint_top_zones_and_others(analyst, world):
    for i in range(6):  # six more zones, 1亿 each, in August
        project(None, f"其他项目{i}", "1", None)
    data = api(analyst, "top=5")
    assert len(data["series"]) == 3  # three zones: no "其他" needed
    assert data["top"] == 5


def test_ranking_links_go_to_the_filtered_project_list(analyst, world):
    data = api(analyst, "month_from=2022-06")
    link = urlsplit(data["ranking"][0]["list_url"])

    assert link.path == reverse("project-list")
    assert parse_qs(link.query) == {"zone": ["西安高新区"], "month_from": ["2022-06"], "review_status": ["confirmed"]}


@pytest.mark.parametrize("query", ["", "zone=成都高新区&zone=乐山高新区&month_from=2022-06", "stage=signed&top=5"])
def test_ranking_links_are_the_filter_with_the_zone_replaced(analyst, world, query):
    from django.http import QueryDict

    from projects.filters import ProjectFilter

    project_filter = ProjectFilter(QueryDict(query))
    for row in api(analyst, query)["ranking"]:
        assert row["list_url"] == f"{reverse('project-list')}?{project_filter.querystring(zone=row['slug'])}"


# --- the dashboard page -------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "month_from=2022-07&stage=signed", "zone=西安高新区&top=5"])
def test_dashboard_embeds_exactly_what_the_endpoint_returns(analyst, world, query):
    html = analyst.get(f"/?{query}").content.decode()
    embedded = json.loads(re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>',
                                    html, re.S).group(1))
    assert embedded == api(analyst, query)


def test_dashboard_renders_figures_and_a_table_under_every_chart(analyst, world):
    response = analyst.get("/")
    html = response.content.decode()

    assert response.status_code == 200
    for chart in ("chart-months", "chart-ranking", "chart-stage", "chart-industry"):
        assert f'id="{chart}"' in html
        assert f'id="table-{chart.removeprefix("chart-")}"' in html
    assert "291.73" in html and "日期不详" in html and "83.0%" in html
    # The monthly table: 西安高新区 122.00 in 2022-06, and the month's total 242.00.
    months = html[html.index('id="table-months"'):html.index("</table>", html.index('id="table-months"'))]
    row = re.search(r'<th scope="row"><a href="([^"]+)">2022-06</a></th>\s*<td class="num">122.00</td>', months)
    assert row and "242.00" in months
    # the month leads to its projects (the drill-down a keyboard reaches, as a bar click does)
    link = urlsplit(row.group(1).replace("&amp;", "&"))
    assert link.path == reverse("project-list")
    assert parse_qs(link.query) == {"review_status": ["confirmed"], "month_from": ["2022-06"], "month_to": ["2022-06"]}
    data = json.loads(re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>',
                                html, re.S).group(1))
    assert data["total"]["amount_yuan"] == EXPECTED["total_yuan"]


def test_dashboard_has_no_inline_script_bodies(analyst, world):
    html = analyst.get("/").content.decode()
    fragment = analyst.get(reverse("dashboard-results")).content.decode()
    for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html + fragment, re.S):
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
        if "src=" in attributes:
            assert not body.strip()
    assert "vendor/chart.umd.min" in html and "js/dashboard" in html and "vendor/htmx.min" in html
    for markup in (html, fragment):
        assert "onclick=" not in markup.lower() and "hx-on" not in markup and " style=" not in markup
    # htmx would otherwise add a <style> element, which the CSP (style-src 'self') refuses
    config = json.loads(re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', html).group(1))
    assert config["includeIndicatorStyles"] is False and config["allowEval"] is False


def test_dashboard_shows_no_raw_database_names(analyst, world):
    html = analyst.get("/?stage=signed&review_status=candidate&review_status=confirmed").content.decode()
    visible = re.sub(r"<script.*?</script>|<[^>]+>", " ", html, flags=re.S)
    for raw in ("confirmed", "candidate", "signed", "amount_yuan", "None"):
        assert raw not in visible, raw


def test_dashboard_filter_state_round_trips_through_the_url(analyst, world):
    html = analyst.get("/?zone=成都高新区&month_from=2022-07&stage=signed").content.decode()
    assert re.search(r'<option value="成都高新区" selected>', html)
    assert 'value="2022-07"' in html
    assert re.search(r'value="signed"[^>]*checked', html)
    assert "14.73" in html


def test_dashboard_switches_language(analyst, world):
    response = analyst.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert analyst.get("/").status_code == 200


# --- the fragment htmx swaps in when the filter changes ---------------------------------------

TABLES = ("months", "ranking", "stage", "industry")


def table(html: str, name: str) -> str:
    return re.search(rf'<table[^>]* id="table-{name}">.*?</table>', html, re.S).group(0)


def figures(html: str) -> str:
    return re.search(r'<div class="figures">.*?</div>\s*<section', html, re.S).group(0)


def dashboard_data(html: str) -> dict:
    return json.loads(re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)
                      .group(1))


@pytest.mark.parametrize("query", [
    "", "zone=成都高新区&zone=乐山高新区&month_from=2022-06", "stage=signed&top=5",
    "review_status=candidate&review_status=confirmed", "investor=没有这个投资方",
])
def test_the_fragment_renders_the_same_tables_and_figures_as_the_page(analyst, world, query):
    page = analyst.get(f"/?{query}").content.decode()
    response = analyst.get(f"{reverse('dashboard-results')}?{query}")
    fragment = response.content.decode()

    assert response.status_code == 200
    assert "<html" not in fragment and 'id="filter-form"' not in fragment  # the results only
    for name in TABLES:
        assert table(fragment, name) == table(page, name), name
    assert figures(fragment) == figures(page)
    assert dashboard_data(fragment) == dashboard_data(page) == api(analyst, query)


def test_the_fragment_carries_the_export_links_status_and_address_of_its_filter(analyst, world):
    query = "zone=成都高新区&province=&month_from=2022-07&month_to=&top=8"
    response = analyst.get(f"{reverse('dashboard-results')}?{query}")
    fragment = response.content.decode()

    # the address bar gets the filter as the form sent it, without the empty fields
    replaced = urlsplit(response["HX-Replace-Url"])
    assert replaced.path == "/"
    assert parse_qs(replaced.query) == {"zone": ["成都高新区"], "month_from": ["2022-07"], "top": ["8"]}
    # out-of-band: the export links for this filter, the selected zones, the status line
    exports = re.search(r'<div class="exports" id="exports"[^>]*hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert exports and 'data-export="totals_csv"' in exports.group(1)
    for href in re.findall(r'href="([^"]+)"', exports.group(1)):
        assert parse_qs(urlsplit(href.replace("&amp;", "&")).query)["zone"] == ["成都高新区"]
    assert re.search(r'<span id="selected-zones" hx-swap-oob="innerHTML">成都高新区</span>', fragment)
    assert re.search(r'<p id="dashboard-status" hx-swap-oob="innerHTML">[^<]*14.73[^<]*</p>', fragment)
    assert table(fragment, "ranking").count("<tr>") == 2  # the header and 成都高新区


def test_only_the_status_line_is_a_live_region(analyst, world):
    html = analyst.get("/").content.decode()
    assert "aria-live" not in html
    assert re.findall(r'<[^>]*role="status"[^>]*>', html) == [
        '<p class="dashboard-status" id="dashboard-status" role="status">']


@pytest.mark.parametrize("query", ["", "investor=没有这个投资方", "month_from=2030-01&month_to=2030-02"])
def test_every_row_of_every_table_spans_its_header(analyst, world, query):
    html = analyst.get(f"/?{query}").content.decode()
    for name in TABLES:
        head, body = re.search(r"<thead>(.*?)</thead>\s*<tbody>(.*?)</tbody>", table(html, name), re.S).groups()
        columns = len(re.findall(r"<th scope=\"col\"", head))
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        assert rows, name
        for row in rows:
            cells = re.findall(r"<t[dh](?: colspan=\"(\d+)\")?[ >]", row)
            assert sum(int(span or 1) for span in cells) == columns, (name, row)


def test_the_filter_form_asks_htmx_for_the_fragment(analyst, world):
    html = analyst.get("/").content.decode()
    form = re.search(r'<form [^>]*id="filter-form"[^>]*>', html, re.S).group(0)
    assert f'hx-get="{reverse("dashboard-results")}"' in form and 'hx-target="#dashboard-results"' in form
    assert 'action=""' in form and 'method="get"' in form  # without JavaScript: a plain GET of the page
    # the project list shares the form, without htmx
    assert "hx-get" not in analyst.get("/projects/").content.decode()


# --- exports ---------------------------------------------------------------------------------


def test_totals_csv_equals_the_chart_figures(analyst, world):
    query = "month_from=2022-06&month_to=2022-08"
    data = api(analyst, query)
    _preamble, header, body = split_export(read_csv(analyst.get(f"/exports/totals.csv?{query}")))
    assert header[:4] == ["开发区", "月份", "金额（元）", "金额（亿元）"]

    exported = {(r[0], r[1]): r[2] for r in body if r[1] and r[1] != "日期不详"}
    charted = {
        (s["zone"], month): amount
        for s in data["series"] for month, amount, n in zip(data["months"], s["amount_yuan"], s["records"],
                                                              strict=True) if n
    }
    assert exported == charted
    assert exported == EXPECTED["zone_month_yuan"]
    # Per zone, the exported months add up to the ranking.
    for row in data["ranking"]:
        zone_sum = sum(Decimal(v) for (zone, _m), v in exported.items() if zone == row["zone"])
        assert str(zone_sum) == row["amount_yuan"]
    totals = {r[0]: r for r in body if not r[1]}
    assert totals["合计（有日期）"][2] == data["total"]["amount_yuan"]
    assert totals["合计（有日期）"][3] == data["total"]["amount_display"]
    assert totals["合计（日期不详）"][2] == data["undated"]["amount_yuan"]


def test_totals_xlsx_equals_the_chart_figures(analyst, world):
    data = api(analyst)
    response = analyst.get("/exports/totals.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    _preamble, _header, rows = split_export(sheet.iter_rows(values_only=True))
    total = next(r for r in rows if r[0] == "合计（有日期）")
    assert Decimal(str(total[2])).quantize(Decimal("0.01")) == Decimal(data["total"]["amount_yuan"])
    assert Decimal(str(total[3])) == Decimal(data["total"]["amount_display"])
    exported = {(r[0], r[1]): Decimal(str(r[2])).quantize(Decimal("0.01")) for r in rows if r[1]
                and r[1] != "日期不详"}
    assert exported == {k: Decimal(v) for k, v in EXPECTED["zone_month_yuan"].items()}


def test_projects_csv_lists_the_filtered_records_and_guards_formulas(analyst, world):
    _preamble, header, body = split_export(read_csv(analyst.get("/exports/projects.csv")))
    by_name = {r[header.index("名称")]: r for r in body}

    assert "'=成都日期不详项目" in by_name  # a cell that starts with = is not a formula
    assert "西安待审核项目" not in by_name  # candidates only on request
    assert "成都生物医药项目（重复）" not in by_name  # merged
    assert by_name["西安光伏组件项目"][header.index("计入合计")].startswith("否")
    assert by_name["成都集成电路项目"][header.index("币种")] == "USD"
    # The rows counted add up to the dashboard's figures, dated and undated.
    counted = sum(Decimal(r[header.index("金额（元）")] or 0) for r in body if r[header.index("计入合计")] == "是")
    assert counted == yuan("291.7261") + yuan("3")


def test_projects_xlsx_writes_formula_like_text_as_text_cells(analyst, world):
    """A name starting with `=` is a text cell shown as typed: no formula, and no visible
    leading quote (issue 15, item 15)."""
    response = analyst.get("/exports/projects.xlsx?zone=成都高新区")
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    body = split_export(list(sheet.iter_rows(values_only=True)))[2]
    cells = [row[2] for row in list(sheet.iter_rows())[-len(body):]]
    named = [cell for cell in cells if cell.value == "=成都日期不详项目"]
    assert len(named) == 1 and named[0].data_type == "s"
    assert all(cell.data_type != "f" and not str(cell.value).startswith("'") for cell in cells)


def test_unknown_export_is_404(analyst, world):
    assert analyst.get("/exports/totals.pdf").status_code == 404
    assert analyst.get("/exports/users.csv").status_code == 404


# --- the project list and the zone page -----------------------------------------------------


def test_project_list_uses_the_shared_filter_and_marks_batch_members(analyst, world):
    html = analyst.get("/projects/?zone=西安高新区").content.decode()

    assert "西安光伏电池片项目" in html and "乐山储能电池项目" not in html
    assert "已含在批量签约中" in html  # m1, m2 are inside the counted batch BA
    assert "西安高新区重大项目集中签约" in html  # the batch itself is listed
    assert re.search(r'id="list-total">142.00<', html)  # = the dashboard's ranking figure


def test_project_list_paginates_with_the_filter_in_the_links(analyst, world):
    zone = world["C"]
    for i in range(55):
        project(zone, f"分页项目{i:02d}", "1", world["pC1"].date)
    html = analyst.get("/projects/?zone=成都高新区").content.decode()
    assert "第 1 / 2 页" in html
    next_link = re.search(r'<a href="\?([^"]*page=2)">', html).group(1).replace("&amp;", "&")
    assert parse_qs(next_link)["zone"] == ["成都高新区"]
    second = analyst.get("/projects/?zone=成都高新区&page=2").content.decode()
    assert "第 2 / 2 页" in second


def test_zone_page_shows_its_totals_over_time(analyst, world):
    response = analyst.get(world["A"].get_absolute_url())
    html = response.content.decode()

    assert 'id="chart-zone-months"' in html and 'id="table-zone-months"' in html
    data = json.loads(re.search(r'<script id="zone-chart-data" type="application/json">(.*?)</script>',
                                html, re.S).group(1))
    assert data["months"] == ["2022-06", "2022-07"]
    assert data["series"][0]["amount_yuan"] == ["12200000000.00", "2000000000.00"]
    assert "142.00" in html  # same figure as the dashboard ranking


# --- query counts ------------------------------------------------------------------------------
# Logged-in page: session + user (2), the two grouped totals queries (2), the template's
# permission checks (2), the filter form's choices: zones, provinces, industries,
# publications (4), and the zones' provinces for the province map (1). The counts do not grow
# with the number of records.


def test_dashboard_query_count(analyst, world, django_assert_num_queries):
    # 11, + the span of dated records (projects, batches) that sets the default range
    with django_assert_num_queries(13):
        assert analyst.get("/").status_code == 200
    for i in range(30):
        project(world["A"], f"更多项目{i}", "1", world["pA1"].date)
    with django_assert_num_queries(13):
        analyst.get("/")
    # + zone validation; the undated figure beside a month range comes with the rollup's
    # zone × month query (it took 3 more queries, computed live, before the rollup); + the
    # year-only records a range starting in July leaves out of 2022 (one grouped query)
    with django_assert_num_queries(13):
        analyst.get("/?zone=西安高新区&month_from=2022-07")


def test_fragment_query_count(analyst, world, django_assert_num_queries):
    # session, user, the span of dated records (2: the default range), the two grouped totals
    # queries, the zones' provinces (the map): no form choices, no permission checks
    with django_assert_num_queries(7):
        analyst.get(reverse("dashboard-results"))
    for i in range(30):
        project(world["A"], f"更多项目{i}", "1", world["pA1"].date)
    with django_assert_num_queries(7):
        analyst.get(reverse("dashboard-results"))
    # + zone validation, + the year-only records the range leaves out of 2022
    with django_assert_num_queries(7):
        analyst.get(f"{reverse('dashboard-results')}?zone=西安高新区&month_from=2022-07")


def test_endpoint_query_count(analyst, world, django_assert_num_queries):
    with django_assert_num_queries(6):  # session, user, the span of dated records (2), two grouped queries
        analyst.get("/api/totals/")
    with django_assert_num_queries(7):  # + zone validation
        analyst.get("/api/totals/?zone=西安高新区&zone=乐山高新区")
    with django_assert_num_queries(4):  # an explicit range needs no span
        analyst.get("/api/totals/?month_from=2022-01&month_to=2022-12")


def test_project_list_query_count(analyst, world, django_assert_num_queries):
    # session, user, count, page, totals (2), counted batches, permissions (2), form choices (4)
    with django_assert_num_queries(13):
        analyst.get("/projects/")
    for i in range(30):
        project(world["A"], f"更多项目{i}", "1", world["pA1"].date)
    with django_assert_num_queries(13):
        analyst.get("/projects/")


def test_export_query_counts(analyst, world, django_assert_num_queries):
    # + the span of dated records (2) that sets the default range, as on the dashboard
    with django_assert_num_queries(6):
        analyst.get("/exports/totals.csv").getvalue()
    with django_assert_num_queries(6):  # session, user, span (2), projects, batches
        analyst.get("/exports/projects.csv").getvalue()


@pytest.mark.parametrize("query", ["", "zone=成都高新区&zone=乐山高新区", "zone=<script>"])
def test_the_zone_list_is_written_as_djangos_templates_write_it(world, query):
    """The zone select is written in Python (~200 options: a template per option was ~15 ms per
    page); the HTML is the same, character for character."""
    from django import forms
    from django.http import QueryDict

    from projects.filters import FastSelectMultiple, ProjectFilter

    bound = ProjectFilter(QueryDict(query)).form["zone"]
    assert isinstance(bound.field.widget, FastSelectMultiple)
    templates = forms.SelectMultiple(attrs=bound.field.widget.attrs)
    templates.choices = bound.field.choices
    assert str(bound) == str(bound.as_widget(widget=templates))
    assert ("selected" in str(bound)) == ("成都" in query)


def test_the_zone_list_counts_each_zones_confirmed_projects(analyst, world):
    """/zones/ shows for each zone its confirmed projects that are not merged duplicates — members
    of batches included — as counting the projects gives (the page reads them from the rollup)."""
    from projects.models import Project, ReviewStatus

    merged = Project.objects.filter(review_status=ReviewStatus.CONFIRMED, merged_into__isnull=True).first()
    merged.merged_into = Project.objects.exclude(pk=merged.pk).first()
    merged.save()
    project(world["A"], "成员项目", "1", world["pA1"].date, batch=world["BA"])  # a member counts too

    response = analyst.get("/zones/")

    shown = {zone.pk: zone.project_count for zone in response.context["zones"]}
    confirmed = Project.objects.filter(review_status=ReviewStatus.CONFIRMED, merged_into__isnull=True)
    expected = {pk: confirmed.filter(zone_id=pk).count() for pk in shown}
    assert shown == expected and sum(shown.values()) == confirmed.exclude(zone=None).count() > 0
    a = world["A"]
    row = rf'{re.escape(a.short_name)}</a>.*?<td class="num">{expected[a.pk]}</td>'
    assert expected[a.pk] > 0 and re.search(row, response.content.decode(), re.DOTALL)


def test_record_counts_read_as_counts_in_english(analyst, world):
    """'6 projects · 1 batch signing', never 'Project 6' (a label followed by a number)."""
    analyst.cookies["django_language"] = "en"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", analyst.get("/").content.decode()))
    projects, batches, undated = EXPECTED["projects"], EXPECTED["batches"], EXPECTED["undated_records"]
    assert f"{projects} projects · {batches} batch signing " in text
    assert f"{undated} record, not in the monthly chart" in text
    assert f"Project {projects}" not in text
