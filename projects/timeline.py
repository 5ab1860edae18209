"""A project's timeline as the follow-through counts it, kept on the project (derived data).

The follow-through figures (`projects/follow_through.py`) are sums over a million projects, so
each project's signing, start and operating dates — and the months between signing and start —
are read once from its events and stored on the project (`Project.signed_on` …), not derived
from the events table at request time. This module holds the derivation (`timeline_fields`, a
pure function of the events) and keeps the stored fields equal to it: on every save or delete
of an event (signals, `connect`), for projects written in bulk (`articles.ingest` calls
`timeline_fields` on the rows it inserts) and for existing rows (`backfill`, used by the
migration; `bench/seed.py` can call `timeline_fields` for the rows it copies).

The rules are in the docstring of `projects/follow_through.py`; the date arithmetic is here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_save

from . import bulk_write, rollup
from .models import DataVersion, DatePrecision, Project, ProjectEvent, Stage

# The stored fields, in the order `timeline_fields` returns them.
TIMELINE_FIELDS = (
    "signed_on", "signed_precision", "started_on", "started_precision",
    "operating_on", "operating_precision", "months_to_start", "months_to_start_max", "followed_up",
)
CHUNK = 2000
READ = ("stage", "date", "date_precision")  # what the timeline reads of an event (or a project)


class Event(NamedTuple):
    """What the timeline reads of an event: its stage and its date at its precision."""

    stage: str
    date: dt.date | None
    precision: str


def last_day(day: dt.date, precision: str) -> dt.date:
    """The latest day a date stored as the first day it covers can mean."""
    if precision == DatePrecision.YEAR:
        return dt.date(day.year, 12, 31)
    if precision == DatePrecision.MONTH:
        return dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    return day


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def whole_months(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end` (0 when `end` is earlier): the stored-date lag."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def months_needed(start: dt.date, end: dt.date) -> int:
    """The fewest months N with `end` ≤ `start` + N months: "within N months" is certain
    for every N from this one on."""
    months = max((end.year - start.year) * 12 + end.month - start.month, 0)
    if add_months(start, months) < end:
        months += 1
    return months


def _first(events: list[Event]) -> Event | None:
    return min(events, key=lambda event: event.date, default=None)


def timeline_fields(events: Iterable[Event]) -> dict:
    """The stored timeline of a project with these events (a project without events is read
    as one event of its own stage and date, which is what the ingest gives a new project)."""
    dated = [event for event in events if event.date is not None]
    signing = _first([e for e in dated if e.stage == Stage.SIGNED])
    starts = [e for e in dated if e.stage == Stage.STARTED]
    if signing is not None:  # a start counts from the signing on (it may have been on that day)
        starts = [e for e in starts if last_day(e.date, e.precision) >= signing.date]
    start = _first(starts)
    operating = _first([e for e in dated if e.stage == Stage.OPERATING])
    lag = lag_max = None
    if signing is not None and start is not None:
        lag = whole_months(signing.date, start.date)
        lag_max = months_needed(signing.date, last_day(start.date, start.precision))
    stages = {event.stage for event in events}
    return {
        "signed_on": signing.date if signing else None,
        "signed_precision": signing.precision if signing else "",
        "started_on": start.date if start else None,
        "started_precision": start.precision if start else "",
        "operating_on": operating.date if operating else None,
        "operating_precision": operating.precision if operating else "",
        "months_to_start": lag,
        "months_to_start_max": lag_max,
        "followed_up": bool(stages - {Stage.SIGNED}),
    }


def own_event(stage: str, date: dt.date | None, precision: str) -> list[Event]:
    """A project's own stage and date, read as its one event (a project with no events)."""
    return [Event(stage, date, precision or "")]


# --- keeping the stored fields ----------------------------------------------------------------


def _computed(project_ids: list[int], project_model, event_model) -> Iterator[tuple]:
    """(pk, each of `TIMELINE_FIELDS` in order) of these projects, from their events."""
    events: dict[int, list[Event]] = {}
    rows = event_model.objects.filter(project_id__in=project_ids).order_by()
    for project_id, stage, date, precision in rows.values_list("project_id", *READ):
        events.setdefault(project_id, []).append(Event(stage, date, precision))
    own = project_model.objects.filter(pk__in=project_ids).order_by().values_list("pk", *READ)
    for pk, stage, date, precision in own:
        fields = timeline_fields(events.get(pk) or own_event(stage, date, precision))
        yield (pk, *(fields[name] for name in TIMELINE_FIELDS))


def _write(chunk: list[int], project_model, event_model) -> None:
    # One UPDATE … FROM (VALUES …) per chunk (bulk_write: why not bulk_update).
    rows = _computed(chunk, project_model, event_model)
    bulk_write.update_rows(project_model, TIMELINE_FIELDS, rows, CHUNK)
    if project_model is Project:  # the update sends no signal: the cells that sum it
        keys = Project.objects.filter(pk__in=chunk).order_by().values_list("zone_id", "date").distinct()
        rollup.mark(rollup.project_keys(zone_id, day) for zone_id, day in keys)


def refresh(project_ids: Iterable[int], *, models: tuple = (Project, ProjectEvent)) -> None:
    """Recompute the stored timeline of these projects from their events (three queries per
    chunk of ids). The fields are derived data and not in the projects' history, so they are
    written with a plain UPDATE by id (no save, no signal, no history row). `models`: the
    project and event models (a migration passes its historical ones)."""
    project_model, event_model = models
    ids = sorted({pk for pk in project_ids if pk is not None})
    if ids and project_model is Project:
        touch()
    for start in range(0, len(ids), CHUNK):
        _write(ids[start:start + CHUNK], project_model, event_model)


def backfill(queryset: QuerySet | None = None, *, models: tuple = (Project, ProjectEvent)) -> int:
    """Recompute the stored timeline of every project of `queryset` (all by default), by chunks
    of ids read in key order (a chunk's ids and events at a time, not the whole table): for the
    migration that adds the fields and for rows written without them."""
    project_model, event_model = models
    queryset = (project_model.objects.all() if queryset is None else queryset).order_by("pk")
    count, last = 0, None
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        chunk = list(page.values_list("pk", flat=True)[:CHUNK])
        if not chunk:
            return count
        if count == 0 and project_model is Project:
            touch()
        _write(chunk, project_model, event_model)
        count, last = count + len(chunk), chunk[-1]


# --- the data version -------------------------------------------------------------------------


def data_version() -> str:
    """The current token of the data the follow-through reads (one indexed read)."""
    return DataVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""


class _Bump:
    """The one token change registered for the current transaction (`touch`)."""

    def __init__(self, using: str) -> None:
        self.using = using
        self.done = False

    def __call__(self) -> None:
        self.done = True
        bump(self.using)


def bump(using: str = "default") -> None:
    """A new token now: one UPDATE in the caller's transaction (autocommit after a commit)."""
    token = uuid.uuid4().hex
    if not DataVersion.objects.using(using).filter(pk=1).update(token=token):
        DataVersion.objects.using(using).update_or_create(pk=1, defaults={"token": token})


def _pending_bump(using: str) -> _Bump | None:
    # Django drops the callbacks of a rolled-back transaction or savepoint from this list.
    for _sids, func, _robust in transaction.get_connection(using).run_on_commit:
        if isinstance(func, _Bump) and not func.done:
            return func
    return None


def pending(using: str = "default") -> bool:
    """Whether this connection's open transaction wrote data whose token change is still to come
    (so figures it computes now must not be cached under the current token)."""
    connection = transaction.get_connection(using)
    return connection.in_atomic_block and _pending_bump(using) is not None


def touch(using: str = "default") -> None:
    """A write the follow-through reads happened: a new token once it is committed.

    Why after the commit: the token is one shared row. Changed inside the writer's
    transaction, its row lock was held until that transaction ended, so every concurrent
    writer (a long ingest, an editor's click on the review page) queued behind it. Now a
    transaction registers one bump (`transaction.on_commit`; further touches in the same
    transaction add nothing) and the bump is a single UPDATE in its own autocommit after the
    commit; nothing at all on a rollback. Outside a transaction the bump happens at once.

    Why the cache stays correct (`follow_through.for_filter` reads the token first, then the
    data, and stores what it computed under the token it read):
    - A reader that reads the *new* token started after the bump, which is after the data's
      commit, so every read it makes next sees the write (READ COMMITTED: each statement sees
      what was committed before it began; REPEATABLE READ: the snapshot is taken at its first
      statement, the token read). Nothing cached under the new token predates the write.
    - A reader that read the *old* token may have computed from the data before or after the
      commit and stored it under the old token; from the bump on nobody asks for the old
      token, so it is never served after the write is visible as the current version.
    - Between the commit and the bump (one statement later) a reader may still be served the
      old token's figures: the same answer as if it had asked just before the commit.
    - A reader inside the writer's own open transaction sees its uncommitted rows under the
      still-current token; had it cached them and the transaction rolled back, they would be
      served. So `for_filter` neither reads nor writes the cache while `pending()` is true.
    - If the process dies between the commit and the bump, the cached figures of the old token
      can be served until the cache's expiry (`follow_through.CACHE_SECONDS`) or the next write.
    """
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        bump(using)
        return
    if _pending_bump(using) is None:
        # robust: the data is committed by then; a failed bump is logged, not raised at the writer.
        transaction.on_commit(_Bump(using), using=using, robust=True)


def _touched(sender, raw=False, **kwargs) -> None:
    if not raw:
        touch()


# --- signal receivers ---------------------------------------------------------------------------


def _new_project(sender, instance: Project, raw=False, **kwargs) -> None:
    """pre_save of a new project: it has no events yet, so its timeline is its own stage and date
    (an event saved afterwards recomputes it)."""
    if raw or not instance._state.adding:
        return
    fields = timeline_fields(own_event(instance.stage, instance.date, instance.date_precision))
    for name, value in fields.items():
        setattr(instance, name, value)


def _before_event_save(sender, instance: ProjectEvent, raw=False, **kwargs) -> None:
    """pre_save of an event: note the project it belonged to (a merge moves events)."""
    if raw or instance.pk is None:
        return
    instance._timeline_old_project = (
        ProjectEvent.objects.filter(pk=instance.pk).values_list("project_id", flat=True).first()
    )


def _after_event_change(sender, instance: ProjectEvent, raw=False, **kwargs) -> None:
    """post_save / post_delete of an event: its project's timeline (and its former project's)."""
    if raw:
        return
    old = getattr(instance, "_timeline_old_project", None)
    instance._timeline_old_project = None
    refresh([instance.project_id, old])


def connect() -> None:
    """Keep the stored timelines on every save and delete of an event (projects.apps)."""
    pre_save.connect(_new_project, sender=Project, dispatch_uid="timeline-project-new")
    pre_save.connect(_before_event_save, sender=ProjectEvent, dispatch_uid="timeline-event-pre-save")
    post_save.connect(_after_event_change, sender=ProjectEvent, dispatch_uid="timeline-event-post-save")
    post_delete.connect(_after_event_change, sender=ProjectEvent, dispatch_uid="timeline-event-post-delete")
    from zones.models import Zone  # a zone's province or name is in the figures

    for model in (Project, Zone):
        for signal in (post_save, post_delete):
            signal.connect(_touched, sender=model, dispatch_uid=f"data-version-{model.__name__}-{signal}")
