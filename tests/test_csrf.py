"""CSRF is enforced on every form: a POST without the token is refused (403) and changes
nothing; the same POST with the token the page rendered goes through.

The client here enforces CSRF checks (Django's test client skips them by default), and
the token is read from the very form the page renders, so a form that forgot
`{% csrf_token %}` fails too.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from articles.models import Bulletin
from projects.models import Project
from tests.factories import make_article, make_batch, make_bulletin, make_mention, make_project, make_zone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """What is tested is the flow, not PBKDF2's cost: hash passwords cheaply here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

PASSWORD = "csrf-test-pass-123"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
POST_FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)


def make_role_user(role: str, password: str | None = None):
    user = get_user_model().objects.create_user(
        f"{role}-csrf", password=password, is_staff=role != "analyst", is_superuser=role == "admin"
    )
    user.groups.set([Group.objects.get(name=f"{role}s")])
    return user


def csrf_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def token_from(client: Client, page_url: str) -> str:
    """The token of the first POST form the page renders."""
    response = client.get(page_url)
    assert response.status_code == 200, (page_url, response.status_code)
    html = response.content.decode()
    forms = POST_FORM.findall(html)
    assert forms, f"{page_url} renders no POST form"
    match = TOKEN.search(forms[0])
    assert match, f"the POST form of {page_url} carries no CSRF token"
    return match.group(1)


@pytest.fixture
def site():
    zone = make_zone("防伪高新区", slug="csrf-zone")
    project = make_project(zone=zone, review_status="candidate", name="防伪测试项目")
    batch = make_batch(zone=zone, review_status="candidate")
    bulletin = make_bulletin()
    article = make_article(bulletin)
    make_mention(project=project, article=article)
    make_mention(batch=batch, article=article, kind="batch")
    return {"zone": zone, "project": project, "batch": batch, "bulletin": bulletin}


def upload_data():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "file": SimpleUploadedFile("csrf.txt", "防伪高新区签约项目3个，总投资约12亿元。\n".encode()),
        "publication": "测试周报",
    }


# (name, role, page that renders the form, URL the form posts to, data, check(site) after success)
def cases(site):
    project, batch, bulletin = site["project"], site["batch"], site["bulletin"]
    detail = bulletin.get_absolute_url()
    queued_at = bulletin.queued_at
    return [
        (
            "upload",
            "editor",
            reverse("bulletin-upload"),
            reverse("bulletin-upload"),
            upload_data,
            lambda: Bulletin.objects.filter(original_name="csrf.txt").exists(),
        ),
        (
            "review-project",
            "editor",
            detail,
            reverse("review-project", args=[project.pk]),
            lambda: {"action": "confirm"},
            lambda: Project.objects.get(pk=project.pk).review_status == "confirmed",
        ),
        (
            "review-batch",
            "editor",
            detail,
            reverse("review-batch", args=[batch.pk]),
            lambda: {"action": "reject"},
            lambda: type(batch).objects.get(pk=batch.pk).review_status == "rejected",
        ),
        (
            "edit-project",
            "editor",
            reverse("edit-project", args=[project.pk]),
            reverse("edit-project", args=[project.pk]),
            lambda: {
                "name": "改过的名字",
                "stage": "signed",
                "amount": "10亿元",
                "date": "2022-06-28",
                "date_precision": "day",
            },
            lambda: Project.objects.get(pk=project.pk).name == "改过的名字",
        ),
        (
            "reparse",
            "editor",
            detail,
            reverse("bulletin-reparse", args=[bulletin.pk]),
            dict,
            lambda: Bulletin.objects.get(pk=bulletin.pk).queued_at != queued_at,
        ),
        (
            "admin-action",
            "admin",
            reverse("admin:projects_project_changelist"),
            reverse("admin:projects_project_changelist"),
            lambda: {"action": "reject_selected", "_selected_action": [project.pk]},
            lambda: Project.objects.get(pk=project.pk).review_status == "rejected",
        ),
    ]


CASE_NAMES = ["upload", "review-project", "review-batch", "edit-project", "reparse", "admin-action"]


@pytest.mark.parametrize("case", CASE_NAMES)
def test_a_form_post_without_the_token_is_refused_and_with_it_goes_through(
    case, site, django_capture_on_commit_callbacks
):
    name, role, page, action, data, done = next(c for c in cases(site) if c[0] == case)
    client = csrf_client(make_role_user(role))

    refused = client.post(action, data())
    assert refused.status_code == 403, name
    assert "<h1>表单已过期</h1>" in refused.content.decode()  # the CSRF failure page (config/errors.py)
    assert not done(), f"{name}: a POST without a token changed something"

    token = token_from(client, page)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(action, {**data(), "csrfmiddlewaretoken": token})
    assert accepted.status_code in (200, 302), (name, accepted.status_code)
    assert done(), f"{name}: the POST with its token did not go through"


def test_logout_needs_the_token():
    user = make_role_user("analyst")
    client = csrf_client(user)
    assert client.post(reverse("logout")).status_code == 403
    assert client.get(reverse("home")).status_code == 200  # still logged in
    token = token_from(client, reverse("home"))  # the first POST form of the top bar
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302  # logged out: sent to the login page


def test_set_language_needs_the_token():
    client = csrf_client(make_role_user("analyst"))
    refused = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert refused.status_code == 403
    assert "django_language" not in refused.cookies
    token = token_from(client, reverse("home"))
    done = client.post(reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert done.status_code == 302 and done.cookies["django_language"].value == "en"


@pytest.mark.parametrize("login_url", ["/accounts/login/", "/admin/login/"])
def test_login_needs_the_token(login_url):
    make_role_user("admin", password=PASSWORD)
    client = csrf_client()
    refused = client.post(login_url, {"username": "admin-csrf", "password": PASSWORD})
    assert refused.status_code == 403
    assert "_auth_user_id" not in client.session
    token = token_from(client, login_url)
    done = client.post(
        login_url, {"username": "admin-csrf", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert done.status_code == 302
    assert client.session["_auth_user_id"]


def test_admin_change_form_needs_the_token(site):
    client = csrf_client(make_role_user("admin"))
    zone = site["zone"]
    url = reverse("admin:zones_zone_change", args=[zone.pk])
    data = {
        "short_name": "改名高新区",
        "full_name": "",
        "slug": zone.slug,
        "kind": zone.kind,
        "level": zone.level,
        "province": zone.province,
        "city": zone.city,
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
    }
    assert client.post(url, data).status_code == 403
    zone.refresh_from_db()
    assert zone.short_name == "防伪高新区"
    token = token_from(client, url)
    response = client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    zone.refresh_from_db()
    assert zone.short_name == "改名高新区"


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_every_post_form_on_the_main_pages_carries_a_token(role, site):
    """Each page an editor or admin uses: every <form method="post"> holds a CSRF token."""
    client = csrf_client(make_role_user(role))
    pages = [
        "/",
        "/projects/",
        "/zones/",
        "/bulletins/",
        reverse("bulletin-upload"),
        site["bulletin"].get_absolute_url(),
        site["project"].get_absolute_url(),
        site["zone"].get_absolute_url(),
        reverse("edit-project", args=[site["project"].pk]),
    ]
    if role == "admin":
        pages += [
            "/admin/",
            "/admin/projects/project/",
            f"/admin/projects/project/{site['project'].pk}/change/",
        ]
    checked = 0
    for page in pages:
        html = client.get(page).content.decode()
        for form in POST_FORM.findall(html):
            assert TOKEN.search(form), f"a POST form on {page} has no CSRF token"
            checked += 1
    assert checked >= len(pages)
