"""Big Excel exports are built by the worker and offered as a download (issue 15, item 14).

Why: an XLSX cannot be sent before it is whole (a zip with its directory at the end), and at
150k rows building it took 30 s on a quiet machine and over two minutes under load — past
gunicorn's timeout, which kills the web worker and drops the connection. CSV streams and stays
inline. An XLSX of more than EXPORT_INLINE_ROWS rows (one cheap COUNT on the same filtered
querysets the rows are read from) becomes an `ExportJob`: the web request only records it and
sends the task (projects/export_responses.py); the worker writes the file through the same
`exports.write_xlsx` and row builders as the inline download (`ExportSpec`, one per kind: the
same rows, the same layout), first into a `.part` file on its own disk (bounded memory), which,
once whole, is copied into the database in pieces (`ExportChunk`, at most CHUNK_BYTES each) in
the same transaction that marks the job done, and then removed. The file lives in the database,
as uploads do (articles.models.StoredFile), because with DATABASE_URL and CELERY_BROKER_URL on
shared services the web process that serves the download may run on another machine than the
worker: a file on the worker's disk was a 404 there. The download reads it back one piece per
query (`stream`), so neither side holds the file whole. A failed build leaves no file. A worker
killed mid-build gives its message back and the job, claimed per
delivery as a parse is (projects/claims.py), is built again from the start by that message; a
job silent past the task's hard time limit (its whole worker died, whose message the broker
holds for its visibility timeout, or its message was lost) is put back and sent again by the
sweeper (`requeue_stale`), and failed, saying so, after MAX_ATTEMPTS builds. An
ask for an export that is already queued or running for the same user gets that job (`query_key`
and the model's partial unique constraint), not a second one. Anonymous visitors
(ZIT_PUBLIC_READ_ONLY) get no job: they are asked to narrow the filter or take the CSV. Jobs
older than EXPORT_KEEP_HOURS are deleted with their stored file by the worker's sweeper
(articles/sweeper.py) and by `manage.py delete_old_exports`, as are `.part` files that old.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy

from . import claims, exports
from .models import ExportChunk, ExportJob

log = logging.getLogger(__name__)

STALE_MARGIN_SECONDS = 300
# The most bytes of a file in one database row, and so in memory at once on either side.
CHUNK_BYTES = 1024 * 1024
STALE_MESSAGE = gettext_lazy("后台进程在生成文件时停止，文件没有生成；请重新导出。")
GIVEN_UP_MESSAGE = gettext_lazy(
    "生成导出文件时后台进程已中断 %(n)d 次，已停止重试；请缩小筛选范围或改用 CSV。")

# Where each kind's spec is built: the stalled list lives in the articles app, which needs
# projects (so projects names it by path instead of importing it).
SPECS = {
    "projects": "projects.export_specs.projects_spec",
    "totals": "projects.export_specs.totals_spec",
    "stalled": "articles.follow_through_views.stalled_spec",
}


@dataclass
class ExportSpec:
    """What one export holds, before any row is read. `count` is a cheap COUNT of the rows
    (None: few by construction, e.g. the zone-month totals, always inline)."""

    disposition: str
    title: str
    header: list[str]
    rows: Iterable[list]
    preamble: list[list]
    count: Callable[[], int] | None = None


def build_spec(kind: str, data: QueryDict, request=None, base_url: str = "", fmt: str = "xlsx") -> ExportSpec:
    return import_string(SPECS[kind])(data, request=request, base_url=base_url, fmt=fmt)


def export_dir() -> Path:
    return Path(settings.EXPORT_DIR)


def is_stored(job: ExportJob) -> bool:
    """Whether the job's finished file is in the database (it goes with the job)."""
    return job.status == ExportJob.Status.DONE and job.chunks.exists()


def store(job_id: int, source: BinaryIO) -> int:
    """Copy a file into the job's chunks, CHUNK_BYTES at a time (replacing any it had); the
    caller's transaction makes them appear at once. The number of bytes copied."""
    ExportChunk.objects.filter(job_id=job_id).delete()
    size = 0
    for position, piece in enumerate(iter(lambda: source.read(CHUNK_BYTES), b"")):
        ExportChunk.objects.create(job_id=job_id, position=position, data=piece)
        size += len(piece)
    return size


def stream(job: ExportJob) -> Iterator[bytes]:
    """The job's file, one chunk per query (a chunk deleted meanwhile ends it)."""
    position = 0
    while True:
        piece = (ExportChunk.objects.filter(job_id=job.pk, position=position)
                 .values_list("data", flat=True).first())
        if piece is None:
            return
        yield bytes(piece)  # PostgreSQL gives a memoryview
        position += 1


def query_key(kind: str, fmt: str, language: str, data: QueryDict) -> str:
    """What makes two asks for an export the same: the kind and format, the language of its
    labels, and the filter's parameters with their order and empty values left out."""
    pairs = sorted((name, value) for name, values in data.lists() for value in values if value != "")
    return hashlib.sha256(f"{kind}.{fmt}|{language}|{urlencode(pairs)}".encode()).hexdigest()


def run(job_id: int, task_id: str) -> None:
    """Build one job's file (the task's whole work), claimed once per delivery (projects/claims.py):
    a job done or failed is left alone; one whose worker died mid-build is built again from the
    start by the same message, handed out again. Written to `<job>.xlsx.part` (a dead build's part
    is overwritten), then copied into the database with the job marked done, in one transaction
    (a worker killed while copying leaves no pieces), and removed."""
    claimed = claims.claim(ExportJob.objects.filter(pk=job_id), task_id, running=ExportJob.Status.RUNNING,
                           given_up={"error": str(GIVEN_UP_MESSAGE) % {"n": claims.MAX_ATTEMPTS}},
                           claimed_at=timezone.now())
    if claimed is None:
        log.error("export job %s failed after %s interrupted builds", job_id, claims.MAX_ATTEMPTS)
    if not claimed:
        return
    job = ExportJob.objects.get(pk=job_id)
    folder = export_dir()
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f"{job.pk}.xlsx.part"
    try:
        with translation.override(job.language or None):
            spec = build_spec(job.kind, QueryDict(job.query), base_url=job.base_url)
            with partial.open("wb") as target:
                rows = exports.write_xlsx(target, spec.title, spec.header, spec.rows, spec.preamble)
        with partial.open("rb") as source, transaction.atomic():
            size = store(job.pk, source)
            ExportJob.objects.filter(pk=job_id).update(
                status=ExportJob.Status.DONE, size=size, rows=rows, disposition=spec.disposition,
                finished_at=timezone.now())
    except Exception as exc:
        partial.unlink(missing_ok=True)
        log.exception("export job %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, error=(str(exc) or type(exc).__name__)[:1000],
            finished_at=timezone.now())
        return
    partial.unlink(missing_ok=True)


def requeue_stale(now: dt.datetime | None = None) -> list[int]:
    """The jobs silent long past the task's hard time limit since they were last claimed or put
    back (else since they were asked for): their worker died, or their message was lost. Each is
    put back in the queue — the caller sends it again (projects.tasks.recover_stale_exports) and
    the next delivery claims and rebuilds it — unless MAX_ATTEMPTS builds were claimed already:
    then it is failed, saying so. Returns the ids to send again. (Left to the broker, a dead
    worker's message came back only after the visibility timeout, an hour on Redis; the job
    was failed before that.)"""
    now = now or timezone.now()
    limit = dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + STALE_MARGIN_SECONDS)
    silent = ExportJob.objects.filter(
        Q(claimed_at__lt=now - limit) | Q(claimed_at__isnull=True, created_at__lt=now - limit),
        status__in=(ExportJob.Status.QUEUED, ExportJob.Status.RUNNING),
    )
    silent.filter(attempts__gte=claims.MAX_ATTEMPTS).update(
        status=ExportJob.Status.FAILED, finished_at=now,
        error=str(GIVEN_UP_MESSAGE) % {"n": claims.MAX_ATTEMPTS})
    with transaction.atomic():
        ids = list(silent.select_for_update().values_list("pk", flat=True))
        ExportJob.objects.filter(pk__in=ids).update(status=ExportJob.Status.QUEUED, claimed_at=now)
    return ids


def fail_unsent(job_ids: Iterable[int], now: dt.datetime | None = None) -> None:
    """Jobs that could not be sent again (the broker is down): failed, saying why."""
    ExportJob.objects.filter(pk__in=list(job_ids), status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.FAILED, error=str(STALE_MESSAGE), finished_at=now or timezone.now())


def delete_old(now: dt.datetime | None = None) -> int:
    """Delete the jobs asked for more than EXPORT_KEEP_HOURS ago with their stored files, and any
    file of this machine's export folder that old (a `.part` left by a killed worker)."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.EXPORT_KEEP_HOURS)
    _total, by_model = ExportJob.objects.filter(created_at__lt=cutoff).delete()  # chunks cascade
    folder = export_dir()
    if folder.is_dir():
        for path in folder.iterdir():
            modified = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
            if path.is_file() and modified < cutoff:
                path.unlink(missing_ok=True)
    return by_model.get(ExportJob._meta.label, 0)
