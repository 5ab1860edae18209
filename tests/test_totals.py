"""The totals rule (projects/totals.py), pinned with hand-computed cases.

Each investment counts once: a batch and its member projects are never added together,
merged duplicates never count, a project counts in the month of its `date`, undated
records are shown as such, foreign amounts count in yuan, and only confirmed records
count unless the filter asks for candidates.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.http import QueryDict

from projects import totals
from projects.filters import ProjectFilter
from projects.models import Batch, Project
from projects.templatetags.money import yi, yi_decimal
from tests.dashboard_factories import EXPECTED, batch, project, yuan
from zones.models import Zone

pytestmark = pytest.mark.django_db


def run(query: str = "", top: int = totals.DEFAULT_TOP) -> totals.Totals:
    return totals.for_filter(ProjectFilter(QueryDict(query)), top=top)


def zone_month_yuan(result: totals.Totals) -> dict:
    return {
        (zone.name, totals.month_label(month)): str(figure.amount)
        for zone, months in result.zone_months().items() for month, figure in months.items()
    }


@pytest.fixture
def xian():
    return Zone.objects.get(short_name="西安高新区")


# --- the rule, case by case --------------------------------------------------------------------


def test_a_counted_batch_replaces_its_member_projects(xian):
    signing = batch(xian, "122", dt.date(2022, 6, 28))
    project(xian, "成员一", "10", dt.date(2022, 6, 28), batch=signing)
    project(xian, "成员二", "10", dt.date(2022, 6, 28), batch=signing)
    project(xian, "独立项目", "5", dt.date(2022, 6, 2))

    result = run()

    assert result.total.amount == yuan("127")  # 122 + 5, not 122 + 10 + 10 + 5
    assert (result.total.batches, result.total.projects) == (1, 1)


@pytest.mark.parametrize("status", ["rejected", "candidate"])
def test_member_projects_count_on_their_own_when_the_batch_does_not(xian, status):
    signing = batch(xian, "122", dt.date(2022, 6, 28), status=status)
    project(xian, "成员一", "10", dt.date(2022, 6, 28), batch=signing)
    project(xian, "成员二", "12.5", dt.date(2022, 6, 28), batch=signing)

    result = run()

    assert result.total.amount == yuan("22.5")
    assert (result.total.batches, result.total.projects) == (0, 2)


def test_a_merged_batch_does_not_count_and_its_members_do(xian):
    kept = batch(xian, "30", dt.date(2022, 6, 1))
    twin = batch(xian, "30", dt.date(2022, 6, 1), merged_into=kept)
    project(xian, "成员", "10", dt.date(2022, 6, 1), batch=kept)
    project(xian, "孪生批次成员", "4", dt.date(2022, 6, 1), batch=twin)

    assert run().total.amount == yuan("34")  # kept batch 30 + the member of the merged twin 4


def test_merged_duplicates_never_count(xian):
    original = project(xian, "项目", "8", dt.date(2022, 7, 20))
    project(xian, "项目（重复）", "8", dt.date(2022, 7, 20), merged_into=original)
    project(xian, "项目（重复，待审核）", "8", dt.date(2022, 7, 20), merged_into=original, status="candidate")

    result = run("review_status=confirmed&review_status=candidate")

    assert result.total.amount == yuan("8")
    assert result.total.projects == 1


def test_a_project_counts_once_in_the_month_of_its_date(xian):
    signed = project(xian, "项目", "20", dt.date(2022, 7, 5), stage="started")
    signed.events.create(stage="signed", date=dt.date(2022, 7, 5), date_precision="day")
    signed.events.create(stage="started", date=dt.date(2022, 9, 1), date_precision="day")

    result = run()

    assert zone_month_yuan(result) == {("西安高新区", "2022-07"): "2000000000.00"}
    assert result.months == [dt.date(2022, 7, 1)]


def test_undated_records_are_counted_in_their_own_figure(xian):
    project(xian, "有日期", "2", dt.date(2022, 1, 3))
    project(xian, "无日期", "3", None)
    batch(xian, "40", None)

    result = run()

    assert result.total.amount == yuan("2")
    assert (result.undated.amount, result.undated.projects, result.undated.batches) == (yuan("43"), 1, 1)
    assert [t.records for _z, t in result.undated_by_zone()] == [2]


def test_a_month_range_keeps_the_undated_figure_of_the_other_filters(xian):
    project(xian, "一月", "2", dt.date(2022, 1, 3))
    project(xian, "三月", "5", dt.date(2022, 3, 3))
    project(xian, "无日期", "3", None)
    project(xian, "无日期，待审核", "9", None, status="candidate")

    result = run("month_from=2022-02&month_to=2022-04")

    assert result.total.amount == yuan("5")
    assert result.undated.amount == yuan("3")
    assert [totals.month_label(m) for m in result.months] == ["2022-02", "2022-03", "2022-04"]


def test_a_foreign_currency_project_counts_in_yuan(xian):
    project(xian, "美元项目", None, dt.date(2022, 8, 15), currency="USD", amount=Decimal("100000000"),
            amount_yuan=Decimal("672610000.00"))

    result = run()

    assert str(result.total.amount) == "672610000.00"  # 1亿美元 × 6.7261 (2022 annual rate)
    assert yi(result.total.amount) == "6.73"


def test_records_without_an_amount_count_as_records_but_add_no_money(xian):
    project(xian, "未披露", None, dt.date(2022, 8, 3))
    project(xian, "十亿", "10", dt.date(2022, 8, 3))

    result = run()

    assert (result.total.amount, result.total.projects) == (yuan("10"), 2)


def test_candidates_are_excluded_by_default_and_included_on_request(xian):
    project(xian, "已确认", "10", dt.date(2022, 8, 1))
    project(xian, "待审核", "7", dt.date(2022, 8, 1), status="candidate")
    project(xian, "已驳回", "100", dt.date(2022, 8, 1), status="rejected")

    assert run().total.amount == yuan("10")
    assert run("review_status=confirmed&review_status=candidate").total.amount == yuan("17")
    assert run("review_status=candidate").total.amount == yuan("7")


def test_the_approximate_share_is_the_share_of_the_amount(xian):
    project(xian, "约数", "30", dt.date(2022, 8, 1), approximate=True)
    project(xian, "确数", "70", dt.date(2022, 8, 1))
    project(xian, "约数，无金额", None, dt.date(2022, 8, 1), approximate=True)

    assert run().total.approximate_share == Decimal("30.0")


# --- the whole world, against the hand-computed table ---------------------------------------


def test_world_zone_month_totals(world):
    result = run()

    assert zone_month_yuan(result) == EXPECTED["zone_month_yuan"]
    assert [totals.month_label(m) for m in result.months] == EXPECTED["months"]
    assert [(z.name, str(f.amount)) for z, f in result.ranking()] == EXPECTED["ranking"]
    assert str(result.total.amount) == EXPECTED["total_yuan"]
    assert (result.total.projects, result.total.batches) == (EXPECTED["projects"], EXPECTED["batches"])
    assert str(result.total.approximate_amount) == EXPECTED["approximate_yuan"]
    assert str(result.undated.amount) == EXPECTED["undated_yuan"]


def test_world_breakdowns_by_stage_and_industry(world):
    result = run()

    stages = {key: str(figure.amount) for key, _label, figure in result.by_stage()}
    # A batch is an aggregate signing: BA counts under 签约 with pB1, b1, pB2, pC1, pC4.
    assert stages == {"signed": str(yuan("271.7261")), "started": str(yuan("20"))}
    industries = [(label, str(figure.amount)) for _key, label, figure in result.by_industry()]
    assert industries == [
        ("储能", str(yuan("120"))), ("光伏", str(yuan("20"))), ("新材料", str(yuan("15"))),
        ("生物医药", str(yuan("8"))), ("集成电路", str(yuan("6.7261"))),
        ("未分行业", str(yuan("122"))),  # batch BA + pB2 (no amount)
    ]


def test_world_filters_a_batch_cannot_satisfy_count_its_members(world):
    # An industry filter leaves batches out, so BA's 光伏 member m1 counts on its own.
    result = run("industry=光伏")

    assert result.total.amount == yuan("30")  # pA1 20 + m1 10
    assert (result.total.projects, result.total.batches) == (2, 0)


def test_world_stage_filter_keeps_batches_only_for_signed(world):
    assert run("stage=started").total.amount == yuan("20")
    # 签约: BA 122 + pB1 120 + b1 15 + pC1 8 + pC4 6.7261
    assert run("stage=signed").total.amount == yuan("271.7261")


def test_world_zone_province_amount_and_publication_filters(world):
    assert run("zone=成都高新区").total.amount == yuan("14.7261")
    assert run("zone=成都高新区&zone=乐山高新区").total.amount == yuan("149.7261")
    assert run("province=四川省").total.amount == yuan("149.7261")
    # 20亿 and above: BA 122, pA1 20, pB1 120.
    assert run("amount_min=20").total.amount == yuan("262")
    # Up to 10亿: m1 and m2 count on their own once BA (122) is filtered out.
    assert run("amount_max=10").total.amount == yuan("34.7261")  # m1 10 + m2 10 + pC1 8 + pC4 6.7261
    assert run("publication=乐山日报").total.amount == yuan("120")


def test_world_with_candidates(world):
    result = run("review_status=confirmed&review_status=candidate")

    assert result.total.amount == yuan("298.7261")  # + pA2 7
    assert result.ranking()[0][1].amount == yuan("149")


def test_top_zones_and_others(world):
    result = run(top=1)
    series = result.series()

    assert [s["zone"].name for s in series] == ["西安高新区", "其他开发区"]
    assert [str(f.amount) for f in series[1]["figures"]] == [
        str(yuan("120")), str(yuan("23")), str(yuan("6.7261"))]
    # The stacked bars add up to the month totals.
    for i, month_figure in enumerate(result.month_figures()):
        assert sum(s["figures"][i].amount for s in series) == month_figure.amount


def test_the_totals_run_in_two_grouped_queries(world, django_assert_num_queries):
    with django_assert_num_queries(2):  # from the rollup: zone × month, stage × industry
        run()
    # The undated figure comes with the zone × month query; a range that cuts a year (2022 from
    # July) adds one for the year-only records it leaves out (the "未计入" note).
    with django_assert_num_queries(3):
        run("month_from=2022-07")
    with django_assert_num_queries(2):  # a range of whole years leaves nothing out
        run("month_from=2022-01")
    # Live (a filter the rollup cannot answer): projects and batches grouped,
    with django_assert_num_queries(2):
        run("amount_min=1")
    # Two more for the undated figure beside a month range, and two (projects, batches) for the
    # year-only records of 2022 that a range from July leaves out.
    with django_assert_num_queries(6):
        run("amount_min=1&month_from=2022-07")
    with django_assert_num_queries(4):
        run("amount_min=1&month_from=2022-01")


def test_json_amounts_are_exact_yuan_strings_and_rounded_yi_numbers(world):
    data = run().as_json()

    assert data["total"]["amount_yuan"] == EXPECTED["total_yuan"]
    assert data["total"]["amount_yi"] == 291.73
    assert data["total"]["amount_display"] == EXPECTED["total_display"]
    assert data["total"]["approximate_share_display"] == EXPECTED["approximate_share"]
    assert data["undated"]["records"] == EXPECTED["undated_records"]


@pytest.mark.parametrize(("yuan_value", "shown"), [
    ("50000.00", "0.00"), ("500000.00", "0.01"), ("1500000.00", "0.02"), ("2500000.00", "0.03"),
    ("12345678901.00", "123.46"), ("0", "0.00"), (None, "—"),
])
def test_one_rounding_rule_half_up(yuan_value, shown):
    assert yi(yuan_value) == shown
    assert yi_decimal(yuan_value) == (None if yuan_value is None else Decimal(shown))


def test_counted_records_without_a_filter():
    zone = Zone.objects.get(short_name="西安高新区")
    signing = batch(zone, "10", dt.date(2022, 1, 1))
    project(zone, "成员", "10", dt.date(2022, 1, 1), batch=signing)
    projects, batches = totals.counted_records(Project.objects.all(), Batch.objects.all())
    assert (projects.count(), batches.count()) == (0, 1)


def test_a_month_range_never_counts_a_member_of_a_batch_signed_in_another_month(xian):
    # Hand-computed: batch 122 signed 2022-06-28 holds m1 (10, dated 2022-07-02) and m2
    # (5, undated). Unfiltered: June = 122, July = 0, undated = 0 (both members are inside
    # the batch). A July range must show the July bar of that chart — 0 — not m1's 10,
    # and its undated figure must not bring m2 back.
    signing = batch(xian, "122", dt.date(2022, 6, 28))
    project(xian, "成员一", "10", dt.date(2022, 7, 2), batch=signing)
    project(xian, "成员二", "5", None, batch=signing)
    for use_rollup in (True, False):
        whole = totals.for_filter(ProjectFilter(QueryDict("")), use_rollup=use_rollup)
        july = totals.for_filter(
            ProjectFilter(QueryDict("month_from=2022-07&month_to=2022-07")), use_rollup=use_rollup
        )
        assert whole.total.amount == yuan("122") and whole.undated.amount == 0
        assert july.total.amount == 0 and july.total.projects == 0
        assert july.undated.amount == 0 and july.undated.projects == 0


# --- reduced in the database (PostgreSQL) or summed in Python: the same figures --------------


def every_figure(result: totals.Totals) -> dict:
    """Everything a page or an export reads from totals: the chart JSON, the whole zone × month
    grid and the undated figures per zone."""
    return {
        "json": result.as_json(),
        "grid": zone_month_yuan(result),
        "undated": [(zone, str(f.amount), f.records) for zone, f in result.undated_by_zone()],
    }


@pytest.fixture
def many_zones(world):
    """More zones than the chart names (so "其他" is a sum), ties in amount and records (so the
    ranking's name order decides the top), records without a zone, undated records."""
    zones = list(Zone.objects.exclude(pk__in=[world["A"].pk, world["B"].pk, world["C"].pk]).order_by("pk")[:12])
    for i, zone in enumerate(zones):
        day = dt.date(2022, 6 + i % 3, 5)
        project(zone, f"并列项目{i}", "9", day)  # every one of these zones: 9亿, one record
        if i % 4 == 0:
            project(zone, f"日期不详项目{i}", "2", None)
    project(None, "开发区不详项目", "30", dt.date(2022, 7, 9))
    project(None, "开发区不详项目二", "1", None)
    return zones


@pytest.mark.parametrize("query", [
    "", "month_from=2022-07", "month_from=2022-07&month_to=2022-08", "stage=signed", "stage=started",
    "industry=光伏", "review_status=confirmed&review_status=candidate", "zone=成都高新区",
    "province=四川省&month_to=2022-07", "month_from=2030-01&month_to=2030-02",
])
@pytest.mark.parametrize("top", [1, 5, 8, 20])
def test_the_reduced_query_gives_the_figures_of_the_grouped_rows(many_zones, monkeypatch, query, top):
    reduced = every_figure(run(query, top=top))
    monkeypatch.setattr(totals, "REDUCE_IN_DATABASE", False)
    summed = every_figure(run(query, top=top))
    live = every_figure(totals.for_filter(ProjectFilter(QueryDict(query)), top=top, use_rollup=False))

    assert reduced == summed == live


def test_ties_are_ranked_by_name_and_others_are_the_rest_of_the_month(many_zones):
    result = run(top=5)
    ranking = [(zone.name, figure.amount) for zone, figure in result.ranking()]
    tied = [name for name, amount in ranking if amount == yuan("9")]

    assert tied == sorted(tied) and len(tied) == 12
    series = result.series()
    assert [s["zone"].name for s in series[:5]] == [name for name, _amount in ranking[:5]]
    assert series[-1]["other"] and series[-1]["zones"] == len(ranking) - 5
    for i, month_figure in enumerate(result.month_figures()):
        assert sum(s["figures"][i].amount for s in series) == month_figure.amount
        assert sum(s["figures"][i].records for s in series) == month_figure.records


def test_exports_read_the_whole_grid_in_the_same_two_queries(many_zones, django_assert_num_queries):
    project_filter = ProjectFilter(QueryDict(""))
    project_filter.cleaned()
    with django_assert_num_queries(2):
        result = totals.for_filter(project_filter, top=2, full_grid=True)
        grid = result.zone_months()
    assert sum(len(months) for months in grid.values()) == len(zone_month_yuan(run(top=2)))


def test_each_query_reads_the_coarsest_level_that_keeps_what_the_filter_names():
    """Breakdowns: month × stage × industry unless a zone or province is named (then the full
    cells); zone × month: without stage and industry unless the filter names them."""
    from projects.models import TotalsBreakdownCell, TotalsCell, TotalsStageCell, TotalsZoneCell
    from projects.totals import breakdown_level, zone_month_level

    assert breakdown_level({"review_status": ["confirmed"], "stage": ["started"]}) is TotalsBreakdownCell
    assert breakdown_level({"zone": ["x"]}) is TotalsCell
    assert breakdown_level({"province": "陕西省", "month_from": "2023-01"}) is TotalsCell
    assert zone_month_level({"zone": ["x"], "month_from": "2023-01"}) is TotalsZoneCell
    assert zone_month_level({"stage": ["started"]}) is TotalsStageCell
    assert zone_month_level({"stage": ["started"], "industry": "光伏"}) is TotalsCell
