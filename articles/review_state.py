"""What is left to review in each issue, kept on the rows the review page reads.

Why: the review page of a 24k-article issue at a million projects spent ~200 ms of its
~540 ms finding this live — an aggregate over the issue's 48k quotes for its counts (~100 ms)
and, for a page of the pending view, a walk over the articles before it testing each for a
quote of a pending record (~100 ms on a deep page). Kept, the counts are one row
(`ReviewCounts`) and a page of pending articles is read from a partial index
(`Article.awaiting_review`).

What "pending" means is said once, here: a quote of a project or batch that is a candidate and
not merged into another record (a merged record's quotes moved to the one it was merged into).

How it never drifts (as the totals rollup, projects/rollup.py): nothing is kept by differences.
Every change that can move an article in or out of review recomputes, from the base tables and
in the same transaction, the flags of the articles it touches and the counts of their issues:

- a save of a project or batch that may change its status or merge (signals, `connect`), and a
  delete: the articles quoting it, and once merged those quoting its target (the quotes moved);
- a save of a quote (signal) and the admin's edits and deletes of quotes (articles/admin.py);
- a parse written (`articles.ingest.store_parse`): the whole issue (bulk inserts send no signal).

`deferred()` collects the articles of many saves and recomputes each once, at its end; it is
entered by every `projects.rollup.deferred()` block (`rollup.defer_also`, articles.apps) — the
review actions, the review services, the admin's bulk actions, a parse written. `rebuild()`
recomputes everything and `drift()` lists what differs from a fresh computation
(`manage.py refresh_review_state [--check]`, and `manage.py check_integrity`).

Two editors at once: each recompute first takes the writers' lock of the totals rollup
(`projects.rollup.lock_writers`, one lock: no deadlock between the two), so its statements,
run after the lock, see every change committed before it — the other editor's included.
Article rows that another transaction holds (a re-parse deleting them) are skipped, not waited
for: waiting while holding the lock could deadlock with that re-parse, which waits for the lock
at its end and then recomputes its whole issue itself, seeing this change.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from django.db import connections, router, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.signals import post_delete, post_save, pre_delete

from projects import rollup
from projects.models import Batch, Project, ReviewStatus

from .models import Article, Bulletin, Mention, ReviewCounts

PENDING_PROJECT = Q(project__review_status=ReviewStatus.CANDIDATE, project__merged_into__isnull=True)
PENDING_BATCH = Q(batch__review_status=ReviewStatus.CANDIDATE, batch__merged_into__isnull=True)
CHUNK = 1000
BIG_ISSUE = 1000  # articles from which the planner settings of `planned_for_size` pay
# A save that names its fields changes what is pending only when it names one of these.
REVIEW_FIELDS = frozenset({"review_status", "merged_into", "merged_into_id"})

_state = threading.local()


def pending_article() -> Exists:
    """An article that quotes a record still awaiting review (a correlated EXISTS)."""
    return Exists(Mention.objects.filter(PENDING_PROJECT | PENDING_BATCH, article=OuterRef("pk")))


@dataclass(frozen=True)
class IssueCounts:
    articles: int
    pending_articles: int
    pending_projects: int
    pending_batches: int

    @property
    def pending_records(self) -> int:
        return self.pending_projects + self.pending_batches


@contextmanager
def planned_for_size(using: str, articles: int, by_key: bool = False):
    """On PostgreSQL, for a big issue, no JIT for the next queries: their cost estimate is above
    `jit_above_cost`, and compiling the plan took longer (0.4 s) than running it. With
    `by_key`, the issue's quotes find their records by primary key (nested loops): the planner
    otherwise hashed every project of the table (1M rows, ~1 s) to join 48k quotes. A small
    issue's queries are cheap either way (and read no more statements than on SQLite)."""
    connection = connections[using]
    if connection.vendor != "postgresql" or articles < BIG_ISSUE:
        yield
        return
    settings = ["jit", "enable_hashjoin", "enable_mergejoin"] if by_key else ["jit"]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"set_config('{name}', 'off', true)" for name in settings))
        yield


def compute_counts(bulletin_id: int, using: str = "default") -> IssueCounts:
    """The issue's counts from its articles' flags and quotes (what `ReviewCounts` keeps): a
    pending record is quoted only by pending articles, so only their quotes are read."""
    articles = Article.objects.using(using).filter(bulletin_id=bulletin_id)
    total = articles.count()
    pending_articles = articles.filter(awaiting_review=True).count()
    quotes = Mention.objects.using(using).filter(
        article__bulletin_id=bulletin_id, article__awaiting_review=True)
    with planned_for_size(using, pending_articles, by_key=True):
        pending = _pending_records(quotes)
    return IssueCounts(total, pending_articles, pending["projects"], pending["batches"])


def _pending_records(quotes, **more) -> dict[str, int]:
    """The distinct pending projects and batches these quotes name (and `more` aggregates)."""
    return quotes.aggregate(
        projects=Count("project_id", distinct=True, filter=PENDING_PROJECT),
        batches=Count("batch_id", distinct=True, filter=PENDING_BATCH),
        **more,
    )


def issue_counts(bulletin: Bulletin) -> IssueCounts:
    """The counts kept for the issue (one row); computed when it has none (a bulletin restored
    from a dump without them, until `manage.py refresh_review_state`)."""
    kept = ReviewCounts.objects.filter(bulletin_id=bulletin.pk).first()
    if kept is None:
        return compute_counts(bulletin.pk)
    return IssueCounts(kept.articles, kept.pending_articles, kept.pending_projects, kept.pending_batches)


# --- recomputing ---------------------------------------------------------------------------------


def _write_flags(articles, using: str) -> set[int]:
    """Set the flags of these articles (a queryset) to what their quotes say; the bulletins
    they are in. Only flags that change are written, and rows another transaction holds are
    skipped (see the module's docstring)."""
    rows = articles.annotate(now=pending_article()).values_list("pk", "bulletin_id", "awaiting_review", "now")
    bulletins: set[int] = set()
    changed: dict[bool, list[int]] = {True: [], False: []}
    for pk, bulletin_id, kept, now in rows.order_by():
        bulletins.add(bulletin_id)
        if kept != now:
            changed[now].append(pk)
    for value, pks in changed.items():
        for start in range(0, len(pks), CHUNK):
            free = Article.objects.using(using).filter(pk__in=pks[start:start + CHUNK]).select_for_update(
                skip_locked=True, no_key=True).values("pk")
            Article.objects.using(using).filter(pk__in=free).update(awaiting_review=value)
    return bulletins


def _write_counts(bulletin_ids: Iterable[int], using: str, whole_issue: bool) -> None:
    """Write the issues' counts. `whole_issue` (a parse written, a rebuild): the row is made if
    missing; else (a review action) a missing row is not made here, where inserting it could
    wait for a parse holding the bulletin's row (every bulletin gets its row when created)."""
    rows = ReviewCounts.objects.using(using)
    for bulletin_id in sorted(set(bulletin_ids)):
        values = asdict(compute_counts(bulletin_id, using))
        free = rows.filter(pk=bulletin_id).select_for_update(skip_locked=True, no_key=True).values("pk")
        if not rows.filter(pk__in=free).update(**values) and whole_issue:
            rows.update_or_create(bulletin_id=bulletin_id, defaults=values)


def refresh_articles(article_ids: Iterable[int] = (), using: str = "default", *,
                     records: Iterable[tuple[str, int]] = ()) -> None:
    """Recompute the flags of these articles and of those quoting these `records` (("project",
    pk) or ("batch", pk)), and their issues' counts, in the caller's transaction. The quotes
    of the records are read after the lock: read before it, a parse committed meanwhile would
    have moved them to articles this recompute never saw."""
    ids, records = set(article_ids), set(records)
    if not ids and not records:
        return
    with transaction.atomic(using=using):  # the lock lasts until the caller's transaction ends
        rollup.lock_writers(using)
        for model in (Project, Batch):
            kind = model.__name__.lower()
            ids |= articles_quoting(model, [pk for of, pk in records if of == kind], using)
        ordered = sorted(ids)
        bulletins: set[int] = set()
        for start in range(0, len(ordered), CHUNK):
            chunk = Article.objects.using(using).filter(pk__in=ordered[start:start + CHUNK])
            bulletins |= _write_flags(chunk, using)
        _write_counts(bulletins, using, whole_issue=False)


def refresh_bulletins(bulletin_ids: Iterable[int], using: str = "default") -> None:
    """Recompute every flag and the counts of these issues (a parse written, a rebuild)."""
    ids = sorted(set(bulletin_ids))
    if not ids:
        return
    with transaction.atomic(using=using):
        rollup.lock_writers(using)
        for bulletin_id in ids:
            articles = Article.objects.using(using).filter(bulletin_id=bulletin_id)
            with planned_for_size(using, articles.count()):
                _write_flags(articles, using)
        existing = Bulletin.objects.using(using).filter(pk__in=ids).values_list("pk", flat=True)
        _write_counts(existing, using, whole_issue=True)


def rebuild(using: str = "default") -> int:
    """Recompute every issue's flags and counts; how many issues."""
    with transaction.atomic(using=using):
        ids = list(Bulletin.objects.using(using).values_list("pk", flat=True))
        refresh_bulletins(ids, using)
    return len(ids)


def drift(using: str = "default") -> list[str]:
    """What the kept flags and counts say that a fresh computation does not (empty: none)."""
    wrong_flags = (
        Article.objects.using(using).alias(now=pending_article())
        .filter(Q(awaiting_review=True, now=False) | Q(awaiting_review=False, now=True))
        .order_by("pk").values_list("pk", flat=True)
    )
    found = [f"article {pk}: awaiting_review is not what its quotes say" for pk in wrong_flags[:20]]
    kept = {row.pk: row for row in ReviewCounts.objects.using(using).all()}
    for bulletin_id in Bulletin.objects.using(using).order_by("pk").values_list("pk", flat=True):
        fresh = _fresh_counts(bulletin_id, using)
        row = kept.get(bulletin_id)
        if row is None and fresh.articles:
            found.append(f"bulletin {bulletin_id}: no review counts kept")
        elif row is not None and asdict(fresh) != {k: getattr(row, k) for k in asdict(fresh)}:
            found.append(f"bulletin {bulletin_id}: counts kept {_counts_text(row)}, "
                         f"computed {_counts_text(fresh)}")
    return found


def _fresh_counts(bulletin_id: int, using: str) -> IssueCounts:
    """The counts from the quotes alone, not trusting the flags (what `drift` compares with)."""
    articles = Article.objects.using(using).filter(bulletin_id=bulletin_id)
    quotes = Mention.objects.using(using).filter(article__bulletin_id=bulletin_id)
    pending = _pending_records(
        quotes, articles=Count("article_id", distinct=True, filter=PENDING_PROJECT | PENDING_BATCH))
    return IssueCounts(articles.count(), pending["articles"], pending["projects"], pending["batches"])


def _counts_text(counts) -> str:
    return (f"{counts.pending_articles}/{counts.articles} articles, "
            f"{counts.pending_projects} projects, {counts.pending_batches} batches")


# --- marking what to recompute -------------------------------------------------------------------


# What a change touched: ("article", pk), or a record whose quotes' articles are read at the
# recompute, ("project", pk) or ("batch", pk).
Touched = tuple[str, int]


def _scopes(using: str) -> list[set[Touched]]:
    scopes = getattr(_state, "scopes", None)
    if scopes is None:
        scopes = _state.scopes = {}
    return scopes.setdefault(using, [])


def mark(touched: Iterable[Touched], using: str = "default") -> None:
    """Recompute what these articles and records touch now, in the caller's transaction — or at
    the end of the enclosing `deferred()` block."""
    touched = {item for item in touched if item[1] is not None}
    if not touched:
        return
    scopes = _scopes(using)
    if scopes:
        scopes[-1] |= touched
    else:
        _refresh(touched, using)


def mark_articles(article_ids: Iterable[int], using: str = "default") -> None:
    mark((("article", pk) for pk in article_ids), using)


def _refresh(touched: set[Touched], using: str) -> None:
    articles = {pk for kind, pk in touched if kind == "article"}
    refresh_articles(articles, using, records={item for item in touched if item[0] != "article"})


@contextmanager
def deferred(using: str = "default") -> Iterator[None]:
    """Collect what many saves touch and recompute each article once, at the end of the block
    (inside the caller's transaction: the flags commit with the change)."""
    scopes = _scopes(using)
    scopes.append(set())
    try:
        yield
    except BaseException:
        scopes.pop()
        raise
    touched = scopes.pop()
    if scopes:
        scopes[-1] |= touched
    else:
        _refresh(touched, using)


def articles_quoting(model: type[Project] | type[Batch], pks: Iterable[int | None], using: str) -> set[int]:
    field = "project_id" if model is Project else "batch_id"
    wanted = [pk for pk in pks if pk is not None]
    if not wanted:
        return set()
    quotes = Mention.objects.using(using).filter(**{f"{field}__in": wanted})
    return set(quotes.values_list("article_id", flat=True).distinct())


def _record_saved(sender, instance, created=False, update_fields=None, raw=False, using=None, **kwargs):
    """A project or batch saved: a new one has no quotes yet; a save that names its fields
    matters only when it names the status or the merge."""
    if raw or created or (update_fields is not None and not REVIEW_FIELDS & set(update_fields)):
        return
    kind, using = sender.__name__.lower(), using or router.db_for_write(sender, instance=instance)
    mark([(kind, instance.pk), (kind, instance.merged_into_id)], using)


def _record_deleting(sender, instance, using=None, **kwargs):
    using = using or router.db_for_write(sender, instance=instance)
    instance._review_articles = articles_quoting(sender, [instance.pk], using)


def _record_deleted(sender, instance, using=None, **kwargs):
    """Its quotes went with it (CASCADE): the articles that had them may be reviewed now."""
    using = using or router.db_for_write(sender, instance=instance)
    mark_articles(getattr(instance, "_review_articles", set()), using)


def _bulletin_created(sender, instance, created=False, raw=False, using=None, **kwargs):
    """Every issue has its counts row from the start (zeros until its parse is written), so a
    review action only ever updates one."""
    if created and not raw:
        ReviewCounts.objects.using(using or router.db_for_write(sender, instance=instance)).get_or_create(
            bulletin_id=instance.pk)


def _quote_saved(sender, instance, raw=False, using=None, **kwargs):
    if not raw:
        mark_articles([instance.article_id], using or router.db_for_write(sender, instance=instance))


def connect() -> None:
    """Keep the flags and counts on every save and delete of a record and save of a quote
    (articles.apps). Quotes' deletes are not signalled (a receiver would stop Django deleting
    an issue's quotes in bulk): their one editor, the admin, recomputes itself."""
    for model in (Project, Batch):
        name = model.__name__
        post_save.connect(_record_saved, sender=model, dispatch_uid=f"review-state-{name}-save")
        pre_delete.connect(_record_deleting, sender=model, dispatch_uid=f"review-state-{name}-deleting")
        post_delete.connect(_record_deleted, sender=model, dispatch_uid=f"review-state-{name}-deleted")
    post_save.connect(_quote_saved, sender=Mention, dispatch_uid="review-state-mention-save")
    post_save.connect(_bulletin_created, sender=Bulletin, dispatch_uid="review-state-bulletin-created")
