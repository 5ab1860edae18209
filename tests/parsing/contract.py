"""A validator of the public JSON contract (docs/parse-output.md), for any test to reuse.

`validate(doc)` raises AssertionError naming the first key whose presence or type is wrong.
Extra keys are allowed (the contract lets fields be added, never renamed or dropped).
"""

from __future__ import annotations

import re

_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_VALUE = re.compile(r"^\d+(?:\.\d+)?$")
_STAGES = {"signed", "started", "operating", "other"}


def _keys(obj: dict, keys: dict, where: str) -> None:
    assert isinstance(obj, dict), f"{where}: not an object"
    for key, types in keys.items():
        assert key in obj, f"{where}: missing {key!r}"
        assert isinstance(obj[key], types), f"{where}.{key}: {type(obj[key]).__name__} is not {types}"


def _opt_str(value, where: str) -> None:
    assert value is None or isinstance(value, str), f"{where}: not a string or null"


def _amount(amount, where: str) -> None:
    if amount is None:
        return
    _keys(amount, {"value": str, "currency": str, "approximate": bool, "text": str}, where)
    assert _VALUE.match(amount["value"]), f"{where}.value {amount['value']!r} is not a plain decimal"
    assert re.match(r"^[A-Z]{3}$", amount["currency"]), f"{where}.currency {amount['currency']!r}"


def _date(value, where: str) -> None:
    assert value is None or (isinstance(value, str) and _DATE.match(value)), f"{where}: bad date {value!r}"


def _members(batch: dict, article: dict, where: str) -> None:
    """`members`: a list of distinct non-empty names, each a project of the article when the
    article reports that project with a name (see docs/parse-output.md)."""
    assert "members" in batch, f"{where}: missing 'members'"
    members = batch["members"]
    assert isinstance(members, list), f"{where}.members: not a list"
    assert all(isinstance(m, str) and m for m in members), f"{where}.members: not non-empty strings"
    assert len(set(members)) == len(members), f"{where}.members: repeated names"
    names = {p["name"] for p in article["projects"] if p["name"]}
    for m in members:
        assert m in names, f"{where}.members: {m!r} is no project of the article"


def validate(doc: dict) -> None:
    """Check every key and type of a `to_contract` / `parse_bulletin` JSON document."""
    _keys(doc, {"source": dict, "articles": list}, "document")
    source = doc["source"]
    _keys(source, {"sha256": str, "format": str, "parser_version": str}, "source")
    for key in ("path", "encoding", "issue_date"):
        assert key in source, f"source: missing {key!r}"
        _opt_str(source[key], f"source.{key}")
    assert re.match(r"^[0-9a-f]{64}$", source["sha256"]), "source.sha256"
    assert source["format"] in {"txt", "pdf", "docx", "html"}, "source.format"
    _date(source["issue_date"], "source.issue_date")
    for i, article in enumerate(doc["articles"]):
        where = f"articles[{i}]"
        _keys(article, {"index": int, "text": str, "zones": list, "projects": list, "batches": list}, where)
        for key in ("title", "byline"):
            assert key in article, f"{where}: missing {key!r}"
            _opt_str(article[key], f"{where}.{key}")
        assert all(isinstance(z, str) and z for z in article["zones"]), f"{where}.zones"
        for j, p in enumerate(article["projects"]):
            pw = f"{where}.projects[{j}]"
            _keys(p, {"stage": str, "quote": str}, pw)
            for key in ("name", "zone", "investor"):
                assert key in p, f"{pw}: missing {key!r}"
                _opt_str(p[key], f"{pw}.{key}")
            assert "amount" in p and "date" in p, f"{pw}: missing amount/date"
            _amount(p["amount"], f"{pw}.amount")
            _date(p["date"], f"{pw}.date")
            assert p["stage"] in _STAGES, f"{pw}.stage {p['stage']!r}"
        for j, b in enumerate(article["batches"]):
            bw = f"{where}.batches[{j}]"
            _keys(b, {"quote": str}, bw)
            for key in ("zone", "count", "amount", "date"):
                assert key in b, f"{bw}: missing {key!r}"
            _opt_str(b["zone"], f"{bw}.zone")
            assert b["count"] is None or (isinstance(b["count"], int) and not isinstance(b["count"], bool)), (
                bw
            )
            _amount(b["amount"], f"{bw}.amount")
            _date(b["date"], f"{bw}.date")
            _members(b, article, bw)
            assert b.get("stage", "other") in _STAGES, f"{bw}.stage {b.get('stage')!r}"
