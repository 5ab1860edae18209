"""Keyword search over projects and articles that works for Chinese (no spaces between words).

The rule, in one place:

* Text is normalised (NFKC, case-folded) and cut into *runs*: CJK runs (characters from
  U+2E80 on: Han, kana, Hangul, CJK punctuation is dropped) and word runs (other letters and
  digits: Latin words, numbers). Anything else separates runs.
* A document (`document()`) is the set of its *grams*: every character and every pair of
  adjacent characters of a CJK run (unigrams + bigrams), and every suffix of a word run
  (each cut to `WORD_GRAM` characters) — so that a word query can be a prefix of a suffix,
  i.e. any substring of the word.
* A query (`terms()`) is split on whitespace; every term must match (AND). A term matches a
  document that holds all its grams (`term_grams()`): the bigrams of its CJK runs (the
  character itself for a 1-character run) and its word runs as prefixes.

On PostgreSQL the grams are stored in a `tsvector` column (`SearchDocumentField`, written at
save time by `Project.save` / `Article.save`) with a GIN index, and a term becomes
`column @@ '新能' & '能源' & 'solar':*`: an index lookup even for one- and two-character
Chinese queries (which pg_trgm cannot index). The index is a prefilter — "新能源" also has
both bigrams in "新能电池与能源" — so every term is then confirmed with `icontains` on the
fields themselves, which is the definition of a match. SQLite has no such index: the same
`icontains` conditions alone give the same results there (a scan).

A project also matches a term through its zone (short name, full name or an alias), so
"西安高新区 光伏" finds the photovoltaic projects of that zone.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from zones.models import Zone

CJK_START = 0x2E80  # CJK radicals onwards: Han, kana, Hangul, compatibility forms …
WORD_GRAM = 16  # a word's suffixes are cut to this many characters, and so are word queries
MAX_TERMS = 8
MAX_TERM_LENGTH = 64


# --- the n-gram rule ---------------------------------------------------------------------


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


# A run is a maximal stretch of letters and digits (`str.isalnum()`: `[^\W_]` is exactly that
# set, tests/test_search_grams.py checks every code point) on one side of CJK_START.
_CJK = f"[^\\W_\x00-{chr(CJK_START - 1)}]"
_NOT_CJK = f"[^\\W_{chr(CJK_START)}-\U0010ffff]"
_RUN = re.compile(f"({_CJK}+)|({_NOT_CJK}+)")
_CJK_CHAR = re.compile(_CJK)
_CJK_BIGRAM = re.compile(f"(?=({_CJK}{{2}}))")
_WORD = re.compile(f"{_NOT_CJK}+")


def _runs(text: str) -> list[tuple[str, bool]]:
    """(run, is_cjk) for the letters and digits of the normalised text."""
    return [(cjk or word, bool(cjk)) for cjk, word in _RUN.findall(normalise(text))]


def grams(*texts: str) -> set[str]:
    """The grams a document made of these texts holds (no gram spans two texts).

    Regexes over each whole text rather than a loop per run: a CJK bigram is two adjacent
    CJK characters, which is exactly two adjacent characters of one CJK run."""
    found: set[str] = set()
    for text in texts:
        folded = normalise(text)
        found.update(_CJK_CHAR.findall("".join(set(folded))))  # each distinct character once
        found.update(_CJK_BIGRAM.findall(folded))
        for run in _WORD.findall(folded):
            found.update([run[i:i + WORD_GRAM] for i in range(len(run))])
    return found


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def document(*texts: str) -> str:
    """The stored search document: the grams as a tsvector literal (also stored on SQLite,
    so that a backup restores on either database). A gram is letters and digits only, so
    none needs `_quote`'s escaping: the literal is joined in one go."""
    found = grams(*texts)
    return "'" + "' '".join(sorted(found)) + "'" if found else ""


def term_grams(term: str) -> list[tuple[str, bool]]:
    """(gram, is_prefix) that a document must hold to contain `term`."""
    found: list[tuple[str, bool]] = []
    for run, cjk in _runs(term):
        if not cjk:
            found.append((run[:WORD_GRAM], True))
        elif len(run) == 1:
            found.append((run, False))
        else:
            found.extend((run[i:i + 2], False) for i in range(len(run) - 1))
    return list(dict.fromkeys(found))


def tsquery(terms_: Iterable[str]) -> str:
    """The AND of the grams of these terms, as a tsquery literal ("" if they have none)."""
    parts = dict.fromkeys(
        _quote(gram) + (":*" if prefix else "") for term in terms_ for gram, prefix in term_grams(term)
    )
    return " & ".join(parts)


def terms(query: str | None) -> list[str]:
    """The terms of a query: whitespace-separated (ASCII or ideographic spaces), NFKC."""
    words = unicodedata.normalize("NFKC", query or "").split()
    return list(dict.fromkeys(word[:MAX_TERM_LENGTH] for word in words))[:MAX_TERMS]


# --- storage -----------------------------------------------------------------------------


class SearchDocumentField(models.TextField):
    """The grams of a row: `tsvector` on PostgreSQL (GIN-indexed by the migrations), text
    elsewhere. Written by the model's `save()`; never edited."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else super().db_type(connection)


class Searchable:
    """Model mixin (before `models.Model` in the bases) for a model with a `search_document`
    field: the grams of its SEARCHED_FIELDS, kept on every save, and computed the same way for
    a row a bulk insert writes (`add_document`, which never calls `save()`)."""

    SEARCHED_FIELDS: tuple[str, ...] = ()

    def save(self, *args, update_fields=None, **kwargs):
        self.search_document = document(*(getattr(self, name) for name in self.SEARCHED_FIELDS))
        if update_fields is not None and set(update_fields) & set(self.SEARCHED_FIELDS):
            update_fields = {*update_fields, "search_document"}
        super().save(*args, update_fields=update_fields, **kwargs)

    @classmethod
    def add_document(cls, row: dict) -> None:
        """Set a row's `search_document` as `save()` would (`articles.bulk_write` rows)."""
        row["search_document"] = document(*(row[name] for name in cls.SEARCHED_FIELDS))


@SearchDocumentField.register_lookup
class GramsMatch(models.Lookup):
    """`search_document__grams=<tsquery literal>`: the GIN-indexed match (PostgreSQL only)."""

    lookup_name = "grams"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @@ ({rhs})::tsquery", [*lhs_params, *rhs_params]


def uses_index(queryset: QuerySet) -> bool:
    from django.db import connections

    return connections[queryset.db].vendor == "postgresql"


def add_index_sql(table: str) -> str:
    return f"CREATE INDEX IF NOT EXISTS {table}_search_gin ON {table} USING gin (search_document)"


def drop_index_sql(table: str) -> str:
    return f"DROP INDEX IF EXISTS {table}_search_gin"


def backfill(model, fields: tuple[str, ...], schema_editor, batch_size: int = 2000) -> None:
    """Fill `search_document` of every row (migrations; `model` is the historical model)."""
    using = schema_editor.connection.alias
    rows = model.objects.using(using).order_by("pk").only("pk", *fields)
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:batch_size])
        if not chunk:
            return
        for row in chunk:
            row.search_document = document(*(getattr(row, name) for name in fields))
        model.objects.using(using).bulk_update(chunk, ["search_document"])
        last = chunk[-1].pk


# --- queries -----------------------------------------------------------------------------


def zone_ids_per_term(words: list[str]) -> dict[str, set[int]]:
    """For each term, the zones whose short name, full name or an alias contains it (one query)."""
    condition = Q()
    for word in words:
        condition |= (Q(short_name__icontains=word) | Q(full_name__icontains=word)
                      | Q(aliases__name__icontains=word))
    found: dict[str, set[int]] = {word: set() for word in words}
    rows = Zone.objects.filter(condition).values_list("id", "short_name", "full_name", "aliases__name")
    for zone_id, *names in rows:
        folded = [name.casefold() for name in names if name]
        for word in words:
            if any(word.casefold() in name for name in folded):
                found[word].add(zone_id)
    return found


def filter_each_term(
    queryset: QuerySet, query: str | None, condition_for: Callable[[str, str | None], Q]
) -> QuerySet:
    """Rows that match every term of the query: `condition_for(word, grams)` is a term's own
    condition, given the term's gram query where the GIN index serves this queryset (else None);
    a term that names a zone also matches that zone's rows. One loop for projects and batches."""
    words = terms(query)
    if not words:
        return queryset
    indexed = uses_index(queryset)
    zones = zone_ids_per_term(words)
    for word in words:
        grams_of_word = tsquery([word]) if indexed else ""
        condition = condition_for(word, grams_of_word or None)
        if zones[word]:
            condition |= Q(zone_id__in=sorted(zones[word]))
        queryset = queryset.filter(condition)
    return queryset


def filter_projects(queryset: QuerySet, query: str | None) -> QuerySet:
    """Projects whose name or investor (or zone) contains every term of the query."""

    def named(word: str, grams: str | None) -> Q:
        condition = Q(name__icontains=word) | Q(investor__icontains=word)
        return condition & Q(search_document__grams=grams) if grams else condition

    return filter_each_term(queryset, query, named)


# --- showing hits ------------------------------------------------------------------------


def _pattern(words: list[str]) -> re.Pattern | None:
    words = sorted((w for w in words if w), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)), re.IGNORECASE) if words else None


def highlight(text: str, query: str | None) -> SafeString:
    """The text, escaped, with every occurrence of a term wrapped in <mark>."""
    pattern = _pattern(terms(query))
    if pattern is None:
        return escape(text)
    out: list[str] = []
    cursor = 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[cursor:match.start()]))
        out.append(f"<mark>{html.escape(match.group())}</mark>")
        cursor = match.end()
    out.append(html.escape(text[cursor:]))
    return mark_safe("".join(out))  # every piece of the text is escaped above


@dataclass
class Snippet:
    html: SafeString
    clipped_start: bool
    clipped_end: bool


def snippet(text: str, query: str | None, before: int = 30, after: int = 70) -> Snippet:
    """A short piece of the text around the first hit (or its start), hits highlighted."""
    text = " ".join((text or "").split())
    pattern = _pattern(terms(query))
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - before) if match else 0
    end = min(len(text), (match.end() if match else 0) + after)
    return Snippet(highlight(text[start:end], query), start > 0, end < len(text))
