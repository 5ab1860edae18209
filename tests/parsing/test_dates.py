"""dates: expressions resolved against the issue date, with a running context."""

from __future__ import annotations

from datetime import date

import pytest

from articles.parsing.dates import find_dates, infer_year
from articles.parsing.types import EventDate

ISSUE = date(2022, 7, 1)


def resolve_event_date(expression: str, issue_date: date | None = None, context: EventDate | None = None):
    """The first resolved date of an expression ("6月28日", "去年底", "同日"), else None."""
    return next((d.date for d in find_dates(expression, issue_date, context) if d.date is not None), None)

CASES = [
    ("6月28日", EventDate(2022, 6, 28)),
    ("今年3月", EventDate(2022, 3)),
    ("今年3月5日", EventDate(2022, 3, 5)),
    ("去年底", EventDate(2021, 12)),
    ("去年年底", EventDate(2021, 12)),
    ("去年", EventDate(2021)),
    ("去年3月", EventDate(2021, 3)),
    ("前年", EventDate(2020)),
    ("2021年11月", EventDate(2021, 11)),
    ("2021年11月底", EventDate(2021, 11)),
    ("2021年11月24日", EventDate(2021, 11, 24)),
    ("2021年", EventDate(2021)),
    ("2021年底", EventDate(2021, 12)),
    ("二〇二一年十一月", EventDate(2021, 11)),
    ("六月二十八日", EventDate(2022, 6, 28)),
    ("11月24日", EventDate(2021, 11, 24)),  # later than the issue month: last year
    ("12月", EventDate(2021, 12)),
    ("3月份", EventDate(2022, 3)),
    ("上月", EventDate(2022, 6)),
    ("上个月", EventDate(2022, 6)),
    ("本月", EventDate(2022, 7)),
    ("年初", EventDate(2022)),
    ("年底", EventDate(2022, 12)),
    ("今年以来", EventDate(2022)),
    ("今年上半年", EventDate(2022)),
    ("近日", EventDate(2022, 7)),
    ("日前", EventDate(2022, 7)),
    ("2022.6.28", EventDate(2022, 6, 28)),
    ("2022-06-28", EventDate(2022, 6, 28)),
    ("2021年11月24日", EventDate(2021, 11, 24)),
    ("28号", None),
    ("3个月", None),
    ("24天", None),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_resolve_with_issue_date(text, expected):
    assert resolve_event_date(text, ISSUE) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021年11月", EventDate(2021, 11)),
        ("2022年", EventDate(2022)),
        ("6月28日", None),
        ("今年3月", None),
        ("去年底", None),
        ("上月", None),
        ("近日", None),
    ],
)
def test_without_issue_date_unknown_year_is_none(text, expected):
    assert resolve_event_date(text, None) == expected


def test_january_paper_reporting_december():
    assert resolve_event_date("12月28日", date(2022, 1, 5)) == EventDate(2021, 12, 28)
    assert resolve_event_date("1月3日", date(2022, 1, 5)) == EventDate(2022, 1, 3)


def test_running_context_in_a_paragraph():
    text = "2021年11月24日，甲公司来考察。12月1日，双方磋商。同月，签署协议。当天下午举行仪式。该项目于2022年3月正式签约。5月29日开工。"
    got = [(m.text, m.date) for m in find_dates(text, ISSUE)]
    assert got == [
        ("2021年11月24日", EventDate(2021, 11, 24)),
        ("12月1日", EventDate(2021, 12, 1)),
        ("同月", EventDate(2021, 12)),
        ("当天", EventDate(2021, 12, 1)),
        ("2022年3月", EventDate(2022, 3)),
        ("5月29日", EventDate(2022, 5, 29)),
    ]


def test_context_gives_year_without_issue_date():
    got = [m.date for m in find_dates("2021年10月，考察团来访。11月签约。", None)]
    assert got == [EventDate(2021, 10), EventDate(2021, 11)]


def test_context_never_puts_a_date_after_the_issue():
    # "2020年" then "9月": September 2020, not 2022, and not after the issue date
    assert find_dates("2020年项目启动，9月签约。", ISSUE)[1].date == EventDate(2020, 9)
    assert infer_year(9, ISSUE) == 2021


def test_narrative_runs_forward_past_new_year():
    got = [m.date for m in find_dates("2021年11月洽谈，3月签约。", ISSUE)]
    assert got == [EventDate(2021, 11), EventDate(2022, 3)]


def test_vague_dates_are_flagged():
    (m,) = find_dates("近日，某高新区举行签约仪式", ISSUE)
    assert m.vague and m.date == EventDate(2022, 7)


def test_next_day():
    got = [m.date for m in find_dates("6月30日开幕，次日签约", ISSUE)]
    assert got == [EventDate(2022, 6, 30), EventDate(2022, 7, 1)]


def test_traditional_characters():
    assert resolve_event_date("去年12月簽約", ISSUE) == EventDate(2021, 12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1至5月", EventDate(2022)), ("今年1—6月", EventDate(2022)), ("2021年1-10月", EventDate(2021))],
)
def test_a_span_of_months_gives_the_year(text, expected):
    assert [m.date for m in find_dates(text, ISSUE) if m.date][-1] == expected


def test_bare_day_under_a_dateline_is_in_the_issue_month():
    assert resolve_event_date("29日，园区举行签约仪式", ISSUE) == EventDate(2022, 6, 29)
    assert resolve_event_date("1日上午，项目开工", ISSUE) == EventDate(2022, 7, 1)


def test_year_inside_a_noun_phrase_keeps_the_running_date():
    dates = [m.date for m in find_dates("6月20日，高新区2022年第三批重点项目集中签约", ISSUE)]
    assert dates == [EventDate(2022, 6, 20), EventDate(2022, 6, 20)]
    frame = [m.date for m in find_dates("6月20日，园区举行会议。2022年，全区签约项目30个", ISSUE)]
    assert frame[-1] == EventDate(2022)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天", EventDate(2022, 7, 1)),
        ("今日", EventDate(2022, 7, 1)),
        ("昨天", EventDate(2022, 6, 30)),
        ("前天", EventDate(2022, 6, 29)),
    ],
)
def test_today_and_yesterday_count_back_from_the_issue(text, expected):
    assert resolve_event_date(text, ISSUE) == expected
    assert resolve_event_date(text, None) is None


@pytest.mark.parametrize(
    ("context", "expected"),
    [(EventDate(2021), None), (EventDate(2021, 5), None), (EventDate(2022, 6, 3), EventDate(2022, 6, 3))],
)
def test_same_day_needs_a_day_to_refer_to(context, expected):
    assert resolve_event_date("同日", ISSUE, context) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7月2日，2024年南城区第三季度重点项目集中开工", EventDate(2024, 7, 2)),
        ("7月2日，2024年以来全区签约项目30个", EventDate(2024)),
        ("7月2日，2024年，全区签约项目30个", EventDate(2024)),
    ],
)
def test_year_opening_a_noun_phrase_after_a_dated_clause(text, expected):
    found = [d.date for d in find_dates(text, date(2024, 7, 5)) if d.date is not None]
    assert found[-1] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("一季度，全区签约项目30个", EventDate(2022)), ("前三季度，全区签约项目30个", EventDate(2022))],
)
def test_a_quarter_opening_a_clause_gives_the_year(text, expected):
    assert [d.date for d in find_dates(text, ISSUE)] == [expected]


def test_a_quarter_inside_a_noun_phrase_is_no_date():
    assert find_dates("全区第三季度重点项目集中开工", ISSUE) == []
