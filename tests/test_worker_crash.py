"""A worker killed with SIGKILL while a bulletin is "parsing": a real worker process, the real
broker of this run (file-system by default, Redis in CI), and a bulletin that still ends
parsed exactly once, with the rows of one clean parse of the same bytes — nothing lost,
nothing twice.

The parse is made slow with the task's test hook ZIT_TEST_SLOW_PARSE_SECONDS (a sleep
after each article, set only in the first worker's environment), so the kill lands
mid-parse every time. The last test kills a worker the same way while it builds a big Excel
export (slow enough by its rows alone): the job is built again, whole, by the same message.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from articles.models import Bulletin
from projects.models import ExportJob
from tests.exported import split_export
from tests.factories import make_export_projects
from tests.fault_tools import (
    Workers,
    bulletin_state,
    clean_parse_counts,
    clear_broker,
    db_counts,
    generated_page,
    history_counts,
    log_in,
    successes,
    upload,
    uses_redis,
)
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SLOW = {"ZIT_TEST_SLOW_PARSE_SECONDS": "0.5"}  # 8 articles: about 4 s of parsing


@pytest.fixture
def workers(tmp_path, monkeypatch):
    clear_broker()
    started = Workers(tmp_path, monkeypatch)
    yield started
    started.stop_all()
    clear_broker()


@pytest.fixture
def editor(client, make_user):
    return log_in(client, make_user("editor"))


def start_parse_and_wait_mid_way(editor, workers, tag: str) -> tuple[Bulletin, bytes]:
    data = generated_page(8, tag=tag)
    assert upload(editor, data).status_code == 302
    bulletin = Bulletin.objects.get()
    wait_for(
        lambda: Bulletin.objects.filter(pk=bulletin.pk, status="parsing", progress__gt=10).exists(), timeout=30
    )
    bulletin.refresh_from_db()
    assert bulletin.progress < 90, "the parse was not slow enough to be killed mid-way"
    return bulletin, data


def assert_parsed_exactly_once(bulletin: Bulletin, data: bytes, workers: Workers) -> None:
    wait_for(lambda: Bulletin.objects.filter(pk=bulletin.pk, status__in=["parsed", "failed"]).exists(), timeout=45)
    status, attempts, error = bulletin_state(bulletin.pk)
    assert status == "parsed", f"{error}\n{workers.output()}"
    assert attempts == 2  # the killed delivery and the one that finished
    expected = clean_parse_counts(data)
    assert expected["articles"] == 8 and expected["projects"] == 16
    assert db_counts() == expected
    # Stored once: a second store would have created (and deleted) a second set of projects.
    assert history_counts() == {"created": expected["projects"], "deleted": 0}
    assert successes(workers.output()) == 1


def test_pool_process_killed_mid_parse_is_parsed_again_exactly_once(editor, workers):
    worker = workers.start(**SLOW)
    bulletin, data = start_parse_and_wait_mid_way(editor, workers, tag="甲")
    [child] = worker.children()
    os.kill(child, signal.SIGKILL)
    # The worker sees its pool process die, rejects the message, the broker hands it out
    # again at once, and the new pool process takes its own claim back (same task id).
    assert_parsed_exactly_once(bulletin, data, workers)
    assert "WorkerLostError" in worker.output()


def test_whole_worker_killed_mid_parse_is_recovered_by_the_sweeper_of_the_next_worker(editor, workers):
    first = workers.start(**SLOW)
    bulletin, data = start_parse_and_wait_mid_way(editor, workers, tag="乙")
    lost_task = Bulletin.objects.get(pk=bulletin.pk).task_id
    first.kill()
    time.sleep(1)
    assert bulletin_state(bulletin.pk)[0] == "parsing"  # nobody is left to finish it
    if not uses_redis():
        # The file-system broker deleted the message when the worker took it: it is gone.
        queue = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        assert not [name for name in os.listdir(queue) if name.endswith(".msg")]
    # A new worker whose sweeper counts a parse stale after 2 s (the default is twice the
    # hard time limit); on Redis the visibility timeout stays at its hour, so only the
    # sweeper can bring this one back within the test.
    second = workers.start(ZIT_STALE_PARSE_SECONDS="2", ZIT_SWEEP_INTERVAL="1")
    assert_parsed_exactly_once(bulletin, data, workers)
    assert Bulletin.objects.get(pk=bulletin.pk).task_id != lost_task  # a fresh message did it
    assert "sweeper sent again" in second.output()


@pytest.mark.skipif(not uses_redis(), reason="Redis redelivery after a visibility timeout: CELERY_BROKER_URL is not redis://")
def test_whole_worker_killed_on_redis_is_redelivered_after_the_visibility_timeout(editor, workers):
    first = workers.start(**SLOW)
    bulletin, data = start_parse_and_wait_mid_way(editor, workers, tag="丙")
    lost_task = Bulletin.objects.get(pk=bulletin.pk).task_id
    first.kill()
    killed_at = time.monotonic()
    # The next worker restores unacknowledged messages older than its visibility timeout
    # when it starts polling; the sweeper is off, so Redis alone brings the message back.
    time.sleep(max(0.0, 3 - (time.monotonic() - killed_at)))
    workers.start(CELERY_VISIBILITY_TIMEOUT="2", ZIT_SWEEP_INTERVAL="0")
    assert_parsed_exactly_once(bulletin, data, workers)
    assert Bulletin.objects.get(pk=bulletin.pk).task_id == lost_task  # the same message, redelivered


def test_whole_worker_killed_is_requeued_by_requeue_stale_once_its_heartbeat_stops(editor, workers, settings):
    """Goes by the heartbeat, not the start: a parse that started an hour ago but beats is left
    alone; once its worker is killed whole, `requeue_stale` sends it again after the heartbeat
    window (seconds here, minutes by default — not the half hour of twice the hard limit)."""
    settings.STALE_PARSE_SECONDS = 3  # what `requeue_stale` (run here, in the test) reads
    first = workers.start(ZIT_TEST_SLOW_PARSE_SECONDS="1.0", ZIT_PARSE_HEARTBEAT_SECONDS="1", ZIT_SWEEP_INTERVAL="0")
    bulletin, data = start_parse_and_wait_mid_way(editor, workers, tag="丁")
    Bulletin.objects.filter(pk=bulletin.pk).update(started_at=timezone.now() - dt.timedelta(hours=1))
    time.sleep(settings.STALE_PARSE_SECONDS + 1)  # longer than the window: only the beats keep it alive
    out = io.StringIO()
    call_command("requeue_stale", stdout=out)
    assert out.getvalue() == "nothing to re-queue\n"
    assert bulletin_state(bulletin.pk)[0] == "parsing"

    first.kill()
    killed_at = time.monotonic()
    wait_for(lambda: call_command("requeue_stale", stdout=out) or "re-queued 1 stale parse" in out.getvalue(),
             timeout=30, interval=0.5)
    silent_for = time.monotonic() - killed_at
    print(f"re-queued {silent_for:.1f} s after the kill (window {settings.STALE_PARSE_SECONDS} s)")
    assert bulletin_state(bulletin.pk)[0] == "queued"
    workers.start(ZIT_SWEEP_INTERVAL="0")
    assert_parsed_exactly_once(bulletin, data, workers)


def test_a_parse_beats_while_one_long_step_runs(editor, workers):
    """The heartbeat thread: while one article takes long (the test hook's sleep), no progress is
    written, and the heartbeat still moves."""
    workers.start(ZIT_TEST_SLOW_PARSE_SECONDS="4", ZIT_PARSE_HEARTBEAT_SECONDS="1", ZIT_SWEEP_INTERVAL="0")
    assert upload(editor, generated_page(2, tag="戊")).status_code == 302
    bulletin = Bulletin.objects.get()
    wait_for(lambda: Bulletin.objects.filter(pk=bulletin.pk, status="parsing", progress__gt=10).exists(), timeout=30)
    seen = set()
    for _ in range(6):
        row = Bulletin.objects.filter(pk=bulletin.pk).values("progress", "heartbeat_at").get()
        seen.add((row["progress"], row["heartbeat_at"]))
        time.sleep(0.5)
    progresses = {progress for progress, _beat in seen}
    assert len(progresses) == 1, "an article ended meanwhile: the step was not long enough"
    assert len(seen) >= 2  # the same progress, later heartbeats
    wait_for(lambda: Bulletin.objects.filter(pk=bulletin.pk, status="parsed").exists(), timeout=45)


EXPORT_ROWS = 15_000  # several seconds of building: the kill lands while the file is written


def test_pool_process_killed_mid_export_builds_the_file_again_from_the_start(make_user, client, workers,
                                                                             settings, tmp_path):
    """The same kill during a big Excel export (projects/export_jobs.py): the message comes back
    and the job, which the dead build left "running" with half a file, is built again whole. The
    web side's export folder is not the worker's: the file is served from the database."""
    if settings.CELERY_BROKER_URL.startswith("memory"):
        pytest.skip("a real worker needs a broker another process can reach, not memory://")
    worker_dir = tmp_path / "exports"  # the worker's (ZIT_VAR_DIR below): another machine's disk
    settings.EXPORT_DIR = tmp_path / "web-exports"  # the web side's, where nothing is written
    settings.EXPORT_INLINE_ROWS = 100
    make_export_projects(EXPORT_ROWS)
    log_in(client, make_user("analyst"))
    worker = workers.start(ZIT_VAR_DIR=str(tmp_path), ZIT_BROKER_DIR=str(settings.CELERY_FS_BROKER_DIR),
                           ZIT_EXPORT_INLINE_ROWS="100", ZIT_SWEEP_INTERVAL="0")
    response = client.get("/exports/projects.xlsx?range=all")
    job = ExportJob.objects.get()
    assert response["Location"] == f"/exports/jobs/{job.pk}/"
    wait_for(lambda: any(worker_dir.glob("*.part")), timeout=60, interval=0.05)  # being written
    [child] = worker.children()
    os.kill(child, signal.SIGKILL)
    assert ExportJob.objects.get(pk=job.pk).status == "running", "the build ended before the kill"

    wait_for(lambda: ExportJob.objects.filter(pk=job.pk, status__in=["done", "failed"]).exists(), timeout=90)
    job.refresh_from_db()
    assert (job.status, job.error, job.rows, job.attempts) == ("done", "", EXPORT_ROWS, 2), workers.output()
    assert "WorkerLostError" in worker.output()
    assert list(worker_dir.iterdir()) == []  # the half file is gone, the whole one is in the database
    assert not settings.EXPORT_DIR.exists()
    download = client.get(f"/exports/jobs/{job.pk}/download")
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True).active
    assert len(split_export(list(sheet.iter_rows(values_only=True)))[2]) == EXPORT_ROWS
