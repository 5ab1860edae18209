"""Is a sum of money an investment? The words right before (and after) it decide.

`classify(folded_sentence, start, end)` looks back from the amount to the start of its
clause (at most 30 characters) and takes the *last* cue word found there:
- an investment cue (总投资, 投资额, 计划投资, 协议投资, 签约金额, 签约投资额, 投入, 增资 …)
  makes it an investment;
- a non-investment cue makes it not one: revenue (营业收入, 销售额, 产值), tax (税收, 利税),
  subsidies (奖补, 补贴, 奖励), policy money (专项资金, 引导资金, 基金, 规模), trade (交易额,
  出口), targets (目标), growth (增长), statistics of a whole zone (完成投资, 固定资产投资,
  实际利用外资, 到位资金) and financing (融资, 贷款, 授信).
The nearest cue wins, so "签约金额完成全年奋斗目标200亿元" is a target, not a signing, and
"项目总投资10亿元，年产值20亿元" gives one investment and one output value.

Decisions:
- 融资 (a company's financing round) is not an investment in a project.
- 注册资本 counts, with the lowest rank: extraction keeps it only for a project that has
  no investment figure of its own.
- 固定资产投资 / 完成投资 are progress statistics (of a zone or a project), not a project's
  investment total.
- A phase figure (一期投资, 首期, 其中) is a `sub` amount, used only without a total.
- An amount followed directly by 专项资金 / 基金 / 补贴 … is never an investment, whatever
  precedes it ("投资10亿元设立产业基金" is a fund).
- No cue at all, but "X亿元的…项目" (e.g. 签约一个50亿元的新能源项目): a `loose`
  investment.
- A converted figure (约合人民币35亿元) repeats the amount before it and is skipped.
- A distributive bound ("3个项目总投资均超过5亿元") is shared by several projects: no amount.
- A cue printed as a label ("总投资：35亿元", in project lists) reaches over its colon.
- An investment verb right after a non-investment noun belongs to it ("研发经费投入").
- Contracted foreign investment (协议外资, 合同外资) is an investment; venture terms
  (创业投资, 股权投资, 创投) are financing; the noun 累计投资额 sums a history
  ("累计投资额已达6.5亿美元"), while the verb may pledge ("未来五年累计投资100亿元").
- A threshold ("投资超10亿元的项目有5个", "亿元以上项目") counts projects; it is no amount.
- Investment of a whole industry, sector or territory ("我国动力电池领域新增投资超过3000亿元",
  "光伏产业链投资额达2500亿元", "江苏一省…投资超过800亿元") is a statistic: a scope word
  (我国, 全国, 国内, 全球, 一省, 行业, 领域, 产业链 …) in the amount's clause makes it none,
  unless the clause reports a signing or a start there ("全市集中签约项目32个总投资…") or
  names a firm ("行业龙头企业X集团投资50亿元").
- The value of a cooperation deal at a fair or roadshow (意向合作金额, 合作意向金额,
  合作金额, 成交金额) is not an investment, even beside 项目 ("20个项目路演，意向合作金额…").
- A cue followed by 累计 sums a history ("项目投资额累计超过200亿元"): no amount.
"""

from __future__ import annotations

import re

# Rank of each kind of investment cue: extraction keeps the best-ranked amount per project.
RANK = {"total": 4, "invest": 3, "loose": 2, "sub": 1, "capital": 0}

_TOTAL = (
    "总投资额 总投资 投资总额 计划总投资 项目总投资 总投入 协议投资 协议总投资 合同投资 合同总投资 "
    "签约投资额 签约投资 签约金额 签约额 签约总额 签约资金 意向投资 投资规模 总规模投资 投资估算 "
    "投资额 计划投资 拟投资 预计投资 项目投资 总造价 协议外资 合同外资"
).split()
_INVEST = "投资 投入 增资 注资 斥资 耗资 出资 引资 投建 再投资".split()
_CAPITAL = "注册资本 注册资金".split()
_WEAK = "总金额 金额 合计 共计 总计 总额".split()
_NEGATIVE = (
    "营业收入 营收 收入 销售收入 销售额 销售 营业额 产值 年产值 总产值 增加值 生产总值 GDP 税金 利税 "
    "税收 纳税 缴税 缴纳 税 利润 净利润 奖补 补贴 补助 奖励 奖金 扶持 资助 专项资金 引导资金 资金支持 "
    "基金 规模 市场规模 产业规模 交易额 成交额 交易 贸易 进出口 出口 进口 目标 融资 贷款 授信 信贷 "
    "估值 市值 资产 收益 节约 节省 订单 合同额 采购 消费 预算 经费 拨付 兑现 减免 退税 增长 增加 "
    "减少 下降 提高 完成投资 完成 到位资金 实际利用外资 利用外资 外资 固定资产投资 工业投资 技改投资 "
    "研发投入 研发经费 募集 募资 发行 债券 保费 工资 薪酬 成本 利息 租金 价格 售价 单价 票房 "
    "年度计划投资 年度投资 年度计划 年计划投资 计划完成投资 "
    "带动投资 撬动 拉动 吸引投资 社会投资 获得投资 获投资 天使轮 轮投资 "
    "创业投资 风险投资 股权投资 天使投资 创投 经费 累计投资额 累计完成投资 "
    "合作金额 合作意向金额 成交金额"
).split()
_SUB = re.compile(r"一期|首期|二期|三期|四期|其中|先期|分期")

_KIND = {w: "total" for w in _TOTAL}
_KIND.update({w: "invest" for w in _INVEST})
_KIND.update({w: "capital" for w in _CAPITAL})
_KIND.update({w: "weak" for w in _WEAK})
_KIND.update({w: "negative" for w in _NEGATIVE})
_CUE_RE = re.compile("|".join(re.escape(w) for w in sorted(_KIND, key=len, reverse=True)))

# A cue printed as a form label: "总投资：35亿元".
_LABEL = re.compile(r"(?:总投资|投资总额|投资额|计划投资|项目投资|签约金额|投资)[：:]$")
_CLAUSE_BREAK = re.compile(r"[，,；;。！？!?：:\n]")
_CONVERSION = re.compile(r"(?:约合|折合|合人民币|约合人民币|折合人民币|相当于)$")
_NEG_AFTER = re.compile(
    r"(?:的)?(?:专项资金|引导资金|产业基金|引导基金|投资基金|创投基金|基金|资金支持|扶持资金|资金|奖励|奖补|"
    r"补贴|补助|贷款|授信|订单|营收|收入|产值|税收|融资|债券|消费券|红包|专项债|利润|销售额|交易额|的?年产值)"
)
_POS_AFTER = re.compile(r"(?:的)?(?:在[^，,；;。]{1,12}?)?(?:总投资|投资|资金投入)(?!基金|机构|公司|人|者)")
_LOOSE_AFTER = re.compile(r"的[^，,；;。！？\n]{0,30}?(?:项目|基地|产业园|工厂|生产线)")
# "投资超10亿元的项目有5个", "10亿元以上项目8个": a threshold for counting, not an amount.
_THRESHOLD_AFTER = re.compile(
    r"(?:以上|及以上)?(?:的)?[^，,；;。]{0,6}?项目(?:有|共|达|为|共有)?[\d一二两三四五六七八九十]+(?:个|项)"
)
# "另有3个项目总投资均超过5亿元": a bound shared by several projects, not an amount.
_DISTRIBUTIVE = re.compile(r"[均都](?:在|为|达|超|超过|不低于|不少于|约|近|逾|高于)?$")
_SIGNING = re.compile(r"签约|投资|项目|签署|签订|落户")
_AGGREGATE = re.compile(r"我国|全国|国内|全球|世界|一省|各省|各地|行业|领域|产业链|板块|赛道")
_REPORTED_EVENT = re.compile(r"签约|签订|签署|开工|落户|落地|投产|竣工|引进|集中")
_FIRM = re.compile(r"企业|公司|集团|龙头|股份|厂商")
_CUMULATIVE = re.compile(r"累计[^，,；;。]{0,4}$")
_WINDOW = 30


def clause_start(folded: str, pos: int, floor: int = 0) -> int:
    """Index just after the last clause break before `pos` (not before `floor`)."""
    lo = max(floor, pos - 200)
    last = -1
    for m in _CLAUSE_BREAK.finditer(folded, lo, pos):
        last = m.end()
    return last if last >= 0 else lo


def classify(folded: str, start: int, end: int, floor: int = 0) -> tuple[str | None, int]:
    """(kind, cue_start) of the amount at folded[start:end]; kind None when not an investment.

    kind is one of RANK's keys. `floor` is the start of the sentence.
    """
    if _CONVERSION.search(folded, max(floor, start - 6), start) or folded.startswith(("约合", "折合"), start):
        return None, start  # the amount's own text may open with 约合 (an approximate marker)
    if _DISTRIBUTIVE.search(folded, max(floor, start - 4), start):
        return None, start
    if _NEG_AFTER.match(folded, end) or _THRESHOLD_AFTER.match(folded, end):
        return None, start
    lo = max(clause_start(folded, start, floor), start - _WINDOW)
    if lo > floor and folded[lo - 1] in "：:" and _LABEL.search(folded, max(floor, lo - 8), lo):
        lo = max(clause_start(folded, lo - 1, floor), start - _WINDOW)  # "总投资：35亿元"
    cues = list(_CUE_RE.finditer(folded, lo, start))
    decisive = []
    for c in cues:
        kind = _KIND[c.group()]
        if kind == "weak":
            continue
        if kind == "negative" and decisive and decisive[-1].end() == c.start():
            if _KIND[decisive[-1].group()] in ("total", "invest") and c.group() == "规模":
                continue  # "预计投资规模": the scale of an investment
        if kind == "invest" and decisive and decisive[-1].end() == c.start():
            if _KIND[decisive[-1].group()] == "negative":
                continue  # "研发经费投入": the verb is part of the noun it follows
        decisive.append(c)
    if decisive:
        cue = decisive[-1]
        kind = _KIND[cue.group()]
        if kind == "negative":
            return None, cue.start()
        if kind in ("total", "invest") and _statistic(folded, lo, cue.end(), start):
            return None, cue.start()
        if kind in ("total", "invest") and _SUB.search(folded, lo, start):
            kind = "sub"
        return kind, cue.start()
    after = end
    if folded.startswith("（", end):  # "以4.5亿美元（约合人民币30亿元）投资建设"
        close = folded.find("）", end, end + 40)
        after = close + 1 if close > 0 else end
    if _POS_AFTER.match(folded, after):
        return "invest", start
    if cues and _SIGNING.search(folded, floor, start):
        return "total", cues[-1].start()
    if _LOOSE_AFTER.match(folded, after):
        return "loose", start
    return None, start


def _statistic(folded: str, lo: int, cue_end: int, start: int) -> bool:
    """Is the investment in folded[lo:start] an industry/territory total or a running sum?"""
    if _CUMULATIVE.search(folded, cue_end, start):
        return True
    if not _AGGREGATE.search(folded, lo, start) or _REPORTED_EVENT.search(folded, lo, start):
        return False
    return not _FIRM.search(folded, lo, start)  # "行业龙头XX集团投资50亿元" is a firm's investment
