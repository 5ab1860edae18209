"""Formats yuan amounts as 亿元 for display: one rounding rule for every page."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()
YI = Decimal(100_000_000)


@register.filter
def yi(value, places: int = 2) -> str:
    """Yuan → 亿元 with `places` decimals, rounded half up; "—" when unknown."""
    if value in (None, ""):
        return "—"
    amount = (Decimal(value) / YI).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    return f"{amount:,}"
