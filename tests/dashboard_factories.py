"""A small, hand-countable world for the totals, dashboard and browser tests.

Amounts in 亿元 (1亿 = 100,000,000 yuan); the expected figures are worked out by hand in
`EXPECTED` and in the tests that use them.

    zone      record                      status      month     亿元        note
    西安高新区  batch BA (16 projects)      confirmed   2022-06   122 (约)    counted
              m1, m2 members of BA        confirmed   2022-06   10 + 10     skipped (BA counts)
              pA1                         confirmed   2022-07   20          stage started, 光伏
              pA2                         candidate   2022-08   7           only with candidates
    乐山高新区  pB1                         confirmed   2022-06   120 (约)    储能, in 乐山日报
              batch BB                    rejected    2022-07   50          not counted
              b1 member of BB             confirmed   2022-07   15          counts (BB does not)
              pB2                         confirmed   2022-08   —           no amount
    成都高新区  pC1                         confirmed   2022-07   8           生物医药
              pC2 duplicate of pC1        confirmed   2022-07   8           merged: never counts
              pC3                         confirmed   undated   3           "日期不详"
              pC4 (USD 1亿 → 6.7261亿元)   confirmed   2022-08   6.7261      集成电路
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from projects.models import Batch, Project, ProjectEvent
from projects.money import to_yuan
from tests.factories import make_article, make_bulletin, make_mention
from zones.models import Zone

YI = Decimal(100_000_000)


def yuan(yi: str) -> Decimal:
    return (Decimal(yi) * YI).quantize(Decimal("0.01"))


def project(zone, name, yi, date, status="confirmed", **fields) -> Project:
    amount = None if yi is None else yuan(yi)
    defaults = {
        "amount": amount, "amount_yuan": amount, "amount_text": f"{yi}亿元" if yi else "",
        "date": date, "date_precision": "day" if date else "", "review_status": status,
        "stage": "signed",
    }
    return Project.objects.create(zone=zone, name=name, **{**defaults, **fields})


def batch(zone, yi, date, status="confirmed", **fields) -> Batch:
    defaults = {
        "amount": yuan(yi), "amount_yuan": yuan(yi), "amount_text": f"{yi}亿元", "date": date,
        "date_precision": "day", "review_status": status, "project_count": 16,
    }
    return Batch.objects.create(zone=zone, **{**defaults, **fields})


def build_world() -> dict:
    a = Zone.objects.get(short_name="西安高新区")
    b = Zone.objects.get(short_name="乐山高新区")
    c = Zone.objects.get(short_name="成都高新区")
    w: dict = {"A": a, "B": b, "C": c}
    w["BA"] = batch(a, "122", dt.date(2022, 6, 28), approximate=True, title="西安高新区重大项目集中签约")
    w["m1"] = project(a, "西安光伏组件项目", "10", dt.date(2022, 6, 28), batch=w["BA"], industry="光伏")
    w["m2"] = project(a, "西安新材料项目", "10", dt.date(2022, 6, 28), batch=w["BA"], industry="新材料")
    # Signed in July (its `date`), started in September: the later event adds no money.
    w["pA1"] = project(a, "西安光伏电池片项目", "20", dt.date(2022, 7, 5), industry="光伏", stage="started",
                       investor="隆基绿能")
    ProjectEvent.objects.create(project=w["pA1"], stage="signed", date=dt.date(2022, 7, 5), date_precision="day")
    ProjectEvent.objects.create(project=w["pA1"], stage="started", date=dt.date(2022, 9, 1), date_precision="day")
    w["pA2"] = project(a, "西安待审核项目", "7", dt.date(2022, 8, 1), status="candidate")
    w["pB1"] = project(b, "乐山储能电池项目", "120", dt.date(2022, 6, 10), industry="储能", approximate=True,
                       investor="协鑫集团")
    w["BB"] = batch(b, "50", dt.date(2022, 7, 1), status="rejected")
    w["b1"] = project(b, "乐山新材料项目", "15", dt.date(2022, 7, 1), batch=w["BB"], industry="新材料")
    w["pB2"] = project(b, "乐山未披露金额项目", None, dt.date(2022, 8, 3))
    w["pC1"] = project(c, "成都生物医药项目", "8", dt.date(2022, 7, 20), industry="生物医药")
    w["pC2"] = project(c, "成都生物医药项目（重复）", "8", dt.date(2022, 7, 20), industry="生物医药",
                       merged_into=w["pC1"])
    w["pC3"] = project(c, "=成都日期不详项目", "3", None)
    w["pC4"] = project(c, "成都集成电路项目", None, dt.date(2022, 8, 15), industry="集成电路",
                       amount=Decimal("100000000"), currency="USD", amount_text="1亿美元",
                       amount_yuan=to_yuan(Decimal("100000000"), "USD", 2022))
    bulletin = make_bulletin(publication="乐山日报")
    make_mention(project=w["pB1"], article=make_article(bulletin))
    return w


# Hand-computed figures for the default filter (confirmed records only).
EXPECTED = {
    "months": ["2022-06", "2022-07", "2022-08"],
    "zone_month_yuan": {
        ("西安高新区", "2022-06"): "12200000000.00",  # batch BA (its members m1, m2 are skipped)
        ("西安高新区", "2022-07"): "2000000000.00",   # pA1
        ("乐山高新区", "2022-06"): "12000000000.00",  # pB1
        ("乐山高新区", "2022-07"): "1500000000.00",   # b1 (its batch BB was rejected)
        ("乐山高新区", "2022-08"): "0.00",            # pB2: counted, no amount
        ("成都高新区", "2022-07"): "800000000.00",    # pC1 (pC2 merged into it)
        ("成都高新区", "2022-08"): "672610000.00",    # pC4: USD 1亿 × 6.7261 (2022)
    },
    "ranking": [("西安高新区", "14200000000.00"), ("乐山高新区", "13500000000.00"), ("成都高新区", "1472610000.00")],
    "total_yuan": "29172610000.00",  # 122 + 20 + 120 + 15 + 0 + 8 + 6.7261 亿
    "total_display": "291.73",
    "projects": 6,  # pA1, pB1, b1, pB2, pC1, pC4
    "batches": 1,   # BA
    "approximate_yuan": "24200000000.00",  # BA + pB1
    "approximate_share": "83.0%",          # 242 / 291.7261 = 82.955…%
    "undated_yuan": "300000000.00",        # pC3
    "undated_records": 1,
}
