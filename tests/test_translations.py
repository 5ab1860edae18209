"""Every user-facing string has its English translation (issue 13, "translation leaks").

Two checks: the English catalogue has no empty or fuzzy entry, and `makemessages` run over
the code as it is (in a scratch copy, so the repository's catalogue is untouched) finds no
string the catalogue lacks."""

from __future__ import annotations

import shutil
import subprocess
import sys

import polib
import pytest

from tests.conftest import REPO_DIR

CATALOGUE = REPO_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
# What makemessages reads: the apps, templates and settings (not the venv, tests or data).
SOURCES = ("accounts", "articles", "config", "ops", "projects", "zones", "templates", "manage.py")
IGNORED = ("*/migrations/*", "*/parsing/data/*")


def untranslated(path) -> list[str]:
    """msgids of `path` with no English text (an empty msgstr or plural form) or marked fuzzy."""
    missing = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        if entry.fuzzy or not all(text.strip() for text in texts):
            context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
            missing.append(f"{context}{entry.msgid}")
    return missing


def test_the_english_catalogue_has_no_empty_or_fuzzy_entry():
    assert untranslated(CATALOGUE) == []


@pytest.mark.skipif(not shutil.which("xgettext"), reason="xgettext (gettext) is not installed")
def test_makemessages_finds_no_string_without_a_translation(tmp_path):
    for name in SOURCES:
        source = REPO_DIR / name
        target = tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy2(source, target)
    shutil.copytree(REPO_DIR / "locale", tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))
    command = [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v", "0"]
    for pattern in IGNORED:
        command += ["--ignore", pattern]
    subprocess.run(command, cwd=tmp_path, check=True, capture_output=True, timeout=300)
    assert untranslated(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po") == []
