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

from articles.parsing.types import BatchFact, EventDate, ParsedArticle, ParsedBulletin, ProjectFact
from projects import rollup
from projects.dedup import name_similarity
from projects.models import Batch, Project, ProjectEvent, ReviewStatus
from projects.money import to_yuan
from projects.services import refresh_project_timeline
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


def money_fields(amount, year: int | None) -> dict:
    if amount is None:
        return {}
    return {
        "amount": amount.value,
        "amount_max": amount.value_max,
        "currency": amount.currency,
        "amount_yuan": to_yuan(amount.value, amount.currency, year),
        "amount_text": amount.text[:128],
        "approximate": amount.approximate,
    }


@transaction.atomic
@rollup.deferred()  # the totals rollup: each touched zone-month recomputed once, at the end
def store_parse(bulletin: Bulletin, parsed: ParsedBulletin) -> IngestSummary:
    """Replace the bulletin's articles and candidates with this parse; keep reviewed records."""
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    reviewed_projects, reviewed_batches = _drop_unreviewed(bulletin)
    summary = IngestSummary()
    zone_cache: dict = {}
    fallback_year = bulletin.issue_date.year if bulletin.issue_date else None
    for parsed_article in parsed.articles:
        article = _store_article(bulletin, parsed_article, zone_cache)
        summary.articles += 1
        for fact in parsed_article.projects:
            reviewed = _match(fact.name or "", fact.zone, reviewed_projects)
            if reviewed is not None:
                event = _relink_event(reviewed, article, fact.stage)
                _mention(article, Mention.Kind.PROJECT, fact, project=reviewed, event=event)
                summary.attached_to_reviewed += 1
                continue
            _store_project(article, fact, zone_cache, fallback_year)
            summary.projects += 1
        for fact in parsed_article.batches:
            reviewed = _match_batch(fact, reviewed_batches)
            if reviewed is not None:
                _mention(article, Mention.Kind.BATCH, fact, batch=reviewed)
                summary.attached_to_reviewed += 1
                continue
            _store_batch(article, fact, zone_cache, fallback_year)
            summary.batches += 1
    bulletin.format = parsed.source.format
    bulletin.encoding = parsed.source.encoding or ""
    bulletin.parser_version = parsed.source.parser_version
    bulletin.save(update_fields=["format", "encoding", "parser_version"])
    return summary


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


def _store_article(bulletin: Bulletin, parsed: ParsedArticle, zone_cache: dict) -> Article:
    article = Article.objects.create(
        bulletin=bulletin,
        position=parsed.index,
        title=(parsed.title or "")[:500],
        subtitle=(parsed.subtitle or "")[:500],
        byline=(parsed.byline or "")[:255],
        text=parsed.text,
    )
    zones = [resolve_zone(name, zone_cache) for name in parsed.zones]
    article.zones.set([zone for zone in zones if zone is not None])
    return article


def _store_project(article: Article, fact: ProjectFact, zone_cache: dict, fallback_year: int | None) -> None:
    year = fact.date.year if fact.date else fallback_year
    project = Project.objects.create(
        name=(fact.name or fact.quote[:60])[:255],
        zone=resolve_zone(fact.zone, zone_cache),
        investor=(fact.investor or "")[:255],
        industry=(fact.industry or "")[:32],
        stage=fact.stage if fact.stage in ("signed", "started", "operating") else "other",
        jobs=fact.jobs,
        **event_date_fields(fact.date),
        **money_fields(fact.amount, year),
    )
    event = ProjectEvent.objects.create(
        project=project, stage=project.stage, article=article, **event_date_fields(fact.date)
    )
    _mention(article, Mention.Kind.PROJECT, fact, project=project, event=event)
    refresh_project_timeline(project)


def _store_batch(article: Article, fact: BatchFact, zone_cache: dict, fallback_year: int | None) -> None:
    year = fact.date.year if fact.date else fallback_year
    batch = Batch.objects.create(
        zone=resolve_zone(fact.zone, zone_cache),
        project_count=fact.count,
        **event_date_fields(fact.date),
        **money_fields(fact.amount, year),
    )
    _mention(article, Mention.Kind.BATCH, fact, batch=batch)


def _mention(article: Article, kind: str, fact: ProjectFact | BatchFact, **links) -> Mention:
    return Mention.objects.create(
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
