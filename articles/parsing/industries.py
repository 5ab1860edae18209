"""Industry of a project from keywords: one editable table, first match wins.

The table is ordered from specific to general, because the first industry with a keyword
in the text is the answer:
- 新能源汽车 before 新能源 and 储能 (a car battery plant is an automotive project);
- 储能 before 光伏 and 新能源: a "光伏、风电储能电池产业园" builds batteries, and storage
  is the narrower trade; a plain 光伏 project stays 光伏;
- 集成电路 before 电子信息; 软件与信创 and 人工智能 before 数字经济;
- 现代服务业 last, as the catch-all of the service words.
Edit `INDUSTRY_KEYWORDS` to add a trade or a keyword; the tests pin the precedence.
"""

from __future__ import annotations

import re

from .textfold import fold

INDUSTRY_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "新能源汽车",
        ("新能源汽车", "电动汽车", "动力电池", "整车", "汽车零部件", "智能网联", "自动驾驶", "充电桩"),
    ),
    (
        "储能",
        ("储能", "锂电池", "锂离子电池", "钠离子电池", "负极材料", "正极材料", "电解液", "隔膜", "电芯"),
    ),
    ("光伏", ("光伏", "硅片", "太阳能电池", "电池片", "多晶硅", "单晶硅", "组件")),
    ("氢能", ("氢能", "氢燃料", "燃料电池", "制氢", "加氢")),
    ("新能源", ("新能源", "风电", "风机", "清洁能源", "核电", "绿电")),
    ("集成电路", ("集成电路", "芯片", "半导体", "晶圆", "封装测试", "封测", "光刻")),
    ("生物医药", ("生物医药", "医药", "制药", "药业", "医疗器械", "疫苗", "生物制品", "创新药", "大健康")),
    ("新材料", ("新材料", "石墨烯", "碳纤维", "复合材料", "稀土", "高分子", "特种钢", "合金")),
    ("航空航天", ("航空", "航天", "卫星", "无人机", "飞机")),
    ("高端装备", ("高端装备", "智能装备", "装备制造", "机器人", "数控", "机床", "精密制造", "轨道交通")),
    ("软件与信创", ("信创", "软件", "操作系统", "数据库", "信息安全", "网络安全")),
    ("人工智能", ("人工智能", "AI", "机器视觉", "智能语音", "大模型")),
    ("电子信息", ("电子信息", "光电", "显示", "传感器", "通信", "5G", "物联网", "电子元器件", "激光")),
    ("数字经济", ("数字经济", "大数据", "云计算", "数据中心", "算力", "区块链", "互联网", "工业互联网")),
    ("节能环保", ("节能", "环保", "固废", "污水", "垃圾处理", "循环经济", "资源综合利用")),
    ("现代服务业", ("现代服务业", "物流", "金融", "总部", "商贸", "文旅", "会展", "研发中心", "孵化器")),
)


# One precompiled search per industry (a C scan) instead of a substring test per keyword.
_INDUSTRY_RES = [(industry, re.compile("|".join(map(re.escape, kws)))) for industry, kws in INDUSTRY_KEYWORDS]


def classify_industry(text: str | None) -> str | None:
    """The first industry of `INDUSTRY_KEYWORDS` with a keyword in `text`, or None."""
    if not text:
        return None
    folded = fold(text)
    for industry, pattern in _INDUSTRY_RES:
        if pattern.search(folded):
            return industry
    return None
