"""Benchmark 8: the follow-through at a million projects with event chains (issue 12).

    .venv/bin/python bench/seed.py --database zt_ft_bench     # once: 1M projects, their events
    .venv/bin/python bench/follow_through_at_scale.py [--database zt_ft_bench] [--runs 5]
        [--server-only | --browser-only] [--port 8790] [--empty-database zt_ftchain] [--no-cache]
        [--side-by-side]

1. Server time: the median of `--runs` (after a warm-up) of `GET /api/follow-through/?<filter>`
   and `GET /follow-through/?<filter>` through the Django test client, logged in as the bench
   analyst — the whole request — for the default filter and three typical ones (a zone, a
   province, a period), with the floor (`GET /healthz`) and the figures' own time
   (`projects.follow_through.for_filter`) beside them; cold (a new data version,
   `projects.timeline.touch`, before each run: the figures are computed, as the first asking
   after any write does) and warm (the same question again: a cache hit). With `--no-cache`
   (`FOLLOW_THROUGH_CACHE_SECONDS = 0`) every request computes its figures, warm ones too.
   Goal: ≤ 300 ms.
2. Page draw in Chromium: two gunicorns in the same run, on the seeded database and on an
   empty one (`--empty-database`, emptied and migrated here), `/follow-through/` loaded in
   Debian's Chromium alternately (empty, full, empty, full …, so that load from elsewhere falls
   on both sides); the time is `performance.now()` when the document is complete and every
   chart canvas of the page holds its chart (`Chart.getChart`), two animation frames later.
   Median of `--runs` after a warm-up round, cold (the data version changed just before each
   load, so the figures are computed, not read from the cache) and warm. Goal: ≤ 2 × the
   empty page.
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

from bench.machine import print_machine  # noqa: E402

GOAL_MS = 300.0
GOAL_RATIO = 2.0
PAGE = "/follow-through/"
API = "/api/follow-through/"


def setup(database: str) -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
    import django

    django.setup()


def median_ms(function, runs: int, before=None) -> tuple[float, list[float]]:
    """Median ms of `function` over `runs` after a warm-up; `before` runs untimed before each."""
    function()  # warm-up
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        function()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times), times


def filters() -> dict[str, str]:
    """The default view and typical filters: the zone and province with most projects (what an
    analyst looks at first), a year and two years of signings, and the industry with most projects."""
    from django.db.models import Count

    from projects.models import Project
    from zones.models import Zone

    busiest = (Project.objects.filter(merged_into=None, zone__isnull=False).values("zone")
               .annotate(n=Count("id")).order_by("-n").first())
    zone = Zone.objects.get(pk=busiest["zone"])
    industry = (Project.objects.filter(merged_into=None).exclude(industry="").values("industry")
                .annotate(n=Count("id")).order_by("-n").first() or {}).get("industry")
    return {
        "default (confirmed)": "",
        f"zone {zone.short_name}": f"zone={zone.slug}",
        f"province {zone.province}": f"province={zone.province}",
        "period 2022": "month_from=2022-01&month_to=2022-12",
        "period 2022-2023": "month_from=2022-01&month_to=2023-12",
        **({f"industry {industry}": f"industry={industry}"} if industry else {}),
    }


def _served(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def server_times(args) -> None:
    setup(args.database)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.http import QueryDict
    from django.test import Client

    from bench.seed import BENCH_USER
    from projects import follow_through
    from projects.filters import ProjectFilter
    from projects.models import Project, ProjectEvent
    from projects.timeline import touch  # a new data version: the cached figures no longer apply

    if args.no_cache:
        settings.FOLLOW_THROUGH_CACHE_SECONDS = 0
    cache_note = "off: every run computes the figures" if args.no_cache else "on: warm runs hit it"
    print(f"  cache      {cache_note}")
    client = Client()
    client.force_login(get_user_model().objects.get(username=BENCH_USER))

    def get(url: str):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    api, page = (path if _served(path) else None for path in (API, PAGE))  # None: not there (yet)
    live = Project.objects.filter(merged_into=None).count()
    print(f"  database   {args.database}: {Project.objects.count()} projects ({live} not merged), "
          f"{ProjectEvent.objects.count()} events")
    floor, _ = median_ms(lambda: get("/healthz"), max(args.runs, 5) * 4)
    print(f"  floor (GET /healthz, logged in): {floor:.1f} ms")

    print(f"  {'filter':26} {'API cold':>9} {'page cold':>9} {'figures':>9} {'API warm':>9} {'page warm':>9}"
          f"  goal ≤ {GOAL_MS:.0f} ms (cold)")
    runs_text = []
    # --side-by-side: each filter live (FOLLOW_THROUGH_CELLS = False: the aggregation over the
    # projects) then from the follow-through's cells (projects/follow_cells.py), in turn.
    modes = ((" live", False), (" cells", True)) if args.side_by_side else (("", True),)
    asked = [(item, mode) for item in filters().items() for mode in modes]
    for (base_label, query), (suffix, cells) in asked:
        settings.FOLLOW_THROUGH_CELLS = cells
        label = base_label + suffix
        cold = {}
        urls = {"api": f"{api}?{query}" if api else None, "page": f"{page}?{query}" if page else None}
        for name, url in urls.items():
            cold[name] = median_ms(lambda url=url: get(url), args.runs, before=touch) if url else (None, [])
            cold[f"{name} warm"] = median_ms(lambda url=url: get(url), args.runs) if url else (None, [])
        cold["figures"] = median_ms(
            lambda q=query: follow_through.for_filter(ProjectFilter(QueryDict(q))).as_json(),
            args.runs, before=touch)
        texts = [f"{cold[name][0]:7.0f}ms" if cold[name][0] else "—"
                 for name in ("api", "page", "figures", "api warm", "page warm")]
        worst = max(cold[name][0] or 0 for name in ("api", "page", "figures"))
        print(f"  {label:26} " + " ".join(f"{text:>9}" for text in texts)
              + f"  {'met' if worst <= GOAL_MS else 'MISSED'}")
        runs_text.append(f"{label}: API cold {', '.join(f'{t:.0f}' for t in cold['api'][1])}; "
                         f"page cold {', '.join(f'{t:.0f}' for t in cold['page'][1])}")
    print("  runs: " + " | ".join(runs_text))


# --- the page in Chromium -------------------------------------------------------------------------

# Installed before any script of the page: each animation frame, is the document complete and does
# every chart canvas of the page hold its chart? Then note the time, and two frames later (painted).
RECORD_DRAWN = """
(() => {
  const check = () => {
    if (window.__readyAt) return;
    const canvases = [...document.querySelectorAll("main canvas")];
    const drawn = canvases.every(c => window.Chart && Chart.getChart(c));
    if (document.readyState === "complete" && drawn) {
      window.__readyAt = performance.now();
      window.__charts = canvases.length;
      requestAnimationFrame(() => requestAnimationFrame(() => { window.__drawnAt = performance.now(); }));
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
"""


SERVER = """() => { const n = performance.getEntriesByType("navigation")[0];
  return n.responseStart - n.requestStart; }"""


def _one_load(page, url: str) -> tuple[float, int, float]:
    """Navigation → drawn (ms), the charts drawn, and the server's part (request → first byte)."""
    page.goto(url, wait_until="commit", timeout=120_000)
    drawn = page.wait_for_function("() => window.__drawnAt", timeout=120_000).json_value()
    return drawn, page.evaluate("() => window.__charts"), page.evaluate(SERVER)


def _is_empty(database: str) -> bool:
    """Whether `database` holds no project (or does not exist yet)."""
    import psycopg

    try:
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{database}") as conn:
            return conn.execute("SELECT NOT EXISTS (SELECT 1 FROM projects_project)").fetchone()[0]
    except psycopg.Error:
        return True


def _touch(database: str) -> None:
    """A new data version in `database` (what any write does): the servers' cached figures lapse."""
    import uuid

    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{database}", autocommit=True) as conn:
        token = uuid.uuid4().hex
        if not conn.execute("UPDATE projects_dataversion SET token = %s WHERE id = 1", [token]).rowcount:
            conn.execute("INSERT INTO projects_dataversion (id, token) VALUES (1, %s)", [token])


def browser_times(args) -> None:
    from playwright.sync_api import sync_playwright

    from bench import pages_under_load as server_tools
    from bench.browser_charts import CHROMIUM, FLAGS, signed_in_pages
    from bench.seed import ensure_database, ensure_user
    from bench.server import stop as stop_server

    ensure_database(args.empty_database, fresh=not _is_empty(args.empty_database))
    ensure_user(args.empty_database)
    databases = {"empty": args.empty_database, "1M projects": args.database}
    servers, bases = [], {}
    modes = ("cold", "warm")  # cold: the data version changed just before the load (uncached figures)
    results = {(mode, label): [] for mode in modes for label in databases}
    server = {(mode, label): [] for mode in modes for label in databases}
    charts: dict[str, int] = {}
    try:
        for offset, (label, database) in enumerate(databases.items()):
            servers.append(server_tools.start_server(database, workers=2, port=args.port + offset))
            bases[label] = f"http://{server_tools.HOST}:{args.port + offset}"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
            pages = signed_in_pages(browser, bases, RECORD_DRAWN)
            for i in range(args.runs + 1):
                for mode in modes:
                    for label, base in bases.items():
                        if mode == "cold":
                            _touch(databases[label])
                        drawn, charts[label], first_byte = _one_load(pages[label], f"{base}{args.path}")
                        if i:  # the first round warms caches
                            results[(mode, label)].append(drawn)
                            server[(mode, label)].append(first_byte)
            browser.close()
    finally:
        for process in servers:
            stop_server(process)
    for mode in modes:
        medians = {label: statistics.median(results[(mode, label)]) for label in databases}
        for label in databases:
            times = results[(mode, label)]
            print(f"  {mode} {label:12} median {medians[label]:6.0f} ms, {charts[label]} charts "
                  f"(runs: {', '.join(f'{t:.0f}' for t in times)}); of which the server (request → first "
                  f"byte) {statistics.median(server[(mode, label)]):.0f} ms")
        ratios = [full / empty for empty, full in
                  zip(results[(mode, "empty")], results[(mode, "1M projects")], strict=True)]
        ratio = medians["1M projects"] / medians["empty"]
        rounds = ", ".join(f"{r:.2f}" for r in ratios)
        print(f"  {mode}: ratio of medians {ratio:.2f}× (per round: {rounds}); "
              f"goal ≤ {GOAL_RATIO:.0f}×: {'MET' if ratio <= GOAL_RATIO else 'MISSED'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="zt_ft_bench")
    parser.add_argument("--empty-database", default="zt_ftchain", help="emptied and migrated if need be")
    parser.add_argument("--path", default=PAGE, help="the page drawn in Chromium")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--server-only", action="store_true")
    parser.add_argument("--browser-only", action="store_true")
    parser.add_argument("--no-cache", action="store_true", help="FOLLOW_THROUGH_CACHE_SECONDS = 0")
    parser.add_argument("--side-by-side", action="store_true",
                        help="each filter live (FOLLOW_THROUGH_CELLS = False), then from the cells")
    args = parser.parse_args()
    print("Benchmark 8: follow-through at scale")
    print_machine()
    print(f"  load avg   {' '.join(f'{x:.2f}' for x in os.getloadavg())} (at start)")
    if not args.browser_only:
        print("Server time (test client, logged in):")
        server_times(args)
    if not args.server_only:
        print("Page drawn in Chromium, empty vs full database, alternating loads:")
        browser_times(args)
    print(f"  load avg   {' '.join(f'{x:.2f}' for x in os.getloadavg())} (at end)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
