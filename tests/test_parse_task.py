"""The parse task: claimed once, failures recorded in plain words with nothing half-written,
and "parse again" works after a failure."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.models import Article, Bulletin
from articles.tasks import claim, parse_bulletin
from articles.uploads import accept_upload
from projects.models import Project

pytestmark = pytest.mark.django_db

PAGE = "天津滨海高新区签约新项目\n\n本报讯（记者 何静）6月2日，天津滨海高新区与华辰芯片签约，总投资12亿元建设芯片封装测试基地项目。\n"


@pytest.fixture
def queued(db):
    return accept_upload(PAGE.encode(), original_name="p.txt", publication="测试", issue_date=None).bulletin


def test_only_one_delivery_claims_a_bulletin(queued):
    assert claim(queued.pk, "task-a") is True
    assert claim(queued.pk, "task-b") is False  # a duplicate message finds nothing to claim
    assert claim(queued.pk, "task-a") is True  # the same message redelivered after its worker died


def test_a_task_for_a_claimed_bulletin_does_nothing(queued):
    claim(queued.pk, "someone-else")
    assert parse_bulletin.apply(args=[queued.pk]).get() == "nothing to claim"
    assert Article.objects.count() == 0


def test_a_failed_write_marks_the_bulletin_failed_and_leaves_no_rows(queued, monkeypatch):
    import articles.ingest as ingest

    def explode(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ingest, "_store_project", explode)
    assert parse_bulletin.apply(args=[queued.pk]).get() == "failed"
    queued.refresh_from_db()
    assert queued.status == "failed"
    assert "database went away" in queued.error
    assert Article.objects.count() == 0 and Project.objects.count() == 0


def test_parse_again_after_a_failure(queued, monkeypatch, client_as, django_capture_on_commit_callbacks):
    import articles.ingest as ingest

    original = ingest._store_project
    monkeypatch.setattr(ingest, "_store_project", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("x")))
    parse_bulletin.apply(args=[queued.pk])
    monkeypatch.setattr(ingest, "_store_project", original)

    editor = client_as("editor")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(reverse("bulletin-reparse", args=[queued.pk]))
    assert response.status_code == 302
    queued.refresh_from_db()
    assert (queued.status, queued.error) == ("parsed", "")
    assert Project.objects.filter(zone__short_name="天津滨海高新区").count() == 1


def test_an_analyst_cannot_ask_for_a_parse_again(queued, client_as):
    response = client_as("analyst").post(reverse("bulletin-reparse", args=[queued.pk]))
    assert response.status_code == 403
    queued.refresh_from_db()
    assert queued.status == Bulletin.Status.QUEUED
