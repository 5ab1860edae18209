"""Parsing a bulletin again after editors reviewed it: a fact is matched to the reviewed record by
where it was read (its quote in the article), not by the record's zone and name — which the
editor may have corrected. Through the editor's path: upload, the task, confirm and edit over
HTTP, "parse again" over HTTP, the task again."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from articles.models import Bulletin, Mention
from projects.models import Project
from tests.fault_tools import db_counts, generated_page, log_in, upload
from zones.models import Zone

pytestmark = pytest.mark.django_db

OLD_NAME = "高端数控机床产业园项目"
NEW_NAME = "湘江精工五轴机床基地"


@pytest.fixture
def editor(client, make_user):
    return log_in(client, make_user("editor"))


@pytest.fixture
def uploaded(editor, django_capture_on_commit_callbacks) -> Bulletin:
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(editor, generated_page(3, tag="审")).status_code == 302
    bulletin = Bulletin.objects.get()
    assert bulletin.status == "parsed", bulletin.error
    return bulletin


def first_signing(bulletin: Bulletin) -> Mention:
    """The quote of the first article's signing (长沙高新区, 高端数控机床产业园项目)."""
    return Mention.objects.select_related("project").get(
        article__bulletin=bulletin, article__position=0, project__name=OLD_NAME
    )


def confirm_and_correct(editor, mention: Mention, *, name: str, zone: Zone) -> None:
    response = editor.post(reverse("review-act", args=[mention.pk]), {"action": "confirm"})
    assert response.status_code == 302
    project = Project.objects.get(pk=mention.project_id)
    form = {
        "name": name, "zone": zone.pk, "investor": project.investor, "industry": project.industry,
        "stage": project.stage, "date": project.date.isoformat(), "date_precision": project.date_precision,
        "jobs": project.jobs or "", "amount": "20亿元",
    }
    response = editor.post(reverse("edit-project", args=[project.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert (project.name, project.zone_id, project.review_status) == (name, zone.pk, "confirmed")


def parse_again(editor, bulletin: Bulletin, capture) -> None:
    with capture(execute=True):
        assert editor.post(reverse("bulletin-reparse", args=[bulletin.pk])).status_code == 302
    bulletin.refresh_from_db()
    assert bulletin.status == "parsed", bulletin.error


def totals(client) -> dict:
    return json.loads(client.get(reverse("totals-api")).content)


@pytest.mark.parametrize("corrected", ["zone", "name", "zone and name"])
def test_parse_again_keeps_a_corrected_confirmed_project_and_makes_no_twin(
    editor, uploaded, corrected, django_capture_on_commit_callbacks
):
    mention = first_signing(uploaded)
    quote, project_id = mention.quote, mention.project_id
    other_zone = Zone.objects.get(short_name="西安高新区")
    new_zone = other_zone if "zone" in corrected else mention.project.zone
    new_name = NEW_NAME if "name" in corrected else OLD_NAME
    confirm_and_correct(editor, mention, name=new_name, zone=new_zone)
    counts, before = db_counts(), totals(editor)

    parse_again(editor, uploaded, django_capture_on_commit_callbacks)

    assert db_counts() == counts  # no twin candidate, no lost row
    project = Project.objects.get(pk=project_id)
    assert (project.name, project.zone_id, project.review_status) == (new_name, new_zone.pk, "confirmed")
    assert list(project.mentions.values_list("quote", flat=True)) == [quote]  # its quote, found again
    assert project.events.get().mentions.get().quote == quote
    twins = Project.objects.filter(name=OLD_NAME, zone__short_name="长沙高新区", review_status="candidate")
    assert not twins.exclude(mentions__article__position__gt=0).exists()
    assert totals(editor) == before


def test_a_slightly_changed_text_still_finds_the_reviewed_quote(editor, uploaded, django_capture_on_commit_callbacks):
    """The article's text changed (a new parser cleans it otherwise — here: the stored bytes gain a
    sentence before the quote): the quote moved, it is still the same quote, so the same record."""
    mention = first_signing(uploaded)
    quote, project_id = mention.quote, mention.project_id
    confirm_and_correct(editor, mention, name=NEW_NAME, zone=Zone.objects.get(short_name="西安高新区"))
    stored = uploaded.file
    data = bytes(stored.data).decode()
    stored.data = data.replace("本报讯（记者 林晓）5月1日", "本报讯（记者 林晓）天气晴好。5月1日", 1).encode()
    stored.save()
    counts = db_counts()

    parse_again(editor, uploaded, django_capture_on_commit_callbacks)

    assert db_counts() == counts
    project = Project.objects.get(pk=project_id)
    assert (project.name, project.zone.short_name, project.review_status) == (NEW_NAME, "西安高新区", "confirmed")
    moved = project.mentions.get()
    assert moved.quote == quote and moved.article.text[moved.start : moved.end] == quote
    assert moved.start > mention.start


def test_a_fact_gone_from_the_text_keeps_the_reviewed_record_as_the_editor_left_it(
    editor, uploaded, django_capture_on_commit_callbacks
):
    """The sentence is no longer in the text: the confirmed project stays, with the editor's
    values, and is not deleted; it has no quote in this issue any more (check_integrity says so)."""
    mention = first_signing(uploaded)
    quote, project_id = mention.quote, mention.project_id
    confirm_and_correct(editor, mention, name=NEW_NAME, zone=Zone.objects.get(short_name="西安高新区"))
    stored = uploaded.file
    stored.data = bytes(stored.data).decode().replace(quote, "", 1).encode()
    stored.save()
    counts = db_counts()

    parse_again(editor, uploaded, django_capture_on_commit_callbacks)

    project = Project.objects.get(pk=project_id)
    assert (project.name, project.zone.short_name, project.review_status) == (NEW_NAME, "西安高新区", "confirmed")
    assert project.events.count() == 1  # its event and date are the editor's, kept
    assert not project.mentions.exists()
    assert db_counts() == {**counts, "mentions": counts["mentions"] - 1}
    assert not Project.objects.filter(name=OLD_NAME, zone__short_name="长沙高新区").exists()
