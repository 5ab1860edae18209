"""Screen readers hear what changes and nothing else: one live region per changing status (the
dashboard's status line, a bulletin's parse status), no live region around a whole page, and
no `window.alert` in our scripts (a modal box that steals focus; errors go to the status line).
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO_DIR
from tests.factories import make_bulletin

LIVE = re.compile(r'<(\w+)[^>]*\b(?:aria-live="(?:polite|assertive)"|role="(?:status|alert|log)")[^>]*>')


def live_regions(html: str) -> list[str]:
    return [m.group(0) for m in LIVE.finditer(html)]


@pytest.mark.django_db
def test_the_dashboard_announces_only_its_status_line(client_as):
    html = client_as("analyst").get("/").content.decode()
    assert live_regions(html) == ['<p class="dashboard-status" id="dashboard-status" role="status">']


@pytest.mark.django_db
def test_a_parsing_bulletin_announces_only_its_status(client_as):
    bulletin = make_bulletin(status="parsing")
    html = client_as("editor").get(bulletin.get_absolute_url()).content.decode()
    regions = live_regions(html)
    assert regions[0] == '<span role="status">'
    assert re.search(r'<span role="status"><span class="status status-parsing" data-field="status_label">', html)
    assert regions[1:] == ['<p class="error" role="alert" data-field="error">']  # empty until a parse fails


def test_no_window_alert_in_our_scripts():
    scripts = sorted((REPO_DIR / "static" / "js").glob("*.js"))
    assert scripts
    offenders = [p.name for p in scripts if re.search(r"\balert\s*\(", p.read_text(encoding="utf-8"))]
    assert offenders == []
