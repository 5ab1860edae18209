"""Bytes of an upload → text, whatever the editor's file was.

The format is decided by content, never by file name: editors rename files, and a
`.txt` that is really a PDF must still be read. Every failure surfaces as
`UnreadableFile` with a short message the editor can act on; nothing else escapes
`read_document`, because the task records the message and moves on.

Text is returned raw (one paragraph per line); `clean.normalise` does NFKC and the rest.
"""

from __future__ import annotations

import io
import itertools
import re
import statistics
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from xml.etree.ElementTree import ParseError, XMLPullParser

from .types import DecodedDocument, UnreadableFile

# Decompressed bytes of word/document.xml we accept; beyond this it is a zip bomb or
# not a newspaper page.
MAX_DOCX_XML_BYTES = 50 * 1024 * 1024
# Share of characters that must be common CJK / printable for a GB18030 decoding to count.
MIN_PLAUSIBLE_SHARE = 0.95
# Share of NUL bytes we silently strip from text; more means binary (or UTF-16 without BOM).
MAX_NUL_SHARE = 0.1

NOT_READABLE = "not a text, PDF, Word or HTML file"

# What `top=True` reads: the top of the page, where its masthead and date line are (the upload
# form's date proposal), so that a 20 MB file costs no more than a small one. Text and HTML:
# the first TOP_BYTES bytes; PDF: the first TOP_PDF_PAGES pages; Word: the first
# TOP_PARAGRAPHS paragraphs of document.xml.
TOP_BYTES = 256 * 1024
TOP_PDF_PAGES = 1
TOP_PARAGRAPHS = 100


def read_document(data: bytes, *, max_bytes: int | None = None, top: bool = False) -> DecodedDocument:
    """Decode an upload; raise `UnreadableFile` (and only that) when it cannot be read.

    `top`: read only the top of the document (TOP_BYTES …). Then a top without text reads as
    empty text, not as a refusal: only the whole file can tell that it holds none."""
    try:
        return _read(data, max_bytes, top)
    except UnreadableFile:
        raise
    except Exception as exc:  # a parser library failing on hostile input
        raise UnreadableFile(f"cannot read this file ({type(exc).__name__})") from exc


def _read(data: bytes, max_bytes: int | None, top: bool = False) -> DecodedDocument:
    if not data or not data.strip():
        raise UnreadableFile("empty file")
    if max_bytes is not None and len(data) > max_bytes:
        raise UnreadableFile(f"file too large: {_mb(len(data))} MB, the limit is {_mb(max_bytes)} MB")
    head = data[:1024]
    if b"%PDF-" in head:
        return DecodedDocument(text=_read_pdf(data, top), format="pdf", encoding=None)
    if data.startswith(b"PK\x03\x04"):
        return DecodedDocument(text=_read_docx(data, top), format="docx", encoding=None)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile("old Word (.doc) or password-protected file: save it as .docx and upload again")
    cut = top and len(data) > TOP_BYTES
    text, encoding = _decode_text(_top_bytes(data) if cut else data)
    if _looks_like_html(text):
        text, fmt = _html_to_text(text), "html"
    else:
        fmt = "txt"
    if not text.strip() and not cut:
        raise UnreadableFile("empty file: no text in it")
    return DecodedDocument(text=text, format=fmt, encoding=encoding)


def _top_bytes(data: bytes) -> bytes:
    """About the first TOP_BYTES of a text or HTML file, cut between two characters: after a line
    break, a '>' or a space (bytes that are whole characters in UTF-8 and GB18030 alike, never
    part of one), or on a UTF-16 code unit that does not split a surrogate pair."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        cut = TOP_BYTES - TOP_BYTES % 2
        high = data[cut - 1] if data.startswith(b"\xff\xfe") else data[cut - 2]
        return data[: cut - 2 if 0xD8 <= high <= 0xDB else cut]
    for boundary in (b"\n", b">", b" "):
        at = data.rfind(boundary, 0, TOP_BYTES)
        if at > 0:
            return data[: at + 1]
    return data  # no safe place to cut: read it all (the upload limit still bounds it)


def _mb(size: int) -> str:
    return f"{size / 1_048_576:.1f}"


# ---------------------------------------------------------------- plain text


def _decode_text(data: bytes) -> tuple[str, str]:
    """Strict decoding in a fixed order; GB18030 only when the result reads as Chinese."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", "utf-8-sig"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", "utf-16"), "utf-16"
    nuls = data.count(0)
    if nuls > len(data) * MAX_NUL_SHARE:
        raise UnreadableFile(NOT_READABLE)
    if nuls:
        data = data.replace(b"\x00", b"")
    if _control_share(data) > 0.01:
        raise UnreadableFile(NOT_READABLE)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise UnreadableFile(
            "unknown text encoding: save the file as UTF-8 (or GB18030) and upload again"
        ) from None
    if not _plausible_chinese(text):
        raise UnreadableFile(NOT_READABLE)
    return text, "gb18030"


def _strict(data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec).replace("\x00", "")
    except UnicodeDecodeError:
        raise UnreadableFile(f"the file says it is {label} but is not valid {label}") from None


_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c\x1b")


def _control_share(data: bytes) -> float:
    sample = data[:65536]
    stripped = sample.translate(None, _CONTROL_BYTES)
    return (len(sample) - len(stripped)) / len(sample)


def _gb2312_chars() -> frozenset[str]:
    """The 6763 hanzi of GB2312: what real simplified Chinese text is almost made of."""
    raw = bytearray()
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            raw += bytes((hi, lo))
    return frozenset(raw.decode("gb2312", errors="ignore"))


_COMMON_HANZI = _gb2312_chars()
_COMMON_OTHER = re.compile(r"[\x20-\x7e\s\u3000-\u303f\uff00-\uffef\u2010-\u206f\u00b7\u25b6\u25b2]")


def _plausible_chinese(text: str) -> bool:
    """Random bytes often decode as GB18030; real text is common hanzi plus punctuation."""
    sample = text[:20000]
    if not sample:
        return False
    common = sum(1 for ch in sample if ch in _COMMON_HANZI)
    other = len(_COMMON_OTHER.findall(sample))
    return (common + other) / len(sample) >= MIN_PLAUSIBLE_SHARE and common > 0


# ---------------------------------------------------------------- HTML

_HTML_START = re.compile(
    r"\s*<(?:!doctype\s+html|html|head|body|meta|p|div|br|table|span|article|h[1-6])\b", re.I
)
_HTML_ANYWHERE = re.compile(r"<(?:html|body)\b[^>]*>", re.I)


def _looks_like_html(text: str) -> bool:
    head = text[:4096]
    return bool(_HTML_START.match(head) or _HTML_ANYWHERE.search(head))


_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table section article header footer aside blockquote "
    "pre hr dd dt dl figure figcaption nav main address center td th caption body".split()
)
_SKIP_TAGS = frozenset("script style head title noscript template svg iframe object".split())
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_WRAP = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n\s*(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")


class _TextExtractor(HTMLParser):
    """Collects visible text; block elements become line breaks.

    Keeps no element stack, so deeply nested or unbalanced markup costs nothing extra.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.skip.pop("head", None)  # <head> left open: the body still counts
        if tag in _SKIP_TAGS:
            self.skip[tag] = self.skip.get(tag, 0) + 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self.skip.get(tag):
            self.skip[tag] -= 1
            if not self.skip[tag]:
                del self.skip[tag]
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            # Source line wraps inside a paragraph are not breaks, and in CJK not even spaces.
            self.parts.append(_SPACES.sub(" ", _CJK_WRAP.sub("", data)))


def _html_to_text(markup: str) -> str:
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    return "\n".join(line.strip() for line in "".join(parser.parts).split("\n"))


# ---------------------------------------------------------------- DOCX

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _read_docx(data: bytes, top: bool = False) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableFile("corrupt Word (.docx) file: the archive cannot be opened") from None
    with archive:
        try:
            member = archive.getinfo("word/document.xml")
        except KeyError:
            raise UnreadableFile(f"a zip archive, {NOT_READABLE}") from None
        if member.file_size > MAX_DOCX_XML_BYTES:
            raise UnreadableFile("Word file too large once unpacked")
        paragraphs = _docx_paragraphs(archive, member, TOP_PARAGRAPHS if top else None)
    text = "\n".join(paragraphs)
    if not text.strip() and not top:
        raise UnreadableFile("empty Word file: no text in it")
    return text


def _docx_paragraphs(archive: zipfile.ZipFile, member: zipfile.ZipInfo, most: int | None = None) -> list[str]:
    """Stream document.xml with a hard cap on inflated bytes (the declared size may lie); `most`:
    stop after that many paragraphs."""
    parser = XMLPullParser(events=("end",))
    paragraphs: list[str] = []
    current: list[str] = []
    total = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1 << 16):
                total += len(chunk)
                if total > MAX_DOCX_XML_BYTES:
                    raise UnreadableFile("Word file too large once unpacked")
                if total == len(chunk) and b"<!DOCTYPE" in chunk[:2048]:
                    raise UnreadableFile("corrupt Word (.docx) file: unexpected DOCTYPE")
                parser.feed(chunk)
                for _event, elem in parser.read_events():
                    tag = elem.tag
                    if tag == _W + "t":
                        current.append(elem.text or "")
                    elif tag == _W + "tab":
                        current.append("\t")
                    elif tag in (_W + "br", _W + "cr"):
                        current.append("\n")
                    elif tag == _W + "p":
                        paragraphs.append("".join(current))
                        current = []
                        elem.clear()
                if most is not None and len(paragraphs) >= most:
                    return paragraphs
            parser.close()
    except (ParseError, zipfile.BadZipFile, EOFError, OSError, NotImplementedError):
        raise UnreadableFile("corrupt Word (.docx) file: its text cannot be read") from None
    if current:
        paragraphs.append("".join(current))
    return paragraphs


# ---------------------------------------------------------------- PDF


@dataclass
class _Line:
    x0: float
    x1: float
    y0: float
    y1: float
    size: float
    text: str


def _read_pdf(data: bytes, top: bool = False) -> str:
    if b"%%EOF" not in data[-2048:]:
        raise UnreadableFile("truncated PDF: the file ends early, upload it again")
    pages = _pdf_lines(data, TOP_PDF_PAGES if top else 0)
    if not any(line.text.strip() for page in pages for line in page):
        if top:
            return ""
        raise UnreadableFile("scanned image: no text to read (the PDF has no text layer)")
    paragraphs: list[str] = []
    for page in pages:
        for block in _reading_order(page):
            paragraphs.extend(_paragraphs(block))
    text = "\n".join(paragraphs)
    if text.count("(cid:") * 6 > len(text) * 0.1:
        raise UnreadableFile("PDF fonts have no Unicode mapping: its text cannot be extracted")
    return text


def _pdf_lines(data: bytes, maxpages: int = 0) -> list[list[_Line]]:
    """Each page's text lines (`maxpages`: only the first pages; 0: every page)."""
    import logging

    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font warnings are noise to us
    pages: list[list[_Line]] = []
    try:
        for layout in extract_pages(io.BytesIO(data), maxpages=maxpages, laparams=LAParams(char_margin=1.0)):
            lines = []
            for box in layout:
                if not isinstance(box, LTTextContainer):
                    continue
                for line in box:
                    if not isinstance(line, LTTextLine):
                        continue
                    text = line.get_text().strip()
                    sizes = [ch.size for ch in line if isinstance(ch, LTChar)]
                    if text and sizes:
                        size = statistics.median(sizes)
                        lines.append(_Line(line.x0, line.x1, line.y0, line.y1, size, text))
            pages.append(lines)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise UnreadableFile("encrypted PDF: remove the password and upload again") from None
    except PDFSyntaxError:
        raise UnreadableFile("corrupt PDF: its structure cannot be read") from None
    except Exception as exc:
        if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
            raise UnreadableFile("encrypted PDF: remove the password and upload again") from None
        raise UnreadableFile("corrupt PDF: its text cannot be read") from None
    return pages


def _reading_order(lines: list[_Line], depth: int = 0) -> list[list[_Line]]:
    """XY-cut: columns left to right (vertical gutters first), then bands top to bottom.

    Newspaper pages put the end of a column's text next to the start of another, so
    the content-stream order cannot be trusted; the white space between blocks can.
    """
    if len(lines) < 2 or depth > 40:
        return [sorted(lines, key=lambda ln: (-ln.y1, ln.x0))] if lines else []
    size = statistics.median(ln.size for ln in lines)
    for parts in (_cut(lines, size, vertical=True), _cut(lines, size, vertical=False)):
        if len(parts) > 1:
            return [block for part in parts for block in _reading_order(part, depth + 1)]
    return [sorted(lines, key=lambda ln: (-ln.y1, ln.x0))]


def _cut(lines: list[_Line], size: float, *, vertical: bool) -> list[list[_Line]]:
    """Split at white gaps wider than a char (vertical) or than a line's height (horizontal)."""
    if vertical:
        spans = sorted(lines, key=lambda ln: ln.x0)
        lo, hi, min_gap = (lambda ln: ln.x0), (lambda ln: ln.x1), size * 0.8
    else:
        spans = sorted(lines, key=lambda ln: -ln.y1)
        lo, hi, min_gap = (lambda ln: -ln.y1), (lambda ln: -ln.y0), size * 1.2
    parts: list[list[_Line]] = [[spans[0]]]
    reach = hi(spans[0])
    for line in spans[1:]:
        if lo(line) - reach > min_gap:
            parts.append([])
        parts[-1].append(line)
        reach = max(reach, hi(line))
    return parts


def _paragraphs(block: list[_Line]) -> list[str]:
    """Lines of one column block → paragraphs, broken at wide gaps, indents or size changes."""
    if not block:
        return []
    left = min(ln.x0 for ln in block)
    pitches = [a.y0 - b.y0 for a, b in itertools.pairwise(block) if a.y0 - b.y0 > 0]
    pitch = statistics.median(pitches) if pitches else block[0].size * 1.5
    paragraphs: list[list[str]] = [[block[0].text]]
    for prev, line in itertools.pairwise(block):
        gap = prev.y0 - line.y0
        indented = line.x0 - left > line.size * 0.8 and abs(prev.x0 - left) < line.size * 0.5
        resized = abs(line.size - prev.size) > 0.15 * prev.size
        if gap > pitch * 1.4 or indented or resized:
            paragraphs.append([])
        parts = paragraphs[-1]
        if (
            parts
            and parts[-1][-1:].isascii()
            and parts[-1][-1:].isalpha()
            and line.text[:1].isalpha()
            and line.text[:1].isascii()
        ):
            parts.append(" ")
        parts.append(line.text)
    return ["".join(parts) for parts in paragraphs]
