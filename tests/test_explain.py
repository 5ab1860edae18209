"""The project list and the totals read through indexes (EXPLAIN, PostgreSQL only).

The test database is small, so the planner would rightly prefer a sequential scan; with
`enable_seqscan = off` the plan shows whether an index *can* serve the query — which is
what a million rows need (docs/benchmarks.md). SQLite has no comparable planner switch.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from projects import exports, totals
from projects.filters import ProjectFilter
from projects.selectors import project_list
from tests.dashboard_factories import build_world

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="EXPLAIN plans are checked on PostgreSQL only (set DATABASE_URL=postgres://…)"),
]


def plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def uses_index(text: str, name: str) -> bool:
    return name in text and ("Index Scan" in text or "Index Only Scan" in text or "Bitmap Index Scan" in text)


@pytest.fixture
def world():
    return build_world()


def test_project_list_page_uses_the_list_index(world):
    project_filter = ProjectFilter(QueryDict(""), queryset=project_list())
    projects = exports.annotated_projects(project_filter.qs, project_filter.batch_qs()).order_by("-date", "-id")
    sql, params = projects[:50].query.sql_with_params()
    text = plan(sql, params)
    assert uses_index(text, "project_list_idx") or uses_index(text, "project_date_id_idx"), text


def test_project_list_for_a_zone_uses_the_zone_date_index(world):
    project_filter = ProjectFilter(QueryDict(f"zone={world['A'].slug}"), queryset=project_list())
    sql, params = project_filter.qs.order_by("-date", "-id")[:50].query.sql_with_params()
    text = plan(sql, params)
    assert uses_index(text, "project_zone_date_idx"), text


@pytest.mark.parametrize("query, index", [
    ("zone={zone}&month_from=2022-06&month_to=2022-12", "totalscell_zone_date_idx"),
    ("month_from=2022-06&month_to=2022-12", "totalscell_status_date_idx"),
])
def test_totals_read_the_rollup_through_an_index(world, query, index):
    query = query.format(zone=world["A"].slug)
    project_filter = ProjectFilter(QueryDict(query))
    project_filter.cleaned()  # zone validation is not the query under test
    with CaptureQueriesContext(connection) as context:
        totals.for_filter(project_filter)
    rollup_queries = [q["sql"] for q in context.captured_queries if "projects_totalscell" in q["sql"]]
    assert len(rollup_queries) == 2
    text = plan(rollup_queries[0], None)
    assert uses_index(text, index), text


def test_live_totals_for_a_zone_use_the_zone_date_index(world):
    """A filter the rollup cannot answer (amounts) reads the projects by zone and date."""
    project_filter = ProjectFilter(QueryDict(f"zone={world['A'].slug}&amount_min=1"))
    project_filter.cleaned()
    with CaptureQueriesContext(connection) as context:
        totals.for_filter(project_filter)
    project_query = next(q["sql"] for q in context.captured_queries if "projects_project" in q["sql"])
    text = plan(project_query, None)
    assert uses_index(text, "project_zone_date_idx") or "Index" in text, text
