"""Bytes of an upload → text, whatever the editor's file was.

The format is decided by content, never by file name: editors rename files, and a
`.txt` that is really a PDF must still be read. Every failure surfaces as
`UnreadableFile` with a short message the editor can act on; nothing else escapes
`read_document`, because the task records the message and moves on.

Text is returned raw (one paragraph per line); `clean.normalise` does NFKC and the rest.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .docx import read_docx
from .encoding import decode_text
from .pdf import read_pdf
from .types import DecodedDocument, UnreadableFile

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
    except (UnreadableFile, MemoryError):
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
        return DecodedDocument(text=read_pdf(data, TOP_PDF_PAGES if top else 0), format="pdf", encoding=None)
    if data.startswith(b"PK\x03\x04"):
        text = read_docx(data, TOP_PARAGRAPHS if top else None)
        return DecodedDocument(text=text, format="docx", encoding=None)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile("old Word (.doc) or password-protected file: save it as .docx and upload again")
    cut = top and len(data) > TOP_BYTES
    text, encoding = decode_text(_top_bytes(data) if cut else data)
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
