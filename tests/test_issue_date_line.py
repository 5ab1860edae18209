"""An issue uploaded without a date takes the date its page prints (issue 11: the upload form
proposes the issue date from the page's own date line; two undated uploads of one paper must
be told apart). Through the upload form, as an editor, with the parse run in-process."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Bulletin
from projects.models import Batch

pytestmark = pytest.mark.django_db

PAGE = (
    "高新区周报（测试版）　2023年3月10日　星期五\n\n"
    "合肥高新区一季度集中签约\n\n"
    "本报讯　3月8日，合肥高新区举行重大项目集中签约活动，现场签约项目12个，总投资约186亿元。\n"
)


def upload(client, text: str, name: str, issue_date: str = "") -> Bulletin:
    response = client.post(reverse("bulletin-upload"), {
        "file": SimpleUploadedFile(name, text.encode()), "publication": "高新区周报", "issue_number": "",
        "issue_date": issue_date,
    })
    assert response.status_code == 302, response.content.decode()[:500]
    return Bulletin.objects.get(original_name=name)


def test_an_undated_upload_takes_the_date_its_page_prints(client_as, django_capture_on_commit_callbacks):
    editor = client_as("editor")
    with django_capture_on_commit_callbacks(execute=True):
        first = upload(editor, PAGE, "week-10.txt")
        second = upload(editor, PAGE.replace("3月10日", "3月17日").replace("3月8日", "3月15日"), "week-11.txt")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.issue_date, second.issue_date) == (dt.date(2023, 3, 10), dt.date(2023, 3, 17))
    assert str(first) != str(second)  # the issue list and pages tell them apart
    # The date resolves the page's relative dates: "3月8日" is 2023-03-08.
    assert Batch.objects.get(mentions__article__bulletin=first).date == dt.date(2023, 3, 8)


def test_a_date_the_editor_gives_wins_over_the_page(client_as, django_capture_on_commit_callbacks):
    editor = client_as("editor")
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = upload(editor, PAGE, "given.txt", issue_date="2023-03-11")
    bulletin.refresh_from_db()
    assert bulletin.issue_date == dt.date(2023, 3, 11)
