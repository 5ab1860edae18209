"""Settings and the environment: every variable the code reads is in the README's tables, and
importing the settings (and setting Django up) creates no folder; the folders are made where
they are first used."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.conftest import REPO_DIR

# Where the code reads the environment: the apps, the settings, the scripts, CI and the tests.
SCANNED = ("accounts", "articles", "config", "ops", "projects", "zones", "tests", "scripts", ".ci", "manage.py")
OLD_NAMES = re.compile(r"\bold=\(([^)]*)\)")  # the old names the readers fall back to
PYTHON_READS = [
    re.compile(r"\benv_(?:str|int|bool|list)\(\s*\"([A-Z][A-Z0-9_]*)\""),  # config.env readers
    OLD_NAMES,
    re.compile(r"os\.environ(?:\.get|\.pop)?[\[(]\s*\"([A-Z][A-Z0-9_]*)\""),
    re.compile(r"\bgetenv\(\s*\"([A-Z][A-Z0-9_]*)\""),
    re.compile(r"\b[A-Z_]*_ENV\s*=\s*\"([A-Z][A-Z0-9_]*)\""),  # a name kept in a constant
]
SHELL_READS = re.compile(r"\$\{([A-Z][A-Z0-9_]*):?[-?]")  # a default (:-) or a required value (:?)
README_NAME = re.compile(r"`([A-Z][A-Z0-9_]*)`")


def files():
    for name in SCANNED:
        path = REPO_DIR / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from (p for p in sorted(path.rglob("*")) if p.is_file() and "__pycache__" not in p.parts
                        and (p.suffix == ".py" or p.suffix == "" or p.suffix == ".sh"))


def variables_read() -> dict[str, set[str]]:
    """Every environment variable named in a read, and the files that read it."""
    found: dict[str, set[str]] = {}
    for path in files():
        text = path.read_text(encoding="utf-8", errors="replace")
        names = set(SHELL_READS.findall(text))
        for pattern in PYTHON_READS:
            for match in pattern.findall(text):
                names.update(re.findall(r"\"([A-Z][A-Z0-9_]+)\"", match) if pattern is OLD_NAMES else [match])
        for name in names:
            found.setdefault(name, set()).add(str(path.relative_to(REPO_DIR)))
    return found


def documented() -> tuple[set[str], set[str]]:
    """Names in the first column of the README's tables, and those of them marked as old names."""
    names: set[str] = set()
    old: set[str] = set()
    for line in (REPO_DIR / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            names.update(README_NAME.findall(first))
            if "(old name" in first:
                old.update(README_NAME.findall(first.split("(old name", 1)[1]))
    return names, old


def test_every_variable_the_code_reads_is_in_the_readme():
    read = variables_read()
    assert {"DATABASE_URL", "ZIT_VAR_DIR", "ZIT_BROKER_DIR", "ZIT_TEST_SLOW_PARSE_SECONDS"} <= set(read)
    missing = {name: sorted(where) for name, where in read.items() if name not in documented()[0]}
    assert missing == {}


def test_our_own_variables_carry_one_prefix():
    """Our knobs are ZIT_…; the standard names stay; an old name is read only as a fallback."""
    standard = {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS",
                "DEBUG", "WEB_CONCURRENCY"}
    others = {name for name in variables_read() if not name.startswith("ZIT_")} - standard - documented()[1]
    assert others == set()


def run_python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO_DIR, env=env, capture_output=True, text=True,
                          timeout=120)


def fresh_env(var_dir) -> dict:
    """The environment of a new install: nothing of ours set but a VAR folder that does not exist."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ZIT_", "CELERY_", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"))}
    return {**env, "ZIT_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "config.settings"}


def test_importing_the_settings_and_setting_django_up_creates_no_folder(tmp_path):
    var_dir = tmp_path / "var"
    done = run_python("import django, config.settings; django.setup(); print('ready')", fresh_env(var_dir))
    assert done.stdout.strip() == "ready", done.stderr
    assert not var_dir.exists(), sorted(p.name for p in var_dir.rglob("*"))


def test_the_folders_are_made_where_they_are_first_used(tmp_path):
    """manage.py (any command) makes var/ and the file-system broker's folders."""
    var_dir = tmp_path / "var"
    done = subprocess.run([sys.executable, "manage.py", "check"], cwd=REPO_DIR, env=fresh_env(var_dir),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert {p.name for p in (var_dir / "celery-broker").iterdir()} == {"queue", "processed", "control"}
