"""Consistency checks over the stored data, for `manage.py check_integrity`.

Each check returns a `Finding` (what is wrong, in plain words, and which rows) or nothing:

- ``parsed-without-articles``: a bulletin marked parsed that has no articles (a parse that
  finds none fails with its reason, `articles.ingest.NoArticles`: only rows parsed before that);
- ``project-without-evidence`` / ``batch-without-evidence``: a record (not merged away)
  without a single quote (`Mention`) to show where it came from;
- ``dangling-reference``: a row pointing at a row that does not exist (a mention whose
  article was deleted behind the database's back, a restore that lost a table, …), for
  every foreign key and many-to-many table of our apps (history tables excepted: they
  keep ids of deleted rows on purpose);
- ``amount-mismatch``: a project or batch whose stored `amount_yuan` differs from
  `projects.money.to_yuan` of its amount, currency and year (e.g. a currency rate edited
  after the conversion);
- ``stale-parse``: a bulletin "parsing" without a heartbeat for STALE_PARSE_SECONDS (its
  worker died; the workers' sweeper or `manage.py requeue_stale` sends it again).

- ``stored-totals-mismatch``: where the zone-month rollup `projects.TotalsCell` exists
  (derived data that projects/totals.py reads), its cells summed per kind, zone, month and
  review status differ from the same sums over the projects and batches themselves (not
  merged; amounts in yuan). Skipped while that table does not exist.
- ``review-state-mismatch``: the review page's kept flags and counts (which articles quote a
  record awaiting review, how many per issue: `articles.review_state`) differ from the quotes;
  `manage.py refresh_review_state` recomputes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.db.models import Count, Exists, OuterRef, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from simple_history.models import HistoricalChanges

from articles import review_state
from articles.heartbeat import stale, stale_cutoff
from articles.models import Bulletin, Mention
from projects.models import Batch, Project
from projects.money import to_yuan

CHECKED_APPS = ("accounts", "zones", "articles", "projects")


@dataclass
class Finding:
    code: str
    message: str
    examples: list[str] = field(default_factory=list)
    count: int = 0


def parsed_without_articles() -> Iterable[Finding]:
    bulletins = Bulletin.objects.filter(status=Bulletin.Status.PARSED, articles__isnull=True).order_by("pk")
    if bulletins.exists():
        yield Finding(
            "parsed-without-articles",
            "bulletins marked parsed have no articles (parse them again)",
            [f"bulletin {b.pk} {b}" for b in bulletins[:20]],
            bulletins.count(),
        )


def records_without_evidence() -> Iterable[Finding]:
    for model, code in ((Project, "project-without-evidence"), (Batch, "batch-without-evidence")):
        quoted = Mention.objects.filter(**{model._meta.model_name: OuterRef("pk")})
        rows = model.objects.filter(merged_into__isnull=True).exclude(Exists(quoted)).order_by("pk")
        if rows.exists():
            yield Finding(
                code,
                f"{model._meta.verbose_name_plural} have no quote (Mention) showing where they came from",
                [f"{model._meta.model_name} {r.pk} {r}" for r in rows[:20]],
                rows.count(),
            )


def _checked_models() -> Iterable[type[models.Model]]:
    for label in CHECKED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if not issubclass(model, HistoricalChanges):
                yield model


def dangling_references() -> Iterable[Finding]:
    for model in _checked_models():
        for fk in model._meta.concrete_fields:
            if not isinstance(fk, models.ForeignKey) or not fk.db_constraint:
                continue
            target = fk.related_model._base_manager.filter(**{fk.target_field.attname: OuterRef(fk.attname)})
            rows = (
                model._base_manager.filter(**{f"{fk.attname}__isnull": False})
                .exclude(Exists(target))
                .order_by("pk")
            )
            found = list(rows.values_list("pk", fk.attname)[:20])
            if found:
                source, target_name = model._meta.object_name, fk.related_model._meta.object_name
                yield Finding(
                    "dangling-reference",
                    f"{source}.{fk.name} points at {target_name} rows that do not exist",
                    [f"{source} {pk} → {target_name} {ref}" for pk, ref in found],
                    rows.count(),
                )


def _expected_yuan(record: Project | Batch) -> set[Decimal | None]:
    """What `amount_yuan` may be: converted at the year of its date; an undated record was
    converted at its bulletin's year at ingest, or the latest rate after an edit."""
    if record.amount is None:
        return {None}
    if record.date is not None:
        years: set[int | None] = {record.date.year}
    else:
        years = {None} | set(
            record.mentions.exclude(article__bulletin__issue_date=None).values_list(
                "article__bulletin__issue_date__year", flat=True
            )
        )
    return {to_yuan(record.amount, record.currency, year) for year in years}


def amount_mismatches() -> Iterable[Finding]:
    for model in (Project, Batch):
        wrong = []
        rows = model.objects.exclude(amount=None, amount_yuan=None).order_by("pk")
        for record in rows.only("pk", "amount", "amount_yuan", "currency", "date"):
            expected = _expected_yuan(record)
            if record.amount_yuan not in expected:
                shown = ", ".join(str(e) for e in expected)
                wrong.append(
                    f"{model._meta.model_name} {record.pk}: stored {record.amount_yuan}, "
                    f"recomputed {shown} ({record.amount} {record.currency})"
                )
        if wrong:
            yield Finding(
                "amount-mismatch",
                f"{model._meta.verbose_name_plural}: stored yuan amount differs from a recomputation "
                "(save the record again to recompute it)",
                wrong[:20],
                len(wrong),
            )


def stale_parses() -> Iterable[Finding]:
    rows = Bulletin.objects.filter(stale(stale_cutoff())).order_by("pk")
    if rows.exists():
        yield Finding(
            "stale-parse",
            f"bulletins 'parsing' without a heartbeat for {settings.STALE_PARSE_SECONDS} s: their "
            "worker died (run `manage.py requeue_stale`)",
            [f"bulletin {b.pk} since {b.started_at:%Y-%m-%d %H:%M}" for b in rows[:20]],
            rows.count(),
        )


def _rollup_model():
    try:
        model = apps.get_model("projects", "TotalsCell")
    except LookupError:
        return None
    if model._meta.db_table not in connection.introspection.table_names():
        return None
    return model


def stored_totals() -> Iterable[Finding]:
    cell = _rollup_model()
    if cell is None:
        return
    zero = Value(Decimal("0"), output_field=models.DecimalField(max_digits=28, decimal_places=2))

    def key(row: dict, zone: str) -> tuple:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        return (row["kind"], row[zone], month, row["review_status"])

    stored: dict[tuple, tuple] = {}
    cells = (
        cell.objects.values("kind", "zone_id", "review_status", month=models.F("date"))
        .annotate(n=Sum("projects") + Sum("batches"), amount=Coalesce(Sum("amount"), zero))
        .order_by()
    )
    for row in cells:
        if row["n"] or row["amount"]:
            stored[key(row, "zone_id")] = (row["n"], row["amount"])
    recomputed: dict[tuple, tuple] = {}
    for kind, model in (("project", Project), ("batch", Batch)):
        rows = (
            model.objects.filter(merged_into__isnull=True)
            .annotate(month=TruncMonth("date"))
            .values("zone_id", "month", "review_status")
            .annotate(n=Count("pk"), amount=Coalesce(Sum("amount_yuan"), zero))
            .order_by()
        )
        for row in rows:
            recomputed[key({**row, "kind": kind}, "zone_id")] = (row["n"], row["amount"])
    wrong = sorted(
        (k for k in stored.keys() | recomputed.keys() if stored.get(k, (0, 0)) != recomputed.get(k, (0, 0))),
        key=str,
    )
    if wrong:
        yield Finding(
            "stored-totals-mismatch",
            "stored totals (TotalsCell) differ from a recomputation from the projects and batches",
            [
                f"{k[0]} zone {k[1]} {k[2] or 'undated'} {k[3]}: stored {stored.get(k, (0, 0))}, "
                f"recomputed {recomputed.get(k, (0, 0))} (records, yuan)"
                for k in wrong[:20]
            ],
            len(wrong),
        )


def review_state_mismatch() -> Iterable[Finding]:
    found = review_state.drift()
    if found:
        yield Finding("review-state-mismatch",
                      "kept review flags or counts differ from the quotes (manage.py refresh_review_state)",
                      found[:20], len(found))


CHECKS: list[Callable[[], Iterable[Finding]]] = [
    parsed_without_articles,
    records_without_evidence,
    dangling_references,
    amount_mismatches,
    stale_parses,
    stored_totals,
    review_state_mismatch,
]


def check_integrity() -> list[Finding]:
    return [finding for check in CHECKS for finding in check()]
