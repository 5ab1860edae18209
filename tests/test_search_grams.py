"""The n-gram rule of projects/search.py gives exactly what its first, per-character version gave.

`document()` is stored (a tsvector per project and article), so the regex version must not
change one byte of it: the per-character loops are kept below as the reference, and both are
compared on generated bulletins and on texts hypothesis makes up.
"""

from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from projects import search

# --- the reference: the rule as it was first written, one character at a time -------------------

CJK_START = 0x2E80
WORD_GRAM = 16


def reference_runs(text: str) -> list[tuple[str, bool]]:
    runs: list[tuple[str, bool]] = []
    current: list[str] = []
    current_cjk = False
    for char in unicodedata.normalize("NFKC", text or "").casefold():
        if not char.isalnum():
            if current:
                runs.append(("".join(current), current_cjk))
                current = []
            continue
        cjk = ord(char) >= CJK_START
        if current and cjk != current_cjk:
            runs.append(("".join(current), current_cjk))
            current = []
        current.append(char)
        current_cjk = cjk
    if current:
        runs.append(("".join(current), current_cjk))
    return runs


def reference_grams(*texts: str) -> set[str]:
    found: set[str] = set()
    for text in texts:
        for run, cjk in reference_runs(text):
            if cjk:
                found.update(run)
                found.update(run[i:i + 2] for i in range(len(run) - 1))
            else:
                found.update(run[i:i + WORD_GRAM] for i in range(len(run)))
    return found


def reference_quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def reference_document(*texts: str) -> str:
    return " ".join(reference_quote(g) for g in sorted(reference_grams(*texts)))


def reference_term_grams(term: str) -> list[tuple[str, bool]]:
    found: list[tuple[str, bool]] = []
    for run, cjk in reference_runs(term):
        if not cjk:
            found.append((run[:WORD_GRAM], True))
        elif len(run) == 1:
            found.append((run, False))
        else:
            found.extend((run[i:i + 2], False) for i in range(len(run) - 1))
    return list(dict.fromkeys(found))


def assert_same(*texts: str) -> None:
    assert search.document(*texts) == reference_document(*texts), texts
    assert search.grams(*texts) == reference_grams(*texts), texts
    for text in texts:
        assert search._runs(text) == reference_runs(text), text
        assert search.term_grams(text) == reference_term_grams(text), text


# --- the comparisons ------------------------------------------------------------------------------


def test_the_regex_classes_are_exactly_the_per_character_tests():
    """`[^\\W_]` is `str.isalnum()`, split at CJK_START, for every code point there is."""
    alnum = re.compile(r"[^\W_]")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        is_alnum = char.isalnum()
        assert bool(alnum.match(char)) is is_alnum, hex(code)
        runs = search._RUN.findall(char)
        if is_alnum:
            cjk, word = runs[0]
            assert (cjk == char) is (code >= CJK_START) and (word == char) is (code < CJK_START), hex(code)
        else:
            assert runs == [], hex(code)


def test_same_documents_for_a_generated_bulletin():
    from articles.parsing.pipeline import parse_bytes
    from articles.parsing.zones import load_gazetteer
    from bench.bulletin import bulletin_bytes

    parsed = parse_bytes(bulletin_bytes(0.2, seed=3), gazetteer=load_gazetteer())
    assert len(parsed.articles) > 100
    for article in parsed.articles:
        assert_same(article.title or "", article.subtitle or "", article.text)
        for fact in article.projects:
            assert_same(fact.name or "", fact.investor or "")


def test_same_documents_for_hand_picked_edges():
    for texts in [
        ("",), ("", ""), ("!!", "  "), ("a",), ("新",), ("a_b",), ("x" * 40,), ("新" * 3, "能"),
        ("ＳｏｌａｒＥdge 5G基站",), ("Ⅻ½①²",), ("ﬁ İ ß Σς",), ("e\u0301",), ("\u2e7f\u2e80\u3000가ー",),
        ("\U00020000\U0002a6d6",), ("协鑫", "科技"), ("'\\'",), ("\ud800abc",), ("12,345.6亿元",),
    ]:
        assert_same(*texts)


ALPHABET = st.sampled_from(
    [*"aZz09_ -'\\\t\n.,，。、；：ßİﬁ", "\u0301", "\u2e7f", "\u2e80", "\u3000", "\uff21", "\uff41",
     "①", "½", "Ⅻ", "가", "ー", "新", "能", "源", "\U00020000"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(ALPHABET, max_size=40), min_size=1, max_size=3))
def test_same_documents_for_made_up_texts(texts):
    assert_same(*texts)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_same_documents_for_any_unicode(text):
    assert_same(text, text[::-1])
