"""Which encoding the bytes of a text or HTML upload are in, and their text.

`text_encoding` decides, in a fixed order and in bounded memory (it decodes in chunks and keeps
nothing), so that the upload request can refuse a file it cannot read at once;
`decode_text` then decodes by that decision in the worker. Strict decoding throughout: a file
that is not valid in the encoding it seems to be in is refused rather than read with
replacement characters. GB18030 decodes almost any bytes, so it counts only when the result
reads as Chinese (`plausible`). A refused file that looks like UTF-16 without a byte-order mark
or like Big5 gets a hint saying so, since "unknown encoding" does not tell an editor what to do.
"""

from __future__ import annotations

import codecs
import re

from .types import UnreadableFile

# Share of characters that must be common CJK / printable for a decoding to count.
MIN_PLAUSIBLE_SHARE = 0.95
# Share of NUL bytes we silently strip from text; more means binary (or UTF-16 without BOM).
MAX_NUL_SHARE = 0.1
# Bytes decoded at a time when checking a whole file, and the sample a plausibility check reads.
CHUNK_BYTES = 1 << 20
SAMPLE_BYTES = 64 * 1024

NOT_READABLE = "not a text, PDF, Word or HTML file"
UNKNOWN_ENCODING = "unknown text encoding: save the file as UTF-8 (or GB18030) and upload again"
UTF16_WITHOUT_BOM = "looks like UTF-16 without a byte-order mark: save the file as UTF-8 and upload again"
BIG5 = "looks like Big5 (traditional Chinese): save the file as UTF-8 or GB18030 and upload again"

_BOM_UTF8 = b"\xef\xbb\xbf"
_BOMS_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def text_encoding(data: bytes) -> str:
    """utf-8-sig, utf-16, utf-8 or gb18030; `UnreadableFile` (with a hint when the bytes look
    like UTF-16 without BOM or like Big5) when the bytes are none of them."""
    if data.startswith(_BOM_UTF8):
        _check_decodes(data[3:], "utf-8", "utf-8-sig")
        return "utf-8-sig"
    if data.startswith(_BOMS_UTF16):
        _check_decodes(data, "utf-16", "utf-16")
        return "utf-16"
    try:
        return _bomless_encoding(data)
    except UnreadableFile:
        hint = encoding_hint(data)
        if hint:
            raise UnreadableFile(hint) from None
        raise


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of the bytes and the encoding it was decoded from (`text_encoding`)."""
    encoding = text_encoding(data)
    if encoding == "utf-8-sig":
        text = data[3:].decode("utf-8")
    elif encoding == "utf-16":
        text = data.decode("utf-16")
    else:  # decided on the bytes without their NULs (`_bomless_encoding`)
        text = data.replace(b"\x00", b"").decode(encoding)
    return text.replace("\x00", ""), encoding


def _bomless_encoding(data: bytes) -> str:
    nuls = data.count(0)
    if nuls > len(data) * MAX_NUL_SHARE:
        raise UnreadableFile(NOT_READABLE)
    if nuls:
        data = data.replace(b"\x00", b"")
    if _control_share(data) > 0.01:
        raise UnreadableFile(NOT_READABLE)
    if _decodes(data, "utf-8"):
        return "utf-8"
    if not _decodes(data, "gb18030"):
        raise UnreadableFile(UNKNOWN_ENCODING)
    if not plausible(data[:SAMPLE_BYTES].decode("gb18030", errors="ignore"), _COMMON_HANZI):
        raise UnreadableFile(NOT_READABLE)
    return "gb18030"


def encoding_hint(data: bytes) -> str | None:
    """What a refused text file seems to be written in, when it is one editors save by mistake."""
    sample = data[:SAMPLE_BYTES]
    even = sample[: len(sample) - len(sample) % 2]
    for codec in ("utf-16-le", "utf-16-be"):
        text = even.decode(codec, errors="ignore")
        if len(text) >= 8 and "\x00" not in text and plausible(text, _COMMON_HANZI, need_hanzi=False):
            return UTF16_WITHOUT_BOM
    big5 = sample.decode("big5", errors="replace")
    # … and text, not one character repeated: real text has many different hanzi
    if plausible(big5, _COMMON_BIG5) and len(_COMMON_BIG5.intersection(big5[:20000])) >= 10:
        return BIG5
    return None


def _decodes(data: bytes, codec: str) -> bool:
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        for start in range(0, len(data), CHUNK_BYTES):
            decoder.decode(data[start : start + CHUNK_BYTES])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _check_decodes(data: bytes, codec: str, label: str) -> None:
    if not _decodes(data, codec):
        raise UnreadableFile(f"the file says it is {label} but is not valid {label}")


_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c\x1b")


def _control_share(data: bytes) -> float:
    sample = data[:65536]
    stripped = sample.translate(None, _CONTROL_BYTES)
    return (len(sample) - len(stripped)) / len(sample)


def _double_byte_chars(codec: str, leads: range, trails: list[int]) -> frozenset[str]:
    raw = bytearray()
    for hi in leads:
        for lo in trails:
            raw += bytes((hi, lo))
    return frozenset(ch for ch in raw.decode(codec, errors="ignore") if "\u4e00" <= ch <= "\u9fff")


# The 6763 hanzi of GB2312: what real simplified Chinese text is almost made of; the 5401
# frequent hanzi of Big5 (its level 1): the same for traditional Chinese.
_COMMON_HANZI = _double_byte_chars("gb2312", range(0xB0, 0xF8), list(range(0xA1, 0xFF)))
_COMMON_BIG5 = _double_byte_chars("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)])
_COMMON_OTHER = re.compile(r"[\x20-\x7e\s\u3000-\u303f\uff00-\uffef\u2010-\u206f\u00b7\u25b6\u25b2]")


def plausible(text: str, common_hanzi: frozenset[str], *, need_hanzi: bool = True) -> bool:
    """Random bytes often decode as GB18030; real text is common hanzi plus punctuation."""
    sample = text[:20000]
    if not sample:
        return False
    common = sum(1 for ch in sample if ch in common_hanzi)
    other = len(_COMMON_OTHER.findall(sample))
    return (common + other) / len(sample) >= MIN_PLAUSIBLE_SHARE and (common > 0 or not need_hanzi)
