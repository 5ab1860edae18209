"""Date expressions in news text → `EventDate`, resolved against the issue date.

Rules (each one a line of the tests):
- A full date (2021年11月24日, 2022.6.28) is taken as written.
- A month or day without a year (6月28日, 3月, 12月底) takes the year of a running context
  (an explicit year earlier in the same paragraph, when that does not put the date after
  the issue date) else the issue year — or the previous year when the month is later than
  the issue month (a paper of 2022-01-05 saying 12月28日 means 2021-12-28).
- A span of months (1至5月, 1—10月) gives the year only; a year inside a noun phrase after a
  date of that year ("6月8日，高新区2020年第二批项目签约") is a qualifier: the date stays.
- A bare day opening a clause ("6日，" under a 新华社…电 dateline) is a day of the running
  month, else of the issue month (of the month before when the day is after the issue day).
- Relative words: 今年 → issue year; 今年3月; 去年 / 去年底 (→ previous year, month 12);
  前年; 上月 / 上个月; 本月; 年底 / 年末 (→ month 12); 年初 / 上半年 → the year only.
- Back-references use the context: 同月 / 当月 → the previous date's month; 当天 / 当日 /
  同日 → its day (None when the previous date has no day: "2021年建成。同日…" is no date);
  次日 → the day after; 同年 / 当年 → its year.
- A quarter opening a clause ("一季度，…", "前三季度，…") gives the year only, like a span
  of months; inside a noun phrase ("第三季度重点项目") it is no date.
- 今天 / 今日 → the issue date; 昨天 / 昨日 → the day before; 前天 → two days before.
- A year opening a noun phrase right after a dated clause ("7月2日，2024年南城区第三季度
  重点项目开工") qualifies the projects: the day stays.
- 近日 / 日前 / 近期 / 本周 / 上周 are *vague*: `find_dates` reports them with `vague=True`
  and resolves them to the issue month. Extraction uses a vague date only as the article's
  fallback, when no explicit date is nearer to a fact.
- Without an issue date, any date whose year is not written (or given by context) is None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .amounts import chinese_to_int
from .textfold import fold
from .types import EventDate

_Y = r"(?P<y>(?:19|20)\d{2}|[一二〇零][〇零一二三四五六七八九]{3})"
_M = r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_D = r"(?P<d>3[01]|[12]\d|0?[1-9]|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_TAIL = r"(?P<tail>份|底|末|初|中旬|上旬|下旬|中)?"

_PATTERNS = [
    ("ymd", rf"{_Y}年{_M}月{_D}[日号]"),
    ("ymd", r"(?P<y>(?:19|20)\d{2})[./-](?P<m>1[0-2]|0?[1-9])[./-](?P<d>3[01]|[12]\d|0?[1-9])(?!\d)"),
    ("ym", rf"{_Y}年{_M}月{_TAIL}"),
    ("y", rf"{_Y}年(?P<tail>底|末|年底|年末|初|上半年|下半年)?(?!度?(?:以前|之前))"),
    ("rel_md", r"(?P<rel>今年|去年|前年|明年)" + _M + "月" + _D + "[日号]"),
    ("rel_ym", r"(?P<rel>今年|去年|前年|明年|本年|上年)(?:的)?" + _M + "月" + _TAIL),
    (
        "rel_y",
        r"(?P<rel>今年|去年|前年|明年|本年|上年)(?:年)?(?P<tail>年底|年末|底|末|年初|初|上半年|下半年)?",
    ),
    ("period", rf"(?<![\d个.]){_M}\s?(?:至|到|—|-|－|～|~)\s?{_M.replace('<m>', '<m2>')}月(?:份)?"),
    ("md", rf"(?<![\d年个]){_M}月{_D}[日号]"),
    ("m", rf"(?<![\d年个.]){_M}月{_TAIL}(?![\d日号])"),
    ("d", r"(?<![\d年月.])(?P<d>3[01]|[12]\d|0?[1-9])日(?=[，,上下中晚凌]|$)"),
    ("rel_m", r"(?P<rel>上个?月|本月|这个月|上月|当月|同月)"),
    ("rel_d", r"(?P<rel>当天|当日|同日|次日|同一天|翌日)"),
    ("rel_day", r"(?P<rel>今天|今日|昨天|昨日|前天)"),
    # only opening a clause ("一季度，…"): "第三季度重点项目" names the projects, not a time
    ("quarter", r"(?<![^，,。；;：:\s])(?P<rel>第?[一二三四]季度|前[二三]季度)(?=[，,]|$)"),
    ("rel_cy", r"(?P<rel>同年|当年)(?P<tail>底|末|年底|年末)?"),
    ("bare_y", r"(?<![今去前明本上同当\d])(?P<tail>年底|年末|年初)"),
    ("vague", r"(?P<rel>近日|日前|近期|近来|本周|上周|这几天|日内|前不久|不久前)"),
]
# Every alternative starts with one of these characters; a leading class lets the regex
# engine skip the rest of the text at one test per character (find_dates is the hot loop).
_FIRST = "0-9一二三四五六七八九十〇零今去前明本上当同次翌近日这不年昨第"
_DATE_RE = re.compile(
    f"(?=[{_FIRST}])(?:"
    + "|".join(f"(?P<k{i}>{re.sub(r'[(][?]P<[a-z0-9]+>', '(?:', p)})" for i, (_, p) in enumerate(_PATTERNS))
    + ")"
)
# Group names repeat across alternatives, so each alternative is parsed again alone.
_ALONE = [re.compile(p) for _, p in _PATTERNS]


@dataclass(frozen=True)
class DateMention:
    """A date expression found in text, already resolved (date may be None)."""

    start: int
    end: int
    text: str
    date: EventDate | None
    vague: bool = False
    explicit_year: bool = False


def _num(text: str | None) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if len(text) == 4 and all(c in "〇零一二三四五六七八九" for c in text):
        return int("".join(str(chinese_to_int(c) or 0) for c in text))
    return chinese_to_int(text)


def _valid(year: int, month: int | None, day: int | None) -> EventDate | None:
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None:
        try:
            date(year, month or 1, day)
        except ValueError:
            return None
    return EventDate(year, month, day)


def infer_year(month: int, issue_date: date | None, context: EventDate | None = None) -> int | None:
    """Year for a month written without one: the context's, else the issue's (or the one before)."""
    if context is not None:
        # A narrative runs forward: "2021年11月24日 … 3月" is the March after.
        year = context.year + (1 if context.month is not None and month < context.month else 0)
        if issue_date is None or (year, month) <= (issue_date.year, issue_date.month):
            return year
    if issue_date is None:
        return None
    return issue_date.year - 1 if month > issue_date.month else issue_date.year


def _month_shift(issue_date: date, delta: int) -> EventDate:
    index = issue_date.year * 12 + issue_date.month - 1 + delta
    return EventDate(index // 12, index % 12 + 1)


def _resolve(kind: str, m: re.Match, issue_date: date | None, context: EventDate | None) -> EventDate | None:
    g = m.groupdict()
    tail = g.get("tail") or ""
    rel = g.get("rel")
    year_offset = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
    if kind in ("ymd", "ym", "y"):
        year = _num(g["y"])
        if year is None:
            return None
        month = _num(g.get("m")) if kind != "y" else (12 if tail in ("底", "末", "年底", "年末") else None)
        return _valid(year, month, _num(g.get("d")))
    if kind in ("rel_ym", "rel_md", "rel_y"):
        if issue_date is None:
            return None
        year = issue_date.year + year_offset[rel]
        month = _num(g.get("m"))
        if kind == "rel_y":
            month = 12 if tail in ("年底", "年末", "底", "末") else None
        return _valid(year, month, _num(g.get("d")))
    if kind == "period":  # 1至5月: a span of months, so the year alone
        end_month = _num(g.get("m2"))
        year = infer_year(end_month, issue_date, context) if end_month else None
        return EventDate(year) if year is not None else None
    if kind in ("md", "m"):
        month = _num(g["m"])
        if month is None:
            return None
        year = infer_year(month, issue_date, context)
        if year is None:
            return None
        return _valid(year, month, _num(g.get("d")))
    if kind == "d":  # "6日，…" under a dateline: a day of the running or the issue month
        day = _num(g.get("d"))
        if context is not None and context.month is not None:
            return _valid(context.year, context.month, day)
        if issue_date is None or day is None:
            return None
        shift = -1 if day > issue_date.day else 0
        month = _month_shift(issue_date, shift)
        return _valid(month.year, month.month, day)
    if kind == "rel_m":
        if rel in ("当月", "同月"):
            return EventDate(context.year, context.month) if context and context.month else None
        if issue_date is None:
            return None
        return _month_shift(issue_date, -1 if rel.startswith("上") else 0)
    if kind == "rel_day":  # 今天 / 昨天 / 前天: days before the issue
        if issue_date is None:
            return None
        when = issue_date - timedelta(days={"昨天": 1, "昨日": 1, "前天": 2}.get(rel, 0))
        return EventDate(when.year, when.month, when.day)
    if kind == "quarter":  # 一季度: a span of months, so the year alone (the running or issue year)
        year = context.year if context is not None else (issue_date.year if issue_date else None)
        return EventDate(year) if year is not None else None
    if kind == "rel_d":
        if context is None or context.day is None:
            return None  # 同日 after a year or a month only (a company's history) names no day
        if rel in ("次日", "翌日"):
            nxt = date(context.year, context.month, context.day) + timedelta(days=1)
            return EventDate(nxt.year, nxt.month, nxt.day)
        return context
    if kind == "rel_cy":
        if context is None:
            return None
        return EventDate(context.year, 12 if tail else None)
    if kind == "bare_y":
        base = context.year if context is not None else (issue_date.year if issue_date else None)
        if base is None:
            return None
        return EventDate(base, None if tail == "年初" else 12)
    if kind == "vague":
        return EventDate(issue_date.year, issue_date.month) if issue_date else None
    return None


# After a year, these start a time phrase or a verb, not a noun: "2024年以来", "2024年起".
_TIME_AFTER_YEAR = set("以起至到前后来内初底末上下中度全是将已要")


def _qualifies_noun(
    folded: str, start: int, end: int, year: EventDate | None, context: EventDate | None
) -> bool:
    """ "3月6日，高新区2015年一季度重点项目开工": a year inside a noun phrase (not opening a
    clause, not followed by a comma) names which projects, not when; the event keeps the
    running date of that year."""
    if year is None or context is None or context.month is None or context.year != year.year:
        return False
    nxt = folded[end : end + 1]
    if nxt in ("，", ",", "、", ""):
        return False
    opens_clause = start == 0 or folded[start - 1] in "，,；;。：:（(\n 　"
    # "7月2日，2024年南城区第三季度…": a noun follows, not a verb or a time word
    return not opens_clause or (nxt not in _TIME_AFTER_YEAR and "\u4e00" <= nxt <= "\u9fff")


def find_dates(
    text: str, issue_date: date | None = None, context: EventDate | None = None
) -> list[DateMention]:
    """Every date expression in `text`, resolved left to right with a running context.

    `context` is the last explicit date before `text` (e.g. earlier in the paragraph); each
    explicit date found becomes the context of the ones after it.
    """
    folded = fold(text)
    found: list[DateMention] = []
    for m in _DATE_RE.finditer(folded):
        index = int(m.lastgroup[1:])  # the alternatives are the only groups: k0, k1, …
        kind = _PATTERNS[index][0]
        alone = _ALONE[index].fullmatch(m.group())
        if alone is None:
            continue
        resolved = _resolve(kind, alone, issue_date, context)
        if kind == "y" and _qualifies_noun(folded, m.start(), m.end(), resolved, context):
            resolved = context
        vague = kind == "vague"
        explicit_year = kind in ("ymd", "ym", "y")
        found.append(
            DateMention(m.start(), m.end(), text[m.start() : m.end()], resolved, vague, explicit_year)
        )
        backref = kind in ("rel_d", "rel_cy") or m.group() in ("当月", "同月")
        if resolved is not None and not vague and not backref:
            context = resolved
    return found
