"""Acceptance: the sample page, in every format editors upload, parsed end to end.

Reads ../shared/samples in place (third-party text: never copied into the repository).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from articles.parsing.pipeline import parse_bytes, to_contract
from tests.conftest import sample_path

from .contract import validate

FORMATS = [
    "bulletin-sample.txt",
    "bulletin-sample.gb18030.txt",
    "bulletin-sample.html",
    "bulletin-sample.docx",
    "bulletin-sample.pdf",
]
YI = Decimal(10) ** 8
_cache: dict[str, dict] = {}


def parsed(name: str) -> dict:
    if name not in _cache:
        data = sample_path(name).read_bytes()
        _cache[name] = to_contract(parse_bytes(data, path=name, issue_date=date(2022, 7, 1)))
    return _cache[name]


@pytest.fixture(params=FORMATS)
def doc(request):
    return parsed(request.param)


def money(fact) -> Decimal | None:
    return Decimal(fact["amount"]["value"]) if fact["amount"] else None


def test_contract_shape(doc):
    validate(doc)
    json.dumps(doc, ensure_ascii=False)


def test_four_articles_and_their_zones(doc):
    assert [a["zones"][:1] for a in doc["articles"]] == [
        ["西安高新区"],
        ["乐山高新区"],
        ["天津滨海高新区"],
        ["清远高新区"],
    ]


def test_xian_batch_once(doc):
    batches = doc["articles"][0]["batches"]
    assert [(b["zone"], b["count"], money(b), b["date"]) for b in batches] == [
        ("西安高新区", 10, Decimal("114.7") * YI, "2022-06-28")
    ]


def test_leshan_batches(doc):
    batches = {(b["count"], money(b)): b for b in doc["articles"][1]["batches"]}
    assert set(batches) == {(5, Decimal("200.2") * YI), (2, 50 * YI)}
    assert batches[(5, Decimal("200.2") * YI)]["date"] in ("2022", None)
    assert all(b["zone"] == "乐山高新区" for b in batches.values())


def test_qingyuan_batch(doc):
    (batch,) = doc["articles"][3]["batches"]
    assert (batch["zone"], batch["count"], money(batch), batch["date"]) == (
        "清远高新区",
        16,
        122 * YI,
        "2022",
    )
    assert batch["amount"]["approximate"] is True


def _project(doc, *words):
    found = [
        p
        for p in doc["articles"][1]["projects"]
        if all(w in (p["name"] or "") + (p["investor"] or "") for w in words)
    ]
    assert len(found) == 1, [p["name"] for p in doc["articles"][1]["projects"]]
    return found[0]


def test_leshan_projects(doc):
    hangda = _project(doc, "光伏、风电储能电池产业园")
    assert (hangda["investor"], money(hangda), hangda["stage"], hangda["date"]) == (
        "航达电子",
        15 * YI,
        "signed",
        "2021-11",
    )
    gcl = _project(doc, "10GW", "光伏")
    assert gcl["investor"] in ("协鑫集成", "协鑫集成科技股份有限公司")
    assert (gcl["amount"], gcl["stage"], gcl["date"]) == (None, "signed", "2022-03")
    haichuang = _project(doc, "海创尚纬")
    assert (money(haichuang), haichuang["stage"], haichuang["date"]) == (120 * YI, "started", "2022-05-29")
    jinruiqi = _project(doc, "金瑞麒", "自动驾驶产业园")
    assert (jinruiqi["amount"], jinruiqi["stage"], jinruiqi["date"]) == (None, "signed", "2021-12")
    assert all(p["zone"] == "乐山高新区" for p in doc["articles"][1]["projects"])


def test_no_amount_from_non_investments(doc):
    forbidden = {25 * YI, 1 * YI, 5000 * 10**4, 100 * YI, 3 * YI, 10 * YI, 200 * YI}
    for article in doc["articles"]:
        for fact in article["projects"] + article["batches"]:
            assert money(fact) not in forbidden, fact["quote"]


def test_no_batch_from_cooperation_agreements(doc):
    assert all(b["count"] != 508 for a in doc["articles"] for b in a["batches"])


def test_no_project_in_tianjin_article(doc):
    assert doc["articles"][2]["projects"] == []
    assert doc["articles"][2]["batches"] == []


def test_quotes_are_slices_of_article_text(doc):
    for article in doc["articles"]:
        for fact in article["projects"] + article["batches"]:
            assert article["text"][fact["quote_start"] : fact["quote_end"]] == fact["quote"]
