"""The rollup behind the totals: cells that sum the projects and batches, kept equal to them.

Why: with a million projects a `GROUP BY zone, month` over the projects takes seconds; the
same figures summed from these cells take a fraction of that (docs/benchmarks.md).
`projects.totals` reads the cells whenever the filter only names dimensions they keep
(zone, province, month range, stage, industry, review status) and computes the others live.

A cell holds the sums of the *not merged* projects (or batches) that share its keys — and,
for projects, the review status and zone of the batch they belong to (when that batch is not
merged): the counting rule skips a member project exactly when its batch is counted under
the same filter, which depends only on those two fields (`projects.totals._batch_counted`).

The month of a cell is its `date` (first day of the month; null: undated) and `month_known`:
False for the records known only to the year, which keep cells of their own dated 1 January
(`month_known()`), so that they count in their year and never in January
(`projects.totals`, "Records known only to the year").

Six levels, each read for the filters it can answer with the fewest cells:

- **full** (`TotalsCell`): zone × month × review status × stage × industry — an industry
  filter's zone × month sums, and the breakdowns of a zone or province filter;
- **zone** (`TotalsZoneCell`): zone × month × review status — the zone × month sums of a
  filter that names no stage or industry (a month range, a charted zone's months, exports);
- **stage** (`TotalsStageCell`): zone × month × review status × stage — the same for a
  filter that names a stage but no industry;
- **zone total** (`TotalsZoneTotalCell`): zone × review status × stage without the month
  (only whether dated) — each zone's sums for a filter with no month range or industry (the
  ranking, the undated figure, the zone list), ~30 cells per zone instead of ~650 or ~1,700;
- **breakdown** (`TotalsBreakdownCell`): month × review status × stage × industry, no zone —
  the stage and industry breakdowns of a filter that names no zone or province;
- **month** (`TotalsMonthCell`): month × review status, no zone, stage or industry — the
  monthly totals of a filter that names none of those.

How it never drifts: every save or delete of a `Project` or `Batch` (signals, `connect`)
recomputes the (zone, month) keys it touches — those it was in before the change and is in
after it, and for a batch also those of its member projects and of what is merged into it
(whose `SET_NULL` updates send no signal) — *from the base tables*, in the same transaction
as the change. Each level is replaced where the keys fall (`Level.kept_per`: the keys' cells,
their months' or their zones') by the sums of its freshly written source level, in the
database (`INSERT … SELECT … GROUP BY`): nothing is kept by differences, so a recompute is
exact whatever the cells held before. A project's save also marks its key with the project's
industry and review status before and after (`Detail`), which narrow the follow-through's
levels kept by month or zone (`projects/follow_cells.py`). The zone totals re-sum a touched zone's stage cells
(~1,700 at a million projects), the months re-sum their breakdown cells. `deferred()` lets a
long write (the ingest of a bulletin) collect the keys and recompute each once at its end.
On PostgreSQL every writer of the rollup takes one advisory lock until its transaction ends
(`lock_writers`), so two writers never sum each other's uncommitted cells. Bulk
`QuerySet.update()` on Project/Batch sends no signal and is not used on them
(tests/test_audit.py). `rebuild()` (`manage.py rebuild_rollup`) recomputes everything;
`rollup_drift()` lists the cells that differ from a fresh computation (`manage.py
rebuild_rollup --check`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, ExitStack, contextmanager
from decimal import Decimal
from typing import NamedTuple

from django.apps import apps as installed_apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, router, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from .models import Batch, CellKind, DatePrecision, Project, Stage
from .months import month_of, next_month

Key = tuple[int | None, dt.date | None]  # (zone_id, first day of the month or None)

CELL_SUMS = ("projects", "batches", "batch_projects", "amount", "approximate_amount")
FULL_KEYS = ("zone_id", "date", "month_known", "kind", "review_status", "stage", "industry",
             "batch_review_status", "batch_zone_id")


class Level(NamedTuple):
    """A level of the rollup: its model, its keys (its fields besides the sums), what one
    recompute replaces of it — the cells of the touched (zone, month) keys, of their months or
    of their zones — and the level whose fresh cells it sums (None: the base tables)."""

    model: str
    keys: tuple[str, ...]
    kept_per: str  # "zone-month", "month" or "zone"
    source: str | None


# In the order a recompute fills them (each after its source). "dated": whether the date is known;
# "month_known": False for the records known only to the year (their `date` is 1 January).
LEVELS = {
    "full": Level("TotalsCell", FULL_KEYS, "zone-month", None),
    "zone": Level("TotalsZoneCell", ("zone_id", "date", "month_known", "kind", "review_status",
                                     "batch_review_status", "batch_zone_id"), "zone-month", "full"),
    "stage": Level("TotalsStageCell", ("zone_id", "date", "month_known", "kind", "review_status", "stage",
                                       "batch_review_status", "batch_zone_id"), "zone-month", "full"),
    "zone_total": Level("TotalsZoneTotalCell", ("zone_id", "dated", "kind", "review_status", "stage",
                                                "batch_review_status", "batch_zone_id"), "zone", "stage"),
    "breakdown": Level("TotalsBreakdownCell", ("date", "month_known", "kind", "review_status", "stage",
                                               "industry", "batch_review_status"), "month", "full"),
    "month": Level("TotalsMonthCell", ("date", "month_known", "kind", "review_status", "batch_review_status"),
                   "month", "breakdown"),
}
# PostgreSQL advisory lock taken by every writer of the rollup (see `lock_writers`).
ADVISORY_LOCK_CLASS = 72_631_140
MONEY = DecimalField(max_digits=28, decimal_places=2)

_state = threading.local()
# Other rollups kept on the same keys (each a module with `recompute(marks, using)` and
# `rebuild(using)`): recomputed with these levels, under the same lock (`keep_also`).
ALSO_KEPT: list = []


def keep_also(module) -> None:
    """Recompute and rebuild another rollup with this one (projects.apps: the follow-through's
    cells, `projects/follow_cells.py`, which reads this module and so is not imported by it)."""
    if module not in ALSO_KEPT:
        ALSO_KEPT.append(module)


def level_model(level: str, apps=None):
    """The model of a level (`apps`: a migration's registry, which may not have it yet: None)."""
    try:
        return (apps or installed_apps).get_model("projects", LEVELS[level].model)
    except LookupError:
        return None


# --- marking keys to recompute ------------------------------------------------------------------


# A key's detail: the (industry, review status) pairs of the projects whose saves marked it, before
# and after the change — or None when what changed in it is not known by record (a bulk write, a
# batch, a delete, the records a delete frees). The totals' levels use only the keys; the
# follow-through's levels keyed by industry or review status without the zone or the month
# narrow their recompute to these pairs (`projects/follow_cells.py`).
Detail = set | None
Marks = dict  # Key: Detail


def as_marks(keys: Iterable[Key] | Marks) -> Marks:
    """Keys as marks (plain keys: no detail)."""
    return dict(keys) if isinstance(keys, dict) else dict.fromkeys(keys)


def add_marks(into: Marks, marks: Marks) -> None:
    """Add `marks` to `into`: a key's details joined, None (anything in it) winning."""
    for key, detail in marks.items():
        if key not in into:
            into[key] = None if detail is None else set(detail)
        elif into[key] is not None:
            into[key] = None if detail is None else into[key] | detail


def _scopes(using: str) -> list[Marks]:
    scopes = getattr(_state, "scopes", None)
    if scopes is None:
        scopes = _state.scopes = {}
    return scopes.setdefault(using, [])


def mark(keys: Iterable[Key] | Marks, using: str = "default") -> None:
    """Recompute these cells now, in the caller's transaction — or at the end of the
    enclosing `deferred()` block. `keys`: (zone, month) keys, or marks (`Detail`)."""
    marks = as_marks(keys)
    if not marks:
        return
    scopes = _scopes(using)
    if scopes:
        add_marks(scopes[-1], marks)
    else:
        recompute(marks, using=using)


# Other data kept from the same saves that defers its own recompute with this block (each a
# factory of a context manager taking `using`): articles/review_state.py, which projects cannot
# import (the layers in pyproject.toml), registers its `deferred` here (articles.apps).
ALSO_DEFERRED: list[Callable[[str], AbstractContextManager]] = []


def defer_also(factory: Callable[[str], AbstractContextManager]) -> None:
    if factory not in ALSO_DEFERRED:
        ALSO_DEFERRED.append(factory)


@contextmanager
def deferred(using: str = "default"):
    """Collect the cells that many saves touch and recompute each once, at the end of the
    block (still inside the caller's transaction, so the rollup commits with the change) —
    and so for what `defer_also` registered, recomputed first."""
    scopes = _scopes(using)
    scopes.append({})
    try:
        with ExitStack() as also:
            for factory in ALSO_DEFERRED:
                also.enter_context(factory(using))
            yield
    except BaseException:
        scopes.pop()
        raise
    marks = scopes.pop()
    if scopes:
        add_marks(scopes[-1], marks)
    else:
        recompute(marks, using=using)


def project_keys(zone_id, day) -> Key:
    return (zone_id, month_of(day))


# --- computing cells from the base tables --------------------------------------------------------


def _key_q(keys: Iterable[Key]) -> Q:
    """The rows (records or cells) of these (zone, month) keys: by zone and date range."""
    by_month: dict[dt.date | None, set] = {}
    for zone_id, month in keys:
        by_month.setdefault(month, set()).add(zone_id)
    q = Q(pk__in=[])
    for month, zones in by_month.items():
        date_q = Q(date__isnull=True) if month is None else Q(date__gte=month, date__lt=next_month(month))
        zone_q = Q(zone_id__in=[z for z in zones if z is not None]) if zones - {None} else Q(pk__in=[])
        if None in zones:
            zone_q |= Q(zone_id__isnull=True)
        q |= date_q & zone_q
    return q


def computed_cells(where: Q | None = None, using: str = "default", apps=None) -> list[QuerySet]:
    """The full cells as they should be, computed from the base tables (all, or those of the
    records `where` selects, e.g. `_key_q(keys)`): two grouped querysets (projects, batches), each
    selecting FULL_KEYS then CELL_SUMS.

    `apps`: a migration's app registry, for its historical models."""
    project_model, batch_model = ((apps or installed_apps).get_model("projects", name)
                                  for name in ("Project", "Batch"))
    where = where or Q()
    live_batch = Q(batch__isnull=False, batch__merged_into__isnull=True)
    amount, approximate = Sum("amount_yuan"), Sum("amount_yuan", filter=Q(approximate=True))
    projects = (
        project_model.objects.using(using).filter(where, merged_into__isnull=True)
        .annotate(
            c_month=TruncMonth("date"), c_month_known=month_known(), c_kind=Value(CellKind.PROJECT),
            c_batch_status=Case(When(live_batch, then=F("batch__review_status"))),
            c_batch_zone=Case(When(live_batch, then=F("batch__zone_id"))),
        )
        .order_by()
        .values_list("zone_id", "c_month", "c_month_known", "c_kind", "review_status", "stage", "industry",
                     "c_batch_status", "c_batch_zone")
        .annotate(**_named_sums(Count("id"), Value(0), Value(0), amount, approximate))
    )
    batches = (
        batch_model.objects.using(using).filter(where, merged_into__isnull=True)
        .annotate(c_month=TruncMonth("date"), c_month_known=month_known(), c_kind=Value(CellKind.BATCH),
                  c_stage=Value(Stage.SIGNED),
                  c_industry=Value(""), c_no_status=Value(None, output_field=CharField()),
                  c_no_zone=Value(None, output_field=IntegerField()))
        .order_by()
        .values_list("zone_id", "c_month", "c_month_known", "c_kind", "review_status", "c_stage",
                     "c_industry", "c_no_status", "c_no_zone")
        .annotate(**_named_sums(Value(0), Count("id"), Coalesce(Sum("project_count"), 0), amount,
                                approximate))
    )
    return [projects, batches]


def month_known() -> Case:
    """Whether a record's month is known (False: dated, but only to the year) — the cells'
    `month_known`, and the live totals' (projects/totals.py)."""
    year_only = Q(date_precision=DatePrecision.YEAR, date__isnull=False)
    return Case(When(year_only, then=Value(False)), default=Value(True), output_field=BooleanField())


def _named_sums(projects, batches, batch_projects, amount, approximate) -> dict:
    """The CELL_SUMS of grouped records, named apart from the records' own fields."""
    money = (Coalesce(total, Value(Decimal(0)), output_field=MONEY) for total in (amount, approximate))
    values = (projects, batches, batch_projects, *money)
    return dict(zip((f"s_{name}" for name in CELL_SUMS), values, strict=True))


def _insert_select(model, names: Iterable[str], queryset: QuerySet, using: str) -> None:
    """INSERT INTO the model's table (columns `names`) the rows `queryset` selects, in the
    database: no rows through Python."""
    connection = connections[using]
    sql, params = queryset.query.get_compiler(using=using).as_sql()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {sql}", params)


def _fill(level: str, using: str, apps=None, where: Q | None = None) -> None:
    """Insert a level's cells (all, or those `where` selects): the full cells computed from the
    base tables; the others summed in the database from their source level by their keys."""
    model, keys, _kept_per, source = level_model(level, apps), *LEVELS[level][1:]
    names = (*keys, *CELL_SUMS)
    if source is None:
        for queryset in computed_cells(where, using, apps):
            _insert_select(model, names, queryset, using)
        return
    cells = level_model(source, apps).objects.using(using).filter(where or Q())
    if "dated" in keys:
        cells = cells.annotate(dated=ExpressionWrapper(Q(date__isnull=False), output_field=BooleanField()))
    grouped = cells.order_by().values_list(*keys).annotate(*(Sum(name) for name in CELL_SUMS))
    _insert_select(model, names, grouped, using)


def lock_writers(using: str) -> None:
    """On PostgreSQL, make this transaction the rollup's only writer until it ends: a coarser cell
    sums the fresh cells of other zones or months, so two writers must not interleave (SQLite
    serialises writers itself). One lock, so no deadlock between two writers of the rollup —
    nor with the writers of the review counts (articles/review_state.py), which take it too."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_CLASS])


def _wheres(keys: list[Key]) -> dict[str, list[Q]]:
    """What a recompute of these keys replaces, per granularity (`Level.kept_per`)."""
    months, zones = {month for _zone, month in keys}, {zone for zone, _month in keys}
    month_q = Q(date__in=sorted(m for m in months if m is not None))
    if None in months:
        month_q |= Q(date__isnull=True)
    zone_q = Q(zone_id__in=sorted(z for z in zones if z is not None))
    if None in zones:
        zone_q |= Q(zone_id__isnull=True)
    return {"zone-month": [_key_q(keys[start : start + 500]) for start in range(0, len(keys), 500)],
            "month": [month_q], "zone": [zone_q]}


def recompute(keys: Iterable[Key] | Marks, using: str = "default") -> None:
    """Replace the cells of these (zone, month) keys, on every level, by a fresh computation: the
    keys' cells of the zone × month levels, the months' cells of the zone-less ones, the zones'
    cells of the month-less one — each summed from its freshly written source. `keys`: keys or
    marks (their details narrow the follow-through's cells, `Detail`)."""
    marks = as_marks(keys)
    keys = list(marks)
    if not keys:
        return
    wheres = _wheres(keys)
    with transaction.atomic(using=using):
        lock_writers(using)
        for level, (_model, _keys, kept_per, _source) in LEVELS.items():
            for where in wheres[kept_per]:
                level_model(level).objects.using(using).filter(where).delete()
                _fill(level, using, where=where)
        for also in ALSO_KEPT:  # the follow-through's cells: the same keys, lock and transaction
            also.recompute(marks, using=using)


def rebuild(using: str = "default", apps=None) -> int:
    """Recompute the whole rollup, every level, from scratch; returns the number of full cells.

    `apps`: a migration's app registry (the levels its state has are filled)."""
    levels = [level for level in LEVELS if level_model(level, apps) is not None]
    with transaction.atomic(using=using):
        lock_writers(using)
        for level in levels:
            level_model(level, apps).objects.using(using).all().delete()
        for level in levels:
            _fill(level, using, apps)
        if apps is None:  # a migration fills the other rollups in its own
            for also in ALSO_KEPT:
                also.rebuild(using)
    return level_model("full", apps).objects.using(using).count()


def rebuild_in_migration(apps, schema_editor) -> None:
    """Fill the rollup for the data already there (the migrations that add its levels or keys).

    Skipped in a state whose cells lack a key the levels have today: the later migration that
    adds the key rebuilds them."""
    for level, (_model, keys, _kept_per, _source) in LEVELS.items():
        model = level_model(level, apps)
        if model is not None and not all(_has_field(model, name) for name in keys):
            return
    rebuild(using=schema_editor.connection.alias, apps=apps)


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def rollup_drift(using: str = "default") -> list[dict]:
    """Cells, of any level, whose stored sums differ from a fresh computation from the base tables.

    Empty when the rollup is right. Each item: `level`, the cell's key fields, `stored` and
    `expected` (the sums, or None where the cell is missing)."""
    full = [row for queryset in computed_cells(using=using) for row in queryset.iterator(chunk_size=5000)]
    differing = []
    for level, (_model, names, _kept_per, _source) in LEVELS.items():
        expected = _added(
            (tuple(_key_value(row, name) for name in names), row[len(FULL_KEYS):]) for row in full)
        stored = _added(
            (values[: len(names)], values[len(names):]) for values in
            level_model(level).objects.using(using).values_list(*names, *CELL_SUMS).iterator(chunk_size=5000)
        )
        for key in sorted(set(expected) | set(stored), key=repr):
            want, have = expected.get(key), stored.get(key)
            if want is not None and have is not None and all(
                Decimal(x) == Decimal(y) for x, y in zip(want, have, strict=True)
            ):
                continue
            differing.append({
                "level": level, **dict(zip(names, key, strict=True)),
                "stored": None if have is None else dict(zip(CELL_SUMS, have, strict=True)),
                "expected": None if want is None else dict(zip(CELL_SUMS, want, strict=True)),
            })
    return differing


def _key_value(row: tuple, name: str):
    """A full cell's value of a coarser level's key (`dated`: whether it has a month)."""
    if name == "dated":
        return row[FULL_KEYS.index("date")] is not None
    return row[FULL_KEYS.index(name)]


def _added(rows: Iterable[tuple[tuple, tuple]]) -> dict[tuple, list]:
    """(key, sums) pairs added up by key (a key stored twice is drift too: its sums show it)."""
    sums: dict[tuple, list] = {}
    for key, values in rows:
        key = tuple(value.date() if isinstance(value, dt.datetime) else value for value in key)
        total = sums.get(key)
        if total is None:
            sums[key] = list(values)
        else:
            for i, value in enumerate(values):
                total[i] += value
    return sums


# --- reading ------------------------------------------------------------------------------------

# Distinct industries by a skip scan of the full level's (industry, …) index: one index probe
# per industry, where a DISTINCT reads every row (every project).
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


# --- signal receivers ---------------------------------------------------------------------------

# The fields of a batch that its members' cells carry (its review status and zone, and whether it
# is merged): a change to one of them recomputes the members' keys too.
MEMBER_FIELDS = ("zone_id", "review_status", "merged_into_id")


# What a project's cells of the follow-through are keyed by besides its zone and month: a saved
# project marks its key with these, before and after the change (`Detail`).
PROJECT_DETAIL = ("industry", "review_status")


def _remember(instance, marks: Marks) -> None:
    remembered = getattr(instance, "_rollup_marks", {})
    add_marks(remembered, marks)
    instance._rollup_marks = remembered


def before_change(sender, instance, signal, raw=False, using=None, **kwargs):
    """pre_save / pre_delete of a project or batch: note the keys it is in before the change,
    and those of the records the change affects — on delete, the records merged into it (set
    free by SET_NULL, they count again) and a batch's members and theirs; on save, a batch's
    members when a field their cells carry changes. A project's save notes its industry and
    review status as they were (`Detail`), read from the database as its key is."""
    if raw:  # loaddata: the dump carries its own rollup cells
        return
    using = using or router.db_for_write(sender, instance=instance)
    deleting = signal is pre_delete
    if deleting:
        old = {"zone_id": instance.zone_id, "date": instance.date}
    elif instance.pk is None:
        return
    else:
        fields = MEMBER_FIELDS if sender is Batch else ("zone_id", *PROJECT_DETAIL)
        old = sender._default_manager.using(using).filter(pk=instance.pk).values("date", *fields).first()
        if old is None:
            return
    detail = None if deleting or sender is Batch else {tuple(old[name] for name in PROJECT_DETAIL)}
    marks = {project_keys(old["zone_id"], old["date"]): detail}
    freed = []
    if deleting:
        merged = sender._default_manager.using(using).filter(merged_into_id=instance.pk)
        for pk, zone_id, day in merged.values_list("pk", "zone_id", "date"):
            add_marks(marks, {project_keys(zone_id, day): None})
            freed.append(pk)
    if sender is Batch:
        if deleting:
            batches = [instance.pk, *freed]
        else:
            batches = [instance.pk] if any(old[f] != getattr(instance, f) for f in MEMBER_FIELDS) else []
        members = Project.objects.using(using).filter(batch_id__in=batches).order_by()
        add_marks(marks, dict.fromkeys(project_keys(*values)
                                       for values in members.values_list("zone_id", "date").distinct()))
    _remember(instance, marks)


def after_change(sender, instance, raw=False, using=None, **kwargs):
    """post_save / post_delete: recompute the keys noted before the change and the record's own —
    a saved project's with its industry and review status as stored now (read back: a save of
    some fields leaves the others as the database has them)."""
    if raw:  # loaddata: the dump carries its own rollup cells
        return
    using = using or router.db_for_write(sender, instance=instance)
    marks = getattr(instance, "_rollup_marks", {})
    instance._rollup_marks = {}
    own = project_keys(instance.zone_id, instance.date)
    stored = None
    if sender is Project and kwargs.get("signal") is post_save:
        stored = Project.objects.using(using).filter(pk=instance.pk).values("zone_id", "date",
                                                                             *PROJECT_DETAIL).first()
    if stored is None:
        add_marks(marks, {own: None})
    else:
        detail = {tuple(stored[name] for name in PROJECT_DETAIL)}
        add_marks(marks, {own: detail, project_keys(stored["zone_id"], stored["date"]): detail})
    mark(marks, using)


def connect() -> None:
    """Keep the rollup on every save and delete of a project or batch (projects.apps)."""
    signals = {"pre-save": (pre_save, before_change), "pre-delete": (pre_delete, before_change),
               "post-save": (post_save, after_change), "post-delete": (post_delete, after_change)}
    for model in (Project, Batch):
        for name, (signal, receiver) in signals.items():
            signal.connect(receiver, sender=model, dispatch_uid=f"rollup-{model.__name__}-{name}")

