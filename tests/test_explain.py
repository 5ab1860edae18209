"""The project list and the totals read through indexes (EXPLAIN, PostgreSQL only).

The test database is small, so the planner would rightly prefer a sequential scan; with
`enable_seqscan = off` the plan shows whether an index *can* serve the query — which is
what a million rows need (docs/benchmarks.md). SQLite has no comparable planner switch.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from projects import exports, totals
from projects.filters import ProjectFilter
from projects.selectors import project_list

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="EXPLAIN plans are checked on PostgreSQL only (set DATABASE_URL=postgres://…)",
    ),
]


def plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def index_scan_on(text: str, table: str) -> bool:
    """The plan reads `table` through an index and never scans it whole."""
    scans = [line for line in text.splitlines() if re.search(rf"\bon {table}\b", line)]
    return (
        bool(scans)
        and not any("Seq Scan" in line for line in scans)
        and any(
            "Index Scan" in line or "Index Only Scan" in line or "Bitmap Heap Scan" in line for line in scans
        )
    )


def test_project_list_page_uses_the_list_index(world):
    project_filter = ProjectFilter(QueryDict(""), queryset=project_list())
    projects = exports.annotated_projects(project_filter.qs, project_filter.replacing_batch_qs()).order_by(
        "-date", "-id"
    )
    sql, params = projects[:50].query.sql_with_params()
    text = plan(sql, params)
    assert index_scan_on(text, "projects_project"), text


def test_project_list_for_a_zone_uses_the_zone_date_index(world):
    project_filter = ProjectFilter(QueryDict(f"zone={world['A'].slug}"), queryset=project_list())
    sql, params = project_filter.qs.order_by("-date", "-id")[:50].query.sql_with_params()
    text = plan(sql, params)
    assert index_scan_on(text, "projects_project"), text


@pytest.mark.parametrize(
    ("query", "reads"),
    [
        # A range that cuts a year (2022 from June) reads a third time: the year-only records of
        # 2022 it leaves out, for the "未计入" note (projects/totals.py).
        ("zone={zone}&month_from=2022-06&month_to=2022-12", 3),
        ("month_from=2022-06&month_to=2022-12", 3),
        ("month_from=2022-01&month_to=2022-12", 2),
        ("", 2),
        ("stage=started", 2),  # the stage level (zone × month × stage), by its (stage, status, date) index
        ("industry=光伏&month_from=2022-06", 3),
    ],
)
def test_totals_read_the_rollup_through_an_index(world, query, reads):
    query = query.format(zone=world["A"].slug)
    project_filter = ProjectFilter(QueryDict(query))
    project_filter.cleaned()  # zone validation is not the query under test
    with CaptureQueriesContext(connection) as context:
        totals.for_filter(project_filter)
    # Each query reads levels of the rollup: the full cells, zone × month (× stage), the
    # breakdowns or the month level (the reduced zone × month query reads its level several
    # times, and the month level too without a month range), each through an index. The zone
    # totals are not listed: ~30 cells per zone (18,000 at a million projects), read whole for
    # the ranking.
    tables = ("projects_totalscell", "projects_totalszonecell", "projects_totalsstagecell",
              "projects_totalsbreakdowncell", "projects_totalsmonthcell")
    rollup_queries = [
        (q["sql"], table) for q in context.captured_queries for table in tables if f'"{table}"' in q["sql"]
    ]
    assert len({sql for sql, _table in rollup_queries}) == reads
    for sql, table in rollup_queries:
        text = plan(sql, None)
        assert index_scan_on(text, table), text


def test_live_totals_for_a_zone_use_the_zone_date_index(world):
    """A filter the rollup cannot answer (amounts) reads the projects by zone and date."""
    project_filter = ProjectFilter(QueryDict(f"zone={world['A'].slug}&amount_min=1"))
    project_filter.cleaned()
    with CaptureQueriesContext(connection) as context:
        totals.for_filter(project_filter)
    project_query = next(q["sql"] for q in context.captured_queries if "projects_project" in q["sql"])
    text = plan(project_query, None)
    assert index_scan_on(text, "projects_project"), text
