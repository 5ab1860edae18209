"""Delete the export jobs and files older than EXPORT_KEEP_HOURS and send again the jobs a dead
worker or a lost message left (the worker's sweeper does both every ZIT_SWEEP_INTERVAL; this is
the same by hand, e.g. from cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from projects.export_jobs import delete_old
from projects.tasks import recover_stale_exports


class Command(BaseCommand):
    help = "Send stale export jobs again; delete export jobs and their files older than 24 hours."

    def handle(self, *args, **options) -> None:
        sent = recover_stale_exports()
        self.stdout.write(f"sent {sent} stale export job(s) again, deleted {delete_old()} old one(s)")
