"""The parser on our own held-out-style corpus (tests/parsing/corpus) meets the targets.

Each page there was written by hand, with its expectation written before the parser ran
on it (pages h* were added after the first round of fixes, as a fresh check; pages r* in
a third round, in styles the first two lacked: PDF text, work reports, tables, foreign
currencies, older years, January issues; pages s* in a fourth, on page structure:
briefs, kickers, wrapped headlines, end bylines; pages t* in a fifth, with each amount's kind,
own zone and date labelled: CCTV digests, wire datelines, bulletins, captions and tables, 繁體,
unknown zones, city totals). The targets are those the parser is judged by
on unseen pages; they hold over the whole corpus and over each round on its own, so a
round cannot hide behind the others.
"""

from __future__ import annotations

import pytest

from .scoring import Scores, score_corpus

ROUNDS = ("p", "h", "r", "s", "t")


@pytest.fixture(scope="module")
def scores():
    return score_corpus()


@pytest.fixture(scope="module", params=ROUNDS)
def round_scores(request, scores):
    return Scores([p for p in scores.pages if p.name.startswith(request.param)])


def test_every_round_is_present(scores):
    for prefix in ROUNDS:
        assert sum(p.name.startswith(prefix) for p in scores.pages) >= 12, prefix


def test_each_round_meets_the_targets(round_scores):
    summary = round_scores.summary()
    assert round_scores.precision >= 0.9 and round_scores.f1 >= 0.9, summary
    assert round_scores.zone_recall >= 0.9, summary
    assert round_scores.month_accuracy >= 0.8, summary
    assert round_scores.split_accuracy >= 0.9, summary
    clean, total = round_scores.no_investment_clean
    assert clean == total, summary


def test_corpus_is_large_and_varied(scores):
    assert len(scores.pages) >= 30
    assert sum(p.no_investment for p in scores.pages) >= 5


def test_amount_precision_and_f1(scores):
    assert scores.precision >= 0.9, scores.summary()
    assert scores.f1 >= 0.9, scores.summary()


def test_zone_recall(scores):
    assert scores.zone_recall >= 0.9, scores.summary()


def test_event_month_of_matched_amounts(scores):
    assert scores.month_accuracy >= 0.8, scores.summary()


def test_no_amount_from_pages_without_investment(scores):
    clean, total = scores.no_investment_clean
    noisy = [(p.name, p.predicted) for p in scores.pages if p.no_investment and p.predicted]
    assert clean == total, noisy


def test_facts_own_zone_and_date(scores):
    """Kind, a fact's own zone (null for a city's total) and its date at the text's precision,
    where the expectations give them (round t on): the goals of issue 10."""
    misses = [(p.name, p.fact_misses) for p in scores.pages if p.fact_misses]
    assert scores.fact_zone_accuracy >= 0.9, misses
    assert scores.date_accuracy >= 0.9, misses


def test_kind_of_matched_amounts(scores):
    assert scores.kind_accuracy >= 0.95, [(p.name, p.fact_misses) for p in scores.pages if p.fact_misses]


def test_pages_split_into_their_articles(scores):
    assert scores.split_accuracy >= 0.9, [(p.name, p.titles) for p in scores.pages if not p.split_ok]
