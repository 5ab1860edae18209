"""The review page of an issue: what each article's candidates look like, and the editor's
acts that concern an article as a whole.

An article quotes a record once or several times (and after a merge, two quotes may point at
one project): the page lists each record once per article, with all its quotes, so that an
editor reviews a project once. A batch comes with the article's projects to tick as its
members, and the members it has elsewhere. Likely duplicates of every candidate of the page
come from one bounded query (`projects.dedup.likely_duplicates_of`); the page is one page of
articles (`articles.review_page`), so its work does not grow with the issue. A candidate that reports a later
step of a confirmed one (a 开工 of a project signed earlier) is offered first as "add as an event
of #N" (`projects.dedup.event_offers`): the merge moves its event, with its own date, stage and
quote, to that project, where the follow-through counts it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from projects import rollup
from projects.dedup import event_offers, likely_duplicates_of
from projects.models import Batch, Project, ReviewStatus
from projects.services import StaleRecord, lock, set_review_status, version_of

from .models import Article, Mention


@dataclass
class ReviewItem:
    """One record of an article on the review page, with everything its block shows."""

    mention: Mention  # the first quote: the block's anchor (#mention-N) and its actions' address
    quotes: list[Mention] = field(default_factory=list)
    duplicates: list[tuple[Project, float]] = field(default_factory=list)  # event offers first
    event_targets: set[int] = field(default_factory=set)  # duplicates offered as "add as an event"
    members: list[tuple[Project, bool]] = field(default_factory=list)  # a batch: the article's projects
    members_elsewhere: list[Project] = field(default_factory=list)  # a batch: members from other articles

    @property
    def project(self) -> Project | None:
        return self.mention.project

    @property
    def batch(self) -> Batch | None:
        return self.mention.batch

    @property
    def pending(self) -> bool:
        record = self.project or self.batch
        return record is not None and record.review_status == ReviewStatus.CANDIDATE


def article_mentions(articles: Iterable[Article]) -> dict[int, list[Mention]]:
    """The quotes of these articles with their records (one query)."""
    by_article: dict[int, list[Mention]] = {article.pk: [] for article in articles}
    mentions = Mention.objects.filter(article__in=list(by_article)).select_related(
        "project__zone", "batch__zone", "article"
    ).defer("project__search_document", "article__text", "article__search_document")
    for mention in mentions.order_by("article_id", "start", "pk"):  # not the article's own ordering: no join
        by_article[mention.article_id].append(mention)
    return by_article


def review_items(mentions_by_article: dict[int, list[Mention]]) -> dict[int, list[ReviewItem]]:
    """Each article's records, once each, in the order of their first quote."""
    items: dict[int, list[ReviewItem]] = {}
    for article_id, mentions in mentions_by_article.items():
        seen: dict[tuple[str, int], ReviewItem] = {}
        for mention in mentions:
            key = ("project", mention.project_id) if mention.project_id else ("batch", mention.batch_id or 0)
            if mention.project_id is None and mention.batch_id is None:
                continue
            if key not in seen:
                seen[key] = ReviewItem(mention)
            seen[key].quotes.append(mention)
        items[article_id] = list(seen.values())
    every = [item for article_items in items.values() for item in article_items]
    candidates = [item.project for item in every if item.project and item.pending]
    duplicates = likely_duplicates_of(candidates)
    quoted_batches = Mention.objects.filter(article__in=list(items), batch__isnull=False).values("batch_id")
    linked = Project.objects.filter(batch_id__in=quoted_batches, merged_into__isnull=True)  # always one query
    members: dict[int, list[Project]] = {}
    for project in linked.select_related("zone").defer("search_document").order_by("-amount_yuan", "pk"):
        members.setdefault(project.batch_id, []).append(project)
    for article_items in items.values():
        projects = [item.project for item in article_items if item.project]
        here = {project.pk for project in projects}
        for item in article_items:
            if item.project is not None:
                _suggest(item, duplicates.get(item.project.pk, []))
            elif item.batch is not None:
                item.members = [(project, project.batch_id == item.batch.pk) for project in projects]
                item.members_elsewhere = [p for p in members.get(item.batch.pk, []) if p.pk not in here]
    return items


# Suggestions drawn per candidate. Drawing each one is a form (a third of a big page's time at 1M
# projects: 40 candidates x 5); past the best three the editor has the picker, which searches.
SHOWN_SUGGESTIONS = 3


def _suggest(item: ReviewItem, matches: list[tuple[Project, float]]) -> None:
    """The item's likely duplicates, those it is a later event of first (each part best first),
    the best SHOWN_SUGGESTIONS of them. The offers are chosen among all the matches found, so
    an older project this one reports a later step of is offered even when ranked lower."""
    offers = event_offers(item.project, matches)
    rest = [pair for pair in matches if pair[0].pk not in {match.pk for match, _score in offers}]
    item.duplicates = (offers + rest)[:SHOWN_SUGGESTIONS]
    # the offers drawn (the same rule as dedup.event_targets, on what the page shows)
    item.event_targets = {match.pk for match, _score in offers[:SHOWN_SUGGESTIONS]}


def article_items(article: Article) -> list[ReviewItem]:
    """The review items of one article (what an action on it re-renders)."""
    return review_items(article_mentions([article]))[article.pk]


def article_version(records: Iterable[Project | Batch]) -> str:
    """The version of the records a confirm-all would confirm (the form carries it as the page
    drew them): any change to one of them, one more or one fewer, gives another."""
    keys = sorted((type(record).__name__, record.pk, version_of(record)) for record in records)
    return hashlib.sha256(repr(keys).encode()).hexdigest()[:16]


def confirmable(record: Project | Batch | None) -> bool:
    """What a confirm-all confirms: a candidate not merged into another record."""
    return (record is not None and record.review_status == ReviewStatus.CANDIDATE
            and record.merged_into_id is None)


@transaction.atomic
@rollup.deferred()
def confirm_all(article: Article, user=None, version: str | None = None) -> int:
    """Confirm every candidate the article quotes ("I have read it, all of it is right");
    `version`: theirs as the page showed them (`article_version`), refused when it changed."""
    quoted = Mention.objects.filter(article=article)
    batches = lock(Batch, quoted.values_list("batch_id", flat=True)).values()  # batches first, always
    projects = lock(Project, quoted.values_list("project_id", flat=True)).values()
    batches, projects = [b for b in batches if confirmable(b)], [p for p in projects if confirmable(p)]
    if version and version != article_version([*batches, *projects]):
        raise StaleRecord()
    return set_review_status(batches, ReviewStatus.CONFIRMED, user) + set_review_status(
        projects, ReviewStatus.CONFIRMED, user
    )
