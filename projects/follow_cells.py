"""The follow-through's rollup: cells that sum the projects' timelines, kept equal to them.

Why: at a million projects the follow-through's live aggregation (`projects/follow_through.py`)
reads every counted project — over a second for the default question; the same figures summed
from these cells take tens of milliseconds (docs/benchmarks.md §8).

A cell holds, for the not-merged projects sharing its keys, the count and amount of each
condition of the follow-through rule (signed, started, operating, started without signing,
started certainly within 6/12/24 months, signed with no later event) — or, in the tall "lag"
levels, how many projects took each number of months to start (so the medians stay exact)
and, for the cohorts, the signed amount by the months within which the start is certain.
No key crosses zone × industry × month: such cells would be as many as the projects.

Which filters the cells answer (`answers`): those naming only a month range, an industry and
the review status — never an industry *with* a month range; a zone or province filter reads few
projects and stays live (tens of milliseconds at a million, benchmarks §8), as does any other.

The stalled total depends on the day: the cells give the projects signed before the cutoff's
month; the cutoff month itself is read live (`project_stalled_idx`).

How it never drifts: it rides on the totals rollup's machinery (`projects/rollup.py`): the
same (zone, month) keys are marked by every project save and delete, by the ingest's bulk
writes and by `timeline.refresh` (whose bulk update sends no signal), collected by
`rollup.deferred()`, and `rollup.recompute` replaces these cells too, under the same advisory
lock and in the same transaction — each level where the keys fall (the keys' cells, their
months' or their zones'), recomputed from the projects table (`INSERT … SELECT … GROUP BY`).
The levels without the zone or without the month are replaced only for the industries and
review statuses the saves name (`rollup.Detail`: a project's save marks its key with its
industry and review status before and after; a bulk write marks the whole key), so one review
action rewrites the cells of its record's industry and statuses, not its whole month and zone
(`_narrowed`; tests/test_follow_cells_narrow.py); the three levels kept by month are refilled
from one grouping of their projects (`_fill_by_month`). Nothing is kept by differences: each
replaced cell is summed afresh from all its projects.
`rebuild()` fills everything (the migration, `manage.py rebuild_rollup`, `bench/seed.py`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from django.apps import apps as installed_apps
from django.db import transaction
from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth

from . import rollup
from .follow_conditions import IDLE, OPERATING, SIGNED, STARTED, UNSIGNED_STARTED, WINDOWS, within
from .months import month_of, next_month
from .totals import _cells_q

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
COHORT_MONTHS = 24
CONDITIONS = ("signed", "started", "operating", "unsigned_started", "within_6", "within_12", "within_24",
              "idle")
# The filters the cells answer (`answers`).
CELL_FILTERS = frozenset({"month_from", "month_to", "industry", "review_status"})
MONTH_FILTERS = frozenset({"month_from", "month_to"})


class Level(NamedTuple):
    """A level: its model, its keys, what a recompute replaces of it ("zone-month": the keys'
    cells, "month": their months', "zone": their zones') and what it sums ("figure": the
    conditions; "lag": projects by months to start; "cohort": signed by certain months)."""

    model: str
    keys: tuple[str, ...]
    kept_per: str
    sums: str


MONTH_KEYS = ("date", "month_known")
LEVELS = {
    "zone_month": Level("FollowZoneMonthCell",
                        ("zone_id", *MONTH_KEYS, "review_status", "signed_month"), "zone-month", "figure"),
    "industry_month": Level("FollowIndustryMonthCell",
                            ("industry", *MONTH_KEYS, "review_status", "signed_month"), "month", "figure"),
    "zone_industry": Level("FollowZoneIndustryCell", ("zone_id", "industry", "review_status"), "zone",
                           "figure"),
    "zone_lag": Level("FollowZoneLagCell", ("zone_id", *MONTH_KEYS, "review_status", "lag"), "zone-month",
                      "lag"),
    "industry_lag": Level("FollowIndustryLagCell", ("industry", *MONTH_KEYS, "review_status", "lag"),
                          "month", "lag"),
    "zone_industry_lag": Level("FollowZoneIndustryLagCell", ("zone_id", "industry", "review_status", "lag"),
                               "zone", "lag"),
    "zone_total_lag": Level("FollowZoneTotalLagCell", ("zone_id", "review_status", "lag"), "zone", "lag"),
    "cohort": Level("FollowCohortCell", ("industry", *MONTH_KEYS, "review_status", "signed_month", "lag"),
                    "month", "cohort"),
}


def level_model(level: str, apps=None):
    try:
        return (apps or installed_apps).get_model("projects", LEVELS[level].model)
    except LookupError:
        return None


# --- computing cells from the projects ---------------------------------------------------------


def _conditions() -> dict[str, Q]:
    return {"signed": SIGNED, "started": STARTED, "operating": OPERATING,
            "unsigned_started": UNSIGNED_STARTED, **{f"within_{w}": within(w) for w in WINDOWS}, "idle": IDLE}


def _money(total) -> Coalesce:
    money = level_model("zone_month")._meta.get_field("signed_y")
    return Coalesce(total, Value(Decimal(0)), output_field=money)


def _source(level: str, where: Q, using: str, apps=None) -> tuple[list[str], QuerySet]:
    """The level's cells as they should be, grouped from the projects `where` selects: the
    column names and the queryset selecting them (keys, then sums)."""
    keys, sums = LEVELS[level].keys, LEVELS[level].sums
    projects = (apps or installed_apps).get_model("projects", "Project").objects.using(using)
    projects = projects.filter(where, merged_into__isnull=True).order_by()
    derived = {"date": TruncMonth("date"), "month_known": rollup.month_known(),
               "signed_month": TruncMonth("signed_on")}
    if sums == "lag":
        projects = projects.filter(months_to_start__isnull=False)
        derived["lag"] = F("months_to_start")
    elif sums == "cohort":
        projects = projects.filter(signed_on__isnull=False)
        derived["lag"] = Case(When(months_to_start_max__lte=COHORT_MONTHS, then=F("months_to_start_max")))
    annotated = {f"k_{name}": derived[name] for name in keys if name in derived}
    columns = [f"k_{name}" if name in derived else name for name in keys]
    grouped = projects.annotate(**annotated).values_list(*columns)
    if sums == "figure":
        aggregates = {}
        for name, condition in _conditions().items():
            aggregates[f"s_{name}_n"] = Count("id", filter=condition)
            aggregates[f"s_{name}_y"] = _money(Sum("amount_yuan", filter=condition))
        names = [f"{name}_{part}" for name in CONDITIONS for part in ("n", "y")]
    else:
        aggregates = {"s_projects": Count("id"), "s_amount": _money(Sum("amount_yuan"))}
        names = ["projects", "amount"]
    return [*keys, *names], grouped.annotate(**aggregates)


def _fill(level: str, using: str, where: Q | None = None, apps=None) -> None:
    names, queryset = _source(level, where or Q(), using, apps)
    rollup._insert_select(level_model(level, apps), names, queryset, using)


def _month_ranges(months: set) -> Q:
    """The projects dated in these months (None: undated)."""
    q = Q(pk__in=[])
    for month in months:
        q |= Q(date__isnull=True) if month is None else Q(date__gte=month, date__lt=next_month(month))
    return q


# A zone or month with more (industry, review status) pairs marked than this is recomputed whole.
MAX_PAIRS = 12


def _place_q(kept_per: str, place) -> tuple[Q, Q]:
    """(cells, projects) filters of one month (None: undated) or one zone (None: no zone)."""
    if kept_per == "month":
        return (Q(date__isnull=True) if place is None else Q(date=place)), _month_ranges({place})
    zone_q = Q(zone_id__isnull=True) if place is None else Q(zone_id=place)
    return zone_q, zone_q


def _narrowed(spec: Level, marks: dict) -> tuple[Q, Q]:
    """(cells, projects) filters of what a recompute of these marks replaces on a level kept by
    month or by zone: each touched month's (zone's) cells and projects — only those of the
    (industry, review status) pairs the marks name when every mark of that month (zone) names
    its pairs (`rollup.Detail`; the industry left out of a level that does not key it).

    Exact: a cell of such a level sums the projects of one month (zone), industry and review
    status; a change moves a project out of the cell it was in and into the one it is in now,
    both named by the marks of the saves (read from the database before and after), so every
    cell whose projects changed is replaced — from all its projects, whatever their zone (month)."""
    places: dict = {}
    for (zone, month), detail in marks.items():
        rollup.add_marks(places, {month if spec.kept_per == "month" else zone: detail})
    by_industry = "industry" in spec.keys
    cells_q, projects_q = Q(pk__in=[]), Q(pk__in=[])
    for place, detail in places.items():
        place_cells, place_projects = _place_q(spec.kept_per, place)
        if detail is not None and len(detail) <= MAX_PAIRS:
            statuses: dict = defaultdict(set)
            for industry, status in detail:
                statuses[industry if by_industry else None].add(status)
            pairs = Q(pk__in=[])
            for industry, status_set in statuses.items():
                pair = Q(review_status__in=sorted(status_set))
                pairs |= pair & Q(industry=industry) if by_industry else pair
            place_cells, place_projects = place_cells & pairs, place_projects & pairs
        cells_q |= place_cells
        projects_q |= place_projects
    return cells_q, projects_q


def recompute(keys, using: str = "default") -> None:
    """Replace the cells of these (zone, month) keys on every level by a fresh computation
    (called by `rollup.recompute`, inside its transaction and lock): the keys' cells of the zone ×
    month levels; of the others, the touched months' (zones') cells, narrowed to the industries
    and review statuses the saves name (`_narrowed`). `keys`: keys or `rollup` marks."""
    marks = rollup.as_marks(keys)
    keys = list(marks)
    if not keys:
        return
    chunks = [rollup._key_q(keys[start:start + 500]) for start in range(0, len(keys), 500)]
    by_month = [level for level, spec in LEVELS.items() if spec.kept_per == "month"]
    for level, spec in LEVELS.items():
        wheres = [(q, q) for q in chunks] if spec.kept_per == "zone-month" else [_narrowed(spec, marks)]
        for cells, projects in wheres:
            level_model(level).objects.using(using).filter(cells).delete()
            if spec.kept_per != "month":
                _fill(level, using, projects)
    # the levels kept by month all key the industry and review status: the same projects, grouped once
    _fill_by_month(by_month, _narrowed(LEVELS[by_month[0]], marks)[1], using)


# What the levels kept by month are keyed by, together (`_fill_by_month`).
FINE_KEYS = ("industry", "date", "month_known", "review_status", "signed_month", "lag", "cohort_lag")


def _fill_by_month(levels: list[str], where: Q, using: str) -> None:
    """Insert the cells of the levels kept by month (industry × month: figures, lags, cohorts) of
    the projects `where` selects, from one grouping of them by all these levels' keys (`FINE_KEYS`)
    with every sum the levels take, added up here by each level's keys: the same cells as `_fill`
    (each level from the projects, its own grouping), reading the projects once instead of three
    times — at a million projects one month and industry can hold ~50,000 (a large issue's
    candidates), whose cells one confirm replaces."""
    projects = installed_apps.get_model("projects", "Project").objects.using(using)
    fine = (
        projects.filter(where, merged_into__isnull=True).order_by()
        .annotate(k_date=TruncMonth("date"), k_month_known=rollup.month_known(),
                  k_signed_month=TruncMonth("signed_on"),
                  k_cohort=Case(When(months_to_start_max__lte=COHORT_MONTHS, then=F("months_to_start_max"))))
        .values_list("industry", "k_date", "k_month_known", "review_status", "k_signed_month",
                     "months_to_start", "k_cohort")
    )
    aggregates = {}
    for name, condition in _conditions().items():
        aggregates[f"s_{name}_n"] = Count("id", filter=condition)
        aggregates[f"s_{name}_y"] = _money(Sum("amount_yuan", filter=condition))
    figure_names = [f"{name}_{part}" for name in CONDITIONS for part in ("n", "y")]
    sums: dict[str, dict[tuple, list]] = {level: {} for level in levels}
    for row in fine.annotate(**aggregates, s_n=Count("id"), s_y=_money(Sum("amount_yuan"))):
        key = dict(zip(FINE_KEYS, (_plain(value) for value in row[:len(FINE_KEYS)]), strict=True))
        figures, counted = row[len(FINE_KEYS):-2], row[-2:]
        for level in levels:
            spec = LEVELS[level]
            unkept = {"lag": key["lag"] is None, "cohort": key["signed_month"] is None}
            if unkept.get(spec.sums):  # (as `_source`: the lags of the started, the cohorts of the signed)
                continue
            if spec.sums == "cohort":
                key_values = tuple(key["cohort_lag" if name == "lag" else name] for name in spec.keys)
            else:
                key_values = tuple(key[name] for name in spec.keys)
            values = figures if spec.sums == "figure" else counted
            total = sums[level].get(key_values)
            if total is None:
                sums[level][key_values] = list(values)
            else:
                for i, value in enumerate(values):
                    total[i] += value
    for level in levels:
        model, spec = level_model(level), LEVELS[level]
        names = figure_names if spec.sums == "figure" else ["projects", "amount"]
        model.objects.using(using).bulk_create(
            model(**dict(zip(spec.keys, key, strict=True)), **dict(zip(names, values, strict=True)))
            for key, values in sums[level].items())


def rebuild(using: str = "default", apps=None) -> int:
    """Recompute every cell from scratch (the migration, `rebuild_rollup`, `bench/seed.py`);
    returns the number of zone × month cells. The caller holds the rollup's lock, or is a migration."""
    levels = [level for level in LEVELS if level_model(level, apps) is not None]
    with transaction.atomic(using=using):
        for level in levels:
            level_model(level, apps).objects.using(using).all().delete()
            _fill(level, using, apps=apps)
    model = level_model("zone_month", apps)
    return model.objects.using(using).count() if model is not None else 0


def rebuild_in_migration(apps, schema_editor) -> None:
    rebuild(using=schema_editor.connection.alias, apps=apps)


# --- reading -------------------------------------------------------------------------------------


def answers(cleaned: dict) -> bool:
    """Whether the cells answer this filter: it names only fields they keep, and not an industry
    together with a month range (that would need industry × month by zone)."""
    names = set(cleaned)
    return names <= CELL_FILTERS and not ("industry" in names and names & MONTH_FILTERS)


def _figure_sums() -> dict:
    shown = (name for name in CONDITIONS if name != "idle")
    return {f"{name}_{part}": Sum(f"{name}_{part}") for name in shown for part in ("n", "y")}


def _rows(model, cells_q: Q, key: str) -> dict:
    """Each condition's count and amount by `key` (zone_id or industry), named as the live
    aggregation names them (`follow_through._aggregates`), without the stalled ones."""
    rows = model.objects.filter(cells_q).order_by().values(key).annotate(**_figure_sums())
    return {row.pop(key): {**row, "stalled_n": 0, "stalled_y": None} for row in rows}


def _lags(model, cells_q: Q, key: str) -> list[tuple]:
    """(key, months to start, projects) of the histograms."""
    rows = model.objects.filter(cells_q).order_by().values_list(key, "lag").annotate(n=Sum("projects"))
    return [row for row in rows if row[2]]


class Read(NamedTuple):
    zone_rows: dict  # zone_id: {"signed_n": …, "signed_y": …, …, "stalled_n", "stalled_y"}
    industry_rows: dict  # industry: the same (stalled: 0, the cells keep it by zone)
    zone_lags: list  # (zone_id, months to start, projects)
    industry_lags: list
    cohort_rows: list  # (first day of the signing quarter, months to a certain start, count, amount)


def read(cleaned: dict, live_projects: QuerySet, cutoff: dt.date) -> Read:
    """The figures of a filter the cells answer (`answers`). `live_projects`: the counted
    projects of the filter, for the projects stalled by `cutoff` that the cells cannot tell
    (those signed in the cutoff's own month, and by zone under an industry filter)."""
    q = _cells_q(cleaned)
    model = {name: level_model(name) for name in LEVELS}
    if not set(cleaned) & MONTH_FILTERS:  # no month range: the levels without the month, fewer cells
        zone_rows = _rows(model["zone_industry"], q, "zone_id")
        industry_rows = _rows(model["zone_industry"], q, "industry")
        lags = model["zone_industry_lag" if "industry" in cleaned else "zone_total_lag"]
        zone_lags = _lags(lags, q, "zone_id")
    else:
        zone_rows = _rows(model["zone_month"], q, "zone_id")
        industry_rows = _rows(model["industry_month"], q, "industry")
        zone_lags = _lags(model["zone_lag"], q, "zone_id")
    _add_stalled(zone_rows, cleaned, q, live_projects, cutoff)
    cohorts: dict[tuple, list] = defaultdict(lambda: [0, ZERO])
    rows = model["cohort"].objects.filter(q).order_by().values_list("signed_month", "lag").annotate(
        n=Sum("projects"), y=Sum("amount"))
    for month, lag, n, y in rows:
        month = month.date() if isinstance(month, dt.datetime) else month
        total = cohorts[(dt.date(month.year, (month.month - 1) // 3 * 3 + 1, 1), lag)]
        total[0] += n
        total[1] += y or ZERO
    cohort_rows = [(quarter, lag, n, y.quantize(CENT)) for (quarter, lag), (n, y) in cohorts.items() if n]
    return Read(zone_rows, industry_rows, zone_lags, _lags(model["industry_lag"], q, "industry"), cohort_rows)


def _add_stalled(zone_rows: dict, cleaned: dict, q: Q, live_projects: QuerySet, cutoff: dt.date) -> None:
    """The stalled projects by zone: from the zone × month cells signed before the cutoff's
    month, and live for that month (`project_stalled_idx`); live altogether under an industry
    filter (the zone × month cells keep no industry)."""
    cutoff_month = month_of(cutoff)
    live = live_projects.filter(IDLE, signed_on__lt=cutoff)
    found = []
    if "industry" not in cleaned:
        live = live.filter(signed_on__gte=cutoff_month)
        cells = level_model("zone_month").objects.filter(q, signed_month__lt=cutoff_month, idle_n__gt=0)
        found.append(cells.order_by().values_list("zone_id").annotate(n=Sum("idle_n"), y=Sum("idle_y")))
    found.append(live.values_list("zone_id").annotate(n=Count("review_status"), y=Sum("amount_yuan")))
    for rows in found:
        for zone_id, n, y in rows:
            row = zone_rows[zone_id]
            row["stalled_n"] += n
            row["stalled_y"] = (row["stalled_y"] or ZERO) + (y or ZERO)


def drift(using: str = "default") -> list[str]:
    """The levels whose stored cells differ from a fresh computation (empty: the cells are right)."""
    differing = []
    for level in LEVELS:
        names, queryset = _source(level, Q(), using)
        expected = sorted((tuple(_plain(value) for value in row) for row in queryset), key=repr)
        stored = sorted((tuple(_plain(value) for value in row)
                         for row in level_model(level).objects.using(using).values_list(*names)), key=repr)
        if expected != stored:
            differing.append(level)
    return differing


def _plain(value):
    """A value as both sides compare it (SQLite's sums and truncated months come back wider)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, Decimal):
        return value.quantize(CENT)
    return value
