"""The admin's history pages keep the Content-Security-Policy (issue 15, item 15).

Why: django-simple-history's own history list writes `style="border-top: 0"` on its page
line; the policy (`style-src 'self'`, config/settings.py) blocks inline styles, so a browser
reports a violation. templates/simple_history/object_history_list.html replaces that list
(without the style) for every history admin (projects, batches, events, rates, zones, aliases);
this test keeps it so, on the list, a record's page and the change page.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import make_project, make_zone

pytestmark = pytest.mark.django_db


def _blocked_inline(html: str) -> list[str]:
    """What `style-src 'self'` / `script-src 'self'` would block: style attributes and
    blocks, inline scripts (a JSON data block is never run, so it is allowed)."""
    found = re.findall(r"<[^>]*\sstyle\s*=[^>]*>", html, flags=re.I)
    found += re.findall(r"<style\b[^>]*>", html, flags=re.I)
    found += [tag for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I)
              if "src=" not in tag and "application/json" not in tag]
    found += re.findall(r"\son[a-z]+\s*=", html, flags=re.I)  # event handler attributes
    return found


def test_the_policy_blocks_inline_styles(client_as):
    response = client_as("admin").get(reverse("admin:index"))
    policy = response["Content-Security-Policy"]
    style = next(part for part in policy.split(";") if part.strip().startswith("style-src"))
    assert "'self'" in style and "unsafe-inline" not in style


def test_the_history_pages_have_nothing_inline_the_policy_blocks(client_as):
    admin = client_as("admin")
    project = make_project(name="历史页面样式测试项目")
    for name in ("乙", "丙"):
        project.investor = f"{name}公司"
        project.save()
    zone = make_zone()
    zone.city = "另一市"
    zone.save()
    record = project.history.order_by("history_id").first()
    pages = [
        reverse("admin:projects_project_history", args=[project.pk]),
        reverse("admin:zones_zone_history", args=[zone.pk]),
        reverse("admin:projects_project_simple_history", args=[project.pk, record.pk]),
        reverse("admin:projects_project_change", args=[project.pk]),
    ]
    for url in pages:
        response = admin.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert _blocked_inline(html) == [], url
    history = admin.get(pages[0]).content.decode()
    assert 'id="change-history"' in history and "丙公司" in history
