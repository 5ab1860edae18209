"""Benchmark 4: pages under load — gunicorn + PostgreSQL with a million projects.

    .venv/bin/python bench/seed.py                  # once
    .venv/bin/python bench/pages_under_load.py [--seconds 60] [--clients 20] [--workers 3]

Starts gunicorn (config.wsgi) on 127.0.0.1:8765 against the seeded database, logs in as the
bench analyst through the login form, then for each page in turn runs `--clients` threads
(http.client, keep-alive, the session cookie) for `--seconds` and reports requests/s, median
and p95 latency and errors — the trivial /healthz view first, as the reference. Only
127.0.0.1 is contacted; every loop is bounded in time. Goal: no errors.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))

from bench import server  # noqa: E402
from bench.machine import print_machine  # noqa: E402
from bench.seed import BENCH_PASSWORD, BENCH_USER  # noqa: E402

HOST, PORT = server.HOST, 8765


def start_server(database: str, workers: int, port: int = PORT) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": "bench-" + "x" * 60,
        "DEBUG": "0",
        "STATIC_ROOT": str(REPO_DIR / "var" / "staticfiles"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=REPO_DIR,
        env=env,
        check=True,
        capture_output=True,
    )
    return server.start(env, port, workers, "--timeout", "120")


def login() -> str:
    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    body = response.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = urllib.parse.urlencode(
        {"username": BENCH_USER, "password": BENCH_PASSWORD, "csrfmiddlewaretoken": token}
    )
    conn.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
            "Referer": f"http://{HOST}:{PORT}/accounts/login/",
        },
    )
    response = conn.getresponse()
    response.read()
    cookies = response.getheader("Set-Cookie", "")
    session = re.search(r"sessionid=([^;]+)", cookies)
    if response.status != 302 or not session:
        raise RuntimeError(f"login failed: {response.status}")
    return f"sessionid={session.group(1)}; csrftoken={csrf_cookie}"


def load(path: str, cookie: str, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client():
        conn = http.client.HTTPConnection(HOST, PORT, timeout=120)
        mine, bad = [], []
        while time.monotonic() < stop_at:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad.append(str(response.status))
            except (OSError, http.client.HTTPException) as exc:
                bad.append(type(exc).__name__)
                conn.close()
                conn = http.client.HTTPConnection(HOST, PORT, timeout=120)
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else float("nan")
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "median": statistics.median(latencies),
        "p95": p95,
        "errors": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="zt_bench")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    print(
        f"Benchmark 4: pages under load ({args.clients} clients × {args.seconds:g} s per page, "
        f"gunicorn --workers {args.workers}, same run)"
    )
    print_machine()
    process = start_server(args.database, args.workers)
    try:
        cookie = login()
        pages = {
            "healthz (reference)": "/healthz",
            "dashboard": "/",
            "chart data": "/api/totals/",
            "project list, filtered, page 3": "/projects/?month_from=2023-01&month_to=2023-12&stage=signed&page=3",  # noqa: E501
            "search (q=)": "/projects/?q=%E6%98%9F%E8%BE%B012345",
        }
        results = {}
        for label, path in pages.items():
            results[label] = r = load(path, cookie, args.clients, args.seconds)
            print(
                f"  {label:32} {r['rps']:8.1f} req/s  median {r['median'] * 1000:7.0f} ms  "
                f"p95 {r['p95'] * 1000:7.0f} ms  {r['requests']} requests, {len(r['errors'])} errors"
                + (f" ({sorted(set(r['errors']))})" if r["errors"] else "")
            )
        reference = results["healthz (reference)"]["rps"]
        for label, r in results.items():
            print(f"    {label:32} {r['rps'] / reference:.3f}× the reference's requests/s")
        total_errors = sum(len(r["errors"]) for r in results.values())
        print(f"  goal no errors: {'MET' if total_errors == 0 else 'MISSED'} ({total_errors} errors)")
    finally:
        server.stop(process)
    return 0


if __name__ == "__main__":
    sys.exit(main())
