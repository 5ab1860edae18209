"""A review action on a record that changed since the page was drawn is refused, and nothing
changes (issue 15, item 5): the page's forms carry the version of what they show; another
editor's action (or any save) moves it. With htmx the answer is 409 with the record as it is
now and the reason; without, a 409 page that leads back; a fresh page acts again."""

from __future__ import annotations

import json
import re
from html import unescape as html_unescape

import pytest
from django.urls import reverse

from projects.models import Project, ReviewStatus
from tests.browser_form import form_fields
from tests.factories import make_article, make_bulletin, make_mention, make_project
from tests.fault_tools import log_in

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
STALE = "在页面打开后已被修改"


@pytest.fixture
def editors(make_user, client, django_user_model):
    from django.test import Client

    return log_in(client, make_user("editor", "editor-a")), log_in(Client(), make_user("editor", "editor-b"))


@pytest.fixture
def quoted():
    """An article quoting two candidates."""
    article = make_article(make_bulletin())
    first, second = make_project(name="甲项目"), make_project(name="乙项目")
    return article, make_mention(first, article), make_mention(second, article)


def page_of(client, article) -> str:
    return client.get(article.bulletin.get_absolute_url()).content.decode()


def version(html: str, mention) -> str:
    """The version the record's forms carry on the page."""
    item = html[html.index(f'id="item-{mention.pk}"'):]
    return re.search(r'name="version" value="([^"]+)"', item[: item.index("</li>")]).group(1)


def act(client, mention, headers=HTMX, **form):
    return client.post(reverse("review-act", args=[mention.pk]), form, **headers)


def test_a_confirm_from_a_page_drawn_before_another_editors_reject_is_refused(editors, quoted):
    first_editor, second_editor = editors
    article, mention, _other = quoted
    drawn = version(page_of(first_editor, article), mention)
    assert act(second_editor, mention, action="reject", version=version(page_of(second_editor, article), mention)
               ).status_code == 200
    answer = act(first_editor, mention, action="confirm", version=drawn)
    assert answer.status_code == 409
    body = answer.content.decode()
    assert STALE in body and f'id="candidates-{article.pk}"' in body  # the list as it is now, with why
    assert "status-rejected" in body
    assert Project.objects.get(pk=mention.project_id).review_status == ReviewStatus.REJECTED  # nothing changed
    # Drawn again, the page acts.
    fresh = version(page_of(first_editor, article), mention)
    assert fresh != drawn
    assert act(first_editor, mention, action="confirm", version=fresh).status_code == 200
    assert Project.objects.get(pk=mention.project_id).review_status == ReviewStatus.CONFIRMED


def test_without_htmx_the_refusal_is_a_page_that_leads_back(editors, quoted):
    first_editor, second_editor = editors
    article, mention, _other = quoted
    drawn = version(page_of(first_editor, article), mention)
    act(second_editor, mention, action="confirm")
    answer = act(first_editor, mention, headers={}, action="reject", version=drawn)
    assert answer.status_code == 409
    body = answer.content.decode()
    assert STALE in body and f"{article.bulletin.get_absolute_url()}#item-{mention.pk}" in body
    assert Project.objects.get(pk=mention.project_id).review_status == ReviewStatus.CONFIRMED


def test_a_merge_from_a_stale_page_is_refused_and_moves_nothing(editors, quoted):
    first_editor, second_editor = editors
    article, mention, other = quoted
    drawn = version(page_of(first_editor, article), mention)
    edit = reverse("edit-project", args=[mention.project_id])
    data = form_fields(second_editor.get(edit).content.decode(), "project-edit")
    assert second_editor.post(edit, {**data, "investor": "丙公司"}).status_code == 302
    answer = act(first_editor, mention, action="merge", target=other.project_id, version=drawn)
    assert answer.status_code == 409 and STALE in answer.content.decode()
    project = Project.objects.get(pk=mention.project_id)
    assert project.merged_into_id is None and project.investor == "丙公司"
    assert project.mentions.filter(pk=mention.pk).exists()


def test_an_edit_over_a_project_changed_meanwhile_is_refused_and_shows_it_as_it_is(editors, quoted):
    first_editor, second_editor = editors
    _article, mention, _other = quoted
    edit = reverse("edit-project", args=[mention.project_id])
    drawn = form_fields(first_editor.get(edit).content.decode(), "project-edit")
    fresh = form_fields(second_editor.get(edit).content.decode(), "project-edit")
    assert second_editor.post(edit, {**fresh, "investor": "丙公司"}).status_code == 302
    answer = first_editor.post(edit, {**drawn, "jobs": "300"})
    assert answer.status_code == 409
    body = answer.content.decode()
    assert STALE in body and "丙公司" in body  # the form again, from the project as it is now
    project = Project.objects.get(pk=mention.project_id)
    assert (project.investor, project.jobs) == ("丙公司", None)


def test_the_inline_edit_from_a_stale_form_is_refused(editors, quoted):
    first_editor, second_editor = editors
    article, mention, _other = quoted
    form_url = reverse("review-edit", args=[mention.pk])
    drawn = form_fields(first_editor.get(form_url, **HTMX).content.decode().replace(
        "<form ", '<form id="inline" ', 1), "inline")
    act(second_editor, mention, action="confirm")
    answer = first_editor.post(form_url, {**drawn, "investor": "丁公司"}, **HTMX)
    assert answer.status_code == 409 and STALE in answer.content.decode()
    assert answer["HX-Retarget"] == f"#candidates-{article.pk}"
    assert Project.objects.get(pk=mention.project_id).investor == ""


def test_confirm_all_from_a_stale_page_confirms_nothing(editors, quoted):
    first_editor, second_editor = editors
    article, mention, other = quoted
    html = page_of(first_editor, article)
    drawn = re.search(r'confirm-all.*?name="version" value="([^"]+)"', html, re.S).group(1)
    act(second_editor, other, action="reject")
    url = reverse("review-confirm-all", args=[article.pk])
    answer = first_editor.post(url, {"action": "confirm-all", "version": drawn}, **HTMX)
    assert answer.status_code == 409 and STALE in answer.content.decode()
    assert Project.objects.get(pk=mention.project_id).review_status == ReviewStatus.CANDIDATE
    fresh = re.search(r'confirm-all.*?name="version" value="([^"]+)"', page_of(first_editor, article), re.S)
    assert first_editor.post(url, {"action": "confirm-all", "version": fresh.group(1)}, **HTMX).status_code == 200
    assert Project.objects.get(pk=mention.project_id).review_status == ReviewStatus.CONFIRMED
    assert Project.objects.get(pk=other.project_id).review_status == ReviewStatus.REJECTED


def test_htmx_swaps_the_409_in_and_keeps_its_other_answers(editors, quoted):
    """htmx 2 swaps no 4xx by default; the page's htmx config makes a 409 (the list as it is now,
    with the reason) swap like a 200, and leaves every other status as htmx's default has it —
    resolved here as htmx does (`resolveResponseHandling`: the first entry whose `code` matches)."""
    html = page_of(editors[0], quoted[0])
    config = json.loads(html_unescape(re.search(r'name="htmx-config" content=\'([^\']*)\'', html).group(1)))

    def handling(status: int) -> dict:
        return next(entry for entry in config["responseHandling"] if re.search(entry["code"], str(status)))

    assert handling(409)["swap"] and not handling(409).get("error")
    assert handling(200)["swap"] and handling(302)["swap"]
    assert not handling(204)["swap"]
    for status in (400, 403, 404, 500, 503):
        assert not handling(status)["swap"] and handling(status)["error"]
