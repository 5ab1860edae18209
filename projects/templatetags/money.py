"""Formats yuan amounts as 亿元 for display: one rounding rule for every page.

`yi_decimal` is the rule (yuan → 亿元, rounded half up); the `yi` filter, the chart data
(`projects/totals.py`) and the exports all go through it, so a figure reads the same
everywhere.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()
YI = Decimal(100_000_000)


def yi_decimal(value, places: int = 2) -> Decimal | None:
    """Yuan → 亿元 with `places` decimals, rounded half up; None when unknown."""
    if value in (None, ""):
        return None
    return (Decimal(value) / YI).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)


@register.filter
def yi(value, places: int = 2) -> str:
    """Yuan → 亿元 with `places` decimals, rounded half up; "—" when unknown."""
    amount = yi_decimal(value, places)
    return "—" if amount is None else f"{amount:,}"
