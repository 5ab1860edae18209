"""The parser on the real dev pages (../shared/dev-pages), scored by their own scorer.

`score.py` runs `manage.py parse_bulletin` on each of the 28 real pages (here in this
process: see `_InProcess`) and compares the JSON with the hand-made gold (definitions in ../shared/dev-pages/README.md). Its summary
must meet the goals of issue 10; the texts stay in ../shared (third-party pages are never
copied here), so the test skips, saying why, where ../shared is absent.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import subprocess
import sys
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import REPO_DIR, SHARED_DIR

DEV_PAGES = SHARED_DIR / "dev-pages"

# Issue 10's goals, and an amount recall below the 0.973–1.0 measured with parser 4.3–4.4 (not to be lowered).
GOALS = {
    "amount_precision": 0.95,
    "amount_recall": 0.97,
    "kind_accuracy": 0.95,
    "fact_zone_accuracy": 0.90,
    "zone_recall": 0.90,
    "date_accuracy": 0.90,
}


class _InProcess:
    """Stands in for `subprocess` inside the scorer: each `manage.py parse_bulletin FILE
    [--issue-date D]` it would start runs through `call_command` in this process instead
    (the same command, without 28 interpreter start-ups)."""

    TimeoutExpired = subprocess.TimeoutExpired

    @staticmethod
    def run(cmd, **_kwargs):
        args = cmd[cmd.index("parse_bulletin") + 1 :]
        out = io.StringIO()
        try:
            call_command("parse_bulletin", *args, stdout=out)
        except CommandError as exc:
            return subprocess.CompletedProcess(cmd, 1, b"", str(exc).encode())
        return subprocess.CompletedProcess(cmd, 0, out.getvalue().encode("utf-8"), b"")


@pytest.fixture(scope="module")
def summary(tmp_path_factory):
    scorer_path = DEV_PAGES / "score.py"
    if not scorer_path.exists():
        pytest.skip(f"dev pages not found under {DEV_PAGES} (clone beside ../shared to run it)")
    spec = importlib.util.spec_from_file_location("dev_pages_score", scorer_path)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    scorer.subprocess = _InProcess
    out = tmp_path_factory.mktemp("dev-pages") / "score.json"
    argv = [
        "score.py",
        *("--project", str(REPO_DIR), "--python", sys.executable),
        *("--gold", str(DEV_PAGES / "gold.json"), "--articles", str(DEV_PAGES / "articles")),
        *("--json", str(out)),
    ]
    report = io.StringIO()
    with mock.patch.object(sys, "argv", argv), contextlib.redirect_stdout(report):
        assert scorer.main() == 0
    return json.loads(out.read_text()), report.getvalue()


def test_dev_pages_meet_the_goals(summary):
    figures, report = summary
    assert figures["crashes"] == 0, report
    low = {k: (figures[k], goal) for k, goal in GOALS.items() if figures[k] < goal}
    assert not low, f"below the goals (figure, goal): {low}\n{report}"


def test_no_amounts_on_pages_without_investment(summary):
    figures, report = summary
    assert figures["negative_false_amounts"] == 0, report
