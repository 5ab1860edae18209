"""Cue words kept as data: `articles/parsing/data/<group>/<name>.txt`, one word a line.

A linguist adds a word to a list without reading Python: blank lines and text after `#`
are ignored, so each file can say in its own comments what its words decide. The rules
(cues, extract) read the lists here once per process and build their patterns from them.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def words(name: str) -> tuple[str, ...]:
    """The words of `data/<name>.txt` in file order, without comments or duplicates."""
    out: dict[str, None] = {}
    for line in (DATA_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            out[word] = None
    return tuple(out)


def alternation(name: str) -> str:
    """A regex alternative of a list's words, longest first (so 总投资额 wins over 总投资)."""
    return "|".join(re.escape(w) for w in sorted(words(name), key=len, reverse=True))
