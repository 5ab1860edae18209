"""The follow-through rule (projects/follow_through.py), pinned with hand-computed cases.

Amounts in 亿元. `as_of` is 2024-06-30 unless a test says otherwise. The world:

    project  zone  industry  亿   signed              started          operating   months needed / stored lag
    P1       A     电子信息   10   2023-03-10 (day)    2023-09 (month)  —           7 / 5
    P2       A     新材料     5    2023-06 (month)     2024 (year)      2025-03-15  19 / 7
    P3       B     电子信息   20   2023-01-05 (day)    2023-02-20 (day) 2024-01     2 / 1
    P4       B     电子信息   30   2022-11-01 (day)    —                —           stalled
    P5       A     新材料     8    2023-04-01 (day)    2023-05-15, from a merged duplicate: 2 / 1
    M1       A     新材料     2    2023-02-01 (day)    2023-08-01 (day) —           6 / 6 (member of a batch)
    P7       B     —          3    —                   2023-07-01 (day) —           first reported as started
    P9       B     —          1    2023 (year)         2023-12 (month)  —           12 / 11
    P10      A     电子信息   4    2024-01-10 (day)    —                —           stalled after 3 months
    batch    A     —          100  2023-02-01          (not counted: only projects have a follow-through)
    rejected A     电子信息   50   2023-01-01          (not counted: rejected)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.ingest import store_parse
from projects import follow_through, timeline
from projects.filters import ProjectFilter
from projects.models import Project, ProjectEvent
from projects.services import merge_and_confirm, refresh_project_timeline, save_project_edit
from tests.dashboard_factories import batch, yuan
from tests.factories import make_event, make_project, make_zone
from tests.test_admin_curation import change_form_data
from tests.test_ingest import bulletin, parsed

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2024, 6, 30)
D, M, Y = "day", "month", "year"


def make(zone, yi, industry, *events, status="confirmed", **fields) -> Project:
    """A project with these (stage, date, precision) events, its date and stage derived from them
    as the review services derive them."""
    first = events[0] if events else ("signed", None, "")
    project = make_project(
        zone, amount=yuan(yi), amount_yuan=yuan(yi), industry=industry, review_status=status,
        stage=first[0], date=first[1], date_precision=first[2], **fields,
    )
    for stage, date, precision in events:
        make_event(project, stage, date, precision)
    refresh_project_timeline(project)
    return project


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # its writes' data version, as committed
        return build_world()


def build_world() -> dict:
    a = make_zone("甲高新区", province="四川省")
    b = make_zone("乙高新区", province="陕西省")
    w = {"A": a, "B": b}
    w["P1"] = make(a, "10", "电子信息", ("signed", dt.date(2023, 3, 10), D), ("started", dt.date(2023, 9, 1), M))
    w["P2"] = make(a, "5", "新材料", ("signed", dt.date(2023, 6, 1), M), ("started", dt.date(2024, 1, 1), Y),
                   ("operating", dt.date(2025, 3, 15), D))
    w["P3"] = make(b, "20", "电子信息", ("signed", dt.date(2023, 1, 5), D), ("started", dt.date(2023, 2, 20), D),
                   ("operating", dt.date(2024, 1, 1), M))
    w["P4"] = make(b, "30", "电子信息", ("signed", dt.date(2022, 11, 1), D))
    w["P5"] = make(a, "8", "新材料", ("signed", dt.date(2023, 4, 1), D))
    duplicate = make(a, "8", "新材料", ("started", dt.date(2023, 5, 15), D), status="candidate")
    merge_and_confirm(duplicate, w["P5"])
    signing = batch(a, "100", dt.date(2023, 2, 1))
    w["M1"] = make(a, "2", "新材料", ("signed", dt.date(2023, 2, 1), D), ("started", dt.date(2023, 8, 1), D),
                   batch=signing)
    w["P7"] = make(b, "3", "", ("started", dt.date(2023, 7, 1), D))
    w["P9"] = make(b, "1", "", ("signed", dt.date(2023, 1, 1), Y), ("started", dt.date(2023, 12, 1), M))
    w["P10"] = make(a, "4", "电子信息", ("signed", dt.date(2024, 1, 10), D))
    make(a, "50", "电子信息", ("signed", dt.date(2023, 1, 1), D), status="rejected")
    for name in ("P1", "P2", "P3", "P4", "P5", "M1", "P7", "P9", "P10"):
        w[name].refresh_from_db()
    return w


def run(query: str = "", **kwargs) -> follow_through.FollowThrough:
    return follow_through.for_filter(ProjectFilter(QueryDict(query)), as_of=AS_OF, **kwargs)


def amount(count: int, yi: str) -> dict:
    return {"count": count, "amount_yuan": str(yuan(yi))}


# --- the dates ----------------------------------------------------------------------------------


def test_within_n_months_counts_only_when_certain(world):
    lags = {name: (world[name].months_to_start_max, world[name].months_to_start)
            for name in ("P1", "P2", "P3", "P5", "M1", "P9")}
    assert lags == {
        "P1": (7, 5),  # 2023-09-30 is after 2023-03-10 + 6 months; the stored 2023-09-01 is 5 months on
        "P2": (19, 7),  # 2024-12-31 ≤ 2023-06-01 + 19 months
        "P3": (2, 1),
        "P5": (2, 1),  # the start came with the merged duplicate
        "M1": (6, 6),  # 2023-08-01 is exactly 6 months after 2023-02-01
        "P9": (12, 11),  # signed "2023" (from 2023-01-01), started "2023-12" (by 2023-12-31)
    }
    assert (world["P2"].operating_on, world["P3"].operating_on) == (dt.date(2025, 3, 15), dt.date(2024, 1, 1))
    assert (world["P7"].signed_on, world["P7"].started_on) == (None, dt.date(2023, 7, 1))
    assert world["P4"].started_on is None and world["P4"].followed_up is False


def test_a_start_before_the_signing_is_not_its_start():
    zone = make_zone()
    project = make(zone, "1", "", ("signed", dt.date(2023, 6, 15), D), ("started", dt.date(2023, 5, 1), M))
    project.refresh_from_db()
    assert (project.started_on, project.months_to_start_max, project.followed_up) == (None, None, True)
    same_month = make(zone, "1", "", ("signed", dt.date(2023, 6, 15), D), ("started", dt.date(2023, 6, 1), M))
    same_month.refresh_from_db()  # "2023-06" may be after the 15th: it counts, from month 1 on
    assert (same_month.started_on, same_month.months_to_start_max, same_month.months_to_start) == (
        dt.date(2023, 6, 1), 1, 0)


def test_month_arithmetic_at_the_end_of_a_month():
    assert timeline.add_months(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)
    assert timeline.months_needed(dt.date(2023, 1, 31), dt.date(2023, 2, 28)) == 1
    assert timeline.months_needed(dt.date(2023, 1, 31), dt.date(2023, 3, 1)) == 2
    assert timeline.whole_months(dt.date(2023, 1, 31), dt.date(2023, 2, 28)) == 1
    assert timeline.last_day(dt.date(2024, 2, 1), M) == dt.date(2024, 2, 29)


# --- the figures ----------------------------------------------------------------------------------


def test_the_total(world):
    data = run().as_json()
    total = data["total"]
    assert total["signed"] == amount(8, "80")  # P1 P2 P3 P4 P5 M1 P9 P10; not the batch, not rejected
    assert total["started_within"] == {
        "6": amount(3, "30"),  # P3 P5 M1
        "12": amount(5, "41"),  # + P1 P9
        "24": amount(6, "46"),  # + P2
    }
    assert total["started_within_share"] == {"6": 0.375, "12": 0.5125, "24": 0.575}
    assert total["started"] == amount(6, "46")
    assert total["operating"] == amount(2, "25")  # P2 P3
    assert total["started_share"] == 0.575
    assert total["median_months_to_start"] == 5.5  # 1 1 5 6 7 11
    assert data["started_without_signing"] == amount(1, "3")  # P7, in no signed figure
    assert data["stalled"] == {"months": 12, **amount(1, "30")}  # P4


def test_zones_are_ranked_by_signed_amount_and_provinces_follow_them(world):
    data = run().as_json()
    assert [(z["zone"]["short_name"], z["signed"], z["started"], z["operating"]) for z in data["zones"]] == [
        ("乙高新区", amount(3, "51"), amount(2, "21"), amount(1, "20")),
        ("甲高新区", amount(5, "29"), amount(4, "25"), amount(1, "5")),
    ]
    b, a = data["zones"]
    assert b["started_within"] == {"6": amount(1, "20"), "12": amount(2, "21"), "24": amount(2, "21")}
    assert a["started_within"] == {"6": amount(2, "10"), "12": amount(3, "20"), "24": amount(4, "25")}
    assert (b["median_months_to_start"], a["median_months_to_start"]) == (6.0, 5.5)
    assert (b["started_share"], a["started_share"]) == (round(21 / 51, 4), round(25 / 29, 4))
    assert b["zone"] == {"id": world["B"].pk, "name": world["B"].full_name or "乙高新区",
                         "short_name": "乙高新区", "province": "陕西省", "slug": world["B"].slug}
    assert [(p["province"], p["signed"], p["median_months_to_start"]) for p in data["provinces"]] == [
        ("陕西省", amount(3, "51"), 6.0), ("四川省", amount(5, "29"), 5.5)]


def test_industries_are_ranked_by_signed_amount(world):
    rows = {i["industry"]: i for i in run().as_json()["industries"]}
    assert list(rows) == ["电子信息", "新材料", ""]
    assert (rows["电子信息"]["signed"], rows["电子信息"]["started_within"]["6"]) == (amount(4, "64"), amount(1, "20"))
    assert rows["新材料"]["started_within"] == {"6": amount(2, "10"), "12": amount(2, "10"), "24": amount(3, "15")}
    assert rows[""]["started_within"] == {"6": amount(0, "0"), "12": amount(1, "1"), "24": amount(1, "1")}


def test_cohorts_by_signing_quarter(world):
    cohorts = {c["quarter"]: c for c in run().as_json()["cohorts"]}
    assert list(cohorts) == ["2022Q4", "2023Q1", "2023Q2", "2024Q1"]
    assert cohorts["2022Q4"]["started_share_by_month"] == [0.0] * 21 + [None] * 4  # 2024-07 is after as_of
    q1 = cohorts["2023Q1"]  # P3 20 (2), M1 2 (6), P1 10 (7), P9 1 (12)
    assert q1["signed"] == amount(4, "33")
    s = [0.0, 0.0] + [0.6061] * 4 + [0.6667] + [0.9697] * 5 + [1.0] * 6 + [None] * 7
    assert q1["started_share_by_month"] == s
    q2 = cohorts["2023Q2"]  # P5 8 (2), P2 5 (19); month 15 (2024-07-01) not reached
    assert q2["started_share_by_month"] == [0.0, 0.0] + [0.6154] * 13 + [None] * 10
    assert cohorts["2024Q1"]["started_share_by_month"] == [0.0] * 6 + [None] * 19


def test_the_period_selects_by_signing_month(world):
    data = run("month_from=2023-01&month_to=2023-03").as_json()
    # P3 M1 P1; not P9, signed in "2023" (known to the year: a range holds it only when it
    # covers the whole year, as on the dashboard)
    assert data["total"]["signed"] == amount(3, "32")
    assert data["total"]["started_within"]["6"] == amount(2, "22")
    assert data["started_without_signing"] == amount(0, "0")  # P7 was first reported in July
    assert data["filters"] == {"month_from": "2023-01", "month_to": "2023-03", "review_status": ["confirmed"]}
    assert run("month_from=2023-01&month_to=2023-12").as_json()["total"]["signed"] == amount(6, "46")  # + P9 P2 P5


def test_the_same_filters_as_the_dashboard(world):
    data = run(f"zone={world['A'].slug}&industry=新材料").as_json()
    assert data["total"]["signed"] == amount(3, "15")
    assert [z["zone"]["short_name"] for z in data["zones"]] == ["甲高新区"]
    with_rejected = run("review_status=confirmed&review_status=rejected").as_json()
    assert with_rejected["total"]["signed"] == amount(9, "130")


def test_merged_duplicates_count_once_with_their_events(world):
    assert Project.objects.filter(merged_into=world["P5"]).count() == 1
    assert list(world["P5"].events.values_list("stage", flat=True).order_by("date")) == ["signed", "started"]
    assert world["P5"].started_on == dt.date(2023, 5, 15)
    data = run("review_status=confirmed&review_status=candidate").as_json()
    assert data["total"]["signed"] == amount(8, "80")  # the duplicate was a candidate: still not counted


def test_stalled_projects_largest_first(world):
    def names(**kwargs):
        return [p.pk for p in follow_through.stalled(ProjectFilter(QueryDict()), as_of=AS_OF, **kwargs)]

    assert names() == [world["P4"].pk]
    assert names(months=3) == [world["P4"].pk, world["P10"].pk]  # 30亿, then 4亿
    assert names(months=24) == []  # P4 was signed 20 months before
    assert run(stalled_months=3).as_json()["stalled"] == {"months": 3, **amount(2, "34")}


# --- keeping the timeline -------------------------------------------------------------------------


def test_an_edit_of_the_signing_date_moves_the_figures(world):
    p1 = Project.objects.get(pk=world["P1"].pk)
    p1.date = dt.date(2023, 8, 1)
    save_project_edit(p1, changed=["date"])
    p1.refresh_from_db()
    assert (p1.signed_on, p1.months_to_start_max, p1.months_to_start) == (dt.date(2023, 8, 1), 2, 1)
    assert run().as_json()["total"]["started_within"]["6"] == amount(4, "40")


def test_deleting_the_start_event_takes_the_start_away(world):
    world["P3"].events.get(stage="started").delete()
    p3 = Project.objects.get(pk=world["P3"].pk)
    assert (p3.started_on, p3.months_to_start_max, p3.followed_up) == (None, None, True)  # still operating


def test_a_save_of_a_stale_instance_does_not_write_the_timeline_back(world):
    stale = Project.objects.get(pk=world["P4"].pk)
    make_event(stale, "started", dt.date(2023, 1, 3))
    stale.name = "改名"
    stale.save()
    stale.refresh_from_db()
    assert (stale.started_on, stale.months_to_start_max, stale.name) == (dt.date(2023, 1, 3), 3, "改名")


def test_ingested_projects_have_their_timeline():
    store_parse(bulletin(), parsed())
    project = Project.objects.get()
    assert (project.signed_on, project.signed_precision, project.started_on) == (dt.date(2023, 5, 16), D, None)


def test_refresh_timelines_recomputes_from_the_events(world):
    Project.objects.update(signed_on=None, started_on=None, months_to_start_max=None, followed_up=False)
    out = StringIO()
    call_command("refresh_timelines", stdout=out)
    assert f"timelines refreshed: {Project.objects.count()} projects" in out.getvalue()
    assert run().as_json()["total"]["started_within"]["12"] == amount(5, "41")
    assert ProjectEvent.objects.filter(project=world["P5"]).count() == 2
    assert Decimal(run().as_json()["total"]["signed"]["amount_yuan"]) == yuan("80")


def test_events_added_in_the_admin_make_the_timeline(client_as):
    admin = client_as("admin")
    project = make_project(make_zone(), review_status="confirmed")
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = change_form_data(admin.get(url))
    data.update({"events-TOTAL_FORMS": "2",
                 "events-0-stage": "signed", "events-0-date": "2023-01-10", "events-0-date_precision": "day",
                 "events-1-stage": "started", "events-1-date": "2023-03-01", "events-1-date_precision": "month"})
    response = admin.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    project.refresh_from_db()
    assert (project.date, project.signed_on, project.started_on, project.months_to_start_max) == (
        dt.date(2023, 1, 10), dt.date(2023, 1, 10), dt.date(2023, 3, 1), 3)

    start = project.events.get(stage="started")
    event_url = reverse("admin:projects_projectevent_change", args=[start.pk])
    response = admin.post(event_url, {"project": project.pk, "stage": "started", "date": "2023-12-01",
                                      "date_precision": "year", "note": ""})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.started_on, project.months_to_start_max) == (dt.date(2023, 12, 1), 12)  # by 2023-12-31
    admin.post(reverse("admin:projects_projectevent_delete", args=[start.pk]), {"post": "yes"})
    project.refresh_from_db()
    assert (project.started_on, project.stage) == (None, "signed")


def test_a_repeated_question_is_answered_from_the_cache_until_the_data_changes(
        world, django_capture_on_commit_callbacks):
    cache.clear()
    first = run().as_json()
    with CaptureQueriesContext(connection) as context:
        again = run().as_json()
    assert again == first
    assert len(context) == 1  # the data version: no aggregate
    # The token changes when a write commits (here: when the test's commit hooks run).
    with django_capture_on_commit_callbacks(execute=True):
        make_event(world["P4"], "started", dt.date(2023, 1, 3))  # an event's save changes the version
    assert run().as_json()["total"]["started"] == amount(7, "76")
    zone = world["B"]
    zone.province = "甘肃省"
    with django_capture_on_commit_callbacks(execute=True):
        zone.save()  # so does a zone's
    assert [p["province"] for p in run().as_json()["provinces"]] == ["甘肃省", "四川省"]
    with django_capture_on_commit_callbacks(execute=True):
        Project.objects.filter(pk=world["P10"].pk).get().delete()  # and a project's
    assert run().as_json()["total"]["signed"] == amount(7, "76")


def test_without_the_cache_the_figures_are_the_same(world, settings):
    cached = run().as_json()
    settings.FOLLOW_THROUGH_CACHE_SECONDS = 0
    assert run().as_json() == cached
