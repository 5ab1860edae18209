"""Months as the filters, the totals and the rollup count them: a month is its first day.

A record known only to the year (`date_precision` "year", stored as 1 January) has no month:
a month range holds it only when the range covers its whole year (`ends_by_q`; `date >=
month_from` already says that the range starts by January). projects/totals.py states the
rule the figures follow from this.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re

from django.db.models import Q

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# The months a filter accepts (`YYYY-MM` strings compare as months): outside them the date
# arithmetic of a range (the month after its end, 24 months back) leaves Python's dates.
FIRST_MONTH, LAST_MONTH = "1900-01", "2100-12"


def parse_month(value: str) -> dt.date:
    """The month a `YYYY-MM` string names (the filters' month_from / month_to)."""
    year, month = MONTH_RE.match(value).groups()
    return dt.date(int(year), int(month), 1)


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after `day`'s (the end of a month range, exclusive)."""
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def month_of(day: dt.date | None) -> dt.date | None:
    """The month a record counts in (None: undated)."""
    return None if day is None else day.replace(day=1)


def ends_by_q(end: dt.date, year_only: Q) -> Q:
    """The rows inside a month range that ends with month `end`: dated before the month after it
    and — the rows `year_only` selects (records known only to the year) — of a year that ends by
    then: a range that stops before December leaves that year's year-only records out."""
    first_uncovered_year = end.year + 1 if end.month == 12 else end.year
    return Q(date__lt=next_month(end)) & ~(year_only & Q(date__gte=dt.date(first_uncovered_year, 1, 1)))


def partly_covered_years(start: dt.date | None, end: dt.date | None) -> list[int]:
    """The years a month range covers only in part — it starts after January or ends before
    December: their records known only to the year are outside it (`ends_by_q`), and the
    totals say so beside the range (projects/totals.py, "left out")."""
    years = set()
    if start is not None and start.month != 1:
        years.add(start.year)
    if end is not None and end.month != 12:
        years.add(end.year)
    return sorted(years)


def in_years_q(years: list[int]) -> Q:
    """The rows dated within one of `years` (a year-only record is stored as its 1 January)."""
    return functools.reduce(operator.or_, (
        Q(date__gte=dt.date(year, 1, 1), date__lt=dt.date(year + 1, 1, 1)) for year in years))
