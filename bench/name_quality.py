"""Print how many of the parser's project names on the real pages an editor could keep.

    ZIT_SHARED_DIR=/path/to/shared .venv/bin/python bench/name_quality.py [-v]

The yardstick is `tests/parsing/name_quality.py` (its docstring defines "keepable");
`tests/parsing/test_name_quality.py` asserts the same share. Failures are always listed;
-v also lists the names the checker accepts, for checking a sample of them by hand.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.parsing.name_quality import keepable_share, name_problem, real_page_projects


def main(argv: list[str]) -> int:
    shared = Path(os.environ.get("ZIT_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
    if not (shared / "dev-pages").is_dir():
        print(f"no real pages under {shared} (set ZIT_SHARED_DIR)", file=sys.stderr)
        return 2
    sets = real_page_projects(shared)
    for label, projects in [*sets.items(), ("all", [p for ps in sets.values() for p in ps])]:
        share, failures = keepable_share(projects)
        named = sum(1 for p in projects if p.name)
        print(
            f"{label}: projects={len(projects)} named={named} keepable={named - len(failures)} "
            f"share={share:.3f} nameless={len(projects) - named}"
        )
    for label, projects in sets.items():
        _, failures = keepable_share(projects)
        for p, why in failures:
            print(f"  FAIL {label} {p.source}: {p.name!r} — {why}")
        if "-v" in argv:
            for p in projects:
                if p.name and name_problem(p.name) is None:
                    print(f"  ok   {label} {p.source}: {p.name!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
