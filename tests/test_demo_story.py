"""The demo data tells the follow-through story out of the box (issue 12): `load_demo` turns the
later demo issues' 开工/投产 reports into events of the projects signed in earlier issues, through
the review's own "add as an event of #N", and leaves some signings with no later report."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.http import QueryDict

from projects import follow_through
from projects.filters import ProjectFilter
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


LAST_ISSUE = dt.date(2024, 11, 22)  # the latest demo issue: the story as of then
YI = Decimal("100000000")


def test_the_follow_through_of_the_demo_shows_started_operating_and_stalled_projects(demo):
    figures = follow_through.for_filter(ProjectFilter(QueryDict("")), as_of=LAST_ISSUE)
    total = figures.total
    # Signed: 晶合光电 45亿, 天府芯谷 120亿, 激光智能装备 30亿, 亚太精密传动 1.5亿美元, 高纯多晶硅 28亿,
    # 氢燃料电池 20亿. 天府芯谷 started 2023-12-08, under 6 months after 2023-06-12; 晶合光电 in
    # 2023-11 (month), certainly within 12 months of 2023-03-08, not within 6; 晶合光电 in
    # operation 2024-11-18. Stalled: signed before 2023-11-22 with no later report.
    assert total.signed.count == 6
    assert (total.started.count, total.started.amount) == (2, (45 + 120) * YI)
    assert [total.started_within[w].count for w in (6, 12, 24)] == [1, 2, 2]
    assert (total.operating.count, total.operating.amount) == (1, 45 * YI)
    stalled = follow_through.stalled(ProjectFilter(QueryDict("")), as_of=LAST_ISSUE)
    assert [p.name for p in stalled] == ["激光智能装备产业园项目", "亚太精密传动部件制造中心项目"]
    assert total.stalled.count == 2
    # First reported as started, shown apart: 星辰储能, 博越动力's 电驱动, 华锐生物 (18 + 32 + 25 亿).
    assert (figures.started_without_signing.count, figures.started_without_signing.amount) == (3, 75 * YI)
    by_zone = {zone.zone["short_name"]: zone.figure for zone in figures.zones if zone.zone}
    assert by_zone["成都高新区"].started_within[6].count == 1
    assert by_zone["武汉东湖高新区"].stalled.count == 1 and by_zone["武汉东湖高新区"].started.count == 0


def test_loading_the_demo_again_changes_nothing(demo):
    before = sorted(Project.objects.values_list("pk", "merged_into", "stage", "review_status"))
    call_command("load_demo", "--no-users", stdout=io.StringIO())
    assert sorted(Project.objects.values_list("pk", "merged_into", "stage", "review_status")) == before
