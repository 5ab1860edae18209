"""`timeline.refresh` / `backfill` write exactly what `timeline_fields` derives (projects/bulk_write).

The write is a hand-built `UPDATE … FROM (VALUES …)`, so each value kind is pinned here on the
backend the suite runs on (SQLite and PostgreSQL in CI): dates, each precision, NULL dates and
lags, empty precisions, both booleans; and the same through a migration's historical models.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from projects import timeline
from projects.models import Project, ProjectEvent
from tests.factories import make_event, make_project, make_zone

pytestmark = pytest.mark.django_db

D, M, Y = "day", "month", "year"
JUNK = {
    "signed_on": dt.date(1999, 1, 1), "signed_precision": D, "started_on": dt.date(1999, 1, 1),
    "started_precision": D, "operating_on": dt.date(1999, 1, 1), "operating_precision": D,
    "months_to_start": 99, "months_to_start_max": 99, "followed_up": True,
}


def world() -> list[Project]:
    zone = make_zone()
    cases = [
        # signed (day), started (month), operating (year): every precision and both lags
        [("signed", dt.date(2023, 3, 10), D), ("started", dt.date(2023, 9, 1), M),
         ("operating", dt.date(2025, 1, 1), Y)],
        # signed (month), started (year): lag 7, needed 19
        [("signed", dt.date(2023, 6, 1), M), ("started", dt.date(2024, 1, 1), Y)],
        # signed (year) only: NULL start, NULL lags, not followed up
        [("signed", dt.date(2023, 1, 1), Y)],
        # started only: NULL signing, NULL lags, followed up
        [("started", dt.date(2023, 7, 1), D)],
        # an undated event: no dates at all
        [("signed", None, "")],
    ]
    projects = []
    for events in cases:
        stage, date, precision = events[0]
        project = make_project(zone, stage=stage, date=date, date_precision=precision)
        for stage, date, precision in events:
            make_event(project, stage, date, precision)
        projects.append(project)
    projects.append(make_project(zone, stage="signed", date=dt.date(2022, 5, 1), date_precision=M))  # no events
    return projects


def expected(project: Project) -> dict:
    events = [timeline.Event(*row) for row in ProjectEvent.objects.filter(project=project)
              .values_list(*timeline.READ)]
    return timeline.timeline_fields(events or timeline.own_event(project.stage, project.date, project.date_precision))


def stored(project: Project) -> dict:
    return Project.objects.filter(pk=project.pk).values(*timeline.TIMELINE_FIELDS).get()


def test_refresh_writes_exactly_the_derived_fields():
    projects = world()
    want = {project.pk: expected(project) for project in projects}
    assert {value["signed_precision"] for value in want.values()} >= {D, M, Y, ""}
    assert any(value["months_to_start"] is None for value in want.values())
    assert {value["followed_up"] for value in want.values()} == {True, False}
    Project.objects.filter(pk__in=want).update(**JUNK)

    timeline.refresh(list(want))

    assert {project.pk: stored(project) for project in projects} == want
    assert want[projects[0].pk]["months_to_start"] == 5 and want[projects[0].pk]["months_to_start_max"] == 7
    assert want[projects[1].pk]["months_to_start"] == 7 and want[projects[1].pk]["months_to_start_max"] == 19


def test_backfill_with_historical_models_in_small_chunks(monkeypatch):
    projects = world()
    want = {project.pk: expected(project) for project in projects}
    Project.objects.filter(pk__in=want).update(**JUNK)
    apps = MigrationExecutor(connection).loader.project_state(("projects", "0013_project_timeline")).apps
    monkeypatch.setattr(timeline, "CHUNK", 4)  # several chunks, the last one short

    count = timeline.backfill(models=(apps.get_model("projects", "Project"), apps.get_model("projects", "ProjectEvent")))

    assert count == Project.objects.count()
    assert {project.pk: stored(project) for project in projects} == want
