"""Across two uploaded issues in Chromium (issue 12): an editor uploads an issue in which a zone
signs a project and confirms it; uploads a later issue reporting that the project broke ground,
and on the review page takes the first offer, "add as an event of #N"; the follow-through page
then counts the project as started within 6 months (0 → 1)."""

from __future__ import annotations

import json

import pytest

from projects.models import Project
from tests.browser.conftest import ARTIFACTS, PASSWORD, login
from tests.browser.steps import upload_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Two issues we wrote: a signing on 6 April, the ground broken on 28 August (under 5 months).
ISSUE_ONE = """芜湖高新区签约智能网联汽车电子项目

本报讯（记者 汪诚）4月6日，芜湖高新区与江淮智行汽车电子有限公司签约，总投资22亿元的智能网联汽车电子零部件生产基地项目落户芜湖高新区。
"""
ISSUE_TWO = """芜湖高新区汽车电子零部件生产基地开工

本报讯（记者 汪诚）8月28日，总投资22亿元的智能网联汽车电子零部件生产基地项目在芜湖高新区开工建设，预计明年建成投产。
"""
SETTLED = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


def follow_through(page) -> dict:
    """The follow-through page's figures as it draws them (its `follow-through-data` JSON), and
    the text of its "started within 6 months" figure as shown."""
    page.goto("/follow-through/")
    data = json.loads(page.locator("#follow-through-data").text_content())
    within_6 = page.locator("#follow-through-figures .figure",
                            has=page.locator('[data-field="total.started_within.6"]'))
    return {"data": data, "within_6": within_6.inner_text()}


def two_issues(context) -> dict:
    page = login(context, "editor-user")
    seen = {}
    upload_issue(page, ISSUE_ONE, "2023-04-07")
    with page.expect_response(lambda r: r.request.method == "POST" and "/review/" in r.url):
        page.locator("li.candidate.pending button[value=confirm]").first.click()
    page.wait_for_function(SETTLED)
    seen["before"] = follow_through(page)

    upload_issue(page, ISSUE_TWO, "2023-09-01")
    block = page.locator("li.candidate.pending").first
    first_form = block.locator("form").first
    seen["first_offer"] = first_form.inner_text()
    seen["first_offer_is_event"] = "event-offer" in (first_form.get_attribute("class") or "")
    with page.expect_response(lambda r: r.request.method == "POST" and "/review/" in r.url):
        first_form.locator("button[value=merge]").click()
    page.wait_for_function(SETTLED)
    page.screenshot(path=str(ARTIFACTS / "follow-through-review.png"), full_page=True)
    seen["after"] = follow_through(page)
    page.screenshot(path=str(ARTIFACTS / "follow-through-after.png"), full_page=True)
    return seen


def test_a_start_from_a_later_issue_added_as_an_event_moves_the_follow_through(browser, make_user):
    make_user("editor", password=PASSWORD)
    seen = browser(two_issues)

    signed = Project.objects.get(merged_into=None)
    assert seen["first_offer_is_event"] and f"#{signed.pk}" in seen["first_offer"], seen["first_offer"]
    assert signed.name in seen["first_offer"] and "芜湖高新区" in seen["first_offer"]
    assert sorted(signed.events.values_list("stage", flat=True)) == ["signed", "started"]

    before, after = seen["before"]["data"]["total"], seen["after"]["data"]["total"]
    assert before["signed"]["count"] == after["signed"]["count"] == 1
    assert before["signed"]["amount_yuan"] == "2200000000.00"
    assert (before["started_within"]["6"]["count"], after["started_within"]["6"]["count"]) == (0, 1)
    assert (before["started"]["count"], after["started"]["count"]) == (0, 1)
    assert after["started_share"] == 1.0 and before["started_share"] == 0.0
    assert "项目 0 个" in seen["before"]["within_6"] and "0.00" in seen["before"]["within_6"]
    assert "项目 1 个" in seen["after"]["within_6"] and "22.00" in seen["after"]["within_6"], seen["after"]
