"""Production settings: `check --deploy` is clean with the documented environment, the dev key
is refused, cookies are secure behind HTTPS, and every page carries a strict CSP that the
pages (the Django admin included) actually comply with."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from tests.factories import make_article, make_bulletin, make_mention, make_project, make_zone

REPO = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "tracker.example.org",
    "ZIT_HTTPS": "1",
}
SETTINGS_DUMP = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({k: getattr(s, k) for k in (
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_HTTPONLY",
    "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF", "ALLOWED_HOSTS")}))
"""


def run(args: list[str], env_overrides: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "ZIT_HTTPS")
    }
    env.update({"ZIT_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings", **env_overrides})
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_reports_nothing_with_the_production_environment(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNINGS" not in output and "ERRORS" not in output


def test_check_deploy_refuses_the_development_key(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run(["manage.py", "check", "--deploy"], env, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "accounts.E001" in output  # our error: the dev default key
    assert "security.W009" in output  # Django's: an insecure-looking key


def test_production_settings_are_secure(tmp_path):
    result = run(["-c", SETTINGS_DUMP], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stderr
    s = json.loads(result.stdout.strip().splitlines()[-1])
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] is True and s["CSRF_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 31536000 and s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["X_FRAME_OPTIONS"] == "DENY" and s["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert s["ALLOWED_HOSTS"] == ["tracker.example.org"]


def test_a_laptop_without_https_keeps_plain_cookies(tmp_path):
    """Without ZIT_HTTPS (scripts/run on http://127.0.0.1) secure cookies would break login."""
    result = run(["-c", SETTINGS_DUMP], {}, tmp_path)
    s = json.loads(result.stdout.strip().splitlines()[-1])
    assert (s["SESSION_COOKIE_SECURE"], s["CSRF_COOKIE_SECURE"], s["SECURE_SSL_REDIRECT"]) == (
        False,
        False,
        False,
    )
    assert s["DEBUG"] is False  # off unless asked


# --------------------------------------------------------------------------- in-process, HTTPS on


@pytest.fixture
def https_settings(settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


@pytest.mark.django_db
def test_behind_https_http_is_redirected_and_cookies_are_secure(https_settings):
    get_user_model().objects.create_user("sec", password="pw-123-secure")
    client = Client()
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")

    proxied = {"HTTP_X_FORWARDED_PROTO": "https"}
    page = client.get("/accounts/login/", **proxied)
    assert page.status_code == 200
    assert page["Strict-Transport-Security"].startswith("max-age=31536000")
    assert page.cookies["csrftoken"]["secure"]
    login = client.post("/accounts/login/", {"username": "sec", "password": "pw-123-secure"}, **proxied)
    assert login.status_code == 302
    session = login.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


# --------------------------------------------------------------------------- CSP

CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}


def parse_csp(header: str) -> dict[str, str]:
    return {part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()}


@pytest.fixture
def pages(db):
    zone = make_zone("策略高新区", slug="csp-zone")
    project = make_project(zone=zone, review_status="candidate")
    bulletin = make_bulletin()
    article = make_article(bulletin)
    make_mention(project=project, article=article)
    user = get_user_model().objects.create_user("csp-admin", is_staff=True, is_superuser=True)
    user.groups.set([Group.objects.get(name="admins")])
    client = Client()
    client.force_login(user)
    site_pages = [
        "/",
        "/projects/",
        "/zones/",
        zone.get_absolute_url(),
        project.get_absolute_url(),
        "/bulletins/",
        bulletin.get_absolute_url(),
        article.get_absolute_url(),
        reverse("bulletin-upload"),
        reverse("edit-project", args=[project.pk]),
    ]
    admin_pages = [
        "/admin/",
        "/admin/projects/project/",
        f"/admin/projects/project/{project.pk}/change/",
        "/admin/zones/zone/add/",  # prepopulated slug field: the admin's data-attribute script
        f"/admin/zones/zone/{zone.pk}/history/",
        "/admin/articles/article/",
        "/admin/auth/user/",
        f"/admin/articles/article/{article.pk}/change/",
    ]
    return client, site_pages, admin_pages


def test_every_page_has_the_strict_csp_header(pages):
    client, site_pages, admin_pages = pages
    for url in [*site_pages, *admin_pages, "/accounts/login/", "/api/totals/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = parse_csp(response["Content-Security-Policy"])
        for directive, value in CSP_DIRECTIVES.items():
            assert policy.get(directive) == value, (url, directive, policy.get(directive))
        assert "unsafe-inline" not in response["Content-Security-Policy"], url
        assert "unsafe-eval" not in response["Content-Security-Policy"], url
    anonymous = Client().get("/accounts/login/")
    assert parse_csp(anonymous["Content-Security-Policy"])["script-src"] == "'self'"


SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def test_pages_do_not_need_what_the_csp_forbids(pages):
    """No inline script bodies, event handlers, javascript: URLs or <style> blocks — on our pages
    and on the admin pages — so the strict policy breaks nothing (the admin needs no relaxed
    policy). json_script blocks are data (type application/json), which browsers never run."""
    client, site_pages, admin_pages = pages
    for url in [*site_pages, *admin_pages]:
        html = client.get(url).content.decode()
        for attrs, body in SCRIPT.findall(html):
            if "application/json" in attrs:
                continue
            assert "src=" in attrs and not body.strip(), f"inline script on {url}: {body[:80]!r}"
        tags = re.findall(r"<[a-z][^>]*>", html, re.I)
        assert not [t for t in tags if INLINE_HANDLER.search(t)], f"inline event handler on {url}"
        assert "javascript:" not in html.lower(), url
        assert "<style" not in html.lower(), url
        if url in site_pages:  # our templates; the admin's few style="" attributes are cosmetic
            assert not [t for t in tags if re.search(r"\sstyle\s*=", t, re.I)], f"style attribute on {url}"


@pytest.mark.django_db
def test_the_admin_login_page_has_the_csp_too():
    response = Client().get("/admin/login/")
    assert parse_csp(response["Content-Security-Policy"])["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
