"""The speed work's fast paths give exactly what the plain code they replace gives."""

from __future__ import annotations

import gc
import unicodedata

import pytest

from articles.parsing import textfold
from articles.parsing.amounts import _AMOUNT_RE
from articles.parsing.clean import nfkc, normalise
from articles.parsing.names import _NAME_CHARS, _NAME_RUN
from articles.parsing.pipeline import parse_bytes

TEXTS = [
    "總投資15億元的項目簽約；（約）１２３ＡＢｃ．　完",
    "合肥高新区签约，总投资15亿元。",
    "",
    "3,200万美元;人民币5亿元:(约)",
]


@pytest.mark.parametrize("text", TEXTS)
def test_fold_equals_the_translation_table(text):
    assert textfold.fold(text) == text.translate(textfold._TABLE)
    assert textfold._fold(text * 2000) == (text * 2000).translate(textfold._TABLE)


def test_amount_guard_keeps_every_match():
    import re

    plain = re.compile(_AMOUNT_RE.pattern.split("\n", 2)[2], re.VERBOSE)  # without the guard line
    text = "人民币5亿元、美元3000万、约12.5亿元，三亿五千万元，10至12亿元，5月8日，120亿，第3批。"
    assert [m.span() for m in _AMOUNT_RE.finditer(text)] == [m.span() for m in plain.finditer(text)]


@pytest.mark.parametrize(("text", "end"), [("年产甲乙项目", 6), ("ab\n甲乙项目", 7), ("，“星河”项目", 7)])
def test_name_run_equals_the_character_loop(text, end):
    start = end
    while start > 0 and _NAME_CHARS.match(text, start - 1):
        start -= 1
    assert _NAME_RUN.search(text, 0, end).start() == start


@pytest.mark.parametrize(
    "text",
    ["合肥，高新区：（一）！？　…", "1，200万元", "Ａ\u0301，ｶﾞ", "e\u0301…，", "⼾口", "ﬁ，㍻", "，\u0301"],
)
def test_nfkc_equals_unicodedata(text):
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_normalise_spaces_beside_punctuation():
    assert normalise("甲 ， 乙 。丙") == "甲，乙。丙"
    assert normalise("甲...乙") == "甲…乙"


def test_parse_restores_the_garbage_collector():
    assert gc.isenabled()
    parse_bytes("合肥高新区签约\n总投资15亿元。".encode())
    assert gc.isenabled()
    gc.disable()
    try:
        parse_bytes("合肥高新区签约\n总投资15亿元。".encode())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_punctuation_guard_keeps_every_match():
    import re

    from articles.parsing.clean import _ASCII_PUNCT, _CJK_CONTEXT

    plain = re.compile(rf"(?<=[{_CJK_CONTEXT}]) ?[,;:()!?]{{1,8}}|[,;:()!?]{{1,8}} ?(?=[{_CJK_CONTEXT}])")
    text = "中 ,文A, B 1,200 中!?(文 ;a 甲:(乙) x,y 。, ,中"
    assert [m.span() for m in _ASCII_PUNCT.finditer(text)] == [m.span() for m in plain.finditer(text)]


@pytest.mark.parametrize(
    "line",
    [
        "2023年5月12日 星期五",
        "第3版",
        "A12",
        "责任编辑：马骁",
        "（上转第2版）",
        "合肥高新区签约",
        "— 3 —",
        "周五 B2",
    ],
)
def test_edition_token_shortcut(line):
    from articles.parsing.clean import _EDITION_TOKEN, _only_edition_tokens

    assert _only_edition_tokens(line) == (not _EDITION_TOKEN.sub("", line))
