"""Writes one parse of a bulletin to the database, in one transaction.

Re-running it (after the parser improves) replaces the bulletin's unreviewed
candidates and keeps what editors decided: a fact that matches a project or
batch already reviewed from this bulletin gets its quote attached to that
record instead of a new twin.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from articles.parsing.types import BatchFact, EventDate, ParsedArticle, ParsedBulletin, ProjectFact
from projects import rollup
from projects.dedup import name_similarity
from projects.models import Batch, Project, ProjectEvent, ReviewStatus
from projects.money import to_yuan
from projects.search import document
from zones.matching import resolve_zone

from .models import Article, Bulletin, Mention


@dataclass
class IngestSummary:
    articles: int = 0
    projects: int = 0
    batches: int = 0
    attached_to_reviewed: int = 0


def event_date_fields(date: EventDate | None) -> dict:
    """Model fields for a parsed date: the first day it covers and its precision."""
    if date is None:
        return {"date": None, "date_precision": ""}
    return {
        "date": dt.date(date.year, date.month or 1, date.day or 1),
        "date_precision": date.precision,
    }


def money_fields(amount, year: int | None, rates: dict | None = None) -> dict:
    if amount is None:
        return {}
    return {
        "amount": amount.value,
        "amount_max": amount.value_max,
        "currency": amount.currency,
        "amount_yuan": to_yuan(amount.value, amount.currency, year, rates),
        "amount_text": amount.text[:128],
        "approximate": amount.approximate,
    }


BATCH_SIZE = 1000


class _Pending:
    """The rows of one parse not yet written: gathered in parse order, then inserted in bulk
    (articles first, then projects, events, batches, quotes and article-zone links), so that
    every table receives its rows in the order the per-object saves used to write them."""

    def __init__(self):
        self.projects: list[Project] = []
        self.events: list[ProjectEvent] = []
        self.batches: list[Batch] = []
        self.mentions: list[Mention] = []
        self.article_zones: list = []


@transaction.atomic
@rollup.deferred()  # the totals rollup: each touched zone-month recomputed once, at the end
def store_parse(bulletin: Bulletin, parsed: ParsedBulletin) -> IngestSummary:
    """Replace the bulletin's articles and candidates with this parse; keep reviewed records.

    Written in bulk (a fixed number of queries per thousand rows): the same rows, history
    rows (one "+" per project, event and batch, as a save would leave) and rollup cells
    as saving each object would give."""
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    reviewed_projects, reviewed_batches = _drop_unreviewed(bulletin)
    summary = IngestSummary()
    zone_cache: dict = {}
    rates: dict = {}  # currency → {year: yuan per unit}, read once per ingest
    fallback_year = bulletin.issue_date.year if bulletin.issue_date else None
    articles = _store_articles(bulletin, parsed.articles)
    pending = _Pending()
    for article, parsed_article in zip(articles, parsed.articles, strict=True):
        summary.articles += 1
        _link_zones(article, parsed_article, zone_cache, pending)
        for fact in parsed_article.projects:
            reviewed = _match(fact.name or "", fact.zone, reviewed_projects)
            if reviewed is not None:
                event = _relink_event(reviewed, article, fact.stage)
                mention = _mention(article, Mention.Kind.PROJECT, fact, project=reviewed, event=event)
                pending.mentions.append(mention)
                summary.attached_to_reviewed += 1
                continue
            _store_project(article, fact, zone_cache, fallback_year, pending, rates)
            summary.projects += 1
        for fact in parsed_article.batches:
            reviewed = _match_batch(fact, reviewed_batches)
            if reviewed is not None:
                pending.mentions.append(_mention(article, Mention.Kind.BATCH, fact, batch=reviewed))
                summary.attached_to_reviewed += 1
                continue
            _store_batch(article, fact, zone_cache, fallback_year, pending, rates)
            summary.batches += 1
    _write_pending(pending)
    bulletin.format = parsed.source.format
    bulletin.encoding = parsed.source.encoding or ""
    bulletin.parser_version = parsed.source.parser_version
    bulletin.save(update_fields=["format", "encoding", "parser_version"])
    return summary


def _write_pending(pending: _Pending) -> None:
    """Insert the gathered rows; mark the rollup cells their saves would have marked."""
    # Simple-history's bulk utility writes the "+" history row a save would (the same user:
    # the request's, if any; no change reason); the post_save signals that keep the rollup
    # do not fire for a bulk insert, so their cells are marked here (inside the deferred block).
    bulk_create_with_history(pending.projects, Project, batch_size=BATCH_SIZE)
    for event in pending.events:
        event.project_id = event.project.pk
    bulk_create_with_history(pending.events, ProjectEvent, batch_size=BATCH_SIZE)
    bulk_create_with_history(pending.batches, Batch, batch_size=BATCH_SIZE)
    rollup.mark(
        rollup.project_keys(record.zone_id, record.date) for record in (*pending.projects, *pending.batches)
    )
    for mention in pending.mentions:
        mention.project_id = mention.project.pk if mention.project is not None else None
        mention.event_id = mention.event.pk if mention.event is not None else None
        mention.batch_id = mention.batch.pk if mention.batch is not None else None
    Mention.objects.bulk_create(pending.mentions, batch_size=BATCH_SIZE)
    Article.zones.through.objects.bulk_create(pending.article_zones, batch_size=BATCH_SIZE)


def _drop_unreviewed(bulletin: Bulletin) -> tuple[list[Project], list[Batch]]:
    """Delete this bulletin's candidates and articles; return the reviewed records to keep."""
    mentions = Mention.objects.filter(article__bulletin=bulletin)
    project_ids = set(mentions.exclude(project=None).values_list("project_id", flat=True))
    batch_ids = set(mentions.exclude(batch=None).values_list("batch_id", flat=True))
    candidates = Project.objects.filter(
        pk__in=project_ids, review_status=ReviewStatus.CANDIDATE, merged_into__isnull=True
    ).exclude(mentions__article__bulletin__in=Bulletin.objects.exclude(pk=bulletin.pk))
    candidates.delete()
    Batch.objects.filter(
        pk__in=batch_ids, review_status=ReviewStatus.CANDIDATE, merged_into__isnull=True
    ).exclude(mentions__article__bulletin__in=Bulletin.objects.exclude(pk=bulletin.pk)).delete()
    reviewed_projects = list(
        Project.objects.filter(pk__in=project_ids)
        .exclude(review_status=ReviewStatus.CANDIDATE)
        .select_related("zone")
    )
    reviewed_batches = list(
        Batch.objects.filter(pk__in=batch_ids)
        .exclude(review_status=ReviewStatus.CANDIDATE)
        .select_related("zone")
    )
    # Their quotes are re-attached from the new parse; events keep their dates and are
    # linked to the new article when the same fact is found again (see _relink_event).
    for event in ProjectEvent.objects.filter(article__bulletin=bulletin, project__in=reviewed_projects):
        event.article = None
        event._change_reason = "article replaced by a new parse"
        event.save()
    bulletin.articles.all().delete()
    return reviewed_projects, reviewed_batches


def _relink_event(project: Project, article: Article, stage: str) -> ProjectEvent | None:
    """Point the project's event of this stage that lost its article at the new article."""
    event = project.events.filter(article__isnull=True, stage=stage).order_by("date", "id").first()
    if event is not None:
        event.article = article
        event._change_reason = "article of a new parse"
        event.save()
    return event


def _store_articles(bulletin: Bulletin, parsed: list[ParsedArticle]) -> list[Article]:
    articles = []
    for item in parsed:
        article = Article(
            bulletin=bulletin,
            position=item.index,
            title=(item.title or "")[:500],
            subtitle=(item.subtitle or "")[:500],
            byline=(item.byline or "")[:255],
            text=item.text,
        )
        # What Article.save() computes (bulk_create does not call save()).
        article.search_document = document(*(getattr(article, name) for name in Article.SEARCHED_FIELDS))
        articles.append(article)
    return Article.objects.bulk_create(articles, batch_size=BATCH_SIZE)


def _link_zones(article: Article, parsed: ParsedArticle, zone_cache: dict, pending: _Pending) -> None:
    """The article's zones (what `article.zones.set()` would store: each zone once)."""
    through = Article.zones.through
    seen: set[int] = set()
    for name in parsed.zones:
        zone = resolve_zone(name, zone_cache)
        if zone is not None and zone.pk not in seen:
            seen.add(zone.pk)
            pending.article_zones.append(through(article_id=article.pk, zone_id=zone.pk))


def _store_project(
    article: Article,
    fact: ProjectFact,
    zone_cache: dict,
    fallback_year: int | None,
    pending: _Pending,
    rates: dict,
) -> None:
    year = fact.date.year if fact.date else fallback_year
    project = Project(
        name=(fact.name or fact.quote[:60])[:255],
        zone=resolve_zone(fact.zone, zone_cache),
        investor=(fact.investor or "")[:255],
        industry=(fact.industry or "")[:32],
        stage=fact.stage if fact.stage in ("signed", "started", "operating") else "other",
        jobs=fact.jobs,
        **event_date_fields(fact.date),
        **money_fields(fact.amount, year, rates),
    )
    # What Project.save() computes (bulk_create does not call save()).
    project.search_document = document(*(getattr(project, name) for name in Project.SEARCHED_FIELDS))
    # A new project has exactly this one event, with the project's own stage and date: its
    # timeline (services.refresh_project_timeline) is the project's date and stage as they
    # are, so there is nothing to refresh.
    event = ProjectEvent(
        project=project, stage=project.stage, article=article, **event_date_fields(fact.date)
    )
    pending.projects.append(project)
    pending.events.append(event)
    pending.mentions.append(_mention(article, Mention.Kind.PROJECT, fact, project=project, event=event))


def _store_batch(
    article: Article,
    fact: BatchFact,
    zone_cache: dict,
    fallback_year: int | None,
    pending: _Pending,
    rates: dict,
) -> None:
    year = fact.date.year if fact.date else fallback_year
    batch = Batch(
        zone=resolve_zone(fact.zone, zone_cache),
        project_count=fact.count,
        **event_date_fields(fact.date),
        **money_fields(fact.amount, year, rates),
    )
    pending.batches.append(batch)
    pending.mentions.append(_mention(article, Mention.Kind.BATCH, fact, batch=batch))


def _mention(article: Article, kind: str, fact: ProjectFact | BatchFact, **links) -> Mention:
    """An unsaved quote (written in bulk by `_write_pending`)."""
    return Mention(
        article=article,
        kind=kind,
        quote=fact.quote,
        start=max(fact.quote_start, 0),
        end=max(fact.quote_end, 0),
        extracted=fact_to_json(fact),
        **links,
    )


def fact_to_json(fact: ProjectFact | BatchFact) -> dict:
    """What the parser read, kept beside the quote so editors can see what changed on review."""
    amount = fact.amount
    data = {
        "zone": fact.zone,
        "date": fact.date.isoformat() if fact.date else None,
        "amount": None
        if amount is None
        else {
            "value": str(amount.value),
            "currency": amount.currency,
            "approximate": amount.approximate,
            "text": amount.text,
        },
    }
    if isinstance(fact, ProjectFact):
        data.update(
            name=fact.name, investor=fact.investor, stage=fact.stage, jobs=fact.jobs, industry=fact.industry
        )
    else:
        data.update(count=fact.count)
    return data


def _match(name: str, zone_name: str | None, reviewed: list[Project]) -> Project | None:
    for project in reviewed:
        same_zone = zone_name is None or project.zone is None or project.zone.short_name == zone_name
        if same_zone and name_similarity(name, project.name) >= 0.8:
            return project
    return None


def _match_batch(fact: BatchFact, reviewed: list[Batch]) -> Batch | None:
    for batch in reviewed:
        same_zone = fact.zone is None or batch.zone is None or batch.zone.short_name == fact.zone
        same_amount = fact.amount is not None and batch.amount == fact.amount.value
        if same_zone and (same_amount or batch.project_count == fact.count):
            return batch
    return None
