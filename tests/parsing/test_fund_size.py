"""总资金规模 (parser 4.3): the total of a batch of counted projects, never a fund's size —
a fund is no investment. And a figure with no zone of its own, in a paragraph about a city's
event, belongs to the event (null), not to a zone the article names elsewhere."""

from __future__ import annotations

import pytest

from .helpers import extract, yi


@pytest.mark.parametrize(
    ("text", "count", "total"),
    [
        ("会上现场签约项目42个，总资金规模达219亿元。", 42, 219),
        ("此次共促成30个项目达成合作协议，总资金规模达150亿元，项目涵盖农业、文旅等。", 30, 150),
        ("签约的18个项目资金总规模86亿元。", 18, 86),
    ],
)
def test_a_batch_total_given_as_its_fund_scale(text, count, total):
    article = extract(text)
    assert [(b.count, str(b.amount.value)) for b in article.batches] == [(count, yi(total)[0])]
    assert [p for p in article.projects if p.amount is not None] == []


@pytest.mark.parametrize(
    "text",
    [
        "该产业基金总资金规模50亿元，首期规模10亿元。",
        "设立总资金规模20亿元的新能源产业基金。",
        "省里发起设立科创母基金，总资金规模100亿元，已投资项目12个。",
        "这只基金已投资项目15个，总资金规模达80亿元。",
        "该项目资金规模达5亿元。",  # no count: nothing says it is a batch's total
    ],
)
def test_a_fund_s_size_is_no_investment(text):
    article = extract(text)
    assert [b.amount for b in article.batches] == []
    assert [p.amount for p in article.projects if p.amount is not None] == []


def test_an_event_figure_after_its_city_belongs_to_no_zone():
    text = (
        "8月10日，招商引资推介会在楚雄召开。会上现场签约项目42个，总资金规模达219亿元。\n"
        "推介会还推荐了西安高新区的光电产业项目。"
    )
    article = extract(text)
    assert "西安高新区" in article.zones
    assert [(b.count, b.zone) for b in article.batches] == [(42, None)]
