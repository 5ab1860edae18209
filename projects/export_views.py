"""An export job's page (polled by htmx until the file is ready) and its download: for the user
who asked and for staff only; anyone else gets a 404, as for a job that does not exist."""

from __future__ import annotations

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from . import export_jobs, exports
from .models import ExportJob


def _job(request, pk: int) -> ExportJob:
    job = get_object_or_404(ExportJob, pk=pk)
    if job.user_id != request.user.pk and not request.user.is_staff:
        raise Http404
    return job


@require_safe
def export_job(request, pk: int):
    """The whole page, or (an htmx poll) only its status block."""
    job = _job(request, pk)
    polled = request.headers.get("HX-Request")
    template = "projects/_export_job.html" if polled else "projects/export_job.html"
    return render(request, template, {"job": job, "ready": export_jobs.is_stored(job)})


@require_safe
def export_download(request, pk: int):
    """The file as stored in the database (export_jobs.stream), whichever machine built it."""
    job = _job(request, pk)
    if not export_jobs.is_stored(job):
        raise Http404
    response = StreamingHttpResponse(export_jobs.stream(job), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = job.disposition
    if job.size is not None:
        response["Content-Length"] = str(job.size)
    return response
