"""Benchmark 2: ingest throughput — upload → a real Celery worker → PostgreSQL.

    .venv/bin/python bench/ingest_throughput.py [--size 10] [--database zt_ingest] [--reparse]
                                                [--long-sentence]

Creates (fresh) and migrates the database, starts a real Celery worker (the command of
scripts/worker, as tests/worker.py does) on Redis (db 9) against it, uploads the generated
bulletin through `articles.uploads.accept_upload` and waits until the bulletin is parsed.
Reports articles stored per second (of the task's own started_at → finished_at), and the
share of that time spent parsing vs writing: the parse is `parse_bytes` on the same bytes,
timed in this process on the same machine just before; writing is the rest of the task's
time (claim, progress updates and `store_parse`). Goal: writing costs less than parsing.
The task logs its own phases (parse, write), read from the worker's log and printed beside
the parse alone in one table row. `--reparse` then times storing the same parse again (every
candidate replaced: the bulk delete with its history, then the write). `--long-sentence`
uploads the same amount of text as one comma-joined sentence (bench/long_sentence.py: a file
whose full stops were lost, issue 15) instead of the bulletin.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))

BROKER = "redis://127.0.0.1:6379/9"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=float, default=10)
    parser.add_argument("--database", default="zt_ingest")
    parser.add_argument("--reparse", action="store_true", help="then time storing the same parse again")
    parser.add_argument("--long-sentence", action="store_true", help="upload one comma-joined sentence")
    args = parser.parse_args()
    from bench.seed import ensure_database

    ensure_database(args.database, fresh=True)
    limits = {
        "CELERY_TASK_SOFT_TIME_LIMIT": "3000",
        "CELERY_TASK_TIME_LIMIT": "3500",
        "CELERY_VISIBILITY_TIMEOUT": "7200",
        "ZIT_UPLOAD_MAX_BYTES": str(64 * 1024 * 1024),
    }
    os.environ.update(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}",
            "CELERY_BROKER_URL": BROKER,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            **limits,
        }
    )
    import django

    django.setup()
    from articles.models import Bulletin
    from articles.parsing.pipeline import parse_bytes
    from articles.parsing.zones import load_gazetteer
    from articles.uploads import accept_upload
    from bench.bulletin import bulletin_bytes
    from bench.machine import print_machine
    from projects.models import Batch, Project

    what = "text in one sentence" if args.long_sentence else "bulletin"
    print(f"Benchmark 2: ingest throughput ({args.size:g} MB {what}, upload → Celery worker → PostgreSQL)")
    print_machine()
    if args.long_sentence:
        from bench.long_sentence import long_sentence

        data = long_sentence(int(args.size * 1024 * 1024), seed=99).encode("utf-8")
    else:
        data = bulletin_bytes(args.size, seed=99)
    gazetteer = load_gazetteer()
    start = time.perf_counter()
    parsed = parse_bytes(data, gazetteer=gazetteer)
    parse_seconds = alone_seconds = time.perf_counter() - start
    print(f"  parse alone (same bytes, this process): {parse_seconds:.1f} s, {len(parsed.articles)} articles")

    log = Path(tempfile.mkdtemp()) / "worker.log"
    celery = Path(sys.executable).with_name("celery")
    with open(log, "wb") as out:
        worker = subprocess.Popen(
            [
                str(celery),
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                "bench@%h",
            ],
            cwd=REPO_DIR,
            env=os.environ.copy(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while " ready." not in log.read_text(errors="replace"):
            if time.monotonic() > deadline or worker.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace"))
            time.sleep(0.2)
        upload_start = time.perf_counter()
        result = accept_upload(data, original_name="bench.txt", publication="基准测试报", issue_date=None)
        bulletin_id = result.bulletin.pk
        deadline = time.monotonic() + 3600
        while True:
            bulletin = Bulletin.objects.get(pk=bulletin_id)
            if (
                bulletin.status in (Bulletin.Status.PARSED, Bulletin.Status.FAILED)
                or time.monotonic() > deadline
            ):
                break
            time.sleep(1)
        wall = time.perf_counter() - upload_start
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=60)
    if bulletin.status != Bulletin.Status.PARSED:
        print(f"  FAILED: status {bulletin.status}: {bulletin.error[:300]}")
        return 1
    task_seconds = (bulletin.finished_at - bulletin.started_at).total_seconds()
    write_seconds = task_seconds - parse_seconds
    articles = bulletin.articles.count()
    print(
        f"  stored {articles} articles, {Project.objects.count()} projects, {Batch.objects.count()} batches"
    )
    print(
        f"  upload → parsed: {wall:.1f} s wall; the task itself {task_seconds:.1f} s "
        f"→ {articles / task_seconds:.0f} articles/s"
    )
    print(
        f"  parse {parse_seconds:.1f} s ({parse_seconds / task_seconds:.0%}), write {write_seconds:.1f} s "
        f"({write_seconds / task_seconds:.0%}); write/parse = {write_seconds / parse_seconds:.2f}"
    )
    # The task's own phase timings (articles/tasks.py logs them), when the worker logged them.
    import re

    phases = re.search(r"parse ([\d.]+) s, write ([\d.]+) s", log.read_text(errors="replace"))
    if phases:
        in_parse, in_write = float(phases[1]), float(phases[2])
        print(
            f"  inside the worker: parse {in_parse:.1f} s, write {in_write:.1f} s; "
            f"write/parse = {in_write / in_parse:.2f}; {articles / in_write:.0f} articles/s written"
        )
        write_seconds, parse_seconds = in_write, in_parse
    print(f"  goal write < parse: {'MET' if write_seconds < parse_seconds else 'MISSED'}")
    # The same figures side by side, as docs/benchmarks.md tabulates them.
    in_parse, in_write = (float(phases[1]), float(phases[2])) if phases else (float("nan"),) * 2
    print("  | parse alone | task | parse in task | write in task | write / parse "
          "| articles/s (task, write) |")
    print(
        f"  | {alone_seconds:.1f} s | {task_seconds:.1f} s | {in_parse:.1f} s | {in_write:.1f} s "
        f"| {in_write / in_parse:.2f} | {articles / task_seconds:.0f}, {articles / in_write:.0f} |"
    )
    if args.reparse:
        reparse(bulletin_id)
    return 0


def reparse(bulletin_id: int) -> None:
    """Store the same parse again in this process (`store_parse` directly): what "parse again"
    costs when every candidate is replaced (deleted with its history, then written anew)."""
    from articles.ingest import store_parse
    from articles.models import Bulletin
    from articles.parsing.pipeline import parse_bytes
    from articles.parsing.zones import load_gazetteer

    bulletin = Bulletin.objects.select_related("file").get(pk=bulletin_id)
    parsed = parse_bytes(bytes(bulletin.file.data), gazetteer=load_gazetteer())
    start = time.perf_counter()
    store_parse(bulletin, parsed)
    seconds = time.perf_counter() - start
    print(f"  parse again (store_parse of the same parse, in this process): {seconds:.1f} s")


if __name__ == "__main__":
    sys.exit(main())
