"""industries: one keyword table, specific trades before general ones."""

from __future__ import annotations

import pytest

from articles.parsing.industries import INDUSTRY_KEYWORDS, classify_industry


@pytest.mark.parametrize(
    ("text", "industry"),
    [
        ("年产20万辆新能源汽车整车项目", "新能源汽车"),
        ("动力电池生产基地", "新能源汽车"),
        ("光伏、风电储能电池产业园项目", "储能"),
        ("年产10GW光伏电池生产基地项目", "光伏"),
        ("风电装备产业园", "新能源"),
        ("12英寸晶圆制造项目", "集成电路"),
        ("功率半导体封装测试基地", "集成电路"),
        ("创新药研发生产基地", "生物医药"),
        ("医疗器械产业园", "生物医药"),
        ("碳纤维复合材料项目", "新材料"),
        ("工业机器人生产线", "高端装备"),
        ("信创适配中心", "软件与信创"),
        ("人工智能计算中心", "人工智能"),
        ("大数据中心项目", "数字经济"),
        ("卫星互联网产业园", "航空航天"),
        ("固废资源化利用项目", "节能环保"),
        ("智慧物流园", "现代服务业"),
        ("氢燃料电池发动机项目", "氢能"),
        ("某某项目", None),
        ("", None),
        ("光伏組件項目", "光伏"),
    ],
)
def test_classify(text, industry):
    assert classify_industry(text) == industry


def test_table_is_one_editable_tuple():
    names = [name for name, _ in INDUSTRY_KEYWORDS]
    assert len(names) == len(set(names))
    assert names.index("新能源汽车") < names.index("新能源")
    assert names.index("储能") < names.index("光伏")
