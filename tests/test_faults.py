"""Faults around a parse, each through the real path (HTTP, task, command, worker process):

- the broker is unreachable when an editor uploads: the upload is kept and says so, the
  request does not hang, and the sweeper sends it once the broker is back;
- the database fails in the middle of the write: nothing is left half-written, the
  bulletin says why in plain words, and "parse again" works (the monkeypatched variants
  live in test_parse_task.py; here the error comes from the database itself);
- time limits: a parse is never handed to a second worker while it still runs, and a
  parse over the soft limit fails with a clear message.

Worker crashes (SIGKILL) are in test_worker_crash.py.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Bulletin, StoredFile
from articles.sweeper import sweep
from articles.tasks import QUEUE_DOWN_MESSAGE
from articles.uploads import accept_upload
from config.celery import app
from projects.models import Project
from tests.fault_tools import (
    Workers,
    bulletin_state,
    clean_parse_counts,
    clear_broker,
    db_counts,
    generated_page,
    history_counts,
    log_in,
    upload,
)
from tests.worker import REPO_DIR, wait_for

CLOSED_PORTS = {
    "redis": "redis://127.0.0.1:1/0",
    "amqp": "amqp://guest:guest@127.0.0.1:1//",
}


def use_broker(url: str) -> None:
    """Point the web process's Celery app at another broker (kombu keeps one pool per URL)."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_down(url: str):
    # Celery prefers the CELERY_BROKER_URL environment variable (set in CI) to its config.
    previous_env = os.environ.pop("CELERY_BROKER_URL", None)
    previous_url, previous_eager = app.conf.broker_url, app.conf.task_always_eager
    app.conf.task_always_eager = False  # really publish
    use_broker(url)
    try:
        yield
    finally:
        if previous_env is not None:
            os.environ["CELERY_BROKER_URL"] = previous_env
        use_broker(previous_url)
        app.conf.task_always_eager = previous_eager


@pytest.fixture
def editor(client, make_user):
    return log_in(client, make_user("editor"))


# --- 2. The broker is unreachable at upload time -------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("transport", sorted(CLOSED_PORTS))
def test_upload_with_the_broker_down_is_kept_says_so_and_does_not_hang(
    transport, editor, django_capture_on_commit_callbacks
):
    data = generated_page(3, tag=transport)
    with broker_down(CLOSED_PORTS[transport]), django_capture_on_commit_callbacks(execute=True):
        started = time.monotonic()
        response = upload(editor, data)
        elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 5, f"the upload waited {elapsed:.1f}s for a dead broker"
    bulletin = Bulletin.objects.get()
    assert bulletin.status == Bulletin.Status.QUEUED
    assert bytes(StoredFile.objects.get(pk=bulletin.file_id).data) == data  # nothing lost
    assert bulletin.error == str(QUEUE_DOWN_MESSAGE)
    page = editor.get(response["Location"]).content.decode()
    assert str(QUEUE_DOWN_MESSAGE) in page
    assert "没有丢失" in page and "自动开始解析" in page
    assert editor.get(reverse("bulletin-status", args=[bulletin.pk])).json()["error"] == str(QUEUE_DOWN_MESSAGE)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_once_the_broker_is_back_the_sweeper_sends_it_and_a_worker_parses_it(editor, tmp_path, monkeypatch):
    clear_broker()
    data = generated_page(4, tag="断")
    with broker_down(CLOSED_PORTS["redis"]):
        assert upload(editor, data).status_code == 302
    bulletin = Bulletin.objects.get()
    assert (bulletin.status, bulletin.error) == ("queued", str(QUEUE_DOWN_MESSAGE))

    out = io.StringIO()
    call_command("requeue_stale", stdout=out)  # the broker of this run answers again
    assert f"re-queued 1 queued bulletin(s), no message: [{bulletin.pk}]" in out.getvalue()
    bulletin.refresh_from_db()
    assert (bulletin.status, bulletin.error) == ("queued", "")

    workers = Workers(tmp_path, monkeypatch)
    try:
        workers.start()
        wait_for(lambda: Bulletin.objects.filter(pk=bulletin.pk, status__in=["parsed", "failed"]).exists(), 45)
    finally:
        workers.stop_all()
        clear_broker()
    bulletin.refresh_from_db()
    assert bulletin.status == "parsed", f"{bulletin.error}\n{workers.output()}"
    assert db_counts() == clean_parse_counts(data)


@pytest.mark.django_db
def test_the_sweeper_leaves_live_work_alone_and_sends_what_was_lost(django_capture_on_commit_callbacks):
    """Fresh queued and parsing bulletins are not touched; a stale parse and a queued one
    whose message never left are sent again (and parsed, tasks being eager here)."""
    now = timezone.now()

    def bulletin(tag: str, **state) -> Bulletin:
        with django_capture_on_commit_callbacks(execute=False):  # no message at all
            b = accept_upload(generated_page(2, tag=tag), original_name=f"{tag}.txt", publication="测试").bulletin
        Bulletin.objects.filter(pk=b.pk).update(**state)
        return b

    fresh_queued = bulletin("新排队")
    live_parse = bulletin("在解析", status="parsing", task_id="live", started_at=now - dt.timedelta(seconds=30))
    stale_parse = bulletin(
        "卡住", status="parsing", task_id="dead", started_at=now - dt.timedelta(seconds=settings.STALE_PARSE_SECONDS + 1)
    )
    never_sent = bulletin("未发出", error=str(QUEUE_DOWN_MESSAGE))
    lost = bulletin("丢失", queued_at=now - dt.timedelta(seconds=settings.STALE_QUEUED_SECONDS + 1))

    assert sweep(dry_run=True).total == 3
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep()
    assert sorted(result.parsing) == [stale_parse.pk]
    assert sorted(result.queued) == sorted([never_sent.pk, lost.pk])
    states = dict(Bulletin.objects.values_list("pk", "status"))
    assert states[fresh_queued.pk] == "queued" and states[live_parse.pk] == "parsing"
    assert {states[b.pk] for b in (stale_parse, never_sent, lost)} == {"parsed"}
    assert sweep().total == 0  # nothing left to send


@pytest.mark.django_db
def test_a_bulletin_that_keeps_killing_its_worker_is_failed_not_retried_for_ever():
    from articles.tasks import MAX_ATTEMPTS, claim

    b = accept_upload(generated_page(1, tag="毒"), original_name="p.txt", publication="测试").bulletin
    for _ in range(MAX_ATTEMPTS):
        assert claim(b.pk, "same-message") is True  # redelivered after each crash
    assert claim(b.pk, "same-message") is False
    status, attempts, error = bulletin_state(b.pk)
    assert (status, attempts) == ("failed", MAX_ATTEMPTS)
    assert f"已中断 {MAX_ATTEMPTS} 次" in error and "重新解析" in error


# --- 3. The database fails in the middle of the write --------------------------------------

FAULT = "injected fault: no space left on device"


@contextmanager
def failing_inserts(table: str):
    """A trigger that makes the database itself refuse every insert into `table`."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION zit_fault() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN RAISE EXCEPTION '{FAULT}' USING ERRCODE = 'disk_full'; END $$"
            )
            cursor.execute(f"CREATE TRIGGER zit_fault BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION zit_fault()")
        else:
            cursor.execute(f"CREATE TRIGGER zit_fault BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, '{FAULT}'); END")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER zit_fault ON {table}")
                cursor.execute("DROP FUNCTION zit_fault()")
            else:
                cursor.execute("DROP TRIGGER zit_fault")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "table",
    ["projects_projectevent", "articles_mention"],
    ids=["after-articles-and-projects", "after-projects-and-events"],
)
def test_a_database_error_mid_write_rolls_everything_back_and_parse_again_works(
    table, editor, django_capture_on_commit_callbacks
):
    data = generated_page(3, tag=table[:3])
    with failing_inserts(table), django_capture_on_commit_callbacks(execute=True):
        response = upload(editor, data)  # upload → on_commit → the task (eager) → store_parse
    assert response.status_code == 302
    bulletin = Bulletin.objects.get()
    status, _, error = bulletin_state(bulletin.pk)
    assert status == "failed"
    assert "写入数据库时出错" in error and "已全部撤销" in error and "重新解析" in error
    assert FAULT in error  # the database's own words, after the plain ones
    assert db_counts() == {"articles": 0, "projects": 0, "batches": 0, "mentions": 0, "events": 0}
    assert history_counts() == {"created": 0, "deleted": 0}  # history rolled back with the rows
    assert error in editor.get(bulletin.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(reverse("bulletin-reparse", args=[bulletin.pk]))
    assert response.status_code == 302
    assert bulletin_state(bulletin.pk)[0::2] == ("parsed", "")
    assert db_counts() == clean_parse_counts(data)
    assert Project.objects.filter(zone__short_name="长沙高新区").exists()


# --- 4. Time limits and the visibility timeout ----------------------------------------------


def settings_in_subprocess(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--fail-level", "ERROR"],
        cwd=REPO_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_time_limits_stay_well_below_the_redis_visibility_timeout():
    soft, hard = settings.CELERY_TASK_SOFT_TIME_LIMIT, settings.CELERY_TASK_TIME_LIMIT
    assert 0 < soft < hard
    # The sweeper never calls a running parse stale: it beats (articles/heartbeat.py) far more often.
    assert settings.STALE_PARSE_SECONDS >= 3 * settings.PARSE_HEARTBEAT_SECONDS > 0
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout")
    if visibility is not None:  # this run uses Redis or RabbitMQ
        assert hard <= visibility / 2
    # The defaults on Redis, whatever broker this run uses: 600 s soft, 900 s hard, 3600 s.
    env = {"CELERY_BROKER_URL": "redis://127.0.0.1:6379/7"}
    for name in ("ZIT_TASK_SOFT_TIME_LIMIT", "ZIT_TASK_TIME_LIMIT", "ZIT_VISIBILITY_TIMEOUT"):
        env[name] = ""
    assert settings_in_subprocess(**env).returncode == 0
    # A configuration that breaks the rule is refused by `manage.py check` (scripts/test runs it).
    bad = settings_in_subprocess(**{**env, "ZIT_TASK_TIME_LIMIT": "2400", "ZIT_VISIBILITY_TIMEOUT": "3600"})
    assert bad.returncode != 0 and "articles.E002" in bad.stderr
    deaf = settings_in_subprocess(**{**env, "ZIT_STALE_PARSE_SECONDS": "30", "ZIT_PARSE_HEARTBEAT_SECONDS": "20"})
    assert deaf.returncode != 0 and "articles.E003" in deaf.stderr
    slow_read = settings_in_subprocess(**{**env, "ZIT_READ_TIMEOUT_SECONDS": "600"})
    assert slow_read.returncode != 0 and "articles.E004" in slow_read.stderr


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_parse_over_the_soft_time_limit_fails_with_a_clear_message(editor, tmp_path, monkeypatch):
    from articles.tasks import parse_bulletin

    # Celery writes the limits into the message when it is sent, so the sender's count.
    monkeypatch.setattr(parse_bulletin, "soft_time_limit", 1)
    monkeypatch.setattr(parse_bulletin, "time_limit", 20)
    monkeypatch.setattr(parse_bulletin, "_exec_options", None)  # Celery caches them per task
    clear_broker()
    workers = Workers(tmp_path, monkeypatch)
    try:
        workers.start(ZIT_TEST_SLOW_PARSE_SECONDS="0.5")
        assert upload(editor, generated_page(8, tag="慢")).status_code == 302
        bulletin = Bulletin.objects.get()
        wait_for(lambda: Bulletin.objects.filter(pk=bulletin.pk, status__in=["parsed", "failed"]).exists(), 45)
    finally:
        workers.stop_all()
        clear_broker()
    status, attempts, error = bulletin_state(bulletin.pk)
    assert (status, attempts) == ("failed", 1), workers.output()
    assert "解析耗时过长（超过 1 秒）" in error and "没有写入任何结果" in error
    assert db_counts()["articles"] == 0
    assert "SoftTimeLimitExceeded" in workers.output() or "soft time limit" in workers.output()
