"""Writes one parse of a bulletin to the database, in one transaction.

Re-running it (after the parser improves) replaces the bulletin's unreviewed
candidates and keeps what editors decided: a fact read from the quote of a record
kept from this bulletin (reviewed, or quoted by another bulletin too) gets its new quote
attached to that record instead of a new twin — found by the quote, not by the zone and
name an editor may have corrected (`articles.quote_match`). The record keeps the editor's
values. A kept record's old quote that no fact was read from any more is attached again where
its words still stand in the new text; a record whose words are gone is kept as it is,
without a quote from this issue (never deleted: it is editors' work; `check_integrity`
lists it among the records without evidence).

Projects that belong to a batch of their article (`articles.batch_members`) are linked to
it, so that the batch and its members are not both counted; on a re-parse too, where a
reviewed project that belongs to no batch is linked to the batch found again.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.parsing.pipeline import gc_paused
from articles.parsing.types import BatchFact, EventDate, ParsedArticle, ParsedBulletin, ProjectFact
from projects import rollup, timeline
from projects.dedup import name_similarity
from projects.models import Batch, Project, ProjectEvent, ReviewStatus
from projects.money import to_yuan
from projects.timeline import own_event, timeline_fields
from zones.matching import resolve_zone

from . import bulk_write, review_state
from .batch_members import member_links, unmatched_names
from .bulk_write import Row
from .models import Article, Bulletin, Mention
from .quote_match import OldQuote, QuoteIndex

log = logging.getLogger(__name__)


class NoArticles(Exception):
    """The parse found no article in the file: nothing is written (a parse before it, if any,
    stays as it was) and the parse fails with the reason (`articles.refusals.explain_no_articles`),
    rather than a bulletin "parsed" with nothing in it."""

    def __init__(self, file_format: str):
        super().__init__(f"no articles found in the {file_format or 'unknown'} file")
        self.file_format = file_format


@dataclass
class IngestSummary:
    articles: int = 0
    projects: int = 0
    batches: int = 0
    attached_to_reviewed: int = 0
    quotes_kept: int = 0  # old quotes of kept records attached again where their words still stand
    quotes_lost: int = 0  # old quotes of kept records whose words are gone from the new text


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


class _Pending:
    """The rows of one parse not yet written: gathered in parse order (plain dicts, see
    `articles.bulk_write`), then inserted in bulk — articles, projects, events, batches, quotes
    and article-zone links — so that every table receives its rows in the order of the parse.
    A row points at a row of another table through the other row itself (its id is known once
    that row is written: `_resolve`)."""

    def __init__(self):
        self.articles: list[Row] = []
        self.projects: list[Row] = []
        self.events: list[Row] = []
        self.batches: list[Row] = []
        self.mentions: list[Row] = []
        self.article_zones: list[Row] = []
        # Events of reviewed projects that a quote of this parse reports again.
        self.quoted_events: set[int] = set()
        # Reviewed projects (in no batch) that belong to a batch of this parse.
        self.reviewed_members: list[tuple[Project, Row]] = []
        # Member names a batch lists that name no project of its article: (zone id, names, batch).
        self.named_members: list[tuple[int | None, list[str], Row]] = []


@gc_paused()  # the write makes a few hundred thousand rows
@transaction.atomic
@rollup.deferred()  # the totals rollup: each touched zone-month recomputed once, at the end
def store_parse(bulletin: Bulletin, parsed: ParsedBulletin) -> IngestSummary:
    """Replace the bulletin's articles and candidates with this parse; keep reviewed records.

    Written in bulk (a fixed number of queries per thousand rows): the same rows, history
    rows (one "+" per project, event and batch, as a save would leave) and rollup cells
    as saving each object would give. A parse without articles is refused (`NoArticles`)."""
    if not parsed.articles:
        raise NoArticles(parsed.source.format)
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if bulletin.issue_date is None and parsed.source.issue_date:  # read from the page's date line
        bulletin.issue_date = dt.date.fromisoformat(parsed.source.issue_date)
        bulletin.save(update_fields=["issue_date"])
    kept_projects, kept_batches, old_quotes = _drop_unreviewed(bulletin)
    quotes = QuoteIndex(old_quotes)
    found = _find_kept(parsed, quotes, kept_projects, kept_batches)
    summary = IngestSummary()
    zone_cache: dict = {}
    rates: dict = {}  # currency → {year: yuan per unit}, read once per ingest
    fallback_year = bulletin.issue_date.year if bulletin.issue_date else None
    pending = _Pending()
    for at, parsed_article in enumerate(parsed.articles):
        article = _article(bulletin, parsed_article)
        pending.articles.append(article)
        summary.articles += 1
        _link_zones(article, parsed_article, zone_cache, pending)
        # The batches first (a member project points at its batch), stored in parse order below.
        reviewed_of_batch = [found.get(("batch", at, index)) for index in range(len(parsed_article.batches))]
        batch_rows = [
            _stored(reviewed[0]) if reviewed is not None else _batch(fact, zone_cache, fallback_year, rates)
            for fact, reviewed in zip(parsed_article.batches, reviewed_of_batch, strict=True)
        ]
        members = member_links(parsed_article)
        for batch_index, names in unmatched_names(parsed_article).items():
            zone_id = _zone_id(parsed_article.batches[batch_index].zone, zone_cache)
            pending.named_members.append((zone_id, names, batch_rows[batch_index]))
        for index, fact in enumerate(parsed_article.projects):
            batch = batch_rows[members[index]] if index in members else None
            if ("project", at, index) in found:
                reviewed, old = found[("project", at, index)]
                if batch is not None and reviewed.batch_id is None:
                    pending.reviewed_members.append((reviewed, batch))
                event = _reported_event(reviewed, fact.stage, old, pending)
                mention = _mention(
                    article, Mention.Kind.PROJECT, fact, project=_stored(reviewed), event=_stored(event)
                )
                pending.mentions.append(mention)
                summary.attached_to_reviewed += 1
                continue
            _store_project(article, fact, zone_cache, fallback_year, pending, rates, batch)
            summary.projects += 1
        for fact, reviewed, batch in zip(parsed_article.batches, reviewed_of_batch, batch_rows, strict=True):
            pending.mentions.append(_mention(article, Mention.Kind.BATCH, fact, batch=batch))
            if reviewed is not None:
                summary.attached_to_reviewed += 1
                continue
            pending.batches.append(batch)
            summary.batches += 1
    _keep_left_quotes(bulletin, quotes.left(), pending, summary)
    _write_pending(pending)
    timeline.touch()  # the bulk writes send no signals: the follow-through's cached figures are old
    bulletin.format = parsed.source.format
    bulletin.encoding = parsed.source.encoding or ""
    bulletin.parser_version = parsed.source.parser_version
    bulletin.heartbeat_at = timezone.now()  # the write held the row: no beat landed meanwhile
    bulletin.save(update_fields=["format", "encoding", "parser_version", "heartbeat_at"])
    review_state.refresh_bulletins([bulletin.pk])  # the bulk inserts sent no signal
    return summary


def _stored(record) -> Row | None:
    """A reference to a row already in the database (a reviewed record, its event)."""
    return None if record is None else {"id": record.pk}


def _resolve(rows: list[Row], *links: str) -> list[Row]:
    """Replace each link to another row (`"project": row`) by its id (`"project_id"`)."""
    for row in rows:
        for link in links:
            target = row.pop(link)
            row[f"{link}_id"] = None if target is None else target["id"]
    return rows


def _write_pending(pending: _Pending) -> None:
    """Insert the gathered rows; mark the rollup cells their saves would have marked."""
    # `bulk_write.insert` writes the "+" history row a save would (the same user: the
    # request's, if any; no change reason); the post_save signals that keep the rollup do
    # not fire for a bulk insert, so their cells are marked here (inside the deferred block).
    # The search documents are computed while the rows stream in (`prepare`).
    bulk_write.insert(Article, pending.articles, prepare=Article.add_document)
    bulk_write.insert(Batch, pending.batches)
    bulk_write.insert(Project, _resolve(pending.projects, "batch"), prepare=Project.add_document)
    bulk_write.insert(ProjectEvent, _resolve(pending.events, "project"))
    _link_members(pending)
    rollup.mark(
        rollup.project_keys(row["zone_id"], row["date"]) for row in (*pending.projects, *pending.batches)
    )
    mentions = _resolve(pending.mentions, "article", "project", "event", "batch")
    bulk_write.insert(Mention, mentions, ids=False)
    bulk_write.insert(Article.zones.through, _resolve(pending.article_zones, "article"), ids=False)


def _drop_unreviewed(bulletin: Bulletin) -> tuple[list[Project], list[Batch], list[OldQuote]]:
    """Delete this bulletin's candidates and articles; return the records kept (reviewed, or
    quoted by another bulletin too) and their quotes from this bulletin as they were.

    In bulk (`bulk_write.delete`: the same rows go, with the same "-" history rows); the
    rollup cells the delete signals would have marked are marked here: the records' own,
    and those of the records that a deleted one sets free (merged into it, or members of a
    deleted batch), which count again."""
    mentions = Mention.objects.filter(article__bulletin=bulletin)
    project_ids = mentions.exclude(project=None).values("project_id")  # subqueries, not id lists
    batch_ids = mentions.exclude(batch=None).values("batch_id")
    elsewhere = Bulletin.objects.exclude(pk=bulletin.pk)
    candidates = Project.objects.filter(
        pk__in=project_ids, review_status=ReviewStatus.CANDIDATE, merged_into__isnull=True
    ).exclude(mentions__article__bulletin__in=elsewhere)
    candidate_batches = Batch.objects.filter(
        pk__in=batch_ids, review_status=ReviewStatus.CANDIDATE, merged_into__isnull=True
    ).exclude(mentions__article__bulletin__in=elsewhere)
    # Locked and read again (batches first, each in id order: the review actions' order), so that
    # a record an editor confirms meanwhile is waited for and then, no longer a candidate, kept:
    # read without the lock, it was deleted after the editor's confirm had committed.
    doomed = {
        model: list(rows.select_for_update(of=("self",)).order_by("pk").values_list("pk", "zone_id", "date"))
        for model, rows in ((Batch, candidate_batches), (Project, candidates))
    }
    touched = {rollup.project_keys(zone_id, day) for rows in doomed.values() for _pk, zone_id, day in rows}
    for model, rows in doomed.items():
        freed = bulk_write.delete(model, [pk for pk, _zone_id, _day in rows]).cleared
        for record_model in (Project, Batch):  # merged into a deleted record, or its members
            for chunk in bulk_write.chunks(sorted(freed.get(record_model, ()))):
                records = record_model.objects.filter(pk__in=chunk).values_list("zone_id", "date")
                touched.update(rollup.project_keys(zone_id, day) for zone_id, day in records)
    rollup.mark(touched)
    # What is still quoted here after the delete (a deleted record's quotes went with it).
    kept_projects = list(Project.objects.filter(pk__in=project_ids).select_related("zone"))
    kept_batches = list(Batch.objects.filter(pk__in=batch_ids).select_related("zone"))
    old_quotes = [
        OldQuote(kind, project_id or batch_id, event_id, position, quote, start, end, extracted)
        for kind, project_id, batch_id, event_id, position, quote, start, end, extracted in mentions.filter(
            Q(project__isnull=False) | Q(batch__isnull=False)
        ).values_list("kind", "project_id", "batch_id", "event_id", "article__position", "quote", "start",
                      "end", "extracted").order_by("article__position", "start", "pk")
    ]
    # Their quotes go with the articles and are attached again from the new parse; their events
    # keep their dates and get the new quote when the same fact is found again (_reported_event).
    bulk_write.delete(Article, list(bulletin.articles.values_list("pk", flat=True)))
    return kept_projects, kept_batches, old_quotes


def _find_kept(
    parsed: ParsedBulletin, quotes: QuoteIndex, projects: list[Project], batches: list[Batch]
) -> dict[tuple[str, int, int], tuple]:
    """The kept record each fact was read from: `(kind, article at, fact index)` → (record, the
    old quote it took or None). By quote first (`articles.quote_match`), over the whole issue;
    then by zone and name, only to records none of whose quotes was found again."""
    found: dict[tuple[str, int, int], tuple] = {}
    by_id = {"project": {p.pk: p for p in projects}, "batch": {b.pk: b for b in batches}}
    left: list[tuple[str, int, int, ProjectFact | BatchFact]] = []
    for at, article in enumerate(parsed.articles):
        for kind, facts in (("batch", article.batches), ("project", article.projects)):
            for index, fact in enumerate(facts):
                old = quotes.take(kind, article.index, fact)
                if old is not None and old.record_id in by_id[kind]:
                    found[(kind, at, index)] = (by_id[kind][old.record_id], old)
                else:
                    left.append((kind, at, index, fact))
    unquoted_projects = [p for p in projects if p.pk not in quotes.found_again("project")]
    unquoted_batches = [b for b in batches if b.pk not in quotes.found_again("batch")]
    for kind, at, index, fact in left:
        if kind == "project":
            record = _match(fact.name or "", fact.zone, unquoted_projects)
        else:
            record = _match_batch(fact, unquoted_batches)
        if record is not None:
            found[(kind, at, index)] = (record, None)
    return found


def _keep_left_quotes(
    bulletin: Bulletin, left: list[OldQuote], pending: _Pending, summary: IngestSummary
) -> None:
    """Old quotes of kept records that no fact of this parse was read from: attached again where
    their words stand in the new text (the article at the same position first), so the record
    keeps its evidence; a record whose words are gone keeps everything else (logged)."""
    articles = {row["position"]: row for row in pending.articles}
    quoted = {  # where each record is quoted by this parse already (found by zone and name)
        (row["kind"], (row["project"] or row["batch"] or {}).get("id"), id(row["article"]), row["start"])
        for row in pending.mentions
    }
    for old in left:
        place = _find_words(old, articles)
        if place is not None and (old.kind, old.record_id, id(place[0]), place[1]) in quoted:
            continue  # the same words, quoted for the same record by a fact of this parse
        if place is None:
            summary.quotes_lost += 1
            log.warning("bulletin %s: the quote of %s %s is no longer in the text; the record is kept",
                        bulletin.pk, old.kind, old.record_id)
            continue
        article, start = place
        event = None
        if old.event_id is not None and old.event_id not in pending.quoted_events:
            pending.quoted_events.add(old.event_id)
            event = {"id": old.event_id}
        record = {"id": old.record_id}
        pending.mentions.append({
            "article": article, "kind": old.kind, "quote": old.quote, "start": start,
            "end": start + len(old.quote), "extracted": old.extracted,
            "project": record if old.kind == Mention.Kind.PROJECT else None, "event": event,
            "batch": record if old.kind == Mention.Kind.BATCH else None,
        })
        summary.quotes_kept += 1


def _find_words(old: OldQuote, articles: dict[int, Row]) -> tuple[Row, int] | None:
    same = articles.get(old.position)
    ordered = ([same] if same is not None else []) + [row for row in articles.values() if row is not same]
    for article in ordered:
        start = article["text"].find(old.quote)
        if start >= 0:
            return article, start
    return None


def _reported_event(
    project: Project, stage: str, old: OldQuote | None, pending: _Pending
) -> ProjectEvent | None:
    """The event the new quote reports: the one its old quote reported, else one of this stage
    that no quote reports any more (`_unquoted_event`)."""
    if old is not None and old.event_id is not None and old.event_id not in pending.quoted_events:
        event = project.events.filter(pk=old.event_id).first()
        if event is not None:
            pending.quoted_events.add(event.pk)
            return event
    return _unquoted_event(project, stage, pending)


def _unquoted_event(project: Project, stage: str, pending: _Pending) -> ProjectEvent | None:
    """The project's event of this stage that no quote reports any more (its article was
    replaced; no earlier quote of this parse took it): the new quote reports it."""
    unquoted = project.events.filter(mentions__isnull=True, stage=stage).exclude(pk__in=pending.quoted_events)
    event = unquoted.order_by("date", "id").first()
    if event is not None:
        pending.quoted_events.add(event.pk)
    return event


def _article(bulletin: Bulletin, item: ParsedArticle) -> Row:
    return {
        "bulletin_id": bulletin.pk,
        "position": item.index,
        "title": (item.title or "")[:500],
        "subtitle": (item.subtitle or "")[:500],
        "byline": (item.byline or "")[:255],
        "text": item.text,
    }


def _link_zones(article: Row, parsed: ParsedArticle, zone_cache: dict, pending: _Pending) -> None:
    """The article's zones (what `article.zones.set()` would store: each zone once)."""
    seen: set[int] = set()
    for name in parsed.zones:
        zone = resolve_zone(name, zone_cache)
        if zone is not None and zone.pk not in seen:
            seen.add(zone.pk)
            pending.article_zones.append({"article": article, "zone_id": zone.pk})


def _zone_id(name: str | None, zone_cache: dict) -> int | None:
    zone = resolve_zone(name, zone_cache)
    return None if zone is None else zone.pk


def _link_members(pending: _Pending) -> None:
    """Link the reviewed projects found to belong to a new batch, and the known projects a
    batch names that its article does not report: only a project of the batch's zone with
    exactly that name, in no batch, not merged or rejected, and only when one is (saved one by
    one: each link is in the project's history and moves its rollup cells)."""
    for project, batch in pending.reviewed_members:
        project.batch_id = batch["id"]
        project._change_reason = "member of a batch of a new parse"
        project.save(update_fields=["batch", "updated_at"])  # never a stale copy of the rest
    for zone_id, names, batch in pending.named_members:
        if zone_id is None:
            continue
        known = Project.objects.filter(
            zone_id=zone_id, name__in=names, batch__isnull=True, merged_into__isnull=True
        ).exclude(review_status=ReviewStatus.REJECTED)
        by_name: dict[str, list[Project]] = {}
        for project in known:
            by_name.setdefault(project.name, []).append(project)
        for found in by_name.values():
            if len(found) == 1:
                found[0].batch_id = batch["id"]
                found[0]._change_reason = "named by a batch of a new parse"
                found[0].save(update_fields=["batch", "updated_at"])


def _store_project(
    article: Row,
    fact: ProjectFact,
    zone_cache: dict,
    fallback_year: int | None,
    pending: _Pending,
    rates: dict,
    batch: Row | None = None,
) -> None:
    year = fact.date.year if fact.date else fallback_year
    project = {
        "name": (fact.name or fact.quote[:60])[:255],
        "zone_id": _zone_id(fact.zone, zone_cache),
        "investor": (fact.investor or "")[:255],
        "industry": (fact.industry or "")[:32],
        "stage": fact.stage if fact.stage in ("signed", "started", "operating") else "other",
        "jobs": fact.jobs,
        "batch": batch,
        **event_date_fields(fact.date),
        **money_fields(fact.amount, year, rates),
    }
    # A new project has exactly this one event, with the project's own stage and date: its
    # timeline (services.refresh_project_timeline) is the project's date and stage as they
    # are, so there is nothing to refresh; its follow-through timeline is that one event's.
    event = {"project": project, "stage": project["stage"], **event_date_fields(fact.date)}
    project.update(timeline_fields(own_event(event["stage"], event["date"], event["date_precision"])))
    pending.projects.append(project)
    pending.events.append(event)
    pending.mentions.append(_mention(article, Mention.Kind.PROJECT, fact, project=project, event=event))


def _batch(fact: BatchFact, zone_cache: dict, fallback_year: int | None, rates: dict) -> Row:
    """A new batch's row (appended to the pending batches by the caller, in parse order)."""
    year = fact.date.year if fact.date else fallback_year
    return {
        "zone_id": _zone_id(fact.zone, zone_cache),
        "project_count": fact.count,
        **event_date_fields(fact.date),
        **money_fields(fact.amount, year, rates),
    }


def _mention(
    article: Row,
    kind: str,
    fact: ProjectFact | BatchFact,
    project: Row | None = None,
    event: Row | None = None,
    batch: Row | None = None,
) -> Row:
    """A quote's row, its links still rows (resolved to ids by `_write_pending`)."""
    return {
        "article": article,
        "kind": kind,
        "quote": fact.quote,
        "start": max(fact.quote_start, 0),
        "end": max(fact.quote_end, 0),
        "extracted": fact_to_json(fact),
        "project": project,
        "event": event,
        "batch": batch,
    }


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
        data.update(count=fact.count, members=list(fact.members))
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
