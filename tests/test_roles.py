"""Who may do what: the role groups, the command that creates users, and every door they meet."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import make_bulletin, make_project, make_zone

pytestmark = pytest.mark.django_db

ROLES = ("analyst", "editor", "admin")


@pytest.fixture
def site():
    """One of each thing a page can show, so detail URLs exist."""
    zone = make_zone("测试高新区", slug="test-zone")
    project = make_project(zone=zone, review_status="confirmed")
    bulletin = make_bulletin()
    return {"zone": zone, "project": project, "bulletin": bulletin}


def read_urls(site) -> list[str]:
    return [
        "/", "/projects/", "/zones/", "/bulletins/",
        site["project"].get_absolute_url(), site["zone"].get_absolute_url(),
        site["bulletin"].get_absolute_url(),
    ]


def write_posts(site) -> list[tuple[str, dict]]:
    project, bulletin = site["project"], site["bulletin"]
    return [
        (reverse("review-project", args=[project.pk]), {"action": "confirm"}),
        (reverse("edit-project", args=[project.pk]), {"name": "改名"}),
        (reverse("bulletin-reparse", args=[bulletin.pk]), {}),
        (reverse("bulletin-upload"), {}),
    ]


# --- groups and the command ---------------------------------------------------------------


def test_migrations_create_the_three_role_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {"analysts", "editors", "admins"}


def test_analysts_group_may_only_view():
    perms = set(Group.objects.get(name="analysts").permissions.values_list("codename", flat=True))
    assert {"view_project", "view_zone", "view_bulletin", "view_mention", "view_currencyrate"} <= perms
    assert all(code.startswith("view_") for code in perms)


def group_perms(name: str) -> set[tuple[str, str]]:
    return set(Group.objects.get(name=name).permissions.values_list("content_type__app_label", "codename"))


def test_editors_group_may_upload_and_edit_but_not_manage_users_rates_or_delete():
    perms = group_perms("editors")
    wanted = {("articles", "add_bulletin"), ("projects", "change_project"), ("projects", "change_batch")}
    assert wanted <= perms
    assert ("auth", "view_user") not in perms
    assert ("projects", "change_currencyrate") not in perms
    assert not any(code.startswith("delete_") for _, code in perms)


def test_admins_group_holds_user_management_permissions():
    perms = group_perms("admins")
    assert {("auth", "change_user"), ("auth", "change_group"), ("projects", "delete_project")} <= perms


@pytest.mark.parametrize(
    ("role", "group", "is_staff", "is_superuser"),
    [
        ("analyst", "analysts", False, False),
        ("editor", "editors", True, False),
        ("admin", "admins", True, True),
    ],
)
def test_create_role_user_puts_the_user_in_its_role(role, group, is_staff, is_superuser, django_user_model):
    out = io.StringIO()
    call_command("create_role_user", "wang", role=role, password="s3cret-pass", stdout=out)
    user = django_user_model.objects.get(username="wang")
    assert list(user.groups.values_list("name", flat=True)) == [group]
    assert (user.is_staff, user.is_superuser) == (is_staff, is_superuser)
    assert user.check_password("s3cret-pass")
    assert "created" in out.getvalue()


def test_create_role_user_run_again_changes_the_role_instead_of_adding_one(django_user_model):
    call_command("create_role_user", "li", role="admin", stdout=io.StringIO())
    call_command("create_role_user", "li", role="analyst", stdout=io.StringIO())
    user = django_user_model.objects.get(username="li")
    assert list(user.groups.values_list("name", flat=True)) == ["analysts"]
    assert not user.is_staff and not user.is_superuser


def test_create_role_user_rejects_an_unknown_role(django_user_model):
    with pytest.raises(CommandError):
        call_command("create_role_user", "zhao", role="superhero", stdout=io.StringIO())
    assert not django_user_model.objects.filter(username="zhao").exists()


def test_user_created_without_password_cannot_log_in(django_user_model):
    call_command("create_role_user", "nopass", role="editor", stdout=io.StringIO())
    assert not django_user_model.objects.get(username="nopass").has_usable_password()


# --- analysts -------------------------------------------------------------------------------


def test_analyst_can_read_every_read_page(client_as, site):
    client = client_as("analyst")
    for url in read_urls(site):
        assert client.get(url).status_code == 200, url


def test_analyst_is_forbidden_the_upload_page(client_as):
    assert client_as("analyst").get(reverse("bulletin-upload")).status_code == 403


def test_analyst_is_forbidden_every_review_edit_reparse_and_upload_post(client_as, site):
    client = client_as("analyst")
    for url, data in write_posts(site):
        assert client.post(url, data).status_code == 403, url
    site["project"].refresh_from_db()
    assert site["project"].name != "改名"


def test_analyst_cannot_open_the_admin(client_as):
    response = client_as("analyst").get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- editors and admins -----------------------------------------------------------------


def test_editor_can_open_the_admin_and_the_project_changelist(client_as):
    client = client_as("editor")
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("admin:projects_project_changelist")).status_code == 200


@pytest.mark.parametrize("url", ["/admin/auth/user/", "/admin/auth/group/"])
def test_editor_cannot_manage_users_or_groups(client_as, url):
    assert client_as("editor").get(url).status_code == 403


def test_editor_cannot_edit_currency_rates(client_as):
    assert client_as("editor").get("/admin/projects/currencyrate/add/").status_code == 403


def test_editor_may_post_a_review(client_as, site):
    project = make_project(zone=site["zone"])
    response = client_as("editor").post(reverse("review-project", args=[project.pk]), {"action": "confirm"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.review_status == "confirmed"


@pytest.mark.parametrize("url", ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"])
def test_admin_can_manage_users_and_groups(client_as, url):
    assert client_as("admin").get(url).status_code == 200


# --- anonymous visitors -------------------------------------------------------------------


def test_anonymous_is_sent_to_login_from_every_page(client, site):
    login = reverse("login")
    for url in [*read_urls(site), reverse("bulletin-upload"), reverse("bulletin-status", args=[1])]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login), url


@pytest.mark.parametrize("url", ["/admin/", "/admin/projects/project/", "/admin/auth/user/"])
def test_anonymous_is_sent_to_a_login_page_from_the_admin(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith((reverse("admin:login"), reverse("login")))


def test_anonymous_posts_are_sent_to_login(client, site):
    for url, data in write_posts(site):
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    site["project"].refresh_from_db()
    assert site["project"].review_status == "confirmed" and site["project"].name != "改名"


def test_public_read_only_opens_the_read_pages_to_anonymous_visitors(client, site, settings):
    settings.PUBLIC_READ_ONLY = True
    for url in read_urls(site):
        assert client.get(url).status_code == 200, url


def test_public_read_only_still_keeps_upload_review_and_admin_closed(client, site, settings):
    settings.PUBLIC_READ_ONLY = True
    upload = client.get(reverse("bulletin-upload"))
    assert upload.status_code == 302 and upload["Location"].startswith(reverse("login"))
    for url, data in write_posts(site):
        assert client.post(url, data).status_code == 302, url
    admin = client.get("/admin/")
    assert admin.status_code == 302 and admin["Location"].startswith(reverse("admin:login"))
    site["project"].refresh_from_db()
    assert site["project"].name != "改名"
