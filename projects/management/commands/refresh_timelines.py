"""Recompute every project's follow-through timeline from its events (projects/timeline.py)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from projects import timeline


class Command(BaseCommand):
    help = "Recompute each project's stored signing/start/operating timeline from its events."

    def handle(self, *args, **options):
        start = time.perf_counter()
        count = timeline.backfill()
        self.stdout.write(f"timelines refreshed: {count} projects in {time.perf_counter() - start:.1f} s")
