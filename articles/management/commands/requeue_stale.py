"""`python manage.py requeue_stale`: send again the parses a dead worker or broker left behind.

Every worker already does this when it starts and every SWEEP_INTERVAL_SECONDS (see
articles/sweeper.py); run it by hand after an outage, or from cron when workers run
with ZIT_SWEEP_INTERVAL=0. Safe to run at any time: a bulletin is parsed once however
many messages ask for it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from articles.sweeper import sweep


class Command(BaseCommand):
    help = (
        "Re-queue bulletins 'parsing' whose heartbeat stopped (worker died) or queued without a message "
        "(broker down)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--parsing-older-than",
            type=float,
            default=None,
            metavar="SECONDS",
            help=f"a parse is stale after this long without a heartbeat (default "
            f"{settings.STALE_PARSE_SECONDS}); 0 only when no worker is running",
        )
        parser.add_argument(
            "--queued-older-than",
            type=float,
            default=None,
            metavar="SECONDS",
            help=f"re-send queued ones waiting this long (default {settings.STALE_QUEUED_SECONDS})",
        )
        parser.add_argument("--dry-run", action="store_true", help="only list what would be sent")

    def handle(self, *args, parsing_older_than, queued_older_than, dry_run, **options):
        result = sweep(
            parsing_older_than=parsing_older_than, queued_older_than=queued_older_than, dry_run=dry_run
        )
        verb = "would re-queue" if dry_run else "re-queued"
        if not result.total:
            self.stdout.write("nothing to re-queue")
            return
        if result.parsing:
            self.stdout.write(f"{verb} {len(result.parsing)} stale parse(s): bulletins {result.parsing}")
        if result.queued:
            self.stdout.write(f"{verb} {len(result.queued)} queued bulletin(s), no message: {result.queued}")
