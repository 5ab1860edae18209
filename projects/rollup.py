"""The zone-month rollup behind the totals: `TotalsCell` and its coarser levels, kept equal to the
base tables.

Why: with a million projects a `GROUP BY zone, month` over the projects takes seconds;
the same figures summed from the rollup's cells take a fraction of that
(docs/benchmarks.md). `projects.totals` reads the cells whenever the filter only uses
dimensions the cells keep (zone, province, month range, stage, industry, review status)
and falls back to the live GROUP BY for the others (keyword, investor, amounts,
publication).

What a cell holds: the sums of the *not merged* projects (or batches) of one zone and month
that share review status, stage and industry — and, for projects, the status, zone and
month of the batch they belong to (when that batch is not merged). That last part lets a
query apply the batch-member rule of `projects/totals.py` exactly: a member project is
skipped when its batch is selected by the same filter, which depends only on those three
batch fields.

Seven levels, all kept by the same recompute (and each checked by `rollup_drift` against a fresh
computation from the base tables):

- **full** (`TotalsCell`): the cells above — the only level an industry filter, or a stage
  filter combined with a zone breakdown, can use;
- **zone** (`TotalsZoneCell`): the full cells summed over stage and industry (zone × month ×
  kind × review status × the batch's status and zone) — the zone × month query of any filter
  that names no stage or industry (about 5 cells per zone-month instead of 33);
- **stage** (`TotalsStageCell`): the full cells summed over industry (zone × month × kind ×
  review status × stage × the batch's status and zone) — the zone × month query of a filter
  that names a stage but no industry (a stage's cells are ~3.5× fewer than on the full level);
- **breakdown** (`TotalsBreakdownCell`): the full cells summed over the zone (month × kind ×
  review status × stage × industry × the batch's status) — the stage and industry
  breakdowns of any filter that names no zone or province. Without a zone filter the
  member rule needs only the batch's status (see `projects.totals._batch_counted`);
- **month** (`TotalsMonthCell`): the breakdown cells summed over stage and industry (month × kind
  × review status × the batch's status) — the monthly totals of a filter that names no zone,
  province, stage or industry (~1,800 cells at a million projects instead of ~48,000 zone cells);
- **zone sum** (`TotalsZoneSumCell`), without the month — only whether the records are dated: the
  full cells summed over the months (zone × dated × kind × review status × stage × industry × the
  batch's status and zone) — the stage and industry breakdowns of a zone or province filter with
  no month range (~100 cells per zone instead of ~4,000);
- **zone total** (`TotalsZoneTotalCell`): the zone-sum cells summed over stage and industry (zone ×
  dated × kind × review status × the batch's status and zone) — each zone's sums (the ranking,
  the undated figure) of a filter with no month range, stage or industry (~4,700 cells).

A recompute replaces the full, zone and stage cells of its (zone, month) keys (the coarser ones
summed in Python from the fresh full cells), then the breakdown and month cells of its months
(summed in SQL from the full cells of every zone, and the month cells from those breakdown
cells; a per-month advisory lock keeps two writers of the same month from summing each other's
uncommitted cells), then adds to the zone-sum and zone-total cells of its zones the difference
between the full cells it replaced and the new ones (`_apply_differences`: re-summing every
month of each touched zone would read ~4,000 full cells per zone at a million projects; a
per-zone advisory lock serialises the writers of one zone's cells). A difference is exact as
long as the stored level was, which `rollup_drift` checks against the base tables. A rebuild
fills the coarser levels with one INSERT … SELECT … GROUP BY each over the full cells
(`fill_level`).

How it never drifts: every save or delete of a `Project` or `Batch` (signals, see
`projects/apps.py`) recomputes the (zone, month) cells it touches — those it was in before
the change and is in after it, and for a batch also the cells of its member projects and of
the records merged into it (whose `SET_NULL` updates send no signal) — *from the base
tables* (never incrementally), in the same transaction as the change: the rollup commits
or rolls back with it. `deferred()` lets a long write (the ingest of a bulletin) collect
the cells and recompute each once at its end. On PostgreSQL each recompute locks its cells
(advisory locks) so that concurrent writers cannot interleave. Bulk `QuerySet.update()` on
Project/Batch sends no signal and is not used on
them (tests/test_audit.py forbids it, for history's sake); `rebuild()` (and `manage.py
rebuild_rollup`) recomputes everything and `rollup_drift()` lists the cells that differ
from a fresh computation (`manage.py rebuild_rollup --check`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from decimal import Decimal

from django.db import connections, router, transaction
from django.db.models import BooleanField, Case, Count, ExpressionWrapper, F, Q, Sum, When
from django.db.models.functions import TruncMonth

from .models import (
    Batch,
    Project,
    TotalsBreakdownCell,
    TotalsCell,
    TotalsMonthCell,
    TotalsStageCell,
    TotalsZoneCell,
    TotalsZoneSumCell,
    TotalsZoneTotalCell,
)

Key = tuple[int | None, dt.date | None]  # (zone_id, first day of the month or None)

CELL_KEYS = (
    "zone_id",
    "date",
    "kind",
    "review_status",
    "stage",
    "industry",
    "batch_review_status",
    "batch_zone_id",
    "batch_date",
)
CELL_SUMS = ("projects", "batches", "batch_projects", "amount", "approximate_amount")
# The coarser levels, each the sums of the full cells (above) grouped by fewer keys, kept by the
# same recompute: zone × month without stage and industry, and month × stage × industry
# without zone (and without the batch's zone and month, which only a zone filter needs).
ZONE_KEYS = ("zone_id", "date", "kind", "review_status", "batch_review_status", "batch_zone_id")
STAGE_KEYS = ("zone_id", "date", "kind", "review_status", "stage", "batch_review_status", "batch_zone_id")
BREAKDOWN_KEYS = ("date", "kind", "review_status", "stage", "industry", "batch_review_status")
# Without the month (only whether dated): zone × stage × industry (+ the batch's status and zone).
ZONE_SUM_KEYS = (
    "zone_id", "dated", "kind", "review_status", "stage", "industry", "batch_review_status", "batch_zone_id",
)
# Without the month, stage and industry: each zone's sums (a subset of ZONE_SUM_KEYS).
ZONE_TOTAL_KEYS = ("zone_id", "dated", "kind", "review_status", "batch_review_status", "batch_zone_id")
# Without zone, stage and industry: each month's sums (a subset of BREAKDOWN_KEYS).
MONTH_KEYS = ("date", "kind", "review_status", "batch_review_status")
LEVEL_KEYS = {
    "full": CELL_KEYS, "zone": ZONE_KEYS, "stage": STAGE_KEYS, "breakdown": BREAKDOWN_KEYS,
    "zone_sum": ZONE_SUM_KEYS, "zone_total": ZONE_TOTAL_KEYS, "month": MONTH_KEYS,
}
LEVEL_MODELS = {
    "full": TotalsCell, "zone": TotalsZoneCell, "stage": TotalsStageCell, "breakdown": TotalsBreakdownCell,
    "zone_sum": TotalsZoneSumCell, "zone_total": TotalsZoneTotalCell, "month": TotalsMonthCell,
}
# The month-less levels kept per zone by differences (see `_apply_differences`).
ZONE_DIFFERENCE_LEVELS = ("zone_sum", "zone_total")
# The levels kept per (zone, month) key (the breakdown level is kept per month).
ZONE_LEVELS = ("zone", "stage")
ZERO = Decimal("0.00")
# PostgreSQL advisory lock classes (see `_lock`).
ADVISORY_LOCK_CLASS = 72_631_140
ADVISORY_LOCK_KEYS = 72_631 * 2**40
ADVISORY_LOCK_MONTHS = ADVISORY_LOCK_KEYS - 2**20  # one lock per month: the breakdown level
ADVISORY_LOCK_ZONES = ADVISORY_LOCK_KEYS - 2**21  # one lock per zone: the month-less level

_state = threading.local()


def month_of(day: dt.date | None) -> dt.date | None:
    return None if day is None else day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


# --- marking cells to recompute ---------------------------------------------------------------


def _scopes(using: str) -> list[set[Key]]:
    scopes = getattr(_state, "scopes", None)
    if scopes is None:
        scopes = _state.scopes = {}
    return scopes.setdefault(using, [])


def mark(keys: Iterable[Key], using: str = "default") -> None:
    """Recompute these cells now, in the caller's transaction — or at the end of the
    enclosing `deferred()` block."""
    keys = set(keys)
    if not keys:
        return
    scopes = _scopes(using)
    if scopes:
        scopes[-1].update(keys)
    else:
        recompute(keys, using=using)


@contextmanager
def deferred(using: str = "default"):
    """Collect the cells that many saves touch and recompute each once, at the end of the
    block (still inside the caller's transaction, so the rollup commits with the change)."""
    scopes = _scopes(using)
    scopes.append(set())
    try:
        yield
    except BaseException:
        scopes.pop()
        raise
    keys = scopes.pop()
    if scopes:
        scopes[-1].update(keys)
    else:
        recompute(keys, using=using)


def project_keys(zone_id, day) -> Key:
    return (zone_id, month_of(day))


# --- computing cells from the base tables ------------------------------------------------------


def _key_q(keys: Iterable[Key], zone="zone_id", date="date") -> Q:
    by_month: dict[dt.date | None, set] = {}
    for zone_id, month in keys:
        by_month.setdefault(month, set()).add(zone_id)
    q = Q(pk__in=[])
    for month, zones in by_month.items():
        date_q = (
            Q(**{f"{date}__isnull": True})
            if month is None
            else Q(**{f"{date}__gte": month, f"{date}__lt": _next_month(month)})
        )
        zone_q = Q()
        named = [z for z in zones if z is not None]
        if named:
            zone_q |= Q(**{f"{zone}__in": named})
        if None in zones:
            zone_q |= Q(**{f"{zone}__isnull": True})
        q |= date_q & zone_q
    return q


def _sums() -> dict:
    return {
        "s_amount": Sum("amount_yuan"),
        "s_approximate": Sum("amount_yuan", filter=Q(approximate=True)),
        "s_n": Count("id"),
    }


def computed_cells(
    keys: Iterable[Key] | None = None, using: str = "default", models=None
) -> list[TotalsCell]:
    """The cells as they should be, computed from the base tables (all, or those of `keys`).

    `models`: (Project, Batch, TotalsCell) classes to use instead (a migration's)."""
    project_model, batch_model, cell_model = models or (Project, Batch, TotalsCell)
    projects = project_model.objects.using(using).filter(merged_into__isnull=True)
    batches = batch_model.objects.using(using).filter(merged_into__isnull=True)
    if keys is not None:
        keys = list(keys)
        projects = projects.filter(_key_q(keys))
        batches = batches.filter(_key_q(keys))
    live_batch = Q(batch__isnull=False, batch__merged_into__isnull=True)
    project_rows = (
        projects.annotate(
            month=TruncMonth("date"),
            b_status=Case(When(live_batch, then=F("batch__review_status")), default=None),
            b_zone=Case(When(live_batch, then=F("batch__zone_id")), default=None),
            b_month=Case(When(live_batch, then=TruncMonth("batch__date")), default=None),
        )
        .order_by()
        .values("zone_id", "month", "review_status", "stage", "industry", "b_status", "b_zone", "b_month")
        .annotate(**_sums())
    )
    batch_rows = (
        batches.annotate(month=TruncMonth("date"))
        .order_by()
        .values("zone_id", "month", "review_status")
        .annotate(**_sums(), s_announced=Sum("project_count"))
    )
    cells = []
    for v in project_rows.iterator(chunk_size=5000):
        cells.append(
            cell_model(
                zone_id=v["zone_id"],
                date=_as_date(v["month"]),
                kind="project",
                review_status=v["review_status"],
                stage=v["stage"],
                industry=v["industry"],
                batch_review_status=v["b_status"],
                batch_zone_id=v["b_zone"],
                batch_date=_as_date(v["b_month"]),
                projects=v["s_n"],
                amount=_money(v["s_amount"]),
                approximate_amount=_money(v["s_approximate"]),
            )
        )
    for v in batch_rows.iterator(chunk_size=5000):
        cells.append(
            cell_model(
                zone_id=v["zone_id"],
                date=_as_date(v["month"]),
                kind="batch",
                review_status=v["review_status"],
                stage="signed",
                industry="",
                batches=v["s_n"],
                batch_projects=v["s_announced"] or 0,
                amount=_money(v["s_amount"]),
                approximate_amount=_money(v["s_approximate"]),
            )
        )
    return cells


def _as_date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _money(value) -> Decimal:
    return (value or ZERO).quantize(Decimal("0.01"))


def _lock(keys: list[Key] | None, using: str) -> None:
    """On PostgreSQL, lock the cells (all of them when `keys` is None) until the transaction
    ends, so that two transactions recomputing a cell cannot interleave delete and insert.
    Keys are locked in one order; a deadlock between two multi-step transactions is still
    possible and is resolved by PostgreSQL rolling one of them back (no drift either way)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return  # SQLite serialises writers
    with connection.cursor() as cursor:
        if keys is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [ADVISORY_LOCK_CLASS])
            return
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [ADVISORY_LOCK_CLASS])
        ids = {
            ADVISORY_LOCK_KEYS + (zone_id or 0) * 2**20 + (month.year * 12 + month.month if month else 0)
            for zone_id, month in keys
        }
        # The breakdown cells of a month sum the cells of every zone: one writer per month.
        ids |= {
            ADVISORY_LOCK_MONTHS + (month.year * 12 + month.month if month else 0) for _zone, month in keys
        }
        # The month-less cells of a zone are updated by the writers of each of its months.
        ids |= {ADVISORY_LOCK_ZONES + (zone_id or 0) for zone_id, _month in keys}
        ids = sorted(ids)
        cursor.execute(
            "SELECT pg_advisory_xact_lock(k) FROM (SELECT unnest(%s::bigint[]) AS k ORDER BY 1) AS keys",
            [ids],
        )


def coarse_cells(cells: Iterable, level: str, model=None) -> list:
    """The cells of a coarser level ("zone", "breakdown"): the full `cells` summed by its keys."""
    names = LEVEL_KEYS[level]
    sums: dict[tuple, list] = {}
    for cell in cells:
        key = tuple(getattr(cell, name) for name in names)
        values = [getattr(cell, name) for name in CELL_SUMS]
        total = sums.get(key)
        if total is None:
            sums[key] = values
        else:
            for i, value in enumerate(values):
                total[i] += value
    model = model or LEVEL_MODELS[level]
    return [
        model(**dict(zip(names, key, strict=True)), **dict(zip(CELL_SUMS, values, strict=True)))
        for key, values in sums.items()
    ]


def _months_q(months: set) -> Q:
    q = Q(date__in=sorted(m for m in months if m is not None))
    if None in months:
        q |= Q(date__isnull=True)
    return q


def _recompute_breakdowns(months: set, using: str) -> None:
    """Replace the breakdown cells of these months by the sums of the (fresh) full cells."""
    q = _months_q(months)
    TotalsBreakdownCell.objects.using(using).filter(q).delete()
    rows = (
        TotalsCell.objects.using(using).filter(q).order_by()
        .values_list(*BREAKDOWN_KEYS).annotate(*(Sum(name) for name in CELL_SUMS))
    )
    TotalsBreakdownCell.objects.using(using).bulk_create(
        [
            TotalsBreakdownCell(**dict(zip(BREAKDOWN_KEYS, row[: len(BREAKDOWN_KEYS)], strict=True)),
                                **dict(zip(CELL_SUMS, row[len(BREAKDOWN_KEYS):], strict=True)))
            for row in rows
        ],
        batch_size=2000,
    )
    # The month level: the same months' fresh breakdown cells summed over stage and industry.
    TotalsMonthCell.objects.using(using).filter(q).delete()
    fill_level("month", TotalsMonthCell, TotalsBreakdownCell, using, where=q)


def _dated_full_cells(using: str):
    """The full cells with the `dated` flag of the month-less level."""
    return TotalsCell.objects.using(using).annotate(
        dated=ExpressionWrapper(Q(date__isnull=False), output_field=BooleanField()))


def _add_zone_sums(delta: dict[tuple, list], rows, sign: int) -> None:
    """Add (`sign` 1) or take away (-1) rows of (month-less key…, sums…) into `delta`."""
    width = len(ZONE_SUM_KEYS)
    for row in rows:
        key, values = tuple(row[:width]), row[width:]
        total = delta.get(key)
        if total is None:
            total = delta[key] = [0, 0, 0, ZERO, ZERO]
        for i, value in enumerate(values):
            total[i] += sign * value


def _apply_differences(zone_sums: dict[tuple, list], using: str) -> None:
    """Add the change of the full cells (`zone_sums`, by ZONE_SUM_KEYS) to every month-less level
    kept per zone (each its own sums of those keys)."""
    for level in ZONE_DIFFERENCE_LEVELS:
        names = LEVEL_KEYS[level]
        if names == ZONE_SUM_KEYS:
            delta = zone_sums
        else:
            positions = [ZONE_SUM_KEYS.index(name) for name in names]
            delta = {}
            for key, change in zone_sums.items():
                coarse = tuple(key[i] for i in positions)
                total = delta.get(coarse)
                if total is None:
                    delta[coarse] = list(change)
                else:
                    for i, value in enumerate(change):
                        total[i] += value
        _apply_zone_sums(delta, LEVEL_MODELS[level], names, using)


def _apply_zone_sums(delta: dict[tuple, list], model_class, names: tuple[str, ...], using: str) -> None:
    """Add the change of the full cells (`delta`, by this month-less level's keys) to the level.

    Why a difference and not a fresh sum: the month-less cells of a zone sum all its months
    (~4,000 full cells per zone at a million projects), while a recompute touches a few months;
    re-reading every month of each touched zone would cost the ingest more than the rest of
    the rollup. The difference is exact as long as the stored level was (`rollup_drift` checks
    it against the base tables; `rebuild` refills it)."""
    delta = {key: sums for key, sums in delta.items() if any(sums)}
    if not delta:
        return
    zones = {key[0] for key in delta}
    model = model_class.objects.using(using)
    zone_q = Q(zone_id__in=[z for z in zones if z is not None])
    if None in zones:
        zone_q |= Q(zone_id__isnull=True)
    stored: dict[tuple, tuple[int, list]] = {}
    for pk, *values in model.filter(zone_q).values_list("pk", *names, *CELL_SUMS):
        key = tuple(values[: len(names)])
        if key in delta:
            stored[key] = (pk, list(values[len(names) :]))
    replaced, created = [], []
    for key, change in delta.items():
        pk, sums = stored.get(key, (None, [0, 0, 0, ZERO, ZERO]))
        if pk is not None:
            replaced.append(pk)
        new = [a + b for a, b in zip(sums, change, strict=True)]
        if new[0] or new[1]:  # projects or batches left in the cell
            created.append((*key, *new))
    if replaced:
        model.filter(pk__in=replaced).delete()
    _insert_rows(model_class, (*names, *CELL_SUMS), created, using)


def _insert_rows(model, names: tuple[str, ...], rows: list[tuple], using: str) -> None:
    """INSERT plain rows — on PostgreSQL as one array per column (`unnest`): a new bulletin adds a
    couple of thousand month-less cells, and bulk_create's model instances, a statement with
    thousands of placeholders (which the driver splits on every call) or `executemany` all
    cost 50–70 µs a row."""
    if not rows:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name.removesuffix("_id")).column) for name in names)
    fields = [model._meta.get_field(name.removesuffix("_id")) for name in names]
    insert = f"INSERT INTO {quote(model._meta.db_table)} ({columns})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one array per column: one statement, 13 parameters
            arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
            columns = [list(column) for column in zip(*rows, strict=True)]
            cursor.execute(f"{insert} SELECT * FROM unnest({arrays})", columns)
        else:
            cursor.executemany(f"{insert} VALUES ({', '.join(['%s'] * len(names))})", rows)


def recompute(keys: Iterable[Key], using: str = "default") -> None:
    """Replace the cells of these (zone, month) keys by a fresh computation, on every level
    (the month-less level: by the difference between the old and the new full cells)."""
    keys = list(keys)
    if not keys:
        return
    with transaction.atomic(using=using):
        _lock(keys, using)
        zone_sums: dict[tuple, list] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            cells = computed_cells(chunk, using=using)
            _add_zone_sums(
                zone_sums,
                _dated_full_cells(using).filter(_key_q(chunk)).values_list(*ZONE_SUM_KEYS, *CELL_SUMS),
                -1,
            )
            _add_zone_sums(
                zone_sums, ([getattr(c, n) for n in (*ZONE_SUM_KEYS, *CELL_SUMS)] for c in cells), 1)
            TotalsCell.objects.using(using).filter(_key_q(chunk)).delete()
            _insert_rows(TotalsCell, (*CELL_KEYS, *CELL_SUMS),
                         [tuple(getattr(c, n) for n in (*CELL_KEYS, *CELL_SUMS)) for c in cells], using)
            for level in ZONE_LEVELS:
                model = LEVEL_MODELS[level]
                model.objects.using(using).filter(_key_q(chunk)).delete()
                names = (*LEVEL_KEYS[level], *CELL_SUMS)
                _insert_rows(model, names, [tuple(getattr(c, n) for n in names)
                                            for c in coarse_cells(cells, level)], using)
        _recompute_breakdowns({month for _zone, month in keys}, using)
        _apply_differences(zone_sums, using)


def rebuild(using: str = "default", models=None) -> int:
    """Recompute the whole rollup, every level, from scratch; returns the number of full cells.

    `models`: (Project, Batch, TotalsCell[, coarser level models in the order of
    COARSE_LEVELS]) of a migration; the coarser levels are rebuilt when their models are given."""
    models = models or (Project, Batch, TotalsCell, *(LEVEL_MODELS[level] for level in COARSE_LEVELS))
    cell_model, coarse_models = models[2], dict(zip(COARSE_LEVELS, models[3:], strict=False))
    with transaction.atomic(using=using):
        _lock(None, using)
        cell_model.objects.using(using).all().delete()
        for model in coarse_models.values():
            model.objects.using(using).all().delete()
        cells = computed_cells(using=using, models=models[:3])
        cell_model.objects.using(using).bulk_create(cells, batch_size=5000)
        del cells
        for level, model in coarse_models.items():
            fill_level(level, model, cell_model, using)
    return cell_model.objects.using(using).count()


# The coarser levels in the order `rebuild` takes their models (migrations pass them so).
COARSE_LEVELS = ("zone", "breakdown", "stage", "zone_sum", "zone_total", "month")


def fill_level(
    level: str, model, cell_model=TotalsCell, using: str = "default", where: Q | None = None
) -> None:
    """Fill an empty coarser level (or, with `where`, its cells of those months) with the sums of
    the full cells — or of a finer level holding every key it keeps — in the database (one
    INSERT … SELECT … GROUP BY: no rows through Python)."""
    names = LEVEL_KEYS[level]
    cells = cell_model.objects.using(using)
    if where is not None:
        cells = cells.filter(where)
    if "dated" in names:
        cells = cells.annotate(dated=ExpressionWrapper(Q(date__isnull=False), output_field=BooleanField()))
    grouped = cells.order_by().values_list(*names).annotate(*(Sum(name) for name in CELL_SUMS))
    sql, params = grouped.query.get_compiler(using=using).as_sql()
    quote = connections[using].ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in (*names, *CELL_SUMS))
    with connections[using].cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {sql}", params)


def rebuild_in_migration(apps, schema_editor) -> None:
    """Fill the rollup for the data already there (migration projects.0003)."""
    models = tuple(apps.get_model("projects", name) for name in ("Project", "Batch", "TotalsCell"))
    rebuild(using=schema_editor.connection.alias, models=models)


def rebuild_all_levels_in_migration(apps, schema_editor) -> None:
    """Fill every level of the rollup (migration projects.0005, which adds the coarser levels)."""
    names = ("Project", "Batch", "TotalsCell", "TotalsZoneCell", "TotalsBreakdownCell")
    rebuild(using=schema_editor.connection.alias, models=tuple(apps.get_model("projects", n) for n in names))


def fill_stage_level_in_migration(apps, schema_editor) -> None:
    """Fill the stage level from the full cells (migration projects.0007, which adds it)."""
    model, cell_model = (apps.get_model("projects", name) for name in ("TotalsStageCell", "TotalsCell"))
    fill_level("stage", model, cell_model, schema_editor.connection.alias)


def fill_zone_sum_level_in_migration(apps, schema_editor) -> None:
    """Fill the month-less level from the full cells (migration projects.0008, which adds it)."""
    model, cell_model = (apps.get_model("projects", name) for name in ("TotalsZoneSumCell", "TotalsCell"))
    fill_level("zone_sum", model, cell_model, schema_editor.connection.alias)


def fill_month_less_levels_in_migration(apps, schema_editor) -> None:
    """Fill the zone-total and month levels from the full cells (migration projects.0009)."""
    cell_model = apps.get_model("projects", "TotalsCell")
    for level, name in (("zone_total", "TotalsZoneTotalCell"), ("month", "TotalsMonthCell")):
        fill_level(level, apps.get_model("projects", name), cell_model, schema_editor.connection.alias)


def _stored_cells(level: str, using: str) -> dict[tuple, tuple]:
    names = LEVEL_KEYS[level]
    stored: dict[tuple, tuple] = {}
    for values in (
        LEVEL_MODELS[level].objects.using(using).values_list(*names, *CELL_SUMS).iterator(chunk_size=5000)
    ):
        key, sums = values[: len(names)], values[len(names) :]
        if key in stored:  # a duplicated cell is drift too: add it up so that it shows
            sums = tuple(a + b for a, b in zip(stored[key], sums, strict=True))
        stored[key] = tuple(sums)
    return stored


def rollup_drift(using: str = "default") -> list[dict]:
    """Cells, of any level, whose stored sums differ from a fresh computation from the base tables.

    Empty when the rollup is right. Each item: `level` ("full", "zone", "breakdown"), the
    cell's key fields, `stored` and `expected` (the sums, or None where the cell is missing)."""
    full = computed_cells(using=using)
    differing = []
    for level, names in LEVEL_KEYS.items():
        cells = full if level == "full" else coarse_cells(full, level)
        expected = {
            tuple(getattr(c, name) for name in names): tuple(getattr(c, name) for name in CELL_SUMS)
            for c in cells
        }
        stored = _stored_cells(level, using)
        for key in sorted(set(expected) | set(stored), key=repr):
            want = expected.get(key)
            have = stored.get(key)
            if want is not None and have is not None and _same(want, have):
                continue
            differing.append(
                {
                    "level": level,
                    **dict(zip(names, key, strict=True)),
                    "stored": _sums_dict(have),
                    "expected": _sums_dict(want),
                }
            )
    return differing


def _same(a: tuple, b: tuple) -> bool:
    return all(Decimal(x) == Decimal(y) for x, y in zip(a, b, strict=True))


def _sums_dict(values) -> dict | None:
    return None if values is None else dict(zip(CELL_SUMS, values, strict=True))


# --- reading ------------------------------------------------------------------------------------

# Distinct industries by a skip scan of the full level's (industry, …) index: one index probe
# per industry, where a DISTINCT reads every row (every project: ~70 ms at a million).
INDUSTRIES_SQL = """
WITH RECURSIVE found (industry) AS (
    SELECT min(industry) FROM projects_totalscell WHERE industry > ''
    UNION ALL
    SELECT (SELECT min(c.industry) FROM projects_totalscell c WHERE c.industry > found.industry)
    FROM found WHERE found.industry IS NOT NULL
)
SELECT industry FROM found WHERE industry IS NOT NULL
"""


def industries(using: str = "default") -> list[str]:
    """The industries of the projects that are not merged duplicates, in the database's order
    (the filter's choices: a merged project is listed and counted nowhere, so an industry only
    it had would select nothing)."""
    with connections[using].cursor() as cursor:
        cursor.execute(INDUSTRIES_SQL)
        return [row[0] for row in cursor.fetchall()]


# --- signal receivers (connected in projects.apps) --------------------------------------------


def _db(instance, using):
    return using or router.db_for_write(type(instance), instance=instance)


def _old_values(model, pk, using, fields):
    if pk is None:
        return None
    return model._default_manager.using(using).filter(pk=pk).values(*fields).first()


PROJECT_FIELDS = ("zone_id", "date")
BATCH_FIELDS = ("zone_id", "date", "review_status", "merged_into_id")


# pre_save / pre_delete note the cells the record is in *before* the change (and, for a
# batch, the cells of its members and of what is merged into it); post_save / post_delete
# recompute them with the cells it is in afterwards, once the change is written.


def _remember(instance, keys: set[Key]) -> None:
    instance._rollup_keys = getattr(instance, "_rollup_keys", set()) | keys


def _recall(instance) -> set[Key]:
    keys = getattr(instance, "_rollup_keys", set())
    instance._rollup_keys = set()
    return keys


def project_pre_save(sender, instance, raw=False, using=None, **kwargs):
    if raw:  # loaddata: the dump carries its own rollup cells
        return
    old = _old_values(Project, instance.pk, _db(instance, using), PROJECT_FIELDS)
    if old is not None:
        _remember(instance, {project_keys(old["zone_id"], old["date"])})


def record_post_save(sender, instance, raw=False, using=None, **kwargs):
    """After a project or batch is saved: its old cells (remembered) and its new one."""
    if raw:  # loaddata: the dump carries its own rollup cells
        return
    mark(_recall(instance) | {project_keys(instance.zone_id, instance.date)}, _db(instance, using))


def project_pre_delete(sender, instance, using=None, **kwargs):
    using = _db(instance, using)
    keys = {project_keys(instance.zone_id, instance.date)}
    # Projects merged into this one are set free (SET_NULL) without a signal: they count again.
    for zone_id, day in (
        Project.objects.using(using).filter(merged_into_id=instance.pk).values_list("zone_id", "date")
    ):
        keys.add(project_keys(zone_id, day))
    _remember(instance, keys)


def record_post_delete(sender, instance, using=None, **kwargs):
    mark(_recall(instance), _db(instance, using))


def _member_keys(batch_ids, using) -> set[Key]:
    members = (
        Project.objects.using(using)
        .filter(batch_id__in=batch_ids)
        .order_by()
        .values_list("zone_id", "date")
        .distinct()
    )
    return {project_keys(zone_id, day) for zone_id, day in members}


def batch_pre_save(sender, instance, raw=False, using=None, **kwargs):
    if raw:  # loaddata: the dump carries its own rollup cells
        return
    using = _db(instance, using)
    old = _old_values(Batch, instance.pk, using, BATCH_FIELDS)
    if old is None:
        return
    keys = {project_keys(old["zone_id"], old["date"])}
    changed_for_members = (
        old["zone_id"] != instance.zone_id
        or month_of(old["date"]) != month_of(instance.date)
        or old["review_status"] != instance.review_status
        or old["merged_into_id"] != instance.merged_into_id
    )
    if changed_for_members:
        keys |= _member_keys([instance.pk], using)
    _remember(instance, keys)


def batch_pre_delete(sender, instance, using=None, **kwargs):
    using = _db(instance, using)
    keys = {project_keys(instance.zone_id, instance.date)} | _member_keys([instance.pk], using)
    for zone_id, day in (
        Batch.objects.using(using).filter(merged_into_id=instance.pk).values_list("zone_id", "date")
    ):
        keys.add(project_keys(zone_id, day))
    _remember(instance, keys)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

    pre_save.connect(project_pre_save, sender=Project, dispatch_uid="rollup-project-pre-save")
    post_save.connect(record_post_save, sender=Project, dispatch_uid="rollup-project-post-save")
    pre_delete.connect(project_pre_delete, sender=Project, dispatch_uid="rollup-project-pre-delete")
    post_delete.connect(record_post_delete, sender=Project, dispatch_uid="rollup-project-post-delete")
    pre_save.connect(batch_pre_save, sender=Batch, dispatch_uid="rollup-batch-pre-save")
    post_save.connect(record_post_save, sender=Batch, dispatch_uid="rollup-batch-post-save")
    pre_delete.connect(batch_pre_delete, sender=Batch, dispatch_uid="rollup-batch-pre-delete")
    post_delete.connect(record_post_delete, sender=Batch, dispatch_uid="rollup-batch-post-delete")
