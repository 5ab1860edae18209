"""System checks for the parse task's time limits (run by `manage.py check` and scripts/test)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register


@register()
def parse_time_limits(app_configs=None, **kwargs) -> list[Error]:
    """A parse must end (soft, then hard limit) well before Redis hands its message to a second
    worker (visibility timeout), the sweeper must not call a running parse stale (it beats:
    articles/heartbeat.py), and reading the file (articles/parsing/sandbox.py) must give up
    before the parse's soft limit."""
    soft, hard = settings.CELERY_TASK_SOFT_TIME_LIMIT, settings.CELERY_TASK_TIME_LIMIT
    visibility = (getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}).get("visibility_timeout")
    stale = settings.STALE_PARSE_SECONDS
    problems = []
    if not 0 < soft < hard:
        problems.append(
            ("articles.E001", f"CELERY_TASK_SOFT_TIME_LIMIT ({soft}) must be above 0 and below "
             f"CELERY_TASK_TIME_LIMIT ({hard}).")
        )
    if visibility is not None and hard > visibility / 2:
        problems.append(
            ("articles.E002", f"CELERY_TASK_TIME_LIMIT ({hard}) must be at most half of "
             f"ZIT_VISIBILITY_TIMEOUT ({visibility}): a longer parse would be handed to a "
             "second worker while it still runs.")
        )
    beat = settings.PARSE_HEARTBEAT_SECONDS
    if not 0 < 3 * beat <= stale:
        problems.append(
            ("articles.E003", f"ZIT_STALE_PARSE_SECONDS ({stale}) must be at least three heartbeats "
             f"(ZIT_PARSE_HEARTBEAT_SECONDS, {beat}, above 0): the sweeper would send again parses "
             "that are still running.")
        )
    read = settings.READ_TIMEOUT_SECONDS
    if not 0 < read < soft:
        problems.append(
            ("articles.E004", f"ZIT_READ_TIMEOUT_SECONDS ({read}) must be above 0 and below "
             f"CELERY_TASK_SOFT_TIME_LIMIT ({soft}): a file too slow to read would end the whole parse "
             "with the time-limit message instead of its own reason.")
        )
    return [Error(message, id=code) for code, message in problems]
