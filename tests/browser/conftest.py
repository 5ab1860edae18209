"""Headless Chromium through Playwright, against pytest-django's live server.

Uses Debian's Chromium (/usr/bin/chromium, or $CHROMIUM); never `playwright install`.
Tests skip, saying why, when Chromium or Playwright is missing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO_DIR

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = REPO_DIR / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium fonts-noto-cjk)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -r requirements-dev.txt)")
    # Playwright's sync API keeps an event loop running in this thread; the ORM calls the
    # tests make around it are ordinary synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def plain_static(settings):
    """Serve static files from the source folders (unhashed names), as runserver does, so the
    live server needs no collectstatic run."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if not (REPO_DIR / "static" / "vendor" / "chart.umd.min.js").exists():
        pytest.skip("static/vendor/chart.umd.min.js missing: run scripts/setup (copies Chart.js from npm)")


@pytest.fixture
def browser_context(chromium_browser, live_server, plain_static):
    ARTIFACTS.mkdir(exist_ok=True)
    context = chromium_browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def login(browser_context, make_user):
    """A page logged in through the login form as a fresh user of the given role."""

    def as_role(role: str = "analyst"):
        make_user(role, password="browser-pass-123")
        page = browser_context.new_page()
        page.goto("/accounts/login/")
        page.fill("input[name=username]", f"{role}-user")
        page.fill("input[name=password]", "browser-pass-123")
        page.click("main form button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return as_role
