"""PDF bytes → text, under limits a hostile file cannot get around.

Each page's text lines come from pdfminer's own character → line grouping, which is linear in
the characters drawn. pdfminer's next steps — lines into boxes, boxes into a tree — are
skipped: they are quadratic in the boxes of a page (a page of 4,000 scattered words took 17 s
to 2 min), and our reading order (`_reading_order`, an XY cut over the lines) never needed
them. A page that draws more than MAX_PAGE_OBJECTS characters, paths and images is refused
while it is drawn, and the streams of the whole file inflate to at most MAX_INFLATED_BYTES
(a 1 MB stream can inflate to 1 GiB), so that time and memory follow from the limits.
"""

from __future__ import annotations

import io
import itertools
import logging
import statistics
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .types import UnreadableFile

# Characters, paths and images one page may draw; a dense newspaper page draws ~20,000.
MAX_PAGE_OBJECTS = 200_000
# Bytes all the file's streams may inflate to, together, and the piece inflated at a time.
MAX_INFLATED_BYTES = 256 * 1024 * 1024
INFLATE_PIECE_BYTES = 16 * 1024 * 1024

ENCRYPTED = "encrypted PDF: remove the password and upload again"


@dataclass
class _Line:
    x0: float
    x1: float
    y0: float
    y1: float
    size: float
    text: str


def read_pdf(data: bytes, maxpages: int = 0) -> str:
    """The text of a PDF (`maxpages`: of its first pages only; then a top without text reads as
    empty text rather than as a scan)."""
    if b"%%EOF" not in data[-2048:]:
        raise UnreadableFile("truncated PDF: the file ends early, upload it again")
    pages = list(_pdf_lines(data, maxpages))
    if not any(line.text.strip() for page in pages for line in page):
        if maxpages:
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


def _pdf_lines(data: bytes, maxpages: int = 0) -> Iterator[list[_Line]]:
    """Each page's text lines (`maxpages`: only the first pages; 0: every page)."""
    from pdfminer.layout import LAParams, LTChar
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFSyntaxError

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font warnings are noise to us
    laparams = LAParams(char_margin=1.0)
    manager = PDFResourceManager(caching=True)
    device = _lines_device(manager)
    interpreter = PDFPageInterpreter(manager, device)
    try:
        with inflate_budget(MAX_INFLATED_BYTES):
            for number, page in enumerate(PDFPage.get_pages(io.BytesIO(data), maxpages=maxpages), start=1):
                device.page_number = number
                interpreter.process_page(page)
                layout = device.get_result()
                chars = [obj for obj in layout if isinstance(obj, LTChar)]
                lines = []
                for line in layout.group_objects(laparams, chars) if chars else ():
                    if line.is_empty():
                        continue
                    line.analyze(laparams)
                    text = line.get_text().strip()
                    sizes = [ch.size for ch in line if isinstance(ch, LTChar)]
                    if text and sizes:
                        size = statistics.median(sizes)
                        lines.append(_Line(line.x0, line.x1, line.y0, line.y1, size, text))
                yield lines
    except UnreadableFile:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise UnreadableFile(ENCRYPTED) from None
    except PDFSyntaxError:
        raise UnreadableFile("corrupt PDF: its structure cannot be read") from None
    except MemoryError:
        raise
    except Exception as exc:
        if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
            raise UnreadableFile(ENCRYPTED) from None
        raise UnreadableFile("corrupt PDF: its text cannot be read") from None


def _lines_device(manager):
    """A pdfminer page aggregator that keeps what a page draws without analysing its layout
    (we group the characters into lines ourselves) and stops at MAX_PAGE_OBJECTS."""
    from pdfminer.converter import PDFPageAggregator

    class LinesDevice(PDFPageAggregator):
        page_number = 0
        drawn = 0

        def begin_page(self, page, ctm) -> None:
            self.drawn = 0
            super().begin_page(page, ctm)

        def _count(self) -> None:
            self.drawn += 1
            if self.drawn > MAX_PAGE_OBJECTS:
                raise UnreadableFile(
                    f"PDF page too complex: page {self.page_number} draws more than "
                    f"{MAX_PAGE_OBJECTS:,} characters and shapes"
                )

        def render_char(self, *args, **kwargs):
            self._count()
            return super().render_char(*args, **kwargs)

        def paint_path(self, *args, **kwargs):
            self._count()
            return super().paint_path(*args, **kwargs)

        def render_image(self, *args, **kwargs):
            self._count()
            return super().render_image(*args, **kwargs)

    return LinesDevice(manager, laparams=None)  # None: pdfminer analyses nothing itself


# ---------------------------------------------------------------- inflating under a budget


class _Budget:
    """What is left of MAX_INFLATED_BYTES; taking more refuses the file."""

    def __init__(self, limit: int):
        self.limit = limit
        self.left = limit

    def take(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise UnreadableFile(
                f"PDF too large once unpacked: its streams inflate to more than {self.limit // 1_048_576} MB"
            )


class _CappedZlib:
    """Stands in for the `zlib` module inside pdfminer.pdftypes (the one place pdfminer
    inflates FlateDecode streams): the same calls, but no stream inflates past the budget."""

    error = zlib.error

    def __init__(self, budget: _Budget):
        self.budget = budget

    def decompress(self, data: bytes) -> bytes:
        # In pieces, each counted as it comes: a bomb is refused holding at most the budget,
        # never the whole stream and its joined copy at once.
        inflater = zlib.decompressobj()
        pieces = []
        while data and not inflater.eof:
            piece = inflater.decompress(data, INFLATE_PIECE_BYTES)
            self.budget.take(len(piece))
            pieces.append(piece)
            data = inflater.unconsumed_tail
        if not inflater.eof:
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return b"".join(pieces)

    def decompressobj(self, *args, **kwargs) -> _CappedInflater:
        return _CappedInflater(zlib.decompressobj(*args, **kwargs), self.budget)


class _CappedInflater:
    def __init__(self, inflater, budget: _Budget):
        self.inflater = inflater
        self.budget = budget

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out = self.inflater.decompress(data, max_length)
        self.budget.take(len(out))
        return out

    def __getattr__(self, name):
        return getattr(self.inflater, name)


@contextmanager
def inflate_budget(limit: int) -> Iterator[_Budget]:
    """pdfminer inflates streams with `zlib.decompress`, whole: swap in a capped one meanwhile."""
    from pdfminer import pdftypes

    budget = _Budget(limit)
    real = pdftypes.zlib
    pdftypes.zlib = _CappedZlib(budget)
    try:
        yield budget
    finally:
        pdftypes.zlib = real


# ---------------------------------------------------------------- reading order
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
