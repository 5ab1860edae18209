"""The parse task: claim, call the parser, store, record; and the two ways it is sent
(`enqueue_parse`, `request_reparse`). Nothing else lives here.

Delivery, crashes and the sweeper
---------------------------------
The task is acknowledged late (`acks_late`) and its message is given back to the broker
when the pool process running it dies (`reject_on_worker_lost`). A bulletin is *claimed*
with one conditional UPDATE: ``queued → parsing``, or ``parsing`` with the same task id
(the same message delivered again after its worker died). Any other copy of a message
finds nothing to claim, so a bulletin is stored once however often it is delivered; the
store itself is one transaction (`articles.ingest.store_parse`), so a death mid-write
leaves nothing half-written.

What brings a parse back after a crash, proven by tests/test_worker_crash.py:

- **pool process killed** (SIGKILL, OOM killer): the worker rejects the message and the
  broker hands it out again at once — on Redis and on the file-system broker alike.
- **whole worker killed**: Redis hands the unacknowledged message out again once its
  `visibility_timeout` has passed (CELERY_VISIBILITY_TIMEOUT, an hour by default). The
  file-system broker deletes a message when a worker takes it, so the message is gone.
- **broker down at upload**: no message was ever sent; the bulletin stays queued and says so.

For the last two the worker runs a **sweeper** (`articles.sweeper`): at worker start
(Celery's `worker_ready`, connected in config/celery.py) and every SWEEP_INTERVAL_SECONDS
(60 s; 0 turns the periodic run off) it sends again every bulletin ``parsing`` whose heartbeat
stopped (none for STALE_PARSE_SECONDS, 120 s: a running parse beats with its progress and
every PARSE_HEARTBEAT_SECONDS, see articles/heartbeat.py) and every ``queued`` one whose
message never left (its error says so) or has waited longer than STALE_QUEUED_SECONDS. The
same is `manage.py requeue_stale`, and an editor's "parse again" on a stale parse. A copy too
many is harmless: the claim lets one through.

A bulletin whose parse keeps killing its worker is not retried for ever: after
MAX_ATTEMPTS claimed deliveries it is failed with a message; "parse again" starts afresh.

Time limits: the soft limit (CELERY_TASK_SOFT_TIME_LIMIT) stops the parse and fails the
bulletin with "解析耗时过长…"; the hard limit stays at most half of Redis's visibility
timeout, so a long parse is never handed to a second worker while it still runs
(`manage.py check` refuses settings that break this, see articles/checks.py). Celery
writes both limits into each message when it is sent, so the sender's settings (the web
server's, or the sweeper's worker) are the ones that apply.
"""

from __future__ import annotations

import logging
import os
import re
import time

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from projects import claims
from projects.claims import MAX_ATTEMPTS

from .heartbeat import Heartbeat, stale, stale_cutoff, unless_locked
from .ingest import NoArticles, store_parse
from .models import Bulletin
from .parsing.pipeline import parse_bytes
from .parsing.sandbox import ReadLimits
from .parsing.types import UnreadableFile
from .parsing.zones import load_gazetteer
from .refusals import explain_no_articles, explain_refusal

log = logging.getLogger(__name__)

COPY_CONTEXT = re.compile(r"COPY \S+, line \d+")  # PostgreSQL's "COPY <table>, line <n>[, column …]: <row>"

# Test hook, inert unless set: seconds to sleep after each article, so that a test can kill
# a worker while a bulletin is "parsing" or hit the soft time limit. Never set in production.
SLOW_PARSE_ENV = "ZIT_TEST_SLOW_PARSE_SECONDS"

# The parse's progress is written at most this often (and for the last article).
PROGRESS_INTERVAL_SECONDS = 0.5

# Shown on the bulletin page while its message could not be sent; the sweeper sends it later.
QUEUE_DOWN_MESSAGE = _lazy(
    "任务队列暂时不可用，文件已保存，没有丢失；队列恢复后会自动开始解析，也可以点击“重新解析”。"
)


def claim(bulletin_id: int, task_id: str) -> bool:
    """Move a queued bulletin to parsing, once (projects/claims.py): a message redelivered after
    its worker died carries the same task id and may take its own claim back; any other copy
    finds nothing. A bulletin already claimed MAX_ATTEMPTS times is failed instead of parsed again."""
    now = timezone.now()
    claimed = claims.claim(
        Bulletin.objects.filter(pk=bulletin_id), task_id, running=Bulletin.Status.PARSING,
        started_at=now, heartbeat_at=now, progress=0,
        given_up={"progress": 0, "error": _(
            "解析已中断 %(n)d 次（工作进程崩溃或超时），已停止重试。请检查文件后点击“重新解析”。"
        ) % {"n": MAX_ATTEMPTS}},
    )
    if claimed is None:
        log.error("bulletin %s failed after %s interrupted parses", bulletin_id, MAX_ATTEMPTS)
    return bool(claimed)


def record_progress(bulletin_id: int, done: int, total: int) -> None:
    """Write the parse's progress (10 % once claimed, 90 % when every article is read); a
    heartbeat too (articles/heartbeat.py)."""
    percent = 10 + int(80 * done / max(total, 1))
    Bulletin.objects.filter(pk=bulletin_id, status=Bulletin.Status.PARSING).update(
        progress=percent, heartbeat_at=timezone.now()
    )


class ProgressReporter:
    """The parser's progress callback: writes the bulletin's progress at most once per
    PROGRESS_INTERVAL_SECONDS, and always for the last article.

    Why: the parser reports after every article; an UPDATE (and its commit) per article made
    the parse inside the task ~3x the parse alone (docs/benchmarks.md, 2). The bulletin page
    polls every few seconds, so a write per half second keeps its bar moving all the same."""

    def __init__(self, bulletin_id: int, interval: float | None = None, clock=time.monotonic):
        self.bulletin_id = bulletin_id
        self.interval = PROGRESS_INTERVAL_SECONDS if interval is None else interval
        self.clock = clock
        self.written_at: float | None = None
        self.slow = float(os.environ.get(SLOW_PARSE_ENV) or 0)  # the test hook, read once

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if done >= total or self.written_at is None or now - self.written_at >= self.interval:
            record_progress(self.bulletin_id, done, total)
            self.written_at = now
        if self.slow:
            time.sleep(self.slow)


def finish(bulletin_id: int, status: str, error: str = "") -> None:
    Bulletin.objects.filter(pk=bulletin_id).update(
        status=status,
        error=error[:2000],
        finished_at=timezone.now(),
        progress=100 if status == Bulletin.Status.PARSED else 0,
    )


def fail(bulletin_id: int, error: str) -> None:
    """Record a failure, on a fresh connection if the error broke the one we had."""
    try:
        finish(bulletin_id, Bulletin.Status.FAILED, error)
    except DatabaseError:
        connection.close()
        finish(bulletin_id, Bulletin.Status.FAILED, error)


def failure_message(exc: BaseException, soft_limit: float | None = None) -> str:
    """The reason a parse failed, in words an editor understands, with the detail after."""
    if isinstance(exc, SoftTimeLimitExceeded):
        return _(
            "解析耗时过长（超过 %(seconds)s 秒），已停止，没有写入任何结果。"
            "文件可能过大；可拆分后重新上传，或稍后点击“重新解析”。"
        ) % {"seconds": f"{soft_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT:g}"}
    if isinstance(exc, DatabaseError):
        # A bulk write (COPY) adds the row it was copying to the database's words: data, not a reason.
        words = "\n".join(line for line in str(exc).splitlines() if not COPY_CONTEXT.match(line))
        return _(
            "写入数据库时出错，本次解析的结果已全部撤销，没有留下半截数据。"
            "可稍后点击“重新解析”。（%(detail)s）"
        ) % {"detail": f"{type(exc).__name__}: {words}".strip()}
    return _("解析出错，没有写入任何结果：%(detail)s") % {"detail": f"{type(exc).__name__}: {exc}"}


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def parse_bulletin(self, bulletin_id: int) -> str:
    task_id = self.request.id or "eager"
    if not claim(bulletin_id, task_id):
        return "nothing to claim"
    # A real worker beats in a thread meanwhile (an eager run has no worker to lose).
    beating = Heartbeat(bulletin_id, task_id, 0 if self.request.is_eager else None)
    try:
        with beating:
            bulletin = Bulletin.objects.select_related("file").get(pk=bulletin_id)
            started = time.perf_counter()
            parsed = parse_bytes(
                bytes(bulletin.file.data),
                path=bulletin.original_name or None,
                issue_date=bulletin.issue_date,
                publication=bulletin.publication,
                gazetteer=load_gazetteer(),
                progress=ProgressReporter(bulletin_id),
                read_limits=ReadLimits(settings.READ_MAX_MEMORY_BYTES, settings.READ_TIMEOUT_SECONDS),
            )
            parsed_at = time.perf_counter()
            summary = store_parse(bulletin, parsed)
        log.info("bulletin %s: parse %.2f s, write %.2f s", bulletin_id, parsed_at - started,
                 time.perf_counter() - parsed_at)
    except UnreadableFile as exc:
        fail(bulletin_id, explain_refusal(str(exc)))
        return "failed"
    except NoArticles as exc:
        fail(bulletin_id, explain_no_articles(exc.file_format, bulletin.size))
        return "failed"
    except SoftTimeLimitExceeded as exc:
        log.warning("parse of bulletin %s hit the soft time limit", bulletin_id)
        soft_limit = (self.request.timelimit or (None, None))[1]  # the limits travel in the message
        fail(bulletin_id, failure_message(exc, soft_limit))
        return "failed"
    except Exception as exc:
        log.exception("parse of bulletin %s failed", bulletin_id)
        fail(bulletin_id, failure_message(exc))
        return "failed"
    finish(bulletin_id, Bulletin.Status.PARSED)
    return f"parsed: {summary.articles} articles, {summary.projects} projects, {summary.batches} batches"


def enqueue_parse(bulletin_id: int) -> None:
    """Send the parse task; if the broker is down the bulletin stays queued and says so.

    Connecting and publishing give up within seconds (CELERY_BROKER_CONNECTION_TIMEOUT,
    CELERY_TASK_PUBLISH_RETRY_POLICY), so an upload never hangs on a dead broker; the
    sweeper (articles/sweeper.py) sends every bulletin marked this way once it is back."""
    try:
        parse_bulletin.delay(bulletin_id)
    except Exception as exc:  # the broker's own errors vary by transport
        log.warning("could not queue bulletin %s: %s", bulletin_id, exc)
        Bulletin.objects.filter(pk=bulletin_id, status=Bulletin.Status.QUEUED).update(
            error=str(QUEUE_DOWN_MESSAGE)
        )


@transaction.atomic
def request_reparse(bulletin: Bulletin) -> bool:
    """Queue a bulletin for parsing again unless it is being parsed right now: a parse whose
    heartbeat stopped (its worker died, articles/heartbeat.py) is not, and is queued afresh."""
    free = Bulletin.objects.filter(pk=bulletin.pk).filter(
        ~Q(status=Bulletin.Status.PARSING) | stale(stale_cutoff())
    )
    updated = (
        Bulletin.objects.filter(pk__in=unless_locked(free))
        .update(
            status=Bulletin.Status.QUEUED,
            progress=0,
            error="",
            task_id="",
            attempts=0,
            started_at=None,
            heartbeat_at=None,
            finished_at=None,
            queued_at=timezone.now(),
        )
    )
    if updated:
        transaction.on_commit(lambda: enqueue_parse(bulletin.pk))
    return bool(updated)
