"""Is a project name one an editor can keep as it is? The yardstick of issue 10's
"project names an editor can keep: ≥ 8 of 10", measured on real pages.

A name is **keepable** when an editor would type exactly it into the project's name field:
1. it names exactly one project or facility: it ends with a head noun that names one
   (项目, 基地, 产业园, 工厂, 生产线, 中心 …), optionally followed by a phase (一期, （二期）);
2. it is not a list: an enumeration (、 和 及 与) inside it only joins short modifiers of the
   one head ("光伏、风电储能电池产业园项目"); no item before the last is a name of its own
   (it ends with a head noun or holds a company word: "甲科技动力电池、乙产业园"), and a
   name never enumerates three or more items (that is a category);
3. it starts with the name itself: no leading verb, time phrase, function word or pointer
   ("签约…", "今年…", "的…", "该…", "上述…");
4. it holds no clause: no sentence punctuation (，。；：！？) and no amount of money inside
   (a capacity like 年产10GW is part of a name; 15亿元 is not);
5. it is not a description in place of a name: no ranking or class words ("最大", "首个",
   "重点", "…类…项目"), and something more specific than the head is left once the generic
   words are removed ("生产基地", "新建项目" are no names);
6. its length is sane: 4 to 40 characters.
A 繁體 name is judged on its simplified form (the page's own spelling is kept for the editor).

The checker is deliberately independent of the parser's name rules (it reads none of them):
it judges the parser's output. Its words are in `tests/parsing/data/name_quality/*.txt`.
It can only approximate an editor; `bench/name_quality.py` prints every name with the
checker's verdict so a person can check a sample by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "name_quality"
SAMPLE_FORMATS = (
    "bulletin-sample.txt",
    "bulletin-sample.gb18030.txt",
    "bulletin-sample.html",
    "bulletin-sample.docx",
    "bulletin-sample.pdf",
)
SAMPLE_ISSUE = date(2022, 7, 1)


@cache
def _words(name: str) -> tuple[str, ...]:
    out = []
    for line in (DATA / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            out.append(word)
    return tuple(sorted(out, key=len, reverse=True))


def _alt(name: str) -> str:
    return "|".join(re.escape(w) for w in _words(name))


@cache
def _patterns() -> dict[str, re.Pattern]:
    head = _alt("heads")
    phase = (
        r"(?:[一二三四五六七八九首]期|（[一二三四五六七八九首]期）|\([一二三四五六七八九首]期\)|项目|工程)*"
    )
    return {
        "ends_with_head": re.compile(rf"(?:{head}){phase}$"),
        "item_is_name": re.compile(rf"(?:{head})$|{_alt('company_words')}"),
        "head_and_phase": re.compile(rf"(?:(?:{head}){phase})+$"),
        "lead": re.compile(rf"^(?:{_alt('leading')}|\d+年|\d+月|\d+日)"),
        "clause": re.compile(r"[，,。；;：:！？!?]"),
        "money": re.compile(
            r"[\d.一二三四五六七八九十百千]+\s*(?:多|余)?(?:万|亿)(?:元|美元|欧元|港元|日元)|亿元|万元"
        ),
        "descriptor": re.compile(_alt("descriptors")),
        "generic": re.compile(rf"^(?:{_alt('generic')})*$"),
        "enumeration": re.compile(r"、|和|及|与"),
    }


def name_problem(name: str | None) -> str | None:
    """Why an editor could not keep `name` as it is, or None when it is keepable."""
    if not name:
        return "no name"
    from articles.parsing.textfold import fold  # 繁體 names are judged like 簡體 ones

    p = _patterns()
    name = fold(name.strip())
    if not 4 <= len(name) <= 40:
        return "length"
    if p["clause"].search(name):
        return "clause inside"
    if p["money"].search(name):
        return "amount inside"
    if not p["ends_with_head"].search(name):
        return "no head noun at the end"
    if p["lead"].match(name):
        return "leading verb, time or function word"
    items = p["enumeration"].split(name)
    if len(items) >= 3:
        return "enumerates three or more items"
    if len(items) == 2 and p["item_is_name"].search(items[0]):
        return "two names joined as one"
    if p["descriptor"].search(name):
        return "a description, not a name"
    rest = p["head_and_phase"].sub("", name)
    if len(rest) < 2 or p["generic"].match(rest):
        return "generic: nothing specific before the head"
    return None


@dataclass(frozen=True)
class NamedProject:
    source: str  # the page (file name)
    name: str | None
    quote: str


def real_page_projects(shared_dir: Path) -> dict[str, list[NamedProject]]:
    """Every project the parser reports on the real pages under `shared_dir`, by set:
    "dev-pages" (the 28 labelled pages) and "sample" (the sample page in each format)."""
    from articles.parsing.pipeline import parse_bytes

    out: dict[str, list[NamedProject]] = {"dev-pages": [], "sample": []}
    for path in sorted((shared_dir / "dev-pages" / "articles").glob("*.txt")):
        if path.name == "README.md":
            continue
        for article in parse_bytes(path.read_bytes(), path=path.name).articles:
            out["dev-pages"] += [NamedProject(path.name, p.name, p.quote) for p in article.projects]
    for name in SAMPLE_FORMATS:
        path = shared_dir / "samples" / name
        parsed = parse_bytes(path.read_bytes(), path=name, issue_date=SAMPLE_ISSUE)
        for article in parsed.articles:
            out["sample"] += [NamedProject(name, p.name, p.quote) for p in article.projects]
    return out


def keepable_share(projects: list[NamedProject]) -> tuple[float, list[tuple[NamedProject, str]]]:
    """Share of the named projects whose name is keepable, and the failures with reasons.
    Projects without a name are not in the share (an editor types one; counted apart)."""
    named = [p for p in projects if p.name]
    failures = [(p, why) for p in named if (why := name_problem(p.name))]
    share = 1 - len(failures) / len(named) if named else 0.0
    return share, failures
