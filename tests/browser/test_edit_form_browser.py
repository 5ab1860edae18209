"""An editor edits a project in Chromium, in each language: what is left alone is kept."""

from __future__ import annotations

import datetime as dt

import pytest

from projects.models import Project
from tests.browser.conftest import ARTIFACTS, login
from tests.factories import make_event, make_project
from zones.models import Zone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_changing_only_the_investor_in_the_browser_keeps_the_date(browser, make_user, live_server, language):
    make_user("editor", username="editor-browser", password="browser-pass-123")
    project = make_project(zone=Zone.objects.get(short_name="乐山高新区"), date=dt.date(2022, 5, 29),
                           investor="甲公司", review_status="confirmed")
    make_event(project, "signed", dt.date(2022, 5, 29))

    def edit(context):
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page = login(context, "editor-browser")
        page.goto(f"/bulletins/review/project/{project.pk}/edit/")
        assert page.input_value("#project-edit input[name=date]") == "2022-05-29"
        page.fill("#project-edit [name=investor]", "乙公司")
        page.screenshot(path=str(ARTIFACTS / f"project-edit-{language}.png"), full_page=True)
        with page.expect_navigation():
            page.click("#project-edit button[type=submit]")
        return page.url

    url = browser(edit)
    project.refresh_from_db()
    assert url.endswith(project.get_absolute_url())
    assert (project.investor, project.date, project.date_precision) == ("乙公司", dt.date(2022, 5, 29), "day")
    assert Project.objects.filter(date__year=2022, date__month=5, pk=project.pk).exists()
