"""One article's text → zones, projects and batches, sentence by sentence.

The article is cut into sentences (at 。！？ and paragraph breaks). In each sentence:
1. every sum of money is found (`amounts`) and kept only when `cues.classify` says it is an
   investment;
2. an investment amount is a *batch* when a count of projects (10个项目, 签约项目16个,
   上述两个项目) sits in its clause or the clause before, or when a batch word (这些项目,
   签约投资额 with no project named) introduces it; else it belongs to a *project*: the
   name right after it ("15亿元的X项目"), else the nearest name before it, else a name
   after it in its clause, else the project "该项目" refers back to, else an unnamed one;
3. names without an amount become projects only when a realised stage verb (签约, 开工,
   投产 … not preceded by 将/计划/确保 … nor followed by 后) applies to them.
Mentions of one project are then merged: same or contained names, a shared 4-character
prefix (the company: 海创尚纬新能源…), or the same amount. Batches with the same total are
one batch. Each fact's date is the date of its event: a date in its sentence (before the
fact, else after it unless it is a plan: 预计2023年投产), else the nearest earlier date in
its paragraph, else the article's dateline (the first event date of its first paragraph;
近日/日前 → the issue month, used only when no explicit date is nearer). A project's date is
the date of its most advanced realised stage (signed < started < operating), else of its
amount. Without any date in the article: a year in its headline ("…2021年第二批重点项目清单"), else
the issue's month (a paper reports what is new), else None. A wire lead kept as the byline
("中新网合肥7月3日电") is the dateline before all of these.

Zones: the article's zones are those of its title first, then those of the body by
frequency. A fact's zone is the zone named nearest to it in its sentence, else none when the
sentence names a city, province or event, else the zone named last before it in its
paragraph, else the article's zone when the sentence refers to it (该区, 园区) or the article
names only one (see attribution.py); else none.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from . import attribution, cues
from .amounts import chinese_to_int, find_amounts
from .clean import is_section_head
from .dates import DateMention, find_dates
from .industries import classify_industry
from .names import NameSpan, coref_at, find_companies, find_jobs, find_names
from .textfold import fold
from .types import Amount, BatchFact, EventDate, ParsedArticle, ProjectFact, RawArticle, ZoneHit
from .wordlists import alternation, words
from .zones import Gazetteer, load_gazetteer

_SENTENCE_END = re.compile(r"[。！？!?]+[”」』）)]?|\n+")
# A sentence longer than this is cut in pieces at clause marks (see `_capped`): about three
# times the longest sentence of the real pages (341), so that no real sentence is cut, and
# short enough that a quote (its sentence) stays a quote, not a page.
MAX_SENTENCE = 1000
_CUT_MARKS = (("；", ";"), ("，", ","), ("、",))
_STAGE_VERBS = {stage: alternation(f"stages/{stage}") for stage in ("signed", "started", "operating")}
_VERB_RE = re.compile(
    # the guard lists the verbs' first characters: a cheap test at each position
    "(?=["
    + "".join(sorted({w[0] for stage in _STAGE_VERBS for w in words(f"stages/{stage}")}))
    + "])"
    + "|".join(f"(?P<{k}>{v})" for k, v in _STAGE_VERBS.items())
)
_STAGE_ORDER = {"other": 0, "signed": 1, "started": 2, "operating": 3}
_FUTURE_BEFORE = re.compile(rf"(?:{alternation('stages/future')})[^，,；;。]{{0,8}}$")
_FUTURE_DATE = re.compile(r"(?:预计|计划|将|将于|力争|争取|有望|拟|拟于|确保|预期|可望|到)$")
_COUNT = re.compile(
    r"(?P<n>\d+|[一二两三四五六七八九十百]+)(?P<unit>个|项|宗|批)(?:[^，,；;。、“”\"\d]{0,16}?)(?:项目|工程)"
    r"|项目(?:共|总数|数量)?(?:达|为|共计|合计|总计)?(?:近|约|超过|超|逾)?"
    r"(?P<n2>\d+|[一二两三四五六七八九十百]+)(?:个|项|宗)"
)
# "总投资290亿元的一批重大工程": a batch right after its total, its count unknown.
_BATCH_AFTER = re.compile(r"的?(?:一批|多个|若干|一系列|数十个|数个)")
# "甲、乙等7个项目": the names listed before a count are the batch's members.
_LIST_SEP = ("、", "和", "及", "以及", "与")
_MEMBERS_COUNT = re.compile(r"等(?:[\d一二两三四五六七八九十百]+(?:个|项|宗)|多个|一批|若干)")
# "上述两个项目总投资50亿元": a batch of the projects just listed.
_BACK_REFERENCE = re.compile(r"(?:上述|以上|这|这些)(?P<n>[\d一二两三四五六七八九十]*)(?:个|项)?项目")
_BATCH_WORDS = re.compile(
    r"这些项目|上述项目|上述[两二三四五六七八九十\d]+个项目|各项目|集中签约|签约投资额|签约总额|签约金额|协议总投资|"
    r"签约项目总投资|合计|共计|总计|累计签约|一批"
)
_BATCH_SUBJECT = re.compile(r"(?:本次|此次|这次|当天|现场|集中)签约(?:的)?项目(?!中)")
_RECENT_ENTITIES = 60
_PART_OF = re.compile(r"\s*(?:其中|另外|此外|同时)")
_CLAUSE_END = re.compile(r"[，,；;。！？!?]")
_VERB_GAP_AFTER = re.compile(r"[，,；;：]")
_VERB_GAP_BEFORE = re.compile(r"[，,；;：的]")
_NAME_CLAUSE_END = re.compile(r"[，,；;。]")
_BUILDS = re.compile(
    r"(?:，|,)?(?:用于|主要|计划|将)?(?:建设|新建|打造|扩建|建|投建|实施|布局|设立|兴建|上马)"
)


@dataclass
class _Sentence:
    start: int
    end: int
    para: int
    closed: bool = True  # ends with 。！？ — False for a headline or a caption line


@dataclass
class _Mention:
    sentence: _Sentence
    pos: int  # where the fact is anchored (amount or verb) in the article text
    name: str | None
    amount: Amount | None = None
    kind: str | None = None  # cues.RANK key
    stage: str | None = None
    stage_pos: int | None = None
    investor: str | None = None
    jobs: int | None = None
    zone: str | None = None


class _Verb(NamedTuple):
    """A realised stage verb of a sentence: where it is and the stage it reports."""

    pos: int
    stage: str  # signed | started | operating


@dataclass(frozen=True)
class _Found:
    """One investment amount of a sentence, as `cues.classify` read it."""

    start: int  # the amount's span in the article
    end: int
    amount: Amount
    kind: str  # cues.RANK key
    cue_start: int  # where its cue word starts (the amount's start when it has none)


@dataclass
class _BatchMention:
    """An amount read as a batch total: its sentence, span, count and member names."""

    sentence: _Sentence
    start: int
    end: int
    amount: Amount
    count: int | None  # None when the text gives no count ("一批项目")
    members: list[str] = field(default_factory=list)
    zone: str | None = None


@dataclass
class _Group:
    """What makes an amount a batch total: a count (or a batch word) and the names it lists."""

    count: int | None
    pos: int  # where the count or batch word is
    members: list[str] = field(default_factory=list)
    listed: bool = False  # the members follow the amount: "10亿元的甲、乙等3个项目"


@dataclass
class _Entity:
    """One project as mentioned across the article; distinct names and amounts kept as sets
    so that matching a new mention does not grow with the number of mentions."""

    mentions: list[_Mention] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    amounts: set[tuple] = field(default_factory=set)

    def add(self, mention: _Mention) -> None:
        self.mentions.append(mention)
        if mention.name and mention.name not in self.names:
            self.names.append(mention.name)
        if mention.amount is not None:
            self.amounts.add((mention.amount.value, mention.amount.currency))


def _sentences(text: str) -> list[_Sentence]:
    out, start, para = [], 0, 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end() if "\n" not in m.group() else m.start()
        if text[start:end].strip():
            out += _capped(text, start, end, para, "\n" not in m.group())
        if "\n" in m.group():
            para += 1
        start = m.end()
    if text[start:].strip():
        out += _capped(text, start, len(text), para, text.rstrip()[-1:] in "。！？!?”」』）)")
    return out


def _capped(text: str, start: int, end: int, para: int, closed: bool) -> list[_Sentence]:
    """A sentence, or the pieces of one longer than `MAX_SENTENCE` characters.

    The longest sentence of the real pages and of our corpus is 341 characters; a "sentence" of
    hundreds of kilobytes is a file whose full stops were lost (a comma-joined dump, a badly
    extracted PDF). Facts are read within a sentence, so such a file would cost the square of
    its length: it is cut after the last ；, else ，, else 、 in the second half of each
    `MAX_SENTENCE` characters (at `MAX_SENTENCE` when there is none). Each piece keeps the
    sentence's paragraph and whether it was closed."""
    pieces = []
    while end - start > MAX_SENTENCE:
        window_lo, window_hi = start + MAX_SENTENCE // 2, start + MAX_SENTENCE
        cut = window_hi
        for marks in _CUT_MARKS:
            found = max(text.rfind(mark, window_lo, window_hi) for mark in marks)
            if found >= 0:
                cut = found + 1
                break
        pieces.append(_Sentence(start, cut, para, closed))
        start = cut
    pieces.append(_Sentence(start, end, para, closed))
    return pieces


def _count_value(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else chinese_to_int(raw)


class _Dates:
    """Dates of the article, resolved paragraph by paragraph, and the dateline fallback.

    Only event dates are kept per paragraph (not vague ones, not plans like 预计2024年), so
    a lookup costs a bisect, not a scan: a 10 MB page with one article stays linear.
    """

    def __init__(
        self,
        text: str,
        sentences: list[_Sentence],
        issue_date: date | None,
        byline: str | None = None,
        title: str | None = None,
    ):
        self.folded = fold(text)
        self.dateline: EventDate | None = None
        self.dateline_pos = -1
        self.future: list[int] = []  # positions of dates after the issue: plans
        self.by_para: dict[int, list[DateMention]] = {}
        self.starts: dict[int, list[int]] = {}
        spans: dict[int, tuple[int, int]] = {}
        for s in sentences:
            lo, hi = spans.get(s.para, (s.start, s.end))
            spans[s.para] = (min(lo, s.start), max(hi, s.end))
        # The dateline is in the first paragraph of text; a section head ("【签约现场】") is none.
        heads = {p for p, (lo, hi) in spans.items() if is_section_head(text[lo:hi].strip())}
        first_para = min((p for p in spans if p not in heads), default=0)
        vague_fallback = None
        titles = _BookTitles(self.folded)
        now_markers: list[tuple[int, int]] = []  # (paragraph, index in kept) of 同日 without a day
        # No issue date: a page that writes a single year ("2023年火把节于8月10日至12日") is of
        # that year, so its month-days take it rather than no year at all.
        year = None if issue_date is not None else _only_year(self.folded, byline, title)
        for para, (lo, hi) in sorted(spans.items()):
            kept = []
            for d in find_dates(text[lo:hi], issue_date, year):
                d = DateMention(d.start + lo, d.end + lo, d.text, d.date, d.vague, d.explicit_year)
                if d.date is None and d.text in _SAME_DAY:
                    now_markers.append((para, len(kept)))  # "同日" after a history date: now
                    kept.append(d)
                    continue
                if d.date is None:
                    continue
                if _in_book_title(titles, lo, d.start):
                    continue  # 《2019年重点建设项目计划》 names a document, it dates no event
                if _HISTORY_BEFORE.search(self.folded, max(lo, d.start - 4), d.start) or _HISTORY_AFTER.match(
                    self.folded, d.end
                ):
                    continue  # "成立于2015年", "较去年增长": a company's history or a comparison
                later = _after_issue(d.date, issue_date)
                if later:
                    self.future.append(d.start)
                plan = not d.vague and (_is_plan(self.folded, lo, d) or later)
                if para == first_para and self.dateline is None and not plan:
                    self.dateline, self.dateline_pos = d.date, d.start
                if d.vague:
                    vague_fallback = vague_fallback or d.date
                elif not plan:
                    kept.append(d)
            self.by_para[para] = kept
            self.starts[para] = [d.start for d in kept]
        # No date at all: the paper reports what is new, so the issue's month.
        self.issue_month = EventDate(issue_date.year, issue_date.month) if issue_date else None
        # A wire lead "中新网合肥7月3日电（记者 王某）" dates the story, even when the split
        # made it the byline; it is the reference for 当天 and for facts with no date nearer.
        lead = _lead_date(byline, issue_date, year)
        self.dateline = lead or self.dateline or vague_fallback
        if self.dateline is None and title and _HAS_YEAR.search(title):
            # "济南高新区2021年第二批重点项目清单": a headline's year dates a list with no other date
            self.dateline = next((d.date for d in find_dates(title, issue_date) if d.explicit_year), None)
        self.dateline = self.dateline or self.issue_month
        for para, index in now_markers:
            d = self.by_para[para][index]
            self.by_para[para][index] = DateMention(d.start, d.end, d.text, self.dateline, d.vague)
        for para, kept in self.by_para.items():
            if any(d.date is None for d in kept):  # no dateline either: the marker dates nothing
                self.by_para[para] = [d for d in kept if d.date is not None]
                self.starts[para] = [d.start for d in self.by_para[para]]

    def planned(self, sentence: _Sentence, pos: int) -> bool:
        """Is a date after the issue in the clause before `pos` ("2025年全部建成投产")?"""
        lo = cues.clause_start(self.folded, pos, sentence.start)
        i = bisect_left(self.future, lo)
        return i < len(self.future) and self.future[i] < pos

    def at(self, sentence: _Sentence, pos: int) -> EventDate | None:
        """Date of an event anchored at `pos`: same sentence, paragraph, then dateline."""
        kept = self.by_para.get(sentence.para, [])
        starts = self.starts.get(sentence.para, [])
        i = bisect_left(starts, pos)
        clause = cues.clause_start(self.folded, pos, sentence.start)
        if _NOW.search(self.folded, clause, pos) and (i == 0 or kept[i - 1].start < clause):
            # "二期于2021年投产，此次三期总投资…": now, not the history before
            if sentence.start <= self.dateline_pos < clause:
                return self.issue_month
            return self.dateline
        if i > 0 and kept[i - 1].start >= sentence.start:
            return kept[i - 1].date  # before the fact, in its sentence
        if i < len(kept) and kept[i].start < sentence.end:
            return kept[i].date  # after the fact, in its sentence
        j = bisect_left(starts, sentence.start)
        if j > 0:
            return kept[j - 1].date  # an earlier sentence of the paragraph
        return self.dateline


_SAME_DAY = ("同日", "当天", "当日", "同一天")
# Between a company and its investment cue: "X拟投资", "X计划总投资".
_SUBJECT_GAP = ("", "拟", "将", "计划", "再", "共", "已", "预计")
# A date in a company's history or a comparison dates no event of the article.
_HISTORY_BEFORE = re.compile(
    r"(?:成立于|创立于|创办于|始建于|组建于|注册于|创建于|成立|较|比|同比|相比|相较于?|比上年)$"
)
_HISTORY_AFTER = re.compile(r"(?:同期|成立|创立|创办|始建|组建|注册成立)")
# Words that put a fact's clause in the present: "此次三期总投资…".
_NOW = re.compile(r"此次|本次|这次|目前|如今|现阶段")


_WIRE_LEAD = re.compile(r"电|讯")


_HAS_YEAR = re.compile(r"年")


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年")


def _only_year(folded: str, byline: str | None, title: str | None) -> EventDate | None:
    """The one year an article writes (body, headline, byline), or None when it writes none or
    several (used only without an issue date). A company's history ("成立于2015年") or a plan
    ("预计2025年") is no year of the page's events: it does not count."""
    parts = (folded, byline or "", title or "")
    years = set()
    for part in parts:
        for m in _YEAR.finditer(part):
            before = part[max(0, m.start() - 4) : m.start()]
            if _HISTORY_BEFORE.search(before) or _FUTURE_DATE.search(before):
                continue
            years.add(m.group(1))
            if len(years) > 1:
                return None
    return EventDate(int(years.pop())) if years else None


def _lead_date(
    byline: str | None, issue_date: date | None, year: EventDate | None = None
) -> EventDate | None:
    """The date of a news lead kept as the byline ("新华社北京7月3日电"), if it has one."""
    if not byline or "月" not in byline or not _WIRE_LEAD.search(byline):
        return None
    for d in find_dates(byline, issue_date, year):
        if d.date is not None and not d.vague and d.date.month is not None:
            return d.date
    return None


def _is_plan(folded: str, lo: int, d: DateMention) -> bool:
    """Is the date a plan (预计2023年投产, 力争年底前建成) rather than an event?"""
    if _FUTURE_DATE.search(folded, max(lo, d.start - 4), d.start):
        return True
    return folded[d.end : d.end + 2] in ("前", "以前", "之前") or folded[d.end : d.end + 1] == "前"


def _after_issue(when: EventDate, issue_date: date | None) -> bool:
    """A date after the issue ("2025年全部建成投产" in a 2023 paper) is a plan, not an event."""
    if issue_date is None:
        return False
    return (when.year, when.month or 0) > (issue_date.year, issue_date.month)


class _BookTitles:
    """Where the article's 《 and 》 are, so that asking whether a date is inside a title is two
    bisects rather than a scan back to its paragraph's start (a paragraph can be megabytes)."""

    def __init__(self, folded: str):
        self.opens = [m.start() for m in re.finditer("《", folded)]
        self.closes = [m.start() for m in re.finditer("》", folded)]


def _in_book_title(titles: _BookTitles, lo: int, pos: int) -> bool:
    """Is `pos` inside 《…》 (a document's title), within its paragraph (from `lo`)?"""
    i = bisect_left(titles.opens, pos) - 1  # the last 《 before pos
    if i < 0 or titles.opens[i] < lo:
        return False
    j = bisect_left(titles.closes, titles.opens[i])  # a 》 after it, before pos?
    return not (j < len(titles.closes) and titles.closes[j] < pos)


def _stages(folded: str, s: _Sentence) -> list[_Verb]:
    """Realised stage verbs in a sentence as (position, stage); plans and "投产后" are not."""
    found = []
    for m in _VERB_RE.finditer(folded, s.start, s.end):
        if _FUTURE_BEFORE.search(folded, max(s.start, m.start() - 12), m.start()):
            continue
        nxt = folded[m.end() : m.end() + 2]
        if nxt[:1] in ("后", "前", "时") or nxt in ("以后", "之后"):
            continue
        found.append(_Verb(m.start(), m.lastgroup))
    return found


def _item_bounds(folded: str, s: _Sentence, start: int, end: int) -> tuple[int, int]:
    """The ；-separated item of a sentence around folded[start:end]: parallel items of a list
    ("A项目签约，总投资X；B项目于6月开工") each carry their own stage verb."""
    lo = folded.rfind("；", s.start, start) + 1 or s.start
    hi = folded.find("；", end, s.end)
    return lo, (hi if hi >= 0 else s.end)


def _nearest_stage(stages: list[_Verb], pos: int, lo: int, hi: int) -> _Verb | None:
    """The stage verb after `pos` in [lo, hi), else the nearest one before it. `stages` is in
    text order: a bisect, not a scan, so that a sentence of many amounts stays linear."""
    i = bisect_left(stages, pos, key=_position)
    if i < len(stages) and stages[i].pos < hi:
        return stages[i]
    if i > 0 and stages[i - 1].pos >= lo:
        return stages[i - 1]
    return None


def _position(item: tuple) -> int:
    """Where a verb, a (position, company) pair … is: the key its sorted lists are bisected by."""
    return item[0]


def _start(span: NameSpan | ZoneHit) -> int:
    return span.start


class _Extractor:
    def __init__(self, article: RawArticle, gazetteer: Gazetteer, issue_date: date | None):
        self.article = article
        self.text = article.text
        self.folded = fold(self.text)
        self.gazetteer = gazetteer
        self.sentences = _sentences(self.text)
        self.dates = _Dates(self.text, self.sentences, issue_date, article.byline, article.title)
        self.zones = self._article_zones()
        self.entities: list[_Entity] = []
        self.batches: list[_BatchMention] = []
        self.last_entity: _Entity | None = None
        self._zone_cache: dict[int, list[ZoneHit]] = {}  # sentence start → its zones, on demand
        self._scope_cache: dict[int, attribution.Scopes] = {}  # sentence start → its scope words
        self._index = {sentence.start: k for k, sentence in enumerate(self.sentences)}
        self._verb_cache: dict[int, list[_Verb]] = {}
        self._event_stage: str | None = None
        # Amounts a full sentence says are no investment ("年度计划投资约1656亿元"): the same
        # figure in a headline ("…计划投资1656亿元") is not one either.
        self.rejected: set[tuple] = set()
        self._jobs_cache: tuple[int, int | None] = (-1, None)
        self.companies: dict[int, list[tuple[int, str]]] = {}  # paragraph → (pos, name), on demand
        self._quotes: dict[tuple[int, int], str] = {}

    # --- zones -------------------------------------------------------------------
    def _article_zones(self) -> list[str]:
        head = " ".join(x for x in (self.article.title, self.article.subtitle) if x)
        order: list[str] = [h.name for h in self.gazetteer.find_zones(head)] if head else []
        counts: dict[str, int] = {}
        first: dict[str, int] = {}
        for i, hit in enumerate(self.gazetteer.find_zones(self.text)):
            counts[hit.name] = counts.get(hit.name, 0) + 1
            first.setdefault(hit.name, i)
        body = sorted(counts, key=lambda n: (-counts[n], first[n]))
        for name in body:
            if name not in order:
                order.append(name)
        return order

    def _zone_near(self, s: _Sentence, pos: int, project: bool = True) -> str | None:
        """The zone a fact at `pos` belongs to, or None (see attribution's module doc)."""
        hits = self._sentence_hits(s)
        folded = self.folded
        if hits:
            # "其中，A区签约项目12个，总投资98亿元；B区…": the zone before the figure in its item
            item = folded.rfind("；", s.start, pos) + 1 or s.start
            # hits are in text order without overlaps: bisects, not scans
            lo = bisect_left(hits, item - s.start, key=_start)
            hi = bisect_left(hits, pos - s.start, key=_start)
            if lo < hi:
                return _head_of_run(folded, hits, s.start, lo, hi).name
            at = pos - s.start  # else the nearest, the earlier one on a tie
            if hi == 0 or (hi < len(hits) and hits[hi].start - at < at - hits[hi - 1].start):
                return hits[hi].name
            return hits[hi - 1].name
        scopes = self._scopes(s)
        if self.zones and scopes.refers_to_zone:
            return self.zones[0]
        if _PART_OF.match(folded, s.start):
            last = self._zone_before(s)
            if last is not None:
                return last  # "其中，…": a part of what the sentence before reported
        after = self._zone_after(s) if project and not scopes.names_scope_word else None
        if after is not None:
            return after  # "…基地在南昌开工建设。这使小蓝经济开发区…" (a project's, not a city's tally)
        close = _CLAUSE_END.search(folded, pos, s.end)
        if scopes.names_other_scope(close.start() if close else s.end):
            return None
        earlier = self._earlier_in_paragraph(s)
        if earlier is not None:
            return earlier
        if self._paragraph_names_event(s):
            return None  # "…推介会在楚雄市召开。会上现场签约项目42个…": the event's figure
        if len(self.zones) == 1 or (self.zones and scopes.names_zone_word):
            return self.zones[0]
        return None

    def _earlier_in_paragraph(self, s: _Sentence) -> str | None:
        """The zone named last in the sentences before `s` in its paragraph (at most five back:
        a zone named further up is no longer the one the text is about)."""
        k = self._index[s.start]
        for prev in reversed(self.sentences[max(0, k - 5) : k]):
            if prev.para != s.para:
                return None
            hits = self._sentence_hits(prev)
            if hits:
                return _head_of_run(self.folded, hits, prev.start).name
        return None

    def _company_before(self, s: _Sentence, cue_start: int) -> str | None:
        """A company whose name ends right before an amount's cue, opening its clause
        ("安耐吉环保科技总投资10.2亿元", "X公司拟投资…"): the subject that invests."""
        clause = cues.clause_start(self.folded, cue_start, s.start)
        companies = self._companies(s.para)
        i = bisect_left(companies, clause, key=_position)
        while i < len(companies) and companies[i][0] == clause:
            pos, company = companies[i]
            end = pos + len(company)
            if end <= cue_start and self.folded[end:cue_start] in _SUBJECT_GAP:
                return company
            i += 1
        return None

    def _zone_after(self, s: _Sentence) -> str | None:
        """The zone the next sentence of the paragraph names when it goes on about this one."""
        k = self._index[s.start] + 1
        if k >= len(self.sentences) or self.sentences[k].para != s.para:
            return None
        nxt = self.sentences[k]
        if not attribution.refers_back(self.folded, nxt.start):
            return None
        hits = self._sentence_hits(nxt)
        return hits[0].name if hits else None

    def _paragraph_names_event(self, s: _Sentence) -> bool:
        """Do the sentences before `s` in its paragraph (at most five back, none naming a
        zone) name an event (推介会, 博览会 …)? Then a figure with no zone of its own is its."""
        k = self._index[s.start]
        for prev in reversed(self.sentences[max(0, k - 5) : k]):
            if prev.para != s.para:
                return False
            if self._scopes(prev).names_event:
                return True
        return False

    # --- sentences -------------------------------------------------------------
    def run(self) -> None:
        for s in self.sentences:
            self._sentence(s)

    def _verbs(self, s: _Sentence) -> list[_Verb]:
        """Realised stage verbs of a sentence, not planned ones; found once per sentence."""
        verbs = self._verb_cache.get(s.start)
        if verbs is None:
            verbs = [v for v in _stages(self.folded, s) if not self.dates.planned(s, v.pos)]
            self._verb_cache[s.start] = verbs
        return verbs

    def _zone_before(self, s: _Sentence) -> str | None:
        """The last zone named in the (at most three) sentences before `s` (for "其中，…")."""
        k = self._index[s.start]
        for prev in reversed(self.sentences[max(0, k - 3) : k]):
            hits = self._sentence_hits(prev)
            if hits:
                return hits[-1].name
        return None

    def _scopes(self, s: _Sentence) -> attribution.Scopes:
        """The scope words, places and events of a sentence, read once for all its figures."""
        scopes = self._scope_cache.get(s.start)
        if scopes is None:
            scopes = attribution.Scopes(self.gazetteer, self.folded, s.start, s.end)
            self._scope_cache[s.start] = scopes
        return scopes

    def _sentence_hits(self, s: _Sentence) -> list[ZoneHit]:
        """Zones of a sentence (offsets in the sentence), found once per sentence, on demand."""
        hits = self._zone_cache.get(s.start)
        if hits is None:
            hits = self._zone_cache[s.start] = self.gazetteer.find_zones(self.text[s.start : s.end])
        return hits

    def _sentence(self, s: _Sentence) -> None:
        folded, text = self.folded, self.text
        names = find_names(folded, text, s.start, s.end)
        if any(n.name[-1:] in "园区" for n in names):  # a zone is no project: "发现云梦县盐化工产业园"
            zones = self._sentence_hits(s)
            names = [n for n in names if not _inside(zones, n.start - s.start, n.end - s.start)]
        # The lookups per amount bisect the names by position: find_names gives them in text
        # order, except that a description's name may start before the name ahead of it.
        ordered = names if all(a.start <= b.start for a, b in pairwise(names)) else sorted(names, key=_start)
        stages = self._verbs(s)
        used: set[int] = set()
        amounts: list[_Found] = []
        vetoed = cues.sentence_vetoed(folded, s.start, s.end)
        for start, end, amount in () if vetoed else find_amounts(text, s.start, s.end, folded=folded):
            kind, cue_start = cues.classify(folded, start, end, s.start)
            if kind is not None:
                amounts.append(_Found(start, end, amount, kind, cue_start))
            elif s.closed:
                self.rejected.add((amount.value, amount.currency))
        if any(a.kind != "capital" for a in amounts) or not (
            names or stages or cues.new_company(folded, s.start, s.end)
        ):
            # 注册资本 only when nothing better, and only beside a project or an event (落户):
            # in a sentence of its own it describes the company, not an investment
            amounts = [a for a in amounts if a.kind != "capital"]
        for i, found in enumerate(amounts):
            start, end, kind, cue_start = found.start, found.end, found.kind, found.cue_start
            amount = found.amount
            amount = self._with_cue(amount, cue_start, start, end)
            prev_end = amounts[i - 1].end if i > 0 else s.start
            group = None if kind == "sub" else self._batch_group(s, ordered, start, end, cue_start, prev_end)
            name = self._name_for(ordered, amounts, i, start, end, cue_start, s, used)
            attached = (
                name is not None
                and not name.counted
                and (
                    folded[name.end : cue_start] in ("", "（", "(")
                    or folded[end : name.start] in ("的", "元的")
                )
            )  # "A项目（总投资10亿元）", "总投资10亿元的A项目": that project's, whatever the count
            if group is not None and (
                group.listed
                or (not attached and (name is None or name.counted or name.start < group.pos))
                or (name is not None and name.name in group.members)
            ):
                zone = self._zone_near(s, start, project=False)
                self.batches.append(_BatchMention(s, start, end, amount, group.count, group.members, zone))
                if name is not None and not group.members:
                    used.add(name.start)
                continue
            if name is not None:
                used.add(name.start)
            lo_item, hi_item = _item_bounds(folded, s, start, end)
            clause = cues.clause_start(folded, cue_start, s.start)
            if _NOW.search(folded, clause, start):
                lo_item = max(lo_item, clause)  # "二期于2021年投产，此次三期总投资…": not that verb
            verb = _nearest_stage(stages, end, lo_item, hi_item)
            mention = _Mention(
                sentence=s,
                pos=cue_start,
                name=name.name if name and not name.counted else None,  # "2大项目" names a group
                amount=amount,
                kind=kind,
                stage=verb[1] if verb else None,
                stage_pos=verb[0] if verb else None,
                investor=(name.investor if name else None),
                jobs=self._jobs(s),
                zone=self._zone_near(s, start),
            )
            coref = name is None and (
                coref_at(folded, s.start, start) is not None
                or (kind == "sub" and self._recent(s))  # "总投资20亿元，一期投资8亿元"
            )
            if name is None and not coref:
                company = self._company_before(s, cue_start)
                if company is not None:  # "安耐吉环保科技总投资10.2亿元": the company's project
                    mention.name, mention.investor = company + _project_word(company), company
            self._add(mention, coref=coref)
        for name in names:
            if name.start in used or name.counted:
                continue
            verb = self._verb_of(stages, name, s)
            if verb is None:
                self._remember(name, s)
                continue
            mention = _Mention(
                sentence=s,
                pos=verb[0],
                name=name.name,
                stage=verb[1],
                stage_pos=verb[0],
                investor=name.investor,
                jobs=self._jobs(s),
                zone=self._zone_near(s, name.start),
            )
            self._add(mention)
        if not amounts and not any(n.start not in used and not n.counted for n in names):
            pos = coref_at(folded, s.start, s.end)
            if pos is not None and self.last_entity is not None:
                verb = _nearest_stage(stages, pos, s.start, s.end)
                if verb is not None:
                    mention = _Mention(
                        sentence=s,
                        pos=verb[0],
                        name=None,
                        stage=verb[1],
                        stage_pos=verb[0],
                        jobs=self._jobs(s),
                        zone=self._zone_near(s, pos),
                    )
                    self.last_entity.add(mention)

    def _jobs(self, s: _Sentence) -> int | None:
        """Jobs named in the sentence (found once per sentence, however many facts it holds)."""
        if self._jobs_cache[0] != s.start:
            self._jobs_cache = (s.start, find_jobs(self.folded, s.start, s.end))
        return self._jobs_cache[1]

    def _verb_of(self, stages: list[_Verb], name: NameSpan, s: _Sentence) -> _Verb | None:
        """The stage verb that governs a name: just after it in its clause (X项目于3月签约),
        or just before it (签约X项目, 开工建设X项目)."""
        folded = self.folded
        i = bisect_left(stages, name.end, key=_position)  # only the verbs near the name
        while i < len(stages) and stages[i].pos <= name.end + 16:
            pos, stage = stages[i]
            if not _VERB_GAP_AFTER.search(folded, name.end, pos):
                return pos, stage
            i += 1
        j = bisect_left(stages, name.start, key=_position)
        for pos, stage in reversed(stages[bisect_left(stages, name.start - 8, key=_position) : j]):
            if not _VERB_GAP_BEFORE.search(folded, pos, name.start):
                return pos, stage
        return None

    def _with_cue(self, amount: Amount, cue_start: int, start: int, end: int) -> Amount:
        """The amount's text widened to its cue: "总投资约122亿元"."""
        if cue_start < start and start - cue_start <= 12:
            text = self.text[cue_start:end]
            return Amount(amount.value, amount.currency, amount.approximate, text, amount.value_max)
        return amount

    def _batch_group(
        self, s: _Sentence, names: list[NameSpan], start: int, end: int, cue_start: int, prev_end: int
    ) -> _Group | None:
        """What makes the amount at folded[start:end] a batch total, if anything.

        A count of projects anywhere before it in its sentence (back to the previous amount
        or ；: "此次集中签约重大项目共40个，涉及…，总投资302亿元") or in its own clause after
        it; a batch word (这些项目, 集中签约, 一批 …) in its clause; names listed with a count
        right after it ("559.8亿元的甲、乙等14项重点项目"). 其中 between the count and the
        amount hands the amount to one of the counted projects, and "1个项目" is a project.
        """
        folded = self.folded
        clause = cues.clause_start(folded, cue_start, s.start)
        if "其中" in folded[clause:start]:
            return None
        listed = self._listed_after(names, end, s.end)
        if listed is not None:
            return listed
        group_start = folded.rfind("；", s.start, cue_start) + 1 or s.start
        lo = max(group_start, prev_end)
        nxt = _CLAUSE_END.search(folded, end, s.end)
        hi = nxt.start() if nxt else s.end
        best = None
        for m in _COUNT.finditer(folded, lo, hi):
            if m.start() < start and ("其中" in folded[m.end() : start] or "分别" in folded[m.end() : start]):
                continue  # "其中A项目…", "两个项目总投资分别为9亿元和6.5亿元": each its own
            if best is None or abs(m.start() - start) < abs(best.start() - start):
                best = m
        if best is not None:
            n = _count_value(best.group("n") or best.group("n2"))
            if best.group("unit") == "批":
                n = None  # "一批项目": a batch whose size is not given
            if n == 1:
                return None
            back = _BACK_REFERENCE.search(folded, max(lo, best.start() - 2), best.end())
            members = self._earlier_names(back, s) if back else self._members(names, best.start(), n)
            return _Group(n, best.start(), members)
        if _BATCH_AFTER.match(folded, end) and folded.startswith("的", end):
            return _Group(None, end)
        words = _BATCH_WORDS.search(folded, clause, start) or _BATCH_SUBJECT.search(folded, s.start, start)
        if words:
            back = _BACK_REFERENCE.search(folded, clause, start)
            members = self._earlier_names(back, s) if back else []
            return _Group(None, words.start(), members)
        back = _BACK_REFERENCE.search(folded, clause, start)
        if back is not None:
            n = _count_value(back.group("n")) if back.group("n") else None
            if n != 1:
                return _Group(n, back.start(), self._earlier_names(back, s))
        return None

    def _listed_after(self, names: list[NameSpan], end: int, hi: int) -> _Group | None:
        """ "10亿元的甲、乙等3个项目": names listed right after the amount, closed by a count."""
        folded = self.folded
        chain: list[NameSpan] = []
        pos = end
        for k in range(bisect_left(names, end, key=_start), len(names)):  # the names after it
            n = names[k]
            if n.start < pos:
                continue
            gap = folded[pos : n.start]
            if not (gap in ("的", "", "元的") if not chain else gap in _LIST_SEP):
                break
            chain.append(n)
            pos = n.end
        if not chain:
            return None
        m = _MEMBERS_COUNT.match(folded, pos, hi)
        if m is None:
            return None
        count = _COUNT.match(folded, m.start() + 1)
        n = _count_value(count.group("n")) if count and count.group("n") else None
        return _Group(n, m.start(), [c.name for c in chain], listed=True)

    def _members(self, names: list[NameSpan], count_pos: int, count: int | None) -> list[str]:
        """Names listed right before "等N个项目" at `count_pos`, in order."""
        folded = self.folded
        if not folded.startswith("等", count_pos - 1):
            return []
        out: list[NameSpan] = []
        pos = count_pos - 1
        for k in range(bisect_left(names, pos, key=_start) - 1, -1, -1):  # the names before it
            n = names[k]
            if n.end > pos:
                continue
            gap = folded[n.end : pos]
            if gap not in (("",) if not out else _LIST_SEP):
                break
            out.append(n)
            pos = n.start
        return [n.name for n in reversed(out)]

    def _earlier_names(self, back: re.Match, s: _Sentence) -> list[str]:
        """ "上述两个项目": the names of the last projects mentioned before the sentence (among
        the recent ones only, like `_find`: a paragraph of thousands of projects, each followed
        by "上述项目…", stays linear)."""
        raw = back.group("n")
        n = _count_value(raw) if raw else None
        names: list[str] = []
        for entity in reversed(self.entities[-_RECENT_ENTITIES:]):
            first = entity.mentions[0]
            if first.sentence.start >= s.start or not entity.names:
                continue
            if n is None and first.sentence.para != s.para and names:
                break
            names.append(entity.names[0])
            if n is not None and len(names) == n:
                break
        return list(reversed(names))

    def _name_for(
        self,
        names: list[NameSpan],
        amounts: list[_Found],
        i: int,
        start: int,
        end: int,
        cue_start: int,
        s: _Sentence,
        used: set[int],
    ) -> NameSpan | None:
        """The project an amount belongs to, among the names of its sentence (see module doc)."""
        folded = self.folded
        # `names` is in text order: each lookup bisects to the amount and looks only at the
        # names of its clause (after it) or back to the amount before it, so that a sentence
        # of many amounts stays linear.
        k = bisect_left(names, end, key=_start)
        # "总投资15亿元的X项目": the name right after the amount.
        j = k
        while j < len(names) and names[j].start <= end + 3:
            n = names[j]
            if n.start not in used and folded[end : n.start] in ("的", "", "的一个", "元的"):
                return n
            j += 1
        nxt = _NAME_CLAUSE_END.search(folded, end, s.end)
        hi = nxt.start() if nxt else s.end
        after = None  # the first free name after the amount in its clause
        while k < len(names) and names[k].start < hi:
            if names[k].start not in used:
                after = names[k]
                break
            k += 1
        next_amount = amounts[i + 1].start if i + 1 < len(amounts) else s.end
        if after and _BUILDS.match(folded, end) and after.start < next_amount:
            return after  # "投资60亿元建设X生产线"
        prev_amount_end = amounts[i - 1].end if i > 0 else s.start
        group = folded.rfind("；", s.start, cue_start) + 1 or s.start
        lo = max(prev_amount_end, group)
        j = bisect_left(names, cue_start, key=_start) - 1
        while j >= 0 and names[j].start >= lo:  # the last free name before the amount
            n = names[j]
            if n.start not in used and n.end <= start:
                return n
            j -= 1
        if after and after.start < next_amount:
            return after
        return None

    def _recent(self, s: _Sentence) -> bool:
        """Was the last entity mentioned in this paragraph?"""
        return self.last_entity is not None and self.last_entity.mentions[-1].sentence.para == s.para

    def _remember(self, name: NameSpan, s: _Sentence) -> None:
        """A name with no fact yet: a later "该项目" may refer to it."""
        if name.counted:
            return
        entity = self._find(name.name, None)
        if entity is None:
            entity = _Entity()
            self.entities.append(entity)
        entity.add(_Mention(sentence=s, pos=name.start, name=name.name, investor=name.investor))
        if re.search(r"项目$", name.name) or self.last_entity is None:
            self.last_entity = entity  # "该项目" refers to a 项目, not to a 生产线 it contains

    def _add(self, mention: _Mention, coref: bool = False) -> None:
        entity = None
        if coref and self.last_entity is not None:
            entity = self.last_entity
        if entity is None:
            entity = self._find(mention.name, mention.amount)
        if entity is None:
            entity = _Entity()
            self.entities.append(entity)
        entity.add(mention)
        self.last_entity = entity

    def _find(self, name: str | None, amount: Amount | None) -> _Entity | None:
        """An entity this mention belongs to; only recent ones, so long pages stay linear."""
        for entity in self.entities[-_RECENT_ENTITIES:]:
            amounts = entity.amounts
            if amount is not None and (amount.value, amount.currency) in amounts:
                if name is None or not entity.names or any(_same_name(name, n) for n in entity.names):
                    return entity
            if name is None:
                continue
            if any(_same_name(name, n) for n in entity.names):
                if amount is None or not amounts or (amount.value, amount.currency) in amounts:
                    return entity
        return None

    # --- facts -------------------------------------------------------------------
    def projects(self) -> list[ProjectFact]:
        out = []
        for entity in self.entities:
            fact = self._project(entity)
            if fact is not None:
                out.append(fact)
        return out

    def _project(self, entity: _Entity) -> ProjectFact | None:
        with_amount = [
            m
            for m in entity.mentions
            if m.amount is not None
            and (m.sentence.closed or (m.amount.value, m.amount.currency) not in self.rejected)
        ]  # a headline figure the body says is no investment is none either
        with_stage = [m for m in entity.mentions if m.stage is not None]
        if not with_amount and not with_stage:
            return None
        best = max(with_amount, key=lambda m: cues.RANK[m.kind or "loose"], default=None)
        if best is not None and best.kind in ("sub", "capital"):
            better = [m for m in with_amount if cues.RANK[m.kind] > cues.RANK[best.kind]]
            best = better[0] if better else best
        staged = max(with_stage, key=lambda m: (_STAGE_ORDER[m.stage], m.sentence.start), default=None)
        anchor = staged or best
        stage = staged.stage if staged else self._article_stage()
        event_pos = anchor.stage_pos if anchor.stage_pos is not None else anchor.pos
        event_date = self.dates.at(anchor.sentence, event_pos)
        names = entity.names
        name = max(names, key=len) if names else None
        if names:
            named = [m for m in entity.mentions if m.name]
            name = named[0].name
        investor = next((m.investor for m in entity.mentions if m.investor), None) or self._investor(entity)
        zone = next((m.zone for m in ([best] if best else []) + entity.mentions if m.zone), None)
        jobs = next((m.jobs for m in entity.mentions if m.jobs), None)
        quote_sentences = sorted({(m.sentence.start, m.sentence.end) for m in (best, staged) if m})
        q_start, q_end = quote_sentences[0][0], quote_sentences[-1][1]
        if q_end - q_start > 400:
            q_start, q_end = (best or staged).sentence.start, (best or staged).sentence.end
        quote = self._quote(q_start, q_end)
        return ProjectFact(
            name=name,
            zone=zone,
            investor=investor,
            amount=best.amount if best else None,
            stage=stage,
            date=event_date,
            quote=quote.strip(),
            quote_start=q_start + (len(quote) - len(quote.lstrip())),
            quote_end=q_end - (len(quote) - len(quote.rstrip())),
            jobs=jobs,
            industry=classify_industry(" ".join(names) or quote),
        )

    def _quote(self, start: int, end: int) -> str:
        """The text of a quote, one string per span: the facts of a sentence share it (a
        19 MB upload has ~45,000 facts, most of them quoting a piece shared with others)."""
        quote = self._quotes.get((start, end))
        if quote is None:
            quote = self._quotes[start, end] = self.text[start:end]
        return quote

    def _article_stage(self) -> str:
        """The event an article reports, when its headline and lead name one kind only: the
        projects of a 集中开工 report were started, of a 投产 report put in operation, even
        where their own sentence has no verb ("其中，总投资10亿元的X项目，建成后…")."""
        if self._event_stage is None:
            head = fold(self.article.title or "")
            found = {m.lastgroup for m in _VERB_RE.finditer(head)}
            for sentence in self.sentences[:2]:
                found.update(v.stage for v in self._verbs(sentence))
            self._event_stage = found.pop() if len(found) == 1 else "other"
        return self._event_stage

    def _companies(self, para: int) -> list[tuple[int, str]]:
        """Companies of a paragraph, sentence by sentence; found only for paragraphs with a project."""
        if not self.companies:  # one pass groups the sentences by paragraph (linear)
            self._by_para: dict[int, list[_Sentence]] = {}
            for s in self.sentences:
                self._by_para.setdefault(s.para, []).append(s)
        if para not in self.companies:
            found = [
                hit
                for s in self._by_para.get(para, [])
                for hit in find_companies(self.folded, self.text, s.start, s.end)
            ]
            found.sort(key=_position)  # already in order (stable): lookups bisect it
            self.companies[para] = found
        return self.companies[para]

    def _investor(self, entity: _Entity) -> str | None:
        """A company in the project's first sentence, else the last one earlier in its paragraph."""
        first = min(entity.mentions, key=lambda m: m.sentence.start)
        companies = self._companies(first.sentence.para)
        i = bisect_left(companies, first.sentence.start, key=_position)  # a bisect, not a scan
        if i < len(companies) and companies[i][0] < first.sentence.end:
            return companies[i][1]
        return companies[i - 1][1] if i > 0 else None

    def batch_facts(self) -> list[BatchFact]:
        """One batch per total: the mention in a full sentence describes it (a headline that
        repeats the total — "…开工 总投资约648亿元" — gives no zone or day); others fill gaps."""
        groups: dict[tuple, list[_BatchMention]] = {}
        for batch in self.batches:
            key = (batch.amount.value, batch.amount.currency)
            if key in self.rejected and not batch.sentence.closed:
                continue  # a headline figure the body says is no investment
            groups.setdefault(key, []).append(batch)
        out: list[BatchFact] = []
        for mentions in groups.values():
            main = next((b for b in mentions if b.sentence.closed), mentions[0])
            s, start = main.sentence, main.start
            quote = self._quote(s.start, s.end)
            lead = len(quote) - len(quote.lstrip())
            verb = _nearest_stage(self._verbs(s), start, s.start, s.end)
            out.append(
                BatchFact(
                    zone=main.zone or next((b.zone for b in mentions if b.zone), None),
                    count=main.count
                    if main.count is not None
                    else next((b.count for b in mentions if b.count), None),
                    amount=main.amount,
                    date=self.dates.at(s, start),
                    quote=quote.strip(),
                    quote_start=s.start + lead,
                    quote_end=s.start + lead + len(quote.strip()),
                    members=list(next((b.members for b in mentions if b.members), [])),
                    stage=verb[1] if verb else "other",
                )
            )
        return out


_COORDINATION = ("", "和", "与", "及", "、", "以及")


def _head_of_run(
    folded: str, hits: list[ZoneHit], offset: int, lo: int = 0, hi: int | None = None
) -> ZoneHit:
    """The first of the zones that end `hits[lo:hi]` when they are named together: "落户A区和B园"
    (a figure shared by two zones is the first's), "位于A新区B工业园" (a park inside a
    zone belongs to the zone)."""
    i = (len(hits) if hi is None else hi) - 1
    while i > lo and folded[hits[i - 1].end + offset : hits[i].start + offset] in _COORDINATION:
        i -= 1
    return hits[i]


def _inside(hits: list[ZoneHit], start: int, end: int) -> bool:
    """Is [start, end) inside one of `hits` (in text order, without overlaps)?"""
    k = bisect_right(hits, start, key=_start) - 1
    return k >= 0 and end <= hits[k].end


def _link_members(batches: list[BatchFact], projects: list[ProjectFact]) -> None:
    """Make every batch member the name of a project of the article (the JSON contract):
    a member merged into a project under another name takes that name; a member reported
    nowhere else becomes a project of its own, without an amount, dated like its batch.

    A member's project is looked up once (`projects` only grows at its end, so the first
    project a name matches stays the first): a thousand batches listing the same names scan
    the projects once per name, not once per batch."""
    by_name: dict[str, ProjectFact] = {}
    for p in projects:
        by_name.setdefault(p.name, p)
    found: dict[str, ProjectFact] = {}
    for batch in batches:
        linked: list[str] = []
        for member in batch.members:
            fact = found.get(member) or by_name.get(member)
            fact = fact or next((p for p in projects if p.name and _same_name(member, p.name)), None)
            if fact is None:
                fact = ProjectFact(
                    name=member,
                    zone=batch.zone,
                    investor=None,
                    amount=None,
                    stage=batch.stage,
                    date=batch.date,
                    quote=batch.quote,
                    quote_start=batch.quote_start,
                    quote_end=batch.quote_end,
                    industry=classify_industry(member),
                )
                projects.append(fact)
                by_name.setdefault(member, fact)
            found[member] = fact
            if fact.name not in linked:
                linked.append(fact.name)
        batch.members = linked


def _project_word(company: str) -> str:
    """项目, or 項目 after a name printed in 繁體 (the page's own script)."""
    return "项目" if fold(company) == company else "項目"


def _same_name(a: str, b: str) -> bool:
    """Two names of one project: equal, one inside the other, or a shared 4-character prefix."""
    fa, fb = _key(a), _key(b)
    if not fa or not fb:
        return False
    if fa == fb or (min(len(fa), len(fb)) >= 4 and (fa in fb or fb in fa)):
        return True
    return len(fa) >= 4 and len(fb) >= 4 and fa[:4] == fb[:4] and not fa[:4].isdigit()


@lru_cache(maxsize=4096)
def _key(name: str) -> str:
    return re.sub(r"(?:项目|一期|二期|首期)+$", "", fold(name))


def extract_article(
    article: RawArticle,
    *,
    gazetteer: Gazetteer | None = None,
    issue_date: date | None = None,
    index: int = 0,
) -> ParsedArticle:
    """Zones, projects and batches of one article, each fact with its quote and offsets."""
    extractor = _Extractor(article, gazetteer or load_gazetteer(), issue_date)
    extractor.run()
    batches = extractor.batch_facts()
    batch_amounts = {(b.amount.value, b.amount.currency) for b in batches if b.amount}
    projects = [
        p
        for p in extractor.projects()
        if p.amount is None or p.name or (p.amount.value, p.amount.currency) not in batch_amounts
    ]
    _link_members(batches, projects)
    return ParsedArticle(
        index=index,
        title=article.title,
        subtitle=article.subtitle,
        byline=article.byline,
        text=article.text,
        zones=extractor.zones,
        projects=projects,
        batches=batches,
    )
