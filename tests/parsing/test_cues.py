"""Which sums of money are investments: the cue rules of `cues.py` and their word lists.

Invented sentences, one per kind of figure that is not a project's investment (issue 10,
item 1), and the opposite case: a project whose only figure is this year's share is kept.
"""

from __future__ import annotations

import pytest

from articles.parsing import cues
from articles.parsing.textfold import fold
from articles.parsing.wordlists import DATA_DIR, alternation, words

from .helpers import amounts, extract, yi

NOT_INVESTMENT = [
    # averages and thresholds
    ("12个项目合计总投资86亿元，平均投资规模达7.2亿元。", [yi(86)]),
    ("这批项目中有4个总投资超过10亿元。", []),
    ("签约项目中有3个投资超5亿元。", []),
    ("亩均投资达500万元以上。", []),
    # past or cumulative money
    ("从2019年开始，总计6500万元的投资已全部到位。", []),
    ("目前项目已到位资金3亿元。", []),
    # registered capital in a sentence of its own
    ("该公司成立于2020年3月，注册资本为6000万元人民币。", []),
    # securities
    ("实际募集资金36亿元，董事长斥资1.8亿元认购了4600万股。", []),
    ("公司拟定向增发股票，投资者出资8亿元认购。", []),
    # denied rumours
    ("该项目总投资额约45亿元，传闻不实。", []),
    ("公司否认了将投资20亿元建厂的报道。", []),
    # group-wide plans
    ("未来5年，欧德在中国的投资额将超过50亿元人民币。", []),
    # other firms cited as background
    ("如华辰科技拟投资5.5亿元布局算力租赁，恒远通信拟投资3亿元建设数据中心。", []),
    ("例如，某龙头企业投资30亿元建设了新基地。", []),
    # fiscal allocations
    ("国家下达新一批中央预算内投资40亿元。", []),
    ("省里下达专项投资12亿元用于道路改造。", []),
    # regional statistics
    ("三省一市全社会投资达1.2万亿元。", []),
    ("全省工业投资同比增长8%，完成投资3000亿元。", []),
]


@pytest.mark.parametrize(("text", "expected"), NOT_INVESTMENT)
def test_figures_that_are_not_investment(text, expected):
    assert amounts(extract(text)) == expected


KEPT = [
    # 如 in 如今 / 如期 / 如东 is no example
    ("如今，西安高新区光伏组件项目总投资10亿元。", [yi(10)]),
    ("如东县光伏组件项目总投资10亿元，如期开工。", [yi(10)]),
    # a total with a bound, and a count in another clause: the batch stands
    ("此次签约项目23个，总投资超过110亿元。", [yi(110)]),
    # registered capital beside an event: the new company is the project
    ("新公司注册资本1亿元，正式落户高新区。", [yi(1)]),
    # a firm's investment inside a scope word: not a statistic
    ("行业龙头企业华辰集团投资50亿元建设新能源基地。", [yi(50)]),
]


@pytest.mark.parametrize(("text", "expected"), KEPT)
def test_investments_that_stay(text, expected):
    assert amounts(extract(text)) == expected


@pytest.mark.parametrize(
    ("text", "amount", "name"),
    [
        ("西安高新区光伏组件项目今年计划投资2.6亿元。", 2.6, "西安高新区光伏组件项目"),
        ("西安高新区光伏组件项目签约，总投资10亿元，今年计划投资2.6亿元。", 10, "西安高新区光伏组件项目"),
    ],
)
def test_this_years_share_keeps_the_project(text, amount, name):
    article = extract(text)
    assert [p.name for p in article.projects] == [name]
    assert amounts(article) == [yi(amount)]


def test_year_plan_of_a_works_list_is_still_no_investment():
    assert amounts(extract("全区安排重大工程项目465项，年度计划投资约1656亿元。")) == []


def test_cue_lists_are_data_files_with_comments():
    for path in sorted(DATA_DIR.glob("*/*.txt")):
        name = f"{path.parent.name}/{path.stem}"
        assert words(name), f"{path} holds no word"
        assert all("#" not in w and w == w.strip() for w in words(name)), path
    assert "总投资" in words("cues/total") and "传闻" in words("cues/denial")
    order = alternation("cues/total").split("|")
    assert order.index("总投资额") < order.index("总投资")  # the longest cue wins


def test_sentence_veto_and_classify_on_folded_text():
    text = fold("如华辰科技拟投资5.5亿元。")
    assert cues.sentence_vetoed(text, 0, len(text))
    plain = fold("华辰科技拟投资5.5亿元。")
    assert not cues.sentence_vetoed(plain, 0, len(plain))
    assert cues.classify(plain, plain.index("5.5"), plain.index("。"))[0] == "total"


# --- industry, territory and cumulative investment ----------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "今年上半年我国动力电池领域新增投资超过3000亿元。",
        "光伏产业链投资额达2500亿元。",
        "江苏一省上半年新能源领域投资就超过800亿元。",
        "生物医药项目投资额累计超过200亿元。",
    ],
)
def test_industry_and_cumulative_investment_is_a_statistic(text):
    assert amounts(extract(text)) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("7月18日，行业龙头恒储能源集团投资50亿元建设储能电芯项目。", 50),
        ("全市集中签约项目32个总投资120亿元。", 120),
    ],
)
def test_firms_and_signings_keep_their_investment(text, value):
    assert amounts(extract(text)) == [yi(value)]
