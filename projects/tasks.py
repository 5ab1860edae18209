"""The export task: a big Excel export built by the worker (the work is in export_jobs.run).

Acknowledged late and given back to the broker when its worker dies, as the parse task is
(articles/tasks.py says what brings a message back): the job is claimed per delivery
(projects/claims.py), so a redelivered message rebuilds a job cut short and leaves a done one."""

from __future__ import annotations

from celery import shared_task

from . import export_jobs


@shared_task(bind=True, ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def build_export(self, job_id: int) -> None:
    export_jobs.run(job_id, self.request.id or "eager")
