"""The main pages of the site, as a user reaches them, over the hand-countable dashboard world.

Shared by the page-shell tests over HTTP (titles, error pages, language) and in Chromium
(phone width, axe-core), so both walk the same pages: every page a user of each role opens
from the navigation, a detail page of each kind, and the login page.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.dashboard_factories import build_world
from tests.factories import make_article, make_mention


@dataclass(frozen=True)
class MainPage:
    key: str
    url: str
    who: str  # "anonymous" or "editor": an editor sees every page an analyst sees, plus review forms


def build_main_pages() -> list[MainPage]:
    """Build the world and list its main pages (call inside a test with database access)."""
    world = build_world()
    bulletin = world["pB1"].mentions.first().article.bulletin
    # A second article with a candidate, so the bulletin page shows its review forms.
    article = make_article(bulletin, title="西安高新区项目动态", text="西安待审核项目总投资7亿元。")
    make_mention(project=world["pA2"], article=article, quote="西安待审核项目总投资7亿元")
    return [
        MainPage("dashboard", "/", "editor"),
        MainPage("follow-through", "/follow-through/?stalled_months=3", "editor"),
        MainPage("project-list", "/projects/", "editor"),
        MainPage("project-detail", world["pB1"].get_absolute_url(), "editor"),
        MainPage("batch-detail", world["BA"].get_absolute_url(), "editor"),
        MainPage("zone-list", "/zones/", "editor"),
        MainPage("zone-detail", world["B"].get_absolute_url(), "editor"),
        MainPage("compare", f"/compare/?zone={world['A'].slug}&zone={world['B'].slug}", "editor"),
        MainPage("search", "/search/?q=光伏", "editor"),
        MainPage("bulletin-list", "/bulletins/", "editor"),
        MainPage("bulletin-detail", bulletin.get_absolute_url(), "editor"),
        MainPage("upload", "/bulletins/upload/", "editor"),
        MainPage("article-detail", article.get_absolute_url(), "editor"),
        MainPage("login", "/accounts/login/", "anonymous"),
    ]
