"""The sweeper: sends again the parses a dead worker or a dead broker left behind.

Two kinds of bulletin are picked up (see the docstring of articles/tasks.py for why):

- **stale parsing** — ``parsing`` with no heartbeat for STALE_PARSE_SECONDS
  (articles/heartbeat.py): its worker died and its message is gone (file-system broker) or
  not yet handed out again (Redis). It goes back to ``queued`` with its task id cleared and a
  fresh message is sent. A row that a running write holds locked is skipped (PostgreSQL).
- **unsent or lost queued** — ``queued`` with the "queue unavailable" error that
  `enqueue_parse` writes when the broker refused the message, or ``queued`` for longer
  than STALE_QUEUED_SECONDS (a message taken by a worker that then died before claiming).

Each is taken with a conditional UPDATE on the state it was seen in, so two sweepers (one
per worker) never send the same bulletin twice in one round; a copy too many would find
nothing to claim anyway. The worker runs `sweep()` when it is ready and every
SWEEP_INTERVAL_SECONDS in a daemon thread; `manage.py requeue_stale` runs it by hand.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone

from .heartbeat import stale, stale_cutoff, unless_locked
from .models import Bulletin
from .tasks import enqueue_parse

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    parsing: list[int] = field(default_factory=list)  # stale parses sent again
    queued: list[int] = field(default_factory=list)  # queued bulletins sent (again)

    @property
    def total(self) -> int:
        return len(self.parsing) + len(self.queued)


def sweep(
    *,
    parsing_older_than: float | None = None,
    queued_older_than: float | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> SweepResult:
    """Send again every stale parse and every queued bulletin without a message."""
    now = now or timezone.now()
    parsing_cutoff = stale_cutoff(now, parsing_older_than)
    queued_cutoff = now - dt.timedelta(
        seconds=settings.STALE_QUEUED_SECONDS if queued_older_than is None else queued_older_than
    )
    result = SweepResult()
    silent = Bulletin.objects.filter(stale(parsing_cutoff))
    for pk, task_id in silent.order_by("pk").values_list("pk", "task_id"):
        same = Bulletin.objects.filter(stale(parsing_cutoff), pk=pk, task_id=task_id)
        if dry_run or _take(same, now):
            result.parsing.append(pk)
    waiting = Bulletin.objects.filter(status=Bulletin.Status.QUEUED).filter(
        ~Q(error="") | Q(queued_at__lt=queued_cutoff)
    )
    for pk, queued_at, error in waiting.values_list("pk", "queued_at", "error"):
        same = Bulletin.objects.filter(pk=pk, status=Bulletin.Status.QUEUED, queued_at=queued_at, error=error)
        if dry_run or _take(same, now):
            result.queued.append(pk)
    if not dry_run:
        for pk in result.parsing + result.queued:
            enqueue_parse(pk)
    if result.total:
        log.warning(
            "sweeper %s: stale parses %s, queued without a message %s",
            "would send" if dry_run else "sent again",
            result.parsing,
            result.queued,
        )
    return result


@transaction.atomic
def _take(queryset, now: dt.datetime) -> bool:
    """Put one bulletin back in the queue, if it is still in the state it was seen in (and no
    running write holds its row)."""
    return bool(
        Bulletin.objects.filter(pk__in=unless_locked(queryset)).update(
            status=Bulletin.Status.QUEUED, task_id="", progress=0, error="", started_at=None,
            heartbeat_at=None, queued_at=now,
        )
    )


def sweep_safely() -> SweepResult | None:
    """One sweep that never raises (a worker must keep running if the database blinks); it
    also deletes the export files older than EXPORT_KEEP_HOURS (projects/export_jobs.py)."""
    close_old_connections()
    try:
        _delete_old_exports()
        return sweep()
    except Exception:
        log.exception("sweeper run failed; trying again at the next interval")
        return None
    finally:
        close_old_connections()


def _delete_old_exports() -> None:
    from projects.export_jobs import delete_old
    from projects.tasks import recover_stale_exports

    try:
        recover_stale_exports()
        delete_old()
    except Exception:
        log.exception("deleting old export files failed; trying again at the next interval")


def start_in_worker(sender=None, **kwargs) -> None:
    """Celery `worker_ready` (connected in config/celery.py): sweep now, then every
    SWEEP_INTERVAL_SECONDS in the background."""
    sweep_safely()
    interval = settings.SWEEP_INTERVAL_SECONDS
    if interval <= 0:
        return
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            sweep_safely()

    threading.Thread(target=loop, name="zit-sweeper", daemon=True).start()
