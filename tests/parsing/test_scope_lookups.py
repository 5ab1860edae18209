"""Another scope (a city, a province, a scope word, an event) named in a figure's sentence up to
the end of its clause takes the figure from the article's zone; in a long sentence the scope
words are read once for all its figures (attribution.Scopes), with the same answers.

The work such sentences cost is measured in tests/test_parser_linearity.py."""

from __future__ import annotations

import re

import pytest

from articles.parsing import attribution, extract
from articles.parsing.pipeline import parse_bytes
from articles.parsing.textfold import fold

from .helpers import GAZETTEER, ISSUE

COMPANIES = "星辰 博越 晶合 华拓 海创 瑞丰 启明 蓝海 远景 恒信 天擎 新源".split()
# Each names another scope by one of attribution's rules.
OTHER_SCOPES = {
    "suffix": "博越储能电池项目落户周口市",  # a place with an administrative suffix
    "place word": "博越储能电池项目落户四川",  # a province after a place word
    "boundary": "博越储能电池项目在四川、陕西两地布局",  # a province before a boundary
    "scope word": "全市新签约项目",
    "event": "推介会现场签约博越储能电池项目",
}


def clauses(start: int, n: int) -> list[str]:
    return [f"{COMPANIES[k % len(COMPANIES)]}光伏组件{k}号项目签约，总投资{k + 1}亿元" for k in range(start, start + n)]


def zones_by_amount(text: str) -> dict[str, str | None]:
    article = parse_bytes(text.encode("utf-8"), issue_date=ISSUE, gazetteer=GAZETTEER).articles[0]
    return {p.amount.text: p.zone for p in article.projects if p.amount}


@pytest.mark.parametrize("uncut", [False, True], ids=["sentence", "uncut"])
@pytest.mark.parametrize("rule", OTHER_SCOPES)
def test_a_figure_is_the_zones_up_to_another_scope_named_in_its_sentence(rule, uncut, monkeypatch):
    """Twenty figures, then a clause naming a city (or a province, 全市, an event), then twenty
    more, in one sentence of an article about one zone: the figures before that clause are the
    zone's, the figure of that clause and those after it are not. Also in one sentence of 300
    figures before it, read uncut (a file whose full stops were lost)."""
    before = 300 if uncut else 20
    sentence = "，".join([*clauses(0, before), OTHER_SCOPES[rule] + "，总投资999亿元", *clauses(before, 20)]) + "。"
    assert (len(sentence) > extract.MAX_SENTENCE) == uncut
    if uncut:
        monkeypatch.setattr(extract, "MAX_SENTENCE", 10**12)
    zones = zones_by_amount("乐山高新区项目集中签约\n\n" + sentence)
    assert len(zones) == before + 21
    assert {zones[f"总投资{k + 1}亿元"] for k in range(before)} == {"乐山高新区"}
    assert zones["总投资999亿元"] is None
    assert {zones[f"总投资{k + 1}亿元"] for k in range(before, before + 20)} == {None}


def direct_reading(gazetteer, folded: str, lo: int, hi: int) -> bool:
    """names_other_scope as parser 4.11 read it, scanning folded[lo:hi] for each figure."""
    if attribution._NOT_ZONE.search(folded, lo, hi):
        return True
    places, bare, lengths = gazetteer.places, attribution._bare_places(gazetteer), attribution._PLACE_LENGTHS
    for m in attribution._ADMIN.finditer(folded, lo, hi):
        if any(folded[m.start() - k : m.start()] in places for k in lengths if m.start() - k >= lo):
            return True
    for m in attribution._PLACE_BEFORE_ANY.finditer(folded, lo, hi):
        if any(folded[m.end() : m.end() + k] in bare for k in lengths if m.end() + k <= hi):
            return True
    for m in attribution._PLACE_AFTER_ANY.finditer(folded, lo, hi):
        if any(folded[m.start() - k : m.start()] in bare for k in lengths if m.start() - k >= lo):
            return True
    return hi - lo >= 2 and any(folded[hi - k : hi] in bare for k in lengths if hi - k >= lo)


@pytest.mark.parametrize("nested", [False, True], ids=["words", "nested words"])
def test_one_reading_of_a_sentence_answers_as_a_scan_for_every_figure(nested, monkeypatch):
    """For every start of a clause and every end up to the sentence's: words that overlap
    (全省, 省委; 推介会, 推介活动), suffixes that share a character (自治州, 州), places
    after 在/落户/来自 at the sentence's end, places cut by the end, 两地/各地. Also with scope
    words inside longer ones (招商推介大会 holds 推介 and 大会), which the lists may come to hold."""
    if nested:
        words = ("招商推介大会", "推介", "大会", "全市委", "市委")
        monkeypatch.setattr(attribution, "_NOT_ZONE", re.compile("|".join(words)))
    pieces = [
        "招商推介大会",
        "星辰项目落户周口市",
        "在四川",
        "来自陕西的博越",
        "全省委托",
        "推介活动",
        "新疆喀什地区",
        "恩施自治州",
        "四川、陕西两地",
        "落地成都",
        "蓝海科技",
        "全市",
        "山东16市",
        "合肥和长沙",
        "苏州",
    ]
    folded = fold("，".join(pieces[k % len(pieces)] + "项目总投资5亿元" for k in range(3 * len(pieces))) + "。")
    starts = [0] + [k + 1 for k, c in enumerate(folded) if c == "，"]
    for lo in starts[:: len(pieces) // 2]:
        scopes = attribution.Scopes(GAZETTEER, folded, lo, len(folded))
        for hi in range(lo, len(folded) + 1):
            expected = direct_reading(GAZETTEER, folded, lo, hi)
            assert scopes.names_other_scope(hi) == expected, (lo, hi, folded[lo:hi])
            assert attribution.names_other_scope(GAZETTEER, folded, lo, hi) == expected
        assert scopes.names_scope_word == attribution.names_scope_word(folded, lo, len(folded))


def test_no_alternative_of_the_place_patterns_begins_another():
    """What lets one scan of a sentence answer for every clause end: a match that runs past an
    end cannot be replaced, in the text cut there, by a shorter alternative at the same place."""
    for pattern in (attribution._ADMIN, attribution._PLACE_BEFORE_ANY):
        alternatives = pattern.pattern.split("|")
        assert all(not b.startswith(a) for a in alternatives for b in alternatives if a != b), pattern
    single, *longer = attribution._PLACE_AFTER_ANY.pattern.split("|")
    assert single.startswith("[") and all(not attribution._PLACE_AFTER_ANY.fullmatch(w[0]) for w in longer)
