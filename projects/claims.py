"""Claiming a task's row once per delivery: shared by the parse task (articles/tasks.py) and the
export task (projects/export_jobs.py), whose messages are acknowledged late and handed out again
when the worker running them dies (`acks_late`, `reject_on_worker_lost`).

A row (a bulletin, an export job) is claimed with one conditional UPDATE: ``queued → running``,
or ``running`` with the same task id — the same message delivered again after its worker died,
which takes its own claim back and starts over. Any other copy of a message finds nothing to
claim, and a row already done (or failed) is left as it is. A row whose work keeps killing its
worker is not retried for ever: after MAX_ATTEMPTS claimed deliveries it is failed with a message.

Lives in projects, the lower of the two apps (the layers in pyproject.toml), so both can use it.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.utils import timezone

MAX_ATTEMPTS = 3


def claim(row: QuerySet, task_id: str, *, running: str, given_up: dict, **started) -> bool | None:
    """Claim the one row of `row` (a queryset filtered to its pk) for the delivery `task_id`.

    The row needs `status` (with `queued` and `failed` among its values), `task_id`, `attempts`,
    `error` and `finished_at`. `started` are the further fields a claim writes; `given_up` the
    fields written when MAX_ATTEMPTS deliveries were claimed already (its `error` at least).
    True: claimed. None: given up now (the row is failed). False: nothing to claim."""
    claimable = row.filter(Q(status="queued") | Q(status=running, task_id=task_id))
    claimed = claimable.filter(attempts__lt=MAX_ATTEMPTS).update(
        status=running, task_id=task_id, error="", attempts=F("attempts") + 1, **started)
    if claimed:
        return True
    if claimable.update(status="failed", finished_at=timezone.now(), **given_up):
        return None
    return False
