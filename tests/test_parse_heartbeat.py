"""A running parse's heartbeat decides when its worker is gone: the sweeper, `requeue_stale`,
`check_integrity` and the editor's "re-queue" on the bulletin page go by it, not by how long
ago the parse started (a worker killed whole used to hold its bulletin for half an hour)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Bulletin
from articles.sweeper import sweep
from articles.tasks import record_progress
from articles.uploads import accept_upload
from tests.fault_tools import generated_page, log_in

pytestmark = pytest.mark.django_db


def a_parse(tag: str, *, started: float, beat: float | None) -> Bulletin:
    """A bulletin "parsing" since `started` seconds, its last heartbeat `beat` seconds ago."""
    b = accept_upload(generated_page(2, tag=tag), original_name=f"{tag}.txt", publication="测试").bulletin
    now = timezone.now()
    Bulletin.objects.filter(pk=b.pk).update(
        status="parsing", task_id=f"task-{tag}", attempts=1, started_at=now - dt.timedelta(seconds=started),
        heartbeat_at=None if beat is None else now - dt.timedelta(seconds=beat),
    )
    return Bulletin.objects.get(pk=b.pk)


def test_the_window_is_minutes_not_half_an_hour():
    assert settings.STALE_PARSE_SECONDS <= 180
    assert settings.STALE_PARSE_SECONDS >= 3 * settings.PARSE_HEARTBEAT_SECONDS  # a few missed beats
    assert settings.SWEEP_INTERVAL_SECONDS <= 120


def test_the_sweeper_and_requeue_stale_go_by_the_heartbeat_not_the_start(django_capture_on_commit_callbacks):
    window = settings.STALE_PARSE_SECONDS
    long_but_alive = a_parse("长而活", started=3600, beat=5)
    silent = a_parse("无心跳", started=window + 30, beat=window + 10)
    old_row = a_parse("旧行", started=window + 30, beat=None)  # claimed before heartbeats existed
    just_started = a_parse("刚开始", started=5, beat=None)

    out = io.StringIO()
    call_command("requeue_stale", "--dry-run", stdout=out)
    assert f"would re-queue 2 stale parse(s): bulletins {sorted([silent.pk, old_row.pk])}" in out.getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep()
    assert sorted(result.parsing) == sorted([silent.pk, old_row.pk])
    states = dict(Bulletin.objects.values_list("pk", "status"))
    assert states[long_but_alive.pk] == "parsing" and states[just_started.pk] == "parsing"
    assert states[silent.pk] == states[old_row.pk] == "parsed"  # sent again (eager here) and parsed


def test_check_integrity_reports_a_silent_parse_not_a_long_one():
    from ops.integrity import stale_parses

    a_parse("长而活", started=3600, beat=5)
    silent = a_parse("无心跳", started=settings.STALE_PARSE_SECONDS + 30, beat=settings.STALE_PARSE_SECONDS + 10)
    [finding] = list(stale_parses())
    assert finding.count == 1 and f"bulletin {silent.pk} " in finding.examples[0]


def test_every_progress_write_is_a_heartbeat():
    parsing = a_parse("进度", started=600, beat=500)
    record_progress(parsing.pk, 1, 4)
    parsing.refresh_from_db()
    assert parsing.heartbeat_age is not None and parsing.heartbeat_age < 60
    assert not parsing.parse_stalled


@pytest.fixture
def editor(client, make_user):
    return log_in(client, make_user("editor"))


def test_an_editor_is_refused_while_the_parse_beats_and_may_requeue_it_once_it_is_silent(
    editor, django_capture_on_commit_callbacks
):
    parse = a_parse("编辑", started=3600, beat=10)
    page = editor.get(parse.get_absolute_url()).content.decode()
    assert "重新排队" not in page and 'id="parse-stalled"' not in page

    response = editor.post(reverse("bulletin-reparse", args=[parse.pk]), follow=True)
    assert "10 秒前仍有进展" in response.content.decode()
    assert Bulletin.objects.get(pk=parse.pk).status == "parsing"  # a live parse is left alone

    Bulletin.objects.filter(pk=parse.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(seconds=settings.STALE_PARSE_SECONDS + 5)
    )
    status = editor.get(reverse("bulletin-status", args=[parse.pk])).json()
    assert status["status"] == "parsing" and status["stalled"] is True
    page = editor.get(parse.get_absolute_url()).content.decode()
    assert 'id="parse-stalled"' in page and "重新排队" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(reverse("bulletin-reparse", args=[parse.pk]))
    assert response.status_code == 302
    parse.refresh_from_db()
    assert parse.status == "parsed" and parse.articles.count() == 2, parse.error


def test_requeue_needs_an_editor_and_a_csrf_token(client_as, make_user):
    parse = a_parse("权限", started=3600, beat=settings.STALE_PARSE_SECONDS + 5)
    assert client_as("analyst").post(reverse("bulletin-reparse", args=[parse.pk])).status_code == 403
    strict = log_in(Client(enforce_csrf_checks=True), make_user("editor", "csrf-editor"))
    assert strict.post(reverse("bulletin-reparse", args=[parse.pk])).status_code == 403  # no token
    assert Bulletin.objects.get(pk=parse.pk).status == "parsing"


@pytest.mark.django_db(transaction=True)
def test_a_parse_whose_write_holds_the_row_is_not_stale_however_old_its_beat():
    """The write (store_parse) holds the bulletin's row lock, and no beat lands meanwhile: the
    sweeper and "parse again" skip a locked row (PostgreSQL) instead of sending a live parse again."""
    import threading

    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite has one writer at a time)")
    from articles.tasks import request_reparse

    parse = a_parse("写入中", started=3600, beat=settings.STALE_PARSE_SECONDS + 60)
    locked, release = threading.Event(), threading.Event()

    def write():
        with transaction.atomic():
            Bulletin.objects.select_for_update().get(pk=parse.pk)
            locked.set()
            release.wait(30)
        connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert locked.wait(30)
        assert sweep().parsing == []
        assert request_reparse(parse) is False
    finally:
        release.set()
        writer.join()
    assert Bulletin.objects.get(pk=parse.pk).status == "parsing"
    assert sweep(dry_run=True).parsing == [parse.pk]  # released and still silent: stale
