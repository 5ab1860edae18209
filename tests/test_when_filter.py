"""Dates are shown only as precisely as they were reported."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from projects.templatetags.when import when


@pytest.mark.parametrize(
    ("precision", "shown"),
    [("year", "2022"), ("month", "2022-06"), ("day", "2022-06-01"), ("", "2022-06-01")],
)
def test_a_date_is_shown_at_its_precision(precision, shown):
    assert when(SimpleNamespace(date=dt.date(2022, 6, 1), date_precision=precision)) == shown


def test_an_unknown_date_says_so():
    assert when(SimpleNamespace(date=None, date_precision="")) == "日期不详"
