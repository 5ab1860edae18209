"""Follow-through: how much of what was signed broke ground — the one rule, computed in the database.

The rule (next to the totals rule, `projects/totals.py`)
--------------------------------------------------------
- **Only projects have a follow-through**, not batches: a batch is an aggregate signing with no
  events of its own. A batch's member projects (`Project.batch`) do, once they are linked, each
  as a project — whether or not their batch is counted in the totals.
- **Counted projects**: not merged duplicates (`merged_into` is null) that pass the dashboard's
  filter (`projects.filters.ProjectFilter`, by default confirmed projects). A merge moves the
  duplicate's events to the project it is merged into (`projects.services.merge_projects`), so
  each event counts once, on that project.
- **Signing**: the project's earliest dated 签约 event. **Start**: its earliest dated 开工 event
  from the signing on (an event whose latest possible day is not before the signing day).
  **Operating**: its earliest dated 投产 event — its own figure, not a kind of start.
  A project without events is read as one event of its own stage and date.
- **Started, signing date unknown**: a project with a start but no dated signing (first
  reported as started). It is shown apart and is in no signed figure or cohort.
- **The period** (`month_from` / `month_to`) selects projects by their signing month: a
  project's `date` is its signing date when it has one (`services.refresh_project_timeline`),
  so the dashboard's month filter is already the signing filter. A project started without a
  signing date is selected by the month it was first reported.
- **Date precision**: dates are stored as the first day they cover, with a precision (day,
  month, year). "Started within N months" counts a project only when that is certain: the
  latest day its start can mean (end of the month or year) is at most N calendar months after
  the earliest day its signing can mean (the stored day). Signed 2023-03-10, started 2023-09:
  not certainly within 6 months (2023-09-30 > 2023-09-10), certainly within 12. Signed
  2023-06, started 2024: within 24 months (2024-12-31 ≤ 2025-06-01), not within 12.
- **Median months signing → start**: the median, over signed projects with a start, of the
  whole months between the stored dates (signed 2023-03-10, started 2023-09 stored 2023-09-01:
  5 months); of an even number, the mean of the middle two.
- **Cohorts**: signed projects by signing quarter; for month k = 0…24, the share of the
  cohort's signed amount whose start is certainly within k months. Null where month k after
  the quarter's first day is still after today (or `as_of`): no project of the cohort can
  have reached it.
- **Shares** are of amounts (yuan): started amount / signed amount; null when nothing signed
  has an amount. A project without an amount adds to the counts, not the money.
- **Stalled**: counted projects signed (stored signing day) more than N months before today
  (or `as_of`), default 12, with no event of any other stage reported — largest amount first.
- "No start reported" means that no article reported one, not that none happened.

How it is computed: each project's timeline is derived from its events when they change and
stored on the project (`projects/timeline.py`), so every figure here is a conditional
aggregate over the filtered projects (`Count`/`Sum` with `filter=`), one query per grouping —
by zone × industry (zones, industries, provinces and the total are summed from it), by signing
quarter and months to start (the cohorts), and two histograms of the months to start by zone
and by industry (the medians). The conditions are written once, in `follow_conditions.py`.
When the filter names only a month range, an industry (without a range) and the review
status, the same aggregates are summed from the follow-through's cells instead
(`projects/follow_cells.py`, kept with the totals rollup; equal to the live figures:
tests/test_follow_cells.py); any other filter is aggregated live, on PostgreSQL an
index-only scan of `project_follow_through_idx`. The results are cached per question and
data version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from zones.models import Zone

from . import follow_cells, timeline
from .filters import ProjectFilter
from .follow_conditions import IDLE, OPERATING, SIGNED, STARTED, UNSIGNED_STARTED, WINDOWS, within
from .models import Project
from .timeline import add_months

COHORT_MONTHS = 24
STALLED_MONTHS = 12
CACHE_SECONDS = 600  # a bound on memory; the data version is what keeps the figures current
ZERO = Decimal("0.00")
CENT = Decimal("0.01")



# --- the figures ------------------------------------------------------------------------------


@dataclass(slots=True)
class Amount:
    """A count of projects and their amount in yuan."""

    count: int = 0
    amount: Decimal = ZERO

    def add(self, other: Amount) -> None:
        self.count += other.count
        self.amount += other.amount

    def as_json(self) -> dict:
        return {"count": self.count, "amount_yuan": str(self.amount.quantize(CENT))}


def _share(part: Decimal, whole: Decimal) -> float | None:
    return None if not whole else round(float(part / whole), 4)


@dataclass(slots=True)
class Histogram:
    """How many projects took each number of whole months from signing to start."""

    counts: dict[int, int] = field(default_factory=dict)

    def add(self, other: Histogram) -> None:
        for months, n in other.counts.items():
            self.counts[months] = self.counts.get(months, 0) + n

    def median(self) -> float | None:
        total = sum(self.counts.values())
        if not total:
            return None
        return round((self._nth((total - 1) // 2) + self._nth(total // 2)) / 2, 1)

    def _nth(self, index: int) -> float:
        seen = 0
        for months in sorted(self.counts):
            seen += self.counts[months]
            if index < seen:
                return float(months)
        raise IndexError(index)


@dataclass(slots=True)
class Figure:
    """What a set of counted projects adds up to in the follow-through."""

    signed: Amount = field(default_factory=Amount)
    started_within: dict[int, Amount] = field(default_factory=lambda: {w: Amount() for w in WINDOWS})
    started: Amount = field(default_factory=Amount)
    operating: Amount = field(default_factory=Amount)
    started_without_signing: Amount = field(default_factory=Amount)
    stalled: Amount = field(default_factory=Amount)
    lags: Histogram = field(default_factory=Histogram)

    def add(self, other: Figure) -> None:
        for name in ("signed", "started", "operating", "started_without_signing", "stalled"):
            getattr(self, name).add(getattr(other, name))
        for window, amount in other.started_within.items():
            self.started_within[window].add(amount)
        self.lags.add(other.lags)

    @property
    def started_share(self) -> float | None:
        return _share(self.started.amount, self.signed.amount)

    def within_share(self, window: int) -> float | None:
        return _share(self.started_within[window].amount, self.signed.amount)

    @property
    def median_months_to_start(self) -> float | None:
        return self.lags.median()

    def as_json(self) -> dict:
        return {
            "signed": self.signed.as_json(),
            "started_within": {str(w): self.started_within[w].as_json() for w in WINDOWS},
            "started_within_share": {str(w): self.within_share(w) for w in WINDOWS},
            "started": self.started.as_json(),
            "operating": self.operating.as_json(),
            "started_share": self.started_share,
            "median_months_to_start": self.median_months_to_start,
        }


@dataclass(slots=True)
class Cohort:
    """The projects signed in one quarter and the share of their amount started by each month."""

    quarter: dt.date  # its first day
    signed: Amount
    started_share_by_month: list[float | None]

    @property
    def label(self) -> str:
        return f"{self.quarter.year}Q{(self.quarter.month - 1) // 3 + 1}"

    def as_json(self) -> dict:
        return {"quarter": self.label, "signed": self.signed.as_json(),
                "started_share_by_month": self.started_share_by_month}


@dataclass(slots=True)
class ZoneFigure:
    zone: dict | None  # id, name, short_name, province, slug; None: projects with no zone
    figure: Figure

    def as_json(self) -> dict:
        return {"zone": self.zone, **self.figure.as_json()}


@dataclass(slots=True)
class FollowThrough:
    """The follow-through of one filter: the total, ranked breakdowns and the cohorts."""

    filters: dict
    as_of: dt.date
    stalled_months: int
    total: Figure
    zones: list[ZoneFigure]
    industries: list[tuple[str, Figure]]
    provinces: list[tuple[str, Figure]]
    cohorts: list[Cohort]

    @property
    def started_without_signing(self) -> Amount:
        return self.total.started_without_signing

    def as_json(self) -> dict:
        """The API's shape (README, "/api/follow-through/"), without the stalled rows, which
        carry quotes and are added by the articles app."""
        return {
            "filters": self.filters,
            "as_of": self.as_of.isoformat(),
            "windows": list(WINDOWS),
            "total": self.total.as_json(),
            "started_without_signing": self.started_without_signing.as_json(),
            "zones": [zone.as_json() for zone in self.zones],
            "industries": [{"industry": name, **figure.as_json()} for name, figure in self.industries],
            "provinces": [{"province": name, **figure.as_json()} for name, figure in self.provinces],
            "cohorts": [cohort.as_json() for cohort in self.cohorts],
            "stalled": {"months": self.stalled_months, **self.total.stalled.as_json()},
        }


# --- the queries --------------------------------------------------------------------------------


def counted(project_filter: ProjectFilter) -> QuerySet[Project]:
    """The projects the follow-through counts under this filter (batch members included)."""
    return project_filter.qs.filter(merged_into__isnull=True).order_by()


def stalled_cutoff(months: int, as_of: dt.date) -> dt.date:
    """Signed before this day: signed more than `months` months before `as_of`."""
    return add_months(as_of, -months)


def _stalled_q(months: int, as_of: dt.date) -> Q:
    return IDLE & Q(signed_on__lt=stalled_cutoff(months, as_of))


def _aggregates(stalled: Q) -> dict:
    cases = {"signed": SIGNED, "started": STARTED, "operating": OPERATING,
             "unsigned_started": UNSIGNED_STARTED, "stalled": stalled,
             **{f"within_{w}": within(w) for w in WINDOWS}}
    aggregates = {}
    for name, condition in cases.items():
        # A column of the covering index, never null: COUNT(id) would read the table.
        aggregates[f"{name}_n"] = Count("review_status", filter=condition)
        aggregates[f"{name}_y"] = Sum("amount_yuan", filter=condition)
    return aggregates


def _amount(row: dict, name: str) -> Amount:
    return Amount(row[f"{name}_n"], (row[f"{name}_y"] or ZERO).quantize(CENT))


def _figure(row: dict) -> Figure:
    return Figure(
        signed=_amount(row, "signed"),
        started_within={w: _amount(row, f"within_{w}") for w in WINDOWS},
        started=_amount(row, "started"),
        operating=_amount(row, "operating"),
        started_without_signing=_amount(row, "unsigned_started"),
        stalled=_amount(row, "stalled"),
    )


def _grouped(projects: QuerySet[Project], stalled: Q) -> tuple[dict, dict]:
    """The figures by zone and by industry: one query by zone × industry (a few thousand rows,
    added up here), and one per key for the months-to-start histograms (by zone × industry
    they would be tens of thousands of rows)."""
    by_key: dict[str, dict] = {"zone_id": defaultdict(Figure), "industry": defaultdict(Figure)}
    for row in projects.values("zone_id", "industry").annotate(**_aggregates(stalled)):
        figure = _figure(row)
        for key, figures in by_key.items():
            figures[row[key]].add(figure)
    for key, figures in by_key.items():
        lags = projects.filter(months_to_start__isnull=False).values(key, "months_to_start")
        for row in lags.annotate(n=Count("*")):
            figures[row[key]].lags.counts[row["months_to_start"]] = row["n"]
    return dict(by_key["zone_id"]), dict(by_key["industry"])


def _ranked(items: Iterable[tuple], name) -> list:
    return sorted(items, key=lambda item: (-item[1].signed.amount, -item[1].signed.count, name(item)))


def _cohort_rows(projects: QuerySet[Project]) -> list[tuple]:
    """One query: (signing quarter, months within which the start is certain, count, amount)."""
    rows = (
        projects.filter(SIGNED).values(quarter=TruncQuarter("signed_on"), lag=F("months_to_start_max"))
        .annotate(n=Count("*"), y=Sum("amount_yuan"))
    )
    found = []
    for row in rows:
        quarter = row["quarter"]
        quarter = quarter.date() if isinstance(quarter, dt.datetime) else quarter
        found.append((quarter, row["lag"], row["n"], (row["y"] or ZERO).quantize(CENT)))
    return found


def _cohorts(rows: Iterable[tuple], as_of: dt.date) -> list[Cohort]:
    """The cohorts from (quarter, months to a certain start, count, amount) rows."""
    by_quarter: dict[dt.date, dict] = defaultdict(dict)
    for quarter, lag, n, y in rows:
        old_n, old_y = by_quarter[quarter].get(lag, (0, ZERO))
        by_quarter[quarter][lag] = (old_n + n, old_y + y)
    cohorts = []
    for quarter in sorted(by_quarter):
        lags = by_quarter[quarter]
        signed = Amount(sum(n for n, _y in lags.values()), sum((y for _n, y in lags.values()), ZERO))
        shares: list[float | None] = []
        started = ZERO
        for month in range(COHORT_MONTHS + 1):
            started += lags.get(month, (0, ZERO))[1]
            reached = add_months(quarter, month) <= as_of
            shares.append(_share(started, signed.amount) if reached else None)
        cohorts.append(Cohort(quarter, signed, shares))
    return cohorts


def _zone_info(zone_ids: Iterable[int]) -> dict[int, dict]:
    zones = Zone.objects.filter(pk__in=[pk for pk in zone_ids if pk is not None])
    return {
        zone["id"]: {"id": zone["id"], "name": zone["full_name"] or zone["short_name"],
                     "short_name": zone["short_name"], "province": zone["province"], "slug": zone["slug"]}
        for zone in zones.values("id", "full_name", "short_name", "province", "slug")
    }


def for_filter(project_filter: ProjectFilter, *, as_of: dt.date | None = None,
               stalled_months: int = STALLED_MONTHS) -> FollowThrough:
    """The follow-through of the projects this filter selects (the rules: this module's docstring).

    The figures are kept in the cache under the data's version (`timeline.data_version`, which
    every write they read changes), so a repeated question is answered without the aggregation
    (at a million projects it reads every counted row: seconds, docs/benchmarks.md)."""
    as_of = as_of or timezone.localdate()
    seconds = getattr(settings, "FOLLOW_THROUGH_CACHE_SECONDS", CACHE_SECONDS)
    if not seconds or timeline.pending():  # uncommitted writes of this transaction: never cached
        return _computed(project_filter, as_of, stalled_months)
    key = _cache_key(project_filter, as_of, stalled_months)
    result = cache.get(key)
    if result is None:
        result = _computed(project_filter, as_of, stalled_months)
        cache.set(key, result, seconds)
    return result


def _cache_key(project_filter: ProjectFilter, as_of: dt.date, stalled_months: int) -> str:
    question = f"{project_filter.querystring()}|{as_of.isoformat()}|{stalled_months}"
    digest = hashlib.sha256(question.encode()).hexdigest()[:32]
    return f"follow-through:{timeline.data_version()}:{digest}"


def _computed(project_filter: ProjectFilter, as_of: dt.date, stalled_months: int,
              use_cells: bool | None = None) -> FollowThrough:
    """The figures, from the follow-through's cells when they answer the filter
    (`projects/follow_cells.py`; `use_cells=False` forces the live aggregation), else live."""
    projects = counted(project_filter)
    cleaned = project_filter.cleaned()
    if use_cells is None:  # FOLLOW_THROUGH_CELLS = False: always live (the bench's "before")
        use_cells = getattr(settings, "FOLLOW_THROUGH_CELLS", True) and follow_cells.answers(cleaned)
    if use_cells:
        read = follow_cells.read(cleaned, projects, stalled_cutoff(stalled_months, as_of))
        by_zone, by_industry = ({name: _figure(row) for name, row in rows.items()}
                                for rows in (read.zone_rows, read.industry_rows))
        for figures, lags in ((by_zone, read.zone_lags), (by_industry, read.industry_lags)):
            for name, months, n in lags:
                figures[name].lags.counts[months] = n
        cohort_rows = read.cohort_rows
    else:
        by_zone, by_industry = _grouped(projects, _stalled_q(stalled_months, as_of))
        cohort_rows = _cohort_rows(projects)
    info = _zone_info(by_zone)
    total = Figure()
    provinces: dict[str, Figure] = defaultdict(Figure)
    for zone_id, figure in by_zone.items():
        total.add(figure)
        provinces[info[zone_id]["province"] if zone_id in info else ""].add(figure)
    ranked = _ranked(by_zone.items(), lambda item: info.get(item[0], {}).get("short_name", "\uffff"))
    zones = [ZoneFigure(info.get(zone_id), figure) for zone_id, figure in ranked]
    return FollowThrough(
        filters={name: _as_text(value) for name, value in project_filter.cleaned().items()},
        as_of=as_of,
        stalled_months=stalled_months,
        total=total,
        zones=zones,
        industries=_ranked(by_industry.items(), lambda item: item[0] or "\uffff"),
        provinces=_ranked(provinces.items(), lambda item: item[0] or "\uffff"),
        cohorts=_cohorts(cohort_rows, as_of),
    )


def _as_text(value) -> str | list[str]:
    if isinstance(value, QuerySet | list | tuple):
        return [getattr(item, "slug", None) or str(item) for item in value]
    return str(value)


def stalled(project_filter: ProjectFilter, *, months: int = STALLED_MONTHS,
            as_of: dt.date | None = None) -> QuerySet[Project]:
    """Counted projects signed more than `months` months ago with no later event, largest first."""
    as_of = as_of or timezone.localdate()
    return counted(project_filter).filter(_stalled_q(months, as_of)).order_by(
        F("amount_yuan").desc(nulls_last=True), "signed_on", "pk")
