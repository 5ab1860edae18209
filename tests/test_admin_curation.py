"""Admins curating through the Django admin: search, edit, bulk review, merge, zone aliases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Project
from tests.factories import make_event, make_mention, make_project, make_zone
from zones.models import Zone

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:projects_project_changelist")


@pytest.fixture
def admin_client_(client_as):
    return client_as("admin")


def changelist_names(response) -> set[str]:
    return {str(obj) for obj in response.context["cl"].result_list}


def change_form_data(response) -> dict:
    """What the browser would send back from an admin change form, unchanged."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
    return data


def test_changelist_search_finds_a_project_by_name(admin_client_):
    zone = make_zone()
    make_project(zone=zone, name="海创尚纬新能源西南制造基地")
    make_project(zone=zone, name="比亚迪刀片电池项目")
    response = admin_client_.get(CHANGELIST, {"q": "尚纬"})
    assert response.status_code == 200
    assert changelist_names(response) == {"海创尚纬新能源西南制造基地"}


def test_change_form_post_saves_the_edit_and_records_the_admin_in_history(admin_client_):
    project = make_project(zone=make_zone(), name="负极材料项目", investor="")
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = change_form_data(admin_client_.get(url))
    data.update(name="海创尚纬首期4万吨负极材料项目", investor="海创尚纬")
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    project.refresh_from_db()
    assert (project.name, project.investor) == ("海创尚纬首期4万吨负极材料项目", "海创尚纬")
    latest = project.history.latest()
    assert latest.history_type == "~"
    assert latest.history_user.username == "admin-user"


def test_change_form_edit_of_the_amount_updates_the_yuan_value_that_totals_use(admin_client_):
    project = make_project(zone=make_zone(), amount=Decimal("1000000000"), amount_yuan=Decimal("1000000000"))
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = change_form_data(admin_client_.get(url))
    data.update(amount="2000000000", amount_text="20亿元")
    assert admin_client_.post(url, data).status_code == 302
    project.refresh_from_db()
    assert project.amount_yuan == Decimal("2000000000")


@pytest.mark.parametrize(
    ("action", "status"), [("confirm_selected", "confirmed"), ("reject_selected", "rejected")]
)
def test_bulk_review_action_changes_each_project_and_records_one_history_row_each(
    admin_client_, action, status
):
    zone = make_zone()
    chosen = [make_project(zone=zone), make_project(zone=zone)]
    untouched = make_project(zone=zone)
    before = {p.pk: p.history.count() for p in [*chosen, untouched]}
    response = admin_client_.post(CHANGELIST, {"action": action, "_selected_action": [p.pk for p in chosen]})
    assert response.status_code == 302
    for project in chosen:
        project.refresh_from_db()
        assert project.review_status == status
        assert project.history.count() == before[project.pk] + 1
        assert project.history.latest().history_user.username == "admin-user"
    untouched.refresh_from_db()
    assert untouched.review_status == "candidate"
    assert untouched.history.count() == before[untouched.pk]


def test_bulk_confirm_of_a_merged_project_is_refused_and_changes_nothing(admin_client_):
    zone = make_zone()
    target = make_project(zone=zone)
    merged = make_project(zone=zone, merged_into=target)
    fresh = make_project(zone=zone)
    response = admin_client_.post(
        CHANGELIST, {"action": "confirm_selected", "_selected_action": [merged.pk, fresh.pk]}, follow=True
    )
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert set(Project.objects.values_list("review_status", flat=True)) == {"candidate"}


@pytest.fixture
def duplicates():
    zone = make_zone()
    target = make_project(zone=zone, name="海创尚纬首期4万吨负极材料项目", investor="",
                          date=dt.date(2022, 5, 1), date_precision="month", stage="started")
    make_event(target, "started", dt.date(2022, 5, 1), "month")
    source = make_project(zone=zone, name="海创尚纬新能源西南制造基地", investor="海创尚纬",
                          date=dt.date(2021, 11, 1), date_precision="month")
    make_event(source, "signed", dt.date(2021, 11, 1), "month")
    make_mention(source, quote="海创尚纬新能源西南制造基地项目签约")
    return source, target


def test_merge_action_first_shows_the_intermediate_page(admin_client_, duplicates):
    source, _ = duplicates
    response = admin_client_.post(CHANGELIST, {"action": "merge_selected", "_selected_action": [source.pk]})
    assert response.status_code == 200
    assert "admin/projects/merge_projects.html" in [t.name for t in response.templates]
    assert source.name in response.content.decode()
    source.refresh_from_db()
    assert source.merged_into is None


def test_merge_action_with_apply_and_target_merges_events_mentions_and_history(admin_client_, duplicates):
    source, target = duplicates
    history_before = (source.history.count(), target.history.count())
    response = admin_client_.post(CHANGELIST, {
        "action": "merge_selected", "_selected_action": [source.pk], "apply": "合并", "target": target.pk,
    })
    assert response.status_code == 302
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.merged_into == target
    assert source.events.count() == 0 and source.mentions.count() == 0
    assert sorted(target.events.values_list("stage", flat=True)) == ["signed", "started"]
    assert target.mentions.get().quote == "海创尚纬新能源西南制造基地项目签约"
    assert target.investor == "海创尚纬"
    assert target.date == dt.date(2021, 11, 1)
    assert source.history.count() > history_before[0] and target.history.count() > history_before[1]
    assert source.history.latest().history_user.username == "admin-user"
    assert target.history.latest().history_user.username == "admin-user"


def test_merge_action_with_an_unknown_target_merges_nothing(admin_client_, duplicates):
    source, _ = duplicates
    response = admin_client_.post(CHANGELIST, {
        "action": "merge_selected", "_selected_action": [source.pk], "apply": "合并", "target": 999999,
    })
    assert response.status_code == 200  # the intermediate page again, with the form error
    assert response.context["form"].errors
    source.refresh_from_db()
    assert source.merged_into is None


def test_zone_admin_search_by_alias_finds_the_gazetteer_zone(admin_client_):
    response = admin_client_.get(reverse("admin:zones_zone_changelist"), {"q": "滨海高新区"})
    assert response.status_code == 200
    assert "天津滨海高新区" in changelist_names(response)


def test_project_autocomplete_returns_matching_projects_as_json(admin_client_):
    zone = make_zone()
    wanted = make_project(zone=zone, name="宁德时代锂电池基地")
    make_project(zone=zone, name="华为云数据中心")
    response = admin_client_.get("/admin/autocomplete/", {
        "app_label": "projects", "model_name": "project", "field_name": "merged_into", "term": "宁德",
    })
    assert response.status_code == 200
    results = response.json()["results"]
    assert results == [{"id": str(wanted.pk), "text": "宁德时代锂电池基地"}]


def test_zone_admin_mark_verified_action_verifies_and_records_the_admin(admin_client_):
    zone = make_zone("某某新材料产业园区", verified=False)
    response = admin_client_.post(
        reverse("admin:zones_zone_changelist"), {"action": "mark_verified", "_selected_action": [zone.pk]}
    )
    assert response.status_code == 302
    zone = Zone.objects.get(pk=zone.pk)
    assert zone.verified
    assert zone.history.latest().history_user.username == "admin-user"
