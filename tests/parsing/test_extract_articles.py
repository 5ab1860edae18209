"""extract: whole articles written for the tests, checked as the scorer would check them:
the set of investment amounts, each one's event month, and no crash on anything."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.parsing.amounts import format_value
from articles.parsing.types import RawArticle

from .helpers import GAZETTEER, extract, yi

WUHAN = """本报讯（记者 某某）3月18日，武汉东湖高新区举行一季度重大项目集中签约活动，共签约项目21个，总投资达386亿元。
其中，某芯片企业投资60亿元建设12英寸特色工艺晶圆生产线，项目建成后预计年产值超100亿元；某生物科技公司拟投资15亿元建设创新药研发生产基地。
活动现场还发布了光谷科技创新政策，对新落户的总部企业给予最高5000万元奖励。
据介绍，去年东湖高新区实现企业总收入1.6万亿元，同比增长18%，固定资产投资完成1200亿元。
此外，总投资20亿元的智能网联汽车测试基地项目已于去年12月开工，目前主体工程完成过半。"""


def facts(article):
    return sorted(
        (format_value(f.amount.value), f.amount.currency, f.date.isoformat() if f.date else None)
        for f in [*article.projects, *article.batches]
        if f.amount is not None
    )


def test_wuhan_style_article():
    article = extract(WUHAN, title="东湖高新区一季度签约项目21个")
    assert article.zones[0] == "武汉东湖高新区"
    assert facts(article) == sorted(
        [
            (yi(386)[0], "CNY", "2022-03-18"),
            (yi(60)[0], "CNY", "2022-03-18"),
            (yi(15)[0], "CNY", "2022-03-18"),
            (yi(20)[0], "CNY", "2021-12"),
        ]
    )
    (batch,) = article.batches
    assert batch.count == 21 and batch.zone == "武汉东湖高新区"


TRADITIONAL = """本報訊 近日，深圳高新區舉行招商引資項目簽約儀式，共簽約項目12個，總投資約150億元。
其中，某新能源企業將投資30億元建設儲能電池生產基地，預計明年投產，年產值可達80億元。"""


def test_traditional_article():
    article = extract(TRADITIONAL)
    assert article.zones == ["深圳高新区"]
    assert facts(article) == sorted([(yi(150)[0], "CNY", "2022-07"), (yi(30)[0], "CNY", "2022-07")])
    assert article.batches[0].amount.approximate is True


def test_usd_article_two_currencies():
    text = "4月8日，某跨国公司宣布以3亿美元在苏州高新区投资建设亚太研发中心，该公司此前已在当地投资5亿欧元。"
    got = sorted((format_value(f.amount.value), f.amount.currency) for f in extract(text).projects)
    assert got == [("300000000", "USD"), ("500000000", "EUR")]


def test_empty_and_odd_articles():
    for text in ["", "\n\n", "。。。", "总投资", "亿元", "6月", "高新区", "（）", "项目项目项目"]:
        article = extract(text)
        assert article.projects == [] and article.batches == []


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet="总投资约亿万元的项目签约开工投产年月日，。；、该高新区乐山0123456789一二十百千个共计其中上述",
        max_size=200,
    )
)
def test_never_crashes(text):
    from articles.parsing.extract import extract_article

    article = extract_article(RawArticle("题", None, None, text), gazetteer=GAZETTEER, issue_date=None)
    for fact in [*article.projects, *article.batches]:
        assert text[fact.quote_start : fact.quote_end] == fact.quote
