"""Which kept record a fact of a new parse is: found by the quote it was read from.

Why: on a re-parse the parser reads the same sentence again and with it the same zone and name —
which an editor may have corrected on the record since. Matching by zone and name then misses
the record (a twin candidate with the old values appears and the record loses its quote); the
quote, and where it sits in the issue, is what stays the same.

A fact takes, of this bulletin's old quotes of the same kind (project or batch):

1. one with the same words; among several (two facts of one sentence, a sentence repeated in
   two articles) the one whose earlier reading (`Mention.extracted`) names the same name and
   zone, then the one in the article at the same position, then the nearest to the new offset;
2. else one of the article at the same position, overlapping the new quote and with nearly the
   same words (the sentence was cleaned otherwise).

Each old quote is taken once. Facts left over fall back to zone and name (articles.ingest), but
only to records none of whose quotes was found again.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

SIMILAR_QUOTE = 0.8  # difflib ratio for "nearly the same words"


@dataclass
class OldQuote:
    """A quote of a kept record as it was before the re-parse."""

    kind: str
    record_id: int
    event_id: int | None
    position: int  # of its article in the issue
    quote: str
    start: int
    end: int
    extracted: dict
    taken: bool = False


class QuoteIndex:
    """The old quotes, looked up by words and by article position."""

    def __init__(self, quotes: list[OldQuote]):
        self.quotes = quotes
        self.by_words: dict[tuple[str, str], list[OldQuote]] = {}
        self.by_position: dict[tuple[str, int], list[OldQuote]] = {}
        for quote in quotes:
            self.by_words.setdefault((quote.kind, quote.quote), []).append(quote)
            self.by_position.setdefault((quote.kind, quote.position), []).append(quote)

    def take(self, kind: str, position: int, fact) -> OldQuote | None:
        """The old quote this fact was read from, if any (marked taken)."""
        same = [q for q in self.by_words.get((kind, fact.quote), ()) if not q.taken]
        if same:
            found = max(same, key=lambda q: _closeness(q, position, fact))
        else:
            found = self._similar(kind, position, fact)
        if found is not None:
            found.taken = True
        return found

    def _similar(self, kind: str, position: int, fact) -> OldQuote | None:
        best, best_ratio = None, SIMILAR_QUOTE
        for quote in self.by_position.get((kind, position), ()):
            if quote.taken or quote.end <= fact.quote_start or fact.quote_end <= quote.start:
                continue
            matcher = difflib.SequenceMatcher(None, quote.quote, fact.quote, autojunk=False)
            if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio >= best_ratio:
                best, best_ratio = quote, ratio
        return best

    def found_again(self, kind: str) -> set[int]:
        """Records of this kind with at least one quote taken."""
        return {q.record_id for q in self.quotes if q.taken and q.kind == kind}

    def left(self) -> list[OldQuote]:
        return [q for q in self.quotes if not q.taken]


def _closeness(quote: OldQuote, position: int, fact) -> tuple:
    read = quote.extracted or {}
    return (
        read.get("name") == getattr(fact, "name", None),
        read.get("zone") == fact.zone,
        quote.position == position,
        -abs(quote.start - fact.quote_start),
    )
