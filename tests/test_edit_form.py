"""The editor's edit form (`/bulletins/review/project/N/edit/`), read and posted back as a
browser does: a field left alone keeps its value, in both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from projects.models import Project
from tests.browser_form import form_fields, input_attrs
from tests.factories import make_event, make_project
from zones.models import Zone

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]


@pytest.fixture
def editor(client_as):
    return client_as("editor")


def speak(client, language: str):
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize("language", LANGUAGES)
def test_changing_only_the_investor_keeps_the_date(editor, language):
    project = make_project(zone=Zone.objects.get(short_name="乐山高新区"), date=dt.date(2022, 5, 29), investor="甲公司",
                           review_status="confirmed")
    make_event(project, "signed", dt.date(2022, 5, 29))
    url = reverse("edit-project", args=[project.pk])
    page = speak(editor, language).get(url).content.decode()
    assert input_attrs(page, "date", "project-edit")["value"] == "2022-05-29"  # the wire format, always
    data = form_fields(page, "project-edit")
    data["investor"] = "乙公司"
    response = editor.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert (project.investor, project.date, project.date_precision) == ("乙公司", dt.date(2022, 5, 29), "day")
    assert Project.objects.filter(pk=project.pk, date__month=5).exists()
