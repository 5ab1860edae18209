"""Benchmark 3: the totals and the zone list at a million projects, server time.

    .venv/bin/python bench/seed.py                 # once: database zt_bench, 1M projects
    .venv/bin/python bench/totals_at_scale.py [--database zt_bench] [--runs 5] [--bare] [--live]
    .venv/bin/python bench/totals_at_scale.py --database zt_bench_after \\
        --before /path/to/old/checkout --before-database zt_bench [--rounds 3]

For each filter the dashboard offers most (the default view, one zone, a province, a year, a
stage, an industry, and two more), and for the zone list: the median server time of
`GET /api/totals/?<filter>` and `GET /zones/` through the Django test client, logged in (the
whole request: session, filter form, totals, JSON), after one warm-up. Also the floor (a
logged-in `GET /healthz`), the project list's count from the rollup, and the dashboard page.
Goal (issue 14): ≤ 100 ms for every filter and for /zones/.

- `--bare`: also the live path's SQL on a raw cursor (what the rollup saves) and the ratio.
- `--live`: also check that the endpoint's figures equal the live GROUP BY (slow at 1M).
- `--before DIR --before-database DB`: side by side, in one run — the code of checkout DIR
  against DB and this checkout against `--database`, alternating `--rounds` times (so that a
  burst of load from elsewhere falls on both sides); prints both medians per request and
  checks that both sides answer byte for byte the same (the JSON, the zone list's table).
- `--code DIR`: import the application from DIR instead of this checkout (used by --before).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
GOAL_MS = 100.0


def setup(database: str, code: Path) -> None:
    sys.path.insert(0, str(code))
    sys.path.insert(1, str(BENCH_DIR.parent))  # bench.machine
    os.chdir(code)
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


def digest(body: bytes) -> str:
    """What must be identical between two checkouts: the body without per-request tokens."""
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", body)
    return hashlib.sha256(body).hexdigest()[:16]


def zone_table(body: bytes) -> bytes:
    """The zone list's table (the rest of the page is the site's frame)."""
    match = re.search(rb"<table.*?</table>", body, re.DOTALL)
    return match.group(0) if match else body


def filters() -> dict[str, str]:
    from zones.models import Zone

    zone = Zone.objects.filter(level="national").order_by("id").first()
    return {
        "default (confirmed)": "",
        "one zone": f"zone={zone.slug}",
        "province": f"province={zone.province}",
        "year 2023": "month_from=2023-01&month_to=2023-12",
        "stage started": "stage=started",
        "industry 光伏": "industry=光伏",
        "with candidates": "review_status=confirmed&review_status=candidate",
        "zone + year": f"zone={zone.slug}&month_from=2023-01&month_to=2023-12",
    }


def measure(args) -> dict:
    """One side's figures: {"ms": {request: median ms}, "digest": {request: body digest}, …}."""
    setup(args.database, Path(args.code).resolve())
    from django.contrib.auth import get_user_model
    from django.http import QueryDict
    from django.test import Client

    from projects import totals
    from projects.filters import ProjectFilter
    from projects.models import Project, TotalsCell

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    result = {"ms": {}, "digest": {}, "same_as_live": {}, "bare_ms": {},
              "database": f"{args.database}: {Project.objects.count()} projects, "
                          f"{TotalsCell.objects.count()} full rollup cells"}

    def get(url: str):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    result["floor_ms"] = 1000 * median_time(lambda: get("/healthz"), max(args.runs, 5) * 4)
    requests = {label: f"/api/totals/?{query}" for label, query in filters().items()}
    requests["zone list /zones/"] = "/zones/"
    for label, url in requests.items():
        result["ms"][label] = 1000 * median_time(lambda url=url: get(url), args.runs)
        body = get(url).content
        result["digest"][label] = digest(zone_table(body) if url == "/zones/" else body)
    for label, query in filters().items():
        if args.live:
            from_rollup = totals.for_filter(ProjectFilter(QueryDict(query)), use_rollup=True).as_json()
            live = totals.for_filter(ProjectFilter(QueryDict(query)), use_rollup=False).as_json()
            result["same_as_live"][label] = from_rollup == live
        if args.bare:
            result["bare_ms"][label] = 1000 * median_time(bare_sql(query), args.runs)
    cleaned = ProjectFilter(QueryDict("")).cleaned()
    result["list_count_ms"] = 1000 * median_time(lambda: totals.listed_project_count(cleaned), args.runs)
    result["dashboard_ms"] = 1000 * median_time(lambda: get("/"), args.runs)
    return result


def bare_sql(query: str):
    """The live path's SQL (what `projects.totals.compute` sends), on a raw cursor."""
    from django.core.exceptions import EmptyResultSet
    from django.db import connection
    from django.db.models.functions import TruncMonth
    from django.http import QueryDict

    from projects import totals
    from projects.filters import MONTH_FIELDS, ProjectFilter

    project_filter = ProjectFilter(QueryDict(query))
    selections = [(project_filter.qs, project_filter.batch_qs())]
    if any(name in project_filter.cleaned() for name in MONTH_FIELDS):
        other = project_filter.without(*MONTH_FIELDS)
        selections.append((other.qs.filter(date__isnull=True), other.batch_qs().filter(date__isnull=True)))
    sums = getattr(totals, "record_sums", None) or totals._sums  # its name before the rollup change
    statements = []
    for projects, batches in selections:
        projects, batches = totals.counted_records(projects, batches)
        keys = ("zone_id", "zone__short_name", "zone__slug", "month")
        for grouped in (
            projects.annotate(month=TruncMonth("date")).order_by().values(*keys, "stage", "industry")
            .annotate(**sums()),
            batches.annotate(month=TruncMonth("date")).order_by().values(*keys)
            .annotate(**sums()),
        ):
            try:
                statements.append(grouped.query.sql_with_params())
            except EmptyResultSet:  # e.g. no batch can match an industry filter
                pass

    def run():
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


def print_side(result: dict) -> None:
    print(f"  database {result['database']}")
    print(f"  floor (GET /healthz, logged in): {result['floor_ms']:.1f} ms")
    print(f"  {'request':22} {'server time':>12}  {'goal ≤ 100 ms':14} {'bare SQL':>10} {'same as live':>12}")
    for label, ms in result["ms"].items():
        bare = result["bare_ms"].get(label)
        live = result["same_as_live"].get(label)
        same = "" if live is None else "yes" if live else "NO"
        print(f"  {label:22} {ms:10.1f}ms  {'met' if ms <= GOAL_MS else 'MISSED':14} "
              f"{f'{bare:8.1f}ms' if bare else '':>10} {same:>12}")
    print(f"  project list count from the rollup: {result['list_count_ms']:.1f} ms")
    print(f"  dashboard page GET /: {result['dashboard_ms']:.1f} ms")


def compare(args) -> int:
    """Both checkouts side by side: alternate subprocesses, median of each side's medians."""
    sys.path.insert(0, str(BENCH_DIR.parent))
    from bench import sides as bench_sides
    from bench.machine import print_machine

    sides = bench_sides.sides(args)
    runs = bench_sides.alternate(args, __file__)

    print("Benchmark 3: totals at scale, before and after, side by side (server time, test client)")
    print_machine()
    for side, (code, _database) in sides.items():
        print(f"  {side}: code {code}, database {runs[side][0]['database']}")

    def med(side: str, pick) -> float:
        return statistics.median(pick(run) for run in runs[side])

    print(f"  floor (GET /healthz): before {med('before', lambda r: r['floor_ms']):.1f} ms, "
          f"after {med('after', lambda r: r['floor_ms']):.1f} ms")
    print(f"  {'request':22} {'before':>9} {'after':>9}  {'goal ≤ 100 ms':14} same bytes")
    identical = True
    for label in runs["after"][0]["ms"]:
        before = med("before", lambda r, label=label: r["ms"][label])
        after = med("after", lambda r, label=label: r["ms"][label])
        same = {r["digest"][label] for r in runs["before"] + runs["after"]}
        identical &= len(same) == 1
        print(f"  {label:22} {before:7.1f}ms {after:7.1f}ms  {'met' if after <= GOAL_MS else 'MISSED':14} "
              f"{'yes' if len(same) == 1 else 'NO'}")
    for name, key in (("project list count", "list_count_ms"), ("dashboard GET /", "dashboard_ms")):
        print(f"  {name:22} {med('before', lambda r, key=key: r[key]):7.1f}ms "
              f"{med('after', lambda r, key=key: r[key]):7.1f}ms")
    print("  per round (after): " + "; ".join(
        ", ".join(f"{ms:.0f}" for ms in run["ms"].values()) for run in runs["after"]))
    print("  per round (before): " + "; ".join(
        ", ".join(f"{ms:.0f}" for ms in run["ms"].values()) for run in runs["before"]))
    return 0 if identical else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="zt_bench")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bare", action="store_true")
    parser.add_argument("--live", action="store_true")
    sys.path.insert(0, str(BENCH_DIR.parent))
    from bench import sides as bench_sides

    bench_sides.add_arguments(parser)
    args = parser.parse_args()
    if args.before:
        return compare(args)
    result = measure(args)
    if args.json:
        print(json.dumps(result))
        return 0
    from bench.machine import print_machine  # on the path since setup()

    print("Benchmark 3: totals at scale (server time, test client)")
    print_machine()
    print_side(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
