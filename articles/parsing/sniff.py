"""What the upload request checks before it stores a file: cheap, bounded checks only.

Reading a file (pdfminer's layout, the XML of a .docx, an HTML parse) can take minutes and
gigabytes on a hostile file of a few kilobytes, so the web request never does it: the worker
reads, in a limited child process (`articles.parsing.sandbox`). Here only what costs a few
milliseconds and a few megabytes whatever the bytes are: the size, the type by its magic
bytes, a PDF's end and encryption marker, a zip's directory (entry count, declared sizes,
document.xml present) and a text file's encoding (decoded in chunks, keeping nothing). Every
refusal uses the reader's own words, so the editor sees the same message either way.
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass
from io import BytesIO

from . import docx
from .encoding import text_encoding
from .pdf import ENCRYPTED
from .read import _looks_like_html, _mb
from .types import UnreadableFile

# Members a .docx may list (Word writes a few dozen; one per embedded image beyond that), and
# bytes its central directory may take: zipfile builds an object per entry.
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_DIRECTORY_BYTES = 2 * 1024 * 1024

_ENCRYPT = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")
_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"


@dataclass(frozen=True)
class Sniffed:
    format: str  # pdf | docx | txt | html (the reader may still find a txt to be html)
    encoding: str | None


def sniff(data: bytes, *, max_bytes: int | None = None) -> Sniffed:
    """The file's type and encoding, or `UnreadableFile` for what can be refused cheaply."""
    if not data or data.isspace():  # isspace: no copy of the bytes, unlike strip
        raise UnreadableFile("empty file")
    if max_bytes is not None and len(data) > max_bytes:
        raise UnreadableFile(f"file too large: {_mb(len(data))} MB, the limit is {_mb(max_bytes)} MB")
    if b"%PDF-" in data[:1024]:
        _check_pdf(data)
        return Sniffed("pdf", None)
    if data.startswith(b"PK\x03\x04"):
        _check_docx(data)
        return Sniffed("docx", None)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile("old Word (.doc) or password-protected file: save it as .docx and upload again")
    encoding = text_encoding(data)
    head = data[:16384].replace(b"\x00", b"") if encoding in ("utf-8", "gb18030") else data[:16384]
    codec = {"utf-8-sig": "utf-8-sig", "utf-16": "utf-16"}.get(encoding, encoding)
    html = _looks_like_html(head.decode(codec, errors="ignore"))
    return Sniffed("html" if html else "txt", encoding)


def _check_pdf(data: bytes) -> None:
    if b"%%EOF" not in data[-2048:]:
        raise UnreadableFile("truncated PDF: the file ends early, upload it again")
    # The trailer (or the cross-reference stream's dictionary) names its /Encrypt dictionary in
    # the clear: a byte search, never a parse.
    if _ENCRYPT.search(data):
        raise UnreadableFile(ENCRYPTED)


def _check_docx(data: bytes) -> None:
    entries, directory = _zip_directory_size(data)
    if entries > MAX_ZIP_ENTRIES or directory > MAX_ZIP_DIRECTORY_BYTES:
        raise UnreadableFile(f"Word file too complex: its archive lists {entries:,} members")
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, struct.error):
        raise UnreadableFile("corrupt Word (.docx) file: the archive cannot be opened") from None
    with archive:
        try:
            member = archive.getinfo("word/document.xml")
        except KeyError:
            raise UnreadableFile(docx.NOT_WORD) from None
        if member.file_size > docx.MAX_DOCX_XML_BYTES:
            raise UnreadableFile(docx.TOO_LARGE)


def _zip_directory_size(data: bytes) -> tuple[int, int]:
    """Entries and bytes of a zip's central directory, from its end record (zip64 too), read
    before zipfile builds anything from it."""
    at = data.rfind(_EOCD, max(0, len(data) - 65557))
    if at < 0 or len(data) < at + 22:
        raise UnreadableFile("corrupt Word (.docx) file: the archive cannot be opened")
    _sig, _disk, _start, _here, entries, size, _offset, _comment = struct.unpack_from("<IHHHHIIH", data, at)
    locator = at - 20
    zip64 = locator >= 0 and data[locator : locator + 4] == _ZIP64_LOCATOR
    if zip64 and (entries == 0xFFFF or size == 0xFFFFFFFF):
        (offset,) = struct.unpack_from("<Q", data, locator + 8)
        if offset + 56 <= len(data) and data[offset : offset + 4] == _ZIP64_EOCD:
            entries, size = struct.unpack_from("<QQ", data, offset + 32)
    return entries, size
