"""Same-length folding of text for matching: traditional → simplified, width, punctuation.

Every rule module matches against `fold(text)` rather than `text`, so one regex serves
簡體 and 繁體 pages alike. The fold keeps the length, so an offset found in the folded text
is the same offset in the original: quotes and spans are always cut from the text as printed.

Traditional → simplified is OpenCC's t2s conversion (the `opencc` package: phrase-aware,
maintained dictionaries), used only when the text holds a character t2s changes, so
simplified text pays one character-class scan. t2s is character-for-character for almost
all text; when a conversion changes the length anyway, each line is converted on its own and
a line that still changes length falls back to OpenCC's single-character mapping, which is
one-to-one by construction. Width, financial numerals and punctuation are folded by a table.

Speed: `str.translate` with a dict looks up every character in Python's mapping protocol;
most text has no foldable character at all, so `fold` finds the foldable characters with
one precompiled character class (a C scan) and replaces only those.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")


def _single_characters() -> dict[str, str]:
    """Every CJK character t2s changes on its own → its one simplified character (~20 ms)."""
    chars = [chr(c) for c in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000), *range(0xF900, 0xFB00))]
    converted = _T2S.convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # never seen; then convert one by one
        converted = [_T2S.convert(ch) for ch in chars]
    return {a: b for a, b in zip(chars, converted, strict=True) if a != b and len(b) == 1}


_TRAD_CHARS = _single_characters()
_TRADITIONAL = re.compile("[" + "".join(re.escape(c) for c in sorted(_TRAD_CHARS)) + "]")
# Financial (anti-forgery) numerals and the circled zero, folded to ordinary numerals.
_NUMERALS = "壹一贰二貳二叁三肆四伍五柒七捌八玖九拾十佰百仟千〇零"
# ASCII punctuation that clean.normalise makes full-width; fold it to full-width too.
_PUNCT = ";；:：(（)）!！?？"  # "," stays: it is also a thousands separator


def _build_table() -> dict[int, int]:
    table: dict[int, int] = {ord(a): ord(b) for a, b in _TRAD_CHARS.items()}
    for src in (_NUMERALS, _PUNCT):
        for i in range(0, len(src) - 1, 2):
            a, b = src[i], src[i + 1]
            if a != b:
                table[ord(a)] = ord(b)
    # Full-width digits and Latin letters → ASCII (NFKC would too, keeping length).
    for code in range(0xFF10, 0xFF1A):
        table[code] = code - 0xFF10 + ord("0")
    for code in range(0xFF21, 0xFF3B):
        table[code] = code - 0xFF21 + ord("A")
    for code in range(0xFF41, 0xFF5B):
        table[code] = code - 0xFF41 + ord("a")
    table[0xFF0E] = ord(".")  # ．
    table[0x3000] = ord(" ")  # ideographic space
    return table


_TABLE = _build_table()
_CHARS = {chr(k): chr(v) for k, v in _TABLE.items() if chr(k) not in _TRAD_CHARS}
_FOLDABLE = re.compile("[" + "".join(re.escape(c) for c in sorted(_CHARS)) + "]")


def _replace(match: re.Match) -> str:
    return _CHARS[match.group()]


@lru_cache(maxsize=256)
def _fold_cached(text: str) -> str:
    return _fold(text)


def to_simplified(text: str) -> str:
    """OpenCC t2s of `text`, of the same length (see the module docstring); `text` itself when
    it holds no traditional character."""
    if not _TRADITIONAL.search(text):
        return text
    converted = _T2S.convert(text)
    if len(converted) == len(text):
        return converted
    lines = []
    for line in text.splitlines(keepends=True):
        done = _T2S.convert(line)
        lines.append(done if len(done) == len(line) else _TRADITIONAL.sub(_simplify_char, line))
    return "".join(lines)


def _simplify_char(match: re.Match) -> str:
    return _TRAD_CHARS[match.group()]


def _fold(text: str) -> str:
    text = to_simplified(text)
    return _FOLDABLE.sub(_replace, text) if _FOLDABLE.search(text) else text


def fold(text: str) -> str:
    """`text` with traditional forms and widths folded; `len(fold(t)) == len(t)` always."""
    if len(text) <= 4096:
        return _fold_cached(text)
    return _fold(text)
