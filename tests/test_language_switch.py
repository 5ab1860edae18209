"""The language switch works for visitors who are not logged in and keeps the page they were on.

It used to send them to the login page (login required everywhere), so "English" on the login
page looped back to the Chinese login form and, after logging in, to the login form again.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "switch-pass-123"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SWITCH_FORM = re.compile(r'<form action="/i18n/setlang/" method="post"[^>]*>(.*?)</form>', re.S)


def test_logged_out_visitor_switches_the_login_page_to_english_and_lands_where_they_were_going(make_user):
    make_user("analyst", password=PASSWORD)
    client = Client(enforce_csrf_checks=True)
    sent = client.get("/projects/")
    assert sent.status_code == 302 and sent["Location"] == "/accounts/login/?next=/projects/"
    html = client.get(sent["Location"]).content.decode()
    assert '<html lang="zh-hans">' in html and "用户名" in html
    form = SWITCH_FORM.search(html).group(1)
    assert 'name="next" type="hidden" value="/accounts/login/?next=/projects/"' in form
    assert 'value="en"' in form

    switched = client.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/accounts/login/?next=/projects/", "csrfmiddlewaretoken": TOKEN.search(form)[1]},
    )
    assert switched.status_code == 302
    assert switched["Location"] == "/accounts/login/?next=/projects/"  # the same page, not a login loop
    assert switched.cookies["django_language"].value == "en"

    english = client.get(switched["Location"]).content.decode()
    assert '<html lang="en">' in english and "User name" in english and "用户名" not in english
    logged_in = client.post(
        "/accounts/login/",
        {"username": "analyst-user", "password": PASSWORD, "next": "/projects/",
         "csrfmiddlewaretoken": TOKEN.search(english)[1]},
    )
    assert logged_in.status_code == 302 and logged_in["Location"] == "/projects/"
    projects = client.get("/projects/").content.decode()
    assert '<html lang="en">' in projects and "<h1>Projects</h1>" in projects


def test_the_switch_is_post_only_and_needs_its_token():
    client = Client(enforce_csrf_checks=True)
    assert client.get("/i18n/setlang/?language=en&next=/").status_code == 405
    refused = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert refused.status_code == 403
    assert "django_language" not in refused.cookies


def test_the_switch_never_sends_anyone_off_site():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
