"""Is a sum of money an investment? The words right before (and after) it decide.

The cue words are data (`articles/parsing/data/cues/*.txt`, read by `wordlists`), so a
linguist adds a word without touching this module; the rules below say what each list does.

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
- No cue at all, but "X亿元的…项目" (e.g. 签约一个50亿元的新能源项目) or a firm's "X亿欧元的…
  投资计划" (no scope word such as 我国 in its clause): a `loose` investment.
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
- Anywhere in the amount's clause (clause_veto.txt): an average (平均投资规模), money
  already paid in (已全部到位), a share deal (认购4600万股) or a fiscal allocation (下达…)
  make it none; so does a count of projects passing a bound ("其中有4个总投资超过10亿元").
- A sentence that denies a report (传闻不实) or cites other firms as examples ("如华辰科技拟
  投资…", example_openers.txt) gives no amount at all (`sentence_vetoed`).
- 总资金规模 (batch_total.txt) is a batch's total when a count of projects precedes it in its
  sentence ("现场签约项目42个，总资金规模达219亿元"); it sizes a fund otherwise, and a fund is
  no investment: with 基金 before the amount in its sentence, or no count, it is none.
- This year's share of a project (今年计划投资, part.txt) is a `sub` amount: the project is
  kept, the figure used only without a total; a works list's 年度计划投资 stays a plan.
"""

from __future__ import annotations

import re

from .wordlists import alternation, words

# Rank of each kind of investment cue: extraction keeps the best-ranked amount per project.
RANK = {"total": 4, "invest": 3, "loose": 2, "sub": 1, "capital": 0}

_TOTAL = words("cues/total")
_INVEST = words("cues/invest")
_CAPITAL = words("cues/capital")
_WEAK = words("cues/weak")
_NEGATIVE = words("cues/negative")
_PART = words("cues/part")
_SUB = re.compile(r"一期|首期|二期|三期|四期|其中|先期|分期")

_KIND = {w: "total" for w in _TOTAL}
_KIND.update({w: "invest" for w in _INVEST})
_KIND.update({w: "capital" for w in _CAPITAL})
_KIND.update({w: "weak" for w in _WEAK})
_KIND.update({w: "negative" for w in _NEGATIVE})
_KIND.update({w: "sub" for w in _PART})
_KIND.update({w: "batch" for w in words("cues/batch_total")})
_CUE_RE = re.compile("|".join(re.escape(w) for w in sorted(_KIND, key=len, reverse=True)))

# A cue printed as a form label: "总投资：35亿元".
_LABEL = re.compile(r"(?:总投资|投资总额|投资额|计划投资|项目投资|签约金额|投资)[：:]$")
_CLAUSE_BREAK = re.compile(r"[，,；;。！？!?：:\n]")
_CONVERSION = re.compile(r"(?:约合|折合|合人民币|约合人民币|折合人民币|相当于)$")
_NEG_AFTER = re.compile(rf"(?:的)?(?:{alternation('cues/negative_after')})")
_POS_AFTER = re.compile(r"(?:的)?(?:在[^，,；;。]{1,12}?)?(?:总投资|投资|资金投入)(?!基金|机构|公司|人|者)")
_LOOSE_AFTER = re.compile(r"的[^，,；;。！？\n]{0,30}?(?:项目|基地|产业园|工厂|生产线)")
# "推进30亿欧元的新厂区建设和产品升级投资计划": a firm's investment plan (not a territory's).
_PLAN_AFTER = re.compile(r"的[^，,；;。！？\n]{0,24}?投资计划")
# "投资超10亿元的项目有5个", "10亿元以上项目8个": a threshold for counting, not an amount.
_THRESHOLD_AFTER = re.compile(
    r"(?:以上|及以上)?(?:的)?[^，,；;。]{0,6}?项目(?:有|共|达|为|共有)?[\d一二两三四五六七八九十]+(?:个|项)"
)
# "另有3个项目总投资均超过5亿元": a bound shared by several projects, not an amount.
_DISTRIBUTIVE = re.compile(r"[均都](?:在|为|达|超|超过|不低于|不少于|约|近|逾|高于)?$")
_SIGNING = re.compile(r"签约|投资|项目|签署|签订|落户")
_AGGREGATE = re.compile(alternation("cues/scope"))
_REPORTED_EVENT = re.compile(alternation("cues/reported_event"))
_FIRM = re.compile(alternation("cues/firm"))
_CUMULATIVE = re.compile(r"累计[^，,；;。]{0,4}$")
_CLAUSE_VETO = re.compile(alternation("cues/clause_veto"))
_DENIAL = re.compile(alternation("cues/denial"))
# "如华辰科技拟投资…": 如 cites an example, but not in 如今, 如期, 如何, 如果 …
_EXAMPLE = re.compile(rf"(?:{alternation('cues/example_openers')})(?![今期何果此同实意约东皋])")
# "这批项目中有4个总投资超过10亿元": how many projects pass a bound, not an amount.
_COUNTED_BOUND = re.compile(
    r"(?:有|其中)[\d一二两三四五六七八九十]+(?:个|项)(?:项目)?[^，,；;。\d]{0,6}?"
    r"(?:超过|超|逾|高于|不低于|不少于|突破|在)?$"
)
_BOUNDS = ("超过", "超", "逾", "高于", "不低于", "不少于", "突破", "达")
_CLAUSE_END = re.compile(r"[，,；;。！？!?\n]")
_WINDOW = 30
# "签约项目42个", "42个项目": a count of projects (a batch_total word needs one before it).
_PROJECT_COUNT = re.compile(
    r"[\d一二两三四五六七八九十百]+(?:个|项)[^，,；;。\d]{0,10}?项目"
    r"|项目(?:共|总数|数量)?(?:达|为|共计|合计)?(?:近|约|超过|超|逾)?[\d一二两三四五六七八九十百]+(?:个|项)"
)
_FUND = re.compile(r"基金")


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
    clause = clause_start(folded, start, floor)
    if _vetoed(folded, clause, start, end):
        return None, start
    lo = max(clause, start - _WINDOW)
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
        if kind == "batch":  # 总资金规模: a batch's total after its count, never a fund's size
            counted = _PROJECT_COUNT.search(folded, floor, cue.start()) is not None
            batch = counted and _FUND.search(folded, floor, start) is None
            return ("total", cue.start()) if batch else (None, cue.start())
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
    if _PLAN_AFTER.match(folded, after) and not _AGGREGATE.search(folded, clause, start):
        return "loose", start
    return None, start


def _vetoed(folded: str, clause: int, start: int, end: int) -> bool:
    """Does the amount's clause make it an average, a paid-in tally, a share deal, a threshold
    count or a cited example (data/cues/clause_veto.txt, example_openers.txt)?"""
    close = _CLAUSE_END.search(folded, end, end + 60)
    clause_end = close.start() if close else min(len(folded), end + 60)
    if _CLAUSE_VETO.search(folded, clause, clause_end):
        return True
    if _COUNTED_BOUND.search(folded, max(clause, start - 16), start) and (
        folded.startswith(_BOUNDS, start) or folded[start - 1 : start] in "超逾过破于在"
    ):
        return True
    return _EXAMPLE.match(folded, clause) is not None


_NEW_COMPANY = re.compile(alternation("cues/new_company"))


def new_company(folded: str, lo: int, hi: int) -> bool:
    """Does folded[lo:hi] report a company set up now (设立, 揭牌 …; data/cues/new_company.txt)?"""
    return _NEW_COMPANY.search(folded, lo, hi) is not None


def sentence_vetoed(folded: str, lo: int, hi: int) -> bool:
    """Is the sentence folded[lo:hi] a denial ("传闻不实") or a list of cited examples?
    None of its amounts is then a fact of the article."""
    if _DENIAL.search(folded, lo, hi):
        return True
    head = lo
    while head < hi and folded[head] in ' \u3000\t“"':
        head += 1
    return _EXAMPLE.match(folded, head) is not None


def _statistic(folded: str, lo: int, cue_end: int, start: int) -> bool:
    """Is the investment in folded[lo:start] an industry/territory total or a running sum?"""
    if _CUMULATIVE.search(folded, cue_end, start):
        return True
    if not _AGGREGATE.search(folded, lo, start) or _REPORTED_EVENT.search(folded, lo, start):
        return False
    return not _FIRM.search(folded, lo, start)  # "行业龙头XX集团投资50亿元" is a firm's investment
