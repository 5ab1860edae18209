"""The editor's edit form (`/bulletins/review/project/N/edit/`), read and posted back as a
browser does: a field left alone keeps its value, in both languages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Project
from tests.browser_form import form_fields, input_attrs
from tests.factories import make_article, make_event, make_mention, make_project
from zones.models import Zone

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]


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


def edit_page(client, project, **params) -> str:
    response = client.get(reverse("edit-project", args=[project.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def post_edit(client, project, **changes):
    """The form as the browser sends it back, with the editor's changes."""
    data = form_fields(edit_page(client, project), "project-edit")
    return client.post(reverse("edit-project", args=[project.pk]), {**data, **changes})


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_stored_amount_is_shown_as_editors_write_it(editor, language):
    project = make_project(amount=Decimal("12000000000.0000"), amount_yuan=Decimal("12000000000.00"),
                           amount_text="总投资120亿元")
    page = edit_page(speak(editor, language), project)
    assert input_attrs(page, "amount", "project-edit")["value"] == "120亿元"
    assert "12000000000" not in page


@pytest.mark.parametrize(
    ("typed", "amount", "currency", "approximate", "yuan", "shown"),
    [
        ("120亿元", "12000000000", "CNY", False, "12000000000.00", "120亿元"),
        ("3.3亿美元", "330000000", "USD", False, "2219613000.00", "3.3亿美元"),  # × 6.7261 (2022)
        ("6000万元", "60000000", "CNY", False, "60000000.00", "6000万元"),
        ("约 45 亿元", "4500000000", "CNY", True, "4500000000.00", "约45亿元"),
        ("120亿", "12000000000", "CNY", False, "12000000000.00", "120亿元"),
    ],
)
def test_an_amount_typed_in_yi_or_wan_is_stored_and_shown_back(
    editor, typed, amount, currency, approximate, yuan, shown
):
    project = make_project(date=dt.date(2022, 6, 28))
    response = post_edit(editor, project, amount=typed)
    assert response.status_code == 302, response.content.decode()[:3000]
    project.refresh_from_db()
    assert (project.amount, project.currency, project.approximate) == (Decimal(amount), currency, approximate)
    assert project.amount_yuan == Decimal(yuan)
    assert input_attrs(edit_page(editor, project), "amount", "project-edit")["value"] == shown


@pytest.mark.parametrize(("language", "message"), [("zh-hans", "不是一个金额"), ("en", "is not an amount")])
@pytest.mark.parametrize("typed", ["很多钱", "120", "投资120亿元以上的项目"])
def test_text_that_is_not_an_amount_is_refused_with_a_clear_error(editor, language, message, typed):
    project = make_project()
    speak(editor, language)
    response = post_edit(editor, project, amount=typed, investor="不该保存")
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert input_attrs(page, "amount", "project-edit")["value"] == typed  # kept to correct it
    project.refresh_from_db()
    assert project.investor != "不该保存" and project.amount == Decimal("1000000000")


def test_an_emptied_amount_means_not_disclosed(editor):
    project = make_project()
    assert post_edit(editor, project, amount="").status_code == 302
    project.refresh_from_db()
    assert (project.amount, project.amount_yuan, project.amount_text) == (None, None, "")


def test_an_untouched_amount_keeps_the_text_the_article_printed(editor):
    project = make_project(amount_text="总投资约10亿元")
    assert post_edit(editor, project, investor="丙公司").status_code == 302
    project.refresh_from_db()
    assert (project.amount_text, project.amount, project.investor) == ("总投资约10亿元", Decimal("1000000000"), "丙公司")


def test_a_long_name_is_shown_in_full(editor):
    name = "年产20万吨高性能锂电池正极材料及配套前驱体一体化生产基地暨新能源产业园二期扩建工程项目" * 2
    project = make_project(name=name)
    page = edit_page(editor, project)
    assert form_fields(page, "project-edit")["name"] == name
    assert f">\n{name}</textarea>" in page


def test_cancel_and_save_return_to_where_the_editor_came_from(editor):
    project = make_project()
    came_from = f"/bulletins/7/#mention-{project.pk}"
    page = edit_page(editor, project, next=came_from)
    assert f'href="{came_from}" class="cancel"' in page
    response = editor.post(reverse("edit-project", args=[project.pk]),
                           {**form_fields(page, "project-edit"), "investor": "丁公司"})
    assert response["Location"] == came_from


def test_cancel_never_leads_off_the_site(editor):
    project = make_project()
    page = edit_page(editor, project, next="https://evil.example/")
    assert f'href="{project.get_absolute_url()}" class="cancel"' in page
    assert form_fields(page, "project-edit")["next"] == project.get_absolute_url()
    referred = editor.get(reverse("edit-project", args=[project.pk]), HTTP_REFERER="http://testserver/projects/")
    assert 'href="http://testserver/projects/" class="cancel"' in referred.content.decode()


def test_the_review_page_edit_link_comes_back_to_the_candidate(editor):
    article = make_article()
    project = make_project()
    mention = make_mention(project, article)
    page = editor.get(article.bulletin.get_absolute_url()).content.decode()
    # The edit page (without JavaScript; with it, the form opens in place) returns to the
    # record's block on the issue page (#item-N; #mention-N is its quote in the text).
    # The page and filter it was on come back too (issue 15: the review page is paginated).
    back = "%3Fshow%3Dpending"
    link = (f"/bulletins/review/project/{project.pk}/edit/"
            f"?next=/bulletins/{article.bulletin.pk}/{back}%23item-{mention.pk}")
    assert link in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_month_filters_are_iso_text_boxes_with_an_example(client_as, language):
    page = speak(client_as("analyst"), language).get("/projects/", {"month_from": "2022-01"}).content.decode()
    month_from, month_to = input_attrs(page, "month_from", "filter-form"), input_attrs(page, "month_to", "filter-form")
    assert month_from["type"] == month_to["type"] == "text"
    assert month_from["value"] == "2022-01" and "value" not in month_to
    assert "2022-06" in month_to["placeholder"]
    assert '<label for="id_month_from">' in page


@pytest.mark.parametrize("typed", ["2022-6", "2022/06", "2022.6", "2022年6月", " 2022-06 "])
def test_a_month_typed_loosely_filters_as_that_month(client_as, typed):
    inside = make_project(date=dt.date(2022, 6, 28), review_status="confirmed")
    make_project(date=dt.date(2022, 7, 1), review_status="confirmed")
    response = client_as("analyst").get("/projects/", {"month_from": typed, "month_to": typed})
    assert [p.pk for p in response.context["page"].object_list] == [inside.pk]
    assert not response.context["filter"].errors
