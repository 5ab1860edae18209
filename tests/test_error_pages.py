"""Error pages with DEBUG off, as a user meets them: styled, in the user's language, with the
navigation (or, for a 500, at least the site's header) and a way back.

The 500 page is rendered while the session store is failing, the case in which a page that
needed the request's user would itself fail and leave a bare "Server Error (500)".
"""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from tests.factories import make_bulletin

pytestmark = pytest.mark.django_db

SITE = {"zh-hans": "开发区投资追踪", "en": "Zone Investment Tracker"}
HEADINGS = {
    404: {"zh-hans": "找不到页面", "en": "Page not found"},
    403: {"zh-hans": "无权访问", "en": "Access denied"},
    400: {"zh-hans": "请求无效", "en": "Bad request"},
    500: {"zh-hans": "服务器出错", "en": "Server error"},
}


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def client_in(language: str, user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


def assert_error_page(response, status: int, language: str, *, navigation: bool = True) -> str:
    assert response.status_code == status
    html = response.content.decode()
    heading = HEADINGS[status][language]
    assert f'<html lang="{language}">' in html
    assert f"<title>{heading} — {SITE[language]}</title>" in html
    assert re.search(rf"<h1>{heading}</h1>", html)
    assert f'<p class="error-code">{status}</p>' in html
    assert re.search(r'<link rel="stylesheet" href="/static/css/app[.\w]*\.css">', html)
    assert '<a class="brand" href="/">' in html
    assert '<ul class="ways-back">' in html and 'href="/"' in html  # a way back
    if navigation:
        assert '<nav aria-label="' in html and 'href="/projects/"' in html
    other = "en" if language == "zh-hans" else "zh-hans"
    assert HEADINGS[status][other] not in html
    return html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_unknown_address_gets_the_404_page(language, make_user):
    assert_error_page(client_in(language, make_user("analyst")).get("/no-such-page/"), 404, language)
    assert_error_page(client_in(language, make_user("analyst", "a2")).get("/projects/999999/"), 404, language)
    # Anonymous visitors too (an unknown address is not a login question), with a login link.
    html = assert_error_page(client_in(language).get("/no-such-page/"), 404, language)
    assert 'href="/accounts/login/"' in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_analyst_asking_for_an_original_file_is_told_who_may_and_why(language, make_user):
    bulletin = make_bulletin()
    analyst = client_in(language, make_user("analyst"))
    html = assert_error_page(analyst.get(reverse("bulletin-file", args=[bulletin.pk])), 403, language)
    why = {
        "zh-hans": "原文件只有编辑和管理员可以下载",
        "en": "Only editors and admins may download original files",
    }[language]
    assert why in html
    # The bulletin page says the same before anyone tries, and offers no download link.
    page = analyst.get(bulletin.get_absolute_url()).content.decode()
    assert why.split("可以下载")[0].split(" may")[0] in page
    assert reverse("bulletin-file", args=[bulletin.pk]) not in page
    editor = client_in(language, make_user("editor"))
    assert editor.get(reverse("bulletin-file", args=[bulletin.pk])).status_code == 200
    assert reverse("bulletin-file", args=[bulletin.pk]) in editor.get(bulletin.get_absolute_url()).content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_analyst_on_an_editor_page_gets_the_403_page(language, make_user):
    html = assert_error_page(client_in(language, make_user("analyst")).get("/bulletins/upload/"), 403, language)
    assert {"zh-hans": "联系管理员", "en": "ask an admin"}[language] in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_request_for_an_unknown_host_gets_the_400_page(language):
    assert_error_page(client_in(language).get("/", HTTP_HOST="evil.example"), 400, language)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_500_page_renders_when_the_session_store_is_down(language, make_user):
    client = client_in(language, make_user("analyst"), raise_request_exception=False)
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load", side_effect=DatabaseError("database down")
    ):
        response = client.get("/projects/")
    html = assert_error_page(response, 500, language, navigation=False)
    assert "database down" not in html  # no internals


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_expired_form_gets_a_page_that_says_so(language):
    client = client_in(language, enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    heading = {"zh-hans": "表单已过期", "en": "This form has expired"}[language]
    assert f"<h1>{heading}</h1>" in html and f'<html lang="{language}">' in html
    assert '<a class="brand" href="/">' in html
