"""Investment totals: the one rule for what a figure adds up, computed in the database.

Investment records
------------------
A figure adds up *investment records*. There are two kinds:

- a **batch** (`Batch`, an aggregate signing such as "签约项目16个，总投资约122亿元"), and
- a **project** (`Project`) that is not inside a counted batch.

A record counts when it is not a merged duplicate (`merged_into` is null) and it passes
the filter (`projects.filters.ProjectFilter`; by default only confirmed records). A batch
and the projects listed inside it (`Project.batch`) are never added together: when the
batch counts, its member projects are skipped; when it does not (rejected, still a
candidate, merged or filtered out — e.g. by an industry or investor filter, which batches
cannot satisfy), its member projects count on their own. A month range does not take a
batch out in this sense: a member of a batch signed in June never counts on its own in
July, so a filtered month shows exactly the bar of the unfiltered chart.

Each record counts once, in the month of its `date` (for a project: its signing date, else
its first reported event, as the review services set it) — or, known only to the year, in
that year (below); later events add no money.
Amounts are `amount_yuan`, converted at ingest (`projects/money.py`); a record without an
amount adds to the counts but not to the money. Records without a date are not dropped:
they form the "日期不详" figure, beside the monthly totals. With a month range in the
filter, that figure holds the undated records that match every *other* filter (they cannot
be placed in or out of the range).

What broke ground of what was signed — the follow-through rule (signing, start within 6/12/24
months at the dates' precision, operating, stalled; only projects, a batch's members once
linked) — is in projects/follow_through.py, computed from each project's stored timeline
(projects/timeline.py).

Records known only to the year
------------------------------
A record whose `date_precision` is "year" (e.g. 乐山's 200.2亿 batch dated "2022", or a
`今年以来` year-to-date figure; stored as 1 January) has a year but no month. It counts in
that year's total — the zone's and the period's totals, the breakdowns, the year's bar when
the bars are yearly (`projects/chart_range.py`) — and in the "month unknown" figure of that
year ("2022 年 · 月份不详": `Totals.unknown_months`, keyed `UnknownMonth(2022)`), never in a
month's bar. A month range includes it only when the range covers its whole year, January
to December (`projects.months.ends_by_q`, applied by `ProjectFilter` to the records and by
`CELL_LOOKUPS` to the cells); a range that covers only part of the year leaves it out, as it
leaves out a dated record outside it. It is then *not* added to the "日期不详" figure: that
figure holds the records no range can place, while a year-only record is placed by every
range that covers its year (and by the yearly bars). When the default range must leave older
records out, it runs to December of the latest record's year if a record known only to that
year is selected (`chart_range.effective`), so that record stays in its own view. The rollup
keeps them in cells of their own (`month_known`
False, dated 1 January), so both ways of adding up below give the same figures.

Left out, but never silently: when a month range covers a year only in part (it starts after
January or ends before December: `months.partly_covered_years`), the year-only records of that
year that match every *other* filter — counted by the same rule, a batch's members skipped as
ever — form the "left out" figure of that year (`Totals.left_out`, `left_out_note`: "另有 3 条只知
年份（2022 年）的记录共 200.2 亿元，因所选区间未覆盖全年而未计入"), shown beside the undated figure
with a link that widens the range to the whole year(s), in `/api/totals/` (`partial_years`) and
in the exports' notes. Like the undated figure, it is computed from the rollup (one grouped query
on the coarsest level that keeps the other filters) or live (`left_out_years`), with the same
figures. The default range, too, may start in the middle of a year: it stays the latest 24
months, and this figure says what it leaves out of that year (projects/chart_range.py).

Breakdowns: a batch is an aggregate signing, so it counts under the stage 签约; it has no
industry of its own, so it counts under 未分行业.

The database does the adding, in one of two ways that give the same figures (proven by
tests/test_rollup.py):

- **from the rollup** (`projects/rollup.py`, cells kept equal to the base tables on every
  save): whenever the filter only uses zone, province, month range, stage, industry and
  review status — the dashboard's usual filters. One query over the matching cells by zone
  and month (which also carries the undated figure of a month range) and one `GROUP BY stage,
  industry` for the breakdowns, each on the coarsest level of the rollup that keeps what the
  filter names (zone × month without stage and industry; zone × month × stage with a stage;
  month × stage × industry without zone; else the full cells). A project cell knows the
  status and zone of its batch, so the batch-member rule is applied exactly
  (`_batch_counted`). On PostgreSQL the zone × month query returns only what the pages show
  — each zone's sums, each month's, the months of the charted zones and the undated sums per
  zone (`REDUCED_SQL`) — rather than the whole grid (~25,000 rows at a million projects).
  The exports, which list every zone and month, read the grid.
- **live**: one `GROUP BY zone, month, stage, industry` over counted projects and one
  `GROUP BY zone, month` over counted batches (two more for the undated figure when a
  month range is set), for the filters the rollup cannot answer (keyword, investor,
  amount range, publication).

Everything else — monthly series, the top zones plus "其他", the ranking, the breakdowns,
exports — is summed from those few grouped rows, so every view of the same filter agrees
to the yuan.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .filters import MONTH_FIELDS, ProjectFilter
from .models import (
    Batch,
    CellKind,
    DatePrecision,
    Project,
    ReviewStatus,
    Stage,
    TotalsBreakdownCell,
    TotalsCell,
    TotalsMonthCell,
    TotalsStageCell,
    TotalsZoneCell,
    TotalsZoneTotalCell,
)
from .months import ends_by_q, in_years_q, next_month, parse_month, partly_covered_years
from .rollup import month_known
from .templatetags.money import yi_decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
DEFAULT_TOP = 8
MAX_MONTHS = 240
# Filters the rollup can answer; any other filter (keyword, investor, amounts, publication)
# is computed live from the base tables.
ROLLUP_FIELDS = frozenset(
    {"zone", "province", "month_from", "month_to", "stage", "industry", "review_status"})
# Filters a batch cannot satisfy (projects.filters.PROJECT_ONLY) that the rollup answers.
ROLLUP_PROJECT_ONLY = frozenset({"industry"})


@dataclass(slots=True)
class Figure:
    """What a set of investment records adds up to."""

    amount: Decimal = ZERO
    approximate_amount: Decimal = ZERO
    projects: int = 0
    batches: int = 0
    batch_projects: int = 0  # projects the counted batches announce (their project_count)

    @property
    def records(self) -> int:
        return self.projects + self.batches

    @property
    def approximate_share(self) -> Decimal | None:
        """Percentage of the amount that is approximate (约, 超 …), one decimal, half up."""
        if not self.amount:
            return None
        return (self.approximate_amount * 100 / self.amount).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def __iadd__(self, other: Figure) -> Figure:
        self.amount += other.amount
        self.approximate_amount += other.approximate_amount
        self.projects += other.projects
        self.batches += other.batches
        self.batch_projects += other.batch_projects
        return self

    def as_json(self) -> dict:
        share = self.approximate_share
        amount_yi = yi_decimal(self.amount)
        return {
            "amount_yuan": str(self.amount),
            "amount_yi": float(amount_yi),
            "amount_display": f"{amount_yi:,}",  # = yi(self.amount), rounded once
            "approximate_amount_yuan": str(self.approximate_amount),
            "approximate_share": None if share is None else float(share),
            "approximate_share_display": "—" if share is None else f"{share}%",
            "projects": self.projects,
            "batches": self.batches,
            "records": self.records,
            "batch_projects": self.batch_projects,
        }


class ZoneKey(NamedTuple):
    """A zone as the totals show it (a named tuple: cheap to hash, ordered by name)."""

    name: str
    slug: str | None = None
    pk: int | None = None


class UnknownMonth(NamedTuple):
    """Where the records known only to the year of `year` count: beside its months, never in one."""

    year: int


# The period a record counts in: its month, its year's "month unknown" figure, or None (undated).
Period = dt.date | UnknownMonth | None


def period(month: dt.date | None, month_known: bool) -> Period:
    """The period of a grouped row (its month, its `month_known` from the cells or `month_known()`)."""
    if month is None or month_known:
        return month
    return UnknownMonth(month.year)


class Row(NamedTuple):
    """One grouped row from the database (a named tuple: tens of thousands are built per request)."""

    zone: ZoneKey
    month: Period
    stage: str
    industry: str
    figure: Figure


Grid = dict[ZoneKey, dict[dt.date | UnknownMonth, Figure]]


@dataclass
class Totals:
    """The figures of one filter, already reduced to what the pages show.

    Built from grouped rows (`from_rows`: the live path, and the rollup on SQLite) or from the
    rollup's reduced query on PostgreSQL (`_reduced_totals`), which hands Python the sums per
    zone and per month and the zone × month cells of the charted zones only: at a million
    projects the whole zone × month grid is ~25,000 rows, and building them in Python cost
    more than the query. The exports need that whole grid; `zone_months()` computes it
    then, once (`full_grid`).
    """

    months: list[dt.date]
    zone_figures: dict[ZoneKey, Figure]  # dated records per zone: the ranking
    # dated records per month (the bars' heights) and, keyed UnknownMonth(year), those known only
    # to the year (the "month unknown" figures)
    month_totals: dict[dt.date | UnknownMonth, Figure]
    grid: Grid  # zone × period of every zone, or (with `full_grid`) of at least the charted ones
    undated_zones: dict[ZoneKey, Figure]  # undated records per zone
    breakdown: dict[tuple[str, str], Figure]  # (stage, industry) of the dated records
    top: int = DEFAULT_TOP
    total: Figure = field(default_factory=Figure)
    undated: Figure = field(default_factory=Figure)
    # records known only to a year the month range covers only in part, by year: left out of the
    # figures above (see "Left out, but never silently")
    left_out: dict[int, Figure] = field(default_factory=dict)
    # Computes the whole grid when `grid` holds only the charted zones.
    full_grid: Callable[[], Grid] | None = field(default=None, repr=False, compare=False)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_rows(cls, rows: list[Row], undated_rows: list[Row], months: list[dt.date], *,
                  top: int = DEFAULT_TOP, breakdown: dict[tuple[str, str], Figure] | None = None) -> Totals:
        """Totals summed in Python from grouped rows (dated `rows`, `undated_rows`).

        `breakdown`: the figures by (stage, industry) when `rows` are grouped by zone and month
        only (the rollup); None: `rows` carry stage and industry."""
        grid: Grid = defaultdict(dict)
        for (zone, month), figure in _sum_by(rows, lambda row: (row.zone, row.month)).items():
            grid[zone][month] = figure
        zone_figures = _sum_by(rows, lambda row: row.zone)
        undated_zones = _sum_by(undated_rows, lambda row: row.zone)
        if breakdown is None:
            breakdown = _sum_by(rows, lambda row: (row.stage, row.industry))
        return cls(
            months=months, zone_figures=zone_figures, month_totals=_sum_by(rows, lambda row: row.month),
            grid=grid, undated_zones=undated_zones, breakdown=breakdown, top=top,
            total=_added(zone_figures.values()), undated=_added(undated_zones.values()),
        )

    # --- derived views -------------------------------------------------------------------

    def zone_months(self) -> Grid:
        """Every zone and month with records (the totals exports)."""
        if self.full_grid is not None:
            self.grid, self.full_grid = self.full_grid(), None
        return self.grid

    def ranking(self) -> list[tuple[ZoneKey, Figure]]:
        if "ranking" not in self._cache:
            self._cache["ranking"] = sorted(
                self.zone_figures.items(), key=lambda item: (-item[1].amount, -item[1].records, item[0].name))
        return self._cache["ranking"]

    def undated_by_zone(self) -> list[tuple[ZoneKey, Figure]]:
        return sorted(self.undated_zones.items(),
                      key=lambda item: (-item[1].amount, -item[1].records, item[0].name))

    def series(self) -> list[dict]:
        """Monthly amounts of the top zones, then one series for all the others ("其他"): the
        month's total minus the top zones (the same sums as adding up the others)."""
        ranking = self.ranking()
        shown = ranking if len(ranking) <= self.top + 1 else ranking[: self.top]
        grid = self.grid
        if any(zone not in grid for zone, _figure in shown):  # the reduced query drew the line elsewhere
            grid = self.zone_months()
        empty = {}
        unknown = self.unknown_months()
        series = [
            {"zone": zone, "other": False,
             "figures": [grid.get(zone, empty).get(m) or Figure() for m in self.months],
             "unknown": [grid.get(zone, empty).get(key) or Figure() for key, _total in unknown]}
            for zone, _figure in shown
        ]
        rest = len(ranking) - len(shown)
        if rest:
            others = []
            for i, month_total in enumerate(self.month_figures()):
                others.append(_less(month_total, (s["figures"][i] for s in series)))
            others_unknown = [_less(total, (s["unknown"][i] for s in series))
                              for i, (_key, total) in enumerate(unknown)]
            series.append({"zone": ZoneKey(_("其他开发区")), "other": True, "figures": others,
                           "unknown": others_unknown, "zones": rest})
        return series

    def unknown_months(self) -> list[tuple[UnknownMonth, Figure]]:
        """The "month unknown" figures by year: the records known only to the year (in no month)."""
        if "unknown" not in self._cache:
            self._cache["unknown"] = sorted(
                ((key, figure) for key, figure in self.month_totals.items() if isinstance(key, UnknownMonth)),
                key=lambda item: item[0].year)
        return self._cache["unknown"]

    def month_figures(self) -> list[Figure]:
        if "month_figures" not in self._cache:
            self._cache["month_figures"] = [self.month_totals.get(month) or Figure() for month in self.months]
        return self._cache["month_figures"]

    def by_stage(self) -> list[tuple[str, str, Figure]]:
        figures = _sum_figures(self.breakdown.items(), lambda key: key[0])
        return [(key, str(label), figures[key]) for key, label in Stage.choices if key in figures]

    def by_industry(self) -> list[tuple[str, str, Figure]]:
        figures = _sum_figures(self.breakdown.items(), lambda key: key[1])
        named = sorted(((k, f) for k, f in figures.items() if k), key=lambda item: (-item[1].amount, item[0]))
        result = [(key, key, figure) for key, figure in named]
        if "" in figures:
            result.append(("", _("未分行业"), figures[""]))
        return result

    # --- JSON for the chart endpoint ------------------------------------------------------

    def as_json(self) -> dict:
        def zone_json(zone: ZoneKey) -> dict:
            return {"zone": zone.name, "slug": zone.slug}

        def breakdown(items):
            return [{"key": key, "label": label, **figure.as_json()} for key, label, figure in items]

        return {
            "unit": _("亿元"),
            "months": [month_label(m) for m in self.months],
            "month_totals": [figure.as_json() for figure in self.month_figures()],
            "month_unknown": [{"year": key.year, "label": unknown_month_label(key), **figure.as_json()}
                              for key, figure in self.unknown_months()],
            "series": [
                _series_json(s, zone_json(s["zone"]))
                for s in self.series()
            ],
            "ranking": [{**zone_json(zone), **figure.as_json()} for zone, figure in self.ranking()],
            "by_stage": breakdown(self.by_stage()),
            "by_industry": breakdown(self.by_industry()),
            "total": self.total.as_json(),
            "undated": self.undated.as_json(),
            "partial_years": [{"year": year, **figure.as_json()}
                              for year, figure in sorted(self.left_out.items())],
        }


def _series_json(series: dict, zone: dict) -> dict:
    figures = series["figures"]
    amounts_yi = [yi_decimal(f.amount) for f in figures]  # rounded once for both fields (= `yi`)
    return {
        **zone, "other": series["other"],
        "amount_yuan": [str(f.amount) for f in figures],
        "amount_yi": [float(a) for a in amounts_yi],
        "amount_display": [f"{a:,}" for a in amounts_yi],
        "records": [f.records for f in figures],
        "month_unknown": [{"amount_yuan": str(f.amount), "amount_display": f"{yi_decimal(f.amount):,}",
                           "records": f.records} for f in series["unknown"]],
    }


def _sum_by(rows, key) -> dict:
    """The figures of `rows` added up by `key(row)`: new Figures, the rows' own left untouched
    (plain lists while adding: cheaper than Figure.__iadd__ with a million projects' rows)."""
    return _sum_figures(((key(row), row.figure) for row in rows), lambda k: k)


def _sum_figures(items, key) -> dict:
    """(key, Figure) pairs added up by `key(key)`, into new Figures."""
    sums: dict = {}
    for item_key, f in items:
        k = key(item_key)
        acc = sums.get(k)
        if acc is None:
            sums[k] = [f.amount, f.approximate_amount, f.projects, f.batches, f.batch_projects]
        else:
            acc[0] += f.amount
            acc[1] += f.approximate_amount
            acc[2] += f.projects
            acc[3] += f.batches
            acc[4] += f.batch_projects
    return {k: Figure(*acc) for k, acc in sums.items()}


def _added(figures) -> Figure:
    total = Figure()
    for figure in figures:
        total += figure
    return total


def _less(figure: Figure, parts) -> Figure:
    """`figure` minus `parts` (every field adds up, so this is exact)."""
    rest = Figure(figure.amount, figure.approximate_amount, figure.projects, figure.batches,
                  figure.batch_projects)
    for part in parts:
        rest.amount -= part.amount
        rest.approximate_amount -= part.approximate_amount
        rest.projects -= part.projects
        rest.batches -= part.batches
        rest.batch_projects -= part.batch_projects
    return rest


def month_label(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def left_out_note(left_out: dict[int, Figure]) -> str:
    """The sentence beside the undated figure when a month range leaves year-only records out
    ("" when it leaves none out): the same words on the dashboard, the project list and the exports."""
    if not left_out:
        return ""
    figure = _added(left_out.values())
    return ngettext(
        "另有 %(records)s 条只知年份（%(years)s 年）的记录共 %(amount)s 亿元，因所选区间未覆盖全年而未计入",
        "另有 %(records)s 条只知年份（%(years)s 年）的记录共 %(amount)s 亿元，因所选区间未覆盖全年而未计入",
        figure.records,
    ) % {"records": figure.records, "years": "、".join(str(year) for year in sorted(left_out)),
         "amount": f"{yi_decimal(figure.amount):,}"}


def unknown_month_label(key: UnknownMonth) -> str:
    """"2022 年 · 月份不详": the figure of the records known only to that year."""
    return _("%(year)s 年 · 月份不详") % {"year": key.year}


# --- the rule --------------------------------------------------------------------------------


def counted_records(projects: QuerySet[Project], batches: QuerySet[Batch],
                    replacing: QuerySet[Batch] | None = None):
    """The counted projects and batches among the selected ones (see the module docstring).

    `replacing`: the batches whose members are skipped (ProjectFilter.replacing_batch_qs,
    the selected batches of any month); the selected batches when not given."""
    batches = batches.filter(merged_into__isnull=True)
    replacing = batches if replacing is None else replacing.filter(merged_into__isnull=True)
    projects = projects.filter(merged_into__isnull=True).exclude(batch_id__in=replacing.values("pk"))
    return projects, batches


def record_sums() -> dict:
    return {
        "amount": Sum("amount_yuan"),
        "approximate_amount": Sum("amount_yuan", filter=Q(approximate=True)),
        "n": Count("id"),
    }


def _figure(values: dict, kind: str) -> Figure:
    amount = (values["amount"] or ZERO).quantize(CENT)
    approximate = (values["approximate_amount"] or ZERO).quantize(CENT)
    if kind == "batch":
        return Figure(amount, approximate, batches=values["n"], batch_projects=values["announced"] or 0)
    return Figure(amount, approximate, projects=values["n"])


def _zone(values: dict) -> ZoneKey:
    if values["zone_id"] is None:
        return ZoneKey(_("开发区不详"))
    return ZoneKey(values["zone__short_name"], values["zone__slug"], values["zone_id"])


def grouped_rows(projects: QuerySet[Project], batches: QuerySet[Batch],
                 replacing: QuerySet[Batch] | None = None) -> list[Row]:
    """Counted records grouped in the database by zone and period (and stage, industry)."""
    projects, batches = counted_records(projects, batches, replacing)
    keys = ("zone_id", "zone__short_name", "zone__slug", "month", "month_known")
    project_rows = (
        projects.annotate(month=TruncMonth("date"), month_known=month_known()).order_by()
        .values(*keys, "stage", "industry").annotate(**record_sums())
    )
    batch_rows = (
        batches.annotate(month=TruncMonth("date"), month_known=month_known()).order_by()
        .values(*keys).annotate(**record_sums(), announced=Sum("project_count"))
    )
    rows = [Row(_zone(v), period(v["month"], v["month_known"]), v["stage"], v["industry"],
                _figure(v, "project")) for v in project_rows]
    rows += [Row(_zone(v), period(v["month"], v["month_known"]), Stage.SIGNED.value, "",
                 _figure(v, "batch")) for v in batch_rows]
    return rows


def _month_range(periods: list, start: dt.date | None, end: dt.date | None) -> list[dt.date]:
    """Every month from the first to the last with records (or the filter's range), at most
    MAX_MONTHS (then cut to the months with records); records known only to the year count
    from their 1 January, as the default range (`chart_range.dated_span`) sees them."""
    dated = [dt.date(p.year, 1, 1) if isinstance(p, UnknownMonth) else p for p in periods]
    if not dated and not (start and end):
        return []
    first = start or min(dated)
    last = end or max(dated)
    if dated and ((last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS):
        first, last = max(first, min(dated)), min(last, max(dated))
    months, month = [], first
    while month <= last and len(months) < MAX_MONTHS:
        months.append(month)
        month = next_month(month)
    return months


def compute(projects: QuerySet[Project], batches: QuerySet[Batch], *, top: int = DEFAULT_TOP,
            undated: tuple[QuerySet[Project], QuerySet[Batch]] | None = None,
            start: dt.date | None = None, end: dt.date | None = None,
            replacing: QuerySet[Batch] | None = None) -> Totals:
    """Totals of the selected projects and batches (before the counting rule is applied).

    `undated` gives other selections for the undated figure (used when a month range
    excludes undated records from the main selection)."""
    rows = grouped_rows(projects, batches, replacing)
    dated = [row for row in rows if row.month is not None]
    undated_rows = [row for row in rows if row.month is None]
    if undated is not None:
        projects_undated, batches_undated = (qs.filter(date__isnull=True) for qs in undated)
        undated_rows = grouped_rows(projects_undated, batches_undated, replacing)
    months = _month_range([row.month for row in dated], start, end)
    return Totals.from_rows(dated, undated_rows, months, top=top)


def for_filter(project_filter: ProjectFilter, *, top: int = DEFAULT_TOP,
               use_rollup: bool | None = None, full_grid: bool = False) -> Totals:
    """Totals for the state of the shared filter (the dashboard, the JSON endpoint, exports).

    From the rollup when the filter allows it (`use_rollup=False` forces the live GROUP BY,
    `True` insists on the rollup). `full_grid`: every zone × month will be read
    (`Totals.zone_months`, the exports), so fetch it at once rather than the reduced sums."""
    cleaned = project_filter.cleaned()
    start = parse_month(cleaned["month_from"]) if "month_from" in cleaned else None
    end = parse_month(cleaned["month_to"]) if "month_to" in cleaned else None
    if use_rollup is None:
        use_rollup = rollup_answers(cleaned)
    if use_rollup:
        result = from_rollup(cleaned, top=top, start=start, end=end, full_grid=full_grid)
    else:
        undated = None
        if start or end:
            other = project_filter.without(*MONTH_FIELDS)
            undated = (other.qs, other.batch_qs())
        result = compute(project_filter.qs, project_filter.batch_qs(), top=top, undated=undated,
                         start=start, end=end, replacing=project_filter.replacing_batch_qs())
    result.left_out = left_out_years(project_filter, use_rollup=use_rollup)
    return result


def left_out_years(project_filter: ProjectFilter, *, use_rollup: bool | None = None) -> dict[int, Figure]:
    """The records known only to a year the filter's month range covers only in part, that match
    every other filter, by year (see "Left out, but never silently"); {} — and no query — when
    the range cuts no year. From the rollup when it can answer the filter, else live."""
    cleaned = project_filter.cleaned()
    years = partly_covered_years(parse_month(cleaned["month_from"]) if "month_from" in cleaned else None,
                                 parse_month(cleaned["month_to"]) if "month_to" in cleaned else None)
    if not years:
        return {}
    if use_rollup if use_rollup is not None else rollup_answers(cleaned):
        other = {name: value for name, value in cleaned.items() if name not in MONTH_FIELDS}
        where = counted_cells_q(other) & Q(month_known=False) & in_years_q(years)
        rows = (_left_out_level(other).objects.filter(where).order_by()
                .values_list("date").annotate(*_cell_sums()))
        return _sum_figures(((day.year, _cell_figure(*sums)) for day, *sums in rows), lambda year: year)
    other = project_filter.without(*MONTH_FIELDS)
    year_only = Q(date_precision=DatePrecision.YEAR) & in_years_q(years)
    rows = grouped_rows(other.qs.filter(year_only), other.batch_qs().filter(year_only),
                        project_filter.replacing_batch_qs())
    return _sum_by(rows, lambda row: row.month.year)


def for_zone(zone) -> Totals:
    """Totals over time of one zone: its confirmed records, every month, every stage."""
    return from_rollup({"zone": [zone], "review_status": [ReviewStatus.CONFIRMED.value]}, top=1)


# --- from the rollup ---------------------------------------------------------------------------


def rollup_answers(cleaned: dict) -> bool:
    """Whether the cells of the rollup can answer this filter (its fields all kept there)."""
    return set(cleaned) <= ROLLUP_FIELDS


# Each filter the rollup answers as a lookup on the cells' keys — the same lookups ProjectFilter
# applies to a project's fields of the same names — and how its value is given to the lookup
# (the end of a month range: the Q of projects.months.ends_by_q, as ProjectFilter applies it).
CELL_LOOKUPS = {
    "zone": ("zone__in", list),
    "province": ("zone__province", str),
    "month_from": ("date__gte", parse_month),
    "month_to": (None, lambda value: ends_by_q(parse_month(value), Q(month_known=False))),
    "stage": ("stage__in", list),
    "industry": ("industry", str),
    "review_status": ("review_status__in", list),
}
# What selects a batch whatever its month (ProjectFilter.replacing_batch_qs), on a cell's batch keys.
BATCH_LOOKUPS = ("zone", "province", "review_status")


def _cells_q(cleaned: dict, names=CELL_LOOKUPS, prefix: str = "") -> Q:
    """The filter on the cells' keys (`prefix` "batch_": on the keys of the cells' batch)."""
    lookups = ((CELL_LOOKUPS[name], value) for name, value in cleaned.items() if name in names)
    # a lookup None: `convert` gives the Q itself (on the cells' own keys, never with a prefix)
    return Q(*(convert(value) if lookup is None else Q(**{prefix + lookup: convert(value)})
               for (lookup, convert), value in lookups))


def _batch_counted(cleaned: dict) -> Q | None:
    """When a project cell's batch is counted under this filter (its members then are not);
    None when no batch can be (the filter selects no batches, see ProjectFilter.batch_qs)."""
    if set(cleaned) & ROLLUP_PROJECT_ONLY:
        return None
    if "stage" in cleaned and Stage.SIGNED not in cleaned["stage"]:
        return None
    cells = Q(kind=CellKind.PROJECT, batch_review_status__isnull=False)
    return cells & _cells_q(cleaned, BATCH_LOOKUPS, prefix="batch_")


def counted_cells_q(cleaned: dict, *, undated_only: bool = False) -> Q:
    """The cells whose records count under this filter.

    `undated_only`: the undated records, as `compute` counts them beside a month range."""
    q = _cells_q(cleaned)
    batch = _batch_counted(cleaned)
    if undated_only:
        q &= Q(date__isnull=True)
    return q if batch is None else q & ~batch


def zone_month_level(cleaned: dict):
    """The rollup level to group by zone and month: zone × month × status (no stage, no
    industry) unless the filter names a stage (then zone × month × status × stage) or an
    industry (then the full cells)."""
    if "industry" in cleaned:
        return TotalsCell
    return TotalsStageCell if "stage" in cleaned else TotalsZoneCell


def _left_out_level(cleaned: dict):
    """The coarsest rollup level that keeps the filters `cleaned` names (no month range): the
    months' (a few cells per month) without zone, stage or industry; the breakdown level with a
    stage or industry but no zone; else the zone × month level."""
    if {"zone", "province"} & set(cleaned):
        return zone_month_level(cleaned)
    return TotalsBreakdownCell if {"stage", "industry"} & set(cleaned) else TotalsMonthCell


def breakdown_level(cleaned: dict):
    """The rollup level to group by stage and industry: month × status × stage × industry (no
    zone) unless the filter names a zone or province (then the full cells)."""
    return TotalsCell if {"zone", "province"} & set(cleaned) else TotalsBreakdownCell


def listed_project_count(cleaned: dict) -> int:
    """How many not-merged projects the filter selects (the project list's count), from the
    coarsest level of the rollup that keeps what the filter names."""
    if not set(cleaned) & {*MONTH_FIELDS, "industry"}:
        model = TotalsZoneTotalCell
    elif {"zone", "province"} & set(cleaned):
        model = zone_month_level(cleaned)
    else:
        model = TotalsBreakdownCell
    cells = model.objects.filter(_cells_q(cleaned), kind=CellKind.PROJECT)
    return cells.aggregate(n=Sum("projects"))["n"] or 0


def confirmed_project_count() -> Coalesce:
    """A zone's confirmed projects that are not merged (every one, members of batches too), as
    an annotation of a Zone queryset: summed from the zone totals of the rollup (~30 cells per
    zone), where counting the projects themselves reads every one of them."""
    cells = (
        TotalsZoneTotalCell.objects.filter(zone=OuterRef("pk"), kind=CellKind.PROJECT,
                                           review_status=ReviewStatus.CONFIRMED)
        .order_by().values("zone").annotate(n=Sum("projects")).values("n")
    )
    return Coalesce(Subquery(cells), 0)


def _cell_sums() -> list:
    return [Sum("amount"), Sum("approximate_amount"), Sum("projects"), Sum("batches"), Sum("batch_projects")]


def _cell_figure(amount, approximate, projects, batches, announced) -> Figure:
    # Sums of decimal(28, 2) columns: already in cents (SQLite may return more places).
    return Figure(
        amount.quantize(CENT) if amount is not None else ZERO,
        approximate.quantize(CENT) if approximate is not None else ZERO,
        projects or 0, batches or 0, announced or 0,
    )


def from_rollup(cleaned: dict, *, top: int = DEFAULT_TOP, start: dt.date | None = None,
                end: dt.date | None = None, full_grid: bool = False) -> Totals:
    """Totals of a rollup-answerable filter: two grouped queries over the cells, each on the
    coarsest level of the rollup that keeps the dimensions the filter names.

    The zone × month sums are reduced in the database on PostgreSQL (`_reduced_totals`)
    unless `full_grid` asks for every zone × month (the exports); otherwise, and on other
    databases, their rows are summed in Python (`Totals.from_rows`): the same figures."""
    main = counted_cells_q(cleaned)
    where = main
    if start or end:  # the undated figure: the other filters, undated records
        other = {name: value for name, value in cleaned.items() if name not in MONTH_FIELDS}
        where = main | counted_cells_q(other, undated_only=True)
    cells = zone_month_level(cleaned).objects.filter(where).order_by()
    # grouped by the integer keys only (the zone's names ride along): a hash aggregate
    zone_months = cells.values_list("zone_id", "date", "month_known").annotate(*_cell_sums())
    reduced = None
    if REDUCE_IN_DATABASE and not full_grid:
        reduced = _reduced_totals(cells, zone_months, top=top, start=start, end=end,
                                  levels=_month_less_levels(cleaned, main, cells))
    if reduced is not None:
        reduced.breakdown = _breakdown(cleaned, main)
        return reduced
    rows, undated_rows = [], []
    for zone, month, figure in _zone_month_rows(zone_months):
        (rows if month is not None else undated_rows).append(Row(zone, month, "", "", figure))
    months = _month_range([row.month for row in rows], start, end)
    return Totals.from_rows(rows, undated_rows, months, top=top, breakdown=_breakdown(cleaned, main))


def _breakdown(cleaned: dict, main: Q) -> dict[tuple[str, str], Figure]:
    """The dated records' figures by (stage, industry), from the coarsest level that can tell."""
    rows = (
        breakdown_level(cleaned).objects.filter(main, date__isnull=False).order_by()
        .values_list("stage", "industry").annotate(*_cell_sums())
    )
    return {(stage, industry): _cell_figure(*sums) for stage, industry, *sums in rows}


def _zone_month_rows(zone_months: QuerySet):
    """(ZoneKey, period, Figure) of the grouped cells, the zones' names read alongside."""
    unknown = ZoneKey(_("开发区不详"))
    zones: dict[int, ZoneKey] = {}
    named = zone_months.annotate(Max("zone__short_name"), Max("zone__slug"))
    for zone_id, month, known, *sums, name, slug in named:
        if zone_id is None:
            zone = unknown
        else:
            zone = zones.get(zone_id)
            if zone is None:
                zone = zones[zone_id] = ZoneKey(name, slug, zone_id)
        yield zone, period(month, known), _cell_figure(*sums)


def _grid_of(zone_months: QuerySet) -> Grid:
    grid: Grid = defaultdict(dict)
    for zone, month, figure in _zone_month_rows(zone_months):
        if month is not None:
            grid[zone][month] = figure
    return grid


# --- reduced in the database (PostgreSQL) --------------------------------------------------------

# Whether PostgreSQL reduces the zone × month sums itself (tests switch it off to compare).
REDUCE_IN_DATABASE = True
SUM_COLUMNS = ("amount", "approximate_amount", "projects", "batches", "batch_projects")
CELL_COLUMNS = ("zone_id", "date", "month_known", *SUM_COLUMNS)
# The matching cells ({cells}: the ORM's filtered SELECT on the right zone × month level) reduced
# to what the pages show, in one statement ({zones} and {months}: `_sums_by_zone_and_month`):
# each zone's sums (dated and undated apart) and each month's; the zones ranked in the order of
# `Totals.ranking` (amount, records, name by code point — COLLATE "C" — then id); and the months
# of the zones ranked within the first `top + 1` (all the chart can name), summed from their
# own cells (by month and `known`, False for the records known only to the year): an index scan
# per zone, on `zone_id = r.zone_id` alone (an `OR zone_id IS NULL` there reads the zone-less
# cells once per charted zone), the zone-less cells apart and only
# when they are charted. The charted zones are taken with a LIMIT so that the planner expects
# that many (expecting a third of the zones, its cost estimate crossed `jit_above_cost`, and
# compiling took longer than running). A few hundred rows instead of the whole grid.
REDUCED_SQL = """
WITH sums AS ({sums}),
ranked AS (
    SELECT s.zone_id, s.amount, s.approximate, s.projects, s.batches, s.announced, z.short_name, z.slug,
           row_number() OVER (ORDER BY s.amount DESC, s.projects + s.batches DESC,
                              coalesce(z.short_name, %s) COLLATE "C", s.zone_id) AS place
    FROM sums s LEFT JOIN zones_zone z ON z.id = s.zone_id
    WHERE s.part = 0
),
charted AS (SELECT zone_id FROM ranked ORDER BY place LIMIT %s)
SELECT 0, zone_id, CAST(NULL AS date), CAST(NULL AS boolean), amount, approximate, projects, batches,
       announced, short_name, slug
FROM ranked
UNION ALL
SELECT 1, NULL, month, known, amount, approximate, projects, batches, announced, NULL, NULL
FROM sums WHERE part = 1
UNION ALL
SELECT 3, s.zone_id, NULL, NULL, s.amount, s.approximate, s.projects, s.batches, s.announced, z.short_name,
       z.slug
FROM sums s LEFT JOIN zones_zone z ON z.id = s.zone_id WHERE s.part = 3
UNION ALL
SELECT 2, r.zone_id, g.month, g.known, g.amount, g.approximate, g.projects, g.batches, g.announced, NULL, NULL
FROM charted r CROSS JOIN LATERAL (
    SELECT c.month, c.known, sum(c.amount) AS amount, sum(c.approximate) AS approximate,
           sum(c.projects) AS projects, sum(c.batches) AS batches, sum(c.announced) AS announced
    FROM ({cells}) AS c (zone_id, month, known, amount, approximate, projects, batches, announced)
    WHERE c.zone_id = r.zone_id AND c.month IS NOT NULL
    GROUP BY c.month, c.known
) AS g
UNION ALL
SELECT 2, NULL, c.month, c.known, sum(c.amount), sum(c.approximate), sum(c.projects), sum(c.batches),
       sum(c.announced), NULL, NULL
FROM ({cells}) AS c (zone_id, month, known, amount, approximate, projects, batches, announced)
WHERE c.zone_id IS NULL AND c.month IS NOT NULL AND EXISTS (SELECT FROM charted WHERE zone_id IS NULL)
GROUP BY c.month, c.known
"""
_SUMS = """sum(c.amount) AS amount, sum(c.approximate) AS approximate, sum(c.projects) AS projects,
           sum(c.batches) AS batches, sum(c.announced) AS announced"""
# The sums per zone (part 0 dated, part 3 undated) and per month and `known` (part 1), from the
# zone × month cells in one pass (GROUPING SETS: two small hash tables, not a group per zone × month) ...
SUMS_FROM_CELLS = f"""
    SELECT CASE WHEN GROUPING(c.zone_id) = 1 THEN 1 WHEN c.month IS NULL THEN 3 ELSE 0 END AS part,
           c.zone_id, c.month, c.known, {_SUMS}
    FROM ({{cells}}) AS c (zone_id, month, known, amount, approximate, projects, batches, announced)
    GROUP BY GROUPING SETS ((c.zone_id, c.month IS NULL), (c.month, c.known))
    HAVING GROUPING(c.zone_id) = 0 OR c.month IS NOT NULL
"""
# ... or, without a month range or industry, from the month-less zone totals ({zones}) and a
# level with fewer cells per month ({months}): a few thousand cells instead of every zone × month.
SUMS_FROM_LEVELS = f"""
    SELECT CASE WHEN c.dated THEN 0 ELSE 3 END AS part, c.zone_id, CAST(NULL AS date) AS month,
           CAST(NULL AS boolean) AS known, {_SUMS}
    FROM ({{zones}}) AS c (zone_id, dated, amount, approximate, projects, batches, announced)
    GROUP BY c.zone_id, c.dated
    UNION ALL
    SELECT 1, NULL, c.month, c.known, {_SUMS}
    FROM ({{months}}) AS c (month, known, amount, approximate, projects, batches, announced)
    GROUP BY c.month, c.known
"""


def _month_less_levels(cleaned: dict, main: Q, cells: QuerySet) -> tuple[QuerySet, QuerySet] | None:
    """The matching cells for SUMS_FROM_LEVELS: each zone's (zone totals) and each month's (the
    month level; with a stage, the breakdown level; with a zone or province, the zone × month
    cells themselves). None with a month range (the zone totals keep no month) or an industry
    (they keep no industry)."""
    if set(cleaned) & {*MONTH_FIELDS, "industry"}:
        return None
    zones = TotalsZoneTotalCell.objects.filter(main).order_by().values_list("zone_id", "dated", *SUM_COLUMNS)
    if {"zone", "province"} & set(cleaned):
        months = cells
    else:
        months = (TotalsBreakdownCell if "stage" in cleaned else TotalsMonthCell).objects.filter(main)
    months = months.filter(date__isnull=False).order_by()
    return zones, months.values_list("date", "month_known", *SUM_COLUMNS)


def _reduced_totals(cells: QuerySet, zone_months: QuerySet, *, top: int, start: dt.date | None,
                    end: dt.date | None, levels: tuple[QuerySet, QuerySet] | None = None) -> Totals | None:
    """Totals from the matching `cells` reduced by PostgreSQL (REDUCED_SQL, the sums per zone and
    per month from the month-less `levels` when given), without the breakdowns (`zone_months`:
    the same cells grouped, for the whole grid if it is asked for); None on other databases
    (SQLite: `Totals.from_rows`)."""
    connection = connections[cells.db]
    if connection.vendor != "postgresql":
        return None
    unknown = ZoneKey(_("开发区不详"))

    def compiled(queryset: QuerySet) -> tuple[str, tuple]:
        return queryset.query.get_compiler(connection=connection).as_sql()

    try:
        sql, params = compiled(cells.values_list(*CELL_COLUMNS))
        if levels is None:
            sums, sums_params = SUMS_FROM_CELLS.replace("{cells}", sql), params
        else:
            (zone_sql, zone_params), (month_sql, month_params) = (compiled(q) for q in levels)
            sums = SUMS_FROM_LEVELS.replace("{zones}", zone_sql).replace("{months}", month_sql)
            sums_params = (*zone_params, *month_params)
    except EmptyResultSet:
        result = []
    else:
        with connection.cursor() as cursor:
            statement = REDUCED_SQL.replace("{sums}", sums).replace("{cells}", sql)
            cursor.execute(statement, [*sums_params, unknown.name, top + 1, *params, *params])
            result = cursor.fetchall()
    zones: dict[int | None, ZoneKey] = {None: unknown}
    zone_figures: dict[ZoneKey, Figure] = {}
    month_totals: dict[dt.date | UnknownMonth, Figure] = {}
    grid: Grid = defaultdict(dict)
    undated_zones: dict[ZoneKey, Figure] = {}
    for part, zone_id, month, known, *sums, name, slug in result:
        figure = _cell_figure(*sums)
        if part == 1:
            month_totals[period(month, known)] = figure
            continue
        zone = zones.get(zone_id)
        if zone is None:
            zone = zones[zone_id] = ZoneKey(name, slug, zone_id)
        if part == 0:
            zone_figures[zone] = figure
        elif part == 2:
            grid[zone][period(month, known)] = figure
        else:
            undated_zones[zone] = figure
    return Totals(
        months=_month_range(list(month_totals), start, end), zone_figures=zone_figures,
        month_totals=month_totals, grid=grid, undated_zones=undated_zones, breakdown={}, top=top,
        total=_added(zone_figures.values()), undated=_added(undated_zones.values()),
        full_grid=lambda: _grid_of(zone_months),
    )
