"""Word (.docx) bytes → text, streamed, under limits a hostile file cannot get around.

word/document.xml is inflated in chunks (at most MAX_DOCX_XML_BYTES, whatever the archive
declares) and fed to expat with callbacks: no element tree is built, so a flood of millions
of tiny elements costs time, not memory — and the time is capped too (MAX_XML_ELEMENTS, and
MAX_XML_DEPTH for nesting). A DOCTYPE or an entity declaration is refused: Word never writes
one, and they are how XML bombs are made.
"""

from __future__ import annotations

import io
import zipfile
from xml.parsers import expat

from .types import UnreadableFile

# Decompressed bytes of word/document.xml we accept; beyond this it is a zip bomb or not a
# newspaper page.
MAX_DOCX_XML_BYTES = 50 * 1024 * 1024
# Elements of document.xml we read (a dense 50 MB document has ~1.5 million) and how deep they
# may nest (Word's tables in tables stay far below).
MAX_XML_ELEMENTS = 3_000_000
MAX_XML_DEPTH = 1000
# Elements a top read (`most` paragraphs, the upload form's date proposal) looks at before it
# stops with what it has: the first paragraphs of a real page take a few hundred.
TOP_XML_ELEMENTS = 100_000

CORRUPT = "corrupt Word (.docx) file: its text cannot be read"
TOO_LARGE = "Word file too large once unpacked"
NOT_WORD = "a zip archive, not a text, PDF, Word or HTML file"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _T, _TAB, _BR, _CR = (_W + name for name in ("p", "t", "tab", "br", "cr"))


def read_docx(data: bytes, most: int | None = None) -> str:
    """The paragraphs of a .docx, one per line (`most`: only the first `most` paragraphs; then a
    top without text reads as empty text)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableFile("corrupt Word (.docx) file: the archive cannot be opened") from None
    with archive:
        try:
            member = archive.getinfo("word/document.xml")
        except KeyError:
            raise UnreadableFile(NOT_WORD) from None
        if member.file_size > MAX_DOCX_XML_BYTES:
            raise UnreadableFile(TOO_LARGE)
        paragraphs = _Paragraphs(most).read(archive, member)
    text = "\n".join(paragraphs)
    if not text.strip() and most is None:
        raise UnreadableFile("empty Word file: no text in it")
    return text


class _Enough(Exception):
    """The first `most` paragraphs are read."""


class _Paragraphs:
    """expat callbacks that keep only the text of w:t, w:tab and w:br/w:cr, per w:p."""

    def __init__(self, most: int | None):
        self.most = most
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.in_text = False
        self.elements = 0
        self.depth = 0

    def read(self, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> list[str]:
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.data
        parser.StartDoctypeDeclHandler = _refuse_declarations
        parser.EntityDeclHandler = _refuse_declarations
        total = 0
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(1 << 16):
                    total += len(chunk)
                    if total > MAX_DOCX_XML_BYTES:
                        raise UnreadableFile(TOO_LARGE)
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except _Enough:
            return self.paragraphs
        except (expat.ExpatError, zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError):
            raise UnreadableFile(CORRUPT) from None
        if self.current:
            self.paragraphs.append("".join(self.current))
        return self.paragraphs

    def start(self, name: str, _attrs) -> None:
        self.elements += 1
        self.depth += 1
        if self.most is not None and self.elements > TOP_XML_ELEMENTS:
            raise _Enough
        if self.elements > MAX_XML_ELEMENTS:
            raise UnreadableFile(f"Word file too complex: more than {MAX_XML_ELEMENTS:,} XML elements")
        if self.depth > MAX_XML_DEPTH:
            raise UnreadableFile(f"Word file too complex: XML nested more than {MAX_XML_DEPTH} deep")
        if name == _T:
            self.in_text = True
        elif name == _TAB:
            self.current.append("\t")
        elif name in (_BR, _CR):
            self.current.append("\n")

    def end(self, name: str) -> None:
        self.depth -= 1
        if name == _T:
            self.in_text = False
        elif name == _P:
            self.paragraphs.append("".join(self.current))
            self.current = []
            if self.most is not None and len(self.paragraphs) >= self.most:
                raise _Enough

    def data(self, text: str) -> None:
        if self.in_text:
            self.current.append(text)


def _refuse_declarations(*_args) -> None:
    raise UnreadableFile("corrupt Word (.docx) file: unexpected DOCTYPE")
