"""Bytes of an upload → `ParsedBulletin` → the public JSON of docs/parse-output.md.

The one entry point the Celery task and the `parse_bulletin` command share:
read → normalise → clean_page → split_articles → extract_article per article.
`to_contract` is the only place that knows the JSON shape; it only ever adds fields.

The parse allocates hundreds of thousands of small objects and makes no reference cycles,
so the cyclic garbage collector is paused while it runs (and restored after): its full
collections rescan every live object and made a 10 MB parse ~7 % slower and less linear.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

from . import clean, read, split
from .amounts import format_value
from .extract import extract_article
from .issue_date import issue_date_of
from .sandbox import ReadLimits, read_isolated
from .types import Amount, BatchFact, ParsedArticle, ParsedBulletin, ProjectFact, SourceInfo
from .zones import Gazetteer, load_gazetteer

PARSER_VERSION = "4.11"


def parse_bytes(
    data: bytes,
    *,
    path: str | None = None,
    issue_date: date | None = None,
    publication: str | None = None,
    gazetteer: Gazetteer | None = None,
    max_bytes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    read_limits: ReadLimits | None = None,
) -> ParsedBulletin:
    """Parse one uploaded file; raises `UnreadableFile` when it cannot be read. `read_limits`:
    read the file in a limited child process (`sandbox.read_isolated`), as the worker does."""
    if read_limits is not None:
        document = read_isolated(data, read_limits, max_bytes=max_bytes)
    else:
        document = read.read_document(data, max_bytes=max_bytes)
    with gc_paused():
        return _parse(data, document, path, issue_date, publication, gazetteer, progress)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while hundreds of thousands of objects are made (a
    parse, the rows of its write): each full collection rescans every live object (~1 s of a
    10 MB write). Reference counting still frees everything."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def printed_issue_date(
    data: bytes, *, max_bytes: int | None = None, read_limits: ReadLimits | None = None
) -> date | None:
    """The issue date a file prints on its own date line (None: it prints none) — what the parse
    takes when no issue date is given, so the upload form can propose it before the upload;
    raises `UnreadableFile` when the file cannot be read. Reads only the top of the file (the
    date line is among its first lines: `read.TOP_BYTES`), so that the form's request stays
    short whatever the file's size. `read_limits`: read it in a limited child process."""
    if read_limits is not None:
        limits = ReadLimits(read_limits.memory_bytes, read_limits.seconds, top=True)
        return issue_date_of(read_isolated(data, limits, max_bytes=max_bytes).text)
    return issue_date_of(read.read_document(data, max_bytes=max_bytes, top=True).text)


def _parse(data, document, path, issue_date, publication, gazetteer, progress) -> ParsedBulletin:
    if issue_date is None:  # none given: the page's own date line, if it prints one
        issue_date = issue_date_of(document.text)
    paragraphs = clean.clean_page(document.text)  # clean_page normalises (once)
    raw_articles = split.split_articles(paragraphs)
    gazetteer = gazetteer or load_gazetteer()
    source = SourceInfo(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        format=document.format,
        encoding=document.encoding,
        issue_date=issue_date.isoformat() if issue_date else None,
        parser_version=PARSER_VERSION,
        publication=publication,
    )
    articles: list[ParsedArticle] = []
    total = len(raw_articles)
    for index, raw in enumerate(raw_articles):
        articles.append(extract_article(raw, gazetteer=gazetteer, issue_date=issue_date, index=index))
        if progress is not None:
            progress(index + 1, total)
    return ParsedBulletin(source=source, articles=articles)


def _amount(amount: Amount | None) -> dict | None:
    if amount is None:
        return None
    out = {
        "value": format_value(amount.value),
        "currency": amount.currency,
        "approximate": amount.approximate,
        "text": amount.text,
    }
    if amount.value_max is not None:
        out["value_max"] = format_value(amount.value_max)
    return out


def _project(p: ProjectFact) -> dict:
    return {
        "name": p.name,
        "zone": p.zone,
        "investor": p.investor,
        "amount": _amount(p.amount),
        "stage": p.stage,
        "date": p.date.isoformat() if p.date else None,
        "quote": p.quote,
        "quote_start": p.quote_start,
        "quote_end": p.quote_end,
        "jobs": p.jobs,
        "industry": p.industry,
    }


def _batch(b: BatchFact) -> dict:
    return {
        "zone": b.zone,
        "count": b.count,
        "amount": _amount(b.amount),
        "date": b.date.isoformat() if b.date else None,
        "quote": b.quote,
        "quote_start": b.quote_start,
        "quote_end": b.quote_end,
        "members": list(b.members),
        "stage": b.stage,
    }


def to_contract(parsed: ParsedBulletin) -> dict:
    """The JSON document of docs/parse-output.md (plus a few added fields)."""
    s = parsed.source
    return {
        "source": {
            "path": s.path,
            "sha256": s.sha256,
            "format": s.format,
            "encoding": s.encoding,
            "issue_date": s.issue_date,
            "parser_version": s.parser_version,
            "publication": s.publication,
        },
        "articles": [
            {
                "index": a.index,
                "title": a.title,
                "subtitle": a.subtitle,
                "byline": a.byline,
                "text": a.text,
                "zones": list(a.zones),
                "projects": [_project(p) for p in a.projects],
                "batches": [_batch(b) for b in a.batches],
            }
            for a in parsed.articles
        ],
    }
