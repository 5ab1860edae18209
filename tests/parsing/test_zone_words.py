"""Zones the gazetteer lacks, found from China's place data and zones/data/zone_words.txt.

Invented sentences, one per kind of name or of junk (issue 10, item 3).
"""

from __future__ import annotations

import pytest

from articles.parsing.zones import find_zones


def zone_names(text: str) -> list[str]:
    return [h.name for h in find_zones(text)]


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("江阴滨江新城昨日迎来一批新项目。", "江阴滨江新城"),  # 新城 after a county-level city
        ("荆门临空经济区签约三个物流项目。", "荆门临空经济区"),  # 经济区
        ("项目选址宁海县梅林工业区。", "宁海县梅林工业区"),  # 工业区 after a county with its suffix
        ("嘉兴科技城发布新政。", "嘉兴科技城"),  # 科技城
        ("泉州台商投资区举行推介会。", "泉州台商投资区"),  # 投资区
        ("望亭开发区新引进两家企业。", "望亭开发区"),  # a town (zones/data/towns.txt)
        ("西平县先进制造业开发区一季度开工5个项目。", "西平县先进制造业开发区"),  # long proper name
        ("上海临港新片区再添一家链主企业。", "上海临港新片区"),  # 新片区
        ("郑州航空港区全年引进项目40个。", "郑州航空港区"),  # 航空港区
        ("广东自贸区挂牌一周年。", "广东自贸区"),  # 自贸区
        ("企业选择云梦县盐化工产业园落户。", "云梦县盐化工产业园"),  # 产业园 after a county + name
        ("中关村顺义园新落地一家芯片企业。", "中关村顺义园"),  # a part of a known zone
        ("中国（上海）自由贸易试验区新推措施。", "中国（上海）自由贸易试验区"),  # bracketed place
        ("安徽六安经济开发区签约", "六安经济开发区"),  # a province before a city is dropped
        ("山西转型综合改革示范区发布清单。", "山西转型综合改革示范区"),  # but kept before a non-place
        ("横琴粤澳深度合作区新增企业。", "横琴粤澳深度合作区"),  # 合作区 after a town
        ("合肥软件园今年引进企业80家。", "合肥软件园"),
        ("小榄镇工业园区新增项目3个。", "小榄镇工业园区"),  # a town written with 镇
        ("项目位于黄桥镇工业园区。", "黄桥镇工业园区"),
        ("中德（沈阳）高端装备制造产业园签约。", "中德（沈阳）高端装备制造产业园"),  # bracketed place  # 软件园 straight after a city
        ("南京市江宁区科技园发布榜单。", "南京市江宁区科技园"),  # 科技园 after a district
    ],
)
def test_zone_outside_the_gazetteer_opened_by_a_place(text, zone):
    assert zone_names(text) == [zone]


@pytest.mark.parametrize(
    "text",
    [
        "希望高新区再接再厉，再创佳绩。",  # a verb before the suffix
        "这些高新区的发展各有特色。",  # a determiner
        "今年高新区新签约项目12个。",  # a time word
        "华科集团光谷产业园正式启用。",  # a company's own park
        "美拓新疆产业园项目开工。",  # a park named in a project
        "泽普县消防器材产业园建设项目签约。",  # the same, with 建设项目
        "滨江新区建设投资集团有限公司中标。",  # zone words inside a company name
        "广东、天津、福建三地自贸区进入挂牌倒计时。",  # a count of zones
        "中原经济区规划获批。",  # 中原 is a region word, not a place
        "和平开发区这个说法并不准确。",  # 和平 alone is an ordinary word (place_stop_words.txt)
        "苏南国家自主创新示范区建设提速。",  # a quality word after a bare place
        "全省示范区建设现场会召开。",  # no place at all
        "建设智能制造产业园。",  # a park without a place is a project
        "全市各乡镇工业园区加快发展。",  # 乡镇 is no town
        "该镇工业园区扩容。",  # a reference back
        "推进新型城镇开发区建设。",
    ],
)
def test_words_around_a_suffix_are_no_zone(text):
    assert zone_names(text) == []


def test_province_list_does_not_split_known_divisions():
    assert zone_names("乐山市五通桥区工业园区") == ["乐山市五通桥区工业园区"]


@pytest.mark.parametrize(
    ("text", "zones"),
    [
        ("湖北高新区：创新高地加速隆起", []),  # a province's zones together
        ("湖北省高新区营收增长", []),
        ("重庆高新区签约", ["重庆高新区"]),  # a municipality is a city
        ("广东自贸区南沙片区新设企业", ["广东自贸区南沙片区"]),  # a part of an unknown zone
    ],
)
def test_provinces_and_parts(text, zones):
    assert zone_names(text) == zones


def test_an_area_of_a_known_zone_is_that_zone():
    from articles.parsing.zones import load_gazetteer

    hits = load_gazetteer().find_zones("项目位于哈尔滨高新区松北片区。")
    assert [(h.name, h.known) for h in hits] == [("哈尔滨高新区", True)]
