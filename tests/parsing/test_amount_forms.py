"""Amount forms of issue 10 (item 7) and 繁體 pages through OpenCC, in invented sentences."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from articles.parsing import textfold
from articles.parsing.amounts import find_amounts
from articles.parsing.pipeline import parse_bytes, to_contract


def found(text: str) -> list[tuple[Decimal, str, bool, str]]:
    return [(a.value, a.currency, a.approximate, a.text) for _, _, a in find_amounts(text)]


@pytest.mark.parametrize(
    ("text", "value", "currency", "quoted"),
    [
        ("公司今年还要再投4个亿上马新产线。", 4 * 10**8, "CNY", "4个亿"),  # spoken 个亿
        ("这个项目投了三个亿。", 3 * 10**8, "CNY", "三个亿"),
        ("集团宣布新增30亿欧元投资。", 30 * 10**8, "EUR", "30亿欧元"),
        ("項目總投資新臺幣80億元。", 80 * 10**8, "TWD", "新臺幣80億元"),  # prefix currency, 繁體
        ("增資新台币3000万元扩建厂房。", 3 * 10**7, "TWD", "新台币3000万元"),
        ("另有台币5亿元用于研发。", 5 * 10**8, "TWD", "台币5亿元"),
        ("以美元5000万元入股。", 5 * 10**7, "USD", "美元5000万元"),  # 元 is the prefix currency's unit
    ],
)
def test_amount_forms(text, value, currency, quoted):
    ((got_value, got_currency, _, got_text),) = found(text)
    assert (got_value, got_currency, got_text) == (value, currency, quoted)


@pytest.mark.parametrize("text", ["招了3个人。", "引进3个亿元级项目。", "建成十几个亿的产业集群。"])
def test_counts_and_size_classes_are_no_amounts(text):
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "approximate"),
    [
        ("双方签约10亿元。", False),
        ("履约金额2亿元。", False),
        ("总投资约10亿元。", True),
        ("大约3亿元。", True),
    ],
)
def test_yue_of_qianyue_is_no_about(text, approximate):
    assert found(text)[0][2] is approximate


# --- traditional → simplified with OpenCC ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "臺商總投資新臺幣80億元，於後續擴產。",
        "乾隆年間的老街上，頭髮花白的老人說著過去。",  # phrase-aware: 乾隆 stays, 頭髮 → 头发
        "昆山高新區簽約９個項目；（約）４．６億美元",
    ],
)
def test_fold_keeps_every_offset(text):
    folded = textfold.fold(text)
    assert len(folded) == len(text)
    assert "億" not in folded and "項" not in folded and "頭髮" not in folded


def test_phrase_conversion_beats_single_characters():
    assert textfold.fold("乾隆皇帝") == "乾隆皇帝"  # a single-character table would write 干隆
    assert textfold.fold("乾燥") == "干燥"


def test_simplified_text_is_not_converted(monkeypatch):
    calls = []
    monkeypatch.setattr(
        textfold, "_T2S", type("Spy", (), {"convert": lambda self, t: calls.append(t) or t})()
    )
    text = "合肥高新区签约项目12个，总投资86亿元。"
    assert textfold.to_simplified(text) is text
    assert calls == []


def test_a_conversion_that_changes_length_falls_back_line_by_line(monkeypatch):
    class Longer:
        def convert(self, text: str) -> str:
            return text.replace("簽約", "签订合约")  # a made-up phrase rule that adds characters

    monkeypatch.setattr(textfold, "_T2S", Longer())
    text = "項目簽約\n總投資3億元"
    simplified = textfold.to_simplified(text)
    assert len(simplified) == len(text)
    # line 1 changed length: OpenCC's single characters; line 2 keeps what the converter gave
    assert simplified == "项目签约\n總投資3億元"


def test_traditional_page_quotes_the_original_text():
    page = (
        "臺商加碼布局 兩岸合作再添動能\n"
        "本報訊 9月11日，昆山高新區舉行簽約儀式，臺灣鼎新光電投資的顯示模組項目總投資新臺幣80億元。\n"
    ).encode()
    doc = to_contract(parse_bytes(page, issue_date=date(2023, 9, 12)))
    text = page.decode()
    (project,) = [p for a in doc["articles"] for p in a["projects"]]
    assert (project["amount"]["value"], project["amount"]["currency"]) == ("8000000000", "TWD")
    assert "新臺幣80億元" in project["quote"]  # the original characters, not the folded ones
    assert doc["articles"][0]["zones"] == ["昆山高新区"]
    assert project["quote"] in text.replace("\n", "") or project["quote"] in text
