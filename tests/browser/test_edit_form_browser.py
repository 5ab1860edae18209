"""An editor edits a project in Chromium, in each language: what is left alone is kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from projects.models import Project
from tests.browser.conftest import ARTIFACTS, login
from tests.factories import make_article, make_event, make_mention, make_project
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


def test_an_editor_types_an_amount_in_yi_and_comes_back_to_the_review(browser, make_user):
    make_user("editor", username="editor-browser", password="browser-pass-123")
    name = "年产20万吨高性能锂电池正极材料及配套前驱体一体化生产基地暨新能源产业园二期扩建工程项目"
    article = make_article()
    project = make_project(name=name, date=dt.date(2022, 5, 29), amount_text="总投资10亿元")
    mention = make_mention(project, article)
    review_url = article.bulletin.get_absolute_url()

    def edit(context):
        page = login(context, "editor-browser")
        page.goto(review_url)
        # The edit link's own page (with JavaScript the review page opens a form in place; the
        # link is what a reader without it, or opening it in a new tab, follows).
        page.goto(page.get_attribute(f"#item-{mention.pk} a[data-key=e]", "href"))
        page.wait_for_selector("#project-edit")
        shown = page.input_value("#project-edit [name=amount]")
        name_box = page.evaluate("""() => { const el = document.querySelector('#project-edit [name=name]');
            return {scroll: el.scrollWidth, client: el.clientWidth, value: el.value}; }""")
        page.fill("#project-edit [name=amount]", "很多钱")
        page.click("#project-edit button[type=submit]")
        error = page.inner_text("#project-edit .has-error .error")
        page.fill("#project-edit [name=amount]", "3.3亿美元")
        page.screenshot(path=str(ARTIFACTS / "project-edit-amount.png"), full_page=True)
        with page.expect_navigation():
            page.click("#project-edit button[type=submit]")
        after_save = page.url
        page.goto(f"/bulletins/review/project/{project.pk}/edit/?next={review_url}")
        again = page.input_value("#project-edit [name=amount]")
        with page.expect_navigation():
            page.click("#project-edit a.cancel")
        return shown, name_box, error, after_save, again, page.url

    shown, name_box, error, after_save, again, after_cancel = browser(edit)
    assert shown == "10亿元"
    assert name_box["value"] == name and name_box["scroll"] <= name_box["client"]  # wrapped, not cut off
    assert "不是一个金额" in error
    assert after_save.endswith(f"{review_url}?show=pending#item-{mention.pk}")  # the view it came from
    assert again == "3.3亿美元"
    assert after_cancel.endswith(review_url)
    project.refresh_from_db()
    assert (project.amount, project.currency) == (Decimal("330000000"), "USD")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_month_filters_show_iso_months(browser, analyst, live_server, language):
    def look(context):
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page = login(context)
        page.goto("/projects/?month_from=2022-01")
        shown = (page.input_value("#id_month_from"), page.get_attribute("#id_month_to", "placeholder"))
        widths = page.evaluate("""() => ['id_month_from', 'id_month_to'].map(id => {
            const el = document.getElementById(id); return el.scrollWidth <= el.clientWidth; })""")
        page.fill("#id_month_to", "2022-6")
        page.locator("#id_month_to").screenshot(path=str(ARTIFACTS / f"month-filter-{language}.png"))
        with page.expect_navigation():
            page.click("#filter-form button[type=submit]")
        return shown, widths, page.input_value("#id_month_to"), page.locator("#filter-form .error").count()

    shown, widths, typed, errors = browser(look)
    assert shown[0] == "2022-01" and "2022-06" in shown[1]
    assert widths == [True, True]
    assert typed == "2022-6" and errors == 0


@pytest.mark.parametrize(("language", "investor", "amount"), [
    ("zh-hans", "投资方: 甲公司 → 乙公司", "金额（原币种）: 10亿元 → 120亿元"),
    ("en", "Investor: 甲公司 → 乙公司", "Amount (own currency): 10亿元 → 120亿元"),
])
def test_the_project_page_shows_what_the_edit_changed(browser, make_user, live_server, language, investor, amount):
    make_user("editor", username="editor-browser", password="browser-pass-123")
    project = make_project(investor="甲公司", date=dt.date(2022, 5, 29), review_status="confirmed")

    def edit(context):
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page = login(context, "editor-browser")
        page.goto(f"/bulletins/review/project/{project.pk}/edit/")
        page.fill("#project-edit [name=investor]", "乙公司")
        page.fill("#project-edit [name=amount]", "120亿元")
        with page.expect_navigation():
            page.click("#project-edit button[type=submit]")
        page.locator("#history").screenshot(path=str(ARTIFACTS / f"project-history-{language}.png"))
        return page.locator("#history ul.changes li").all_inner_texts(), page.inner_text("#history tbody tr")

    changes, first_row = browser(edit)
    assert investor in changes and amount in changes
    assert "editor-browser" in first_row
