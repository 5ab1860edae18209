"""A sentence longer than `MAX_SENTENCE` characters (a file whose full stops were lost) is read
in pieces cut at clause marks (issue 15 item 3); a sentence of real length is never cut.

Timing and work counts of such files are in tests/test_parser_linearity.py."""

from __future__ import annotations

from datetime import date

from articles.parsing.extract import MAX_SENTENCE
from articles.parsing.pipeline import parse_bytes
from bench.long_sentence import long_sentence

from .helpers import GAZETTEER

ISSUE = date(2023, 7, 1)
COMPANIES = "星辰 博越 晶合 华拓 海创 瑞丰 启明 蓝海 远景 恒信 天擎 新源 嘉禾 凯德 鼎盛 弘毅".split()
PRODUCTS = "光伏组件 储能电池 碳纤维 显示面板 医疗器械 工业机器人 负极材料 氢燃料电池".split()


def clauses(n: int) -> list[str]:
    """n project clauses, each with its own name and amount ("星辰光伏组件项目签约，总投资3亿元")."""
    out = []
    for k in range(n):
        company, product = COMPANIES[k % len(COMPANIES)], PRODUCTS[k // len(COMPANIES) % len(PRODUCTS)]
        out.append(f"{company}{product}项目签约，总投资{k + 1}亿元")
    return out


def parse(text: str):
    return parse_bytes(text.encode("utf-8"), issue_date=ISSUE, gazetteer=GAZETTEER)


def test_a_sentence_of_real_length_is_not_cut():
    """Three times the longest sentence of the real pages (341 characters) is still one
    sentence: its facts quote the whole of it."""
    sentence = "，".join(clauses(40)) + "。"
    assert 600 < len(sentence) < MAX_SENTENCE
    article = parse("乐山高新区项目集中签约\n\n" + sentence).articles[0]
    assert len(article.projects) == 40
    assert {p.quote for p in article.projects} == {sentence}


def test_quotes_of_a_very_long_sentence_are_pieces_of_it():
    """Before, every fact of a 200 KB sentence quoted all 200 KB (820 KB: 667 million
    characters of quotes for one upload); now a fact quotes the piece it is in."""
    parsed = parse(long_sentence(200 * 1024))
    assert len(parsed.articles) == 1
    article = parsed.articles[0]
    facts = [*article.projects, *article.batches]
    assert len(facts) > 300
    for fact in facts:
        assert 0 < len(fact.quote) <= MAX_SENTENCE
        assert article.text[fact.quote_start : fact.quote_end] == fact.quote


def test_facts_of_a_very_long_sentence_are_still_read():
    """The cut falls at a clause mark in the second half of each piece: most clause pairs stay
    together, so nearly every project keeps its name and its own amount."""
    parts = clauses(128)
    sentence = "，".join(parts * 8) + "。"  # 1,024 clauses, ~20,000 characters, one sentence
    assert len(sentence) > 15 * MAX_SENTENCE
    article = parse("乐山高新区项目集中签约\n\n" + sentence).articles[0]
    amounts = {p.name: p.amount.text for p in article.projects if p.name and p.amount}
    expected = {part.split("签约")[0]: part.split("，")[1] for part in parts}
    right = sum(1 for name, amount in expected.items() if amounts.get(name) == amount)
    print(f"{right} of {len(expected)} projects read with their own amount")
    assert right >= 0.9 * len(expected), f"{right} of {len(expected)} projects read with their amount"


def test_a_long_run_without_clause_marks_is_cut_too():
    """No ；，、 at all: cut every `MAX_SENTENCE` characters, and every quote stays short."""
    text = (
        "乐山高新区项目签约\n\n"
        + "园区持续优化营商环境推动产业集聚发展" * 3000
        + "总投资5亿元的星辰光伏组件项目签约。"
    )
    article = parse(text).articles[0]
    assert [p.amount.text for p in article.projects] == ["总投资5亿元"]
    assert all(len(p.quote) <= MAX_SENTENCE for p in article.projects)
