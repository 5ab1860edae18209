"""Side by side, in one run: a benchmark's figures for the code of two checkouts (before and
after a change), each against its own database, in alternating subprocesses so that a burst of
load from elsewhere falls on both sides.

A benchmark using it takes `--before DIR --before-database DB [--rounds N]` (`add_arguments`),
measures one side when called with `--json --code DIR` (printing its figures as JSON on its
last line), and `alternate` runs the rounds.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--code", default=str(REPO_DIR), help="import the application from this checkout")
    parser.add_argument("--json", action="store_true", help="print one side's figures as JSON")
    parser.add_argument("--before", help="side by side: the checkout before the change …")
    parser.add_argument("--before-database", help="… and its database")
    parser.add_argument("--rounds", type=int, default=3)


def sides(args) -> dict[str, tuple[Path, str]]:
    return {"before": (Path(args.before).resolve(), args.before_database), "after": (REPO_DIR, args.database)}


def alternate(args, script: str, *extra: str) -> dict[str, list[dict]]:
    """Each side's figures, one per round: `script --json --code … --database … --runs …` and
    `extra`, before then after, `args.rounds` times."""
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    for round_number in range(args.rounds):
        for side, (code, database) in sides(args).items():
            command = [sys.executable, script, "--json", "--code", str(code), "--database", database,
                       "--runs", str(args.runs), *extra]
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            runs[side].append(json.loads(output.strip().splitlines()[-1]))
            print(f"  round {round_number + 1}: {side} done", file=sys.stderr)
    return runs
