"""Converts amounts to yuan: the one place where currencies meet.

A foreign amount counts in yuan at the annual rate of its event's year, or the
nearest year the rate table holds; without any rate for the currency the yuan
value stays unknown (None) rather than being guessed.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .models import CurrencyRate

CNY = "CNY"
CENT = Decimal("0.01")


def to_yuan(
    amount: Decimal | None, currency: str, year: int | None, cache: dict | None = None
) -> Decimal | None:
    """Yuan value of `amount` in `currency` for an event in `year` (None when it cannot be known).

    `cache`: a dict kept by the caller (one ingest) so that each currency's rates are read once."""
    if amount is None:
        return None
    if currency == CNY:
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    rate = rate_for(currency, year, cache)
    if rate is None:
        return None
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def rate_for(currency: str, year: int | None, cache: dict | None = None) -> Decimal | None:
    """Yuan per unit for that year, else for the nearest year on record."""
    rates = None if cache is None else cache.get(currency)
    if rates is None:
        rates = dict(CurrencyRate.objects.filter(currency=currency).values_list("year", "yuan_per_unit"))
        if cache is not None:
            cache[currency] = rates
    if not rates:
        return None
    if year is None or year not in rates:
        target = year if year is not None else max(rates)
        year = min(rates, key=lambda known: (abs(known - target), -known))
    return rates[year]
