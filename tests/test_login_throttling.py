"""Login throttling (django-axes): 5 failed logins for one username from one address lock
that pair out for 15 minutes — on the site login page and on the admin login — while other
users, other addresses and the test fixtures (force_login, login) keep working."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.utils import timezone

from accounts.throttle import client_ip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """What is tested is the flow, not PBKDF2's cost: hash passwords cheaply here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

PASSWORD = "right-pass-123"
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def editor(make_user):
    return make_user("editor", username="ed", password=PASSWORD)


def attempt(client: Client, url: str, username: str, password: str, ip: str = "203.0.113.7"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_configuration_is_five_failures_and_fifteen_minutes_by_username_and_address():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert [["username", "ip_address"]] == settings.AXES_LOCKOUT_PARAMETERS
    assert settings.AUTHENTICATION_BACKENDS[0] == "accounts.backends.AxesLockoutBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_five_failures_lock_the_username_on_this_address_even_with_the_right_password(editor, url):
    client = Client()
    for n in range(1, 5):
        response = attempt(client, url, "ed", f"wrong-{n}")
        assert response.status_code == 200, n  # the form again, with its error
    locked = attempt(client, url, "ed", "wrong-5")
    assert locked.status_code == 429
    assert "登录已暂时锁定" in locked.content.decode() and "15" in locked.content.decode()

    right = attempt(client, url, "ed", PASSWORD)
    assert right.status_code == 429
    assert not logged_in(client)
    assert AccessAttempt.objects.get(username="ed").failures_since_start >= 5


def test_failures_on_both_login_pages_add_up(editor):
    client = Client()
    for n in range(3):
        attempt(client, LOGIN, "ed", f"wrong-{n}")
    for n in range(2):
        last = attempt(client, ADMIN_LOGIN, "ed", f"admin-wrong-{n}")
    assert last.status_code == 429
    assert attempt(Client(), LOGIN, "ed", PASSWORD).status_code == 429


def test_the_lockout_is_per_username_and_address(editor, make_user):
    make_user("analyst", username="ana", password=PASSWORD)
    for n in range(5):
        attempt(Client(), LOGIN, "ed", f"wrong-{n}", ip="198.51.100.1")

    other_user = Client()
    assert attempt(other_user, LOGIN, "ana", PASSWORD, ip="198.51.100.1").status_code == 302
    assert logged_in(other_user)

    other_address = Client()
    assert attempt(other_address, LOGIN, "ed", PASSWORD, ip="198.51.100.2").status_code == 302
    assert logged_in(other_address)


def test_the_lockout_ends_after_fifteen_minutes(editor):
    for n in range(5):
        attempt(Client(), LOGIN, "ed", f"wrong-{n}")
    assert attempt(Client(), LOGIN, "ed", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=14))
    assert attempt(Client(), LOGIN, "ed", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    client = Client()
    assert attempt(client, LOGIN, "ed", PASSWORD).status_code == 302
    assert logged_in(client)


def test_a_successful_login_resets_the_count(editor):
    for n in range(4):
        attempt(Client(), LOGIN, "ed", f"wrong-{n}")
    assert attempt(Client(), LOGIN, "ed", PASSWORD).status_code == 302
    for n in range(4):  # four more failures: not five in a row, no lockout
        response = attempt(Client(), LOGIN, "ed", f"again-{n}")
    assert response.status_code == 200
    assert attempt(Client(), LOGIN, "ed", PASSWORD).status_code == 302


def test_a_locked_out_user_who_is_already_logged_in_stays_logged_in(editor):
    session = Client()
    session.force_login(editor)
    for n in range(5):
        attempt(Client(), LOGIN, "ed", f"wrong-{n}")
    assert session.get("/").status_code == 200


def test_the_test_fixtures_still_log_in(client, editor, client_as):
    """client.login() calls authenticate() without a request: our backend leaves it to
    ModelBackend (no HTTP client can take that path) instead of raising like axes' own."""
    assert client.login(username="ed", password=PASSWORD)
    assert client.get("/").status_code == 200
    assert not client.login(username="ed", password="wrong")
    assert client_as("analyst").get("/").status_code == 200


def test_the_client_address_is_remote_addr_unless_proxies_are_declared(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.1.1.1, 192.0.2.9")
    settings.ZIT_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.5"  # X-Forwarded-For is written by the client: ignored
    settings.ZIT_PROXY_COUNT = 1
    assert client_ip(request) == "192.0.2.9"  # what our one proxy saw; "1.1.1.1" could be forged
    settings.ZIT_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.5"  # fewer hops than declared: do not trust the header


def test_users_cannot_rotate_forwarded_for_to_escape_the_lockout(editor):
    """Without declared proxies, a forged X-Forwarded-For does not make a new address."""
    for n in range(5):
        Client().post(LOGIN, {"username": "ed", "password": f"w{n}"}, HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    response = Client().post(
        LOGIN, {"username": "ed", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="10.9.9.99"
    )
    assert response.status_code == 429
    assert get_user_model().objects.get(username="ed").last_login is None


def test_a_request_without_a_valid_address_gives_none_not_garbage(settings):
    """force_login's bare request has no REMOTE_ADDR; a forged hop is not an address. Either
    would break the insert into axes' inet column on PostgreSQL."""
    settings.ZIT_PROXY_COUNT = 1
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="")) is None
    forged = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_ip(forged) == "10.0.0.5"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="::1")) == "::1"
