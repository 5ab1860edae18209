"""Clean paragraphs of a page → articles (headline, byline, body).

A page is a run of articles, each opened by a headline group (kicker, headline,
sub-headline) and usually a byline. A short headline-like line *without* a byline
after it, inside an article, is an intertitle and stays in the body. An article may
also start with no headline at all: a news lede ("近日，…") about a zone the article
so far never named.

Page-structure rules (round s):
- A bracketed byline at an article's end ("（记者 王明）") closes that article: it is its
  byline (when it has none yet), never a headline; what follows starts a new article.
- A byline printed between headline lines (caption, byline, then the headline) keeps the
  headline group open: a headline-like line right after a headline and its byline, before
  any body, joins that headline group.
- News briefs: "■合肥高新区：…" opens an article titled by its lead-in label; a bulleted
  headline ("■石家庄高新区生物医药项目开工") opens an article when the page is in a run of
  briefs, the article so far has no body, or it names a zone the article never named.
- A headline with no body at all ("园区简讯", a column head over briefs) is not an article.
- A short first headline line naming a zone ("南昌高新区航空装备", ≤ 10 characters) whose
  next line names none is the first half of one headline wrapped over two lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from .clean import (
    CJK,
    brief_label,
    closing_byline,
    is_bracketed_headline,
    is_bulleted,
    is_byline,
    is_long_headline,
    is_phrases,
    is_section_head,
    is_title_like,
    news_lead,
    wrapped_headline,
)
from .types import RawArticle

_NEWS_OPENER = re.compile(
    r"^(?:央视网消息|新华社|中新网|中新社|本报讯|人民网|新华网|据[^，。]{0,12}(?:消息|报道)"
    r"|(?:近日|日前|近期|今天|昨天|今日|昨日)，)"
)
# "国家移民管理局今天发布消息", "比赛昨天在广东佛山举行": a lede whose subject comes before
# its day word, in its first clause.
_SUBJECT_DAY = re.compile(r"^[^，,。：:；;！？]{0,14}?(?:今天|昨天|今日|昨日|日前|近日)")
_LEDE = re.compile(
    r"^(?:近日|日前|近期|昨日|昨天|今日|今天|本周|上周|\d{1,2}月\d{1,2}日(?:上午|下午|晚间?)?)，"
)
_ZONE = re.compile(rf"([{CJK}]{{2,6}}?)(?:高新技术产业开发区|经济技术开发区|高新区|经开区|开发区)")
_REPORTER = re.compile(r"记者|通讯员|特约|报道|编辑|摄影")
_GENERIC_ZONE_KEYS = frozenset({"国家", "全国", "省级", "各地", "全省", "市级"})
_DASHES = "—-－─"
_BULLETS = "▶►■●◆▷ "
_CJK_START = re.compile(rf"^[{CJK}]+$")
_MIN_TITLE = 8  # a one-phrase line shorter than this is a label ("喜讯"), not the title
_WRAPPED_TAIL = 6
_FUNCTION_CHARS = set("的在与和及于为是将由对向从至等以把被让赴来到去共该本此各其了并也还又已而给跟全")


@dataclass
class _Draft:
    title: str | None = None
    kicker: str | None = None
    subtitle: str | None = None
    byline: str | None = None
    body: list[str] = field(default_factory=list)
    head_zones: set[str] = field(default_factory=set)  # zone keys of the headline, then the body
    scanned: int = 0  # body paragraphs whose zone keys are in head_zones
    heads: list[str] = field(default_factory=list)  # the headline group's lines
    brief: bool = False  # opened by a bulleted brief
    closed: bool = False  # ended by a bracketed byline

    def add(self, paragraph: str) -> None:
        self.body.append(paragraph)

    def zones(self) -> set[str]:
        """Zone keys named so far, computed on demand (most drafts never ask) and incrementally."""
        self.head_zones.update(*(_zone_keys(p) for p in self.body[self.scanned :]))
        self.scanned = len(self.body)
        return self.head_zones

    def done(self) -> RawArticle:
        return RawArticle(
            title=self.title,
            subtitle=self.subtitle,
            byline=self.byline,
            text="\n".join(self.body),
            kicker=self.kicker,
        )


def split_articles(paragraphs: list[str]) -> list[RawArticle]:
    """Cut a page (output of `clean.clean_page`) into articles, in page order."""
    drafts: list[_Draft] = []
    paragraphs = list(paragraphs)
    i, n = 0, len(paragraphs)
    while i < n:
        para = paragraphs[i]
        current = drafts[-1] if drafts else None
        lead = None
        if "：" in para[:30] or ":" in para[:30]:  # a lead closed by its colon (one C scan)
            lead = _lead_over_headline(para, paragraphs[i + 1] if i + 1 < n else None)
        if lead is not None:  # "央视网消息（新闻联播）：" joined to the first item's headline
            paragraphs[i] = para = para[len(lead) :].lstrip("：: ")
        closing = closing_byline(para)
        if closing is not None and current is not None:
            current.byline = current.byline or closing
            current.closed = True
            i += 1
            continue
        label = brief_label(para)
        if label is not None:
            draft = _Draft(title=label, brief=True, heads=[label])
            draft.add(para[para.index(label) + len(label) + 1 :].strip())
            drafts.append(draft)
            i += 1
            continue
        nxt_para = paragraphs[i + 1] if i + 1 < n else None
        long_head = (
            is_long_headline(para)
            and nxt_para is not None
            and (is_byline(nxt_para) or news_lead(nxt_para) is not None or _is_lede(nxt_para))
        )
        if long_head:  # "甲高新区新材料、新能源…三大产业集群齐头并进 一季度签约…" over its lede
            drafts.append(_headed([para]))
            i += 1
            continue
        if is_title_like(para) and not (current is not None and is_section_head(para)):
            j = i + 1
            while j < n and not is_bracketed_headline(para) and _continues_group(paragraphs[j]):
                j += 1
            group, nxt = paragraphs[i:j], paragraphs[j] if j < n else None
            opens = nxt is not None and (
                is_byline(nxt)
                or news_lead(nxt) is not None
                or _is_lede(nxt)
                or _subject_lede(nxt, current)
                or (not is_title_like(nxt) and _in_digest(drafts))
                or (
                    current is not None
                    and len(current.body) == 1
                    and not _reported(current)
                    and not is_title_like(nxt)
                    and _restates(" ".join(group), nxt)
                )
            )
            if is_bracketed_headline(para):
                opens = True
                group = [para[1:-1].strip()]
            if current is not None and current.heads and not current.body and current.byline:
                drafts[-1] = _headed(current.heads + group, byline=current.byline)
            elif is_bulleted(para) and _opens_brief(para, current):
                drafts.append(_headed(group, brief=True))
            elif current is None or current.closed or opens or (len(group) > 1 and nxt is not None):
                drafts.append(_headed(group, byline=lead))
            else:  # intertitles inside the article
                for line in group:
                    current.add(line)
            i = j
            continue
        i += 1
        if is_byline(para):
            if current is None or current.body or current.byline:
                current = _Draft()
                drafts.append(current)
            current.byline = para.lstrip("▶►■●◆▷ ").strip()
            continue
        lead = news_lead(para)
        if lead is not None:
            if current is None or current.body or current.byline:
                current = _Draft()
                drafts.append(current)
            current.byline = lead
            para = para[len(lead) :].lstrip("，： ")
            if not para:
                continue
        elif current is None or current.closed or (current.body and _starts_untitled_article(para, current)):
            current = _Draft()
            drafts.append(current)
        current.add(para)
    return [draft.done() for draft in drafts if draft.body or draft.byline or draft.title is None]


def _lead_over_headline(para: str, nxt: str | None) -> str | None:
    """The news lead of a line that is a lead and a headline run together ("央视网消息（新闻联
    播）：前10个月…增长" over the item's body): the lead is the byline, the rest the headline."""
    lead = news_lead(para)
    # only a lead closed by its colon: "本报特约通讯员 王明" is a byline, not "本报特约通讯" + "员 王明"
    if lead is None or nxt is None or is_title_like(nxt) or para[len(lead) : len(lead) + 1] not in "：:":
        return None
    rest = para[len(lead) :].lstrip("：: ")
    return lead if rest and is_title_like(rest) else None


def _continues_group(line: str) -> bool:
    """Does a headline group go on with this line (a bulleted line or a digest item's
    【headline】 starts its own group)?"""
    return (
        is_title_like(line)
        and not is_section_head(line)
        and not is_bulleted(line)
        and not is_bracketed_headline(line)
    )


def _is_lede(line: str) -> bool:
    """Does a body paragraph open like a news story ("央视网消息：", "今天，", "日前，")? A
    headline-like line right above one heads a new article, not an intertitle: news digests
    print item after item with no byline between them."""
    return not is_title_like(line) and _NEWS_OPENER.match(line) is not None


def _subject_lede(line: str, current: _Draft | None) -> bool:
    """ "国家移民管理局今天发布消息…": a lede with its subject before the day word, above which
    a headline opens an item — unless a reporter signs the article so far, whose intertitles
    may well be followed by "园区日前…"."""
    if current is not None and _reported(current):
        return False
    return not is_title_like(line) and _SUBJECT_DAY.match(line) is not None


def _restates(head: str, para: str) -> bool:
    """Does the paragraph's first sentence restate the headline (a third of its character
    pairs, the share its content words give)? A news item's lede does ("全国民航安排280余班次
    复工航班" / "截至目前，全国民航已安排280余班次复工复产航班…"); an intertitle's section
    rarely opens with its words."""
    chars = [c for c in head if c.isalnum()]
    pairs = {a + b for a, b in pairwise(chars)}
    if len(pairs) < 4:
        return False
    end = para.find("。")
    first = para if end < 0 else para[:end]
    return sum(1 for p in pairs if p in first) * 3 >= len(pairs)


def _in_digest(drafts: list[_Draft]) -> bool:
    """Is the page a digest of one-paragraph items (a CCTV 快讯: headline, lede, headline, …)?
    The last two articles each have a headline, no reporter and one paragraph: then a headline
    above a body paragraph opens the next item even when that paragraph opens with no day word
    ("第二届…大赛正在山东济南举行。")."""
    if len(drafts) < 2:
        return False
    return all(d.title is not None and not _reported(d) and len(d.body) == 1 for d in drafts[-2:])


def _reported(draft: _Draft) -> bool:
    """Does a reporter sign the article (记者, 通讯员 …)? A digest item has no reporter, at most
    a site's lead ("央视网消息（新闻联播）"); a reporter's article may have intertitles."""
    return draft.byline is not None and _REPORTER.search(draft.byline) is not None


def _opens_brief(line: str, current: _Draft | None) -> bool:
    """A bulleted headline opens a brief: in a run of briefs, under a bodiless head, or a new zone."""
    if current is None or current.brief or not current.body:
        return True
    return bool(_zone_keys(line) - current.zones())


def _headed(group: list[str], *, byline: str | None = None, brief: bool = False) -> _Draft:
    """Headline group → kicker / title / subtitle.

    The title is the longest undashed line, except that a line of several space-separated
    phrases is a slogan kicker ("坚定不移… 奋力谱写…") or a sub-headline of figures ("签约项目
    8个 总投资52.6亿元") when the group also has a one-phrase line of headline length: a
    main headline is one phrase. A very short line right after a long one is the rest of a
    headline the layout wrapped ("株洲高新区轨道交通配套" / "产业园开工").
    """
    heads = list(group)
    group = [line.lstrip(_BULLETS).strip() or line for line in group]
    subs = [line.lstrip(_DASHES).strip() for line in group if line[0] in _DASHES]
    mains = _unwrap(_join_wrapped([line for line in group if line[0] not in _DASHES]))
    if not mains:
        return _Draft(
            title=subs[0],
            subtitle=" ".join(subs[1:]) or None,
            head_zones=_zone_keys(subs[0]),
            heads=heads,
            byline=byline,
            brief=brief,
        )
    single = [k for k, line in enumerate(mains) if not is_phrases(line) and len(line) >= _MIN_TITLE]
    pool = single if single else range(len(mains))
    pos = max(pool, key=lambda k: (len(mains[k]), k))
    below = mains[pos + 1 :] + subs
    draft = _Draft(
        title=mains[pos],
        kicker=" ".join(mains[:pos]) or None,
        subtitle=" ".join(below) or None,
        heads=heads,
        byline=byline,
        brief=brief,
    )
    for line in group:
        draft.head_zones.update(_zone_keys(line))
    return draft


def _join_wrapped(mains: list[str]) -> list[str]:
    """Join the two halves of a headline the layout wrapped (see `clean.wrapped_headline`)."""
    if len(mains) >= 2 and wrapped_headline(mains[0], mains[1]):
        return [mains[0] + mains[1], *mains[2:]]
    return mains


def _unwrap(mains: list[str]) -> list[str]:
    """Join a short tail (≤ 6 characters) to the long headline line before it."""
    out: list[str] = []
    for line in mains:
        tail = len(line) <= _WRAPPED_TAIL and _CJK_START.match(line) is not None
        if out and tail and len(out[-1]) >= 2 * len(line):
            out[-1] += line
        else:
            out.append(line)
    return out


def _zone_keys(text: str) -> set[str]:
    """Two characters before "高新区" etc.: enough to tell 清远高新区 from 滨海高新区.

    "…的高新区", "在开发区" refer back to a zone already named: no key.
    """
    keys = {m.group(1)[-2:] for m in _ZONE.finditer(text)}
    return {k for k in keys if k[-1] not in _FUNCTION_CHARS} - _GENERIC_ZONE_KEYS


def _starts_untitled_article(para: str, current: _Draft) -> bool:
    """A news lede about a zone the current article never named begins a new article."""
    if not _LEDE.match(para):
        return False
    end = para.find("。", 0, 40)  # in the lede's first sentence: "…开工建设。这使X开发区…" goes on
    match = _ZONE.search(para, 0, end if end >= 0 else 40)
    if match is None:
        return False
    key = match.group(1)[-2:]
    if key[-1] in _FUNCTION_CHARS:
        return False  # "总投资6.8亿元的高新区…": the zone already being reported
    return key not in _GENERIC_ZONE_KEYS and key not in current.zones()
