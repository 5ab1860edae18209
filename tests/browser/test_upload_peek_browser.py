"""In Chromium: choosing a file on the upload form fills the empty issue date with the date the
page prints, says so, never overwrites a date the editor typed, and the proposed date is the
one the upload stores (issue 11)."""

from __future__ import annotations

import datetime as dt

import pytest

from articles.models import Bulletin
from tests.browser.conftest import PASSWORD, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGE = (
    "高新区周报（测试版）　2023年3月10日　星期五\n\n"
    "合肥高新区一季度集中签约\n\n"
    "本报讯　3月8日，合肥高新区举行重大项目集中签约活动，现场签约项目12个，总投资约186亿元。\n"
)
UNDATED = "合肥高新区一季度集中签约\n\n本报讯　合肥高新区举行重大项目集中签约活动，总投资约186亿元。\n"


def text_file(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "text/plain", "buffer": text.encode()}


def test_choosing_a_file_proposes_its_printed_date(browser, make_user):
    make_user("editor", password=PASSWORD)

    def choose_and_upload(context):
        from playwright.sync_api import expect

        page = login(context, "editor-user")
        page.goto("/bulletins/upload/")
        date = page.locator("input[name=issue_date]")
        hint = page.locator("#issue-date-hint")
        seen = {}
        # A page without a date line: nothing proposed, the editor is asked to fill it in.
        page.set_input_files("input[name=file]", text_file("undated.txt", UNDATED))
        expect(hint).to_contain_text("没有找到")  # polled through the locator: the CSP allows no eval
        seen["undated"] = (date.input_value(), hint.inner_text())
        # The editor's own date stays whatever file is chosen.
        date.fill("2023-03-11")
        page.set_input_files("input[name=file]", text_file("week-10.txt", PAGE))
        page.wait_for_timeout(500)
        seen["typed"] = date.input_value()
        # Emptied, the next choice proposes the page's date; then it is uploaded as proposed.
        date.fill("")
        page.set_input_files("input[name=file]", text_file("week-10.txt", PAGE))
        expect(date).not_to_have_value("")
        seen["proposed"] = (date.input_value(), hint.inner_text())
        page.click("main form button[type=submit]")
        page.wait_for_url("**/bulletins/*/")
        return seen

    seen = browser(choose_and_upload)

    assert seen["undated"] == ("", "版面上没有找到日期行，请手动填写出版日期。")
    assert seen["typed"] == "2023-03-11"
    assert seen["proposed"] == ("2023-03-10", "按版面上的日期行填入出版日期 2023-03-10，可以修改。")
    assert Bulletin.objects.get(original_name="week-10.txt").issue_date == dt.date(2023, 3, 10)
