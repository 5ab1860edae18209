"""Print the corpus scores (tests/parsing/corpus) and, with -v, every page's misses.

    .venv/bin/python bench/score_corpus.py [-v] [PREFIX]

PREFIX scores only the pages whose names start with it (e.g. "h" for the second batch).

The same figures `tests/parsing/test_corpus_scores.py` asserts; this prints them so a
change to the rules can be judged by how the numbers move, page by page.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.parsing.scoring import score_corpus


def main(argv: list[str]) -> int:
    scores = score_corpus()
    prefixes = [a for a in argv if not a.startswith("-")]
    if prefixes:
        scores.pages = [p for p in scores.pages if p.name.startswith(tuple(prefixes))]
    if "-v" in argv:
        for page in scores.pages:
            problems = []
            if page.missing:
                problems.append(f"  missing {page.missing}")
            if page.extra:
                problems.append(f"  extra   {page.extra}")
            if page.wrong_months:
                problems.append(f"  months  {page.wrong_months}  (value, currency, expected, found)")
            if page.missing_zones:
                problems.append(f"  zones   {page.missing_zones}")
            if page.fact_misses:
                problems.append(f"  facts   {page.fact_misses}  (figure, value, expected, found)")
            if not page.split_ok:
                problems.append(f"  split   expected {page.titles[0]}\n          found    {page.titles[1]}")
            if problems:
                print(page.name)
                print("\n".join(problems))
    print(json.dumps(scores.summary(), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
