"""Which reported projects belong to which batch of the same article: the rule ingest links by.

A batch ("签约项目12个，总投资约186亿元") and a project it contains ("其中，总投资45亿元的甲
项目…") are both reported; unlinked, both count and the total is too high. Conservative, so
that a link is right when it is made (an editor links the rest on the review page):

* **Listed names.** The parser reports the names a batch sentence lists (`BatchFact.members`,
  docs/parse-output.md). A name links the article's project of that name (or the one project
  whose name clearly is that name: `projects.dedup.name_similarity` ≥ MEMBER_SIMILARITY).
* **Follow-up.** A project whose sentence opens with a follow-up word (`其中`, the list in
  articles/parsing/data/members/follow_up.txt) and that is the first fact after a batch's
  sentence belongs to that batch.

Either way the project must be in the batch's zone (or one of them unknown) and, when both
amounts are known, not larger than the batch's. A project is linked to one batch, the first
that claims it.
"""

from __future__ import annotations

from articles.parsing.types import BatchFact, ParsedArticle, ProjectFact
from articles.parsing.wordlists import words
from projects.dedup import name_similarity

MEMBER_SIMILARITY = 0.8


def _fits(project: ProjectFact, batch: BatchFact) -> bool:
    same_zone = project.zone is None or batch.zone is None or project.zone == batch.zone
    smaller = (
        project.amount is None
        or batch.amount is None
        or project.amount.currency != batch.amount.currency
        or project.amount.value <= batch.amount.value
    )
    return same_zone and smaller


def _named(name: str, projects: list[ProjectFact]) -> int | None:
    """The index of the article's project called `name`: the same name, else the one clearly so."""
    exact = [i for i, fact in enumerate(projects) if fact.name == name]
    if exact:
        return exact[0]
    close = [
        i for i, fact in enumerate(projects) if name_similarity(name, fact.name or "") >= MEMBER_SIMILARITY
    ]
    return close[0] if len(close) == 1 else None


def _follows(index: int, article: ParsedArticle) -> int | None:
    """The batch whose sentence the project `index` follows up (其中 …), if any."""
    project = article.projects[index]
    if not project.quote.lstrip(" ，,").startswith(words("members/follow_up")):
        return None
    before = [(b.quote_end, i) for i, b in enumerate(article.batches) if b.quote_end <= project.quote_start]
    if not before:
        return None
    end, batch_index = max(before)
    others = [*article.projects, *article.batches]
    if any(end <= fact.quote_start < project.quote_start for fact in others if fact is not project):
        return None  # another fact in between: the 其中 is about that one
    return batch_index


def member_links(article: ParsedArticle) -> dict[int, int]:
    """Project index → batch index, for the projects of `article` that belong to its batches."""
    links: dict[int, int] = {}
    for batch_index, batch in enumerate(article.batches):
        for name in batch.members:
            index = _named(name, article.projects)
            if index is not None and index not in links and _fits(article.projects[index], batch):
                links[index] = batch_index
    for index, project in enumerate(article.projects):
        if index in links:
            continue
        batch_index = _follows(index, article)
        if batch_index is not None and _fits(project, article.batches[batch_index]):
            links[index] = batch_index
    return links


def unmatched_names(article: ParsedArticle) -> dict[int, list[str]]:
    """Batch index → the member names that name no project of the article (to look up among the
    projects already known: a batch may list a project reported last month)."""
    missing: dict[int, list[str]] = {}
    for batch_index, batch in enumerate(article.batches):
        names = [name for name in batch.members if _named(name, article.projects) is None]
        if names:
            missing[batch_index] = names
    return missing
