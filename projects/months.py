"""Months as the filters, the totals and the rollup count them: a month is its first day."""

from __future__ import annotations

import datetime as dt
import re

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


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
