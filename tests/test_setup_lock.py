"""`scripts/setup` runs one at a time (issue 15, item 12).

Why: scripts/serve and scripts/worker both run scripts/setup first; started together, their
two collectstatic runs deleted each other's files (FileNotFoundError in 4 of 6 trials, and
here: 1 of 3 rounds of three setups). The setups take a lock (flock on var/setup.lock). No
network: the packages are installed already (the stamps and node_modules are there), and
the database is skipped (`--no-db`); the static files go to a folder of the test's own.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SETUP = REPO / "scripts" / "setup"
LOCK = REPO / "var" / "setup.lock"

pytestmark = pytest.mark.skipif(shutil.which("flock") is None, reason="flock (util-linux) is not installed")


def _setup(static_root: Path) -> subprocess.Popen:
    env = {**os.environ, "ZIT_STATIC_ROOT": str(static_root)}
    return subprocess.Popen([str(SETUP), "--no-db"], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_a_setup_waits_while_another_holds_the_lock(tmp_path):
    LOCK.parent.mkdir(exist_ok=True)
    static_root = tmp_path / "static"
    with open(LOCK, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        waiting = _setup(static_root)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and waiting.poll() is None and not static_root.exists():
            time.sleep(0.2)
        assert waiting.poll() is None, waiting.communicate()[0]  # still waiting for the lock
        assert not static_root.exists()  # and nothing collected meanwhile
        fcntl.flock(held, fcntl.LOCK_UN)
    output, _ = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, output
    assert "waiting for another scripts/setup" in output
    assert (static_root / "staticfiles.json").exists() or any(static_root.iterdir())


def test_setups_started_together_all_succeed(tmp_path):
    static_root = tmp_path / "static"
    first = _setup(static_root)
    assert first.wait(timeout=300) == 0, first.communicate()[0]  # a collected folder: the racy case
    together = [_setup(static_root) for _ in range(3)]
    outputs = [process.communicate(timeout=600)[0] for process in together]
    assert [process.returncode for process in together] == [0, 0, 0], outputs
    assert not any("Error" in output for output in outputs), outputs
