"""Rules added after the third corpus round (pages r*): one test per rule, in our own words."""

from __future__ import annotations

from datetime import date

import pytest

from articles.parsing.amounts import find_amounts, parse_amount
from articles.parsing.clean import clean_page, is_debris, is_phrases, is_title_like, unflatten_tables
from articles.parsing.split import split_articles
from articles.parsing.zones import Gazetteer, find_zones, load_places

from .helpers import amounts, extract, yi

# --- zones: known places open unknown zones ------------------------------------------


def test_places_file_lists_cities_and_counties():
    places = set(load_places())
    assert {"六安", "界首", "涡阳", "淮北", "安徽"} <= places
    assert "城区" not in places  # generic words are not places


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("项目落户界首高新区。", "界首高新区"),  # 首 is a stop character, yet 界首 is a place
        ("在淮北凤凰山经济开发区开工。", "淮北凤凰山经济开发区"),  # place + short proper name
        ("涡阳县工业园区引进项目。", "涡阳县工业园区"),
        ("来自宿州经开区的项目", "宿州经开区"),  # 来自 is not part of the name
        ("安徽六安经济开发区签约", "六安经济开发区"),  # the province is dropped
        ("在六安产业园开工", "六安产业园"),  # bare 产业园 straight after a place
    ],
)
def test_unknown_zone_opened_by_a_known_place(text, zone):
    assert [h.name for h in find_zones(text)] == [zone]


@pytest.mark.parametrize("text", ["建设储能产业园", "苏州等地开发区", "江苏省级开发区", "我市开发区"])
def test_no_zone_without_a_place_or_across_function_words(text):
    assert find_zones(text) == []


def test_gazetteer_without_places_file_still_works():
    assert Gazetteer([], places=["六安"]).find_zones("六安经开区")[0].name == "六安经开区"


# --- amounts ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["百亿级项目", "千亿级产业集群", "十亿元级项目", "数十亿元", "上亿元"])
def test_size_classes_and_vague_sums_are_no_amounts(text):
    assert find_amounts(text) == []


@pytest.mark.parametrize(
    ("text", "value"), [("总投资超百亿元", 10**10), ("逾百亿元", 10**10), ("上百亿元", 10**10)]
)
def test_bounded_magnitudes_are_approximate(text, value):
    amount = parse_amount(text)
    assert (amount.value, amount.approximate) == (value, True)


# --- investment cues -------------------------------------------------------------------


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


# --- dates -----------------------------------------------------------------------------


def test_year_inside_a_document_title_is_no_event_date():
    art = extract(
        "日前，管委会印发《2019年重点建设项目计划》，鑫盛材料项目总投资15亿元。", issue=date(2019, 2, 20)
    )
    assert [(p.date.year, p.date.month) for p in art.projects] == [(2019, 2)]


def test_stage_dated_after_the_issue_is_a_plan():
    text = "5月10日，锐能动力电池项目签约，项目总投资18亿元，2025年全部建成投产。"
    project = extract(text, issue=date(2023, 5, 12)).projects[0]
    assert (project.date.year, project.date.month, project.stage) == (2023, 5, "signed")


# --- page layout -----------------------------------------------------------------------


def test_running_page_head_is_debris():
    assert is_debris("2023年5月12日 星期五 第3版 综合新闻")
    assert not is_debris("2023年5月12日芜湖高新区签约储能项目")


def test_flattened_table_rows_become_sentences():
    lines = ["项目名称 总投资(亿元) 建设内容", "格瑞电池隔膜项目 25 年产隔膜", "下一段正文。"]
    assert unflatten_tables(lines) == ["格瑞电池隔膜项目，总投资25亿元，年产隔膜。", "下一段正文。"]


def test_question_headline_is_title_like_but_a_qa_turn_is_not():
    assert is_title_like("高新区创新十条怎么用？")
    assert not is_title_like("问：政策何时开始实施？")


def test_phrases_split_at_spaces_between_chinese_only():
    assert is_phrases("签约项目8个 总投资52.6亿元")
    assert not is_phrases("Aurion Biotech中国总部落户浦东")


def _titles(page: str) -> list[tuple]:
    return [(a.kicker, a.title, a.subtitle) for a in split_articles(clean_page(page))]


def test_slogan_above_the_headline_is_a_kicker():
    page = "坚定不移推进产业强区 奋力谱写发展新篇章\n南宁高新区三个项目集中开工\n本报记者 韦丽\n4月13日，3个项目开工。"
    assert _titles(page) == [("坚定不移推进产业强区 奋力谱写发展新篇章", "南宁高新区三个项目集中开工", None)]


def test_line_of_figures_below_the_headline_is_a_subtitle():
    page = "泉州高新区再添新引擎\n总投资30亿元的封测项目昨日签约 达产后年产值将超60亿元\n本报记者 庄燕\n3月24日，项目签约。"
    assert _titles(page)[0][1:] == (
        "泉州高新区再添新引擎",
        "总投资30亿元的封测项目昨日签约 达产后年产值将超60亿元",
    )


def test_wrapped_headline_is_joined():
    page = "株洲高新区轨道交通配套\n产业园开工\n本报记者 谭亮\n12月1日，项目开工。"
    assert _titles(page)[0][1] == "株洲高新区轨道交通配套产业园开工"


def test_section_heads_stay_in_the_body():
    page = (
        "贵阳高新区：一周项目速递\n【招商引资】\n9月5日，贵阳高新区签约一个项目。\n"
        "【项目建设】\n9月6日，总投资6.8亿元的高新区显示模组项目封顶。"
    )
    articles = split_articles(clean_page(page))
    assert [a.title for a in articles] == ["贵阳高新区：一周项目速递"]
    assert "【项目建设】" in articles[0].text
