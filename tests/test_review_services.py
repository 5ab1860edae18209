"""Review writes (status, merge, edit), money conversion and display, and duplicate detection."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse

from articles.forms import amount_as_typed
from projects.dedup import likely_duplicates, name_similarity
from projects.models import CurrencyRate, Project
from projects.money import to_yuan
from projects.services import merge_projects, refresh_project_timeline, save_project_edit, set_review_status
from tests.factories import make_batch, make_event, make_mention, make_project, make_zone

USD_2022 = Decimal("6.7261")  # seeded from the statistical yearbook by projects/migrations/0002


# --- set_review_status ----------------------------------------------------------------------


@pytest.mark.django_db
def test_set_review_status_confirms_and_records_the_user(make_user):
    editor = make_user("editor")
    project = make_project()
    assert set_review_status([project], "confirmed", user=editor) == 1
    project.refresh_from_db()
    assert project.review_status == "confirmed"
    assert project.history.latest().history_user == editor


@pytest.mark.django_db
def test_set_review_status_counts_only_real_changes():
    project = make_project(review_status="confirmed")
    history = project.history.count()
    assert set_review_status([project], "confirmed") == 0
    assert project.history.count() == history


@pytest.mark.django_db
def test_set_review_status_refuses_a_merged_project():
    target = make_project()
    merged = make_project(merged_into=target)
    with pytest.raises(ValidationError):
        set_review_status([merged], "confirmed")
    merged.refresh_from_db()
    assert merged.review_status == "candidate"


@pytest.mark.django_db
def test_set_review_status_refusal_rolls_back_the_whole_selection():
    target = make_project()
    fresh = make_project()
    merged = make_project(merged_into=target)
    with pytest.raises(ValidationError):
        set_review_status([fresh, merged], "confirmed")
    fresh.refresh_from_db()
    assert fresh.review_status == "candidate"


@pytest.mark.django_db
def test_set_review_status_refuses_an_unknown_status():
    project = make_project()
    with pytest.raises(ValidationError):
        set_review_status([project], "approved")
    project.refresh_from_db()
    assert project.review_status == "candidate"


@pytest.mark.django_db
def test_set_review_status_works_on_batches():
    batch = make_batch()
    set_review_status([batch], "rejected")
    batch.refresh_from_db()
    assert batch.review_status == "rejected"


# --- merge_projects -------------------------------------------------------------------------


@pytest.fixture
def signed_then_started(db):
    """The same plant reported at signing (Nov 2021) and at ground-breaking (May 2022)."""
    zone = make_zone()
    target = make_project(zone=zone, name="海创尚纬首期4万吨负极材料项目", investor="", industry="",
                          amount=None, amount_yuan=None, amount_text="", date=dt.date(2022, 5, 1),
                          date_precision="month", stage="started")
    make_event(target, "started", dt.date(2022, 5, 1), "month")
    source = make_project(zone=zone, name="海创尚纬新能源西南制造基地", investor="海创尚纬",
                          industry="新能源",
                          amount=Decimal("12000000000"), amount_yuan=Decimal("12000000000"),
                          amount_text="120亿元", date=dt.date(2021, 11, 1), date_precision="month")
    make_event(source, "signed", dt.date(2021, 11, 1), "month")
    make_mention(source, quote="海创尚纬新能源西南制造基地项目签约，总投资120亿元")
    return source, target


def test_merge_fills_the_fields_the_target_lacks(signed_then_started):
    source, target = signed_then_started
    merge_projects([source], target)
    target.refresh_from_db()
    assert (target.investor, target.industry) == ("海创尚纬", "新能源")
    assert (target.amount_yuan, target.amount_text) == (Decimal("12000000000"), "120亿元")
    assert target.name == "海创尚纬首期4万吨负极材料项目"  # what the target has, it keeps


def test_merge_keeps_the_targets_own_amount(signed_then_started):
    source, target = signed_then_started
    own = Decimal("5000000000")
    Project.objects.filter(pk=target.pk).update(amount=own, amount_yuan=own)
    merge_projects([source], target)
    target.refresh_from_db()
    assert target.amount_yuan == own


def test_merge_moves_events_and_mentions_and_points_the_source_at_the_target(signed_then_started):
    source, target = signed_then_started
    assert merge_projects([source], target) == 1
    source.refresh_from_db()
    assert source.merged_into_id == target.pk
    assert sorted(target.events.values_list("stage", flat=True)) == ["signed", "started"]
    assert target.mentions.count() == 1 and source.mentions.count() == 0 and source.events.count() == 0


def test_merge_dates_the_target_at_the_earliest_signing_and_keeps_the_furthest_stage(signed_then_started):
    source, target = signed_then_started
    merge_projects([source], target)
    target.refresh_from_db()
    assert (target.date, target.date_precision, target.stage) == (dt.date(2021, 11, 1), "month", "started")


def test_merge_records_history_on_source_and_target(signed_then_started, make_user):
    editor = make_user("editor")
    source, target = signed_then_started
    merge_projects([source], target, user=editor)
    assert source.history.latest().history_user == editor
    assert source.history.latest().merged_into_id == target.pk
    assert target.history.latest().history_user == editor


def test_merge_refuses_a_target_that_was_itself_merged(signed_then_started):
    source, target = signed_then_started
    elsewhere = make_project(zone=target.zone)
    Project.objects.filter(pk=target.pk).update(merged_into=elsewhere)
    with pytest.raises(ValidationError):
        merge_projects([source], target)
    source.refresh_from_db()
    assert source.merged_into is None and source.events.count() == 1


def test_merge_refuses_a_source_already_merged(signed_then_started):
    source, target = signed_then_started
    other = make_project(zone=target.zone)
    Project.objects.filter(pk=source.pk).update(merged_into=other)
    source.refresh_from_db()
    with pytest.raises(ValidationError):
        merge_projects([source], target)
    assert target.events.count() == 1


def test_merge_from_the_review_page_into_a_candidate_keeps_what_the_merge_filled(
    signed_then_started, client_as
):
    """The review page confirms a candidate target after merging; that must not undo the merge."""
    source, target = signed_then_started
    response = client_as("editor").post(
        reverse("review-project", args=[source.pk]), {"action": "merge", "target": target.pk}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.review_status == "confirmed"
    assert (target.investor, target.amount_text) == ("海创尚纬", "120亿元")
    assert (target.date, target.stage) == (dt.date(2021, 11, 1), "started")


@pytest.mark.django_db
def test_timeline_without_a_signing_counts_from_the_first_event():
    project = make_project(date=None, date_precision="", stage="signed")
    make_event(project, "operating", dt.date(2023, 2, 1), "month")
    make_event(project, "started", dt.date(2022, 6, 28))
    refresh_project_timeline(project)
    project.refresh_from_db()
    assert (project.date, project.date_precision, project.stage) == (dt.date(2022, 6, 28), "day", "operating")


@pytest.mark.django_db
def test_timeline_prefers_the_signing_over_an_earlier_other_event():
    project = make_project(date=None, date_precision="")
    make_event(project, "started", dt.date(2021, 3, 1), "month")
    make_event(project, "signed", dt.date(2021, 6, 1), "month")
    refresh_project_timeline(project)
    project.refresh_from_db()
    assert project.date == dt.date(2021, 6, 1)


# --- save_project_edit and to_yuan ---------------------------------------------------------


def edit_form(project: Project, **changes) -> dict:
    data = {
        "name": project.name, "zone": project.zone_id or "", "investor": project.investor,
        "industry": project.industry, "stage": project.stage, "date": project.date or "",
        "date_precision": project.date_precision, "amount": amount_as_typed(project),
        "jobs": project.jobs or "",
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_editor_edit_of_a_dollar_amount_converts_at_that_years_rate(client_as):
    project = make_project(zone=make_zone())
    response = client_as("editor").post(
        reverse("edit-project", args=[project.pk]),
        edit_form(project, amount="1.5亿美元", date="2022-03-15"),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.amount_yuan == (Decimal("150000000") * USD_2022).quantize(Decimal("0.01"))
    assert project.history.latest().history_user.username == "editor-user"


@pytest.mark.django_db
def test_edited_dollar_amount_is_converted_at_the_year_of_the_date_the_project_keeps(client_as):
    project = make_project(zone=make_zone(), date=dt.date(2021, 11, 1), date_precision="month")
    make_event(project, "signed", dt.date(2021, 11, 1), "month")
    client_as("editor").post(
        reverse("edit-project", args=[project.pk]),
        edit_form(project, amount="100美元", date="2023-03-15"),
    )
    project.refresh_from_db()
    rate = CurrencyRate.objects.get(currency="USD", year=project.date.year).yuan_per_unit
    assert project.date == dt.date(2023, 3, 15)  # the edit is kept, on the signing event
    assert project.amount_yuan == (Decimal("100") * rate).quantize(Decimal("0.01"))


@pytest.mark.django_db
def test_save_project_edit_of_a_yuan_amount_keeps_it_as_is():
    project = make_project(amount=Decimal("3500000000.5"), currency="CNY", amount_yuan=None)
    save_project_edit(project)
    project.refresh_from_db()
    assert project.amount_yuan == Decimal("3500000000.50")


@pytest.mark.django_db
def test_save_project_edit_clears_the_yuan_value_when_the_amount_is_removed():
    project = make_project()
    project.amount = None
    save_project_edit(project)
    project.refresh_from_db()
    assert project.amount_yuan is None


@pytest.mark.django_db
@pytest.mark.parametrize(("year", "rate_year"), [(2022, 2022), (2030, 2024), (1998, 2010), (None, 2024)])
def test_to_yuan_uses_the_years_rate_else_the_nearest_year_on_record(year, rate_year):
    rate = CurrencyRate.objects.get(currency="USD", year=rate_year).yuan_per_unit
    assert to_yuan(Decimal("1000"), "USD", year) == (Decimal("1000") * rate).quantize(Decimal("0.01"))


@pytest.mark.django_db
def test_to_yuan_is_unknown_for_a_currency_without_rates():
    assert to_yuan(Decimal("1000"), "XAU", 2022) is None


@pytest.mark.django_db
def test_to_yuan_uses_a_rate_an_admin_added():
    CurrencyRate.objects.create(currency="EUR", year=2022, yuan_per_unit=Decimal("7.0721"))
    assert to_yuan(Decimal("100"), "EUR", 2022) == Decimal("707.21")


def test_to_yuan_of_nothing_is_nothing():
    assert to_yuan(None, "CNY", 2022) is None


# --- the yi filter -----------------------------------------------------------------------


def render_yi(value) -> str:
    return Template("{% load money %}{{ value|yi }}").render(Context({"value": value}))


@pytest.mark.parametrize(
    ("yuan", "shown"),
    [
        (Decimal("1234567890"), "12.35"),
        (Decimal("1234500000"), "12.35"),  # exactly half: up, not to even
        (Decimal("1225000000"), "12.25"),
        (Decimal("1224999999"), "12.25"),
        (Decimal("12200000000"), "122.00"),
        (Decimal("123456789000000"), "1,234,567.89"),
        (None, "—"),
    ],
)
def test_yi_filter_shows_yi_yuan_rounded_half_up(yuan, shown):
    assert render_yi(yuan) == shown


def test_yi_filter_rounds_half_up_where_bankers_rounding_would_go_down():
    assert render_yi(Decimal("1002500000")) == "10.03"


# --- duplicates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("宁德时代锂电池生产基地项目", "宁德时代锂电池基地二期项目", True),
        ("年产10万吨光伏玻璃项目", "光伏玻璃生产线项目", True),
        ("华为云数据中心", "比亚迪刀片电池项目", False),
        ("项目", "建设项目", False),  # nothing distinctive left
    ],
)
def test_name_similarity_separates_the_same_project_from_different_ones(a, b, similar):
    assert (name_similarity(a, b) >= 0.45) is similar


def test_name_similarity_is_symmetric_and_one_for_the_same_name():
    a, b = "海创尚纬新能源西南制造基地", "海创尚纬首期4万吨负极材料项目"
    assert name_similarity(a, b) == name_similarity(b, a)
    assert name_similarity(a, a) == 1.0


@pytest.fixture
def known(db):
    zone = make_zone()
    return {
        "zone": zone,
        "other_zone": make_zone(),
        "lithium": make_project(zone=zone, name="宁德时代锂电池生产基地项目", investor="宁德时代",
                                review_status="confirmed"),
        "anode": make_project(zone=zone, name="海创尚纬新能源西南制造基地",
                              investor="四川海创尚纬新能源科技有限公司"),
    }


@pytest.mark.parametrize(
    ("name", "investor", "in_other_zone", "expected"),
    [
        ("宁德时代锂电池基地二期项目", "", False, ["lithium"]),  # same zone, similar name
        ("宁德时代锂电池基地二期项目", "", True, []),  # same name, other zone
        ("首期4万吨负极材料项目", "海创尚纬", False, ["anode"]),  # same investor, different words
        ("华为云数据中心", "华为", False, []),  # nothing in common
    ],
)
def test_likely_duplicates_proposes_same_zone_projects_by_name_or_investor(
    known, name, investor, in_other_zone, expected
):
    zone = known["other_zone"] if in_other_zone else known["zone"]
    new = make_project(zone=zone, name=name, investor=investor)
    assert [p.pk for p, _ in likely_duplicates(new)] == [known[key].pk for key in expected]


def test_likely_duplicates_leaves_out_rejected_and_merged_projects(known):
    Project.objects.filter(pk=known["lithium"].pk).update(review_status="rejected")
    Project.objects.filter(pk=known["anode"].pk).update(merged_into=make_project(zone=known["other_zone"]))
    new = make_project(zone=known["zone"], name="宁德时代锂电池基地二期项目", investor="海创尚纬")
    assert likely_duplicates(new) == []


def test_likely_duplicates_of_a_project_without_zone_is_empty(known):
    assert likely_duplicates(make_project(zone=None, name="宁德时代锂电池基地二期项目")) == []
