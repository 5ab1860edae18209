"""Decides when two reports are the same project: the one place for de-duplication.

Newspapers name a project differently from one issue to the next ("海创尚纬新能源
西南制造基地" when signed, "海创尚纬首期4万吨负极材料项目" when it breaks ground),
so we compare within one zone, by investor when both name one, else by the
overlap of the names' character pairs once the generic words are set aside.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import itertools
import re
import time
from collections.abc import Iterable
from typing import NamedTuple

from django.db import connections, transaction
from django.db.models import Case, Q, When

from .models import DatePrecision, Project, ReviewStatus, Stage
from .search import CJK_START, _quote, filter_projects, terms, uses_index

GENERIC_WORDS = re.compile(
    r"项目|工程|基地|产业园|园区|建设|生产线|一期|二期|三期|首期|配套|基础设施|暨|年产|有限公司|股份|科技|集团"
)
NAME_SIMILARITY_THRESHOLD = 0.45
MAX_CANDIDATES = 5


@functools.lru_cache(maxsize=8192)  # a page scores each candidate against thousands of rows
def name_key(name: str) -> str:
    """The distinctive characters of a project name."""
    return GENERIC_WORDS.sub("", re.sub(r"[\s\d、，,。（）()“”\"'.-]+", "", name))


def name_similarity(a: str, b: str) -> float:
    """Dice coefficient of character bigrams of the names' distinctive parts (0..1)."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return 0.0
    if ka in kb or kb in ka:
        return 1.0
    pairs_a = {ka[i : i + 2] for i in range(len(ka) - 1)} or {ka}
    pairs_b = {kb[i : i + 2] for i in range(len(kb) - 1)} or {kb}
    return 2 * len(pairs_a & pairs_b) / (len(pairs_a) + len(pairs_b))


def same_investor(a: str, b: str) -> bool:
    a, b = a.strip(), b.strip()
    return bool(a and b) and (a in b or b in a)


def likely_duplicates(project: Project, limit: int = MAX_CANDIDATES) -> list[tuple[Project, float]]:
    """Known projects (same zone, not merged away) that this one probably repeats, best first."""
    return likely_duplicates_of([project], limit)[project.pk]


def likely_duplicates_of(
    projects: Iterable[Project], limit: int = MAX_CANDIDATES
) -> dict[int, list[tuple[Project, float]]]:
    """`likely_duplicates` of many projects (a review page) in one query.

    The query keeps, in each project's zone, the projects that can reach the threshold, found
    through the name-and-investor grams and the investor: a name similarity ≥
    NAME_SIMILARITY_THRESHOLD needs one shared character pair of the names' distinctive parts,
    or two when the part has four pairs or more; a same investor needs one investor inside the
    other. On PostgreSQL the grams are a GIN-indexed match and the investor is indexed; on
    SQLite the same grams are looked for in the stored search document (a scan, but never a
    zone's whole project set read into Python). (The grams hold no pairs that are not two
    Chinese characters, so names alike only in Latin letters or digits, or a two-character name
    inside a long one, are found through their investor only.) The rows read are bounded
    (`MAX_ROWS_PER_PROJECT` per project asked about, confirmed and newest first) so that a page's
    work does not grow with a zone where a common pair is everywhere. The scoring itself is
    Python, the same for both databases."""
    projects = list(projects)
    found: dict[int, list[tuple[Project, float]]] = {project.pk: [] for project in projects}
    zoned = [project for project in projects if project.zone_id is not None]
    if not zoned:
        return found
    others = (
        Project.objects.filter(merged_into__isnull=True)
        .exclude(review_status="rejected")
        .only(*SHOWN_FIELDS)
        .select_related("zone")
    )
    needs: set[tuple[int, tuple[str, ...]]] = set()
    investors: set[str] = set()
    for project in zoned:
        wanted, parts = _could_match(project)
        needs.update(wanted)
        investors.update(parts)
    zones = sorted({project.zone_id for project in zoned})
    indexed = uses_index(others)
    rare, common = _split_common(sorted(needs), _common_grams(others.db) if indexed else None)
    cap = MAX_ROWS_PER_PROJECT * len(zoned)
    rows = _read(others.filter(zone_id__in=zones), Q(investor__in=sorted(investors))
                 | _grams_condition(rare, indexed), cap, indexed)
    if common:  # names made only of common pairs: their own small query (see _split_common)
        seen = {row.pk for row in rows}
        more = _read(others.filter(zone_id__in=zones), _grams_condition(common, indexed), cap, indexed)
        rows += [row for row in more if row.pk not in seen]
    by_zone: dict[int, list[_Row]] = {}
    for other in rows:
        by_zone.setdefault(other.zone_id, []).append(other)
    scores: dict[int, list[tuple[_Row, float]]] = {}
    for project in zoned:
        scored = []
        for other in by_zone.get(project.zone_id, ()):
            if other.pk == project.pk:
                continue
            score = name_similarity(project.name, other.name)
            if same_investor(project.investor, other.investor):
                score = max(score, 0.9)
            if score >= NAME_SIMILARITY_THRESHOLD:
                scored.append((other, round(score, 2)))
        scored.sort(key=lambda pair: (-pair[1], pair[0].review_status != "confirmed", pair[0].pk))
        scores[project.pk] = scored[:limit]
    # The few suggested, with what a suggestion shows (always one query: a fixed count per page).
    chosen = {row.pk for pairs in scores.values() for row, _score in pairs}
    shown = others.in_bulk(sorted(chosen) or [0])
    for pk, pairs in scores.items():
        found[pk] = [(shown[row.pk], score) for row, score in pairs if row.pk in shown]
    return found


class _Row(NamedTuple):
    """What the scoring reads of a project (a light row: thousands may be read for a page)."""

    pk: int
    name: str
    investor: str
    zone_id: int
    review_status: str


MAX_INVESTOR = 40  # characters of an investor whose every piece is looked up
MAX_ROWS_PER_PROJECT = 200  # rows a page's suggestions read, per project asked about

# What a suggestion shows (name, investor, zone, amount, date, stage, status).
SHOWN_FIELDS = (
    "id", "name", "investor", "review_status", "zone_id", "zone__short_name", "date", "date_precision",
    "amount_text", "amount_yuan", "approximate", "stage", "batch_id",
)


def _read(rows, condition: Q, cap: int, indexed: bool) -> list[_Row]:
    """The rows that match, confirmed and newest first, at most `cap`."""
    rows = rows.filter(condition).order_by(
        Case(When(review_status=ReviewStatus.CONFIRMED, then=0), default=1), "-pk"
    ).values_list(*_Row._fields)[:cap]
    if not indexed:
        return [_Row(*row) for row in rows]
    with transaction.atomic(using=rows.db), connections[rows.db].cursor() as cursor:
        # Many OR'ed conditions make a high cost estimate, and PostgreSQL would compile the
        # plan (JIT) first, which costs far more than the few index scans the plan holds.
        cursor.execute("SET LOCAL jit = off")
        return [_Row(*row) for row in rows]


COMMON_GRAM_SHARE = 0.005  # a gram in more than this share of the projects is "common"
STATISTICS_TTL = 600  # seconds the statistics are kept
_statistics: dict[str, tuple[float, frozenset[str]]] = {}


def _common_grams(using: str) -> frozenset[str]:
    """The grams of more than COMMON_GRAM_SHARE of the projects, as PostgreSQL's own statistics
    of the grams column say (ANALYZE keeps its most common elements and their shares): read
    once per process every STATISTICS_TTL seconds."""
    now = time.monotonic()
    kept = _statistics.get(using)
    if kept is not None and now - kept[0] < STATISTICS_TTL:
        return kept[1]
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
            " WHERE schemaname = current_schema() AND tablename = %s AND attname = 'search_document'",
            [Project._meta.db_table],
        )
        row = cursor.fetchone()
    grams = frozenset()
    if row and row[0]:
        shares = zip(row[0], row[1], strict=False)
        grams = frozenset(gram for gram, share in shares if share > COMMON_GRAM_SHARE)
    _statistics[using] = (now, grams)
    return grams


def _split_common(
    needs: list[tuple[int, tuple[str, ...]]], common: frozenset[str] | None
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """The prefilter's gram sets (a row holds every gram of one of them) for the needs "at least
    k of these grams" — the main query's, and apart, those made only of common grams.

    Why: the GIN index tests the whole OR of the page's sets against every row that holds any
    of its grams, so one common gram (in 20% of a million projects) or a page's hundreds of
    pairs of pairs made the query take seconds. So a common gram is left out where that only
    widens the prefilter (the scoring decides): "2 of these pairs" becomes any one rare pair, or
    two of the common ones (their own query: few sets, read apart); "all of these" keeps its
    rare grams. With no statistics (`common` None: SQLite) the needs are kept exact."""
    rare: dict[tuple[str, ...], None] = {}
    everywhere: dict[tuple[str, ...], None] = {}
    for k, grams in needs:
        if common is None:
            rare.update(dict.fromkeys(itertools.combinations(grams, k)))
            continue
        kept = tuple(gram for gram in grams if gram not in common)
        left = tuple(gram for gram in grams if gram in common)
        if k == len(grams):  # all of them
            (rare if kept else everywhere)[kept or grams] = None
        else:  # any k (1 or 2): any one rare gram, or k of the common ones
            rare.update(dict.fromkeys((gram,) for gram in kept))
            everywhere.update(dict.fromkeys(itertools.combinations(left, k)))
    return list(rare), list(everywhere)


def _grams_condition(any_of: list[tuple[str, ...]], indexed: bool) -> Q:
    """Rows whose grams hold every gram of one of the tuples: one tsquery over the GIN index on
    PostgreSQL; elsewhere the stored document (`'gram' 'gram' …`) holds each quoted gram."""
    if not any_of:
        return Q(pk__in=[])
    if indexed:
        query = " | ".join(f"({' & '.join(map(_quote, each))})" for each in any_of)
        return Q(search_document__grams=query)
    condition = Q(pk__in=[])
    for each in any_of:
        both = Q()
        for gram in each:
            both &= Q(search_document__contains=f"'{gram}'")
        condition |= both
    return condition


def _pairs(key: str) -> list[str]:
    """The character pairs of a name's distinctive part that the grams index holds (two CJK)."""
    pairs = [key[i : i + 2] for i in range(len(key) - 1)]
    return list(dict.fromkeys(pair for pair in pairs if all(ord(ch) >= CJK_START for ch in pair)))


def _could_match(project: Project) -> tuple[list[tuple[int, tuple[str, ...]]], list[str]]:
    """What rows that may score ≥ the threshold against `project` hold (a superset, see
    above): needs "at least k of these grams", any of which a row may meet, and investors
    equal to a piece of `project`'s."""
    needs: list[tuple[int, tuple[str, ...]]] = []
    key = name_key(project.name)
    pairs = _pairs(key)
    if len(key) == 1 and ord(key) >= CJK_START:
        needs.append((1, (key,)))
    elif 0 < len(pairs) < 4:
        needs.append((1, tuple(pairs)))
    elif pairs:
        needs.append((2, tuple(pairs)))
    investor = project.investor.strip()[:MAX_INVESTOR]
    if not investor:
        return needs, []
    # `project`'s investor inside the other's: the other's grams hold its distinctive pairs (the
    # generic words — 有限公司, 科技 … — left out: they are in most investors, and an AND
    # of fewer pairs only finds more).
    inside = tuple(dict.fromkeys(pair for piece in GENERIC_WORDS.split(investor) for pair in _pairs(piece)))
    if inside:
        needs.append((len(inside), inside))
    parts = {investor[i:j] for i in range(len(investor)) for j in range(i + 1, len(investor) + 1)}
    return needs, sorted(parts)  # the other's investor inside `project`'s


PICKER_SIZE = 10
PICKER_POOL = 200  # projects matching the words, newest first, that are ranked


def picker_matches(
    query: str, project: Project | None, limit: int = PICKER_SIZE
) -> list[tuple[Project, float]]:
    """Projects an editor may mean when merging `project` or linking it ("the project confirmed
    last month"): those whose name, investor or zone holds every word of `query`, best match
    first (the likeness of name and investor to `project`, its zone, confirmed first). With no
    words: `project`'s likely duplicates."""
    if not terms(query):
        return likely_duplicates(project, limit) if project is not None else []
    if query.strip().isdigit():  # a project's number, as the project pages show it
        numbered = Project.objects.filter(pk=int(query), merged_into__isnull=True).first()
        return [(numbered, 1.0)] if numbered is not None and numbered != project else []
    pool = filter_projects(
        Project.objects.filter(merged_into__isnull=True).exclude(review_status="rejected"), query
    ).only(*SHOWN_FIELDS).select_related("zone").order_by("-date", "-id")
    if project is not None:
        pool = pool.exclude(pk=project.pk)
    scored = []
    for other in pool[:PICKER_POOL]:
        score = 0.0
        if project is not None:
            score = name_similarity(project.name, other.name)
            if same_investor(project.investor, other.investor):
                score = max(score, 0.9)
            if other.zone_id == project.zone_id:
                score += 0.1
        scored.append((other, round(min(score, 1.0), 2)))
    scored.sort(key=lambda pair: (-pair[1], pair[0].review_status != "confirmed", -pair[0].pk))
    return scored[:limit]


# A project's life as reports follow it: a report of a later step is an event of the project.
LIFE_ORDER = (Stage.SIGNED, Stage.STARTED, Stage.OPERATING)


def _last_day(day: dt.date, precision: str) -> dt.date:
    """The last day a date stored as the first day it covers may mean."""
    if precision == DatePrecision.YEAR:
        return day.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


def reports_later_step(candidate: Project, target: Project) -> bool:
    """Whether `candidate` reads as a later step of `target` (a 开工 report of a project signed
    earlier, a 投产 report of one started): its stage comes after the target's furthest stage in
    the project's life, and it is not certainly dated before the target's date."""
    if candidate.stage not in LIFE_ORDER or target.stage not in LIFE_ORDER:
        return False
    if LIFE_ORDER.index(candidate.stage) <= LIFE_ORDER.index(target.stage):
        return False
    if candidate.date is None or target.date is None:
        return True
    return _last_day(candidate.date, candidate.date_precision) >= target.date


def event_offers(
    candidate: Project, matches: Iterable[tuple[Project, float]]
) -> list[tuple[Project, float]]:
    """The likely duplicates to offer as "add as an event of #N": confirmed projects of which
    the candidate reports a later step, in the order given (best match first)."""
    return [
        (match, score) for match, score in matches
        if match.review_status == ReviewStatus.CONFIRMED and reports_later_step(candidate, match)
    ]


def event_targets(candidate: Project | None, matches: Iterable[tuple[Project, float]]) -> set[int]:
    """The ids of `matches` to offer as "add as an event of #N" (`event_offers`)."""
    if candidate is None:
        return set()
    return {match.pk for match, _score in event_offers(candidate, matches)}
