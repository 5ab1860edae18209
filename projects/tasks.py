"""The export task: a big Excel export built by the worker (the work is in export_jobs.run).

Acknowledged late and given back to the broker when its worker dies, as the parse task is
(articles/tasks.py says what brings a message back): the job is claimed per delivery
(projects/claims.py), so a redelivered message rebuilds a job cut short and leaves a done one."""

from __future__ import annotations

import logging

from celery import shared_task

from . import export_jobs

log = logging.getLogger(__name__)


@shared_task(bind=True, ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def build_export(self, job_id: int) -> None:
    export_jobs.run(job_id, self.request.id or "eager")


def recover_stale_exports() -> int:
    """Send again the export jobs whose worker died or whose message was lost (the workers'
    sweeper, articles/sweeper.py); a job that cannot be sent (the broker is down) is failed,
    saying why. Returns how many were sent."""
    ids = export_jobs.requeue_stale()
    sent = []
    for job_id in ids:
        try:
            build_export.delay(job_id)
        except Exception:
            log.exception("export job %s could not be sent again", job_id)
        else:
            sent.append(job_id)
    export_jobs.fail_unsent(set(ids) - set(sent))
    return len(sent)
