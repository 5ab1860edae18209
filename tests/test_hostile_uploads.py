"""Hostile files, generated here and uploaded through the real upload page as an editor.

Each is either refused by the upload's cheap checks with a clear one-line message — leaving
no Bulletin, StoredFile or Article row, no file under MEDIA_ROOT or the temporary
directories, and no queued task — or accepted and stored once, then read by the parse (in a
limited child process, issue 15): parsed without a crash when it is legitimately readable
(emoji, right-to-left, a 100,000-character line, HTML with scripts, thousands of scattered
words), or its bulletin failed with the reason on its page and no article written (a zip bomb
whose headers lie, an element flood, a PDF stream that inflates to 1 GiB). The same files
through a real worker, with the processes' peak memory measured: tests/test_hostile_worker.py.
"""

from __future__ import annotations

import io
import random
import tempfile
import tracemalloc
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from celery.app.task import Task
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import articles.uploads
from articles.models import Article, Bulletin, Mention, StoredFile
from articles.parsing import docx, read
from projects.models import Batch, Project
from tests import hostile_files

pytestmark = pytest.mark.django_db

PAGE = "合肥高新区新签约项目\n\n本报讯（记者 周岚）3月8日，合肥高新区签约12个项目，总投资约186亿元。\n"
W_NS = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
MB = 1024 * 1024
BIG5_PAGE = "新竹科學園區新簽約項目\n\n本報訊（記者 周嵐）3月8日，新竹科學園區簽約12個項目，總投資約186億元。\n"


# --------------------------------------------------------------------------- file builders


def random_bytes() -> bytes:
    return random.Random(20240601).randbytes(64 * 1024)


def _pdf(encrypt: bool = False) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if encrypt:
        writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf() -> bytes:
    data = _pdf()
    return data[: len(data) // 2]


def encrypted_pdf() -> bytes:
    return _pdf(encrypt=True)


BOMB_REAL_BYTES = 300 * MB


def _bomb_pieces():
    """300 MB of word/document.xml: valid WordprocessingML paragraphs, repeated."""
    para = "<w:p><w:r><w:t>高新区</w:t></w:r></w:p>".encode() * 64
    yield W_NS
    for _ in range(BOMB_REAL_BYTES // len(para)):
        yield para


def docx_zip_bomb() -> bytes:
    data, real = hostile_files.deflate_zip("word/document.xml", _bomb_pieces())
    assert real >= BOMB_REAL_BYTES - 4096 and len(data) < MB
    return data


LYING_DECLARED = 2 * MB


def docx_zip_bomb_lying() -> bytes:
    """The same 300 MB, with headers that claim 2 MB."""
    data, _real = hostile_files.deflate_zip("word/document.xml", _bomb_pieces(), declared=LYING_DECLARED)
    assert len(data) < MB
    return data


def html_script_deep() -> bytes:
    body = "<div>" * 10_000 + "<script>alert(1)</script>" + f"<p>{PAGE}</p>" + "</div>" * 10_000
    return f"<html><body>{body}<img src=x onerror=alert(2)></body></html>".encode()


def nul_sprinkled_text() -> bytes:
    return PAGE.replace("。", "。\x00").encode()


def nul_heavy_binary() -> bytes:
    return b"\x00" * 4000 + PAGE.encode()


def long_line() -> bytes:
    return ("长行测试\n" + ("合肥高新区签约12个项目，总投资约186亿元，" * 5000)[:100_000] + "\n").encode()


def mixed_encodings() -> bytes:
    half = len(PAGE) // 2
    return PAGE[:half].encode("utf-8") * 10 + PAGE[half:].encode("gbk") * 10


def emoji_rtl() -> bytes:
    return (
        PAGE + "🚀🎉 高新区 👩‍🔬\nمرحبا بالعالم — שלום עולם\n\u202e合肥高新区总投资约186亿元。\u202c\n"
    ).encode()


@dataclass
class Hostile:
    id: str
    name: str
    build: object
    refused_with: str | None  # words of the refusal message; None: accepted and parsed
    failed_with: str | None = None  # accepted, then its parse fails with these words


HOSTILE = [
    Hostile("random-bytes", "random.bin", random_bytes, "not a text, PDF, Word or HTML file"),
    Hostile("truncated-pdf", "cut.pdf", truncated_pdf, "truncated PDF"),
    Hostile("encrypted-pdf", "locked.pdf", encrypted_pdf, "encrypted PDF"),
    Hostile("docx-zip-bomb", "bomb.docx", docx_zip_bomb, "too large once unpacked"),
    Hostile("docx-zip-bomb-lying-header", "bomb2.docx", docx_zip_bomb_lying, None, "Word 文件已损坏"),
    Hostile("docx-element-flood", "flood.docx", hostile_files.docx_element_flood, None, "Word 文件过于复杂"),
    Hostile("pdf-deflate-bomb", "bomb.pdf", hostile_files.deflate_bomb_pdf, None, "PDF 解压后过大"),
    Hostile("pdf-scattered-words", "scattered.pdf", hostile_files.scattered_words_pdf, None),
    Hostile("zip-of-50k-entries", "many.docx", lambda: hostile_files.zip_of_many_entries(50_000), "Word 文件过于复杂"),
    Hostile("big5-text", "big5.txt", lambda: BIG5_PAGE.encode("big5") * 3, "Big5"),
    Hostile("utf16-without-bom", "utf16.txt", lambda: PAGE.encode("utf-16-le"), "UTF-16"),
    Hostile("nul-heavy-binary", "nul.txt", nul_heavy_binary, "not a text, PDF, Word or HTML file"),
    Hostile("mixed-utf8-gbk", "mixed.txt", mixed_encodings, "unknown text encoding"),
    Hostile("html-script-deep-nesting", "deep.html", html_script_deep, None),
    Hostile("nul-sprinkled-text", "nul-text.txt", nul_sprinkled_text, None),
    Hostile("100k-char-line", "long.txt", long_line, None),
    Hostile("emoji-rtl", "emoji.txt", emoji_rtl, None),
    Hostile(
        "path-and-control-chars-in-name", '../..\\etc\\pass\x07wd\x1b[31m;".txt', lambda: PAGE.encode(), None
    ),
]


# --------------------------------------------------------------------------- spies and fixtures


@pytest.fixture
def sandbox(settings, tmp_path, monkeypatch):
    """MEDIA_ROOT, Django's upload spool and Python's temp dir each in an empty folder of ours."""
    dirs = {"media": tmp_path / "media", "upload_tmp": tmp_path / "upload-tmp", "tmp": tmp_path / "tmp"}
    for path in dirs.values():
        path.mkdir()
    settings.MEDIA_ROOT = dirs["media"]
    settings.FILE_UPLOAD_TEMP_DIR = str(dirs["upload_tmp"])
    monkeypatch.setattr(tempfile, "tempdir", str(dirs["tmp"]))
    return dirs


@pytest.fixture
def queued(monkeypatch):
    """Every enqueue_parse call and every Celery task sent."""
    calls: dict[str, list] = {"enqueue": [], "tasks": []}
    real_enqueue = articles.uploads.enqueue_parse
    real_apply_async = Task.apply_async

    def enqueue(bulletin_id):
        calls["enqueue"].append(bulletin_id)
        return real_enqueue(bulletin_id)

    def apply_async(self, *args, **kwargs):
        calls["tasks"].append(self.name)
        return real_apply_async(self, *args, **kwargs)

    monkeypatch.setattr(articles.uploads, "enqueue_parse", enqueue)
    monkeypatch.setattr(Task, "apply_async", apply_async)
    return calls


@pytest.fixture
def decompressed(monkeypatch):
    """Bytes actually inflated from any zip member during the test."""
    counter = {"bytes": 0}
    real_read = zipfile.ZipExtFile.read

    def read_(self, n=-1):
        out = real_read(self, n)
        counter["bytes"] += len(out)
        return out

    monkeypatch.setattr(zipfile.ZipExtFile, "read", read_)
    return counter


def files_in(path: Path) -> list[Path]:
    return [p for p in path.rglob("*") if p.is_file()]


def post(client, name: str, data: bytes):
    form = {"file": SimpleUploadedFile(name, data), "publication": "测试周报", "issue_date": "2022-07-01"}
    return client.post(reverse("bulletin-upload"), form)


def assert_nothing_left(sandbox, queued):
    rows = {m.__name__: m.objects.count() for m in (Bulletin, StoredFile, Article, Mention, Project, Batch)}
    assert set(rows.values()) == {0}, rows
    for label, path in sandbox.items():
        assert not files_in(path), f"files left in {label}: {files_in(path)}"
    assert queued == {"enqueue": [], "tasks": []}


def file_error(response) -> str:
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1
    return errors[0]


# --------------------------------------------------------------------------- the tests

TRIED: list[str] = []


@pytest.mark.parametrize("case", HOSTILE, ids=[h.id for h in HOSTILE])
def test_hostile_file(case, editor, sandbox, queued, decompressed, django_capture_on_commit_callbacks):
    data = case.build()
    TRIED.append(case.id)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(editor, case.name, data)

    if case.refused_with:
        message = file_error(response)
        assert case.refused_with in message
        assert "\n" not in message and "Traceback" not in message and len(message) < 200
        assert message in response.content.decode()  # shown on the page
        assert_nothing_left(sandbox, queued)
        return

    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    bulletin = Bulletin.objects.get()
    if case.failed_with:
        assert bulletin.status == "failed" and case.failed_with in bulletin.error, bulletin.error
        assert "Traceback" not in bulletin.error and len(bulletin.error) < 300
        assert not Article.objects.exists() and not Project.objects.exists()  # nothing half-written
        assert bytes(bulletin.file.data) == data  # kept: "parse again" or a download can use it
        page = editor.get(bulletin.get_absolute_url()).content.decode()
        assert case.failed_with in page
        return

    assert response["Location"] == bulletin.get_absolute_url()
    assert bulletin.status == "parsed" and bulletin.error == "", bulletin.error
    assert StoredFile.objects.get().size == len(data)
    assert bytes(bulletin.file.data) == data
    assert queued["enqueue"] == [bulletin.pk] and queued["tasks"] == ["articles.tasks.parse_bulletin"]
    for label, path in sandbox.items():  # stored in the database, nowhere else
        assert not files_in(path), f"files left in {label}"
    page = editor.get(bulletin.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    texts = "".join(Article.objects.values_list("text", flat=True))
    assert "\x00" not in texts
    if case.id == "html-script-deep-nesting":
        assert "alert" not in texts and "<script>alert" not in html and "onerror=alert" not in html
        assert "合肥高新区签约12个项目" in texts
    if case.id == "path-and-control-chars-in-name":
        assert "/" not in bulletin.original_name and "\\" not in bulletin.original_name
        assert all(ch.isprintable() for ch in bulletin.original_name)
        download = editor.get(reverse("bulletin-file", args=[bulletin.pk]))
        disposition = download["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert not any(ch in disposition for ch in "\x07\x1b\r\n/\\")
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download.content == data


def test_the_zip_bomb_is_refused_without_inflating_a_byte(decompressed):
    """Honest headers: the declared 300 MB is refused before anything is decompressed."""
    data = docx_zip_bomb()
    with pytest.raises(read.UnreadableFile, match="too large once unpacked"):
        read.read_document(data, max_bytes=20 * MB)
    assert decompressed["bytes"] == 0
    print(f"\nzip bomb: {len(data):,} bytes zipped, {BOMB_REAL_BYTES:,} inside, 0 inflated")


def test_a_lying_zip_bomb_is_inflated_no_further_than_its_declared_size(decompressed):
    """Headers that claim 2 MB: zipfile stops at the declared size (then the CRC fails), which
    the reader's cap (MAX_DOCX_XML_BYTES) bounds; memory stays a small multiple of that."""
    data = docx_zip_bomb_lying()
    tracemalloc.start()
    try:
        with pytest.raises(read.UnreadableFile, match="corrupt Word"):
            read.read_document(data, max_bytes=20 * MB)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert 0 < decompressed["bytes"] <= LYING_DECLARED <= docx.MAX_DOCX_XML_BYTES
    assert peak < 8 * LYING_DECLARED + 16 * MB
    print(
        f"\nlying zip bomb: {BOMB_REAL_BYTES:,} inside, {decompressed['bytes']:,} inflated "
        f"(declared {LYING_DECLARED:,}; cap {docx.MAX_DOCX_XML_BYTES:,}); peak memory {peak / MB:.0f} MB"
    )


# --------------------------------------------------------------------------- over the size limit


@pytest.fixture
def read_spy(monkeypatch):
    """Bytes the server reads from any uploaded-file object (in memory, spooled, or our stand-in)."""
    from django.core.files.uploadedfile import UploadedFile

    seen = {"bytes": 0}

    def reader(self):
        real = self.file.read
        if isinstance(self, SimpleUploadedFile):  # the test client reading what it sends
            return real

        def read_(*args, **kwargs):
            out = real(*args, **kwargs)
            seen["bytes"] += len(out)
            return out

        return read_

    monkeypatch.setattr(UploadedFile, "read", property(reader))
    return seen


def test_a_file_over_the_limit_is_refused_before_it_is_read_and_never_stored_whole(
    editor, settings, sandbox, queued, read_spy, monkeypatch
):
    settings.UPLOAD_MAX_BYTES = 1 * MB
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    spooled: list[int] = []
    real_receive = TemporaryFileUploadHandler.receive_data_chunk

    def receive(self, raw_data, start):
        spooled.append(len(raw_data))  # what reaches the temporary file on disk
        return real_receive(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", receive)
    data = PAGE.encode() * (3 * MB // len(PAGE.encode()) + 1)  # ~3 MB of perfectly good text
    response = post(editor, "huge.txt", data)

    message = file_error(response)
    assert "文件过大" in message and "MB" in message
    assert read_spy["bytes"] == 0  # the view never read the upload
    assert 0 < sum(spooled) <= settings.UPLOAD_MAX_BYTES  # spooled to disk, and only up to the limit
    assert_nothing_left(sandbox, queued)


def test_a_file_within_the_limit_but_over_the_memory_size_is_spooled_to_disk_and_accepted(
    editor, settings, sandbox, queued, read_spy, django_capture_on_commit_callbacks, monkeypatch
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    kinds: list[str] = []
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    real_complete = TemporaryFileUploadHandler.file_complete

    def complete(self, size):
        kinds.append(type(self.file).__name__)
        return real_complete(self, size)

    monkeypatch.setattr(TemporaryFileUploadHandler, "file_complete", complete)
    data = PAGE.encode() * (100 * 1024 // len(PAGE.encode()))
    with django_capture_on_commit_callbacks(execute=True):
        response = post(editor, "big-but-fine.txt", data)
    assert response.status_code == 302
    assert kinds == ["TemporaryUploadedFile"]
    assert Bulletin.objects.get().size == len(data)
    assert read_spy["bytes"] == len(data)  # the spy sees reads: its 0 above is real


def test_upload_handlers_bound_memory_and_disk():
    from django.conf import settings

    assert settings.FILE_UPLOAD_HANDLERS[0] == "config.upload_handlers.SizeLimitedUploadHandler"
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2 * MB
    assert settings.UPLOAD_MAX_BYTES <= 20 * MB


def test_report_how_many_hostile_files_were_tried():
    print(f"\nhostile files uploaded: {len(TRIED)} of {len(HOSTILE)}: {', '.join(TRIED)}")


# --------------------------------------------------------------------------- serving the originals


def test_originals_are_served_only_by_the_download_view(
    editor, settings, sandbox, django_capture_on_commit_callbacks
):
    """Uploads live in the database (StoredFile): nothing lands in MEDIA_ROOT or STATIC_ROOT, no
    URL serves either folder's uploads, and the one way out is the download view."""
    static_root = Path(settings.STATIC_ROOT)
    before = {p for p in static_root.rglob("*")} if static_root.exists() else set()
    data = (
        "<html><body><script>alert(1)</script><p>合肥高新区签约12个项目，总投资约186亿元。</p></body></html>"
    )
    with django_capture_on_commit_callbacks(execute=True):
        post(editor, "page.html", data.encode())
    bulletin = Bulletin.objects.get()
    after = {p for p in static_root.rglob("*")} if static_root.exists() else set()
    assert after == before
    assert not files_in(Path(settings.MEDIA_ROOT))
    assert editor.get(f"/media/{bulletin.sha256}").status_code == 404
    assert editor.get(f"/static/{bulletin.sha256}").status_code == 404

    response = editor.get(reverse("bulletin-file", args=[bulletin.pk]))
    assert response.status_code == 200 and response.content == data.encode()
    assert response["Content-Type"] == "application/octet-stream"  # never rendered as a page
    assert response["Content-Disposition"] == 'attachment; filename="page.html"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private, no-store"
    assert editor.head(reverse("bulletin-file", args=[bulletin.pk])).status_code == 200


@pytest.mark.parametrize(
    ("original", "fmt", "expected"),
    [
        ("weekly.pdf", "pdf", "weekly.pdf"),
        ("evil.html", "txt", "evil.txt"),  # named .html, read as text: downloaded as .txt
        ('a"b;c\\d/e.txt', "txt", "e.txt"),
        ("..", "txt", "bulletin-{pk}.txt"),
        ("", "docx", "bulletin-{pk}.docx"),
        ("导报 第1期.pdf", "pdf", "导报 第1期.pdf"),
        ("x\r\nSet-Cookie: a=b.txt", "txt", "xSet-Cookie_ a=b.txt"),
    ],
)
def test_download_names_are_safe(original, fmt, expected):
    from articles.views import download_name
    from tests.factories import make_bulletin

    bulletin = make_bulletin(original_name=original, format=fmt)
    assert download_name(bulletin) == expected.format(pk=bulletin.pk)
