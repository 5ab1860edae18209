"""Bulk inserts and deletes (articles/bulk_write.py) leave the rows and history rows that saving
or deleting each object leaves. Run on SQLite and on PostgreSQL (COPY and server-side history
there): every assertion compares the bulk path with Django's per-object path on the same data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from articles import bulk_write
from articles.models import Article, Mention
from projects.models import Batch, Project, ProjectEvent
from projects.timeline import own_event, timeline_fields
from tests.factories import make_article, make_batch, make_event, make_project, make_zone

pytestmark = pytest.mark.django_db

MOMENTS = {"id", "history_id", "history_date", "created_at", "updated_at"}  # differ by nature


def history(model, kind: str) -> list[dict]:
    rows = model.history.model.objects.filter(history_type=kind).order_by("id", "history_id").values()
    return [{k: v for k, v in row.items() if k not in MOMENTS} for row in rows]


def stored(model, ids) -> list[dict]:
    rows = model.objects.filter(pk__in=ids).order_by("pk").values()
    return [{k: v for k, v in row.items() if k not in MOMENTS} for row in rows]


def project_rows(zone) -> list[dict]:
    """Rows as the ingest gathers them: some fields given, the others left to their defaults."""
    return [
        {"name": "湘江精工数控机床产业园项目", "zone_id": zone.pk, "investor": "湘江精工", "jobs": 300,
         "amount": Decimal("2000000000"), "amount_yuan": Decimal("2000000000.00"), "amount_text": "20亿元",
         "date": dt.date(2023, 5, 16), "date_precision": "day", "search_document": "'湘' '湘江'"},
        {"name": "SolarEdge 逆变器", "zone_id": None, "stage": "started", "currency": "USD",
         "amount": Decimal("150000000"), "amount_yuan": None, "approximate": True},
        {"name": "无金额项目"},
    ]


def history_of(model, ids) -> list[dict]:
    rows = model.history.model.objects.filter(id__in=ids).order_by("id", "history_id").values()
    return [{k: v for k, v in row.items() if k not in MOMENTS} for row in rows]


def test_insert_stores_what_saving_each_object_stores():
    zone = make_zone()
    article = make_article()
    saved = []
    for row in project_rows(zone):
        project = Project(**row)
        # computes its own search document and timeline (the ingest hands the bulk rows the same)
        project.save()
        saved.append(project.pk)
    rows = [{**row, "search_document": Project.objects.get(pk=pk).search_document,
             **timeline_fields(own_event(row.get("stage", "signed"), row.get("date"), row.get("date_precision", "")))}
            for row, pk in zip(project_rows(zone), saved, strict=True)]
    bulk_write.insert(Project, rows)
    inserted = [row["id"] for row in rows]
    assert stored(Project, inserted) == stored(Project, saved)

    events = [{"project_id": pk, "stage": "signed", "date": dt.date(2023, 5, 1), "date_precision": "month"}
              for pk in inserted]
    bulk_write.insert(ProjectEvent, events)
    for pk in saved:
        ProjectEvent(project_id=pk, stage="signed", date=dt.date(2023, 5, 1), date_precision="month").save()
    quote = "引号'与\\反斜杠\t和换行\n"  # what COPY's text format must escape
    extracted = {"amount": {"value": "2000000000", "approximate": False}, "name": "项目", "jobs": None}
    bulk_write.insert(Mention, [{"article_id": article.pk, "kind": "project", "quote": quote, "start": 0,
                                 "end": 9, "extracted": extracted, "project_id": pk} for pk in inserted], ids=False)
    for pk in saved:
        Mention(article=article, kind="project", quote=quote, start=0, end=9, extracted=extracted,
                project_id=pk).save()
    fields = ("quote", "extracted", "kind", "start", "end", "event_id", "batch_id")
    assert list(Mention.objects.filter(project_id__in=inserted).order_by("project_id").values(*fields)) == list(
        Mention.objects.filter(project_id__in=saved).order_by("project_id").values(*fields)
    )

    # One "+" history row each, as a save leaves: the same values but the ids and the moments.
    def without_ids(rows):
        return [{k: v for k, v in r.items() if k not in ("id", "project_id")} for r in rows]

    assert len(history_of(Project, inserted)) == 3
    assert without_ids(history_of(Project, inserted)) == without_ids(history_of(Project, saved))
    event_ids = [row["id"] for row in events]
    saved_events = list(ProjectEvent.objects.filter(project_id__in=saved).values_list("pk", flat=True))
    assert len(history_of(ProjectEvent, event_ids)) == 3
    assert without_ids(history_of(ProjectEvent, event_ids)) == without_ids(history_of(ProjectEvent, saved_events))


def test_inserted_rows_get_their_ids_and_prepare_runs_on_each_row_first():
    rows = [{"name": f"项目{i}", "investor": "某公司"} for i in range(5)]
    prepared = []

    def prepare(row):
        prepared.append(row["name"])
        row["search_document"] = "'项' '项目'"

    bulk_write.insert(Project, rows, prepare=prepare)
    assert prepared == [row["name"] for row in rows]
    assert [Project.objects.get(pk=row["id"]).name for row in rows] == prepared
    assert Project.history.filter(id__in=[row["id"] for row in rows], history_type="+").count() == 5


@pytest.mark.parametrize("kind", ["+", "-"])
def test_server_side_history_rows_are_simple_historys_rows(kind, make_user):
    """`record_history` writes what simple-history writes: for "+" what `bulk_create_with_history`
    writes, for "-" what deleting an object writes (post_delete), the request's user included."""
    user = make_user("editor")
    zone = make_zone()
    request = type("Request", (), {"user": user})()
    HistoricalRecords.context.request = request
    try:
        projects = [Project(name=f"项目{i}", zone=zone, investor="某公司", jobs=i, date=dt.date(2023, 1, 2))
                    for i in range(4)]
        bulk_create_with_history(projects, Project)
        ids = [p.pk for p in projects]
        if kind == "+":
            theirs = history(Project, "+")
            Project.history.model.objects.all().delete()
            bulk_write.record_history(Project, ids, "+")
            ours = history(Project, "+")
        else:
            with transaction.atomic():
                for project in Project.objects.filter(pk__in=ids):
                    project.delete()
                theirs = history(Project, "-")
                transaction.set_rollback(True)
            bulk_write.record_history(Project, ids, "-")
            ours = history(Project, "-")
    finally:
        del HistoricalRecords.context.request
    assert len(ours) == 4 and ours == theirs
    assert {row["history_user_id"] for row in ours} == {user.pk}
    assert {row["history_change_reason"] for row in ours} == {None}


def world() -> dict:
    """Candidates with everything that points at them: events, quotes (one through an event), a
    project merged into one, a batch with a member project and a batch merged into it."""
    zone, other_zone = make_zone(), make_zone()
    article = make_article()
    doomed = make_project(zone=zone)
    also = make_project(zone=other_zone, date=dt.date(2022, 8, 1))
    event = make_event(doomed, "signed", dt.date(2022, 6, 28))
    make_event(also, "started", None)
    Mention.objects.create(article=article, kind="project", quote="q", start=0, end=1, project=doomed, event=event)
    kept = make_project(zone=other_zone, review_status="confirmed")
    Mention.objects.create(article=article, kind="project", quote="q", start=0, end=1, project=kept, event=event)
    merged = make_project(zone=other_zone, merged_into=doomed, date=dt.date(2021, 3, 3))
    batch = make_batch(zone=zone)
    member = make_project(zone=other_zone, batch=batch, date=dt.date(2020, 1, 1))
    merged_batch = make_batch(zone=other_zone, merged_into=batch)
    Mention.objects.create(article=article, kind="batch", quote="b", start=0, end=1, batch=batch)
    return {"projects": [doomed.pk, also.pk], "batches": [batch.pk], "kept": [kept.pk, merged.pk, member.pk],
            "merged_batch": merged_batch.pk}


def snapshot() -> dict:
    return {
        "projects": stored(Project, Project.objects.values("pk")),
        "events": stored(ProjectEvent, ProjectEvent.objects.values("pk")),
        "batches": stored(Batch, Batch.objects.values("pk")),
        "mentions": stored(Mention, Mention.objects.values("pk")),
        "history": {m.__name__: history(m, "-") for m in (Project, ProjectEvent, Batch)},
    }


def test_a_bulk_delete_leaves_what_queryset_delete_leaves():
    ids = world()
    with transaction.atomic():
        Project.objects.filter(pk__in=ids["projects"]).delete()
        Batch.objects.filter(pk__in=ids["batches"]).delete()
        by_django = snapshot()
        transaction.set_rollback(True)
    assert by_django["history"]["Project"] and by_django["history"]["ProjectEvent"]
    done = bulk_write.delete(Project, ids["projects"])
    assert done.cleared[Project] == {ids["kept"][1]}  # merged into a deleted project: set free
    done = bulk_write.delete(Batch, ids["batches"])
    assert done.cleared == {Project: {ids["kept"][2]}, Batch: {ids["merged_batch"]}}
    assert snapshot() == by_django


def test_a_bulk_delete_takes_many_to_many_links_and_refuses_rules_it_does_not_know():
    article = make_article()
    article.zones.add(make_zone(), make_zone())
    make_article(article.bulletin, position=99).zones.add(make_zone())
    bulk_write.delete(Article, [article.pk])
    assert Article.zones.through.objects.count() == 1 and not Article.objects.filter(pk=article.pk).exists()
    from zones.models import Zone

    with pytest.raises(NotImplementedError):  # projects PROTECT their zone
        bulk_write.delete(Zone, [Zone.objects.filter(projects__isnull=False).values_list("pk", flat=True).first()
                                 or make_project(zone=make_zone()).zone_id])


def test_id_conditions_stay_within_the_databases_limits():
    conditions = list(bulk_write.matching(connection, "id", range(2000)))
    if connection.vendor == "postgresql":
        assert conditions == [("id = ANY(%s)", [list(range(2000))])]
    else:
        assert [len(params) for _sql, params in conditions] == [900, 900, 200]
    assert list(bulk_write.matching(connection, "id", [])) == []


def test_a_refused_copy_tells_the_editor_the_reason_not_the_row():
    from django.db import DatabaseError

    from articles.tasks import failure_message

    exc = DatabaseError('injected fault\nCONTEXT:  PL/pgSQL function f() line 1 at RAISE\n'
                        'COPY articles_mention, line 1: "207\tproject\t5月1日，某某"')
    message = failure_message(exc)
    assert "injected fault" in message and "PL/pgSQL" in message
    assert "COPY articles_mention" not in message and "5月1日" not in message
