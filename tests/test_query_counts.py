"""The number of SQL queries of the pages not pinned in tests/test_dashboard.py.

Each page is requested, then more of the records it lists are added (projects, events,
quotes, articles), and it is requested again: the count must be the pinned number both
times, so no page grows a query per row (N+1).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.dashboard_factories import project
from tests.factories import make_article, make_batch, make_event, make_mention

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


def grow(world) -> None:
    """More of everything the pages list: projects, events, quotes, batches, articles."""
    article = world["bulletin"].articles.first()
    for i in range(12):
        extra = project(world["A"], f"追加项目{i}", "1", dt.date(2022, 7, 1 + i))
        make_event(extra, "signed", extra.date)
        make_event(world["pA1"], "operating", dt.date(2022, 10, 1 + i))
        make_mention(project=extra, article=article)
        make_mention(project=world["pA1"], article=make_article(world["bulletin"]))
        batch = make_batch(world["A"], review_status="confirmed")
        make_mention(batch=batch, article=article, kind="batch")
        project(world["A"], f"批次成员{i}", "1", dt.date(2022, 6, 28), batch=world["BA"])
        make_mention(project=world["BA"].projects.first(), article=article)


# Logged-in page: session + user (2) in every count.
PAGES = {
    # zone, the two grouped totals queries (from the rollup), projects, batches, articles,
    # aliases, permissions
    "zone page": (lambda w: f"/zones/{w['A'].slug}/", 11),
    "zone list": (lambda w: "/zones/", 5),
    # the project, its prefetched events (with articles and bulletins) and quotes, history
    "project page": (lambda w: f"/projects/{w['pA1'].pk}/", 8),
    "batch page": (lambda w: f"/batches/{w['BA'].pk}/", 8),  # + its history (issue 13.5)
    "bulletin list": (lambda w: "/bulletins/", 8),  # + review counts of projects and of batches
    # + the members of the quoted batches (the review page's batch blocks), + the article
    # and pending-record counts and its zones (the paginated review page, issue 15)
    "bulletin page": (lambda w: f"/bulletins/{w['bulletin'].pk}/", 11),
    "article page": (lambda w: f"/bulletins/articles/{w['article'].pk}/", 6),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_page_query_count_is_pinned_and_does_not_grow(analyst, world, page):
    world["bulletin"] = world["pB1"].mentions.first().article.bulletin
    world["article"] = world["pB1"].mentions.first().article
    url_of, pinned = PAGES[page]
    url = url_of(world)
    first = queries(analyst, url)
    grow(world)
    second = queries(analyst, url)
    assert (first, second) == (pinned, pinned), (
        f"{page} {url}: {first} then {second} queries, pinned {pinned}"
    )
