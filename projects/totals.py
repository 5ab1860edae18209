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
its first reported event, as the review services set it); later events add no money.
Amounts are `amount_yuan`, converted at ingest (`projects/money.py`); a record without an
amount adds to the counts but not to the money. Records without a date are not dropped:
they form the "日期不详" figure, beside the monthly totals. With a month range in the
filter, that figure holds the undated records that match every *other* filter (they cannot
be placed in or out of the range).

Breakdowns: a batch is an aggregate signing, so it counts under the stage 签约; it has no
industry of its own, so it counts under 未分行业.

The database does the adding, in one of two ways that give the same figures (proven by
tests/test_rollup.py):

- **from the rollup** (`projects/rollup.py`, the `TotalsCell` table kept equal to the base
  tables on every save): whenever the filter only uses zone, province, month range, stage,
  industry and review status — the dashboard's usual filters. One `GROUP BY zone, month`
  over the matching cells (which also carries the undated figure of a month range) and one
  `GROUP BY stage, industry` for the breakdowns, each on the coarsest level of the rollup
  that keeps what the filter names (zone × month without stage and industry; month × stage
  × industry without zone; else the full cells). A project cell knows the status, zone and
  month of its batch, so the batch-member rule is applied exactly (`_batch_counted`).
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
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from .filters import MONTH_FIELDS, ProjectFilter, next_month, parse_month
from .models import Batch, Project, ReviewStatus, Stage, TotalsBreakdownCell, TotalsCell, TotalsZoneCell
from .templatetags.money import yi, yi_decimal

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
        return {
            "amount_yuan": str(self.amount),
            "amount_yi": float(yi_decimal(self.amount)),
            "amount_display": yi(self.amount),
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


class Row(NamedTuple):
    """One grouped row from the database (a named tuple: tens of thousands are built per request)."""

    zone: ZoneKey
    month: dt.date | None
    stage: str
    industry: str
    figure: Figure


@dataclass
class Totals:
    rows: list[Row]
    undated_rows: list[Row]
    months: list[dt.date]
    top: int = DEFAULT_TOP
    # Rows for the breakdowns by stage and industry, when `rows` are grouped by zone and
    # month only (the rollup); None: `rows` carry stage and industry themselves.
    breakdown_rows: list[Row] | None = None
    total: Figure = field(default_factory=Figure)
    undated: Figure = field(default_factory=Figure)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    # --- derived views -------------------------------------------------------------------

    def zone_months(self) -> dict[ZoneKey, dict[dt.date, Figure]]:
        if "zone_months" not in self._cache:
            grid: dict[ZoneKey, dict[dt.date, Figure]] = defaultdict(dict)
            for (zone, month), figure in _sum_by(self.rows, lambda row: (row.zone, row.month)).items():
                grid[zone][month] = figure
            self._cache["zone_months"] = grid
        return self._cache["zone_months"]

    def ranking(self) -> list[tuple[ZoneKey, Figure]]:
        if "ranking" not in self._cache:
            by_zone = _sum_by(self.rows, lambda row: row.zone)
            self._cache["ranking"] = sorted(
                by_zone.items(), key=lambda item: (-item[1].amount, -item[1].records, item[0].name))
        return self._cache["ranking"]

    def undated_by_zone(self) -> list[tuple[ZoneKey, Figure]]:
        by_zone = _sum_by(self.undated_rows, lambda row: row.zone)
        return sorted(by_zone.items(), key=lambda item: (-item[1].amount, -item[1].records, item[0].name))

    def series(self) -> list[dict]:
        """Monthly amounts of the top zones, then one series for all the others ("其他")."""
        ranking = self.ranking()
        shown = ranking if len(ranking) <= self.top + 1 else ranking[: self.top]
        shown_zones = {zone for zone, _figure in shown}
        by_zone_month = _sum_by(
            (row for row in self.rows if row.zone in shown_zones), lambda row: (row.zone, row.month))
        series = [
            {"zone": zone, "other": False,
             "figures": [by_zone_month.get((zone, m)) or Figure() for m in self.months]}
            for zone, _figure in shown
        ]
        rest = len(ranking) - len(shown)
        if rest:
            others = (row for row in self.rows if row.zone not in shown_zones)
            by_month = _sum_by(others, lambda row: row.month)
            series.append({"zone": ZoneKey(_("其他开发区")), "other": True,
                           "figures": [by_month.get(m) or Figure() for m in self.months], "zones": rest})
        return series

    def month_figures(self) -> list[Figure]:
        if "month_figures" not in self._cache:
            by_month = _sum_by(self.rows, lambda row: row.month)
            self._cache["month_figures"] = [by_month.get(month) or Figure() for month in self.months]
        return self._cache["month_figures"]

    def by_stage(self) -> list[tuple[str, str, Figure]]:
        figures: dict[str, Figure] = defaultdict(Figure)
        for row in (self.rows if self.breakdown_rows is None else self.breakdown_rows):
            figures[row.stage] += row.figure
        return [(key, str(label), figures[key]) for key, label in Stage.choices if key in figures]

    def by_industry(self) -> list[tuple[str, str, Figure]]:
        figures: dict[str, Figure] = defaultdict(Figure)
        for row in (self.rows if self.breakdown_rows is None else self.breakdown_rows):
            figures[row.industry] += row.figure
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
            "series": [
                {
                    **zone_json(s["zone"]), "other": s["other"],
                    "amount_yuan": [str(f.amount) for f in s["figures"]],
                    "amount_yi": [float(yi_decimal(f.amount)) for f in s["figures"]],
                    "amount_display": [yi(f.amount) for f in s["figures"]],
                    "records": [f.records for f in s["figures"]],
                }
                for s in self.series()
            ],
            "ranking": [{**zone_json(zone), **figure.as_json()} for zone, figure in self.ranking()],
            "by_stage": breakdown(self.by_stage()),
            "by_industry": breakdown(self.by_industry()),
            "total": self.total.as_json(),
            "undated": self.undated.as_json(),
        }


def _sum_by(rows, key) -> dict:
    """The figures of `rows` added up by `key(row)`: new Figures, the rows' own left untouched
    (plain lists while adding: cheaper than Figure.__iadd__ with a million projects' rows)."""
    sums: dict = {}
    for row in rows:
        k = key(row)
        f = row.figure
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


def month_label(month: dt.date) -> str:
    return f"{month:%Y-%m}"


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


def _sums() -> dict:
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
    """Counted records grouped in the database by zone and month (and stage, industry)."""
    projects, batches = counted_records(projects, batches, replacing)
    keys = ("zone_id", "zone__short_name", "zone__slug", "month")
    project_rows = (
        projects.annotate(month=TruncMonth("date")).order_by()
        .values(*keys, "stage", "industry").annotate(**_sums())
    )
    batch_rows = (
        batches.annotate(month=TruncMonth("date")).order_by()
        .values(*keys).annotate(**_sums(), announced=Sum("project_count"))
    )
    rows = [Row(_zone(v), v["month"], v["stage"], v["industry"], _figure(v, "project")) for v in project_rows]
    rows += [Row(_zone(v), v["month"], Stage.SIGNED.value, "", _figure(v, "batch")) for v in batch_rows]
    return rows


def _month_range(rows: list[Row], start: dt.date | None, end: dt.date | None) -> list[dt.date]:
    dated = [row.month for row in rows if row.month is not None]
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
    totals = Totals(rows=dated, undated_rows=undated_rows, months=_month_range(dated, start, end), top=top)
    for row in dated:
        totals.total += row.figure
    for row in undated_rows:
        totals.undated += row.figure
    return totals


def for_filter(project_filter: ProjectFilter, *, top: int = DEFAULT_TOP,
               use_rollup: bool | None = None) -> Totals:
    """Totals for the state of the shared filter (the dashboard, the JSON endpoint, exports).

    From the rollup when the filter allows it (`use_rollup=False` forces the live GROUP BY,
    `True` insists on the rollup)."""
    cleaned = project_filter.cleaned()
    start = parse_month(cleaned["month_from"]) if "month_from" in cleaned else None
    end = parse_month(cleaned["month_to"]) if "month_to" in cleaned else None
    if use_rollup is None:
        use_rollup = rollup_answers(cleaned)
    if use_rollup:
        return from_rollup(cleaned, top=top, start=start, end=end)
    undated = None
    if start or end:
        other = project_filter.without(*MONTH_FIELDS)
        undated = (other.qs, other.batch_qs())
    return compute(project_filter.qs, project_filter.batch_qs(), top=top, undated=undated,
                   start=start, end=end, replacing=project_filter.replacing_batch_qs())


def for_zone(zone) -> Totals:
    """Totals over time of one zone: its confirmed records, every month, every stage."""
    return from_rollup({"zone": [zone], "review_status": [ReviewStatus.CONFIRMED.value]}, top=1)


# --- from the rollup ---------------------------------------------------------------------------


def rollup_answers(cleaned: dict) -> bool:
    """Whether the cells of the rollup can answer this filter (its fields all kept there)."""
    from django.conf import settings

    return getattr(settings, "TOTALS_USE_ROLLUP", True) and set(cleaned) <= ROLLUP_FIELDS


def _cell_filter(cleaned: dict) -> Q:
    """The filter applied to the cells' own dimensions (as ProjectFilter applies it to projects)."""
    q = Q()
    if "zone" in cleaned:
        q &= Q(zone__in=list(cleaned["zone"]))
    if "province" in cleaned:
        q &= Q(zone__province=cleaned["province"])
    if "month_from" in cleaned:
        q &= Q(date__gte=parse_month(cleaned["month_from"]))
    if "month_to" in cleaned:
        q &= Q(date__lt=next_month(parse_month(cleaned["month_to"])))
    if "stage" in cleaned:
        q &= Q(stage__in=list(cleaned["stage"]))
    if "industry" in cleaned:
        q &= Q(industry=cleaned["industry"])
    if "review_status" in cleaned:
        q &= Q(review_status__in=list(cleaned["review_status"]))
    return q


def _batch_counted(cleaned: dict) -> Q | None:
    """When a project cell's batch is counted under this filter (its members then are not);
    None when no batch can be (the filter selects no batches, see ProjectFilter.batch_qs)."""
    if set(cleaned) & ROLLUP_PROJECT_ONLY:
        return None
    if "stage" in cleaned and Stage.SIGNED not in cleaned["stage"]:
        return None
    q = Q(kind=TotalsCell.Kind.PROJECT, batch_review_status__isnull=False)
    if "zone" in cleaned:
        q &= Q(batch_zone__in=list(cleaned["zone"]))
    if "province" in cleaned:
        q &= Q(batch_zone__province=cleaned["province"])
    if "review_status" in cleaned:
        q &= Q(batch_review_status__in=list(cleaned["review_status"]))
    return q  # whatever the batch's month: see ProjectFilter.replacing_batch_qs


def counted_cells_q(cleaned: dict, *, undated_only: bool = False) -> Q:
    """The cells whose records count under this filter.

    `undated_only`: the undated records, as `compute` counts them beside a month range."""
    q = _cell_filter(cleaned)
    batch = _batch_counted(cleaned)
    if undated_only:
        q &= Q(date__isnull=True)
    return q if batch is None else q & ~batch


def zone_month_level(cleaned: dict):
    """The rollup level to group by zone and month: zone × month × status (no stage, no
    industry) unless the filter names a stage or industry, then the full cells."""
    return TotalsCell if {"stage", "industry"} & set(cleaned) else TotalsZoneCell


def breakdown_level(cleaned: dict):
    """The rollup level to group by stage and industry: month × status × stage × industry (no
    zone) unless the filter names a zone or province, then the full cells."""
    return TotalsCell if {"zone", "province"} & set(cleaned) else TotalsBreakdownCell


def listed_project_count(cleaned: dict) -> int:
    """How many not-merged projects the filter selects (the project list's count), from the rollup."""
    model = zone_month_level(cleaned)
    if model is TotalsCell:
        model = breakdown_level(cleaned)
    cells = model.objects.filter(_cell_filter(cleaned), kind=TotalsCell.Kind.PROJECT)
    values = cells.aggregate(n=Sum("projects"))
    return values["n"] or 0


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
                end: dt.date | None = None) -> Totals:
    """Totals of a rollup-answerable filter: two grouped queries over the cells, each on the
    coarsest level of the rollup that keeps the dimensions the filter names."""
    main = counted_cells_q(cleaned)
    where = main
    if start or end:  # the undated figure: the other filters, undated records
        other = {name: value for name, value in cleaned.items() if name not in MONTH_FIELDS}
        where = main | counted_cells_q(other, undated_only=True)
    zone_months = (
        zone_month_level(cleaned).objects.filter(where).order_by()
        # grouped by the integer keys only (the zone's names ride along): a hash aggregate
        .values_list("zone_id", "date").annotate(*_cell_sums(), Max("zone__short_name"), Max("zone__slug"))
    )
    breakdowns = (
        breakdown_level(cleaned).objects.filter(main, date__isnull=False).order_by()
        .values_list("stage", "industry").annotate(*_cell_sums())
    )
    rows, undated_rows = [], []
    unknown = ZoneKey(_("开发区不详"))
    zones: dict[int, ZoneKey] = {}
    total, undated = Figure(), Figure()
    for zone_id, month, *sums, name, slug in zone_months:
        if zone_id is None:
            zone = unknown
        else:
            zone = zones.get(zone_id)
            if zone is None:
                zone = zones[zone_id] = ZoneKey(name, slug, zone_id)
        figure = _cell_figure(*sums)
        if month is not None:
            rows.append(Row(zone, month, "", "", figure))
            total += figure
        else:
            undated_rows.append(Row(zone, month, "", "", figure))
            undated += figure
    breakdown_rows = [Row(unknown, None, stage, industry, _cell_figure(*sums))
                      for stage, industry, *sums in breakdowns]
    return Totals(rows=rows, undated_rows=undated_rows, months=_month_range(rows, start, end), top=top,
                  breakdown_rows=breakdown_rows, total=total, undated=undated)
