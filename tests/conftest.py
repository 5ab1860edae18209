"""Shared test fixtures: where the third-party sample pages live.

The samples under ../shared/samples are not ours to copy, so tests read them in
place and skip, saying why, on a machine where they are absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("ZIT_SHARED_DIR", REPO_DIR.parent / "shared"))
SAMPLES_DIR = SHARED_DIR / "samples"


def pytest_configure(config) -> None:
    """var/ before pytest-django creates the test database there (SQLite): the settings make no
    folder when they are read."""
    from config.folders import make_var_folders

    make_var_folders()


def sample_path(name: str) -> Path:
    """Path of a sample page, skipping the calling test when ../shared is absent."""
    path = SAMPLES_DIR / name
    if not path.exists():
        pytest.skip(f"sample {name} not found under {SAMPLES_DIR} (clone beside ../shared to run it)")
    return path


@pytest.fixture
def sample_bytes():
    """Bytes of one sample page by file name, e.g. sample_bytes('bulletin-sample.pdf')."""
    return lambda name: sample_path(name).read_bytes()


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Run tasks in-process unless a test asks for a real worker (marker `worker`)."""
    from config.celery import app

    eager = request.node.get_closest_marker("worker") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def make_user(db):
    """Create a user in a role through the same command admins use."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    def make(role: str, username: str | None = None, password: str = "test-pass-123"):
        username = username or f"{role}-user"
        call_command("create_role_user", username, role=role, password=password, stdout=open(os.devnull, "w"))
        return get_user_model().objects.get(username=username)

    return make


@pytest.fixture
def client_as(client, make_user):
    """A test client logged in as a fresh user of the given role."""

    def login(role: str):
        user = make_user(role)
        client.force_login(user)
        return client

    return login


@pytest.fixture
def analyst(client_as):
    """A client signed in as an analyst."""
    return client_as("analyst")


@pytest.fixture
def editor(client_as):
    """A client signed in as an editor."""
    return client_as("editor")


@pytest.fixture
def analyst_by_form(client, make_user):
    """A client signed in as an analyst through the login form, as a browser signs in."""
    make_user("analyst", password="analyst-pass-123")
    response = client.post("/accounts/login/", {"username": "analyst-user", "password": "analyst-pass-123"})
    assert response.status_code == 302
    return client


@pytest.fixture
def world(db):
    """The dashboard's hand-computed world (tests/dashboard_factories.py); a test file with data
    of its own names its own `world`."""
    from tests.dashboard_factories import build_world

    return build_world()


@pytest.fixture(autouse=True)
def _fast_password_hashing(request):
    """Tests create many users; the production hasher's deliberate slowness only costs time here.
    (Skipped when the parser suite runs without pytest-django, `-p no:django`.)"""
    if not request.config.pluginmanager.has_plugin("django"):
        return
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_public_rate_counts(request):
    """The public rate limit counts in Django's cache (accounts/public_rate.py), which lives as
    long as the test process: each test starts with no request counted."""
    if not request.config.pluginmanager.has_plugin("django"):
        yield
        return
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language(request):
    """Each test starts in the default language (zh-hans): a test that activates English in
    this thread and does not deactivate it must not change what later tests read."""
    if not request.config.pluginmanager.has_plugin("django"):
        yield
        return
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
