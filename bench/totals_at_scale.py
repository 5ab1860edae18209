"""Benchmark 3: the chart-data endpoint against the bare SQL GROUP BY, a million projects.

    .venv/bin/python bench/seed.py                 # once: database zt_bench, 1M projects
    .venv/bin/python bench/totals_at_scale.py [--database zt_bench] [--runs 5]

For typical filters, in the same run (median of --runs, after one warm-up each):

- endpoint: GET /api/totals/?<filter> through the Django test client (logged in), which
  reads the zone-month rollup when the filter allows it;
- bare SQL: the GROUP BY queries that compute the same figures from the base tables — the
  exact SQL `projects.totals.compute` (the live path) sends, executed on a raw cursor and
  fetched, with no Django row handling;
- lean SQL: a hand-written GROUP BY zone, month (+ one by stage, industry) over the base
  tables with the same batch-member rule — what the rollup saves, without returning
  zone × month × stage × industry rows.

Goal: endpoint ≤ 0.2 × bare SQL. Also prints the project list's count: COUNT(*) against the
rollup's count, and checks that the endpoint equals the live computation for every filter.

The floor, measured in the same run: what any logged-in request costs here before a view
does anything — GET /healthz through the same test client plus the session and user queries
every logged-in page makes. A filter whose 0.2 × bare SQL is below that floor cannot meet the
goal by a cheaper totals path; the table says so ("floor"). Last, the dashboard page itself
(GET / with the default filter: totals, the tables, the embedded chart data), which
benchmark 5 loads in a browser.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))


def setup(database: str) -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
    import django

    django.setup()


def median_time(function, runs: int) -> float:
    function()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="zt_bench")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup(args.database)

    from django.contrib.auth import get_user_model
    from django.core.exceptions import EmptyResultSet
    from django.db import connection
    from django.http import QueryDict
    from django.test import Client

    from bench.machine import print_machine
    from projects import totals
    from projects.filters import MONTH_FIELDS, ProjectFilter, parse_month
    from projects.models import Project, TotalsCell
    from zones.models import Zone

    print("Benchmark 3: totals at scale (endpoint vs bare SQL GROUP BY, same run)")
    print_machine()
    print(
        f"  database {args.database}: {Project.objects.count()} projects, "
        f"{TotalsCell.objects.count()} rollup cells"
    )
    zone = Zone.objects.filter(level="national").order_by("id").first()
    province = zone.province
    filters = {
        "default (confirmed)": "",
        "one zone": f"zone={zone.slug}",
        "province": f"province={province}",
        "year 2023": "month_from=2023-01&month_to=2023-12",
        "stage started": "stage=started",
        "industry 光伏": "industry=光伏",
        "with candidates": "review_status=confirmed&review_status=candidate",
        "zone + year": f"zone={zone.slug}&month_from=2023-01&month_to=2023-12",
    }
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))

    def bare_sql(query: str):
        """The live path's SQL, on a raw cursor."""
        project_filter = ProjectFilter(QueryDict(query))
        cleaned = project_filter.cleaned()
        selections = [(project_filter.qs, project_filter.batch_qs())]
        if any(name in cleaned for name in MONTH_FIELDS):
            other = project_filter.without(*MONTH_FIELDS)
            selections.append(
                (other.qs.filter(date__isnull=True), other.batch_qs().filter(date__isnull=True))
            )
        statements = []
        for projects, batches in selections:
            from django.db.models.functions import TruncMonth

            projects, batches = totals.counted_records(projects, batches)
            keys = ("zone_id", "zone__short_name", "zone__slug", "month")
            for grouped in (
                projects.annotate(month=TruncMonth("date"))
                .order_by()
                .values(*keys, "stage", "industry")
                .annotate(**totals._sums()),
                batches.annotate(month=TruncMonth("date"))
                .order_by()
                .values(*keys)
                .annotate(**totals._sums()),
            ):
                try:
                    statements.append(grouped.query.sql_with_params())
                except EmptyResultSet:  # e.g. no batch can match an industry filter
                    pass

        def run():
            rows = 0
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    rows += len(cursor.fetchall())
            return rows

        return run

    def lean_sql(query: str):
        """GROUP BY zone, month and GROUP BY stage, industry over the base tables (same rule)."""
        cleaned = ProjectFilter(QueryDict(query)).cleaned()
        where, params = ["p.merged_into_id IS NULL"], []
        bwhere = ["b.merged_into_id IS NULL"]
        statuses = list(cleaned.get("review_status", ["confirmed", "candidate", "rejected"]))
        where.append("p.review_status = ANY(%s)")
        params.append(statuses)
        bwhere.append("b.review_status = ANY(%s)")
        bparams = [statuses]
        for alias, clauses, values in (("p", where, params), ("b", bwhere, bparams)):
            if "zone" in cleaned:
                clauses.append(f"{alias}.zone_id = ANY(%s)")
                values.append([z.pk for z in cleaned["zone"]])
            if "province" in cleaned:
                clauses.append(f"{alias}.zone_id IN (SELECT id FROM zones_zone WHERE province = %s)")
                values.append(cleaned["province"])
            if "month_from" in cleaned:
                clauses.append(f"{alias}.date >= %s")
                values.append(parse_month(cleaned["month_from"]))
            if "month_to" in cleaned:
                from projects.filters import next_month

                clauses.append(f"{alias}.date < %s")
                values.append(next_month(parse_month(cleaned["month_to"])))
        batches_counted = not (
            "industry" in cleaned or ("stage" in cleaned and "signed" not in cleaned["stage"])
        )
        if "stage" in cleaned:
            where.append("p.stage = ANY(%s)")
            params.append(list(cleaned["stage"]))
        if "industry" in cleaned:
            where.append("p.industry = %s")
            params.append(cleaned["industry"])
        counted_batch = f"(SELECT b.id FROM projects_batch b WHERE {' AND '.join(bwhere)})"
        if batches_counted:
            where.append(f"(p.batch_id IS NULL OR p.batch_id NOT IN {counted_batch})")
            params += bparams
        base = f"FROM projects_project p WHERE {' AND '.join(where)}"
        sums = "sum(p.amount_yuan), sum(p.amount_yuan) FILTER (WHERE p.approximate), count(*)"
        bsums = sums.replace("p.", "b.")
        statements = [
            (f"SELECT p.zone_id, date_trunc('month', p.date), {sums} {base} GROUP BY 1, 2", params),
            (f"SELECT p.stage, p.industry, {sums} {base} AND p.date IS NOT NULL GROUP BY 1, 2", params),
        ]
        if batches_counted:
            statements.append(
                (
                    f"SELECT b.zone_id, date_trunc('month', b.date), {bsums} FROM projects_batch b "
                    f"WHERE {' AND '.join(bwhere)} GROUP BY 1, 2",
                    bparams,
                )
            )

        def run():
            with connection.cursor() as cursor:
                for sql, values in statements:
                    cursor.execute(sql, values)
                    cursor.fetchall()

        return run

    def floor_request():
        """A logged-in request's fixed cost: /healthz through the client, plus the session and
        user lookups that a login-required view adds (exactly the queries Django sends)."""
        from django.contrib.sessions.backends.db import SessionStore

        assert client.get("/healthz").status_code == 200
        session = SessionStore(client.cookies["sessionid"].value)
        user_id = session["_auth_user_id"]
        get_user_model().objects.get(pk=user_id)

    t_floor = median_time(floor_request, max(args.runs, 5) * 4)
    print(
        "  floor of a logged-in request (GET /healthz + session + user, test client): "
        f"{t_floor * 1000:.2f} ms"
    )
    print(
        f"  {'filter':22} {'endpoint':>10} {'bare SQL':>10} {'ratio':>7}   {'lean SQL':>9} {'ratio':>7}  same figures  goal"  # noqa: E501
    )
    ratios, reachable = [], []
    for label, query in filters.items():

        def endpoint(query=query):
            response = client.get(f"/api/totals/?{query}")
            assert response.status_code == 200
            return response

        t_endpoint = median_time(endpoint, args.runs)
        t_bare = median_time(bare_sql(query), args.runs)
        t_lean = median_time(lean_sql(query), args.runs)
        from_rollup = totals.for_filter(ProjectFilter(QueryDict(query)), use_rollup=True).as_json()
        live = totals.for_filter(ProjectFilter(QueryDict(query)), use_rollup=False).as_json()
        ratio = t_endpoint / t_bare
        ratios.append(ratio)
        if ratio <= 0.2:
            verdict = "met"
        elif 0.2 * t_bare < t_floor:
            verdict = f"floor: 0.2 × bare = {0.2 * t_bare * 1000:.2f} ms < {t_floor * 1000:.2f} ms"
        else:
            verdict = "missed"
        if 0.2 * t_bare >= t_floor:
            reachable.append(ratio)
        print(
            f"  {label:22} {t_endpoint * 1000:8.1f}ms {t_bare * 1000:8.1f}ms {ratio:6.3f}× "
            f"  {t_lean * 1000:7.1f}ms {t_endpoint / t_lean:6.3f}×  "
            f"{'yes' if from_rollup == live else 'NO':12}  {verdict}"
        )
    worst = max(ratios)
    print(
        f"  goal endpoint ≤ 0.2 × bare SQL: {'MET' if worst <= 0.2 else 'MISSED'} "
        f"(worst {worst:.3f}×, median {statistics.median(ratios):.3f}×); above the floor: "
        f"{'MET' if all(r <= 0.2 for r in reachable) else 'MISSED'} "
        f"(worst {max(reachable, default=0):.3f}× over {len(reachable)} of {len(ratios)} filters)"
    )

    cleaned = ProjectFilter(QueryDict("")).cleaned()
    t_count = median_time(lambda: ProjectFilter(QueryDict("")).qs.count(), args.runs)
    t_rollup_count = median_time(lambda: totals.listed_project_count(cleaned), args.runs)
    print(
        f"  project list count (confirmed): COUNT(*) {t_count * 1000:.1f} ms, from the rollup "
        f"{t_rollup_count * 1000:.1f} ms ({t_rollup_count / t_count:.3f}×)"
    )

    def dashboard():
        response = client.get("/")
        assert response.status_code == 200
        return response

    t_page = median_time(dashboard, args.runs)
    t_api = median_time(lambda: client.get("/api/totals/"), args.runs)
    print(
        f"  dashboard page GET / (default filter): {t_page * 1000:.1f} ms server time "
        f"({len(dashboard().content) / 1024:.0f} KiB); the endpoint alone {t_api * 1000:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
