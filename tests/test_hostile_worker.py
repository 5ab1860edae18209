"""Issue 15, item 2: hostile files are never read in the web process; they are read once, in
the worker, under limits — with the peak memory of each process measured here.

Each file is built here and goes the editor's way: the upload form's peek (its date proposal)
and the upload, through the real views in a process of their own (tests/upload_probe.py, so
that its high-water RSS is the web process's); then a real Celery worker (tests/worker.py)
parses it, reading the file in a limited child process (articles/parsing/sandbox.py); then the
bulletin's page shows the result. The web process must stay under 200 MB and the worker's
pool process and its read child under 1 GB. Before this, the web request read every file
itself: the element flood and the 1 GiB stream took it to 0.9–2 GB, the scattered words held
it 17 s to 2 min (docs/benchmarks.md, section 9).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from articles.models import Article, Bulletin
from config.celery import app
from tests import hostile_files
from tests import worker as worker_tools
from tests.worker import REPO_DIR, WorkerProcess, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

MB = 1024 * 1024
WEB_PEAK_LIMIT = 200 * MB
WORKER_PEAK_LIMIT = 1_000_000_000  # 1 GB

# id, file name, builder, outcome (refused by the upload / parsed / failed by the worker), words
CASES = [
    ("pdf-scattered-words", "scattered.pdf", hostile_files.scattered_words_pdf, "parsed", None),
    ("pdf-deflate-bomb", "bomb.pdf", hostile_files.deflate_bomb_pdf, "failed", "PDF 解压后过大"),
    ("docx-element-flood", "flood.docx", hostile_files.docx_element_flood, "failed", "Word 文件过于复杂"),
    ("docx-zip-bomb", "bomb.docx", hostile_files.docx_zip_bomb, "refused", "Word 文件解压后过大"),
    (
        "docx-zip-bomb-lying-header", "bomb2.docx", lambda: hostile_files.docx_zip_bomb(declared=2 * MB),
        "failed", "Word 文件已损坏",
    ),
]
READ_LINE = re.compile(r"read in a child process: ([\d.]+) s, peak RSS (\d+) MB")


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        app.control.purge()
        process = WorkerProcess(tmp_path_factory.mktemp("worker") / "worker.log").start()
    yield process
    process.stop()


def high_water(pid: int) -> int:
    """Peak RSS (bytes) of a live process so far."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmHWM for {pid}")


def upload_in_own_process(path, name: str, username: str) -> dict:
    env = {"DATABASE_URL": worker_tools.test_database_url(), "PYTHONUNBUFFERED": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.upload_probe", str(path), name, username],
        cwd=REPO_DIR, env={**os.environ, **env}, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("case", "name", "build", "outcome", "words"), CASES, ids=[c[0] for c in CASES])
def test_hostile_file_through_web_and_worker(worker, make_user, client, tmp_path, case, name, build, outcome, words):
    editor = make_user("editor")
    data = build()
    path = tmp_path / name
    path.write_bytes(data)

    web = upload_in_own_process(path, name, editor.username)
    web_peak = web["rss_peak_kb"] * 1024
    figures = (
        f"\n{case}: {len(data) / 1024:,.0f} KB; web process peak RSS {web_peak / MB:.0f} MB "
        f"(after start-up {web['rss_before_kb'] / 1024:.0f} MB), peek {web['peek_seconds']:.2f} s "
        f"(its read child {web['peek_child_peak_kb'] and web['peek_child_peak_kb'] // 1024} MB), "
        f"upload {web['upload_seconds']:.2f} s"
    )
    assert web_peak < WEB_PEAK_LIMIT, figures
    assert web["upload_seconds"] < 60, figures  # generous: the box is shared; the figure is printed

    if outcome == "refused":
        print(figures + "; refused by the upload")
        assert web["upload_status"] == 400 and len(web["errors"]) == 1
        assert words in web["errors"][0], web["errors"]
        assert web["peek_status"] == 400 and words in web["peek"]["message"]
        assert not Bulletin.objects.exists()
        return

    assert web["upload_status"] == 302, web
    bulletin = Bulletin.objects.get()
    assert web["location"] == bulletin.get_absolute_url()
    wait_for(lambda: Bulletin.objects.filter(pk=bulletin.pk, status__in=["parsed", "failed"]).exists(), timeout=600)
    bulletin.refresh_from_db()
    assert bulletin.task_id and bulletin.task_id != "eager"  # read by the worker, not in-process

    pool_peak = max(high_water(pid) for pid in worker.children())
    reads = READ_LINE.findall(worker.output())
    assert reads, worker.output()[-3000:]
    read_seconds, read_peak_mb = float(reads[-1][0]), int(reads[-1][1])
    print(
        figures + f"; worker: {bulletin.status}, read child {read_seconds:.2f} s and {read_peak_mb} MB, "
        f"pool process peak {pool_peak / MB:.0f} MB; {bulletin.error[:80]}"
    )
    assert pool_peak < WORKER_PEAK_LIMIT
    assert read_peak_mb * MB < WORKER_PEAK_LIMIT

    assert bulletin.status == outcome, bulletin.error
    client.force_login(editor)
    page = client.get(bulletin.get_absolute_url()).content.decode()
    if outcome == "failed":
        assert words in bulletin.error and "Traceback" not in bulletin.error
        assert words in page  # the editor sees why
        assert not Article.objects.filter(bulletin=bulletin).exists()  # nothing half-written
