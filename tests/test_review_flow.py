"""Editors review what the parser found: confirm, reject, edit, and recognise a project
reported again in a later issue as the same project with one more event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Bulletin
from projects.models import Project

pytestmark = pytest.mark.django_db

# Two issues we wrote: a signing in March, the same plant breaking ground in June.
MARCH = """南宁高新区签约新能源电池项目

本报讯（记者 黄磊）3月12日，南宁高新区与桂能新能源科技有限公司签约，总投资36亿元的桂能动力电池生产基地项目正式落户。
"""
JUNE = """南宁高新区桂能动力电池生产基地开工

本报讯（记者 黄磊）6月18日，总投资36亿元的桂能动力电池生产基地项目在南宁高新区开工建设。
"""


def upload(client, text: str, issue_date: str, capture) -> Bulletin:
    with capture(execute=True):
        response = client.post(
            reverse("bulletin-upload"),
            {
                "file": SimpleUploadedFile("issue.txt", text.encode()),
                "publication": "测试周报",
                "issue_date": issue_date,
            },
        )
    assert response.status_code == 302
    return Bulletin.objects.get(issue_date=issue_date)


def test_a_project_reported_twice_becomes_one_project_with_two_events(
    editor, django_capture_on_commit_callbacks
):
    march = upload(editor, MARCH, "2023-03-17", django_capture_on_commit_callbacks)
    signed = Project.objects.get(mentions__article__bulletin=march)
    assert signed.review_status == "candidate"
    page = editor.get(march.get_absolute_url()).content.decode()
    assert f'id="mention-{signed.mentions.get().pk}"' in page  # the quote is marked in the text
    editor.post(reverse("review-project", args=[signed.pk]), {"action": "confirm"})

    june = upload(editor, JUNE, "2023-06-23", django_capture_on_commit_callbacks)
    started = Project.objects.get(mentions__article__bulletin=june)
    page = editor.get(june.get_absolute_url()).content.decode()
    assert signed.name in page and 'value="merge"' in page  # the review page proposes the match

    response = editor.post(
        reverse("review-project", args=[started.pk]), {"action": "merge", "target": signed.pk}
    )
    assert response.status_code == 302

    signed.refresh_from_db()
    started.refresh_from_db()
    assert started.merged_into == signed
    assert sorted(e.stage for e in signed.events.all()) == ["signed", "started"]
    assert signed.stage == "started"
    assert signed.date == dt.date(2023, 3, 12)  # counted in the month it was signed
    assert signed.amount_yuan == Decimal("3600000000.00")
    assert signed.mentions.count() == 2
    listed = editor.get(reverse("project-list")).context["page"].object_list
    assert [p.pk for p in listed] == [signed.pk]  # one project, confirmed, the twin is gone


def test_only_confirmed_projects_are_listed_unless_candidates_are_asked_for(
    editor, django_capture_on_commit_callbacks
):
    upload(editor, MARCH, "2023-03-17", django_capture_on_commit_callbacks)
    assert editor.get(reverse("project-list")).context["page"].paginator.count == 0
    with_candidates = editor.get(reverse("project-list"), {"review_status": ["confirmed", "candidate"]})
    assert with_candidates.context["page"].paginator.count == 1


def test_rejecting_and_editing_are_recorded_in_history(editor, django_capture_on_commit_callbacks):
    march = upload(editor, MARCH, "2023-03-17", django_capture_on_commit_callbacks)
    project = Project.objects.get(mentions__article__bulletin=march)
    editor.post(reverse("review-project", args=[project.pk]), {"action": "reject"})
    project.refresh_from_db()
    assert project.review_status == "rejected"
    record = project.history.latest()
    assert record.history_user.username == "editor-user"
    assert record.history_change_reason == "review: rejected"


def test_review_redirects_only_to_our_own_pages(editor, django_capture_on_commit_callbacks):
    march = upload(editor, MARCH, "2023-03-17", django_capture_on_commit_callbacks)
    project = Project.objects.get(mentions__article__bulletin=march)
    response = editor.post(
        reverse("review-project", args=[project.pk]),
        {"action": "confirm", "next": "https://evil.example/steal"},
    )
    assert response["Location"] == project.get_absolute_url()


def test_merging_into_a_project_that_does_not_exist_says_so(editor, django_capture_on_commit_callbacks):
    march = upload(editor, MARCH, "2023-03-17", django_capture_on_commit_callbacks)
    project = Project.objects.get(mentions__article__bulletin=march)
    response = editor.post(
        reverse("review-project", args=[project.pk]), {"action": "merge", "target": "999999"}, follow=True
    )
    assert "找不到编号为“999999”的项目" in response.content.decode()
    project.refresh_from_db()
    assert project.merged_into is None


def test_an_editor_can_merge_a_candidate_into_any_project_by_its_number(
    editor, django_capture_on_commit_callbacks
):
    march = upload(editor, MARCH, "2023-03-17", django_capture_on_commit_callbacks)
    june = upload(editor, JUNE, "2023-06-23", django_capture_on_commit_callbacks)
    first = Project.objects.get(mentions__article__bulletin=march)
    second = Project.objects.get(mentions__article__bulletin=june)
    page = editor.get(june.get_absolute_url()).content.decode()
    assert 'name="pick"' in page  # the searchable picker is offered (by name, investor, zone or number)
    editor.post(reverse("review-project", args=[second.pk]), {"action": "merge", "target": str(first.pk)})
    second.refresh_from_db()
    assert second.merged_into_id == first.pk
