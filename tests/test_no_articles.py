"""A file that yields no article: the parse fails with the reason, said on the bulletin page and
the issue list, and `check_integrity` agrees (it used to show 已解析 with 0 articles, no word why,
and then fail the integrity check)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Bulletin
from projects.models import Project
from tests.fault_tools import generated_page, log_in, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, make_user):
    return log_in(client, make_user("editor"))


@pytest.mark.parametrize("words", ["第3版", "图片来源：新华社", "Hello, world. 12345"])
def test_a_file_without_articles_fails_with_the_reason_everywhere(editor, words, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(editor, words.encode(), name="not-a-page.txt").status_code == 302
    bulletin = Bulletin.objects.get()
    assert bulletin.status == "failed" and bulletin.articles.count() == 0
    assert "没有找到文章" in bulletin.error and "TXT" in bulletin.error

    page = editor.get(bulletin.get_absolute_url()).content.decode()
    assert "没有找到文章" in page
    listing = editor.get(reverse("bulletin-list")).content.decode()
    assert "没有找到文章" in listing and "status-failed" in listing

    out = io.StringIO()
    call_command("check_integrity", stdout=out)  # raises CommandError on a finding
    assert out.getvalue() == "check_integrity: no problems found\n"


def test_parse_again_finding_no_article_keeps_the_earlier_parse_and_its_reviewed_records(
    editor, django_capture_on_commit_callbacks
):
    """A re-parse that reads no article (say the stored text was lost) writes nothing: the
    articles and the confirmed project of the earlier parse stay, the failure says why."""
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(editor, generated_page(2, tag="空")).status_code == 302
    bulletin = Bulletin.objects.get()
    project = Project.objects.first()
    project.review_status = "confirmed"
    project.save()
    stored = bulletin.file
    stored.data = "第3版".encode()
    stored.save()

    with django_capture_on_commit_callbacks(execute=True):
        assert editor.post(reverse("bulletin-reparse", args=[bulletin.pk])).status_code == 302
    bulletin.refresh_from_db()
    assert bulletin.status == "failed" and "没有找到文章" in bulletin.error
    assert bulletin.articles.count() == 2 and project.mentions.count() == 1
