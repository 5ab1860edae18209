"""Project names, investors and job counts in one sentence, by shallow rules.

Chinese has no spaces, so a name's right edge is found from its head noun (项目, 基地,
产业园, 生产线 …) and its left edge by walking back to the nearest boundary: punctuation,
a function word (的, 在, 就, 将 …), a verb that introduces the project (签约, 建设, 投资,
落户 …) or a count (10个). What remains is checked against a list of generic words: "合作项目",
"重点项目" or "该项目" are not names. A name right after a place preposition (在, 位于, 入驻)
is a location ("在乐山高新区新能源产业园举行开工仪式"), not a project.

A name is what an editor would keep (parser 4.1; the yardstick is tests/parsing/name_quality.py):
a list "甲、乙等17个项目" gives one name per item (甲 becomes 甲项目), a short modifier staying
with the next ("光伏、风电储能电池产业园"); a description ("全省最大单体工业项目", "首个民生类项目")
is no name, and gives way to a name that follows it straight away; a class ("属于…的X项目",
"X区2022年一季度重大项目", "数十亿元级项目") and a zone ("X产业园区") are no names; quotes and
noun uses of 服务/管理 stay inside a name ("普华永道“未来空间”项目", "人力资源服务产业园").
"本次启动的项目" refers back like 该项目 (4.5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .wordlists import alternation

_HEADS = (
    "项目|基地|产业园|产业基地|工厂|制造厂|生产线|产线|工程|研发中心|运营中心|制造中心|结算中心|数据中心|"
    "中心|总部|研究院|工业园|科技园|综合体|电站|智造园|产业城|科技城|示范区"
)
_TRAIL = r"(?:项目|工程|一期|二期|三期|首期|（一期）|（二期）)*"
# A head inside a longer noun is none: 工程机械, 工程师, 中心城区.
_HEAD_RE = re.compile(rf"(?:{_HEADS})(?!机械|师|城区){_TRAIL}")
_HEAD_END = re.compile(rf"(?:{_HEADS}){_TRAIL}\Z")
_NAME_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9.·\-—+“”\"《》（(、]")  # not ）: a name never ends one
# The run of name characters that ends where a search stops (a C scan, not a per-character loop).
_NAME_RUN = re.compile(_NAME_CHARS.pattern + r"*\Z")
_ENUM_COMMA = re.compile("、")
# Boundaries: the name starts after the last one of these in its left context.
_BOUNDARY = re.compile(
    # who reports or attends is no part of a name: "…张某出席活动并宣布项目集中开工"
    r"出席|宣布|表示|指出|强调|介绍|获悉|发现|了解到|参加|主持|致辞|重要|"
    r"这家|这个|这一|那家|(?<=[\d一二两三四五六七八九十])大|"
    r"此次|本次|这次|该次|(?<=[共合拟在筹])建|签约|签署|签订|签下|引进|落户|落地|开工|奠基|动工|开建|建设|新建|扩建|投资|投建|打造|推进|实施|启动|"
    r"举行|包括|其中|以及|这些|上述|考察|洽谈|对接|参观|调研|总投资|是|了|的|在|于|就|将|与|对|"
    r"把|由|等|共|个|(?<=[\d一二两三四五六七八九十])项|批|该|此|其|各|：|:|，|,|；|;|“|”|"
    # verbs that take 项目 as object: "狠抓项目", "主攻项目建设" are not names
    r"抓|组建|围绕|确保|主攻|推进|保障|推动|加快|做好|聚焦|谋划|包装|争取|招引|对接|跟踪|落实|审批|服务于|"
    r"成员|招商引资|统筹|优化|强化|深化|助力|支持|带动|促进|完善|提升|实现|完成|开展|进行|"
    r"涉及|涵盖|覆盖|主要|重点|一批|多个|若干|全部|所有|部分|更多|首个|唯一"
)
# "人力资源服务产业园": words that end a name's left context only before 项目/工程 (see the file).
_NOUN_VERBS = re.compile(alternation("names/noun_verbs"))
_OBJECT_HEADS = ("项目", "工程")
# A description in place of a name: "吉林省最大单体工业项目", "首个房建类民生项目".
_DESCRIPTOR = re.compile(alternation("names/descriptors"))
_CLASS_WORD = re.compile(r"[\u4e00-\u9fff]{2}类(?!脑)")  # 房建类, 民生类 (not 类脑: brain-like)
# "属于…的X项目": the class a project belongs to, not its name.
_CLASS_VERB = re.compile(alternation("names/class_verbs"))
# A place before generic words is still no name: "X高新区2022年一季度重大项目".
_PLACE_PREFIX = re.compile(r"^[\u4e00-\u9fff]{1,10}?(?:高新区|开发区|新区|园区|[省市县区])")
_PLACE_END = re.compile(r"[区市县省]")
_MONEY = re.compile(r"[万亿](?:元|美元|欧元|港元)")
_CLAUSE_MARK = re.compile(r"[，,；;：:。！？]")
# "甲、乙等17个项目": a list of a batch's members, each item a project of its own.
LIST_COUNT = re.compile(r"等(?:[\d一二两三四五六七八九十百]+(?:个|项|宗)|多个|一批|若干)")
_LEADING = re.compile(r"(?:自从|自(?![动主贸然由治行研有建营助])|从|据|随着|截至)")
# Generic heads: a name made only of these words is not a name.
_GENERIC = re.compile(
    r"^(?:合作|重点|重大|省重点|市重点|省市重点|系列|签约|产业|招商|新|相关|一批|多个|优质|投资|建设|在建|新建|续建|储备|产业化|"
    r"引进|落地|服务|孵化|科技|工业|省级|市级|国家级|国家|示范|标杆|龙头|好|大|大型|优秀|民生|基础设施|"
    r"配套|招商引资|外资|内资|台资|港资|侨资|制造业|技改|工业技改|亿元|十亿元|百亿元|亿元以上|全部|所有|单个|首批|第一批|"
    r"各类|其他|其它|同类|以上|更多|一系列|年度|[一二三四]季度|上半年|下半年|全年|本次|此次|当天|现场|集中|"
    # words that say which or whose project, not its name: "一期项目", "现有项目", "切实解决好项目"
    r"公司|企业|集团|现有|原有|该|切实|解决好|做好|抓好|生产|物流|[一二三四首]期|"
    r"\d{4}年度?|今年|去年|[0-9一二两三四五六七八九十百千]+)*$"
)
_PLACE_BEFORE = re.compile(r"(?:在|于|位于|落户|入驻|进驻|来到|来|到|至|赴|抵达|选址|坐落)$")
_COMPANY_LEGAL = re.compile(
    r"[\u4e00-\u9fffA-Za-z0-9（）()]{2,30}?(?:股份有限公司|有限责任公司|集团有限公司|有限公司|集团公司|集团)"
)
_COMPANY_SHORT = re.compile(
    r"(?:^|[，,；;。！？：\n]|[日月]，?)(?P<co>[\u4e00-\u9fffA-Za-z0-9]{2,10}?)"
    r"(?:考察团|代表团|一行|董事长|总裁|总经理|负责人|公司(?!注册)|拟|计划投资|计划总投资|总投资|投资|将投资|斥资|签约落户)"
)
_NOT_COMPANY = re.compile(
    r"区|市|县|省|政府|管委会|部门|我们|双方|该|本|此|这|那|记者|企业|项目|^\d|今年|去年|了|的|是|在|把|被|对|向|从|"
    r"确定|进行|开展|实现|完成|推动|加快|积极|初步|全面|重点|共同|计划|意向|如何|已经|正在|同时|其中|通过|目前|"
    r"首次|再次|累计|全年|总|共|年|月|日|将|拟|创下|投产|建成|达产|^后|后$"
)
_JOBS = re.compile(
    r"(?:解决|带动|提供|新增|创造|吸纳|增加)(?:就业|当地就业|就业岗位|工作岗位|岗位)?"
    r"(?:约|近|超过|超|逾|达)?(?P<n>\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)(?P<wan>万)?(?:余|多)?"
    r"(?:个)?(?:人|名|个就业岗位|个岗位|就业岗位|岗位)"
    r"|(?:解决|带动)(?P<n2>\d+)(?:余|多)?人(?:就业|以上就业)"
    r"|(?:提供|新增|创造|带动|增加)(?:就业|工作)?岗位(?:约|近|超过|超|逾|达)?(?P<n3>\d+(?:\.\d+)?)(?P<wan3>万)?(?:余|多)?个"
)
_COUNT_DIGITS = "0123456789一二两三四五六七八九十"
# "该项目…", "本次启动的项目一期…": the project just reported.
_COREF = re.compile(r"(?:该|此|这个|这一|上述|本)项目|(?:本次|此次|这次)[\u4e00-\u9fff]{0,4}?的项目")


@dataclass(frozen=True)
class NameSpan:
    start: int
    end: int
    name: str
    counted: bool  # preceded by a count (10个…项目): a group, not one project
    investor: str | None = None  # a legal company name that opened the span


def find_names(folded: str, text: str, lo: int, hi: int) -> list[NameSpan]:
    """Project names in folded[lo:hi] (offsets into the article; `text` gives the original)."""
    names: list[NameSpan] = []
    last_end = lo
    description = -1  # where a description ended ("…最大单体工业项目"): a name right after it is its name
    for m in _HEAD_RE.finditer(folded, lo, hi):
        end = m.end()
        if m.start() < last_end:
            continue
        start = _NAME_RUN.search(folded, max(lo, last_end, m.start() - 45), m.start()).start()
        left = folded[start : m.start()]
        cut = 0
        counted = False
        quoted = _quoted(left) if "“" in left else ()
        for b in _BOUNDARY.finditer(left):
            if quoted and any(o <= b.start() <= c for o, c in quoted):
                continue  # "普华永道“未来空间”项目": a quoted name is part of the name
            cut = b.end()
            counted = b.group() in "个项批大" and b.start() > 0 and left[b.start() - 1] in _COUNT_DIGITS
        if m.group().startswith(_OBJECT_HEADS):
            for b in _NOUN_VERBS.finditer(left, cut):
                cut, counted = b.end(), False
        # A list "A项目、B项目" splits: keep only the last item for this head.
        for sep in _ENUM_COMMA.finditer(left) if "、" in left else ():
            before = left[: sep.start()]
            if _HEAD_RE.search(before[-6:] if len(before) >= 6 else before):
                cut = max(cut, sep.end())
        start += cut
        while start < m.start() and folded[start] in "、（(—-·.+":
            start += 1
        lead = _LEADING.match(folded, start, m.start())
        if lead:
            start = lead.end()
        body = folded[start : m.start()]
        investor = None
        legal = None
        for legal in _COMPANY_LEGAL.finditer(body):  # noqa: B007 - the last one opens the name
            pass
        if legal is not None and legal.end() < len(body):
            investor = text[start + legal.start() : start + legal.end()]
            start += legal.end()
            body = folded[start : m.start()]
        last_end = end
        opened, description = description, -1
        if folded.startswith("区", end) and m.group()[-1] == "园":
            continue  # "X产业园区": a zone, not a project (a 项目 after it is matched on its own)
        if _DESCRIPTOR.search(folded, max(lo, start - 3), m.start()) or (
            "类" in body and _CLASS_WORD.search(body)
        ):
            description = end  # "吉林省最大单体工业项目": a description, maybe of the next name
            continue
        if (
            len(body) < 2
            or _GENERIC.match(body)
            or (_PLACE_END.search(body) is not None and _placed_class(body))
            or ("元" in body and _MONEY.search(body))
        ):
            if not counted:  # "高新区2022年一季度重大项目", "数十亿元级项目": a class, no name
                continue
        if _PLACE_BEFORE.search(folded, max(lo, start - 4), start):
            continue
        if _CLASS_VERB.search(folded, max(lo, start - 30), start) and _class_before(folded, lo, start):
            continue
        if "、" in body and not counted and LIST_COUNT.match(folded, end, hi):
            names += _list_items(folded, text, start, m.start(), end)
            continue
        span = NameSpan(start, end, text[start:end], counted, investor)
        if names and names[-1].end == start and len(body) <= 3 and not counted:
            prev = names.pop()  # "黔云数据中心集群项目": a head inside a longer name
            span = NameSpan(prev.start, end, text[prev.start : end], prev.counted, prev.investor)
        elif opened == start and not counted:  # "最大单体工业项目中国石油…项目": the name of that
            span = NameSpan(_description_start(opened, folded, lo), end, span.name, False, investor)
        names.append(span)
    return names


def _description_start(description_end: int, folded: str, lo: int) -> int:
    """Where the description ending at `description_end` starts: after the last clause mark or
    的 before it, so that "总投资339亿元的[description][name]" puts the name right after 的."""
    i = description_end - 1
    while i > lo and folded[i - 1] not in "，,；;：:。的":
        i -= 1
    return i


def _quoted(left: str) -> list[tuple[int, int]]:
    """The closed “…” spans of a name's left context."""
    out = []
    pos = left.find("“")
    while pos >= 0:
        close = left.find("”", pos)
        if close < 0:
            break
        out.append((pos, close))
        pos = left.find("“", close)
    return out


def _class_before(folded: str, lo: int, start: int) -> bool:
    """ "属于…国家重点扶持的X项目": is a class verb before the name in its clause?"""
    window = max(lo, start - 30)
    verb = _CLASS_VERB.search(folded, window, start)
    if verb is None:  # the usual case: one scan
        return False
    clause = window
    for mark in _CLAUSE_MARK.finditer(folded, window, start):
        clause = mark.end()
    return _CLASS_VERB.search(folded, clause, start) is not None


def _placed_class(body: str) -> bool:
    """ "X高新区2022年一季度重大": a place, then only generic words."""
    stripped = _PLACE_PREFIX.sub("", body) if _PLACE_END.search(body) else body
    return stripped != body and _GENERIC.match(stripped) is not None


def _list_items(folded: str, text: str, start: int, head: int, end: int) -> list[NameSpan]:
    """ "孚能科技动力电池、中俄航空产业园等17个项目": each item of the list is a project; an
    item without a head noun is one of the counted 项目 ("孚能科技动力电池项目"). A short item
    (under four characters: "光伏、风电储能电池产业园") is a modifier of the next, not a name."""
    out = []
    item = start
    for sep in _ENUM_COMMA.finditer(folded, start, head):
        if sep.start() - item < 4:
            continue  # a modifier: it stays with the next item
        own = text[item : sep.start()]
        word = "项目" if folded[item : sep.start()] == own else "項目"  # the page's own script
        out.append(
            NameSpan(
                item, sep.start(), own if _HEAD_END.search(folded[item : sep.start()]) else own + word, False
            )
        )
        item = sep.end()
    out.append(NameSpan(item, end, text[item:end], False))
    return out


def _has_legal_suffix(folded: str, lo: int, hi: int) -> bool:
    """Every legal suffix (有限公司, 集团 …) holds 公司 or 集团: without them, skip the scan."""
    return folded.find("公司", lo, hi) >= 0 or folded.find("集团", lo, hi) >= 0


def find_companies(folded: str, text: str, lo: int, hi: int) -> list[tuple[int, str]]:
    """Companies in folded[lo:hi] as (start, name): legal names and clause-initial short names."""
    found = []
    legal_names = _COMPANY_LEGAL.finditer(folded, lo, hi) if _has_legal_suffix(folded, lo, hi) else ()
    for m in legal_names:
        start = m.start()
        left = folded[max(lo, start - 30) : start]
        # Trim the legal name's left edge like a project name's.
        name = text[start : m.end()]
        cut = 0
        for b in _BOUNDARY.finditer(folded, start, m.end() - 4):
            if b.group() in ("的", "与", "和", "在", "就", "将", "由", "，", "；", "“", "是"):
                cut = b.end() - start
        del left
        name = name[cut:]
        if len(name) > 4 and not _NOT_COMPANY.search(name[:-4]):
            found.append((start + cut, name))
    legal_spans = [(start, start + len(name)) for start, name in found]
    # from the mark that ends the sentence before: a company may open the sentence
    for m in _COMPANY_SHORT.finditer(folded, max(0, lo - 1), hi):
        co = m.group("co")
        if _NOT_COMPANY.search(co) or _GENERIC.match(co) or co.endswith(("有限", "股份", "有限责任")):
            continue
        if any(a <= m.start("co") < b for a, b in legal_spans):
            continue
        found.append((m.start("co"), text[m.start("co") : m.end("co")]))
    found.sort()
    return found


def find_jobs(folded: str, lo: int, hi: int) -> int | None:
    """Jobs created, from 解决就业1000余人 / 带动就业1000人以上 / 提供就业岗位500个."""
    from .amounts import chinese_to_int

    m = _JOBS.search(folded, lo, hi)
    if m is None:
        return None
    raw = m.group("n") or m.group("n2") or m.group("n3")
    value = int(float(raw)) if raw[0].isdigit() else chinese_to_int(raw)
    if value is None:
        return None
    if m.group("wan") or m.group("wan3"):
        value = int(float(raw) * 10000) if raw[0].isdigit() else value * 10000
    return value or None


def coref_at(folded: str, lo: int, hi: int) -> int | None:
    """Position of "该项目 / 此项目 …" in folded[lo:hi], if any."""
    m = _COREF.search(folded, lo, hi)
    return m.start() if m else None
