"""Builders of the hostile uploads of issue 15 (item 2), made in memory by the tests: small files
that cost a reader a great deal (nothing of megabytes is committed), and `pdf_of`, the
hand-built PDF writer the other tests' small PDFs are made with too.

- `scattered_words_pdf`: one page of thousands of words each at its own place (pdfminer's
  box grouping is quadratic in the text boxes of a page: 118 KB held a web worker 120 s);
- `deflate_bomb_pdf`: a ~1 MB content stream that inflates to ~1 GiB;
- `docx_element_flood`: a small DOCX whose document.xml is millions of tiny elements under
  the declared-size cap (an element tree of them took a process to 1.7 GB);
- `docx_zip_bomb`: a DOCX whose document.xml declares hundreds of MB.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib

MB = 1024 * 1024
W_NS = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF file of these objects (numbered from 1, the first the catalog), with the
    cross-reference table and trailer a reader needs to find them."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def pdf_file(page_content: bytes, *, compressed: bytes | None = None, pages: int = 1) -> bytes:
    """A valid PDF of `pages` pages sharing one content stream (Helvetica, A4). `compressed`:
    the stream's FlateDecode bytes instead of `page_content` as is."""
    stream = compressed if compressed is not None else page_content
    filters = b"/Filter /FlateDecode " if compressed is not None else b""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< " + filters + b"/Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
        b" /Contents 4 0 R >>"
    ] * pages
    return pdf_of(objects)


def scattered_words_pdf(words: int = 4000, seed: int = 15) -> bytes:
    """`words` short words, each drawn alone at a random place of one page: ~118 KB."""
    rng = random.Random(seed)
    ops = [b"BT /F1 9 Tf"]
    for _ in range(words):
        x, y = rng.uniform(20, 560), rng.uniform(20, 820)
        word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 8)))
        ops.append(b"1 0 0 1 %.2f %.2f Tm (%s) Tj" % (x, y, word.encode()))
    ops.append(b"ET")
    return pdf_file(b"\n".join(ops))


def _repeated_deflate(block: bytes, repeats: int, tail: bytes = b"") -> bytes:
    """zlib data of `block` * `repeats` + `tail`, built without ever holding or compressing the
    whole: after a full flush deflate starts afresh, so every block compresses to the same bytes."""
    comp = zlib.compressobj(9)
    first = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    body = first + again * (repeats - 1)
    rest = comp.compress(tail) + comp.flush(zlib.Z_FINISH)
    # The checksum comes last; the blocks after the first are the same bytes, so put the
    # checksum of the whole (computed in pieces) in place of the one the compressor wrote.
    adler = 1
    for _ in range(repeats):
        adler = zlib.adler32(block, adler)
    adler = zlib.adler32(tail, adler)
    return body + rest[:-4] + struct.pack(">I", adler)


def deflate_bomb_pdf(inflated: int = 1024 * MB) -> bytes:
    """A one-page PDF whose content stream is ~1 MB of deflate that inflates to `inflated` bytes
    (spaces, then one line of text)."""
    block = b" " * MB
    tail = b"\nBT /F1 12 Tf 72 720 Td (bomb) Tj ET\n"
    compressed = _repeated_deflate(block, inflated // MB, tail)
    return pdf_file(b"", compressed=compressed)


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx_element_flood(elements: int = 10_000_000) -> bytes:
    """document.xml of one paragraph of text, then `elements` empty elements at body level
    (4 bytes each: under the 50 MB cap of unpacked document.xml), deflated to ~40 KB."""
    flood = b"<w:p><w:r><w:t>\xe5\x90\x88\xe8\x82\xa5\xe9\xab\x98\xe6\x96\xb0\xe5\x8c\xba</w:t></w:r></w:p>"
    body = W_NS + flood + b"<x/>" * elements + b"</w:body></w:document>"
    return zip_of({"word/document.xml": body})


def deflate_zip(name: str, pieces, *, declared: int | None = None) -> tuple[bytes, int]:
    """A one-member zip written by hand, streaming, so that hundreds of MB are never held in
    memory; `declared` makes the headers state another uncompressed size (a lying bomb)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    crc, size, parts = 0, 0, []
    for piece in pieces:
        crc = zlib.crc32(piece, crc)
        size += len(piece)
        parts.append(comp.compress(piece))
    parts.append(comp.flush())
    data = b"".join(parts)
    declared = size if declared is None else declared
    fn = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), declared, len(fn), 0) + fn
    central = (
        struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), declared, len(fn), 0, 0, 0, 0, 0, 0,
        )
        + fn
    )
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    return local + data + central + end, size


def docx_paragraph_pieces(total: int):
    """`total` bytes of valid WordprocessingML paragraphs, in pieces."""
    para = "<w:p><w:r><w:t>高新区</w:t></w:r></w:p>".encode() * 64
    yield W_NS
    for _ in range(total // len(para)):
        yield para


def docx_zip_bomb(total: int = 300 * MB, declared: int | None = None) -> bytes:
    data, _real = deflate_zip("word/document.xml", docx_paragraph_pieces(total), declared=declared)
    return data


def zip_of_many_entries(entries: int = 200_000) -> bytes:
    """A zip whose central directory lists `entries` empty members (plus word/document.xml)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/document.xml", W_NS + b"<w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>")
        for i in range(entries):
            archive.writestr(f"{i}", b"")
    return out.getvalue()
