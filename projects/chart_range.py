"""The range the dashboard, its JSON endpoint and the exports show, and the bars' period.

Why: one record from 2011 stretched the chart to 165 months of zeros. Without `month_from` /
`month_to` the view covers at most the DEFAULT_MONTHS months ending with the month of the
latest dated record the other filters select (from the first record's month when that is
later) — to December of its year when that range leaves records out and a record known only
to that year is selected, since a range holds such a record only when it covers the year
(`projects.months`); `range=all` shows every month instead; an explicit month range always
wins. When the default range leaves records out it is handed to `projects.totals` as an explicit month range
(an "effective" filter), so every figure, table, export and drill-down link of the same query
agrees, and the undated figure is the one any month range shows. When the range spans more
than YEARLY_AFTER months the bars are per year (sums of the monthly figures and of the year's
records known only to the year, so a year's bar equals its months and its "month unknown"
figure added up).

The default range may start in the middle of a year and so leave that year's records known only
to the year out. It is not stretched back to January for them (the latest 24 months stay 24
months, whatever an old year holds, and no query is spent on finding out): the totals state the
figure it leaves out beside the undated one, with a link to the range widened to whole years
(`whole_years`; projects/totals.py, "Left out, but never silently").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Min, Q

from .filters import MONTH_FIELDS, ProjectFilter, parse_month
from .models import DatePrecision
from .totals import Figure, Totals, month_label

DEFAULT_MONTHS = 24
YEARLY_AFTER = 36
RANGE_PARAM = "range"
RANGE_ALL = "all"


@dataclass(frozen=True)
class ChartRange:
    """What the view shows: `start`/`end` months (None: from the first / to the last record),
    whether that is the default range (and leaves records out), and whether `range=all` asked
    for everything."""

    start: dt.date | None
    end: dt.date | None
    default: bool = False
    everything: bool = False
    limited: bool = False  # the default range leaves older records out

    def as_json(self) -> dict:
        return {
            "from": month_label(self.start) if self.start else None,
            "to": month_label(self.end) if self.end else None,
            "default": self.default, "all": self.everything,
        }


def _months_back(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


def dated_span(project_filter: ProjectFilter) -> tuple[dt.date, dt.date] | None:
    """The months of the first and the latest dated record (project or batch) the filter selects
    (plain MIN and MAX of the date: PostgreSQL reads them off the date index)."""
    firsts, lasts = [], []
    for qs in (project_filter.qs, project_filter.batch_qs()):
        span = qs.aggregate(first=Min("date"), last=Max("date"))
        if span["last"] is not None:
            firsts.append(span["first"])
            lasts.append(span["last"])
    return (min(firsts).replace(day=1), max(lasts).replace(day=1)) if lasts else None


def known_only_to(project_filter: ProjectFilter, year: int) -> bool:
    """Whether the filter selects a record known only to `year` (or a later year): one query,
    on the partial indexes of the year-only dates."""
    year_only = Q(date_precision=DatePrecision.YEAR, date__gte=dt.date(year, 1, 1))
    projects = project_filter.qs.filter(year_only).order_by().values("pk")
    batches = project_filter.batch_qs().filter(year_only).order_by().values("pk")
    return projects.union(batches, all=True).exists()


def effective(project_filter: ProjectFilter, params) -> tuple[ProjectFilter, ChartRange]:
    """The filter to compute with (with the default month range filled in) and its range."""
    cleaned = project_filter.cleaned()
    if any(name in cleaned for name in MONTH_FIELDS):
        start = cleaned.get("month_from")
        end = cleaned.get("month_to")
        return project_filter, ChartRange(parse_month(start) if start else None,
                                          parse_month(end) if end else None)
    if params.get(RANGE_PARAM) == RANGE_ALL:
        return project_filter, ChartRange(None, None, everything=True)
    span = dated_span(project_filter)
    if span is None:
        return project_filter, ChartRange(None, None, default=True)
    first, last = max(span[0], _months_back(span[1], DEFAULT_MONTHS - 1)), span[1]
    if first == span[0]:  # every dated record is inside: the filter stays as it is (undated too)
        return project_filter, ChartRange(first, last, default=True)
    if last.month != 12 and known_only_to(project_filter, last.year):
        # a record known only to the latest year is in a range only to December (projects/months.py)
        last = last.replace(month=12)
        first = max(span[0], _months_back(last, DEFAULT_MONTHS - 1))
    data = project_filter.data.copy()
    data["month_from"], data["month_to"] = month_label(first), month_label(last)
    narrowed = type(project_filter)(data, queryset=project_filter.queryset, request=project_filter.request)
    return narrowed, ChartRange(first, last, default=True, limited=True)


def _added(figures) -> Figure:
    total = Figure()
    for figure in figures:
        total += figure
    return total


def periods(result: Totals) -> tuple[str, list[str], list[Figure], list[list[Figure]]]:
    """(granularity, period labels, the periods' total figures, each series' figures per period):
    the months themselves, or years when the months shown span more than YEARLY_AFTER — a year's
    bar adds its records known only to the year (its "month unknown" figure) to its months."""
    months = result.months
    all_series = result.series()
    series = [s["figures"] for s in all_series]
    if len(months) <= YEARLY_AFTER:
        return "month", [month_label(m) for m in months], result.month_figures(), series
    unknown_years = [key.year for key, _figure in result.unknown_months()]
    years = sorted({m.year for m in months} | set(unknown_years))
    index = {year: [i for i, m in enumerate(months) if m.year == year] for year in years}

    def by_year(figures: list[Figure], unknown: list[Figure]) -> list[Figure]:
        of_year = dict(zip(unknown_years, unknown, strict=True))
        return [_added([*(figures[i] for i in index[year]), of_year.get(year, Figure())]) for year in years]

    totals = by_year(result.month_figures(), [figure for _key, figure in result.unknown_months()])
    return "year", [str(y) for y in years], totals, [by_year(s["figures"], s["unknown"]) for s in all_series]


def whole_years(project_filter: ProjectFilter, years) -> dict[str, str]:
    """The filter's month range widened to the whole of `years` where it covers them in part (the
    link beside the "left out" figure of the year-only records): `month_from` back to January,
    `month_to` on to December; {} when it cuts none of them."""
    cleaned = project_filter.cleaned()
    widened = {}
    if (start := cleaned.get("month_from")) and not start.endswith("-01") and int(start[:4]) in years:
        widened["month_from"] = f"{start[:4]}-01"
    if (end := cleaned.get("month_to")) and not end.endswith("-12") and int(end[:4]) in years:
        widened["month_to"] = f"{end[:4]}-12"
    return widened
