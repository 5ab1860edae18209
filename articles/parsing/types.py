"""Plain data the parser produces.

The parsing package imports nothing from Django: it turns bytes into these
dataclasses, so the same code serves the Celery task, the `parse_bulletin`
command and the benchmarks, and can be tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


class UnreadableFile(Exception):
    """The upload cannot be turned into text; `str(exc)` is shown to the editor as is."""


@dataclass(frozen=True)
class Amount:
    """A sum of money as printed: value in whole units of `currency` (ISO 4217)."""

    value: Decimal
    currency: str
    approximate: bool
    text: str
    # Upper bound when the text gives a range ("10亿至12亿元"); `value` is then the lower bound.
    value_max: Decimal | None = None


@dataclass(frozen=True)
class EventDate:
    """A date known to the day, the month or only the year."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    def isoformat(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True)
class DecodedDocument:
    """An upload turned into text, before any cleaning."""

    text: str
    format: str  # txt | pdf | docx | html
    encoding: str | None  # for txt/html: utf-8, utf-8-sig, gb18030; None for pdf/docx


@dataclass
class RawArticle:
    """One article as cut from the page, before facts are extracted."""

    title: str | None
    subtitle: str | None
    byline: str | None
    text: str  # cleaned body: paragraphs joined with "\n"
    # Line printed above the headline (引题), when there is one; `subtitle` is the one below.
    kicker: str | None = None


@dataclass
class ProjectFact:
    """One investment project as reported, with the quote it came from."""

    name: str | None
    zone: str | None
    investor: str | None
    amount: Amount | None
    stage: str  # "signed", "started", "operating" or "other" (values of projects.models.Stage)
    date: EventDate | None
    quote: str
    quote_start: int  # offsets of `quote` in the article's `text`
    quote_end: int
    jobs: int | None = None
    industry: str | None = None


@dataclass
class BatchFact:
    """An aggregate signing: N projects for a total, in one zone."""

    zone: str | None
    count: int | None
    amount: Amount | None
    date: EventDate | None
    quote: str
    quote_start: int
    quote_end: int
    # Names of the batch's projects when the text lists them ("甲、乙等7个项目",
    # "上述两个项目"): each is the `name` of a project of the same article when one is reported.
    members: list[str] = field(default_factory=list)
    stage: str = "other"  # of the signing or start the batch sentence reports (STAGES)


@dataclass
class ZoneHit:
    """A zone named in a text: canonical short name when known, else as written."""

    name: str
    known: bool
    start: int
    end: int


@dataclass
class ParsedArticle:
    index: int
    title: str | None
    subtitle: str | None
    byline: str | None
    text: str
    zones: list[str] = field(default_factory=list)
    projects: list[ProjectFact] = field(default_factory=list)
    batches: list[BatchFact] = field(default_factory=list)


@dataclass
class SourceInfo:
    path: str | None
    sha256: str
    format: str
    encoding: str | None
    issue_date: str | None  # YYYY-MM-DD
    parser_version: str
    publication: str | None = None


@dataclass
class ParsedBulletin:
    source: SourceInfo
    articles: list[ParsedArticle] = field(default_factory=list)
