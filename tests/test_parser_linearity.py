"""Nothing quadratic in the parser: 8 times the text takes about 8 times as long.

A ratio of times measured in the same test (best of three each), never an absolute time:
the whole pipeline (read, clean, split, extract) on one page of varied articles
(bench/bulletin.py) and on eight of them; and on one very long sentence (bench/long_sentence.py),
with zones or naming none, timed and counted in lines of parser code run.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from articles import parsing
from articles.parsing import extract
from articles.parsing.pipeline import parse_bytes
from articles.parsing.zones import load_gazetteer
from bench.bulletin import bulletin_text
from bench.long_sentence import long_sentence, zoneless_sentence

PAGE_BYTES = 40_000
# 8× the text may cost up to this many times as much (linear is 8; quadratic would be 64).
MAX_RATIO = 8 * 1.6


def best_of(data: bytes, gazetteer, runs: int = 3) -> float:
    """CPU seconds of the fastest of `runs` parses: the process's own time, which neighbours
    on a loaded machine disturb far less than the wall clock."""
    times = []
    for _ in range(runs):
        start = time.process_time()
        parse_bytes(data, gazetteer=gazetteer)
        times.append(time.process_time() - start)
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


# One sentence of 100 KB against one of 400 KB: linear is 4×, quadratic 16× (main before
# parser 4.11: ~15× in CPU time, 205 KB 0.5 s → 820 KB 12 s).
LONG_KB = 100
MAX_LONG_RATIO = 4 * 2


def test_one_very_long_sentence_is_linear():
    """A file whose full stops were lost: the whole text one comma-joined sentence, amounts,
    stage verbs, projects, companies and zones all in it (issue 15: 820 KB took 26.5 s and an
    18.9 MB upload held a worker for the whole 600 s soft limit)."""
    gazetteer = load_gazetteer()
    one = long_sentence(LONG_KB * 1024).encode("utf-8")
    four = long_sentence(4 * LONG_KB * 1024).encode("utf-8")
    assert one.count("。".encode()) == four.count("。".encode()) == 1
    parse_bytes(one, gazetteer=gazetteer)
    ratio = best_of(four, gazetteer) / best_of(one, gazetteer)
    print(f"one sentence: 4× the text took {ratio:.2f}× the CPU time")
    assert ratio <= MAX_LONG_RATIO, f"4× the sentence took {ratio:.1f}× as long (linear: 4×)"


def test_a_very_long_sentence_naming_no_zone_is_linear(monkeypatch):
    """One sentence naming no zone, city, province or event (bench/long_sentence.py --zoneless):
    every figure goes through all of attribution's rules and none answers. Each figure scanned
    the sentence up to its clause for another scope (a city, 全市, an event), so that one
    sentence read uncut cost the square of its length (25 → 100 KB: 15.2× the CPU time at
    parser 4.11; in pieces of `MAX_SENTENCE` it was linear but 2.2 s per MB, three times the
    bench's long sentence); now each sentence's scope words are read once for all its figures."""
    monkeypatch.setattr(extract, "MAX_SENTENCE", 10**12)
    gazetteer = load_gazetteer()
    one = zoneless_sentence(25 * 1024).encode("utf-8")
    four = zoneless_sentence(100 * 1024).encode("utf-8")
    assert one.count("。".encode()) == four.count("。".encode()) == 1
    assert not gazetteer.find_zones(four.decode("utf-8"))
    parse_bytes(one, gazetteer=gazetteer)
    ratio = best_of(four, gazetteer) / best_of(one, gazetteer)
    print(f"one sentence naming no zone: 4× the text took {ratio:.2f}× the CPU time")
    assert ratio <= MAX_LONG_RATIO, f"4× the sentence took {ratio:.1f}× as long (linear: 4×)"


def parser_lines(data: bytes, gazetteer) -> int:
    """Lines of the parser's own code run for one parse (every loop turn and comprehension
    item counts): a measure of the work that no load on the machine can disturb."""
    counted = 0
    package = str(Path(parsing.__file__).parent)

    def local(frame, event, arg):
        nonlocal counted
        if event == "line":
            counted += 1
        return local

    def tracer(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(package) else None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        parse_bytes(data, gazetteer=gazetteer)
    finally:
        sys.settrace(previous)
    return counted


def lines_for_four_times(sentence, kb: int, capped: bool, monkeypatch) -> tuple[float, int, int, int]:
    """Lines of parser code run for one sentence of `kb` KB and of 4 × `kb` KB (after a warm-up
    parse): their ratio, both counts and the bytes of the longer; `capped=False` leaves the
    sentence uncut."""
    if not capped:
        monkeypatch.setattr(extract, "MAX_SENTENCE", 10**12)
    gazetteer = load_gazetteer()
    one = sentence(kb * 1024).encode("utf-8")
    four = sentence(4 * kb * 1024).encode("utf-8")
    parse_bytes(one, gazetteer=gazetteer)
    lines_one, lines_four = parser_lines(one, gazetteer), parser_lines(four, gazetteer)
    return lines_four / lines_one, lines_one, lines_four, len(four)


@pytest.mark.parametrize("capped", [True, False], ids=["pieces", "uncut"])
def test_one_very_long_sentence_costs_linear_work(capped, monkeypatch):
    """The same, counted in lines of parser code run rather than timed: 4× the sentence may
    run at most 6× the lines (50 → 200 KB: 4.2× at parser 4.11, 12.8× before). Also with the
    sentence left uncut: the lookups per amount (names, verbs, zones, companies) bisect
    rather than scan the sentence, so the work is linear even in one 200 KB sentence."""
    ratio, lines_one, lines_four, _size = lines_for_four_times(long_sentence, 50, capped, monkeypatch)
    print(f"one sentence: 4× the text ran {ratio:.2f}× the parser's lines ({lines_one:,} → {lines_four:,})")
    assert ratio <= 6, f"4× the sentence ran {ratio:.1f}× the lines of parser code (linear: 4×)"


@pytest.mark.parametrize("capped", [True, False], ids=["pieces", "uncut"])
def test_a_very_long_sentence_naming_no_zone_costs_linear_work(capped, monkeypatch):
    """The same counted in lines of parser code run: 25 → 100 KB of a sentence naming no zone
    ran 14.6× the lines uncut at parser 4.11 (4.2× in pieces, but 16,000 lines per KB against
    the bench sentence's 5,000; 11,300 now); at most 6× now, cut or not."""
    ratio, lines_one, lines_four, size_four = lines_for_four_times(zoneless_sentence, 25, capped, monkeypatch)
    print(
        f"one sentence naming no zone: 4× the text ran {ratio:.2f}× the parser's lines "
        f"({lines_one:,} → {lines_four:,}, {lines_four / (size_four / 1024):,.0f} per KB)"
    )
    assert ratio <= 6, f"4× the sentence ran {ratio:.1f}× the lines of parser code (linear: 4×)"


def back_references(size_chars: int) -> bytes:
    """One sentence of projects each followed by "上述项目总投资…" (a batch of the projects just
    named), under a headline: every back reference looks back over the projects before it."""
    companies = "星辰 博越 晶合 华拓 海创 瑞丰 启明 蓝海 远景 恒信 天擎 新源 嘉禾 凯德 鼎盛 弘毅".split()
    products = "光伏组件 储能电池 碳纤维 显示面板 医疗器械 工业机器人 负极材料 氢燃料电池".split()
    parts, length, k = [], 0, 0
    while length < size_chars:
        product = products[k // len(companies) % len(products)]
        part = f"{companies[k % len(companies)]}{product}{k}号项目签约，上述项目总投资{k % 90 + 1}亿元"
        parts.append(part)
        length += len(part) + 1
        k += 1
    return ("乐山高新区项目签约\n\n" + "，".join(parts) + "。").encode("utf-8")


def test_back_references_in_one_long_sentence_cost_linear_work():
    """ "上述项目" looked back over every project of its paragraph and each batch's members were
    matched against every project: 4× the sentence ran 15× the lines before; now the recent
    projects only (as a mention's merge does) and each member's project is looked up once."""
    gazetteer = load_gazetteer()
    one, four = back_references(8_500), back_references(34_000)
    parse_bytes(one, gazetteer=gazetteer)
    lines_one, lines_four = parser_lines(one, gazetteer), parser_lines(four, gazetteer)
    ratio = lines_four / lines_one
    print(
        f"back references: 4× the text ran {ratio:.2f}× the parser's lines ({lines_one:,} → {lines_four:,})"
    )
    assert ratio <= 6, f"4× the sentence ran {ratio:.1f}× the lines of parser code (linear: 4×)"
