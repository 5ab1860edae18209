"""amounts: every printed shape of a sum of money → Decimal value, currency, approximate flag."""

from __future__ import annotations

from decimal import Decimal

import pytest

from articles.parsing.amounts import chinese_to_int, find_amounts, format_value, parse_amount

YI = Decimal(10) ** 8
WAN = Decimal(10) ** 4

CASES = [
    # text, value, currency, approximate, value_max
    ("总投资15亿元", 15 * YI, "CNY", False, None),
    ("总投资约122亿元", 122 * YI, "CNY", True, None),
    ("投资114.7亿元", Decimal("11470000000"), "CNY", False, None),
    ("5000余万元", 5000 * WAN, "CNY", True, None),
    ("1.2万亿元", Decimal("1200000000000"), "CNY", False, None),
    ("十二亿元", 12 * YI, "CNY", False, None),
    ("一百二十亿，", 120 * YI, "CNY", False, None),
    ("两亿元", 2 * YI, "CNY", False, None),
    ("三千万元", 3000 * WAN, "CNY", False, None),
    ("二点五亿元", Decimal("250000000"), "CNY", False, None),
    ("10亿—12亿元", 10 * YI, "CNY", False, 12 * YI),
    ("10至12亿元", 10 * YI, "CNY", False, 12 * YI),
    ("8-10亿美元", 8 * YI, "USD", False, 10 * YI),
    ("5000万—1亿元", 5000 * WAN, "CNY", False, YI),
    ("计划投资3亿美元", 3 * YI, "USD", False, None),
    ("投资2.5亿欧元", Decimal("250000000"), "EUR", False, None),
    ("5000万美元", 5000 * WAN, "USD", False, None),
    ("20亿港元", 20 * YI, "HKD", False, None),
    ("100亿日元", 100 * YI, "JPY", False, None),
    ("人民币15亿元", 15 * YI, "CNY", False, None),
    ("15亿元人民币", 15 * YI, "CNY", False, None),
    ("投资1,200万元", 1200 * WAN, "CNY", False, None),
    ("1200万元", 1200 * WAN, "CNY", False, None),
    ("800元", Decimal(800), "CNY", False, None),
    ("近100亿元", 100 * YI, "CNY", True, None),
    ("超10亿元", 10 * YI, "CNY", True, None),
    ("超过50亿元", 50 * YI, "CNY", True, None),
    ("逾30亿元", 30 * YI, "CNY", True, None),
    ("将近8亿元", 8 * YI, "CNY", True, None),
    ("20亿元左右", 20 * YI, "CNY", True, None),
    ("10亿元以上", 10 * YI, "CNY", True, None),
    ("10多亿元", 10 * YI, "CNY", True, None),
    ("上百亿元", 100 * YI, "CNY", True, None),
    ("总投资120亿", 120 * YI, "CNY", False, None),
    ("投资3000万，", 3000 * WAN, "CNY", False, None),
    ("1.5千亿元", Decimal("150000000000"), "CNY", False, None),
    ("總投資15億元", 15 * YI, "CNY", False, None),
    ("投資5000萬元", 5000 * WAN, "CNY", False, None),
    ("投资１５亿元", 15 * YI, "CNY", False, None),
    ("壹亿元", YI, "CNY", False, None),
]


@pytest.mark.parametrize(("text", "value", "currency", "approximate", "value_max"), CASES)
def test_parse_amount(text, value, currency, approximate, value_max):
    amount = parse_amount(text)
    assert amount is not None, text
    assert amount.value == value
    assert isinstance(amount.value, Decimal)
    assert amount.currency == currency
    assert amount.approximate is approximate
    assert amount.value_max == value_max


@pytest.mark.parametrize(
    "text",
    [
        "数十亿元",
        "几百万元",
        "上亿元",
        "5万平方米",
        "带动就业1万人",
        "年产10万吨负极材料",
        "10亿颗芯片",
        "2022年",
        "增长12.5%",
        "10GW光伏电池",
        "第十一个",
        "3个月",
    ],
)
def test_not_money(text):
    assert parse_amount(text) is None


def test_offsets_point_into_original_text():
    text = "该项目總投資約15億元，年產值30億元。"
    hits = find_amounts(text)
    assert [text[s:e] for s, e, _ in hits] == ["約15億元", "30億元"]
    assert hits[0][2].text == "約15億元"


def test_value_has_no_exponent():
    assert format_value(parse_amount("15亿元").value) == "1500000000"
    assert format_value(parse_amount("1.2万亿元").value) == "1200000000000"
    assert format_value(parse_amount("3.456万元").value) == "34560"
    assert format_value(Decimal("1.5E+9")) == "1500000000"


@pytest.mark.parametrize(
    ("text", "value"),
    [("一百二十", 120), ("十二", 12), ("两千三百", 2300), ("三千", 3000), ("十", 10), ("一万二千", 12000)],
)
def test_chinese_numerals(text, value):
    assert chinese_to_int(text) == value


def test_several_amounts_in_a_sentence():
    hits = find_amounts("A项目投资5亿元、B项目投资3.5亿元；C项目投资8000万元")
    assert [h[2].value for h in hits] == [5 * YI, Decimal("350000000"), 8000 * WAN]


@pytest.mark.parametrize(
    ("text", "value"),
    [("投资两亿三千万元", 230_000_000), ("总投资1亿2000万元", 120_000_000), ("四亿五千万美元", 450_000_000)],
)
def test_yi_and_wan_in_one_number(text, value):
    (hit,) = find_amounts(text)
    assert hit[2].value == value


# --- size classes and bounded magnitudes ---------------------------------------------


@pytest.mark.parametrize("text", ["百亿级项目", "千亿级产业集群", "十亿元级项目", "数十亿元", "上亿元"])
def test_size_classes_and_vague_sums_are_no_amounts(text):
    assert find_amounts(text) == []


@pytest.mark.parametrize(
    ("text", "value"), [("总投资超百亿元", 10**10), ("逾百亿元", 10**10), ("上百亿元", 10**10)]
)
def test_bounded_magnitudes_are_approximate(text, value):
    amount = parse_amount(text)
    assert (amount.value, amount.approximate) == (value, True)
