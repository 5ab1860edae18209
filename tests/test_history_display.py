"""The project and batch pages say what each change was: `field: old → new`, who and when,
in the reader's language (issue 13, item 5); the admin's history says the same."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from projects.models import Project
from tests.browser_form import form_fields
from tests.factories import make_batch, make_event, make_project, make_zone

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    """The page's visible text, one space between words."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def history_text(client, url: str) -> str:
    page = client.get(url).content.decode()
    return text(page[page.index('id="history"'):])


def edit(client, project: Project, **changes):
    url = reverse("edit-project", args=[project.pk])
    data = form_fields(client.get(url).content.decode(), "project-edit")
    response = client.post(url, {**data, **changes})
    assert response.status_code == 302, response.content.decode()[:2000]


def test_an_edit_shows_each_changed_field_old_and_new_in_chinese(editor):
    zone = make_zone("甲市高新区")
    project = make_project(zone=zone, investor="甲公司", date=dt.date(2022, 5, 29), review_status="candidate")
    make_event(project, "signed", dt.date(2022, 5, 29))
    edit(editor, project, investor="乙公司", amount="120亿元", date="2022-06-01", date_precision="month",
         zone=make_zone("乙市高新区").pk)
    shown = history_text(editor, project.get_absolute_url())
    assert "editor-user" in shown and "编辑" in shown
    assert "投资方 : 甲公司 → 乙公司" in shown
    assert "金额（原币种） : 10亿元 → 120亿元" in shown
    assert "开发区 : 甲市高新区 → 乙市高新区" in shown
    assert "日期 : 2022-05-29 → 2022-06" in shown  # each date at the precision it had
    assert "日期精度 : 日 → 月" in shown
    assert "金额（元） : 10.00 亿元 → 120.00 亿元" in shown
    assert "12000000000" not in shown and "None" not in shown and "edited" not in shown


def test_a_review_decision_shows_as_a_status_change_in_english(editor):
    project = make_project(review_status="candidate")
    editor.post(reverse("review-project", args=[project.pk]), {"action": "confirm"})
    editor.cookies["django_language"] = "en"
    shown = history_text(editor, project.get_absolute_url())
    assert "Review: Confirmed" in shown
    assert "Review status : Candidate → Confirmed" in shown
    assert "review: confirmed" not in shown and "待审核" not in shown


def test_an_emptied_field_shows_a_dash_not_none(editor):
    project = make_project(investor="甲公司")
    edit(editor, project, investor="", amount="")
    shown = history_text(editor, project.get_absolute_url())
    assert "投资方 : 甲公司 → —" in shown and "金额（原币种） : 10亿元 → —" in shown
    assert "None" not in shown


def test_a_save_without_a_user_is_the_systems(client_as):
    project = make_project()
    project.investor = "丙公司"
    project.save()
    shown = history_text(client_as("analyst"), project.get_absolute_url())
    assert "系统" in shown and "投资方 : — → 丙公司" in shown


def test_the_batch_page_shows_its_changes(editor):
    batch = make_batch(zone=make_zone("丙市高新区"), review_status="candidate")
    editor.post(reverse("review-batch", args=[batch.pk]), {"action": "reject"})
    shown = history_text(editor, batch.get_absolute_url())
    assert "审核：已驳回" in shown and "审核状态 : 待审核 → 已驳回" in shown and "editor-user" in shown


def test_the_admin_history_uses_the_same_words(client_as, editor):
    project = make_project(investor="甲公司", amount_yuan=Decimal("1000000000"))
    edit(editor, project, investor="乙公司", amount="3.3亿美元")
    admin = client_as("admin")
    shown = text(admin.get(reverse("admin:projects_project_history", args=[project.pk])).content.decode())
    assert "投资方 : 甲公司 → 乙公司" in shown
    assert "金额（原币种） : 10亿元 → 3.3亿美元" in shown
    assert "编辑" in shown and "edited" not in shown
    assert "None" not in shown


def test_role_groups_are_named_in_the_readers_language(client_as):
    admin = client_as("admin")
    groups = text(admin.get(reverse("admin:auth_group_changelist")).content.decode())
    assert {"分析员", "编辑", "管理员"} <= set(groups.split())
    users = text(admin.get(reverse("admin:auth_user_changelist")).content.decode())
    assert "管理员" in users
    admin.cookies["django_language"] = "en"
    users = text(admin.get(reverse("admin:auth_user_changelist")).content.decode())
    assert "Administrator" in users
