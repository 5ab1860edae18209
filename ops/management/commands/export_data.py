"""`python manage.py export_data FILE.json`: every row worth moving, for `import_data`.

The same as `dumpdata --natural-foreign --natural-primary -e contenttypes -e auth.Permission
-e sessions -e axes -o FILE.json`; see ops/backup.py and docs/backup.md.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from ops.backup import export_data


class Command(BaseCommand):
    help = "Dump the data to a JSON file that import_data loads into another database (e.g. PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        count = export_data(path)
        self.stdout.write(f"exported {count} objects to {path}")
