"""Delete the export jobs and files older than EXPORT_KEEP_HOURS (the worker's sweeper does it
every ZIT_SWEEP_INTERVAL; this is the same by hand, e.g. from cron when no worker runs)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from projects.export_jobs import delete_old


class Command(BaseCommand):
    help = "Delete export jobs and their files older than 24 hours."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"deleted {delete_old()} export job(s)")
