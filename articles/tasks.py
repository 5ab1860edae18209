"""The parse task: claim, call the parser, store, record. Nothing else lives here."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from .ingest import store_parse
from .models import Bulletin
from .parsing.pipeline import parse_bytes
from .parsing.types import UnreadableFile
from .parsing.zones import load_gazetteer

log = logging.getLogger(__name__)


def claim(bulletin_id: int, task_id: str) -> bool:
    """Move a queued bulletin to parsing, once. A message redelivered after its worker died
    carries the same task id and may take its own claim back; any other copy finds nothing."""
    return bool(
        Bulletin.objects.filter(pk=bulletin_id)
        .filter(Q(status=Bulletin.Status.QUEUED) | Q(status=Bulletin.Status.PARSING, task_id=task_id))
        .update(
            status=Bulletin.Status.PARSING, task_id=task_id, started_at=timezone.now(), progress=0, error=""
        )
    )


def record_progress(bulletin_id: int, done: int, total: int) -> None:
    percent = 10 + int(80 * done / max(total, 1))
    Bulletin.objects.filter(pk=bulletin_id, status=Bulletin.Status.PARSING).update(progress=percent)


def finish(bulletin_id: int, status: str, error: str = "") -> None:
    Bulletin.objects.filter(pk=bulletin_id).update(
        status=status,
        error=error[:2000],
        finished_at=timezone.now(),
        progress=100 if status == Bulletin.Status.PARSED else 0,
    )


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def parse_bulletin(self, bulletin_id: int) -> str:
    task_id = self.request.id or "eager"
    if not claim(bulletin_id, task_id):
        return "nothing to claim"
    bulletin = Bulletin.objects.select_related("file").get(pk=bulletin_id)
    try:
        parsed = parse_bytes(
            bytes(bulletin.file.data),
            path=bulletin.original_name or None,
            issue_date=bulletin.issue_date,
            publication=bulletin.publication,
            gazetteer=load_gazetteer(),
            progress=lambda done, total: record_progress(bulletin_id, done, total),
        )
        summary = store_parse(bulletin, parsed)
    except UnreadableFile as exc:
        finish(bulletin_id, Bulletin.Status.FAILED, str(exc))
        return "failed"
    except Exception as exc:
        log.exception("parse of bulletin %s failed", bulletin_id)
        finish(bulletin_id, Bulletin.Status.FAILED, f"{type(exc).__name__}: {exc}")
        return "failed"
    finish(bulletin_id, Bulletin.Status.PARSED)
    return f"parsed: {summary.articles} articles, {summary.projects} projects, {summary.batches} batches"
