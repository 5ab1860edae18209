"""`format_amount` writes what `read_whole_amount` reads back: the edit form's round trip."""

from __future__ import annotations

from decimal import Decimal

import pytest

from articles.parsing.amounts import format_amount, read_whole_amount

ROUND_TRIPS = [
    (Decimal("12000000000.0000"), "CNY", False, None, "120亿元"),
    (Decimal("330000000"), "USD", False, None, "3.3亿美元"),
    (Decimal("60000000"), "CNY", False, None, "6000万元"),
    (Decimal("4500000000"), "CNY", True, None, "约45亿元"),
    (Decimal("1000000000"), "CNY", False, Decimal("1200000000"), "10亿—12亿元"),
    (Decimal("1234567"), "CNY", False, None, "123.4567万元"),
    (Decimal("5000"), "EUR", False, None, "5000欧元"),
    (Decimal("1200000000000"), "CNY", False, None, "12000亿元"),
]


@pytest.mark.parametrize(("value", "currency", "approximate", "value_max", "text"), ROUND_TRIPS)
def test_a_stored_amount_is_written_as_printed_and_read_back_the_same(value, currency, approximate, value_max, text):
    assert format_amount(value, currency, approximate=approximate, value_max=value_max) == text
    amount = read_whole_amount(text)
    assert (amount.value, amount.currency, amount.approximate, amount.value_max) == (
        value, currency, approximate, value_max)


@pytest.mark.parametrize("text", ["", "120", "很多", "投资120亿元", "120亿元和30亿元", "数十亿元", "5万平方米"])
def test_text_that_is_not_exactly_one_amount_is_not_read(text):
    assert read_whole_amount(text) is None


def test_spaces_typed_inside_an_amount_are_ignored():
    assert read_whole_amount(" 约 3.3 亿美元 ").value == Decimal("330000000")
