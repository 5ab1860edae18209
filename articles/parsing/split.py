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

from .clean import CJK, is_byline, is_title_like, news_lead
from .types import RawArticle

_LEDE = re.compile(
    r"^(?:近日|日前|近期|昨日|昨天|今日|今天|本周|上周|\d{1,2}月\d{1,2}日(?:上午|下午|晚间?)?)，"
)
_ZONE = re.compile(rf"([{CJK}]{{2,6}}?)(?:高新技术产业开发区|经济技术开发区|高新区|经开区|开发区)")
_GENERIC_ZONE_KEYS = frozenset({"国家", "全国", "省级", "各地", "全省", "市级"})
_DASHES = "—-－─"


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
        if is_title_like(para):
            j = i
            while j < n and is_title_like(paragraphs[j]):
                j += 1
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
    """Headline group → kicker / title / subtitle; the longest undashed line is the title."""
    subs = [line.lstrip(_DASHES).strip() for line in group if line[0] in _DASHES]
    mains = [line for line in group if line[0] not in _DASHES]
    if not mains:
        return _Draft(title=subs[0], subtitle=" ".join(subs[1:]) or None, zones=_zone_keys(subs[0]))
    pos = max(range(len(mains)), key=lambda k: (len(mains[k]), k))
    below = mains[pos + 1 :] + subs
    draft = _Draft(
        title=mains[pos],
        kicker=" ".join(mains[:pos]) or None,
        subtitle=" ".join(below) or None,
    )
    for line in group:
        draft.zones.update(_zone_keys(line))
    return draft


def _zone_keys(text: str) -> set[str]:
    """Two characters before "高新区" etc.: enough to tell 清远高新区 from 滨海高新区."""
    return {m.group(1)[-2:] for m in _ZONE.finditer(text)} - _GENERIC_ZONE_KEYS


def _starts_untitled_article(para: str, current: _Draft) -> bool:
    """A news lede about a zone the current article never named begins a new article."""
    if not _LEDE.match(para):
        return False
    match = _ZONE.search(para, 0, 40)
    if match is None:
        return False
    key = match.group(1)[-2:]
    return key not in _GENERIC_ZONE_KEYS and key not in current.zones
