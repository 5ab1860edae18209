"""This checkout served by gunicorn for a benchmark (the app as it runs in production): started
in a session of its own, ready once `/healthz` answers, stopped with all its workers.

    process = server.start(env, port, workers=2)
    try: ...
    finally: server.stop(process)

Only 127.0.0.1 is bound; waiting for the server is bounded in time.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def start(env: dict[str, str], port: int, workers: int, *options: str) -> subprocess.Popen:
    """gunicorn (config.wsgi) on HOST:`port` with these settings (`env`) and gunicorn `options`,
    returned once it answers `/healthz`; a server that does not within 60 s is stopped."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "config.wsgi", "--bind", f"{HOST}:{port}", "--workers", str(workers), *options,
         "--log-level", "warning"],
        cwd=REPO_DIR,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's whole session (the master and its workers), then wait for it."""
    os.killpg(process.pid, 15)
    process.wait(timeout=30)
