"""`python manage.py refresh_review_state [--check]`: recompute which articles and how many
records of each issue await review (articles/review_state.py), or only compare."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from articles import review_state


class Command(BaseCommand):
    help = "Recompute the review page's kept flags and counts, or with --check list what drifted."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="only compare with a fresh computation; exit 1 if anything differs")
        parser.add_argument("--database", default="default")

    def handle(self, *args, check: bool = False, database: str = "default", **options):
        start = time.perf_counter()
        if check:
            found = review_state.drift(using=database)
            for line in found:
                self.stdout.write(f"drift: {line}")
            if found:
                raise CommandError(f"{len(found)} kept review flags or counts differ from the quotes")
            took = time.perf_counter() - start
            self.stdout.write(f"review flags and counts match the quotes ({took:.1f} s)")
            return
        issues = review_state.rebuild(using=database)
        self.stdout.write(f"review flags and counts recomputed for {issues} issues "
                          f"in {time.perf_counter() - start:.1f} s")
