"""Page-structure rules added after corpus round s (pages s*): one test per rule, own words."""

from __future__ import annotations

import pytest

from articles.parsing.clean import brief_label, clean_page, closing_byline, wrapped_headline
from articles.parsing.split import split_articles

from .helpers import amounts, extract


def split(text: str):
    return split_articles(clean_page(text))


# --- a bracketed byline at the end closes the article --------------------------------


@pytest.mark.parametrize(
    ("line", "byline"),
    [
        ("（记者 王明）", "记者 王明"),
        ("（通讯员 李华 记者 黄珊）", "通讯员 李华 记者 黄珊"),
        ("(本报通讯员 覃立)", "本报通讯员 覃立"),
    ],
)
def test_closing_byline_is_recognised(line, byline):
    assert closing_byline(line) == byline


@pytest.mark.parametrize("line", ["（下转第2版）", "（资料图片）", "（完）", "（本文有删节）"])
def test_other_bracketed_lines_are_not_bylines(line):
    assert closing_byline(line) is None


def test_closing_byline_ends_the_article_and_is_no_headline():
    page = (
        "甲城高新区新材料产业园开工\n5月6日，甲城高新区新材料产业园开工建设。\n（记者 王明）\n"
        "乙城高新区举办招聘会\n5月7日，乙城高新区举办招聘会，提供岗位800个。\n（通讯员 李华）\n"
    )
    articles = split(page)
    assert [a.title for a in articles] == ["甲城高新区新材料产业园开工", "乙城高新区举办招聘会"]
    assert [a.byline for a in articles] == ["记者 王明", "通讯员 李华"]
    assert "王明" not in articles[0].text


# --- a byline between headline lines keeps the headline group open --------------------


def test_headline_after_caption_and_byline_is_the_title():
    page = (
        "甲城高新区签约光伏项目\n本报讯 5月6日，甲城高新区签约光伏项目。\n"
        "项目签约现场\n本报记者 林一\n乙城高新区引进两个电子信息项目\n5月7日，乙城高新区签约两个项目。\n"
    )
    assert [a.title for a in split(page)] == ["甲城高新区签约光伏项目", "乙城高新区引进两个电子信息项目"]


# --- news briefs -----------------------------------------------------------------------


def test_brief_label():
    assert brief_label("■合肥高新区：3月18日，合肥高新区签约。") == "合肥高新区"
    assert brief_label("合肥高新区：3月18日，合肥高新区签约。") is None  # no bullet: a sentence
    assert brief_label("■本报记者 李文") is None


def test_briefs_with_lead_in_labels_are_articles_and_the_column_head_is_not():
    page = "园区简讯\n■甲城高新区：3月1日，甲城高新区签约项目。\n■乙城高新区：3月2日，乙城高新区开工项目。\n"
    articles = split(page)
    assert [a.title for a in articles] == ["甲城高新区", "乙城高新区"]
    assert articles[1].text == "3月2日，乙城高新区开工项目。"


def test_bulleted_headlines_open_briefs():
    page = (
        "简讯\n■甲城高新区生物医药项目开工\n12月5日，甲城高新区生物医药项目开工。\n"
        "■乙城高新区签约氢能项目\n12月6日，乙城高新区签约氢能项目。\n"
    )
    assert [a.title for a in split(page)] == ["甲城高新区生物医药项目开工", "乙城高新区签约氢能项目"]


def test_bulleted_intertitle_of_the_same_zone_stays_in_the_article():
    page = (
        "甲城高新区打造光电产业高地\n本报记者 王一\n5月6日，甲城高新区光电产业园开园。\n"
        "■甲城高新区项目建设提速\n园区在建项目18个。\n"
    )
    articles = split(page)
    assert len(articles) == 1 and "项目建设提速" in articles[0].text


# --- a headline wrapped over two lines -------------------------------------------------


def test_wrapped_headline_pair():
    assert wrapped_headline("南昌高新区航空装备", "配套产业园项目签约落地")
    assert not wrapped_headline("深化改革促发展", "株洲高新区出台新政")  # a kicker names no zone
    assert not wrapped_headline("淮安高新区", "光电显示项目落地")  # only a zone's name: a label
    assert not wrapped_headline("芜湖高新区机器人产业集群再扩容", "三季度新签约项目9个")  # long: a title


def test_wrapped_headline_is_joined_and_not_dropped_as_a_banner():
    page = (
        "甲城高新区航空装备\n配套产业园项目签约落地\n本报讯 11月6日，甲城高新区签约航空装备配套产业园项目。\n"
    )
    assert [a.title for a in split(page)] == ["甲城高新区航空装备配套产业园项目签约落地"]


# --- cooperation deals are not investments --------------------------------------------


def test_cooperation_deal_value_is_no_investment():
    article = extract("常州高新区举办科技成果路演，20个项目现场路演，意向合作金额3000万元。")
    assert amounts(article) == []
