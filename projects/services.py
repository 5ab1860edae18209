"""Writes to projects and batches: review decisions and merges.

Every change goes through `save()` so that django-simple-history records who
did it and when; there is no bare `.update()` on a tracked model here.

Two editors (or an editor and the admin) may act on the same records at the same moment. So
every write here first locks the rows it changes (`lock`: `SELECT … FOR UPDATE`, batches before
projects, each by id — one fixed order, so two writers wait for each other instead of
deadlocking), re-reads them, checks their state under the lock, and saves only the fields it
changes: a copy read before another editor's change is never written back over it (issue 15).
A form may carry the version of the record as it was drawn (`version_of`); `check_version`
refuses an action on a record that changed since (`StaleRecord`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import rollup, timeline
from .models import Batch, Project, ReviewStatus, Stage
from .money import to_yuan

STAGE_ORDER = [Stage.SIGNED, Stage.STARTED, Stage.OPERATING, Stage.STALLED, Stage.CANCELLED]


def _save(obj, user, reason: str, fields: Iterable[str] | None = None) -> None:
    """Save with history; `fields`: only these (and the time of the change), never the rest of a
    copy that may be older than the row."""
    obj._history_user = user
    obj._change_reason = reason
    if fields is None:
        obj.save()
    else:
        obj.save(update_fields=[*fields, *(["updated_at"] if hasattr(obj, "updated_at") else [])])


class StaleRecord(ValidationError):
    """The record changed since the page the editor acted on was drawn."""

    def __init__(self):
        super().__init__(_("这条记录在页面打开后已被修改（可能是其他编辑的操作），本次操作未执行。"
                           "请查看它现在的状态后再操作。"), code="stale")


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def version_of(record: Project | Batch) -> str:
    """The version a form carries: the record's last change, in microseconds (every save through
    this module and the admin moves it)."""
    return str((record.updated_at - EPOCH) // dt.timedelta(microseconds=1)) if record.updated_at else ""


def check_version(record: Project | Batch, version: str | None) -> None:
    """Refuse when the form was drawn from another version of the (locked) record; a form
    without a version (an older page, a script) is not checked."""
    if version and version != version_of(record):
        raise StaleRecord()


def lock(model: type[Project] | type[Batch], pks: Iterable[int | None]) -> dict[int, Project | Batch]:
    """Lock these rows until the transaction ends, in id order, and return them as they are now.

    Callers that lock batches and projects lock the batches first. Must run in a transaction."""
    wanted = sorted({pk for pk in pks if pk is not None})
    if not wanted:
        return {}
    # FOR NO KEY UPDATE: it excludes every other writer of the rows, but not the foreign-key
    # checks of rows that point at them (FOR KEY SHARE), which a plain FOR UPDATE would also wait for.
    rows = model._default_manager.select_for_update(no_key=True).filter(pk__in=wanted).order_by("pk")
    return {row.pk: row for row in rows}


def _fresh(objects: Iterable[Project | Batch]) -> list[Project | Batch]:
    """The records locked and re-read (batches first, then projects; each by id)."""
    objects = list(objects)
    fresh: list[Project | Batch] = []
    for model in (Batch, Project):
        fresh += lock(model, [obj.pk for obj in objects if isinstance(obj, model)]).values()
    return fresh


@transaction.atomic
@rollup.deferred()  # each zone-month of the totals recomputed once, not once per record
def set_review_status(objects: Iterable[Project | Batch], status: str, user=None) -> int:
    """Confirm or reject projects or batches one by one (each change lands in history)."""
    if status not in ReviewStatus.values:
        raise ValidationError(_("未知的审核状态：%(status)s") % {"status": status})
    changed = 0
    for obj in _fresh(objects):
        if obj.merged_into_id is not None:
            raise ValidationError(_("“%(name)s”已合并到其他记录，不能再审核。") % {"name": obj})
        if obj.review_status != status:
            obj.review_status = status
            _save(obj, user, f"review: {status}", ["review_status"])
            changed += 1
    return changed


def refresh_project_timeline(project: Project, user=None) -> None:
    """Derive the project's counted date and current stage from its events.

    The date that counts is the signing, else the first event; the stage is the
    furthest one reported. The follow-through timeline (signing, start, operating:
    projects/timeline.py) is refreshed too.
    """
    events = list(project.events.all())
    dated = [event for event in events if event.date is not None]
    signed = [event for event in dated if event.stage == Stage.SIGNED]
    first = min(signed or dated, key=lambda event: event.date, default=None)
    stages = [event.stage for event in events if event.stage in STAGE_ORDER]
    stage = max(stages, key=STAGE_ORDER.index, default=project.stage)
    new_date = first.date if first else project.date
    new_precision = first.date_precision if first else project.date_precision
    if (project.date, project.date_precision, project.stage) != (new_date, new_precision, stage):
        project.date, project.date_precision, project.stage = new_date, new_precision, stage
        _save(project, user, "timeline", ["date", "date_precision", "stage"])
    # The follow-through timeline: the events' saves keep it, but a project without events
    # reads its own date and stage, which may just have been edited.
    timeline.refresh([project.pk])


@transaction.atomic
def save_project_edit(project: Project, user=None, changed: Iterable[str] | None = None,
                      version: str | None = None) -> Project:
    """Save an editor's changes to a project: the fields named in `changed` (None: every field
    an editor edits), copied onto the row as it is now (locked), so that a merge or a review made
    meanwhile is not overwritten; `version`: the version the form was drawn from (`check_version`).

    The date and stage come from the project's events, so an edit of them is
    written to the event they came from (the signing, else the first event; the
    latest event for the stage) rather than being overwritten by the timeline.
    The yuan value is computed last, at the year of the date the project keeps.
    """
    changed = set(EDITED_FIELDS if changed is None else changed)
    if project._state.adding:
        _save(project, user, "edited")
        fields = None
    else:
        edited, project = project, lock(Project, [project.pk]).get(project.pk)
        if project is None:
            raise ValidationError(_("这个项目已不存在。"))
        check_version(project, version)  # a merged project may still be corrected (the admin)
        fields = _edited_fields(changed)
        for name in fields:
            attname = Project._meta.get_field(name).attname
            setattr(project, attname, getattr(edited, attname))
    events = list(project.events.order_by("date", "id"))
    if events and changed & {"date", "date_precision"}:
        signed = [event for event in events if event.stage == Stage.SIGNED]
        counting = (signed or events)[0]
        counting.date, counting.date_precision = project.date, project.date_precision
        _save(counting, user, "date edited on the project")
    if events and "stage" in changed:
        latest = events[-1]
        latest.stage = project.stage
        _save(latest, user, "stage edited on the project")
    if fields is not None:
        _save(project, user, "edited", fields)
    refresh_project_timeline(project, user)
    year = project.date.year if project.date else None
    yuan = to_yuan(project.amount, project.currency, year)
    if yuan != project.amount_yuan:
        project.amount_yuan = yuan
        _save(project, user, "yuan value recomputed", ["amount_yuan"])
    return project


# What an edit may write (not the review status, the merge, the derived timeline or the times).
EDITED_FIELDS = tuple(
    field.name for field in Project._meta.concrete_fields
    if field.editable and not field.primary_key and field.name not in ("review_status", "merged_into")
)


def _edited_fields(changed: set[str]) -> list[str]:
    """The model fields a form's changed fields write (the amount as typed sets all of its own)."""
    names = {field.name for field in Project._meta.concrete_fields if not field.primary_key}
    fields = []
    for name in sorted(changed):
        fields += [f for f in AMOUNT_FIELDS if f != "amount_yuan"] if name == "amount" else [name]
    return [name for name in dict.fromkeys(fields) if name in names]


AMOUNT_FIELDS = ("amount", "amount_max", "currency", "amount_yuan", "amount_text", "approximate")
FILLABLE_FIELDS = ("zone_id", "investor", "industry", "jobs", "batch_id")


@transaction.atomic
def merge_projects(sources: Iterable[Project], target: Project, user=None) -> int:
    """Fold duplicate projects into `target`: their events and quotes move over, fields the
    target lacks are filled from them, and each source points at the target from now on.

    All the rows are locked first, in id order (A into B and B into A at once: one waits, then
    finds the other merged and is refused), and checked as they are then."""
    source_pks = [source.pk for source in sources if source.pk != target.pk]
    locked = lock(Project, [target.pk, *source_pks])
    if target.pk not in locked or any(pk not in locked for pk in source_pks):
        raise ValidationError(_("要合并的项目已不存在。"))
    target = locked[target.pk]
    if target.merged_into_id is not None:
        raise ValidationError(_("目标项目本身已被合并，请选择它合并后的项目。"))
    merged, filled = 0, set()
    for source in (locked[pk] for pk in dict.fromkeys(source_pks)):
        if source.merged_into_id is not None:
            raise ValidationError(_("“%(name)s”已合并过。") % {"name": source})
        filled |= _fill_missing(target, source)
        for event in source.events.all():
            event.project = target
            _save(event, user, f"merged from project {source.pk}", ["project"])
        source.mentions.update(project=target)  # Mention has no history; the move is logged on the projects.
        source.merged_into = target
        _save(source, user, f"merged into project {target.pk}", ["merged_into"])
        merged += 1
    if merged:
        _save(target, user, "merge target", sorted(filled))
        refresh_project_timeline(target, user)
    return merged


@transaction.atomic
def merge_and_confirm(project: Project, target: Project, user=None) -> None:
    """An editor's merge on review: fold `project` into `target`, and confirm the target if it
    was still a candidate — naming it as the real project is the review it was waiting for."""
    merge_projects([project], target, user=user)
    target.refresh_from_db()  # the merge filled fields and moved the date; do not save stale values
    if target.review_status == ReviewStatus.CANDIDATE:
        set_review_status([target], ReviewStatus.CONFIRMED, user=user)


def _fill_missing(target: Project, source: Project) -> set[str]:
    """Fill what the target lacks from the source; the names of the fields filled."""
    filled = set()
    if target.amount is None and source.amount is not None:
        for field in AMOUNT_FIELDS:
            setattr(target, field, getattr(source, field))
        filled |= set(AMOUNT_FIELDS)
    for field in FILLABLE_FIELDS:
        if getattr(target, field) in (None, "") and getattr(source, field) not in (None, ""):
            setattr(target, field, getattr(source, field))
            filled.add(field.removesuffix("_id"))
    return filled


@transaction.atomic
@rollup.deferred()
def set_batch(projects: Iterable[Project], batch: Batch | None, user=None) -> int:
    """Put projects in a batch (or out of any, `batch=None`): a member's amount is part of the
    batch's, so a counted batch and its members are not added together (projects/totals.py).
    Each change is saved on its own (history; the rollup follows the save)."""
    if batch is not None:
        batch = lock(Batch, [batch.pk]).get(batch.pk, batch)
        if batch.merged_into_id is not None:
            raise ValidationError(_("批量签约“%(name)s”已合并到其他记录。") % {"name": batch})
    changed = 0
    for project in lock(Project, [project.pk for project in projects]).values():
        if project.merged_into_id is not None:
            raise ValidationError(_("“%(name)s”已合并到其他记录，不能再审核。") % {"name": project})
        new = batch.pk if batch is not None else None
        if project.batch_id != new:
            project.batch_id = new
            _save(project, user, f"batch: {new}" if new else "batch: none", ["batch"])
            changed += 1
    return changed
