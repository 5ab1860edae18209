"""Benchmark 5: time from navigation to the dashboard's charts drawn, in headless Chromium.

    .venv/bin/python bench/seed.py                  # once (also creates the empty database)
    .venv/bin/python bench/browser_charts.py [--runs 5]

Serves the app with two gunicorns in the same run — on the million-project database
(zt_bench) and on an empty one (zt_bench_empty, created and migrated here) — and loads
`/` in Debian's Chromium (/usr/bin/chromium, through Playwright; no browser download) as
the bench analyst. The time is `performance.now()` (from navigation start) when all four
charts (`Chart.getChart` on #chart-months, #chart-ranking, #chart-stage, #chart-industry)
exist — the dashboard marks itself `#dashboard[data-ready=true]` right after drawing them —
and two animation frames have passed; median of --runs after a warm-up round. Both servers
run at once and the loads alternate (empty, full, empty, full …), so that load from elsewhere
on a shared machine falls on both sides of the ratio alike.
Goal: full data at most 2 × the empty page.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))

from bench import pages_under_load as server_tools  # noqa: E402
from bench import server  # noqa: E402
from bench.machine import print_machine  # noqa: E402
from bench.seed import BENCH_PASSWORD, BENCH_USER, ensure_database, ensure_user  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHARTS = ["chart-months", "chart-ranking", "chart-stage", "chart-industry"]
# Installed before any script of the page runs: notes performance.now() when static/js/dashboard.js
# marks the dashboard ready (#dashboard[data-ready=true], set right after it has drawn the
# charts, as tests/browser detect it), then two animation frames later (painted).
RECORD_READY = """
(() => {
  const seen = () => {
    const root = document.getElementById("dashboard");
    if (!root || root.getAttribute("data-ready") !== "true" || window.__readyAt) return;
    window.__readyAt = performance.now();
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__drawnAt = performance.now(); }));
  };
  new MutationObserver(seen).observe(
    document, {subtree: true, attributes: true, attributeFilter: ["data-ready"]});
})();
"""
CHARTS_EXIST = "() => window.Chart && %s.every(id => Chart.getChart(document.getElementById(id)))" % CHARTS  # noqa: UP031


def login(page, base: str) -> None:
    """Log in through the login form. (Submitting with a bare `[type=submit]` hit the language
    switcher's button in the page header first, so the bench never got past the login page —
    why the previous run waited for charts on the login page until it timed out.)"""
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", BENCH_USER)
    page.fill("input[name=password]", BENCH_PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    if "/accounts/login/" in page.url:
        raise RuntimeError(f"login failed: still on {page.url}")


def signed_in_pages(browser, bases: dict[str, str], init_script: str) -> dict:
    """A desktop-wide page for each server (label → base URL), `init_script` installed before
    any script of the page runs, signed in as the bench analyst."""
    pages = {}
    for label, base in bases.items():
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        context.add_init_script(init_script)
        pages[label] = context.new_page()
        login(pages[label], base)
    return pages


NAVIGATION = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  return {server: n.responseStart - n.requestStart, html: n.responseEnd, dom: n.domContentLoadedEventEnd};
}"""


def _one_load(page, base: str) -> tuple[float, dict]:
    """Navigation → charts drawn (ms) and the navigation timing of that load (server: request →
    first byte; html: the page received; dom: DOMContentLoaded done)."""
    page.goto(f"{base}/", wait_until="commit", timeout=120_000)
    drawn = page.wait_for_function("() => window.__drawnAt", timeout=120_000).json_value()
    if not page.evaluate(CHARTS_EXIST):
        raise RuntimeError("the dashboard was marked ready without its four charts")
    return drawn, page.evaluate(NAVIGATION)


def measure(bases: dict[str, str], runs: int) -> dict[str, tuple[list[float], list[dict]]]:
    """Load `/` on every server in turn, `runs` rounds after a warm-up round: the loads being
    compared alternate, so a burst of load from elsewhere on the machine falls on both."""
    from playwright.sync_api import sync_playwright

    results: dict[str, tuple[list[float], list[dict]]] = {label: ([], []) for label in bases}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        pages = signed_in_pages(browser, bases, RECORD_READY)
        for i in range(runs + 1):
            for label, base in bases.items():
                drawn, phases = _one_load(pages[label], base)
                if i:  # the first round warms caches
                    results[label][0].append(drawn)
                    results[label][1].append(phases)
        browser.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="zt_bench")
    parser.add_argument("--empty-database", default="zt_bench_empty")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print("Benchmark 5: navigation → charts drawn, headless Chromium (full vs empty data, same run)")
    print_machine()
    print(
        "  chromium   "
        + subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    )
    ensure_database(args.empty_database, fresh=False)
    ensure_user(args.empty_database)
    databases = {"empty": args.empty_database, "1M projects": args.database}
    servers, bases = [], {}
    try:
        for offset, (label, database) in enumerate(databases.items()):
            port = server_tools.PORT + offset
            servers.append(server_tools.start_server(database, workers=2, port=port))
            bases[label] = f"http://{server.HOST}:{port}"
        results = measure(bases, args.runs)
    finally:
        for process in servers:
            server.stop(process)
    medians = {}
    for label, (times, phases) in results.items():
        medians[label] = statistics.median(times)
        print(f"  {label:12} median {medians[label]:7.0f} ms  (runs: {', '.join(f'{t:.0f}' for t in times)})")
        print(
            "  " + " " * 12 + "  medians: server (request → first byte) "
            f"{statistics.median(p['server'] for p in phases):.0f} ms, page received "
            f"{statistics.median(p['html'] for p in phases):.0f} ms, DOMContentLoaded "
            f"{statistics.median(p['dom'] for p in phases):.0f} ms"
        )
    empty_times, full_times = results["empty"][0], results["1M projects"][0]
    ratios = [full / empty for empty, full in zip(empty_times, full_times, strict=True)]
    ratio = medians["1M projects"] / medians["empty"]
    print(f"  ratio of medians {ratio:.2f}×; per round (alternating loads): "
          + ", ".join(f"{r:.2f}" for r in ratios) + f"; median of rounds {statistics.median(ratios):.2f}×")
    verdict = "MET" if ratio <= 2 else "MISSED"
    print(f"  goal ≤ 2 × the empty page: {verdict} ({ratio:.2f}×, ratio of medians)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
