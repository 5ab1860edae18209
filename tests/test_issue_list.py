"""The issue list shows, for each issue, its candidates pending / confirmed / rejected and the
parser version that produced them, and tells two undated uploads of one paper apart (issue 11)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_article, make_batch, make_bulletin, make_mention, make_project

pytestmark = pytest.mark.django_db


def _row(html: str, bulletin) -> str:
    start = html.index(f'href="{bulletin.get_absolute_url()}"')
    return html[start : html.index("</tr>", start)]


def _counts(row: str) -> dict[str, int]:
    return {kind: int(n) for kind, n in re.findall(r'data-count="(\w+)">(\d+)<', row)}


def test_the_issue_list_counts_each_issues_candidates_by_review_status(client_as):
    first = make_bulletin(parser_version="4.0", issue_date=None, original_name="第一次上传.pdf")
    second = make_bulletin(parser_version="3.1", issue_date=None, original_name="第二次上传.pdf")
    article = make_article(first)
    for status in ("candidate", "candidate", "confirmed", "rejected"):
        make_mention(make_project(review_status=status), article)
    twice = make_project(review_status="confirmed")
    make_mention(twice, article)
    make_mention(twice, make_article(first))  # quoted in two articles: one record
    make_mention(None, article, kind="batch", batch=make_batch(review_status="candidate"))
    target = make_project(review_status="confirmed")
    make_mention(make_project(review_status="candidate", merged_into=target), make_article(second))
    editor = client_as("editor")
    with CaptureQueriesContext(connection) as queries:
        html = editor.get(reverse("bulletin-list")).content.decode()
    assert _counts(_row(html, first)) == {"candidate": 3, "confirmed": 2, "rejected": 1}
    assert _counts(_row(html, second)) == {"candidate": 0, "confirmed": 0, "rejected": 0}
    assert "4.0" in _row(html, first) and "3.1" in _row(html, second)
    # Same paper, no issue date: the file names (and upload times) tell them apart.
    assert "第一次上传.pdf" in _row(html, first) and "第二次上传.pdf" in _row(html, second)
    for _ in range(5):
        make_mention(make_project(review_status="candidate"), make_article(make_bulletin()))
    with CaptureQueriesContext(connection) as more:
        editor.get(reverse("bulletin-list"))
    assert len(more) == len(queries)  # a fixed number of queries, whatever the issues
