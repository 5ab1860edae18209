"""Headless Chromium through Playwright, against pytest-django's live server.

Uses Debian's Chromium (/usr/bin/chromium, or $ZIT_CHROMIUM); never `playwright install`.
Tests skip, saying why, when Chromium or Playwright is missing.

Playwright's sync API runs an event loop (in greenlets) in the thread that starts it. To
keep that loop away from the test's own thread — where the ORM and pytest-django's
database fixtures run — each test drives the browser from a worker thread: arrange data in
the test, then hand a function of the browser context to `browser(...)`.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import REPO_DIR

CHROMIUM = os.environ.get("ZIT_CHROMIUM") or os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = REPO_DIR / "test-artifacts"
PASSWORD = "browser-pass-123"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module", autouse=True)
def _restore_migrated_data(django_db_setup, django_db_blocker):
    """Put back the rows migrations load (zones, role groups) once these tests are done.

    Live-server tests need transactional tests, which empty the tables afterwards; with
    `serialized_rollback` the next such test reloads them, but a later transactional test
    without it (the worker test) would find the gazetteer and the role groups gone."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture
def plain_static(settings):
    """Serve static files from the source folders (unhashed names), as runserver does, so the
    live server needs no collectstatic run."""
    if not (REPO_DIR / "static" / "vendor" / "chart.umd.min.js").exists():
        pytest.skip("static/vendor/chart.umd.min.js missing: run scripts/setup (copies Chart.js from npm)")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def browser(live_server, plain_static):
    """`browser(fn, javascript=True)` runs `fn(context)` in headless Chromium, in a worker
    thread, and returns what it returns (exceptions, failed asserts included, propagate)."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium fonts-noto-cjk)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -r requirements-dev.txt)")
    ARTIFACTS.mkdir(exist_ok=True)

    def drive(fn, javascript: bool = True):
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
            try:
                context = chromium.new_context(
                    base_url=live_server.url, viewport={"width": 1366, "height": 900}, locale="zh-CN",
                    accept_downloads=True, java_script_enabled=javascript,
                )
                context.set_default_timeout(15_000)
                return fn(context)
            finally:
                chromium.close()

    def run(fn, javascript: bool = True):
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(drive, fn, javascript).result(timeout=180)

    return run


@pytest.fixture
def analyst(make_user):
    """An analyst account; `login(context)` signs it in through the login form."""
    return make_user("analyst", password=PASSWORD)


def login(context, username: str = "analyst-user"):
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page
