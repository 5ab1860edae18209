"""`manage.py check_integrity` finds each kind of inconsistency, and says "no problems" (exit 0)
on data that a real upload and parse produced."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from articles.models import Article, Bulletin, Mention
from articles.uploads import accept_upload
from projects.models import CurrencyRate, Project
from tests import worker as worker_tools
from tests.factories import make_article, make_batch, make_bulletin, make_mention, make_project, make_zone
from tests.fault_tools import generated_page


def run_check() -> tuple[bool, str]:
    """(clean?, output) of the command as an admin runs it."""
    out = io.StringIO()
    try:
        call_command("check_integrity", stdout=out)
    except CommandError as exc:
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()


@pytest.fixture
def parsed(db, django_capture_on_commit_callbacks):
    """A bulletin of our own, uploaded and parsed through the real pipeline (eager task)."""
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = accept_upload(
            generated_page(3, tag="核"), original_name="i.txt", publication="测试", issue_date=dt.date(2023, 5, 19)
        ).bulletin
    bulletin.refresh_from_db()
    assert bulletin.status == "parsed" and Project.objects.count() == 6
    return bulletin


def test_data_from_a_real_parse_has_no_problems(parsed):
    assert run_check() == (True, "check_integrity: no problems found\n")


def test_a_parsed_bulletin_without_articles_is_reported(parsed):
    empty = make_bulletin(status=Bulletin.Status.PARSED)
    make_bulletin(status=Bulletin.Status.QUEUED)  # not parsed yet: nothing to report
    clean, out = run_check()
    assert not clean
    assert "[parsed-without-articles] 1 ×" in out and f"bulletin {empty.pk} " in out
    assert "1 problem(s) found" in out


def test_projects_and_batches_without_evidence_are_reported_but_merged_ones_are_not(parsed):
    zone = make_zone()
    bare = make_project(zone=zone, name="无出处项目")
    target = Project.objects.first()
    make_project(zone=zone, name="已合并项目", merged_into=target)  # its quotes moved to the target
    lonely_batch = make_batch(zone=zone)
    quoted_batch = make_batch(zone=zone)
    make_mention(batch=quoted_batch, kind=Mention.Kind.BATCH)
    clean, out = run_check()
    assert not clean
    assert "[project-without-evidence] 1 ×" in out and f"project {bare.pk} 无出处项目" in out
    assert "[batch-without-evidence] 1 ×" in out and f"batch {lonely_batch.pk} " in out
    assert "已合并项目" not in out


def test_a_mention_pointing_at_a_deleted_article_is_reported(parsed):
    mention = Mention.objects.select_related("article").first()
    article_id = mention.article_id
    with connection.cursor() as cursor:
        # Delete behind Django's back with the foreign-key checks deferred (never checked:
        # the test's transaction is rolled back), as a bad restore or a manual fix might.
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute("PRAGMA defer_foreign_keys = ON")
        cursor.execute("DELETE FROM articles_article WHERE id = %s", [article_id])
    assert not Article.objects.filter(pk=article_id).exists()
    try:
        clean, out = run_check()
    finally:  # leave the database consistent for the test's own teardown check
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM articles_mention WHERE article_id = %s", [article_id])
            cursor.execute("DELETE FROM articles_article_zones WHERE article_id = %s", [article_id])
    assert not clean
    assert "[dangling-reference]" in out
    assert "Mention.article points at Article rows that do not exist" in out
    assert f"Mention {mention.pk} → Article {article_id}" in out


def test_a_stored_yuan_amount_that_differs_from_a_recomputation_is_reported(parsed):
    zone = make_zone()
    wrong = make_project(zone=zone, name="金额不符项目", amount=Decimal("1000000000"), amount_yuan=Decimal("100000000"))
    usd = make_project(
        zone=zone, name="美元项目", amount=Decimal("100000000"), currency="USD",
        amount_yuan=Decimal("672610000.00"), amount_text="1亿美元", date=dt.date(2022, 6, 28),
    )
    for record in (wrong, usd):
        make_mention(record)
    clean, out = run_check()
    assert not clean
    assert "[amount-mismatch] 1 ×" in out and f"project {wrong.pk}: stored 100000000.00, recomputed 1000000000.00" in out
    assert "美元项目" not in out and f"project {usd.pk}:" not in out

    # An admin corrects the 2022 dollar rate after the conversion: the stored value is now stale.
    rate = CurrencyRate.objects.get(currency="USD", year=2022)
    rate.yuan_per_unit = Decimal("6.7300")
    rate.save()
    clean, out = run_check()
    assert "[amount-mismatch] 2 ×" in out and f"project {usd.pk}: stored 672610000.00, recomputed 673000000.00" in out


def test_a_parse_stuck_in_parsing_is_reported(parsed, settings):
    stuck = make_bulletin(
        status=Bulletin.Status.PARSING,
        started_at=timezone.now() - dt.timedelta(seconds=settings.STALE_PARSE_SECONDS + 60),
    )
    make_article(stuck)
    clean, out = run_check()
    assert not clean and "[stale-parse] 1 ×" in out and "requeue_stale" in out


@pytest.mark.django_db(transaction=True)
def test_the_command_exits_0_when_clean_and_1_when_not(django_capture_on_commit_callbacks):
    accept_upload(generated_page(2, tag="退"), original_name="e.txt", publication="测试")  # eager parse
    env = {**os.environ, "DATABASE_URL": worker_tools.test_database_url()}

    def run():
        return subprocess.run(
            [sys.executable, "manage.py", "check_integrity"], cwd=worker_tools.REPO_DIR, env=env,
            capture_output=True, text=True, timeout=60,
        )

    ok = run()
    assert (ok.returncode, ok.stdout.strip()) == (0, "check_integrity: no problems found"), ok.stderr
    make_bulletin(status=Bulletin.Status.PARSED)
    bad = run()
    assert bad.returncode == 1
    assert "[parsed-without-articles] 1 ×" in bad.stdout and "1 problem(s) found" in bad.stderr


def test_stored_totals_that_differ_from_a_recomputation_are_reported(parsed):
    from ops.integrity import _rollup_model

    cell = _rollup_model()
    if cell is None:
        pytest.skip("projects.TotalsCell (the stored rollup) has no table in this database yet")
    from projects.models import ReviewStatus
    from projects.services import set_review_status

    set_review_status(Project.objects.all()[:3], ReviewStatus.CONFIRMED)
    assert "stored-totals-mismatch" not in run_check()[1]  # the rollup follows every change
    tampered = cell.objects.exclude(amount=0).first()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {cell._meta.db_table} SET amount = amount + 1 WHERE id = %s", [tampered.pk])
    clean, out = run_check()
    assert not clean and "[stored-totals-mismatch] 1 ×" in out
