"""Decides when two reports are the same project: the one place for de-duplication.

Newspapers name a project differently from one issue to the next ("海创尚纬新能源
西南制造基地" when signed, "海创尚纬首期4万吨负极材料项目" when it breaks ground),
so we compare within one zone, by investor when both name one, else by the
overlap of the names' character pairs once the generic words are set aside.
"""

from __future__ import annotations

import re

from .models import Project

GENERIC_WORDS = re.compile(
    r"项目|工程|基地|产业园|园区|建设|生产线|一期|二期|三期|首期|配套|基础设施|暨|年产|有限公司|股份|科技|集团"
)
NAME_SIMILARITY_THRESHOLD = 0.45
MAX_CANDIDATES = 5


def name_key(name: str) -> str:
    """The distinctive characters of a project name."""
    return GENERIC_WORDS.sub("", re.sub(r"[\s\d、，,。（）()“”\"'.-]+", "", name))


def name_similarity(a: str, b: str) -> float:
    """Dice coefficient of character bigrams of the names' distinctive parts (0..1)."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return 0.0
    if ka in kb or kb in ka:
        return 1.0
    pairs_a = {ka[i : i + 2] for i in range(len(ka) - 1)} or {ka}
    pairs_b = {kb[i : i + 2] for i in range(len(kb) - 1)} or {kb}
    return 2 * len(pairs_a & pairs_b) / (len(pairs_a) + len(pairs_b))


def same_investor(a: str, b: str) -> bool:
    a, b = a.strip(), b.strip()
    return bool(a and b) and (a in b or b in a)


def likely_duplicates(project: Project, limit: int = MAX_CANDIDATES) -> list[tuple[Project, float]]:
    """Known projects (same zone, not merged away) that this one probably repeats, best first."""
    if project.zone_id is None:
        return []
    others = (
        Project.objects.filter(zone_id=project.zone_id, merged_into__isnull=True)
        .exclude(pk=project.pk)
        .exclude(review_status="rejected")
        .only("id", "name", "investor", "review_status", "zone_id", "date", "amount_text")
    )
    scored = []
    for other in others:
        score = name_similarity(project.name, other.name)
        if same_investor(project.investor, other.investor):
            score = max(score, 0.9)
        if score >= NAME_SIMILARITY_THRESHOLD:
            scored.append((other, round(score, 2)))
    scored.sort(key=lambda pair: (-pair[1], pair[0].review_status != "confirmed", pair[0].pk))
    return scored[:limit]
