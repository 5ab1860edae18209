"""The parse's progress: written at most once per PROGRESS_INTERVAL_SECONDS (plus the last
article), so that a long parse is not slowed by an UPDATE per article, and still moving."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import tasks
from articles.models import Bulletin
from articles.tasks import ProgressReporter, parse_bulletin
from articles.uploads import accept_upload

pytestmark = pytest.mark.django_db

ARTICLE = "第{n}号高新区签约新项目\n\n本报讯（记者 何静）6月2日，天津滨海高新区与华辰芯片签约，总投资{n}亿元建设芯片封装测试基地项目。\n\n"


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def progress_updates(context) -> list[str]:
    """The UPDATEs of `record_progress` (claim and finish set the progress too, among other fields)."""
    return [q["sql"] for q in context.captured_queries if 'SET "progress" =' in q["sql"]]


@pytest.fixture
def parsing(db):
    bulletin = accept_upload(b"x", original_name="p.txt", publication="测试", issue_date=None).bulletin
    Bulletin.objects.filter(pk=bulletin.pk).update(status=Bulletin.Status.PARSING)
    return bulletin


def test_progress_is_written_at_most_once_per_interval_and_for_the_last_article(parsing):
    clock = Clock()
    report = ProgressReporter(parsing.pk, interval=0.5, clock=clock)
    written = []
    with CaptureQueriesContext(connection) as context:
        for done in range(1, 101):  # 100 articles, 0.01 s each: 1 s in all
            report(done, 100)
            if len(progress_updates(context)) > len(written):
                written.append(Bulletin.objects.get(pk=parsing.pk).progress)
            clock.now += 0.01
    # the first article, one half a second later, and the last one (instead of 100 UPDATEs)
    assert len(progress_updates(context)) == 3
    assert written[0] == 10 and 10 < written[1] < 90 and written[-1] == 90
    assert written == sorted(written)


def test_every_article_is_reported_when_articles_are_slow(parsing, monkeypatch):
    """The test hook (a sleep per article) still makes every article visible, as the worker
    crash tests need: a slow article takes longer than the interval."""
    slept = []
    monkeypatch.setenv(tasks.SLOW_PARSE_ENV, "0.5")
    clock = Clock()

    def sleep(seconds):
        slept.append(seconds)
        clock.now += seconds

    monkeypatch.setattr(tasks.time, "sleep", sleep)
    report = ProgressReporter(parsing.pk, clock=clock)
    with CaptureQueriesContext(connection) as context:
        for done in range(1, 9):
            report(done, 8)
    assert slept == [0.5] * 8
    assert len(progress_updates(context)) == 8


def test_the_task_writes_a_handful_of_progress_updates_for_many_articles(monkeypatch):
    page = "".join(ARTICLE.format(n=n) for n in range(1, 61)).encode()
    bulletin = accept_upload(page, original_name="p.txt", publication="测试", issue_date=None).bulletin
    monkeypatch.setattr(tasks, "PROGRESS_INTERVAL_SECONDS", 3600)  # only the first and last
    with CaptureQueriesContext(connection) as context:
        assert parse_bulletin.apply(args=[bulletin.pk]).get().startswith("parsed: 60 articles")
    assert len(progress_updates(context)) == 2
    bulletin.refresh_from_db()
    assert (bulletin.status, bulletin.progress) == ("parsed", 100)
