"""The upload form proposes the issue date from the page's own date line (issue 11).

Choosing a file posts it to `upload/peek/`, which reads the date the page prints with the
parser's own text extraction and date-line finder (`articles.parsing.pipeline.printed_issue_date`,
what the parse takes when the date is left empty) and stores nothing; the form's script fills
the empty date input with it. Through HTTP as an editor, with real pages from ../shared.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Bulletin, StoredFile
from tests.conftest import SAMPLES_DIR, sample_path
from tests.hostile_files import pdf_of

pytestmark = pytest.mark.django_db

PEEK = "/bulletins/upload/peek/"
# Our own page with a masthead date line (the format of tests/test_issue_date_line.py).
PAGE = (
    "高新区周报（测试版）　2023年3月10日　星期五\n\n"
    "合肥高新区一季度集中签约\n\n"
    "本报讯　3月8日，合肥高新区举行重大项目集中签约活动，现场签约项目12个，总投资约186亿元。\n"
)
DEV_PAGES = SAMPLES_DIR.parent / "dev-pages" / "articles"


def peek(client, name: str, data: bytes, status: int = 200) -> dict:
    response = client.post(PEEK, {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == status, response.content.decode()[:300]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


@pytest.mark.parametrize(("name", "data"), [
    ("week-10.txt", PAGE.encode()),
    ("week-10.gbk.txt", PAGE.encode("gb18030")),
    ("week-10.html", f"<html><body>{''.join(f'<p>{line}</p>' for line in PAGE.splitlines())}</body></html>"
     .encode()),
])
def test_a_page_with_a_date_line_proposes_its_date(editor, name, data):
    answer = peek(editor, name, data)

    assert answer["issue_date"] == "2023-03-10"
    assert answer["error"] is False
    assert "2023-03-10" in answer["message"] and "可以修改" in answer["message"]
    assert not Bulletin.objects.exists() and not StoredFile.objects.exists()  # nothing stored


def test_a_real_page_proposes_the_date_it_prints(editor):
    path = DEV_PAGES / "004.txt"
    if not path.exists():
        pytest.skip(f"real page {path} not found (clone beside ../shared to run it)")
    # The broadcast's date (its notes in ../shared/dev-pages/gold.json): 2013-10-12.
    assert peek(editor, path.name, path.read_bytes())["issue_date"] == "2013-10-12"


@pytest.mark.parametrize("name", [
    "bulletin-sample.txt", "bulletin-sample.gb18030.txt", "bulletin-sample.html", "bulletin-sample.docx",
    "bulletin-sample.pdf",
])
def test_every_format_is_read_and_a_page_without_a_date_line_says_so(editor, name):
    """The sample page, in each format, prints no date line: read without error, nothing proposed."""
    answer = peek(editor, name, sample_path(name).read_bytes())

    assert answer == {"issue_date": None, "error": False, "message": "版面上没有找到日期行，请手动填写出版日期。"}


@pytest.mark.parametrize(("data", "words"), [
    (b"", "文件是空的"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "另存为 .docx"),
    (b"%PDF-1.4\n1 0 obj\n<<>>\n", "PDF"),
    (b"PK\x03\x04" + b"\x00" * 64, "Word"),
])
def test_a_file_that_would_be_refused_gets_a_clear_message(editor, data, words):
    answer = peek(editor, "bad.bin", data, status=400)

    assert answer["issue_date"] is None and answer["error"] is True
    assert words in answer["message"], answer["message"]


def test_a_file_over_the_limit_is_refused_by_its_size(editor, settings):
    settings.UPLOAD_MAX_BYTES = 64
    answer = peek(editor, "big.txt", PAGE.encode(), status=400)
    assert "上限" in answer["message"]


def test_no_file_is_asked_for(editor):
    response = editor.post(PEEK, {})
    assert response.status_code == 400 and response.json()["message"] == "请选择文件。"


def test_only_editors_peek_and_only_by_post(client, client_as):
    assert client.post(PEEK, {"file": SimpleUploadedFile("a.txt", PAGE.encode())}).status_code in (302, 403)
    analyst = client_as("analyst")
    assert analyst.post(PEEK, {"file": SimpleUploadedFile("a.txt", PAGE.encode())}).status_code == 403
    assert client_as("editor").get(PEEK).status_code == 405


def test_the_upload_form_asks_for_the_date_when_a_file_is_chosen(editor):
    html = editor.get(reverse("bulletin-upload")).content.decode()

    assert f'data-peek-url="{PEEK}"' in html
    assert 'id="issue-date-hint" role="status"' in html
    assert re.search(r"<script src=\"/static/js/upload\.[0-9a-f.]*js\" defer></script>", html)
    assert Path("static/js/upload.js").exists()


def test_the_english_form_and_answer(editor):
    editor.post("/i18n/setlang/", {"language": "en", "next": "/"})
    answer = peek(editor, "week-10.txt", PAGE.encode())
    assert answer["message"] == "Issue date 2023-03-10 filled in from the page's date line; you can change it."
    assert "Reading the date line" in editor.get(reverse("bulletin-upload")).content.decode()


# --- the peek reads only the top of a large file (its date line is among the first lines) -------

FILLER = "合肥高新区举行重大项目集中签约活动，现场签约项目12个，总投资约186亿元。\n"


def many_pages_pdf(pages: int) -> bytes:
    """A PDF of `pages` pages in Helvetica: the first prints a date line, the others filler."""
    first, font = 3, 3 + 2 * pages
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
                   b" ".join(b"%d 0 R" % (first + 2 * i) for i in range(pages)), pages)]
    for i in range(pages):
        head = [b"Weekly Test", b"[2023/03/10 08:15]"] if i == 0 else [b"Page %d of the weekly" % i]
        # the head's lines apart (paragraphs of their own), then a column of text
        lines = [(760 - 40 * n, text) for n, text in enumerate(head)]
        lines += [(660 - 14 * n, b"Signed projects of the zone, line %d" % n) for n in range(40)]
        stream = b"\n".join(b"BT /F1 10 Tf 72 %d Td (%s) Tj ET" % line for line in lines)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font, first + 2 * i + 1))
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return pdf_of(objects)


@pytest.fixture
def html_read(monkeypatch):
    """The lengths of the markup the HTML reader is handed (the amount of the file it reads)."""
    from articles.parsing import read

    seen: list[int] = []
    real = read._html_to_text

    def spy(markup: str) -> str:
        seen.append(len(markup))
        return real(markup)

    monkeypatch.setattr(read, "_html_to_text", spy)
    return seen


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_large_html_page_is_read_only_at_its_top_and_its_date_found(editor, html_read, encoding):
    from articles.parsing.read import TOP_BYTES

    body = "".join(f"<p>{FILLER}</p>" for _ in range(60_000))  # ~6 MB of articles below the masthead
    page = f"<html><body><p>高新区周报（测试版）</p><p>2023年3月10日　星期五</p>{body}</body></html>"
    data = page.encode(encoding)
    assert len(data) > 10 * TOP_BYTES

    assert peek(editor, "big.html", data)["issue_date"] == "2023-03-10"
    assert html_read and max(html_read) <= TOP_BYTES  # characters of at most TOP_BYTES bytes


def test_a_large_text_file_is_read_only_at_its_top(editor, monkeypatch):
    from articles.parsing import issue_date, pipeline
    from articles.parsing.read import TOP_BYTES

    seen: list[int] = []
    monkeypatch.setattr(pipeline, "issue_date_of", lambda text: seen.append(len(text)) or issue_date.issue_date_of(text))
    data = (PAGE + FILLER * 100_000).encode()  # ~10 MB

    assert peek(editor, "big.txt", data)["issue_date"] == "2023-03-10"
    assert seen and seen[0] <= TOP_BYTES


def test_a_long_pdf_is_read_only_at_its_first_page(editor, monkeypatch):
    """The peek reads a PDF's top in a limited child process (issue 15); that read, run here
    in-process to count it, draws one page of 60."""
    from pdfminer.pdfinterp import PDFPageInterpreter

    from articles.parsing import pipeline

    data = many_pages_pdf(60)
    assert peek(editor, "big.pdf", data)["issue_date"] == "2023-03-10"
    assert not Bulletin.objects.exists()

    read_pages: list[int] = []
    real = PDFPageInterpreter.process_page
    monkeypatch.setattr(PDFPageInterpreter, "process_page", lambda self, page: read_pages.append(1) or real(self, page))
    assert pipeline.printed_issue_date(data).isoformat() == "2023-03-10"
    assert len(read_pages) == 1  # of 60


def test_a_long_word_file_is_read_only_at_its_top(editor):
    from tests.parsing.test_read import make_docx

    # after the first paragraphs, markup that is not XML: read in full, the file would be refused
    data = make_docx(["高新区周报（测试版）", "2023年3月10日　星期五", *[FILLER.strip()] * 2000],
                     extra=b"<broken" * 200_000)

    assert peek(editor, "big.docx", data)["issue_date"] == "2023-03-10"
