"""The demo data tells the follow-through story out of the box (issue 12): `load_demo` turns the
later demo issues' 开工/投产 reports into events of the projects signed in earlier issues, through
the review's own "add as an event of #N", and leaves some signings with no later report."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from projects.models import Project

pytestmark = pytest.mark.django_db


def timeline(name_start: str) -> list[tuple[str, dt.date, str]]:
    project = Project.objects.get(name__startswith=name_start, merged_into=None)
    return [(e.stage, e.date, e.date_precision) for e in project.events.order_by("date", "pk")]


@pytest.fixture
def demo():
    call_command("load_demo", "--no-users", stdout=io.StringIO())


def test_later_demo_reports_become_events_of_the_projects_signed_earlier(demo):
    assert timeline("天府芯谷") == [
        ("signed", dt.date(2023, 6, 12), "day"), ("started", dt.date(2023, 12, 8), "day")]
    assert timeline("晶合光电") == [
        ("signed", dt.date(2023, 3, 8), "day"), ("started", dt.date(2023, 11, 1), "month"),
        ("operating", dt.date(2024, 11, 18), "day")]
    for stalled in ("激光智能装备", "亚太精密传动"):
        assert [stage for stage, _day, _precision in timeline(stalled)] == ["signed"]
    jinghe = Project.objects.get(name__startswith="晶合光电", merged_into=None)
    assert (jinghe.stage, jinghe.date, jinghe.review_status) == ("operating", dt.date(2023, 3, 8), "confirmed")
    assert jinghe.merged_from.count() == 2  # the 开工 and 投产 reports, each quote now on jinghe
    assert {m.event.stage for m in jinghe.mentions.all()} == {"signed", "started", "operating"}


def test_loading_the_demo_again_changes_nothing(demo):
    before = sorted(Project.objects.values_list("pk", "merged_into", "stage", "review_status"))
    call_command("load_demo", "--no-users", stdout=io.StringIO())
    assert sorted(Project.objects.values_list("pk", "merged_into", "stage", "review_status")) == before
