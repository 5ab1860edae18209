"""How an export request is answered: a streamed CSV, an inline XLSX when it is small, or an
export job for the worker (projects/export_jobs.py says why) — kept apart from export_jobs so that
the task module, which calls export_jobs, is not imported back by it."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.access import is_public

from . import export_jobs, exports
from .export_jobs import ExportSpec, build_spec
from .models import ExportJob
from .tasks import build_export

log = logging.getLogger(__name__)


def respond(request, kind: str, fmt: str, base_url: str = ""):
    """The export asked for: a streamed CSV, or `xlsx_or_job`."""
    spec = build_spec(kind, request.GET, request, base_url, fmt)
    if fmt == "csv":
        return exports.csv_response(spec.disposition, spec.header, spec.rows, spec.preamble)
    return xlsx_or_job(request, kind, spec)


def xlsx_or_job(request, kind: str, spec: ExportSpec):
    """The inline XLSX when it is small; else a job for a signed-in user (redirect to its page)
    or, for the public, a page asking to narrow the filter or take the CSV."""
    if spec.count is None or spec.count() <= settings.EXPORT_INLINE_ROWS:
        return exports.xlsx_response(spec.disposition, spec.title, spec.header, spec.rows, spec.preamble)
    csv_url = request.path.removesuffix(".xlsx") + ".csv"
    if request.GET:
        csv_url += "?" + request.GET.urlencode()
    if is_public(request):
        return render(request, "projects/export_too_big.html",
                      {"limit": settings.EXPORT_INLINE_ROWS, "csv_url": csv_url}, status=403)
    job = start(request, kind)
    return redirect(reverse("export-job", args=[job.pk]))


def start(request, kind: str) -> ExportJob:
    """The job for this ask: the same export still queued or running (a second click), or a new
    one recorded and sent; a broker that is down fails the new job, saying so.

    One active job per user and ask is the database's rule (ExportJob's partial unique
    constraint), so two requests at once cannot both insert: the loser's INSERT waits for the
    winner's and fails, and it takes the winner's job. A job finished meanwhile frees the key."""
    language = translation.get_language() or ""
    key = export_jobs.query_key(kind, "xlsx", language, request.GET)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                job = ExportJob.objects.create(
                    user=request.user, kind=kind, query=request.GET.urlencode(), query_key=key,
                    language=language, base_url=request.build_absolute_uri("/")[:-1],
                )
            break
        except IntegrityError:
            active = ExportJob.objects.filter(
                user=request.user, kind=kind, query_key=key,
                status__in=(ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)).first()
            if active is not None:
                return active
    else:
        raise RuntimeError(f"no export job could be recorded for {kind}?{request.GET.urlencode()}")
    try:
        build_export.delay(job.pk)
    except Exception as exc:  # the broker's own errors vary by transport
        log.warning("could not queue export job %s: %s", job.pk, exc)
        ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.QUEUED).update(
            status=ExportJob.Status.FAILED, error=_("任务队列暂时不可用，请稍后再试。"),
            finished_at=timezone.now())
    job.refresh_from_db()
    return job
