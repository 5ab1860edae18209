"""Delete the export jobs and files older than EXPORT_KEEP_HOURS and fail the jobs a dead
worker left (the worker's sweeper does both every ZIT_SWEEP_INTERVAL; this is the same by
hand, e.g. from cron when no worker runs)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from projects.export_jobs import delete_old, fail_stale


class Command(BaseCommand):
    help = "Delete export jobs and their files older than 24 hours."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"failed {fail_stale()} stale export job(s), deleted {delete_old()} old one(s)")
