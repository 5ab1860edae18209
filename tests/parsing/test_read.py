"""read_document: format by content, strict decoding, and a clear error for every bad upload."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from articles.parsing import docx
from articles.parsing.clean import normalise
from articles.parsing.read import read_document
from articles.parsing.types import UnreadableFile
from tests.hostile_files import pdf_of

OWN_TEXT = "高新区新签约项目十二个，总投资约八十亿元。\n园区将加快推进项目建设。"
TRADITIONAL = "新竹科學園區簽約十二個項目，總投資約八十億元。\n園區將加快推進項目建設，預計明年完工。"
UTF16_HINT = "looks like UTF-16 without a byte-order mark"

# ---------------------------------------------------------------- builders


def make_docx(paragraphs: list[str], *, extra: bytes = b"") -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    ).encode() + extra
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", xml)
    return buf.getvalue()


def make_pdf(stream: bytes) -> bytes:
    """A one-page PDF in Helvetica whose content stream is `stream`."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    return pdf_of(objects)


def text_ops(lines: list[tuple[float, float, str]]) -> bytes:
    ops = [b"BT /F1 10 Tf %.1f %.1f Td (%s) Tj ET" % (x, y, t.encode()) for x, y, t in lines]
    return b"\n".join(ops)


def blank_pdf(**encrypt: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    if encrypt:
        writer.encrypt(**encrypt)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def random_gbk_pairs(count: int) -> bytes:
    """Valid GB18030 double bytes that decode to hanzi soup, not to Chinese."""
    rng = random.Random(3)
    return bytes(b for _ in range(count) for b in (rng.randrange(0x81, 0xFF), rng.randrange(0x80, 0xFF)))


def test_random_gbk_pairs_decode_so_only_plausibility_can_refuse_them():
    assert len(random_gbk_pairs(800).decode("gb18030")) == 800


# ---------------------------------------------------------------- samples

SAMPLES = [
    ("bulletin-sample.txt", "txt", "utf-8"),
    ("bulletin-sample.gb18030.txt", "txt", "gb18030"),
    ("bulletin-sample.html", "html", "utf-8"),
    ("bulletin-sample.docx", "docx", None),
    ("bulletin-sample.pdf", "pdf", None),
]


@pytest.mark.parametrize(("name", "fmt", "encoding"), SAMPLES)
def test_sample_formats_are_sniffed_from_content(sample_bytes, name, fmt, encoding):
    doc = read_document(sample_bytes(name))
    assert (doc.format, doc.encoding) == (fmt, encoding)
    assert "秦创原高新技术产业高质量发展大会在西安高新区召开" in normalise(doc.text)


def test_format_does_not_depend_on_the_file_name(sample_bytes):
    # read_document never sees a name; a PDF is a PDF whatever it was called.
    assert read_document(sample_bytes("bulletin-sample.pdf")).format == "pdf"


def test_pdf_columns_come_out_in_reading_order(sample_bytes):
    text = normalise(read_document(sample_bytes("bulletin-sample.pdf")).text)
    order = [
        "秦创原高新技术产业高质量发展大会",
        "举办六场高质量论坛活动",
        "乐山高新区：项目落地快新实",
        "天津滨海高新区首发信创产业应用场景清单",
        "清远高新区举行",
    ]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "⾼" in read_document(sample_bytes("bulletin-sample.pdf")).text  # radicals left to normalise


def test_pdf_lines_of_a_paragraph_are_joined(sample_bytes):
    lines = normalise(read_document(sample_bytes("bulletin-sample.pdf")).text).split("\n")
    assert "以高水平科技自立自强谱写高质量发展新篇章" in lines  # a headline wrapped over two lines
    assert "秦创原高新技术产业高质量发展大会在西安高新区召开" in lines


# ---------------------------------------------------------------- text encodings

ENCODINGS = [
    ("utf-8", OWN_TEXT.encode("utf-8"), "utf-8"),
    ("utf-8 with BOM", b"\xef\xbb\xbf" + OWN_TEXT.encode("utf-8"), "utf-8-sig"),
    ("GBK", OWN_TEXT.encode("gbk"), "gb18030"),
    ("GB18030", OWN_TEXT.encode("gb18030"), "gb18030"),
    ("UTF-16 with BOM", OWN_TEXT.encode("utf-16"), "utf-16"),
]


@pytest.mark.parametrize(("label", "data", "encoding"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_text_encodings_are_detected(label, data, encoding):
    doc = read_document(data)
    assert (doc.text, doc.format, doc.encoding) == (OWN_TEXT, "txt", encoding)


def test_a_few_nul_bytes_are_stripped():
    data = OWN_TEXT.encode().replace("。".encode(), "。".encode() + b"\x00")
    assert read_document(data).text == OWN_TEXT


# ---------------------------------------------------------------- HTML


def test_html_drops_head_script_style_and_unescapes_entities():
    page = (
        "<!DOCTYPE html><html><head><title>标题栏</title><style>p{color:red}</style></head>"
        "<body><script>var x = '<p>不要</p>';</script>"
        "<h1>园区&amp;企业</h1><p>总投资&nbsp;5亿元&#65292;项目\n   开工。</p><div>下一段</div></body></html>"
    )
    text = read_document(page.encode()).text
    lines = [line for line in text.split("\n") if line]
    assert lines == ["园区&企业", "总投资 5亿元，项目开工。", "下一段"]


def test_html_without_closed_head_still_reads_the_body():
    text = read_document(b"<html><head><meta charset=utf-8><body><p>\xe6\xad\xa3\xe6\x96\x87</p>").text
    assert text.strip() == "正文"


def test_deeply_nested_html_is_fine():
    depth = 20000
    page = "<html><body>" + "<div>" * depth + "<p>深层正文</p>" + "</div>" * depth + "</body></html>"
    doc = read_document(page.encode())
    assert doc.format == "html" and doc.text.strip() == "深层正文"


def test_html_in_gbk_is_decoded():
    page = "<html><body><p>清远高新区签约</p></body></html>".encode("gbk")
    doc = read_document(page)
    assert (doc.format, doc.encoding, doc.text.strip()) == ("html", "gb18030", "清远高新区签约")


# ---------------------------------------------------------------- DOCX


def test_docx_one_paragraph_per_line():
    doc = read_document(make_docx(["标题一行", "正文第一段。", "正文第二段。"]))
    assert (doc.format, doc.encoding) == ("docx", None)
    assert doc.text.split("\n") == ["标题一行", "正文第一段。", "正文第二段。"]


def test_docx_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(docx, "MAX_DOCX_XML_BYTES", 10_000)
    data = make_docx(["大"] * 5_000)
    with pytest.raises(UnreadableFile, match="too large once unpacked"):
        read_document(data)


def test_docx_with_a_lying_size_header_is_refused(monkeypatch):
    # Declare 100 bytes for a 15 kB document.xml: the stream must not trust the header.
    monkeypatch.setattr(docx, "MAX_DOCX_XML_BYTES", 10_000)
    data = bytearray(make_docx(["大"] * 5_000))
    central = data.rindex(b"PK\x01\x02")  # central directory entry of the last member
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")
    with pytest.raises(UnreadableFile, match=r"corrupt Word|too large once unpacked"):
        read_document(bytes(data))


# ---------------------------------------------------------------- PDF


def test_pdf_columns_are_ordered_by_geometry_not_stream_order():
    right = [(320, 700, "Right column starts"), (320, 686, "and ends here.")]
    left = [(50, 700, "Left column starts"), (50, 686, "and goes on."), (50, 650, "Second paragraph.")]
    text = read_document(make_pdf(text_ops(right + left))).text
    assert text.split("\n") == [
        "Left column starts and goes on.",
        "Second paragraph.",
        "Right column starts and ends here.",
    ]


# ---------------------------------------------------------------- errors

ERRORS = [
    ("empty", b"", "empty file"),
    ("whitespace only", b" \n\t\n", "empty file"),
    ("random bytes", bytes(random.Random(7).randrange(256) for _ in range(4000)), "not a text, PDF"),
    ("random GBK pairs", random_gbk_pairs(800), "not a text, PDF"),
    ("latin-1 text", "café résumé naïve déjà".encode("latin-1"), "unknown text encoding"),
    ("utf-16 without BOM", OWN_TEXT.encode("utf-16-le") * 3 + "abc".encode("utf-16-le"), UTF16_HINT),
    ("utf-16-be without BOM", OWN_TEXT.encode("utf-16-be") * 3, UTF16_HINT),
    ("english utf-16 without BOM", "Signed projects of the zone.\n".encode("utf-16-le") * 20, UTF16_HINT),
    ("big5", TRADITIONAL.encode("big5") * 4, "looks like Big5 \\(traditional Chinese\\)"),
    ("bad BOM", b"\xef\xbb\xbf\xff\xfe\xfd", "is not valid utf-8"),
    ("zip that is not Word", None, "zip archive"),
    ("old .doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "save it as .docx"),
    ("broken docx", b"PK\x03\x04garbage", "corrupt Word"),
    ("scanned PDF", None, "scanned image: no text to read"),
    ("encrypted PDF", None, "encrypted PDF: remove the password"),
    ("truncated PDF", None, "truncated PDF"),
    ("corrupt PDF", b"%PDF-1.4\nnot really a pdf\n%%EOF\n", "corrupt PDF"),
]


def _error_input(label: str, data: bytes | None, sample_bytes) -> bytes:
    if data is not None:
        return data
    if label == "zip that is not Word":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("photo.txt", "x")
        return buf.getvalue()
    if label == "scanned PDF":
        return blank_pdf()
    if label == "encrypted PDF":
        return blank_pdf(user_password="secret", owner_password="owner", algorithm="AES-128")
    pdf = sample_bytes("bulletin-sample.pdf")
    return pdf[: len(pdf) // 2]


@pytest.mark.parametrize(("label", "data", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_unreadable_uploads_say_why(sample_bytes, label, data, message):
    with pytest.raises(UnreadableFile, match=message):
        read_document(_error_input(label, data, sample_bytes))


def test_file_over_the_size_limit():
    with pytest.raises(UnreadableFile, match=r"file too large: 0\.0 MB, the limit is 0\.0 MB"):
        read_document(OWN_TEXT.encode(), max_bytes=10)
    assert read_document(OWN_TEXT.encode(), max_bytes=10_000).text == OWN_TEXT


def test_pdf_with_empty_user_password_is_read_like_any_pdf():
    # Owner-password-only PDFs open without a password; this one just has no text.
    with pytest.raises(UnreadableFile, match="scanned image"):
        read_document(blank_pdf(user_password="", owner_password="owner"))


@settings(max_examples=150, deadline=None)
@given(
    prefix=st.sampled_from([b"", b"%PDF-1.7\n", b"PK\x03\x04", b"<html><body>", b"\xef\xbb\xbf"]),
    body=st.binary(max_size=600),
)
def test_any_bytes_give_a_document_or_unreadable_file(prefix, body):
    try:
        doc = read_document(prefix + body)
    except UnreadableFile as exc:
        assert str(exc)
    else:
        assert doc.format in {"txt", "html", "pdf", "docx"} and doc.text.strip()


def test_scattered_words_are_read_without_pdfminer_box_grouping(monkeypatch):
    """Issue 15: a page of thousands of scattered words made pdfminer's grouping of lines into
    boxes (and boxes into a tree) quadratic — 17 s for 4,000 words here, 120 s on the probe's
    machine. The reader groups characters into lines only and orders the lines itself; the text
    is the same as before (compared on the sample, a 60-page file and this page)."""
    import time

    from pdfminer.layout import LTLayoutContainer

    from tests.hostile_files import scattered_words_pdf

    def quadratic(*_args, **_kwargs):
        raise AssertionError("pdfminer's box grouping ran")

    monkeypatch.setattr(LTLayoutContainer, "group_textlines", quadratic)
    monkeypatch.setattr(LTLayoutContainer, "group_textboxes", quadratic)
    seconds = []
    for words in (1000, 4000):
        started = time.process_time()
        text = read_document(scattered_words_pdf(words)).text
        seconds.append(time.process_time() - started)
        assert len(text.split()) >= words * 0.9
    print(f"\nscattered words, CPU seconds: 1,000 words {seconds[0]:.2f} s, 4,000 words {seconds[1]:.2f} s")


W_DOC = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'


def _raw_docx(xml: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", xml)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("label", "build", "message"),
    [
        ("a page drawing too much", lambda: make_pdf(b"BT /F1 4 Tf 0 0 Td " + b"(x) Tj " * 3000 + b"ET"),
         "PDF page too complex: page 1 draws more than 2,000"),
        ("XML nested too deep", lambda: _raw_docx(W_DOC + b"<w:p>" + b"<x>" * 5000), "nested more than 1000 deep"),
        ("an entity declaration (billion laughs)", lambda: _raw_docx(
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            + W_DOC + b"<w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"), "unexpected DOCTYPE"),
        ("too many elements", lambda: _raw_docx(W_DOC + b"<x/>" * 20_000 + b"</w:body></w:document>"),
         "more than 10,000 XML elements"),
    ],
)
def test_the_readers_own_limits_refuse_with_a_reason(monkeypatch, label, build, message):
    """Issue 15: each limit of the readers, hit by a small file (the limits lowered here)."""
    from articles.parsing import pdf

    monkeypatch.setattr(pdf, "MAX_PAGE_OBJECTS", 2000)
    monkeypatch.setattr(docx, "MAX_XML_ELEMENTS", 10_000)
    with pytest.raises(UnreadableFile, match=message):
        read_document(build())


def test_a_stream_inflating_past_the_budget_is_refused_before_it_is_held(monkeypatch):
    from articles.parsing import pdf

    monkeypatch.setattr(pdf, "MAX_INFLATED_BYTES", 4 * 1024 * 1024)
    from tests.hostile_files import deflate_bomb_pdf

    with pytest.raises(UnreadableFile, match="PDF too large once unpacked: its streams inflate to more than 4 MB"):
        read_document(deflate_bomb_pdf(inflated=64 * 1024 * 1024))
