"""Backup and restore, as docs/backup.md tells an operator to do them:

(a) PostgreSQL: `pg_dump -Fc` of a database with data → `pg_restore` into a fresh database →
    the same rows in every table, the same totals and the same stored bytes;
(b) moving from the SQLite default to PostgreSQL: `export_data` (dumpdata with natural keys)
    from a SQLite database → `migrate` + `import_data` into a fresh PostgreSQL database →
    the same counts, totals, files and history (and no collision with the gazetteer rows
    that the target's migrations load).

Both create temporary databases on the local PostgreSQL and drop them afterwards; they skip,
saying why, where PostgreSQL does not answer or (a) where this run is not on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import uuid

import pytest
from django.db import connection

from tests import worker as worker_tools

PG_ADMIN = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres"}
FINGERPRINT = "import json; from ops.backup import fingerprint; print(json.dumps(fingerprint(), sort_keys=True))"


def pg_admin_connection():
    psycopg = pytest.importorskip("psycopg")
    settings = connection.settings_dict if connection.vendor == "postgresql" else {}
    params = {
        **PG_ADMIN,
        "host": settings.get("HOST") or PG_ADMIN["host"],
        "port": settings.get("PORT") or PG_ADMIN["port"],
        "user": settings.get("USER") or PG_ADMIN["user"],
    }
    if settings.get("PASSWORD"):
        params["password"] = settings["PASSWORD"]
    try:
        conn = psycopg.connect(**params, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL at {params['host']}:{params['port']} does not answer: {exc}")
    return conn, params


@pytest.fixture
def scratch_pg_database():
    """Names of fresh PostgreSQL databases, created on request and dropped at the end."""
    conn, params = pg_admin_connection()
    created: list[str] = []

    def create() -> tuple[str, str]:
        name = f"zt_scratch_{uuid.uuid4().hex[:10]}"
        conn.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        password = f":{params['password']}" if params.get("password") else ""
        return name, f"postgres://{params['user']}{password}@{params['host']}:{params['port']}/{name}"

    yield create
    for name in created:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def manage(*args: str, database_url: str, tmp_path, eager: bool = False) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "ZIT_VAR_DIR": str(tmp_path / "var")}
    env.pop("CELERY_BROKER_URL", None)  # nothing here talks to a broker
    if eager:
        env["CELERY_TASK_ALWAYS_EAGER"] = "1"
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=worker_tools.REPO_DIR, env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def fingerprint(database_url: str, tmp_path) -> dict:
    out = manage("shell", "-c", FINGERPRINT, database_url=database_url, tmp_path=tmp_path)
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


# --- (a) PostgreSQL: pg_dump → pg_restore ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_pg_dump_and_pg_restore_give_back_the_same_rows(scratch_pg_database, tmp_path, make_user, django_capture_on_commit_callbacks):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore apply to PostgreSQL; this run's DATABASE_URL is SQLite")
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    from articles.uploads import accept_upload
    from projects.models import Project, ReviewStatus
    from projects.services import set_review_status
    from tests.fault_tools import generated_page

    editor = make_user("editor")
    bulletin = accept_upload(
        generated_page(4, tag="备"), original_name="b.txt", publication="备份测试",
        issue_date=dt.date(2023, 5, 19), user=editor,
    ).bulletin  # committed at once, parsed eagerly
    bulletin.refresh_from_db()
    assert bulletin.status == "parsed"
    set_review_status(Project.objects.all()[:5], ReviewStatus.CONFIRMED, user=editor)

    source_url = worker_tools.test_database_url()
    before = fingerprint(source_url, tmp_path)
    assert before["counts"]["projects.Project"] == 8 and before["total_records"] == 5
    assert before["history_users"] == ["editor-user"]

    dump = tmp_path / "zonetracker.dump"
    settings = connection.settings_dict
    conn_args = ["-h", settings.get("HOST") or "127.0.0.1", "-p", str(settings.get("PORT") or 5432),
                 "-U", settings.get("USER") or "postgres"]
    subprocess.run(["pg_dump", *conn_args, "-Fc", "-f", str(dump), settings["NAME"]], check=True, timeout=120)
    name, restored_url = scratch_pg_database()
    subprocess.run(
        ["pg_restore", *conn_args, "--no-owner", "--exit-on-error", "-d", name, str(dump)], check=True, timeout=120
    )
    after = fingerprint(restored_url, tmp_path)
    assert after == before
    assert "no problems found" in manage("check_integrity", database_url=restored_url, tmp_path=tmp_path)


# --- (b) SQLite default → PostgreSQL: export_data → migrate + import_data -------------------


def test_moving_from_sqlite_to_postgresql_keeps_every_row_total_file_and_history(scratch_pg_database, tmp_path):
    sqlite_url = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    manage("migrate", "-v0", database_url=sqlite_url, tmp_path=tmp_path)
    # The demo bulletins through the real pipeline (eager), confirmed by the demo admin.
    manage("load_demo", database_url=sqlite_url, tmp_path=tmp_path, eager=True)
    before = fingerprint(sqlite_url, tmp_path)
    assert before["counts"]["articles.Bulletin"] >= 3 and before["total_records"] > 0
    assert before["history_users"] == ["admin"] and before["files"]

    dump = tmp_path / "move.json"
    manage("export_data", str(dump), database_url=sqlite_url, tmp_path=tmp_path)
    _, pg_url = scratch_pg_database()
    manage("migrate", "-v0", database_url=pg_url, tmp_path=tmp_path)  # loads the gazetteer again
    out = manage("import_data", str(dump), database_url=pg_url, tmp_path=tmp_path)
    assert out.startswith("imported ")

    after = fingerprint(pg_url, tmp_path)
    assert after == before  # every model's count, the totals, the files' bytes, who changed what
    assert "no problems found" in manage("check_integrity", database_url=pg_url, tmp_path=tmp_path)

    # Importing twice is refused, and leaves the database as it was.
    env = {**os.environ, "DATABASE_URL": pg_url, "ZIT_VAR_DIR": str(tmp_path / "var")}
    again = subprocess.run(
        [sys.executable, "manage.py", "import_data", str(dump)], cwd=worker_tools.REPO_DIR, env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert again.returncode == 1 and "already holds" in again.stderr
    assert fingerprint(pg_url, tmp_path) == before
