"""A synthetic zone bulletin of any size, from article templates we wrote ourselves.

Deterministic (seeded): real zone names from our gazetteer (zones/data/gazetteer.json),
invented companies and projects, amounts in 亿元/万元/美元 with 约/超, dates in several
forms, and page debris (photo credits, 图片来源, page headers, captions) between articles.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
GAZETTEER = REPO_DIR / "zones" / "data" / "gazetteer.json"

PREFIXES = "星辰 博越 晶合 华拓 海创 瑞丰 中科 启明 蓝海 远景 恒信 天擎 新源 嘉禾 凯德 鼎盛 弘毅 明阳 云帆 锦程".split()  # noqa: E501
BUSINESSES = [
    ("新能源汽车零部件", "新能源汽车"),
    ("锂电池正极材料", "新材料"),
    ("12英寸功率器件", "集成电路"),
    ("光伏组件", "光伏"),
    ("储能电池模组", "储能"),
    ("创新药研发生产", "生物医药"),
    ("工业机器人", "智能制造"),
    ("数据中心", "数字经济"),
    ("碳纤维复合材料", "新材料"),
    ("氢燃料电池", "新能源"),
    ("医疗器械", "生物医药"),
    ("显示面板", "电子信息"),
    ("高端装备", "智能制造"),
    ("半导体封测", "集成电路"),
    ("负极材料", "新材料"),
]
SURNAMES = "周 陆 王 李 张 刘 陈 杨 赵 黄 吴 徐 孙 胡 朱 高 林 何 郭 马".split()
GIVEN = "远航 晴 思源 雨桐 建国 嘉怡 子涵 浩然 文博 欣悦 明轩 诗琪".split()


def _zones() -> list[str]:
    return [z["short_name"] for z in json.loads(GAZETTEER.read_text(encoding="utf-8"))]


class Writer:
    def __init__(self, seed: int = 2024):
        self.rnd = random.Random(seed)
        self.zones = _zones()

    def name(self) -> str:
        return self.rnd.choice(SURNAMES) + self.rnd.choice(GIVEN)

    def company(self) -> str:
        return (
            self.rnd.choice(PREFIXES)
            + self.rnd.choice(["科技", "新能源", "动力", "材料", "智能", "生物"])
            + self.rnd.choice(["股份有限公司", "有限公司", "集团有限公司"])
        )

    def amount(self) -> str:
        r = self.rnd.random()
        if r < 0.6:
            return f"{self.rnd.choice(['', '约', '超'])}{self.rnd.randrange(1, 300)}{self.rnd.choice(['', '.5', '.8'])}亿元"  # noqa: E501
        if r < 0.85:
            return f"{self.rnd.randrange(2000, 90000)}万元"
        return f"{self.rnd.randrange(1, 20)}亿美元"

    def date(self) -> str:
        month, day = self.rnd.randrange(1, 13), self.rnd.randrange(1, 29)
        return self.rnd.choice(
            [f"{month}月{day}日", f"2023年{month}月{day}日", "近日", f"{month}月上旬", "日前"]
        )

    def debris(self) -> str:
        return self.rnd.choice(
            [
                f"（图片来源：{self.rnd.choice(['本报资料', '管委会供图', '视觉中国'])}）",
                f"本报记者 {self.name()} 摄",
                f"第{self.rnd.randrange(1, 9)}版 · 园区经济",
                "图为项目效果图。",
                f"责任编辑：{self.name()}",
            ]
        )

    def signing(self, zone: str) -> str:
        count = self.rnd.randrange(3, 40)
        business, _industry = self.rnd.choice(BUSINESSES)
        company = self.company()
        return "\n\n".join(
            [
                f"{zone}{self.rnd.choice(['集中签约', '举行重大项目签约', '招商引资再传捷报'])}{count}个项目",
                f"本报讯（记者 {self.name()}）{self.date()}，{zone}举行{self.rnd.choice(['一季度', '二季度', '年中', '秋季'])}"  # noqa: E501
                f"重大项目集中签约活动，现场签约项目{count}个，总投资{self.amount()}，涵盖{business}等领域。",
                f"其中，总投资{self.amount()}的{company[:4]}{business}项目由{company}投资建设，达产后预计年产值"
                f"{self.amount()}，可提供就业岗位{self.rnd.randrange(100, 5000)}个。",
                f"管委会负责人表示，今年还将安排产业扶持专项资金{self.amount()}，用于支持企业技术改造。",
            ]
        )

    def start(self, zone: str) -> str:
        business, _industry = self.rnd.choice(BUSINESSES)
        company = self.company()
        return "\n\n".join(
            [
                f"{zone}{company[:4]}{business}项目开工",
                f"本报特约通讯员 {self.name()}",
                f"{self.date()}，{zone}传来好消息：由{company}投资的{business}生产基地项目举行开工仪式。"
                f"该项目总投资{self.amount()}，将建设年产{self.rnd.randrange(5, 80)}万套的智能化生产线。",
                f"相关负责人介绍，项目去年{self.rnd.randrange(1, 13)}月签约，全部达产后预计实现年营业收入"
                f"{self.amount()}，年纳税约{self.rnd.randrange(1, 9)}亿元。",
            ]
        )

    def operating(self, zone: str) -> str:
        business, _industry = self.rnd.choice(BUSINESSES)
        return "\n\n".join(
            [
                f"{business}项目在{zone}投产",
                f"▶ 本报记者 {self.name()} 通讯员 {self.name()}",
                f"{self.date()}，位于{zone}的{self.company()}{business}项目正式投产。项目计划总投资{self.amount()}，"
                f"一期投资{self.amount()}。",
                f"该区今年以来累计引进项目{self.rnd.randrange(10, 90)}个，协议投资额{self.amount()}。",
            ]
        )

    def noise(self, zone: str) -> str:
        return "\n\n".join(
            [
                f"{zone}召开{self.rnd.choice(['营商环境', '安全生产', '科技创新'])}工作会议",
                f"本报讯 {self.date()}，{zone}召开工作会议，总结上半年工作。会议指出，全区实现地区生产总值"
                f"{self.amount()}，同比增长{self.rnd.randrange(2, 15)}%，税收收入{self.amount()}。",
                "会议强调，要持续优化营商环境，做好企业服务，确保全年目标任务完成。",
            ]
        )

    def article(self) -> str:
        zone = self.rnd.choice(self.zones)
        kind = self.rnd.choices([self.signing, self.start, self.operating, self.noise], weights=[4, 3, 2, 2])[
            0
        ]
        text = kind(zone)
        if self.rnd.random() < 0.5:
            text += "\n\n" + self.debris()
        return text


def bulletin_text(size_bytes: int, seed: int = 2024) -> str:
    """UTF-8 text of about `size_bytes` bytes (articles separated by blank lines)."""
    writer = Writer(seed)
    parts, size = [], 0
    while size < size_bytes:
        article = writer.article()
        parts.append(article)
        size += len(article.encode("utf-8")) + 2
    return "\n\n".join(parts) + "\n"


def bulletin_bytes(size_mb: float, seed: int = 2024) -> bytes:
    return bulletin_text(int(size_mb * 1024 * 1024), seed).encode("utf-8")
