"""Clean paragraphs of a page → articles (headline, byline, body).

A page is a run of articles, each opened by a headline group (kicker, headline,
sub-headline) and usually a byline. A short headline-like line *without* a byline
after it, inside an article, is an intertitle and stays in the body. An article may
also start with no headline at all: a news lede ("近日，…") about a zone the article
so far never named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .clean import CJK, is_byline, is_phrases, is_section_head, is_title_like, news_lead
from .types import RawArticle

_LEDE = re.compile(
    r"^(?:近日|日前|近期|昨日|昨天|今日|今天|本周|上周|\d{1,2}月\d{1,2}日(?:上午|下午|晚间?)?)，"
)
_ZONE = re.compile(rf"([{CJK}]{{2,6}}?)(?:高新技术产业开发区|经济技术开发区|高新区|经开区|开发区)")
_GENERIC_ZONE_KEYS = frozenset({"国家", "全国", "省级", "各地", "全省", "市级"})
_DASHES = "—-－─"
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
    zones: set[str] = field(default_factory=set)

    def add(self, paragraph: str) -> None:
        self.body.append(paragraph)
        self.zones.update(_zone_keys(paragraph))

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
    i, n = 0, len(paragraphs)
    while i < n:
        para = paragraphs[i]
        current = drafts[-1] if drafts else None
        if is_title_like(para) and not (current is not None and is_section_head(para)):
            j = i
            while j < n and is_title_like(paragraphs[j]) and not is_section_head(paragraphs[j]):
                j += 1
            j = max(j, i + 1)
            group, nxt = paragraphs[i:j], paragraphs[j] if j < n else None
            opens = nxt is not None and (is_byline(nxt) or news_lead(nxt) is not None)
            if current is None or opens or (len(group) > 1 and nxt is not None):
                drafts.append(_headed(group))
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
        elif current is None or (current.body and _starts_untitled_article(para, current)):
            current = _Draft()
            drafts.append(current)
        current.add(para)
    return [draft.done() for draft in drafts]


def _headed(group: list[str]) -> _Draft:
    """Headline group → kicker / title / subtitle.

    The title is the longest undashed line, except that a line of several space-separated
    phrases is a slogan kicker ("坚定不移… 奋力谱写…") or a sub-headline of figures ("签约项目
    8个 总投资52.6亿元") when the group also has a one-phrase line of headline length: a
    main headline is one phrase. A very short line right after a long one is the rest of a
    headline the layout wrapped ("株洲高新区轨道交通配套" / "产业园开工").
    """
    subs = [line.lstrip(_DASHES).strip() for line in group if line[0] in _DASHES]
    mains = _unwrap([line for line in group if line[0] not in _DASHES])
    if not mains:
        return _Draft(title=subs[0], subtitle=" ".join(subs[1:]) or None, zones=_zone_keys(subs[0]))
    single = [k for k, line in enumerate(mains) if not is_phrases(line) and len(line) >= _MIN_TITLE]
    pool = single if single else range(len(mains))
    pos = max(pool, key=lambda k: (len(mains[k]), k))
    below = mains[pos + 1 :] + subs
    draft = _Draft(
        title=mains[pos],
        kicker=" ".join(mains[:pos]) or None,
        subtitle=" ".join(below) or None,
    )
    for line in group:
        draft.zones.update(_zone_keys(line))
    return draft


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
    match = _ZONE.search(para, 0, 40)
    if match is None:
        return False
    key = match.group(1)[-2:]
    if key[-1] in _FUNCTION_CHARS:
        return False  # "总投资6.8亿元的高新区…": the zone already being reported
    return key not in _GENERIC_ZONE_KEYS and key not in current.zones
