"""Moving the data between databases (SQLite → PostgreSQL, or one server to another) with
Django's own serialisation, for `manage.py export_data` and `manage.py import_data`.

Plain `dumpdata` / `loaddata` needs care here, which these commands take:

- users, groups and permissions go by natural key (`--natural-foreign --natural-primary`),
  content types and permissions are left out (the target's migrations create them), and so
  are sessions and login-throttle records;
- the target's migrations already load the zone gazetteer and the currency rates, which
  the dump also holds (possibly edited, with more zones found in text): those seeded rows
  are removed first, so the dump's rows — with their ids, which projects point at — load
  without colliding;
- the history tables (django-simple-history) travel with everything else, so the audit
  trail survives the move; uploaded files (`StoredFile.data`, a BinaryField) travel as
  base64;
- the load is one transaction that is rolled back unless every model ends with exactly
  the number of rows the dump holds.

See docs/backup.md for the whole procedure and for PostgreSQL's own pg_dump/pg_restore.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from articles import review_state
from articles.models import Bulletin, StoredFile
from projects.models import Batch, Project, ReviewStatus
from projects.rollup import rollup_drift
from projects.totals import compute

# Left out of a dump: created by the target's migrations, or not worth moving (the bytes of
# finished exports, deleted after a day anyway: their jobs move and show as expired).
NOT_MOVED = ("contenttypes", "auth.permission", "sessions", "axes", "projects.exportchunk")
# Rows the target's own migrations seed and the dump carries too: removed before loading.
SEEDED = ("zones.ZoneAlias", "zones.Zone", "projects.CurrencyRate")


def excluded_labels() -> list[str]:
    installed = {config.label for config in apps.get_app_configs()}
    return [label for label in NOT_MOVED if label.split(".")[0] in installed]


def export_data(path: Path) -> int:
    """Write every row worth moving to `path` (JSON); returns the number of objects."""
    call_command(
        "dumpdata",
        natural_foreign=True,
        natural_primary=True,
        exclude=excluded_labels(),
        output=str(path),
        verbosity=0,
    )
    return len(json.loads(Path(path).read_text(encoding="utf-8")))


def _has_data() -> bool:
    return any(m.objects.exists() for m in (get_user_model(), Bulletin, Project, Batch))


def import_data(path: Path) -> Counter:
    """Load a dump written by `export_data` into a freshly migrated, empty database."""
    objects = json.loads(Path(path).read_text(encoding="utf-8"))
    expected = Counter(obj["model"] for obj in objects)
    if _has_data():
        raise CommandError(
            "this database already holds users, bulletins or projects; import into a freshly "
            "migrated empty database (createdb, then manage.py migrate)"
        )
    with transaction.atomic():
        with connection.cursor() as cursor:
            for label in SEEDED:
                model = apps.get_model(label)
                for table in (model._meta.db_table, model.history.model._meta.db_table):
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
        call_command("loaddata", str(path), verbosity=0)
        wrong = {
            label: (count, apps.get_model(label)._base_manager.count())
            for label, count in expected.items()
            if apps.get_model(label)._base_manager.count() != count
        }
        if wrong:
            details = ", ".join(f"{label}: dump {a}, database {b}" for label, (a, b) in sorted(wrong.items()))
            raise CommandError(f"rows differ after loading, nothing was imported: {details}")
        if rollup_drift():
            raise CommandError("the dump's totals rollup disagrees with its projects, nothing was imported")
        if review_state.drift():
            raise CommandError("the dump's review flags and counts disagree with its quotes, nothing was "
                               "imported (manage.py refresh_review_state on the source, then export again)")
    return expected


def fingerprint() -> dict:
    """Counts of every moved model, the confirmed totals and the stored files' checksums:
    equal before and after a move (`manage.py shell -c` prints it; see docs/backup.md)."""
    counts = {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in NOT_MOVED and model._meta.label_lower not in NOT_MOVED
    }
    confirmed = {"review_status": ReviewStatus.CONFIRMED}
    totals = compute(Project.objects.filter(**confirmed), Batch.objects.filter(**confirmed))
    files = sorted(
        (f.sha256, hashlib.sha256(bytes(f.data)).hexdigest()) for f in StoredFile.objects.all()
    )
    return {
        "counts": counts,
        "total_yuan": str(totals.total.amount),
        "total_records": totals.total.records,
        "undated_yuan": str(totals.undated.amount),
        "ranking": [[zone.name, str(figure.amount)] for zone, figure in totals.ranking()],
        "files": files,
        "users": sorted(get_user_model().objects.values_list("username", flat=True)),
        "history_users": sorted(
            {u for u in Project.history.values_list("history_user__username", flat=True) if u}
        ),
    }
