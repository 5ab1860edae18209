"""News digests whose items are neither 【】-bracketed nor opened by 今天，/日前， (parser 4.1):
a CCTV 快讯 prints headline, one-paragraph lede, headline, … The items are invented, the layout
is the real one."""

from __future__ import annotations

from articles.parsing.clean import clean_page
from articles.parsing.split import split_articles

DIGEST = """[视频]国内联播快讯
2021-03-10 19:30:05
央视网消息（新闻联播）：
前两个月全国货运量平稳增长
交通运输部今天发布数据显示，前两个月，全国完成营业性货运量同比增长9.1%，公路和水路货运保持增长。
一批先进制造项目落户苏州
今天，华宇精工轴承、天衡新能源产业园等12个先进制造项目落户苏州高新区，投资总额达120亿元。
全国青少年机器人竞赛开幕
第十届全国青少年机器人竞赛在浙江杭州开幕，来自31个省份的600多名选手参加比赛。
首批跨境铁路冷链班列开行
满载进口水果的首批跨境铁路冷链班列昨天从广西凭祥出发，运行时间较海运缩短一半。
两地试点远程医疗结算
国家医保局今天发布消息，河北、山西两地将试点远程医疗费用直接结算，惠及农村患者。
"""


def articles(text: str):
    return split_articles(clean_page(text))


def test_every_item_of_a_digest_is_an_article():
    assert [a.title for a in articles(DIGEST)] == [
        "前两个月全国货运量平稳增长",
        "一批先进制造项目落户苏州",
        "全国青少年机器人竞赛开幕",
        "首批跨境铁路冷链班列开行",
        "两地试点远程医疗结算",
    ]


def test_the_site_lead_is_the_first_item_s_byline_not_its_headline():
    first = articles(DIGEST)[0]
    assert first.byline == "央视网消息（新闻联播）"
    assert first.text.startswith("交通运输部今天发布数据显示")


def test_a_lede_that_restates_its_headline_opens_an_item():
    page = (
        "园区简报\n"
        "高新区新材料产业园一期竣工\n"
        "近日，高新区新材料产业园一期竣工，8家企业已入驻。\n"
        "全省快递业务量增长两成\n"
        "截至目前，全省快递业务量同比增长两成，农村快递网点覆盖所有乡镇。\n"
    )
    assert [a.title for a in articles(page)][-2:] == ["高新区新材料产业园一期竣工", "全省快递业务量增长两成"]


def test_an_intertitle_inside_a_long_article_stays_in_it():
    page = (
        "西安高新区一季度签约项目28个\n"
        "本报讯（记者 王明）一季度，西安高新区签约项目28个，总投资260亿元。\n"
        "其中，先进制造项目15个，总投资180亿元，涵盖光伏、储能等领域。\n"
        "服务保障再提速\n"
        "高新区成立项目服务专班，实行一个项目一名专员，审批时限压缩一半。\n"
    )
    result = articles(page)
    assert [a.title for a in result] == ["西安高新区一季度签约项目28个"]
    assert "服务保障再提速" in result[0].text


def test_a_zone_named_after_the_lede_s_first_sentence_does_not_start_an_article():
    page = (
        "江城：优化结构 助工业提质\n"
        "江城以政策促进新兴产业发展，推动产业结构持续优化。\n"
        "日前，投资60亿元的新能源汽车零部件基地在江城开工建设。这使江北经济开发区跟上了产业发展步伐。\n"
    )
    assert len(articles(page)) == 1


def test_a_reporter_s_article_keeps_an_intertitle_after_its_lead_paragraph():
    page = (
        "西安高新区光电产业提速\n"
        "本报讯（记者 王明）今年以来，西安高新区光电产业提速发展，签约项目12个。\n"
        "光电项目落地快\n"
        "西安高新区光电项目落地快，华光电子项目从签约到开工仅用45天。\n"
    )
    result = articles(page)
    assert [a.title for a in result] == ["西安高新区光电产业提速"]
    assert "光电项目落地快" in result[0].text


def test_a_reporter_s_intertitle_over_a_subject_day_paragraph_stays_in_the_article():
    page = (
        "西安高新区光电产业提速\n"
        "本报讯（记者 王明）今年以来，西安高新区光电产业提速发展，签约项目12个。\n"
        "其中，先进制造项目8个，总投资60亿元。\n"
        "服务再提速\n"
        "园区日前出台新政，审批时限压缩一半。\n"
    )
    assert [a.title for a in articles(page)] == ["西安高新区光电产业提速"]


def test_a_correspondent_s_byline_is_not_a_lead_run_into_a_headline():
    page = (
        "贵阳高新区华远智能氢燃料电池项目开工\n"
        "本报特约通讯员 何明\n"
        "6月1日，贵阳高新区传来好消息：华远智能氢燃料电池生产基地项目举行开工仪式。\n"
    )
    (article,) = articles(page)
    assert (article.title, article.byline) == ("贵阳高新区华远智能氢燃料电池项目开工", "本报特约通讯员 何明")
    assert article.text.startswith("6月1日")
