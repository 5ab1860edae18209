"""Project names an editor can keep (parser 4.1): lists split, descriptions and classes are no
names, quoted names and compound nouns stay whole. Invented sentences, one kind each."""

from __future__ import annotations

from .helpers import extract, yi


def names(text: str, **kw) -> list[str | None]:
    return [p.name for p in extract(text, **kw).projects]


def test_listed_members_are_projects_of_their_own():
    article = extract(
        "今天，甲乙科技储能电池、丙丁航空产业园等12个高端项目落户西安高新区，投资总额达80亿元。"
    )
    assert sorted(p.name for p in article.projects) == ["丙丁航空产业园", "甲乙科技储能电池项目"]
    assert [b.members for b in article.batches] == [["甲乙科技储能电池项目", "丙丁航空产业园"]]
    assert [(b.count, str(b.amount.value)) for b in article.batches] == [(12, yi(80)[0])]


def test_short_modifiers_of_one_head_stay_one_name():
    assert names("总投资8亿元的光电、储能电池产业园项目于3月正式签约。") == ["光电、储能电池产业园项目"]


def test_a_description_before_the_name_gives_way_to_it():
    projects = extract("今天，总投资60亿元的全省最大单体化工项目华北石化升级改造项目正式启动。").projects
    assert [(p.name, str(p.amount.value)) for p in projects] == [("华北石化升级改造项目", yi(60)[0])]


def test_a_description_alone_is_no_name():
    assert "民生类项目" not in " ".join(n or "" for n in names("西安高新区首个民生类项目投入使用。"))
    assert names("去年，该省最大单体工业项目总投资90亿元，已开工建设。") in ([], [None])


def test_a_quoted_name_keeps_its_quotes():
    text = "在西安高新区，华远咨询“未来之城”项目正加紧建设，项目计划投资超8亿元。"
    assert names(text) == ["华远咨询“未来之城”项目"]


def test_service_inside_a_facility_name_is_a_noun():
    assert names("总投资约3亿元的江北物流服务产业园二期项目正在施工。") == ["江北物流服务产业园二期项目"]
    assert names("全力做好服务项目，推进企业开工建设。") == []


def test_the_class_a_project_belongs_to_is_no_name():
    text = "华青环保科技总投资5亿元，属于国家重点支持的节能降耗、资源循环、绿色制造产业项目。"
    assert all("、" not in (n or "") for n in names(text))


def test_a_park_zone_is_no_project():
    assert names("中泰合作产业园区开工建设。") == []


def test_a_head_inside_a_longer_noun_is_no_head():
    assert names("5月31日，长江工程机械再制造产业园项目开工，总投资22亿元。") == [
        "长江工程机械再制造产业园项目"
    ]


def test_a_place_and_a_class_make_no_name():
    assert names("3月28日，宜城高新区2023年一季度重大项目集中开工。") == []
    assert names("近年来，累计引进数十亿元级项目多个。") == []


def test_a_building_verb_is_no_part_of_the_name():
    text = "12月8日，西安高新区与华芯量子科技集团签署合作协议，双方将共建量子通信产业园，项目总投资超50亿元。"
    assert names(text) == ["量子通信产业园"]


def test_a_head_noun_inside_a_longer_name_stays_in_it():
    assert names("其中，黔南数据中心集群项目总投资120亿元，由华远云联科技有限公司投资建设。") == [
        "黔南数据中心集群项目"
    ]


def test_this_time_s_project_refers_back_to_the_project_just_reported():
    text = (
        "7月25日，位于西安高新区的星河数创港一期项目奠基。\n"
        "本次启动的项目一期东至规划路，总投资35亿元，占地面积约140亩。"
    )
    projects = extract(text).projects
    assert [(p.name, str(p.amount.value) if p.amount else None) for p in projects] == [
        ("星河数创港一期项目", yi(35)[0])
    ]


def test_a_company_that_invests_names_its_project():
    article = extract("华青环保科技总投资10.2亿元，建设危废综合利用生产线。\n另有企业正在洽谈。")
    assert [(p.name, p.investor) for p in article.projects] == [("华青环保科技项目", "华青环保科技")]
    traditional = extract("香港恒遠集團投資25億港元。")
    assert [p.name for p in traditional.projects] == ["香港恒遠集團項目"]


def test_a_manufacturing_plant_is_a_head():
    text = "丰远计划投资85亿元新建的电动汽车制造厂正在加紧推进。"
    assert [(p.name, p.investor) for p in extract(text).projects] == [("电动汽车制造厂", "丰远")]
