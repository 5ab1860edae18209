"""Recompute the zone-month rollup (`projects.TotalsCell` …) and the follow-through's cells
(`projects/follow_cells.py`, kept with it) from the projects and batches."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from projects import follow_cells, rollup


class Command(BaseCommand):
    help = "Rebuild the totals rollup from scratch, or with --check list the cells that drifted."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="only compare with a fresh computation; exit 1 if a cell differs",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, check: bool = False, database: str = "default", **options):
        start = time.perf_counter()
        if check:
            drift = rollup.rollup_drift(using=database)
            for cell in drift[:20]:
                self.stdout.write(f"drift: {cell}")
            if drift:
                raise CommandError(f"{len(drift)} rollup cells differ from the projects and batches")
            levels = follow_cells.drift(using=database)
            if levels:
                raise CommandError(f"follow-through cells differ from the projects: {', '.join(levels)}")
            self.stdout.write(
                f"rollup matches the projects and batches ({time.perf_counter() - start:.1f} s)"
            )
            return
        cells = rollup.rebuild(using=database)  # the follow-through's cells too (rollup.keep_also)
        self.stdout.write(f"rollup rebuilt: {cells} cells in {time.perf_counter() - start:.1f} s")
