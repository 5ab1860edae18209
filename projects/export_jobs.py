"""Big Excel exports are built by the worker and offered as a download (issue 15, item 14).

Why: an XLSX cannot be sent before it is whole (a zip with its directory at the end), and at
150k rows building it took 30 s on a quiet machine and over two minutes under load — past
gunicorn's timeout, which kills the web worker and drops the connection. CSV streams and stays
inline. An XLSX of more than EXPORT_INLINE_ROWS rows (one cheap COUNT on the same filtered
querysets the rows are read from) becomes an `ExportJob`: the web request only records it and
sends the task (projects/export_responses.py); the worker writes the file through the same
`exports.write_xlsx` and row builders as the inline download (`ExportSpec`, one per kind: the
same rows, the same layout), first into a `.part` file renamed when complete, so a failed
build leaves no file. A worker killed mid-build gives its message back and the job, claimed per
delivery as a parse is (projects/claims.py), is built again from the start by that message. An
ask for an export that is already queued or running for the same user gets that job (`query_key`
and the model's partial unique constraint), not a second one. Anonymous visitors
(ZIT_PUBLIC_READ_ONLY) get no job: they are asked to narrow the filter or take the CSV. Files and
jobs older than EXPORT_KEEP_HOURS are deleted by the worker's sweeper (articles/sweeper.py) and by
`manage.py delete_old_exports`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy

from . import claims, exports
from .models import ExportJob

log = logging.getLogger(__name__)

STALE_MARGIN_SECONDS = 300
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


def file_of(job: ExportJob) -> Path | None:
    """The job's finished file, if it is still there."""
    if job.status != ExportJob.Status.DONE or not job.path:
        return None
    path = export_dir() / Path(job.path).name
    return path if path.is_file() else None


def query_key(kind: str, fmt: str, language: str, data: QueryDict) -> str:
    """What makes two asks for an export the same: the kind and format, the language of its
    labels, and the filter's parameters with their order and empty values left out."""
    pairs = sorted((name, value) for name, values in data.lists() for value in values if value != "")
    return hashlib.sha256(f"{kind}.{fmt}|{language}|{urlencode(pairs)}".encode()).hexdigest()


def run(job_id: int, task_id: str) -> None:
    """Build one job's file (the task's whole work), claimed once per delivery (projects/claims.py):
    a job done or failed is left alone; one whose worker died mid-build is built again from the
    start by the same message, handed out again. Written to `<job>.xlsx.part` (a dead build's part
    is overwritten) and renamed when whole."""
    claimed = claims.claim(ExportJob.objects.filter(pk=job_id), task_id, running=ExportJob.Status.RUNNING,
                           given_up={"error": str(GIVEN_UP_MESSAGE) % {"n": claims.MAX_ATTEMPTS}})
    if claimed is None:
        log.error("export job %s failed after %s interrupted builds", job_id, claims.MAX_ATTEMPTS)
    if not claimed:
        return
    job = ExportJob.objects.get(pk=job_id)
    folder = export_dir()
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{job.pk}-{secrets.token_hex(8)}.xlsx"
    partial = folder / f"{job.pk}.xlsx.part"
    try:
        with translation.override(job.language or None):
            spec = build_spec(job.kind, QueryDict(job.query), base_url=job.base_url)
            with partial.open("wb") as target:
                rows = exports.write_xlsx(target, spec.title, spec.header, spec.rows, spec.preamble)
        partial.replace(final)
    except Exception as exc:
        partial.unlink(missing_ok=True)
        log.exception("export job %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, error=(str(exc) or type(exc).__name__)[:1000],
            finished_at=timezone.now())
        return
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportJob.Status.DONE, path=final.name, rows=rows, disposition=spec.disposition,
        finished_at=timezone.now())


def fail_stale(now: dt.datetime | None = None) -> int:
    """Fail the jobs still queued or building long after the task's hard time limit: their
    worker died (or never took the message), and their page would otherwise poll for ever."""
    limit = dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + STALE_MARGIN_SECONDS)
    return ExportJob.objects.filter(
        status__in=(ExportJob.Status.QUEUED, ExportJob.Status.RUNNING),
        created_at__lt=(now or timezone.now()) - limit,
    ).update(status=ExportJob.Status.FAILED, error=str(STALE_MESSAGE), finished_at=now or timezone.now())


def delete_old(now: dt.datetime | None = None) -> int:
    """Delete the jobs (and their files) asked for more than EXPORT_KEEP_HOURS ago, and any
    file of the folder that old with no job (a `.part` left by a killed worker)."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.EXPORT_KEEP_HOURS)
    old = ExportJob.objects.filter(created_at__lt=cutoff)
    for name in old.exclude(path="").values_list("path", flat=True):
        (export_dir() / Path(name).name).unlink(missing_ok=True)
    deleted, _by_model = old.delete()
    folder = export_dir()
    if folder.is_dir():
        kept = set(ExportJob.objects.exclude(path="").values_list("path", flat=True))
        for path in folder.iterdir():
            modified = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
            if path.name not in kept and modified < cutoff:
                path.unlink(missing_ok=True)
    return deleted
