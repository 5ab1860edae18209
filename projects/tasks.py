"""The export task: a big Excel export built by the worker (the work is in export_jobs.run)."""

from __future__ import annotations

from celery import shared_task

from . import export_jobs


@shared_task(ignore_result=True)
def build_export(job_id: int) -> None:
    export_jobs.run(job_id)
