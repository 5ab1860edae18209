"""Editors upload issues through the page: good files are stored once and parsed, bad ones
are refused with a message and leave nothing behind."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, Bulletin, StoredFile
from tests.conftest import sample_path

pytestmark = pytest.mark.django_db

OWN_PAGE = "合肥高新区新签约项目\n\n本报讯（记者 周岚）3月8日，合肥高新区签约12个项目，总投资约186亿元。\n"


def post_upload(client, name: str, data: bytes, **fields):
    form = {"file": SimpleUploadedFile(name, data), "publication": "测试周报", "issue_date": "2022-07-01"}
    form.update(fields)
    return client.post(reverse("bulletin-upload"), form)


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


BAD_INPUTS = [
    ("empty.txt", b"", "空"),
    ("junk.bin", bytes(range(256)) * 64, None),
    ("locked.pdf", encrypted_pdf(), "已加密"),
    ("broken.txt", "合肥高新区".encode()[:-1] + b"\xff\xfe\x80\x81" * 20, None),
]


@pytest.mark.parametrize(("name", "data", "words"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_upload_is_refused_with_a_message_and_creates_nothing(editor, name, data, words):
    response = post_upload(editor, name, data)
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert errors and all(error.strip() for error in errors)
    if words:
        assert words in " ".join(errors)
    assert Bulletin.objects.count() == 0
    assert StoredFile.objects.count() == 0


def test_a_file_only_reading_can_refuse_fails_its_bulletin_with_the_reason_on_its_page(
    editor, django_capture_on_commit_callbacks
):
    """A scan passes the upload's cheap checks (issue 15: the request never reads a file); the
    worker's read finds no text, fails the bulletin, and its page says why."""
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(editor, "scan.pdf", blank_pdf())
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and response["Location"] == bulletin.get_absolute_url()
    assert bulletin.status == "failed" and "扫描图片" in bulletin.error
    assert not Article.objects.exists()
    assert "扫描图片" in editor.get(bulletin.get_absolute_url()).content.decode()


def test_upload_over_the_size_limit_is_refused_before_it_is_read(editor, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    response = post_upload(editor, "big.txt", "高新区".encode() * 1000)
    assert response.status_code == 400
    assert "MB" in " ".join(response.context["form"].errors["file"])
    assert Bulletin.objects.count() == 0


def test_a_good_upload_is_stored_once_and_parsed(editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(editor, "../../etc/weekly.txt", OWN_PAGE.encode("gb18030"))
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and response["Location"] == bulletin.get_absolute_url()
    assert bulletin.original_name == "weekly.txt"
    assert (bulletin.status, bulletin.encoding, bulletin.format) == ("parsed", "gb18030", "txt")
    assert Article.objects.filter(bulletin=bulletin).count() == 1

    again = post_upload(editor, "copy.txt", OWN_PAGE.encode("gb18030"))
    assert again["Location"] == bulletin.get_absolute_url()
    assert Bulletin.objects.count() == 1 and StoredFile.objects.count() == 1


@pytest.mark.parametrize(
    "name",
    [
        "bulletin-sample.txt",
        "bulletin-sample.gb18030.txt",
        "bulletin-sample.html",
        "bulletin-sample.docx",
        "bulletin-sample.pdf",
    ],
)
def test_each_sample_format_uploads_and_parses_into_four_articles(
    editor, name, django_capture_on_commit_callbacks
):
    data = sample_path(name).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(editor, name, data)
    assert response.status_code == 302
    bulletin = Bulletin.objects.get()
    assert bulletin.status == "parsed", bulletin.error
    assert bulletin.articles.count() == 4
    page = editor.get(bulletin.get_absolute_url())
    assert page.status_code == 200
    assert "<mark" in page.content.decode()


def test_the_bulletin_page_reports_status_for_polling(editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(editor, "a.txt", OWN_PAGE.encode())
    bulletin = Bulletin.objects.get()
    data = editor.get(reverse("bulletin-status", args=[bulletin.pk])).json()
    assert data == {
        "status": "parsed",
        "status_label": bulletin.get_status_display(),
        "progress": 100,
        "error": "",
        "stalled": False,
        "articles": 1,
    }


@pytest.mark.parametrize("name", ["bulletin-sample.pdf", "bulletin-sample.docx", "bulletin-sample.gb18030.txt"])
def test_the_upload_request_never_reads_the_file_the_worker_does_once(
    editor, name, monkeypatch, django_capture_on_commit_callbacks
):
    """Issue 15: no reader runs in the web process; the parse reads the file once, in its
    limited child process (which this test's spies cannot reach)."""
    from articles.parsing import docx, pdf, read

    def refuse(*_args, **_kwargs):
        raise AssertionError("a reader ran in the web process")

    # the work of each reader, looked up when it runs (so any way into a reader meets a spy)
    for owner, attribute in ((pdf, "_pdf_lines"), (docx._Paragraphs, "read"), (read, "decode_text"),
                             (read, "_html_to_text")):
        monkeypatch.setattr(owner, attribute, refuse)
    reads: list[str] = []
    from articles.parsing import sandbox

    real = sandbox.read_isolated
    monkeypatch.setattr(sandbox, "read_isolated", lambda *a, **k: reads.append("child") or real(*a, **k))
    from articles.parsing import pipeline

    monkeypatch.setattr(pipeline, "read_isolated", sandbox.read_isolated)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(editor, name, sample_path(name).read_bytes())
    assert response.status_code == 302
    bulletin = Bulletin.objects.get()
    assert bulletin.status == "parsed", bulletin.error
    assert reads == ["child"]  # read once, in the child
