"""Time and peak memory of a big export (issue 15, item 14), each in a fresh process.

    .venv/bin/python bench/export_at_scale.py [--database zt_bench] [--code DIR] [--query Q]

Asks `/exports/projects.csv` and `.xlsx` (default: every review status, every month — the
largest export the seeded database has, `bench/seed.py`) through Django's test client as the
seeded analyst `bench`, reads the whole body as a client would (to disk), and prints one JSON
line per format: rows, bytes, seconds, and the process's peak RSS (before the request and
after). Each format runs in its own process, so one's peak does not hide the other's.
`--code DIR`: import the application from DIR instead of this checkout (a `git archive` of
the code before the change, for the before/after figures in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
EVERYTHING = "review_status=confirmed&review_status=candidate&review_status=rejected&range=all"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(database: str, code: Path, query: str, fmt: str) -> dict:
    sys.path.insert(0, str(code))
    os.chdir(code)
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    client.get("/exports/projects.csv?zone=no-rows-here")  # imports and connections warm
    before = _peak_mb()
    start = time.perf_counter()
    response = client.get(f"/exports/projects.{fmt}?{query}")
    first_byte = time.perf_counter() - start
    size = 0
    with tempfile.TemporaryFile() as received:
        chunks = response.streaming_content if response.streaming else [response.content]
        for chunk in chunks:
            received.write(chunk)
            size += len(chunk)
        seconds = time.perf_counter() - start
        received.seek(0)
        rows = _rows(fmt, received)
    return {"format": fmt, "status": response.status_code, "streaming": response.streaming,
            "rows": rows, "bytes": size, "first_byte_s": round(first_byte, 2), "seconds": round(seconds, 2),
            "peak_rss_mb_before_request": round(before), "peak_rss_mb": round(_peak_mb())}


def _rows(fmt: str, received) -> int:
    """Lines of the CSV / rows of the sheet, counted after the measurement."""
    if fmt == "csv":
        return sum(1 for _line in received)
    from openpyxl import load_workbook

    return sum(1 for _row in load_workbook(received, read_only=True).active.iter_rows(values_only=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="zt_bench")
    parser.add_argument("--code", default=str(BENCH_DIR.parent))
    parser.add_argument("--query", default=EVERYTHING)
    parser.add_argument("--format", choices=("csv", "xlsx"), help="(internal) measure one format here")
    args = parser.parse_args()
    if args.format:
        print(json.dumps(measure(args.database, Path(args.code).resolve(), args.query, args.format)))
        return 0
    for fmt in ("csv", "xlsx"):
        subprocess.run([sys.executable, __file__, "--database", args.database, "--code", args.code,
                        "--query", args.query, "--format", fmt], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
