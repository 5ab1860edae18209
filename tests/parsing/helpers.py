"""Shared helpers of the parsing tests: a small gazetteer and shortcuts to run extraction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from articles.parsing.amounts import format_value
from articles.parsing.extract import extract_article
from articles.parsing.types import ParsedArticle, RawArticle
from articles.parsing.zones import Gazetteer

ISSUE = date(2022, 7, 1)


def _zone(short: str, province: str, city: str, aliases: tuple[str, ...] = ()) -> dict:
    return {
        "short_name": short,
        "full_name": short.replace("高新区", "高新技术产业开发区"),
        "province": province,
        "city": city,
        "level": "national",
        "kind": "高新区",
        "approved_year": 2000,
        "aliases": list(aliases),
    }


GAZETTEER = Gazetteer(
    [
        _zone("西安高新区", "陕西省", "西安市"),
        _zone("乐山高新区", "四川省", "乐山市"),
        _zone("天津滨海高新区", "天津市", "天津市", ("滨海高新区",)),
        _zone("清远高新区", "广东省", "清远市"),
        _zone("成都高新区", "四川省", "成都市"),
        _zone("苏州高新区", "江苏省", "苏州市"),
        _zone("武汉东湖高新区", "湖北省", "武汉市", ("东湖高新区", "中国光谷")),
        _zone("合肥高新区", "安徽省", "合肥市"),
        _zone("长沙高新区", "湖南省", "长沙市"),
        _zone("深圳高新区", "广东省", "深圳市"),
    ]
)


def extract(text: str, *, title: str | None = None, issue: date | None = ISSUE) -> ParsedArticle:
    return extract_article(RawArticle(title, None, None, text), gazetteer=GAZETTEER, issue_date=issue)


def yi(value: float | str, currency: str = "CNY") -> tuple[str, str]:
    """("15", "CNY") → ("1500000000", "CNY"): amounts in the tests are written in 亿."""
    return format_value(Decimal(str(value)) * Decimal(10) ** 8), currency


def wan(value: float | str, currency: str = "CNY") -> tuple[str, str]:
    return format_value(Decimal(str(value)) * Decimal(10) ** 4), currency


def amounts(article: ParsedArticle) -> list[tuple[str, str]]:
    """All investment amounts of an article (projects and batches), sorted."""
    facts = [*article.projects, *article.batches]
    return sorted((format_value(f.amount.value), f.amount.currency) for f in facts if f.amount is not None)
