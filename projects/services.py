"""Writes to projects and batches: review decisions and merges.

Every change goes through `save()` so that django-simple-history records who
did it and when; there is no bare `.update()` on a tracked model here.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import rollup, timeline
from .models import Batch, Project, ReviewStatus, Stage
from .money import to_yuan

STAGE_ORDER = [Stage.SIGNED, Stage.STARTED, Stage.OPERATING, Stage.STALLED, Stage.CANCELLED]


def _save(obj, user, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.save()


@transaction.atomic
@rollup.deferred()  # each zone-month of the totals recomputed once, not once per record
def set_review_status(objects: Iterable[Project | Batch], status: str, user=None) -> int:
    """Confirm or reject projects or batches one by one (each change lands in history)."""
    if status not in ReviewStatus.values:
        raise ValidationError(_("未知的审核状态：%(status)s") % {"status": status})
    changed = 0
    for obj in objects:
        if obj.merged_into_id is not None:
            raise ValidationError(_("“%(name)s”已合并到其他记录，不能再审核。") % {"name": obj})
        if obj.review_status != status:
            obj.review_status = status
            _save(obj, user, f"review: {status}")
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
        _save(project, user, "timeline")
    # The follow-through timeline: the events' saves keep it, but a project without events
    # reads its own date and stage, which may just have been edited.
    timeline.refresh([project.pk])


@transaction.atomic
def save_project_edit(project: Project, user=None, changed: Iterable[str] = ()) -> Project:
    """Save an editor's changes to a project.

    The date and stage come from the project's events, so an edit of them is
    written to the event they came from (the signing, else the first event; the
    latest event for the stage) rather than being overwritten by the timeline.
    The yuan value is computed last, at the year of the date the project keeps.
    """
    changed = set(changed)
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
    _save(project, user, "edited")
    refresh_project_timeline(project, user)
    year = project.date.year if project.date else None
    yuan = to_yuan(project.amount, project.currency, year)
    if yuan != project.amount_yuan:
        project.amount_yuan = yuan
        _save(project, user, "yuan value recomputed")
    return project


AMOUNT_FIELDS = ("amount", "amount_max", "currency", "amount_yuan", "amount_text", "approximate")
FILLABLE_FIELDS = ("zone_id", "investor", "industry", "jobs", "batch_id")


@transaction.atomic
def merge_projects(sources: Iterable[Project], target: Project, user=None) -> int:
    """Fold duplicate projects into `target`: their events and quotes move over, fields the
    target lacks are filled from them, and each source points at the target from now on."""
    target = Project.objects.select_for_update().get(pk=target.pk)
    if target.merged_into_id is not None:
        raise ValidationError(_("目标项目本身已被合并，请选择它合并后的项目。"))
    merged = 0
    for source in sources:
        if source.pk == target.pk:
            continue
        if source.merged_into_id is not None:
            raise ValidationError(_("“%(name)s”已合并过。") % {"name": source})
        _fill_missing(target, source)
        for event in source.events.all():
            event.project = target
            _save(event, user, f"merged from project {source.pk}")
        source.mentions.update(project=target)  # Mention has no history; the move is logged on the projects.
        source.merged_into = target
        _save(source, user, f"merged into project {target.pk}")
        merged += 1
    if merged:
        _save(target, user, "merge target")
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


def _fill_missing(target: Project, source: Project) -> None:
    if target.amount is None and source.amount is not None:
        for field in AMOUNT_FIELDS:
            setattr(target, field, getattr(source, field))
    for field in FILLABLE_FIELDS:
        if getattr(target, field) in (None, "") and getattr(source, field) not in (None, ""):
            setattr(target, field, getattr(source, field))


@transaction.atomic
@rollup.deferred()
def set_batch(projects: Iterable[Project], batch: Batch | None, user=None) -> int:
    """Put projects in a batch (or out of any, `batch=None`): a member's amount is part of the
    batch's, so a counted batch and its members are not added together (projects/totals.py).
    Each change is saved on its own (history; the rollup follows the save)."""
    if batch is not None and batch.merged_into_id is not None:
        raise ValidationError(_("批量签约“%(name)s”已合并到其他记录。") % {"name": batch})
    changed = 0
    for project in projects:
        if project.merged_into_id is not None:
            raise ValidationError(_("“%(name)s”已合并到其他记录，不能再审核。") % {"name": project})
        new = batch.pk if batch is not None else None
        if project.batch_id != new:
            project.batch_id = new
            _save(project, user, f"batch: {new}" if new else "batch: none")
            changed += 1
    return changed
