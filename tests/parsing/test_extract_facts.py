"""extract: projects and batches with names, stages, dates, investors, zones and quotes."""

from __future__ import annotations

from datetime import date

import pytest

from articles.parsing.extract import extract_article
from articles.parsing.types import EventDate, RawArticle
from articles.parsing.zones import Gazetteer, load_gazetteer

from .helpers import GAZETTEER, amounts, extract, yi


def only_project(text: str, **kw):
    article = extract(text, **kw)
    assert len(article.projects) == 1, article.projects
    return article.projects[0]


# ---------------------------------------------------------------- batches

BATCHES = [
    ("此次签约的项目共16个，总投资约122亿元。", 16, yi(122), True),
    ("现场共签约项目二十三个，总投资186亿元。", 23, yi(186), False),
    ("新增签约项目5个，签约投资额200.2亿元。", 5, yi(200.2), False),
    ("开幕式上，总投资114.7亿元的10个产业项目集中签约。", 10, yi(114.7), False),
    ("上述两个项目总投资50亿元，建成后年产值超百亿元。", 2, yi(50), False),
    ("当天集中开工项目32个，总投资268亿元。", 32, yi(268), False),
    ("12个重点项目现场签约，协议总投资达95.3亿元。", 12, yi(95.3), False),
    ("签约仪式上，共有8个项目签约，签约金额约40亿元。", 8, yi(40), True),
]


@pytest.mark.parametrize(("text", "count", "amount", "approximate"), BATCHES)
def test_batches(text, count, amount, approximate):
    article = extract(text)
    assert len(article.batches) == 1, article.batches
    batch = article.batches[0]
    assert batch.count == count
    assert (str(batch.amount.value), batch.amount.currency) == amount
    assert batch.amount.approximate is approximate
    assert article.projects == []


def test_batch_mentioned_twice_is_one_batch():
    text = (
        "6月28日，产业大会在西安高新区开幕。开幕式上，总投资114.7亿元的10个系列项目签约。\n"
        "大会上，西安高新区与10个系列项目进行签约，这些项目总投资达114.7亿元。"
    )
    article = extract(text)
    assert len(article.batches) == 1
    batch = article.batches[0]
    assert batch.count == 10 and batch.date == EventDate(2022, 6, 28) and batch.zone == "西安高新区"


def test_batch_text_includes_its_cue_and_quote_offsets_match():
    text = "近日，清远高新区举行2022年项目集中签约仪式。此次签约的项目共16个，总投资约122亿元，将注入新动能。"
    article = extract(text)
    (batch,) = article.batches
    assert batch.amount.text == "总投资约122亿元"
    assert text[batch.quote_start : batch.quote_end] == batch.quote
    assert "16个" in batch.quote
    assert batch.date == EventDate(2022)
    assert batch.zone == "清远高新区"


def test_cooperation_agreements_without_amount_are_no_batch():
    article = extract("高新区促进高校院所与385家企业签订合作项目508个。")
    assert article.batches == [] and article.projects == []


def test_batch_and_its_listed_projects_are_both_reported():
    text = "现场签约项目3个，总投资30亿元。其中，光伏组件项目总投资18亿元，储能电站项目总投资12亿元。"
    article = extract(text)
    assert [b.count for b in article.batches] == [3]
    assert sorted(str(p.amount.value) for p in article.projects) == [yi(12)[0], yi(18)[0]]


# ---------------------------------------------------------------- projects


def test_project_with_name_stage_date_after_amount():
    p = only_project("经过多轮磋商，总投资15亿元的光伏、风电储能电池产业园项目于2021年11月正式签约落地。")
    assert p.name == "光伏、风电储能电池产业园项目"
    assert p.stage == "signed"
    assert p.date == EventDate(2021, 11)
    assert p.amount.text == "总投资15亿元"
    assert p.industry == "储能"


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("5月29日，新能源负极材料项目举行开工仪式，该项目总投资120亿元。", "started"),
        ("智能装备产业园项目总投资6亿元，今年3月正式动工。", "started"),
        ("总投资9亿元的晶圆级封装项目上月竣工投产。", "operating"),
        ("总投资9亿元的晶圆级封装项目上月建成投用。", "operating"),
        ("高新区成功引进总投资7亿元的医疗器械生产基地项目。", "signed"),
        ("总投资3亿元的检测中心项目将于明年6月建成投产。", "other"),
    ],
)
def test_stages(text, stage):
    assert only_project(text).stage == stage


def test_future_verbs_do_not_set_the_stage():
    p = only_project("总投资8亿元的智能终端项目3月签约，力争年内开工，预计2023年底建成投产。")
    assert p.stage == "signed"
    assert p.date == EventDate(2022, 3)


def test_project_mentioned_twice_is_one_project():
    text = (
        "去年11月，总投资15亿元的锂电池回收项目正式签约落户高新区。\n"
        "目前，该项目进展顺利，总投资15亿元，计划年底投产。"
    )
    article = extract(text)
    assert len(article.projects) == 1
    assert article.projects[0].date == EventDate(2021, 11)


def test_coreference_gives_stage_and_date_to_named_project():
    text = (
        "2021年11月24日，协鑫科技股份有限公司副总裁来高新区考察，就建设年产10GW光伏电池生产基地项目进行洽谈。"
        "12月7日，管委会对投资协议进行审议，该项目于2022年3月正式签约。"
    )
    p = only_project(text)
    assert p.name == "年产10GW光伏电池生产基地项目"
    assert p.investor == "协鑫科技股份有限公司"
    assert p.stage == "signed" and p.date == EventDate(2022, 3)
    assert p.amount is None


def test_company_before_project_is_investor():
    p = only_project("2021年12月，四川某某智能科学技术有限公司自动驾驶产业园项目正式签约。")
    assert p.investor == "四川某某智能科学技术有限公司"
    assert "自动驾驶产业园" in p.name
    assert p.date == EventDate(2021, 12)


def test_investor_from_earlier_sentence_in_paragraph():
    text = "2021年10月，航宇电子考察团首次来到高新区。通过多轮谈判，总投资15亿元的储能电池产业园项目于2021年11月正式签约。"
    assert only_project(text).investor == "航宇电子"


def test_same_company_prefix_merges_mentions():
    text = (
        "自海创新材西南制造基地项目落地高新区后，高新区成立专班。\n"
        "5月29日，海创新材首期4万吨负极材料项目举行开工仪式。该项目总投资120亿元，投产后年营业收入25亿元，解决就业1000余人。"
    )
    article = extract(text)
    assert len(article.projects) == 1
    p = article.projects[0]
    assert p.amount.value == 120 * 10**8
    assert p.stage == "started" and p.date == EventDate(2022, 5, 29)
    assert p.jobs == 1000


@pytest.mark.parametrize(
    ("text", "jobs"),
    [
        ("总投资5亿元的纺织项目建成后可带动就业1000人以上。", 1000),
        ("总投资5亿元的纺织项目签约，可提供就业岗位800个。", 800),
        ("总投资5亿元的纺织项目签约，将解决200人就业。", 200),
        ("总投资5亿元的纺织项目签约，预计新增就业岗位2万个。", 20000),
        ("总投资5亿元的纺织项目签约。", None),
    ],
)
def test_jobs(text, jobs):
    assert only_project(text).jobs == jobs


def test_several_projects_in_one_sentence():
    text = "当天，智能传感器项目总投资12亿元，高端轴承项目总投资8亿元，两个项目同时签约。"
    article = extract(text)
    got = sorted((p.name, str(p.amount.value)) for p in article.projects)
    assert got == [("智能传感器项目", yi(12)[0]), ("高端轴承项目", yi(8)[0])]


def test_list_with_semicolons():
    text = "签约项目包括：光电显示模组项目，投资10亿元；精密轴承项目，投资6亿元。"
    article = extract(text)
    got = sorted((p.name, str(p.amount.value)) for p in article.projects)
    assert got == [("光电显示模组项目", yi(10)[0]), ("精密轴承项目", yi(6)[0])]


def test_location_is_not_a_project():
    text = "5月29日，某负极材料项目在乐山高新区新能源产业园举行开工仪式。"
    article = extract(text)
    assert [p.name for p in article.projects] == ["某负极材料项目"]


def test_generic_project_words_are_not_projects():
    text = "今年以来，高新区狠抓项目落地落实，组建项目落地班子，主攻项目建设不松劲。"
    assert extract(text).projects == []


def test_registered_capital_counts_only_without_total():
    assert amounts(extract("新公司注册资本1亿元，正式落户高新区。")) == [yi(1)]
    both = extract("该项目总投资3亿元，项目公司注册资本5000万元，已落户高新区。")
    assert amounts(both) == [yi(3)]


def test_usd_deal():
    p = only_project("美国某公司宣布投资2亿美元在苏州高新区建设研发中心项目，双方当天签约。")
    assert (p.amount.currency, str(p.amount.value)) == ("USD", "200000000")
    assert p.zone == "苏州高新区"


# ---------------------------------------------------------------- dates


def test_date_from_nearest_earlier_sentence_in_paragraph():
    text = "6月15日，高新区举行招商推介会。会上，总投资20亿元的电子材料项目成功签约。"
    assert only_project(text).date == EventDate(2022, 6, 15)


def test_date_from_dateline_when_paragraph_has_none():
    text = "近日，高新区举行项目签约仪式。\n会上，总投资20亿元的电子材料项目成功签约。"
    assert only_project(text).date == EventDate(2022, 7)


def test_date_in_other_paragraph_is_not_used():
    text = "近日，高新区举行签约仪式。\n2021年，该区引进企业30家。\n总投资20亿元的电子材料项目成功签约。"
    assert only_project(text).date == EventDate(2022, 7)


def test_plan_date_after_amount_is_not_the_event_date():
    text = "近日，总投资20亿元的电子材料项目签约，预计2024年建成投产。"
    assert only_project(text).date == EventDate(2022, 7)


def test_no_issue_date_leaves_relative_dates_unknown():
    p = only_project("6月15日，总投资20亿元的电子材料项目签约。", issue=None)
    assert p.date is None
    p = only_project("2022年6月15日，总投资20亿元的电子材料项目签约。", issue=None)
    assert p.date == EventDate(2022, 6, 15)


def test_january_issue_december_event():
    p = only_project("12月28日，总投资20亿元的电子材料项目签约。", issue=date(2022, 1, 5))
    assert p.date == EventDate(2021, 12, 28)


# ---------------------------------------------------------------- zones


def test_article_zones_title_first():
    article = extract(
        "成都高新区与合肥高新区代表出席。乐山高新区签约项目5个，总投资30亿元。乐山高新区表示……",
        title="乐山高新区：项目落地快",
    )
    assert article.zones[0] == "乐山高新区"
    assert set(article.zones) == {"乐山高新区", "成都高新区", "合肥高新区"}


def test_bare_gaoxinqu_resolves_to_main_zone():
    article = extract("近日，乐山高新区召开大会。\n该高新区新增签约项目5个，签约投资额20亿元。")
    assert article.batches[0].zone == "乐山高新区"


def test_full_name_and_alias_give_canonical_zone():
    article = extract("天津滨海高新技术产业开发区发布清单。滨海高新区将构建两大场景。")
    assert article.zones == ["天津滨海高新区"]


def test_quotes_are_slices_of_the_text():
    text = "近日，乐山高新区举行签约仪式。\n会上，总投资20亿元的电子材料项目成功签约，该项目可带动就业500人。"
    article = extract(text)
    for fact in [*article.projects, *article.batches]:
        assert text[fact.quote_start : fact.quote_end] == fact.quote


def test_plan_date_is_never_the_dateline():
    # no event date in the article: the issue's month (what the paper reports is new), not 年底
    p = only_project("该项目由平台公司投资建设，总投资4.6亿元，预计年底竣工。")
    assert p.date == EventDate(2022, 7) and p.stage == "other"
    assert only_project("该项目总投资4.6亿元，预计年底竣工。", issue=None).date is None


def test_name_does_not_reach_over_an_earlier_head():
    p = only_project("省重点项目某某产业园二期工程总投资16.8亿元，日前主体结构封顶。")
    assert p.name == "某某产业园二期工程"
    assert p.date == EventDate(2022, 7)


def test_projects_listed_inside_a_batch_sentence():
    text = "现场签约光电模组项目（总投资10亿元）、精密轴承项目（总投资5亿元）等3个项目，总投资22亿元。"
    article = extract(text)
    assert sorted((p.name, str(p.amount.value)) for p in article.projects) == [
        ("光电模组项目", yi(10)[0]),
        ("精密轴承项目", yi(5)[0]),
    ]
    assert [(b.count, str(b.amount.value)) for b in article.batches] == [(3, yi(22)[0])]


# ---------------------------------------------------------------- round 4: batch or project

BATCH_KINDS = [
    # a count two or more clauses before its total
    ("此次集中签约重大项目共40个，涉及总部经济、创新经济等，总投资302亿元。", 40, yi(302)),
    ("新签约亿元以上项目26个，同比增长18%，总投资达132.5亿元。", 26, yi(132.5)),
    ("今天，21个外资项目签约落户，涉及智能制造等领域，签约方多为头部企业，总投资额超过17亿美元。", 21, yi(17, "USD")),
    # "一批" after the total: a batch of unknown size
    ("同时，总投资290亿元的一批重大工程集中开工。", None, yi(290)),
    # a slogan in quotes is no count ("三个一批"), 其中 before a sub-count keeps it a batch
    ("本次纳入“三个一批”项目106个，总投资77.5亿元。", 106, yi(77.5)),
    ("其中，“签约一批”项目34个，总投资22.3亿元。", 34, yi(22.3)),
]


@pytest.mark.parametrize(("text", "count", "amount"), BATCH_KINDS)
def test_batch_totals_far_from_their_count(text, count, amount):
    article = extract(text)
    assert [(b.count, (str(b.amount.value), b.amount.currency)) for b in article.batches] == [(count, amount)]
    assert all(p.amount is None for p in article.projects)


@pytest.mark.parametrize(
    ("text", "members"),
    [
        ("总额55.8亿元的新型显示产业园、绿色算力中心等14项重点项目落地。", ["新型显示产业园", "绿色算力中心"]),
        ("甲新材料项目、乙储能项目等7个项目集中签约，合计总投资30亿元。", ["甲新材料项目", "乙储能项目"]),
        ("西安高新区签约甲光伏项目，乙储能项目开工。上述两个项目总投资50亿元。", ["甲光伏项目", "乙储能项目"]),
        ("此次签约项目12个，总投资80亿元。", []),
    ],
)
def test_batch_members_are_the_projects_it_lists(text, members):
    article = extract(text)
    assert len(article.batches) == 1
    assert article.batches[0].members == members
    names = {p.name for p in article.projects}
    assert set(members) <= names  # each member is a project of the article (no amount of its own)


def test_one_counted_project_is_a_project():
    article = extract("此次签约1个项目，总投资5亿元。")
    assert article.batches == [] and amounts(article) == [yi(5)]


# ---------------------------------------------------------------- round 4: whose figure

FACT_ZONES = [
    # the zone the sentence names
    ("近日，乐山高新区签约项目5个，总投资30亿元。", "乐山高新区"),
    # a city's or an event's total, though the article is about a zone
    ("乐山高新区举行大会。\n全市共签约27个项目，总投资90亿元。", None),
    ("乐山高新区举行大会。\n当天，周口市签约项目27个，总投资90亿元。", None),
    ("乐山高新区举行大会。\n在招商推介会上，现场签约项目12个，总投资48亿元。", None),
    # the zone named earlier in the paragraph
    ("日前，乐山高新区一批重大项目集中签约。此次签约项目共40个，总投资302亿元。", "乐山高新区"),
    # a reference back to the article's zone beats a place after the figure
    ("乐山高新区召开大会。\n该高新区新增签约项目5个，签约投资额20亿元，走在乐山市前列。", "乐山高新区"),
]


# the helpers' gazetteer and a few places, as zones/data/places.txt gives them
PLACES = Gazetteer(list(GAZETTEER.entries.values()), places=["周口", "上海"])


def extract_with_places(text: str):
    return extract_article(RawArticle(None, None, None, text), gazetteer=PLACES, issue_date=date(2022, 7, 1))


@pytest.mark.parametrize(("text", "zone"), FACT_ZONES)
def test_a_facts_zone_is_its_sentences(text, zone):
    article = extract_with_places(text)
    facts = [*article.projects, *article.batches]
    assert len(facts) == 1, facts
    assert facts[0].zone == zone


def test_a_digest_item_does_not_take_the_first_items_zone():
    text = "乐山高新区项目开工\n乐山高新区5个项目开工。\n某地工程计划发布\n今天，上海市签约项目10个，总投资60亿元。"
    article = extract_with_places(text)
    assert [b.zone for b in article.batches] == [None]


# ---------------------------------------------------------------- round 4: when

FACT_DATES = [
    ("光伏二期项目于2021年建成投产，此次光伏三期项目总投资4.5亿美元。", "光伏三期项目", EventDate(2022, 7)),
    ("6月3日，乐山高新区光伏项目签约，总投资10亿元，较去年增长35%。", "乐山高新区光伏项目", EventDate(2022, 6, 3)),
    ("该公司成立于2015年。同日，乐山高新区光伏项目签约，总投资10亿元。", "乐山高新区光伏项目", EventDate(2022, 7)),
    ("今天，乐山高新区光伏项目签约，总投资10亿元。", "乐山高新区光伏项目", EventDate(2022, 7, 1)),
    ("昨天（6月30日），乐山高新区光伏项目签约，总投资10亿元。", "乐山高新区光伏项目", EventDate(2022, 6, 30)),
]


@pytest.mark.parametrize(("text", "name", "when"), FACT_DATES)
def test_event_date_not_history_nor_comparison(text, name, when):
    article = extract(text)
    facts = {p.name: p for p in article.projects}
    assert facts[name].date == when


def test_year_to_date_tally_has_the_year_only():
    article = extract("今年以来，乐山高新区签约项目30个，总投资120亿元。")
    assert article.batches[0].date == EventDate(2022)


def test_wire_lead_kept_as_byline_dates_the_story():
    article = extract_article(
        RawArticle("标题", None, "中新网乐山7月3日电（记者 王某）", "记者获悉，当天乐山高新区集中签约8个项目，总投资61.5亿元。"),
        gazetteer=GAZETTEER,
        issue_date=date(2022, 7, 4),
    )
    assert article.batches[0].date == EventDate(2022, 7, 3)


@pytest.mark.parametrize(
    ("title", "text", "when"),
    [
        ("乐山高新区2021年第二批重点项目清单", "电子材料项目\n总投资：35亿元", EventDate(2021)),
        (None, "电子材料项目总投资35亿元，正在加紧建设。", EventDate(2022, 7)),
    ],
)
def test_articles_without_a_date_take_the_headline_year_else_the_issue_month(title, text, when):
    (project,) = extract(text, title=title).projects
    assert project.date == when


ROUND4_ZONES = [
    # 其中 continues the sentence before, across a paragraph break
    ("乐山高新区集中签约8个项目，总投资61.5亿元。\n其中，由江苏恒远动力投资建设的电驱项目总投资18亿元。", 18, "乐山高新区"),
    # the zone before the figure in its ；-item, not the next item's
    ("其中，乐山高新区签约项目12个，总投资98亿元；成都高新区签约项目9个，总投资76亿元。", 98, "乐山高新区"),
    ("其中，乐山高新区签约项目12个，总投资98亿元；成都高新区签约项目9个，总投资76亿元。", 76, "成都高新区"),
    # two zones named together: the first
    ("今天，17个项目落户乐山高新区和成都高新区，投资总额达300亿元。", 300, "乐山高新区"),
]


@pytest.mark.parametrize(("text", "value", "zone"), ROUND4_ZONES)
def test_zone_of_a_figure_among_several(text, value, zone):
    article = extract(text)
    facts = {f.amount.value: f for f in [*article.projects, *article.batches] if f.amount}
    assert facts[int(yi(value)[0])].zone == zone


def test_headline_figure_the_body_calls_a_plan_is_dropped():
    text = "浦东2024年重大工程计划投资1656亿元\n今年，全区安排重大工程项目465项，年度计划投资约1656亿元。"
    assert amounts(extract(text)) == []


def test_a_batch_repeated_by_its_headline_is_described_by_the_full_sentence():
    text = "乐山一批民生项目开工 总投资约648亿元\n昨天（6月29日），乐山高新区99个民生项目开工，总投资约648亿元。"
    (batch,) = extract(text).batches
    assert (batch.count, batch.zone, batch.date) == (99, "乐山高新区", EventDate(2022, 6, 29))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("两个项目总投资分别为9亿元和6.5亿元。", [yi(6.5), yi(9)]),
        ("签约项目近20个，总投资约180亿元。", [yi(180)]),
    ],
)
def test_respectively_and_approximate_counts(text, expected):
    article = extract(text)
    assert amounts(article) == expected
    assert bool(article.batches) == ("分别" not in text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("该公司注册资本2亿元，由某集团全资设立。", [yi(2)]),
        ("该公司成立于2020年3月，注册资本为6000万元人民币。", []),
    ],
)
def test_registered_capital_of_a_company_set_up_now(text, expected):
    assert amounts(extract(text)) == expected


# ---------------------------------------------------------------- documents and plans


def test_year_inside_a_document_title_is_no_event_date():
    art = extract(
        "日前，管委会印发《2019年重点建设项目计划》，鑫盛材料项目总投资15亿元。", issue=date(2019, 2, 20)
    )
    assert [(p.date.year, p.date.month) for p in art.projects] == [(2019, 2)]


def test_stage_dated_after_the_issue_is_a_plan():
    text = "5月10日，锐能动力电池项目签约，项目总投资18亿元，2025年全部建成投产。"
    project = extract(text, issue=date(2023, 5, 12)).projects[0]
    assert (project.date.year, project.date.month, project.stage) == (2023, 5, "signed")


# ---------------------------------------------------------------- round 4: names and stages

NOT_NAMES = [
    "记者获悉，周口市委书记张某出席活动并宣布项目集中开工。",  # who spoke is no name
    "该公司一期项目总投资5亿元已投产。",  # 一期项目 says which phase, not which project
    "园区切实解决好项目用地问题。",
    "这家公司项目总投资3亿元。",
]


@pytest.mark.parametrize("text", NOT_NAMES)
def test_phrases_that_are_not_project_names(text):
    assert all(p.name is None for p in extract(text).projects), [p.name for p in extract(text).projects]


def test_a_zone_is_no_project_name():
    # the real gazetteer knows 云梦县盐化工产业园 as a zone (a county and a park suffix)
    article = extract_article(
        RawArticle(None, None, None, "调研中发现云梦县盐化工产业园已落户企业20家。"),
        gazetteer=load_gazetteer(),
        issue_date=date(2023, 8, 1),
    )
    assert article.zones == ["云梦县盐化工产业园"]
    assert [p.name for p in article.projects] == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("近日，协鑫光伏二期600MW硅片项目在乐山高新区开工。", "协鑫光伏二期600MW硅片项目"),
        ("此次光伏三期项目总投资4.5亿元。", "光伏三期项目"),
    ],
)
def test_names_an_editor_keeps(text, name):
    assert [p.name for p in extract(text).projects] == [name]


def test_investor_is_a_company_not_a_time():
    (project,) = extract("乐山高新区电池项目总投资10亿元，投产后将带动就业500人。").projects
    assert project.investor != "投产后"


@pytest.mark.parametrize(
    ("title", "stage"),
    [("乐山高新区12个项目集中开工", "started"), ("乐山高新区电池项目竣工投产", "operating"), (None, "other")],
)
def test_an_article_about_one_event_gives_its_projects_that_stage(title, stage):
    text = "其中，总投资10亿元的电池材料项目，建成后年产值超20亿元。"
    (project,) = extract(text, title=title).projects
    assert project.stage == stage


def test_mixed_events_give_no_stage_to_projects_without_a_verb():
    text = "其中，总投资10亿元的电池材料项目，建成后年产值超20亿元。"
    (project,) = extract(text, title="乐山高新区5个项目签约 3个项目开工").projects
    assert project.stage == "other"
