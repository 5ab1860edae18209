"""The frame every page shares, through HTTP: a title that says where the user is (distinct per
main page, in both languages), the site icon at /favicon.ico, the skip link, the navigation
that marks the current page, and the menu that collapses without JavaScript.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from tests.main_pages import build_main_pages

pytestmark = pytest.mark.django_db

SITE_NAME = {"zh-hans": "开发区投资追踪", "en": "Zone Investment Tracker"}
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def client_in(language: str, user=None) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


def title_of(html: str) -> str:
    return " ".join(unescape(TITLE.search(html).group(1)).split())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_main_page_has_its_own_title_naming_page_and_site(language, make_user):
    pages = build_main_pages()
    editor = make_user("editor")
    titles = {}
    for page in pages:
        client = client_in(language, editor if page.who == "editor" else None)
        response = client.get(page.url)
        assert response.status_code == 200, (page.key, response.status_code)
        title = title_of(response.content.decode())
        page_name, _, site = title.rpartition(" — ")
        assert site == SITE_NAME[language], (page.key, title)
        assert page_name and SITE_NAME[language] not in page_name, (page.key, title)
        titles[page.key] = title
    assert len(set(titles.values())) == len(titles), titles
    if language == "en":
        assert titles["project-list"] == "Projects — Zone Investment Tracker"
        assert titles["login"] == "Log in — Zone Investment Tracker"
        assert not [t for t in titles.values() if re.search(r"[\u4e00-\u9fff]", t.rpartition(" — ")[2])]
    else:
        assert titles["project-list"] == "项目 — 开发区投资追踪"


def test_favicon_answers_everyone_with_our_icon():
    response = Client().get("/favicon.ico")  # anonymous: browsers ask before anyone logs in
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert int.from_bytes(body[4:6], "little") == 2  # 16 and 32 px
    login = Client().get("/accounts/login/").content.decode()
    svg_href = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', login).group(1)
    assert svg_href.startswith("/static/") and "favicon" in svg_href


def test_skip_link_leads_to_main_and_navigation_marks_the_current_page(make_user):
    build_main_pages()
    client = client_in("en", make_user("analyst"))
    html = client.get("/projects/").content.decode()
    assert re.search(r'<body>\s*<a class="skip-link" href="#main">Skip to content</a>', html)
    assert '<main id="main" tabindex="-1">' in html
    nav = re.search(r'<nav aria-label="Main navigation">(.*?)</nav>', html, re.S).group(1)
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', nav)
    assert current == ["/projects/"]
    # The menu is a <details> (opens without JavaScript), closed as sent.
    assert re.search(r'<details class="menu">\s*<summary>Menu</summary>', html)
