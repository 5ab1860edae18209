"""One review action recomputes only the follow-through cells its record is in (issue: a confirm
took ~400 ms of cell recompute at a million projects, docs/benchmarks.md §8).

The levels kept by month (industry × month) or by zone (zone × industry) are replaced only for
the industry and review status the saved record had and has, not for every project of the
month or zone (`follow_cells._narrowed`): a cell of another industry or status keeps its row
(its id), and the cells stay exact (`drift()` empty) through confirms, rejects and merges of
records in several zones, industries and months, dated, known only to the year, or undated.
Runs on SQLite and on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from projects import follow_cells, rollup
from projects.models import (
    FollowCohortCell,
    FollowIndustryLagCell,
    FollowIndustryMonthCell,
    FollowZoneIndustryCell,
    FollowZoneIndustryLagCell,
    Project,
    ProjectEvent,
)
from tests.factories import make_article, make_bulletin, make_mention, make_project
from zones.models import Zone

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
INDUSTRIES = ["光伏", "储能", "汽车"]
MONTHS = [dt.date(2022, 3, 9), dt.date(2022, 5, 20), dt.date(2023, 1, 1)]
NARROWED = [FollowIndustryMonthCell, FollowIndustryLagCell, FollowCohortCell, FollowZoneIndustryCell,
            FollowZoneIndustryLagCell]


@pytest.fixture
def editor(client_as):
    return client_as("editor")


@pytest.fixture
def world():
    """Projects in three zones × three industries × three months × two review statuses, signed and
    started (so every level has cells), each quoted by an article."""
    zones = list(Zone.objects.filter(merged_into__isnull=True).order_by("pk")[:3])
    article = make_article(make_bulletin())
    mentions = {}
    for z, zone in enumerate(zones):
        for industry in INDUSTRIES:
            for m, day in enumerate(MONTHS):
                for status in ("candidate", "confirmed"):
                    precision = "year" if day.month == 1 else "day"
                    project = make_project(zone, industry=industry, date=day, date_precision=precision,
                                           review_status=status)
                    ProjectEvent.objects.create(project=project, stage="signed", date=day, date_precision="day")
                    ProjectEvent.objects.create(project=project, stage="started",
                                                date=day + dt.timedelta(days=40 + 30 * m), date_precision="day")
                    mentions[(z, industry, m, status)] = make_mention(project, article, quote=project.name)
    undated = make_project(zones[0], industry="光伏", date=None, date_precision="", review_status="candidate")
    mentions["undated"] = make_mention(undated, article, quote=undated.name)
    return {"zones": zones, "mentions": mentions}


def act(client, mention, **data):
    response = client.post(reverse("review-act", args=[mention.pk]), data, **HTMX)
    assert response.status_code == 200
    return response


def ids(model) -> dict[tuple, int]:
    """Each cell's id by its keys (a cell replaced gets a new id)."""
    keys = follow_cells.LEVELS[_level(model)].keys
    return {tuple(row[:-1]): row[-1] for row in model.objects.values_list(*keys, "pk")}


def _level(model) -> str:
    return next(name for name, spec in follow_cells.LEVELS.items() if spec.model == model.__name__)


def test_a_confirm_replaces_only_the_cells_of_its_industry_and_statuses(editor, world):
    assert follow_cells.drift() == []
    before = {model: ids(model) for model in NARROWED}
    act(editor, world["mentions"][(0, "光伏", 1, "candidate")], action="confirm")
    assert follow_cells.drift() == []
    for model in NARROWED:
        keys = follow_cells.LEVELS[_level(model)].keys
        after = ids(model)
        kept = {key for key in before[model] if after.get(key) == before[model][key]}
        for key in before[model]:
            row = dict(zip(keys, key, strict=True))
            ours = (row.get("industry", "光伏") == "光伏" and row["review_status"] in ("candidate", "confirmed")
                    and row.get("zone_id", world["zones"][0].pk) == world["zones"][0].pk
                    and _month(row.get("date")) in (None, dt.date(2022, 5, 1)))
            if not ours:  # another industry, zone or month: not rewritten
                assert key in kept, (model.__name__, row)
        # the confirm's cells themselves are rewritten (and exact, drift above)
        assert len(kept) < len(before[model]), model.__name__


def _month(day):
    if isinstance(day, dt.datetime):
        day = day.date()
    return day


def test_the_cells_stay_exact_through_confirms_rejects_and_merges(editor, world):
    mentions = world["mentions"]
    act(editor, mentions[(0, "光伏", 0, "candidate")], action="confirm")
    act(editor, mentions[(1, "储能", 2, "candidate")], action="reject")  # known only to the year
    act(editor, mentions["undated"], action="confirm")
    assert follow_cells.drift() == [] and rollup.rollup_drift() == []
    # a merge across zone, industry and month: the merged one leaves its cells, the target is confirmed
    target = mentions[(2, "汽车", 1, "candidate")].project
    act(editor, mentions[(0, "储能", 0, "candidate")], action="merge", target=target.pk)
    assert Project.objects.get(pk=mentions[(0, "储能", 0, "candidate")].project_id).merged_into_id == target.pk
    act(editor, mentions[(2, "光伏", 1, "candidate")], action="reject")
    act(editor, mentions[(2, "光伏", 1, "candidate")], action="confirm")
    assert follow_cells.drift() == [] and rollup.rollup_drift() == []
    # an edit of the industry, zone and month (a project save outside the review page)
    project = mentions[(1, "汽车", 0, "confirmed")].project
    project.industry, project.zone, project.date = "光伏", world["zones"][2], dt.date(2022, 5, 2)
    project.save()
    # and a save of one field from a stale copy: the other fields are as the database has them
    stale = Project.objects.get(pk=mentions[(1, "储能", 1, "confirmed")].project_id)
    fresh = Project.objects.get(pk=stale.pk)
    fresh.industry = "汽车"
    fresh.save()
    stale.review_status = "rejected"
    stale.save(update_fields=["review_status"])
    assert follow_cells.drift() == [] and rollup.rollup_drift() == []
