"""Property-based tests of the parser and of `manage.py parse_bulletin`.

Whatever the input — any bytes, bytes behind a PDF/ZIP/HTML/BOM signature, any text in any
of the accepted encodings, newspaper-like text stitched from real fragments — the parser
either returns a result that is valid against the JSON contract (tests/parsing/contract.py)
or raises `UnreadableFile` (the command: `CommandError`) with a one-line message. Nothing
else ever escapes.

Example counts come from a Hypothesis settings profile: `zit-ci` (the default, a bounded
300–500 examples per property, about half a minute in all) or `zit-thorough` (10× more):

    ZIT_HYPOTHESIS_PROFILE=zit-thorough .venv/bin/pytest tests/parsing/test_properties.py -s

Each property counts the inputs it tried; run with `-s` to see the counts (or pass
`--hypothesis-show-statistics`).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.parsing import clean, read, split
from articles.parsing.extract import extract_article
from articles.parsing.pipeline import parse_bytes, to_contract
from articles.parsing.types import DecodedDocument, RawArticle, UnreadableFile

from .contract import validate
from .helpers import GAZETTEER

settings.register_profile(
    "zit-ci",
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
settings.register_profile("zit-thorough", parent=settings.get_profile("zit-ci"))
PROFILE = settings.get_profile(os.environ.get("ZIT_HYPOTHESIS_PROFILE", "zit-ci"))
SCALE = 10 if os.environ.get("ZIT_HYPOTHESIS_PROFILE") == "zit-thorough" else 1


def examples(n: int) -> settings:
    """The chosen profile, with this property's share of examples (not a global load_profile,
    which would change the other modules' Hypothesis tests too)."""
    return settings(PROFILE, max_examples=n * SCALE)


TRIED: Counter[str] = Counter()
OUTCOMES: Counter[str] = Counter()
FORMATS = {"txt", "pdf", "docx", "html"}
STAGES = {"signed", "started", "operating", "other"}

# --------------------------------------------------------------------------- strategies

FRAGMENTS = [
    "西安高新区",
    "乐山高新区",
    "合肥高新区",
    "成都高新区",
    "苏州工业园区",
    "高新区",
    "经开区",
    "总投资约122亿元",
    "总投资",
    "签约",
    "集中签约16个项目",
    "开工",
    "投产",
    "达产",
    "落户",
    "6月28日",
    "2022年3月",
    "今年",
    "上半年",
    "本报讯（记者 张三）",
    "▶ 本报通讯员 李四",
    "项目",
    "1.5亿美元",
    "超50亿元",
    "约",
    "亿元",
    "万元",
    "年产10万吨",
    "用工1000人",
    "图片来源：网络",
    "（上接第一版）",
    "新能源",
    "集成电路",
    "。",
    "，",
    "、",
    "；",
    "“",
    "”",
    "\n",
    "\n\n",
    "  ",
    "\t",
    "\r\n",
    "\u3000",
    "<p>",
    "</p>",
    "&amp;",
    "\ufeff",
    "\u200b",
    "\u202e",
]
ANY_CHAR = st.characters(codec="utf-8", exclude_categories=("Cs",))
CJK_CHAR = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
text_any = st.text(ANY_CHAR, max_size=400)
text_cjk = st.text(st.one_of(CJK_CHAR, st.sampled_from("，。、；：“”（）0123456789亿元万 \n")), max_size=300)
text_news = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(ANY_CHAR, max_size=12)), max_size=80).map(
    "".join
)
ZONES = ["西安高新区", "乐山高新区", "合肥高新区", "成都高新区", "某某高新区", ""]
AMOUNTS = [
    "122亿元",
    "约186亿元",
    "超50亿元",
    "1.5亿美元",
    "3000万元",
    "10亿—20亿元",
    "0亿元",
    "99999999亿元",
]
DATES = ["6月28日", "2022年3月", "今年3月", "近日", "2月30日", "13月1日", ""]
STAGE_WORDS = ["签约", "开工", "投产", "集中签约", "落户", "开工建设", "竣工"]


@st.composite
def news_sentence(draw) -> str:
    """Sentences shaped like the real ones, with parts drawn at random (and some nonsense)."""
    parts = [
        draw(st.sampled_from(DATES)),
        "，",
        draw(st.sampled_from(ZONES)),
        draw(st.sampled_from(STAGE_WORDS)),
        draw(
            st.one_of(
                st.sampled_from(["", "12个项目", "总投资", "年产10万吨"]), st.text(CJK_CHAR, max_size=8)
            )
        ),
        draw(st.sampled_from(["新能源电池", "集成电路", "生物医药", ""])),
        "项目，",
        draw(st.sampled_from(["总投资", "计划投资", "营收", ""])),
        draw(st.sampled_from(AMOUNTS)),
        draw(st.sampled_from(["。", "，", "", "\n"])),
    ]
    return "".join(parts)


text_sentences = st.lists(news_sentence(), min_size=1, max_size=12).map(
    lambda ss: "大标题\n本报讯（记者 张三）" + "".join(ss)
)
any_text = st.one_of(text_any, text_cjk, text_news, text_sentences)

MAGIC = [
    b"",
    b"%PDF-1.7\n",
    b"%PDF-1.4\n%%EOF\n",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0",
    b"<html><body>",
    b"<!DOCTYPE html>",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\x00\x00",
]
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "gbk", "big5", "latin-1"]


@st.composite
def encoded_text(draw) -> bytes:
    text = draw(any_text)
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):  # as a web page
        data = b"<html><body><p>" + data + b"</p></body></html>"
    return data


any_bytes = st.one_of(
    st.binary(max_size=3000),
    st.builds(lambda magic, body: magic + body, st.sampled_from(MAGIC), st.binary(max_size=1500)),
    encoded_text(),
)
issue_dates = st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)))


def one_line(message: str) -> None:
    assert message.strip(), "empty message"
    assert "\n" not in message and "Traceback" not in message, message
    assert len(message) < 300, message


def check_contract(parsed) -> dict:
    doc = to_contract(parsed)
    validate(doc)
    json.dumps(doc, ensure_ascii=False)  # serialisable as the command prints it
    for article in doc["articles"]:
        for fact in [*article["projects"], *article["batches"]]:
            assert article["text"][fact["quote_start"] : fact["quote_end"]] == fact["quote"]
            if fact["amount"] is not None:
                assert Decimal(fact["amount"]["value"]) >= 0
    return doc


# --------------------------------------------------------------------------- properties


@examples(500)
@given(data=any_bytes)
def test_read_document_returns_a_document_or_unreadable_file(data):
    TRIED["read.read_document"] += 1
    try:
        document = read.read_document(data, max_bytes=20 * 1024 * 1024)
    except UnreadableFile as exc:
        one_line(str(exc))
        return
    assert isinstance(document, DecodedDocument)
    assert document.format in FORMATS and document.text.strip()
    if document.format in ("txt", "html"):
        assert "\x00" not in document.text  # PostgreSQL text columns refuse NUL


@examples(500)
@given(data=any_bytes, issue_date=issue_dates)
def test_parse_bytes_output_is_always_valid_against_the_contract(data, issue_date):
    TRIED["pipeline.parse_bytes + to_contract"] += 1
    try:
        parsed = parse_bytes(data, path="x.txt", issue_date=issue_date, gazetteer=GAZETTEER)
    except UnreadableFile as exc:
        one_line(str(exc))
        OUTCOMES["bytes refused"] += 1
        return
    OUTCOMES["bytes parsed"] += 1
    check_contract(parsed)


@examples(400)
@given(text=any_text, issue_date=issue_dates, encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_any_readable_text_parses_into_a_valid_contract(text, issue_date, encoding):
    """Text that reads (the common case), so the extractor is driven, not just the reader."""
    TRIED["pipeline on readable text"] += 1
    try:
        parsed = parse_bytes(text.encode(encoding), issue_date=issue_date, gazetteer=GAZETTEER)
    except UnreadableFile as exc:
        one_line(str(exc))
        OUTCOMES["text refused"] += 1
        return
    doc = check_contract(parsed)
    OUTCOMES["text parsed"] += 1
    OUTCOMES["articles"] += len(doc["articles"])
    OUTCOMES["projects + batches"] += sum(len(a["projects"]) + len(a["batches"]) for a in doc["articles"])


@examples(500)
@given(text=any_text)
def test_normalise_and_clean_page_accept_any_text(text):
    TRIED["clean.normalise + clean_page"] += 1
    normal = clean.normalise(text)
    assert isinstance(normal, str)
    assert "\r" not in normal and "\n\n\n" not in normal
    assert normal == normal.strip("\n")
    assert all(line == line.strip() for line in normal.split("\n"))
    paragraphs = clean.clean_page(normal)
    assert isinstance(paragraphs, list)
    assert all(isinstance(p, str) and "\n" not in p and p.strip() for p in paragraphs)


@examples(300)
@given(
    paragraphs=st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(ANY_CHAR, max_size=60)), max_size=40)
)
def test_split_articles_accepts_any_paragraphs(paragraphs):
    TRIED["split.split_articles"] += 1
    paragraphs = [p for p in (" ".join(p.split()) for p in paragraphs) if p]
    articles = split.split_articles(paragraphs)
    assert all(isinstance(a, RawArticle) and isinstance(a.text, str) for a in articles)
    for a in articles:
        for field in (a.title, a.subtitle, a.byline, a.kicker):
            assert field is None or isinstance(field, str)


@examples(400)
@given(
    title=st.one_of(st.none(), text_news),
    body=any_text,
    issue_date=st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))),
)
def test_extract_article_accepts_any_article(title, body, issue_date):
    TRIED["extract.extract_article"] += 1
    article = extract_article(
        RawArticle(title=title, subtitle=None, byline=None, text=body),
        gazetteer=GAZETTEER,
        issue_date=issue_date,
    )
    OUTCOMES["extracted facts"] += len(article.projects) + len(article.batches)
    for fact in [*article.projects, *article.batches]:
        assert body[fact.quote_start : fact.quote_end] == fact.quote
        if fact.amount is not None:
            assert isinstance(fact.amount.value, Decimal) and fact.amount.value >= 0
    assert all(p.stage in STAGES for p in article.projects)


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory(prefix="zit-props-") as path:
        yield Path(path)


@examples(300)
@given(data=any_bytes, issue_date=issue_dates)
def test_parse_bulletin_command_prints_the_contract_or_a_one_line_error(scratch, data, issue_date):
    TRIED["manage.py parse_bulletin"] += 1
    path = scratch / "issue.bin"
    path.write_bytes(data)
    args = [str(path)] + (["--issue-date", issue_date.isoformat()] if issue_date else [])
    out, err = _Sink(), _Sink()
    try:
        call_command("parse_bulletin", *args, stdout=out, stderr=err)
    except CommandError as exc:
        one_line(str(exc))
        assert str(exc).startswith(str(path))
        return
    doc = json.loads(out.text)
    validate(doc)
    assert doc["source"]["issue_date"] == (issue_date.isoformat() if issue_date else None)


class _Sink:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def flush(self) -> None:
        pass

    @property
    def text(self) -> str:
        return "".join(self.parts)


def test_zz_report_inputs_tried():
    """Printed with -s: how many inputs each property tried in this run."""
    total = sum(TRIED.values())
    lines = [f"  {name}: {count}" for name, count in sorted(TRIED.items())]
    lines.append("  outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(OUTCOMES.items())))
    print(f"\nhypothesis inputs tried ({os.environ.get('ZIT_HYPOTHESIS_PROFILE', 'zit-ci')}): {total}")
    print("\n".join(lines))
