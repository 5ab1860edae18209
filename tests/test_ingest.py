"""Writing a parse to the database: one transaction, reviewed work kept on re-parse, no twins."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from articles.ingest import store_parse
from articles.models import Article, Bulletin, Mention, StoredFile
from articles.parsing.types import (
    Amount,
    BatchFact,
    EventDate,
    ParsedArticle,
    ParsedBulletin,
    ProjectFact,
    SourceInfo,
)
from projects.models import Batch, Project, ProjectEvent, ReviewStatus
from projects.services import set_review_status
from zones.models import Zone

pytestmark = pytest.mark.django_db

TEXT = "5月16日，长沙高新区与湘江精工签约，投资20亿元建设高端数控机床产业园项目。此次共签约项目3个，总投资约35亿元。"


def bulletin(data: bytes = b"page") -> Bulletin:
    sha = hashlib.sha256(data).hexdigest()
    stored = StoredFile.objects.create(sha256=sha, size=len(data), data=data)
    return Bulletin.objects.create(
        publication="测试周报", issue_date=dt.date(2023, 5, 19), file=stored, sha256=sha, size=len(data)
    )


def parsed(*, project_zone: str = "长沙高新区", amount: str = "2000000000", name="高端数控机床产业园项目"):
    quote = TEXT[: TEXT.index("。") + 1]
    batch_quote = TEXT[len(quote) :]
    article = ParsedArticle(
        index=0,
        title="长沙高新区签约",
        subtitle=None,
        byline="本报讯（记者 林晓）",
        text=TEXT,
        zones=["长沙高新区", "长沙未知产业园区"],
        projects=[
            ProjectFact(
                name=name,
                zone=project_zone,
                investor="湘江精工",
                amount=Amount(Decimal(amount), "CNY", False, "投资20亿元"),
                stage="signed",
                date=EventDate(2023, 5, 16),
                quote=quote,
                quote_start=0,
                quote_end=len(quote),
                jobs=300,
                industry="高端装备",
            )
        ],
        batches=[
            BatchFact(
                zone="长沙高新区",
                count=3,
                amount=Amount(Decimal("3500000000"), "CNY", True, "总投资约35亿元"),
                date=EventDate(2023, 5),
                quote=batch_quote,
                quote_start=len(quote),
                quote_end=len(TEXT),
            )
        ],
    )
    source = SourceInfo(
        path="x.txt",
        sha256="0" * 64,
        format="txt",
        encoding="utf-8",
        issue_date="2023-05-19",
        parser_version="test",
    )
    return ParsedBulletin(source=source, articles=[article])


def test_a_parse_becomes_articles_candidates_events_and_quotes():
    target = bulletin()
    summary = store_parse(target, parsed())

    assert (summary.articles, summary.projects, summary.batches) == (1, 1, 1)
    article = Article.objects.get(bulletin=target)
    assert {z.short_name for z in article.zones.all()} == {"长沙高新区", "长沙未知产业园区"}
    assert Zone.objects.get(short_name="长沙未知产业园区").verified is False
    project = Project.objects.get()
    assert project.review_status == ReviewStatus.CANDIDATE
    assert (project.amount_yuan, project.date, project.date_precision) == (
        Decimal("2000000000.00"),
        dt.date(2023, 5, 16),
        "day",
    )
    assert project.zone.short_name == "长沙高新区" and project.jobs == 300
    event = ProjectEvent.objects.get(project=project)
    assert (event.stage, event.mentions.get().article_id) == ("signed", article.pk)
    mention = Mention.objects.get(project=project)
    assert TEXT[mention.start : mention.end] == mention.quote
    batch = Batch.objects.get()
    assert (batch.project_count, batch.approximate, batch.date_precision) == (3, True, "month")


def test_parsing_again_replaces_candidates_without_twins():
    target = bulletin()
    store_parse(target, parsed())
    store_parse(target, parsed())
    assert Project.objects.count() == 1
    assert Batch.objects.count() == 1
    assert Article.objects.filter(bulletin=target).count() == 1


def test_parsing_again_keeps_what_editors_confirmed_and_attaches_the_new_quote():
    target = bulletin()
    store_parse(target, parsed())
    confirmed = Project.objects.get()
    set_review_status([confirmed], ReviewStatus.CONFIRMED)
    rejected_batch = Batch.objects.get()
    set_review_status([rejected_batch], ReviewStatus.REJECTED)

    summary = store_parse(target, parsed())

    assert summary.attached_to_reviewed == 2
    assert list(Project.objects.all()) == [confirmed]
    assert list(Batch.objects.all()) == [rejected_batch]
    confirmed.refresh_from_db()
    assert confirmed.review_status == ReviewStatus.CONFIRMED
    assert confirmed.mentions.get().article.bulletin == target
    assert rejected_batch.mentions.count() == 1


def test_a_write_that_fails_half_way_leaves_nothing(monkeypatch):
    import articles.ingest as ingest

    target = bulletin()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest, "_link_members", explode)  # after batches, projects and events are written
    with pytest.raises(RuntimeError):
        store_parse(target, parsed())
    assert Article.objects.count() == 0
    assert Project.objects.count() == 0
    assert Mention.objects.count() == 0


def test_a_foreign_amount_is_counted_in_yuan_at_that_years_rate():
    target = bulletin()
    data = parsed(amount="150000000")
    data.articles[0].projects[0].amount = Amount(Decimal("150000000"), "USD", False, "1.5亿美元")
    store_parse(target, data)
    project = Project.objects.get()
    assert project.currency == "USD"
    assert project.amount == Decimal("150000000")
    assert project.amount_yuan == Decimal("1057005000.00")  # 1.5亿 × 7.0467, the seeded 2023 rate


def test_parsing_again_links_a_confirmed_projects_event_to_the_new_article():
    target = bulletin()
    store_parse(target, parsed())
    project = Project.objects.get()
    set_review_status([project], ReviewStatus.CONFIRMED)
    history_before = ProjectEvent.history.count()

    store_parse(target, parsed())

    event = project.events.get()
    assert event.mentions.get().article == Article.objects.get(bulletin=target)
    assert project.mentions.get().event == event
    assert ProjectEvent.history.count() == history_before  # the quote is the link: the event is unchanged


def many_projects(n: int) -> ParsedBulletin:
    """One article with `n` new projects (and as many batches), each in a known zone."""
    data = parsed()
    article = data.articles[0]
    project, batch = article.projects[0], article.batches[0]
    article.projects = [
        dataclasses.replace(project, name=f"第{i}号数控机床产业园项目", investor=f"湘江精工{i}号")
        for i in range(n)
    ]
    article.batches = [dataclasses.replace(batch, count=i + 1) for i in range(n)]
    return data


def store_parse_queries(n: int, sha: bytes) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    target = bulletin(sha)
    with CaptureQueriesContext(connection) as ctx:
        store_parse(target, many_projects(n))
    return len(ctx.captured_queries)


def test_the_write_does_not_grow_in_queries_per_project():
    store_parse(bulletin(b"warm"), parsed())  # zones and currency rates known, as in a real run
    # Both fit in one INSERT on SQLite (999 bound parameters: 33 project rows of 30 columns);
    # beyond that the queries grow by one per chunk of rows, not per project.
    fifteen = store_parse_queries(15, b"fifteen")
    thirty = store_parse_queries(30, b"thirty")
    assert thirty == fifteen, (fifteen, thirty)
    assert (
        Project.objects.filter(
            mentions__article__bulletin__sha256=hashlib.sha256(b"thirty").hexdigest()
        ).count()
        == 30
    )


def test_a_bulk_write_leaves_one_history_row_per_record_and_the_rollup_in_step():
    from projects.rollup import rollup_drift

    target = bulletin()
    data = many_projects(5)
    data.articles[0].projects[1].amount = Amount(Decimal("150000000"), "USD", False, "1.5亿美元")
    store_parse(target, data)
    assert Project.objects.count() == 5 and Batch.objects.count() == 5
    for model in (Project, ProjectEvent, Batch):
        for obj in model.objects.all():
            rows = list(
                model.history.filter(id=obj.pk).values_list(
                    "history_type", "history_change_reason", "history_user"
                )
            )
            assert rows == [("+", None, None)], (model, rows)
    assert Project.objects.get(currency="USD").amount_yuan == Decimal("1057005000.00")
    assert rollup_drift() == []
    # The search document is what a save computes, and search finds the records by it.
    from articles.search import filter_articles
    from projects.search import filter_projects

    assert filter_projects(Project.objects.all(), "数控机床 湘江精工3号").count() == 1
    assert filter_articles(Article.objects.all(), "长沙高新区签约").count() == 1
    stored = list(Project.objects.order_by("id").values_list("search_document", flat=True))
    article = Article.objects.get()
    saved_article = Article(bulletin=bulletin(b"copy"), position=0, title=article.title, text=article.text)
    saved_article.save()
    saved = [Project(name=p.name, investor=p.investor) for p in Project.objects.order_by("id")]
    for project in saved:
        project.save()
    assert (
        list(
            Project.objects.filter(pk__in=[p.pk for p in saved])
            .order_by("id")
            .values_list("search_document", flat=True)
        )
        == stored
    )
    assert (
        Article.objects.filter(pk__in=[article.pk, saved_article.pk])
        .values("search_document")
        .distinct()
        .count()
        == 1
    )
    Project.objects.filter(pk__in=[p.pk for p in saved]).delete()
    store_parse(target, data)  # again: candidates replaced, rollup still right
    assert Project.objects.count() == 5 and rollup_drift() == []


# --- through the path an editor takes: upload, the task, "parse again" -------------------------


def history_matches_rows(model) -> None:
    """Every row has one "+" history row holding its values (what a save would have left)."""
    tracked = [field.attname for field in model.history.model.tracked_fields]
    for row in model.objects.values(*tracked):
        created = list(model.history.filter(id=row["id"], history_type="+").values(*tracked))
        assert created == [row], model


def test_upload_and_parse_again_leave_the_rows_history_and_rollup_of_saves_and_deletes(
    client, make_user, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from projects.rollup import rollup_drift
    from tests.fault_tools import clean_parse_counts, db_counts, generated_page, log_in, upload

    editor = log_in(client, make_user("editor"))
    data = generated_page(4, tag="批") + ("\n长沙高新区集中签约\n\n本报讯 " + TEXT + "\n").encode()
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(editor, data).status_code == 302  # → on_commit → the task (eager) → store_parse
    bulletin = Bulletin.objects.get()
    assert bulletin.status == "parsed", bulletin.error
    expected = clean_parse_counts(data)
    assert expected["batches"] >= 1 and db_counts() == expected
    for model in (Project, ProjectEvent, Batch):
        history_matches_rows(model)
    assert rollup_drift() == []
    first = {model: set(model.objects.values_list("pk", flat=True)) for model in (Project, ProjectEvent, Batch)}
    confirmed = Project.objects.filter(zone__short_name="长沙高新区").first()
    set_review_status([confirmed], ReviewStatus.CONFIRMED)

    with django_capture_on_commit_callbacks(execute=True):
        assert editor.post(reverse("bulletin-reparse", args=[bulletin.pk])).status_code == 302
    bulletin.refresh_from_db()
    assert bulletin.status == "parsed", bulletin.error
    attached = Mention.objects.filter(project=confirmed).count()  # its facts found again: no twins
    assert attached >= 1
    twins_avoided = attached - 1
    assert db_counts() == {**expected, "projects": expected["projects"] - twins_avoided,
                           "events": expected["events"] - twins_avoided}
    assert Project.objects.filter(pk=confirmed.pk, review_status="confirmed").exists()
    for model in (Project, ProjectEvent, Batch):
        gone = first[model] - set(model.objects.values_list("pk", flat=True))
        deleted = model.history.filter(history_type="-")
        assert set(deleted.values_list("id", flat=True)) == gone and deleted.count() == len(gone), model
        for row in deleted.values("id", *(f.attname for f in model.history.model.tracked_fields if f.attname != "id")):
            created = model.history.filter(id=row["id"], history_type="+").values(*row).get()
            assert row == created  # deleted as stored: "-" holds the values "+" held
    assert Project.history.filter(id=confirmed.pk, history_type="-").count() == 0
    assert rollup_drift() == []


def test_parsing_again_sets_free_what_was_merged_into_or_grouped_under_a_candidate():
    """A record merged into a candidate, or a project in a candidate batch, counts again once the
    candidate is deleted (SET_NULL): the rollup cells the delete signals would mark are marked."""
    from projects.rollup import rollup_drift
    from tests.factories import make_project

    target = bulletin()
    store_parse(target, parsed())
    candidate, batch = Project.objects.get(), Batch.objects.get()
    zone = Zone.objects.get(short_name="长沙高新区")
    merged = make_project(zone=zone, review_status="confirmed", merged_into=candidate, date=dt.date(2021, 1, 5))
    member = make_project(zone=zone, review_status="confirmed", batch=batch, date=dt.date(2020, 2, 2))
    merged_batch = Batch.objects.create(zone=zone, review_status="confirmed", merged_into=batch,
                                        date=dt.date(2019, 3, 3), amount_yuan=Decimal("5"))
    assert rollup_drift() == []

    store_parse(target, parsed())

    merged.refresh_from_db()
    member.refresh_from_db()
    merged_batch.refresh_from_db()
    assert (merged.merged_into_id, member.batch_id, merged_batch.merged_into_id) == (None, None, None)
    assert not Project.objects.filter(pk=candidate.pk).exists()
    assert rollup_drift() == []


def test_a_reviewed_quote_the_parser_no_longer_reads_a_fact_from_is_kept_where_its_words_stand():
    """The parser of the new parse reads no project from the sentence any more, but the sentence is
    still in the article: the confirmed project keeps that quote (and its event), no twin, no loss."""
    target = bulletin()
    store_parse(target, parsed())
    confirmed = Project.objects.get()
    set_review_status([confirmed], ReviewStatus.CONFIRMED)
    before = Mention.objects.get(project=confirmed)
    without = parsed()
    without.articles[0].projects.clear()

    summary = store_parse(target, without)

    assert (summary.projects, summary.quotes_kept, summary.quotes_lost) == (0, 1, 0)
    kept = Mention.objects.get(project=confirmed)
    assert (kept.quote, kept.start, kept.end, kept.extracted) == (before.quote, before.start, before.end,
                                                                 before.extracted)
    assert kept.article.bulletin == target and kept.event == confirmed.events.get()
    assert list(Project.objects.all()) == [confirmed]


def test_a_reviewed_quote_cleaned_slightly_otherwise_is_still_found_in_its_article():
    """The new parse's sentence differs by a few characters (cleaned otherwise) and its zone and
    name were corrected by an editor: the same record, by the nearly-same quote in the same article."""
    target = bulletin()
    store_parse(target, parsed())
    confirmed = Project.objects.get()
    confirmed.name, confirmed.zone = "湘江精工机床基地", Zone.objects.get(short_name="株洲高新区")
    confirmed.review_status = ReviewStatus.CONFIRMED
    confirmed.save()
    again = parsed()
    fact = again.articles[0].projects[0]
    again.articles[0].projects[0] = dataclasses.replace(fact, quote=fact.quote.replace("，投资", "，计划投资"),
                                                        quote_end=fact.quote_end + 2)

    summary = store_parse(target, again)

    assert (summary.projects, summary.attached_to_reviewed) == (0, 1)
    assert list(Project.objects.all()) == [confirmed]
    assert "计划投资" in confirmed.mentions.get().quote


def test_two_facts_of_one_sentence_go_back_to_their_own_records():
    """One sentence, two projects (the same quote): each reviewed record takes the fact the parser
    read for it before (its earlier reading, `Mention.extracted`), whatever an editor renamed."""
    target = bulletin()
    first = parsed()
    fact = first.articles[0].projects[0]
    twin = dataclasses.replace(fact, name="精密轴承项目", investor="洞庭轴承")
    first.articles[0].projects.append(twin)
    store_parse(target, first)
    machine, bearing = (Project.objects.get(name=n) for n in ("高端数控机床产业园项目", "精密轴承项目"))
    for project, new_name in ((machine, "机床A"), (bearing, "轴承B")):
        project.name, project.review_status = new_name, ReviewStatus.CONFIRMED
        project.save()
    again = parsed()
    again.articles[0].projects[:] = [twin, fact]  # the parser now reads them in the other order

    store_parse(target, again)

    assert Project.objects.count() == 2
    assert machine.mentions.get().extracted["name"] == "高端数控机床产业园项目"
    assert bearing.mentions.get().extracted["name"] == "精密轴承项目"
