"""`python manage.py import_data FILE.json`: load an `export_data` dump into a freshly
migrated, empty database, in one transaction, checking every model's row count.

See ops/backup.py and docs/backup.md.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from ops.backup import import_data


class Command(BaseCommand):
    help = "Load a dump written by export_data into an empty, migrated database (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        counts = import_data(path)
        self.stdout.write(f"imported {sum(counts.values())} objects of {len(counts)} models from {path}")
