"""`python manage.py check_integrity`: report stored data that does not add up.

Exits 0 and prints "no problems found" when everything is consistent; otherwise lists each
problem (see ops/integrity.py for the checks) and exits 1. Read-only: fixes nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ops.integrity import check_integrity


class Command(BaseCommand):
    help = "Report bulletins, projects, quotes and amounts that are inconsistent; exit 1 if any."

    def handle(self, *args, **options):
        findings = check_integrity()
        if not findings:
            self.stdout.write("check_integrity: no problems found")
            return
        for finding in findings:
            self.stdout.write(f"[{finding.code}] {finding.count} × {finding.message}")
            for example in finding.examples:
                self.stdout.write(f"    {example}")
            if finding.count > len(finding.examples):
                self.stdout.write(f"    … and {finding.count - len(finding.examples)} more")
        total = sum(f.count for f in findings)
        raise CommandError(f"check_integrity: {total} problem(s) found")
