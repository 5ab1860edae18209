"""Who gets what: every URL pattern of the project × every role × GET and POST.

The patterns are enumerated from the URL resolver, so a new URL (or a new model in the
admin) without an expectation here fails `test_every_url_pattern_has_an_expectation`.

Roles: `anonymous`; `public` (anonymous with ZIT_PUBLIC_READ_ONLY on); `analyst`, `editor`,
`admin` (created with `create_role_user`, as in production). Expected answers:

    LOGIN        302 to the site login page (/accounts/login/?next=…)
    ADMIN_LOGIN  302 to the admin login page (/admin/login/?next=…)
    REDIRECT     302 elsewhere (after an action, or admin's own redirects)
    200 400 403 404 405 …  that status

POSTs carry no form data (and the test client skips CSRF; tests/test_csrf.py covers
tokens), so they prove the door, not the action: a POST that gets past the permission check
answers with the form's errors (200/400), never with a change.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import make_article, make_batch, make_bulletin, make_event, make_mention, make_project

pytestmark = pytest.mark.django_db

LOGIN, ADMIN_LOGIN, REDIRECT = "LOGIN", "ADMIN_LOGIN", "REDIRECT"
ROLES = ("anonymous", "public", "analyst", "editor", "admin")
USERS = ("analyst", "editor", "admin")


# --------------------------------------------------------------------------- enumeration


def url_patterns() -> list[tuple[str, str | None]]:
    """(full route, namespaced name) of every URL pattern the project answers."""
    return [(route, name) for route, name, _callback in url_entries()]


def url_entries() -> list[tuple[str, str | None, object]]:
    found: list[tuple[str, str | None, object]] = []

    def walk(resolver, prefix: str, namespace: str | None) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern):
                name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
                found.append((prefix + str(entry.pattern), name, entry.callback))

    walk(get_resolver(), "", None)
    return found


def pattern_key(route: str, name: str | None) -> str:
    return name or route


# --------------------------------------------------------------------------- expectations


# (GET, POST) per role for the site's own pages.
def read(post=405, public=200):
    """A read-only page: login required, unless public read-only is on (GET only)."""
    logged_in = (200, post)
    return {
        "anonymous": (LOGIN, LOGIN),
        "public": (public, LOGIN),
        "analyst": logged_in,
        "editor": logged_in,
        "admin": logged_in,
    }


def editor_only(get, post):
    """Editors and admins; analysts are refused; anonymous visitors sent to log in."""
    return {
        "anonymous": (LOGIN, LOGIN),
        "public": (LOGIN, LOGIN),
        "analyst": (get if get == 405 else 403, 403 if post != 405 else 405),
        "editor": (get, post),
        "admin": (get, post),
    }


SITE = {
    # projects/
    "home": read(),
    "dashboard-results": read(),
    "totals-api": read(),
    "export": read(),
    # A big export's job and file: its owner (another analyst here) and staff only, never the
    # public; the job's file is not built yet, so the download is a 404 even for them.
    "export-job": {"anonymous": (LOGIN, LOGIN), "public": (LOGIN, LOGIN), "analyst": (404, 405),
                   "editor": (200, 405), "admin": (200, 405)},
    "export-download": {"anonymous": (LOGIN, LOGIN), "public": (LOGIN, LOGIN), "analyst": (404, 405),
                        "editor": (404, 405), "admin": (404, 405)},
    "project-list": read(),
    # the world's project and batch are candidates: the public sees confirmed records only
    "project-detail": read(public=404),
    "batch-detail": read(public=404),
    "search": read(),
    "follow-through": read(),
    "follow-through-api": read(),
    "follow-through-stalled-export": read(),
    "compare": read(),
    # A health check for load balancers and the load benchmark: "ok" to everyone, GET only.
    "healthz": {role: (200, 405) for role in ROLES},
    # zones/
    "zone-list": read(),
    "zone-detail": read(),
    # bulletins/
    "bulletin-list": read(),
    "bulletin-detail": read(),
    "bulletin-status": read(),
    "article-detail": read(),
    # The original file: editors and admins only, never to the public, GET only (analysts get a
    # 403 page that says why: tests/test_error_pages.py).
    "bulletin-file": editor_only(200, 405),
    "bulletin-upload": editor_only(200, 400),  # POST without a file: the form's errors
    # The upload form's date proposal: POST only; without a file, a 400 that says so.
    "bulletin-upload-peek": editor_only(405, 400),
    "bulletin-reparse": editor_only(405, REDIRECT),
    "review-project": editor_only(405, 400),  # POST without an action: "unknown action"
    "review-batch": editor_only(405, 400),
    "edit-project": editor_only(200, 200),  # POST without fields: the form again, with errors
    # The review page's in-place actions (articles/review_actions.py): without htmx the edit
    # sends the editor to the edit page; the picker only answers GETs.
    "review-act": editor_only(405, 400),  # POST without an action: "unknown action"
    "review-confirm-all": editor_only(405, 400),  # POST without its action: nothing confirmed
    "review-edit": editor_only(REDIRECT, REDIRECT),
    "review-pick": editor_only(200, 405),
    # accounts/
    "login": {role: (200, 200) for role in ROLES},
    "logout": {role: (405, REDIRECT) if role in USERS else (LOGIN, LOGIN) for role in ROLES},
    # POST only, for everyone: a visitor must be able to read the login page in English.
    "set_language": {role: (405, REDIRECT) for role in ROLES},
}

# The models in the admin and what each role holds on them: "none", "view" or "edit" (view,
# add, change; no delete) — admins are superusers and hold everything.
ADMIN_MODELS = {
    "auth.group": "none",
    "auth.user": "none",
    "axes.accessattempt": "none",
    "axes.accesslog": "none",
    "axes.accessfailurelog": "none",
    "zones.zone": "view",
    "zones.zonealias": "view",
    "articles.bulletin": "edit",
    "articles.article": "edit",
    "articles.mention": "edit",
    "projects.project": "edit",
    "projects.batch": "edit",
    "projects.projectevent": "edit",
    "projects.currencyrate": "view",
}
# Models whose admin refuses adding, and shows every field read-only, even to superusers
# (django-axes' records of login attempts).
ADMIN_READ_ONLY = {"axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}


def admin_page(editor, admin_, anonymous=(ADMIN_LOGIN, ADMIN_LOGIN), analyst=(ADMIN_LOGIN, ADMIN_LOGIN)):
    """Admin pages: staff only; anonymous visitors and analysts (not staff) go to the admin
    login. ZIT_PUBLIC_READ_ONLY never opens an admin page (checked on the view callbacks)."""
    return {"anonymous": anonymous, "analyst": analyst, "editor": editor, "admin": admin_}


ADMIN_SITE = {
    "admin:index": admin_page((200, 200), (200, 200)),
    # Already logged-in staff are sent on to the index; a POST without credentials is refused.
    "admin:login": admin_page((REDIRECT, 200), (REDIRECT, 200), anonymous=(200, 200), analyst=(200, 200)),
    # POST only; an analyst (not staff) is sent to the admin index, which sends them to log in.
    "admin:logout": admin_page((405, REDIRECT), (405, REDIRECT), analyst=(REDIRECT, REDIRECT)),
    "admin:password_change": admin_page((200, 200), (200, 200)),
    "admin:password_change_done": admin_page((200, 405), (200, 405)),
    "admin:autocomplete": admin_page((200, 405), (200, 405)),
    "admin:jsi18n": admin_page((200, 405), (200, 405)),
    "admin:view_on_site": admin_page((REDIRECT, REDIRECT), (REDIRECT, REDIRECT)),
    "admin:app_list": admin_page((200, 200), (200, 200)),
    "admin/(?P<url>.*)$": admin_page((404, 404), (404, 404)),
}


def admin_model_expectation(label: str, action: str) -> dict:
    """What each role gets on one admin page of one model."""
    access = ADMIN_MODELS[label]
    read_only = label in ADMIN_READ_ONLY

    def staff(level: str, superuser: bool):
        can_view = superuser or level in ("view", "edit")
        can_edit = (superuser or level == "edit") and not read_only
        can_delete = superuser
        if action == "changelist":
            return (200, 200) if can_view else (403, 403)
        if action == "add":
            return (200, 200) if can_edit else (403, 403)
        if action == "change":
            if read_only and superuser:  # every field is read-only: "save" changes nothing
                return (200, REDIRECT)
            if can_edit:
                return (200, 200)
            return (200, 403) if can_view else (403, 403)
        if action in ("history", "simple_history"):
            return (200, 200) if can_view else (403, 403)
        if action == "delete":
            return (200, 200) if can_delete else (403, 403)
        if action == "object":  # admin/<app>/<model>/<pk>/ → …/change/
            return (REDIRECT, REDIRECT)
        if action == "password_change":
            return (200, 200) if superuser else (403, 403)
        raise AssertionError(f"no expectation for admin action {action!r}")

    # Model pages are wrapped once more by ModelAdmin, and reach the site login first.
    return admin_page(
        staff(access, superuser=False),
        staff(access, superuser=True),
        anonymous=(LOGIN, LOGIN),
        analyst=(ADMIN_LOGIN, ADMIN_LOGIN),
    )


# --------------------------------------------------------------------------- the world


def make_role_user(role: str):
    """What `create_role_user` makes (tests/test_roles.py proves it), without re-syncing the
    groups each time: the matrix builds a world per URL pattern."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        f"{role}-user", password=None, is_staff=role != "analyst", is_superuser=role == "admin"
    )
    user.groups.set([Group.objects.get(name=f"{role}s")])
    return user


@pytest.fixture
def world(db):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from projects.models import CurrencyRate
    from zones.models import Zone, ZoneAlias

    users = {role: make_role_user(role) for role in USERS}
    zone = Zone.objects.create(short_name="矩阵高新区", slug="matrix-zone", province="测试省", city="测试市")
    project = make_project(zone=zone, review_status="candidate")
    batch = make_batch(zone=zone, review_status="candidate")
    bulletin = make_bulletin()
    article = make_article(bulletin)
    objects = {
        "auth.group": Group.objects.get(name="analysts"),
        "auth.user": users["analyst"],
        "axes.accessattempt": AccessAttempt.objects.create(
            username="x", ip_address="10.0.0.1", user_agent="ua", failures_since_start=1
        ),
        "axes.accesslog": AccessLog.objects.create(username="x", ip_address="10.0.0.1", user_agent="ua"),
        "axes.accessfailurelog": AccessFailureLog.objects.create(
            username="x", ip_address="10.0.0.1", user_agent="ua"
        ),
        "zones.zone": zone,
        "zones.zonealias": ZoneAlias.objects.create(zone=zone, name="矩阵区"),
        "articles.bulletin": bulletin,
        "articles.article": article,
        "articles.mention": make_mention(project=project, article=article),
        "projects.project": project,
        "projects.batch": batch,
        "projects.projectevent": make_event(project, "signed", dt.date(2022, 6, 1)),
        "projects.currencyrate": CurrencyRate.objects.get_or_create(
            currency="XTS", year=2022, defaults={"yuan_per_unit": Decimal("1.5")}
        )[0],
    }
    return {
        "users": users,
        "objects": objects,
        "zone": zone,
        "project": project,
        "batch": batch,
        "bulletin": bulletin,
        "article": article,
    }


SITE_ARGS = {
    "project-detail": lambda w: [w["project"].pk],
    "batch-detail": lambda w: [w["batch"].pk],
    "zone-detail": lambda w: [w["zone"].slug],
    "export": lambda w: ["projects", "csv"],
    "export-job": lambda w: [_export_job().pk],
    "export-download": lambda w: [_export_job().pk],
    "follow-through-stalled-export": lambda w: ["csv"],
    "bulletin-detail": lambda w: [w["bulletin"].pk],
    "bulletin-status": lambda w: [w["bulletin"].pk],
    "bulletin-file": lambda w: [w["bulletin"].pk],
    "bulletin-reparse": lambda w: [w["bulletin"].pk],
    "article-detail": lambda w: [w["article"].pk],
    "review-project": lambda w: [w["project"].pk],
    "review-batch": lambda w: [w["batch"].pk],
    "edit-project": lambda w: [w["project"].pk],
    "review-act": lambda w: [w["project"].mentions.first().pk],
    "review-edit": lambda w: [w["project"].mentions.first().pk],
    "review-pick": lambda w: [w["project"].mentions.first().pk],
    "review-confirm-all": lambda w: [w["article"].pk],
}

def _export_job():
    """A queued export job of a user who is none of the roles tried."""
    from django.contrib.auth import get_user_model

    from projects.models import ExportJob

    owner, _new = get_user_model().objects.get_or_create(username="matrix-export-owner")
    return ExportJob.objects.get_or_create(user=owner, kind="projects")[0]


_ADMIN_MODEL_NAME = re.compile(r"^admin:(?P<app>[a-z]+)_(?P<model>[a-z]+)_(?P<action>[a-z_]+)$")
_ADMIN_OBJECT_ROUTE = re.compile(r"^admin/(?P<app>[a-z]+)/(?P<model>[a-z]+)/<path:object_id>/$")


def resolve_case(route: str, name: str | None, world) -> tuple[str, dict]:
    """The URL to request for a pattern, and its expectation (KeyError: none written)."""
    key = pattern_key(route, name)
    if key in SITE:
        args = SITE_ARGS.get(key, lambda w: [])(world)
        return reverse(key, args=args), SITE[key]
    if key in ADMIN_SITE:
        if key == "admin:view_on_site":
            from django.contrib.contenttypes.models import ContentType

            project = world["project"]
            url = reverse(key, args=[ContentType.objects.get_for_model(project).pk, project.pk])
        elif key == "admin:app_list":
            url = reverse(key, kwargs={"app_label": "projects"})
        elif key == "admin:autocomplete":
            url = reverse(key) + "?app_label=projects&model_name=project&field_name=zone&term=矩阵"
        elif key == "admin/(?P<url>.*)$":
            url = "/admin/no-such-page/"
        else:
            url = reverse(key)
        return url, ADMIN_SITE[key]
    if name and (m := _ADMIN_MODEL_NAME.match(name)):
        app, model, action = m["app"], m["model"], m["action"]
        if app == "auth" and model == "user" and action == "password_change":
            label = "auth.user"
        else:
            label = f"{app}.{model}"
        if label not in ADMIN_MODELS:
            raise KeyError(key)
        obj = world["objects"][label]
        if action in ("changelist", "add"):
            url = reverse(name)
        elif action == "simple_history":
            record = obj.history.order_by("history_id").first()
            url = reverse(name, args=[obj.pk, record.history_id])
        else:
            url = reverse(name, args=[obj.pk])
        return url, admin_model_expectation(label, action)
    if m := _ADMIN_OBJECT_ROUTE.match(route):
        label = f"{m['app']}.{m['model']}"
        if label not in ADMIN_MODELS:
            raise KeyError(key)
        return f"/admin/{m['app']}/{m['model']}/{world['objects'][label].pk}/", admin_model_expectation(
            label, "object"
        )
    raise KeyError(key)


def client_for(role: str, world, settings) -> Client:
    settings.PUBLIC_READ_ONLY = role == "public"
    client = Client()
    if role in USERS:
        client.force_login(world["users"][role])
    return client


def outcome(response) -> str | int:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/accounts/login/?next="):
            return LOGIN
        if location.startswith("/admin/login/?next="):
            return ADMIN_LOGIN
        return REDIRECT
    return response.status_code


# --------------------------------------------------------------------------- the tests


def test_every_url_pattern_has_an_expectation(world):
    missing = []
    for route, name in url_patterns():
        try:
            resolve_case(route, name, world)
        except KeyError:
            missing.append(pattern_key(route, name))
    assert not missing, f"URL patterns without an expected answer per role: {missing}"
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert registered == set(ADMIN_MODELS), "admin models changed: update ADMIN_MODELS"
    assert all(set(SITE[key]) == set(ROLES) for key in SITE)


def test_public_read_only_can_open_no_admin_page():
    """The `public` role is requested on the site's pages only; no admin view is marked public."""
    admin_routes = [(route, name, cb) for route, name, cb in url_entries() if route.startswith("admin/")]
    assert len(admin_routes) > 50
    assert not [pattern_key(r, n) for r, n, cb in admin_routes if getattr(cb, "public_read_only", False)]


@pytest.mark.parametrize("pattern", url_patterns(), ids=lambda p: pattern_key(*p))
def test_each_role_gets_the_expected_answer(pattern, world, settings):
    route, name = pattern
    url, expected = resolve_case(route, name, world)
    wrong = []
    for role in expected:
        for method, want in zip(("GET", "POST"), expected[role], strict=True):
            client = client_for(role, world, settings)
            response = client.get(url) if method == "GET" else client.post(url)
            got = outcome(response)
            if got != want:
                wrong.append(f"{role:9} {method:4} {url}: expected {want}, got {got}")
    assert not wrong, "\n".join(wrong)


def test_analysts_and_anonymous_never_get_an_original_file(world, settings):
    """The download door in detail: no role below editor, and no public switch, opens it."""
    url = reverse("bulletin-file", args=[world["bulletin"].pk])
    for role in ("anonymous", "public", "analyst"):
        response = client_for(role, world, settings).get(url)
        assert response.status_code in (302, 403), role
        assert not response.has_header("Content-Disposition")
