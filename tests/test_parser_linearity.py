"""Nothing quadratic in the parser: 8 times the text takes about 8 times as long.

A ratio of times measured in the same test (best of three each), never an absolute time:
the whole pipeline (read, clean, split, extract) on one page of varied articles
(bench/bulletin.py) and on eight of them.
"""

from __future__ import annotations

import time

from articles.parsing.pipeline import parse_bytes
from articles.parsing.zones import load_gazetteer
from bench.bulletin import bulletin_text

PAGE_BYTES = 40_000
# 8× the text may cost up to this many times as much (linear is 8; quadratic would be 64).
MAX_RATIO = 8 * 1.6


def best_of(data: bytes, gazetteer, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        parse_bytes(data, gazetteer=gazetteer)
        times.append(time.perf_counter() - start)
    return min(times)


def test_parse_time_grows_linearly_with_the_text():
    gazetteer = load_gazetteer()
    page = bulletin_text(PAGE_BYTES, seed=11)
    one = page.encode("utf-8")
    eight = ("\n\n".join([page] * 8)).encode("utf-8")
    parse_bytes(one, gazetteer=gazetteer)  # warm caches (regexes, gazetteer)
    ratio = best_of(eight, gazetteer) / best_of(one, gazetteer)
    assert ratio <= MAX_RATIO, f"8× the text took {ratio:.1f}× as long (linear: 8×)"


def test_one_long_article_is_linear_too():
    """One article without paragraph breaks (a badly extracted PDF page) is the worst case."""
    gazetteer = load_gazetteer()
    page = bulletin_text(PAGE_BYTES // 4, seed=12).replace("\n\n", "，")
    one = page.encode("utf-8")
    eight = "，".join([page] * 8).encode("utf-8")
    parse_bytes(one, gazetteer=gazetteer)
    ratio = best_of(eight, gazetteer) / best_of(one, gazetteer)
    assert ratio <= MAX_RATIO, f"8× the text took {ratio:.1f}× as long (linear: 8×)"
