"""A PostgreSQL database with a million projects for the scale benchmarks (3, 4, 5).

    .venv/bin/python bench/seed.py [--database zt_bench] [--projects 1000000] [--fresh]

Creates the database (if missing), migrates it (which loads the zone gazetteer), and fills
it with COPY: batches and projects over every national zone and 120 months (2015-01 to
2024-12), with candidates, rejected records, batch members, merged duplicates, undated and
amount-less records mixed in. Each project has its event chain (`bench/chains.py`: signed; about
55 % started 1–30 months later, about 25 % in operation, at mixed day/month/year precision; some
first reported as started; duplicates reported again and merged, their events on the target) and
the follow-through timeline derived from it by `projects.timeline.timeline_fields`, written in
the same COPY (what `projects.timeline.backfill` would compute, without a million updates). Then
rebuilds the totals rollup and the follow-through's cells (`manage.py rebuild_rollup`, timed)
and ANALYZEs. No history rows are written for the seeded records (COPY bypasses the ORM on
purpose: a million saves would take hours). Creates the user `bench` / `bench-pass-123`
(analyst) for the page benchmarks. Skips seeding when the database already has the rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import psycopg

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))

from bench import chains  # noqa: E402

PYTHON = sys.executable
INDUSTRIES = [
    "光伏",
    "储能",
    "新材料",
    "集成电路",
    "生物医药",
    "新能源汽车",
    "智能制造",
    "数字经济",
    "电子信息",
    "新能源",
    "高端装备",
    "节能环保",
    "航空航天",
    "现代物流",
    "",
]
NAME_PARTS = ["星辰", "博越", "晶合", "华拓", "海创"]
MONTHS = [dt.date(2015 + m // 12, m % 12 + 1, 1) for m in range(120)]
BENCH_USER, BENCH_PASSWORD = "bench", "bench-pass-123"


def database_url(name: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def manage(name: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url(name)}
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=REPO_DIR, env=env, check=check, capture_output=True, text=True
    )


def ensure_database(name: str, fresh: bool) -> None:
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    manage(name, "migrate", "--noinput")


def django_setup(name: str) -> None:
    """Django for the seeded database (the timeline derivation, `projects.timeline`)."""
    os.environ["DATABASE_URL"] = database_url(name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def seed(name: str, n_projects: int, seed_value: int = 7) -> None:
    rnd = random.Random(seed_value)
    django_setup(name)
    conn = psycopg.connect(database_url(name).replace("postgres://", "postgresql://"))
    have = conn.execute("SELECT count(*) FROM projects_project").fetchone()[0]
    if have >= n_projects:
        print(f"  {name}: {have} projects already there, not seeding")
        return
    if have:
        raise SystemExit(f"{name} has {have} projects (fewer than {n_projects}): run with --fresh")
    zones = [row[0] for row in conn.execute("SELECT id FROM zones_zone WHERE level = 'national' ORDER BY id")]
    now = dt.datetime.now(dt.UTC)
    start = time.perf_counter()

    def money(rnd):
        if rnd.random() < 0.08:
            return None, False
        return f"{rnd.randrange(1, 2_000_000) * 1000}.00", rnd.random() < 0.3

    def status(rnd):
        r = rnd.random()
        return "confirmed" if r < 0.75 else "candidate" if r < 0.93 else "rejected"

    n_batches = n_projects // 30
    batch_info = []
    with conn.cursor() as cur:
        with cur.copy(
            "COPY projects_batch (id, zone_id, title, project_count, review_status, merged_into_id, "
            "amount, amount_max, currency, amount_yuan, amount_text, approximate, date, date_precision, "
            "created_at, updated_at) FROM STDIN"
        ) as copy:
            for i in range(1, n_batches + 1):
                zone, month = rnd.choice(zones), rnd.choice(MONTHS)
                day = None if rnd.random() < 0.02 else month + dt.timedelta(days=rnd.randrange(28))
                yuan, approximate = money(rnd)
                merged = rnd.randrange(1, i) if i > 10 and rnd.random() < 0.03 else None
                batch_info.append((zone, day))
                copy.write_row(
                    (
                        i,
                        zone,
                        "",
                        rnd.randrange(3, 40),
                        status(rnd),
                        merged,
                        yuan,
                        None,
                        "CNY",
                        yuan,
                        "",
                        approximate,
                        day,
                        "day" if day else "",
                        now,
                        now,
                    )
                )
        events = copy_projects(cur, rnd, n_projects, zones, batch_info, status, money, now)
        with cur.copy(
            "COPY projects_projectevent (project_id, stage, note, date, date_precision) FROM STDIN"
        ) as copy:
            for row in events:
                copy.write_row(row)
        n_events = len(events)
        del events
        for table in ("projects_batch", "projects_project"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    conn.commit()
    print(
        f"  {name}: COPY of {n_batches} batches, {n_projects} projects and {n_events} events "
        f"in {time.perf_counter() - start:.0f} s"
    )
    start = time.perf_counter()
    out = manage(name, "rebuild_rollup")
    print(
        f"  {out.stdout.strip()} (manage.py rebuild_rollup, {time.perf_counter() - start:.0f} s with start-up)"  # noqa: E501
    )
    conn.autocommit = True
    conn.execute("VACUUM ANALYZE")
    conn.close()


PROJECT_COLUMNS = (
    "id", "name", "zone_id", "investor", "industry", "stage", "jobs", "batch_id", "review_status",
    "merged_into_id", "amount", "amount_max", "currency", "amount_yuan", "amount_text", "approximate",
    "date", "date_precision", "created_at", "updated_at", "search_document",
)


def copy_projects(cur, rnd, n_projects, zones, batch_info, status, money, now) -> list[tuple]:
    """COPY the projects, each with its event chain (`bench/chains.py`) and the timeline the
    follow-through reads, stored as `projects.timeline` derives it from those events; a project
    reported again follows as the next id, merged into it. Returns the event rows to COPY."""
    from projects.search import document  # the search document a save would store
    from projects.timeline import TIMELINE_FIELDS, Event, own_event, timeline_fields

    events: list[tuple] = []
    columns = ", ".join(PROJECT_COLUMNS + TIMELINE_FIELDS)
    with cur.copy(f"COPY projects_project ({columns}) FROM STDIN") as copy:
        i, pending = 0, None
        while i < n_projects:
            i += 1
            if pending is not None:  # the same project reported again in another issue: merged
                target, zone, investor, industry, (stage, day, precision) = pending
                pending = None
                name = f"{rnd.choice(NAME_PARTS)}{target}号项目二期"
                timeline = timeline_fields(own_event(stage, day, precision))
                copy.write_row((
                    i, name, zone, investor, industry, stage, None, None, "candidate", target, None, None,
                    "CNY", None, "", False, day, precision, now, now, document(name, investor),
                    *timeline.values(),
                ))
                continue
            batch = None
            if rnd.random() < 0.12:  # a member of a batch, in its zone and month
                batch = rnd.randrange(1, len(batch_info) + 1)
                zone, day = batch_info[batch - 1]
            else:
                zone = rnd.choice(zones) if rnd.random() > 0.005 else None
                day = rnd.choice(MONTHS) + dt.timedelta(days=rnd.randrange(28))
                day = None if rnd.random() < 0.03 else day
            project = chains.chain(rnd, day, member=batch is not None)
            date, precision = project.date
            yuan, approximate = money(rnd)
            title = f"{rnd.choice(NAME_PARTS)}{i}号项目"
            investor = f"投资方{rnd.randrange(50_000)}有限公司"
            industry = rnd.choice(INDUSTRIES)
            timeline = timeline_fields([Event(*event) for event in project.events])
            copy.write_row((
                i, title, zone, investor, industry, project.stage, None, batch, status(rnd), None,
                yuan, None, "CNY", yuan, "", approximate, date, precision, now, now,
                document(title, investor), *timeline.values(),
            ))
            events.extend((i, stage, "", event_day, event_precision)
                          for stage, event_day, event_precision in project.events)
            if project.duplicate_of_event is not None:
                pending = (i, zone, investor, industry, project.duplicate_of_event)
    return events


def ensure_user(name: str) -> None:
    manage(
        name, "create_role_user", BENCH_USER, "--role", "analyst", "--password", BENCH_PASSWORD, check=False
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="zt_bench")
    parser.add_argument("--projects", type=int, default=1_000_000)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    args = parser.parse_args()
    ensure_database(args.database, args.fresh)
    seed(args.database, args.projects)
    ensure_user(args.database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
