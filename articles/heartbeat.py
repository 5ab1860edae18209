"""A running parse's heartbeat, and what counts as a parse whose worker is gone.

Why: a whole worker killed (SIGKILL, a machine lost) leaves its bulletin "parsing" with nobody
to finish it. Waiting for the hard time limit to pass before calling it dead held the bulletin
for half an hour and refused "parse again" meanwhile. A parse that is alive says so instead:
`Bulletin.heartbeat_at` is written when it is claimed, with every progress write
(`articles.tasks.record_progress`), every PARSE_HEARTBEAT_SECONDS by a thread beside the task
(long single steps: one huge article, the write), and when the write ends. A parse is *stale*
once its heartbeat is older than STALE_PARSE_SECONDS (a few missed beats): the sweeper and
`manage.py requeue_stale` send it again, and an editor may re-queue it from its page.

While the write (`articles.ingest.store_parse`) runs it holds the bulletin's row lock, so no
beat lands then; on PostgreSQL a locked row is never stale (`unless_locked`: the lock dies with
the worker's connection), and the write's last act is a beat.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Bulletin

log = logging.getLogger(__name__)


def stale_cutoff(now: dt.datetime | None = None, seconds: float | None = None) -> dt.datetime:
    seconds = settings.STALE_PARSE_SECONDS if seconds is None else seconds
    return (now or timezone.now()) - dt.timedelta(seconds=seconds)


def stale(cutoff: dt.datetime) -> Q:
    """A parse whose last sign of life is older than `cutoff` (before the first heartbeat of a row
    parsed by an older version: its start)."""
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    return Q(status=Bulletin.Status.PARSING) & silent


def unless_locked(rows: QuerySet) -> list[int]:
    """Ids of these rows, locked for this transaction, skipping any row a running write holds
    (call inside `transaction.atomic`; on SQLite, which has no row locks, all of them)."""
    return list(rows.select_for_update(skip_locked=True).values_list("pk", flat=True))


def beat(bulletin_id: int, task_id: str) -> bool:
    """One beat of the parse `task_id` of this bulletin, unless its row is being written."""
    with transaction.atomic():
        mine = Bulletin.objects.filter(pk=bulletin_id, status=Bulletin.Status.PARSING, task_id=task_id)
        if not unless_locked(mine):
            return False
        return bool(mine.update(heartbeat_at=timezone.now()))


class Heartbeat:
    """`with Heartbeat(bulletin_id, task_id):` beats every PARSE_HEARTBEAT_SECONDS in a daemon
    thread (its own database connection) until the block ends. A beat that fails (the database
    blinked, SQLite busy) is logged and the next one tried: the progress writes beat too."""

    def __init__(self, bulletin_id: int, task_id: str, interval: float | None = None):
        self.bulletin_id, self.task_id = bulletin_id, task_id
        self.interval = settings.PARSE_HEARTBEAT_SECONDS if interval is None else interval
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> Heartbeat:
        if self.interval > 0:
            name = f"zit-heartbeat-{self.bulletin_id}"
            self.thread = threading.Thread(target=self._run, name=name, daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=self.interval + 30)

    def _run(self) -> None:
        try:
            while not self.stop.wait(self.interval):
                try:
                    beat(self.bulletin_id, self.task_id)
                except Exception:
                    log.exception("heartbeat of bulletin %s failed; trying again", self.bulletin_id)
        finally:
            connection.close()  # this thread's own connection
