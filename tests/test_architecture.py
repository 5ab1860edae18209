"""The layering of docs/architecture.md holds: `lint-imports` keeps every contract in
pyproject.toml ([tool.importlinter]), and it does fail when a module breaks one.

The second half plants a wrong import in a copy of the apps (never in the repository) and
checks that the same command, with the same contracts, refuses it: a check that cannot fail
would prove nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test.utils import isolate_apps

REPO_DIR = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
APPS = ("config", "ops", "articles", "projects", "zones", "accounts")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=cwd, env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=300,
    )


def test_every_import_contract_is_kept():
    result = lint_imports(REPO_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


@pytest.fixture
def copy_of_the_apps(tmp_path):
    """The apps and the contracts, copied into a temp folder, to be broken there."""
    for app in APPS:
        shutil.copytree(REPO_DIR / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO_DIR / "pyproject.toml", tmp_path)

    def plant(module: str, line: str) -> None:
        path = tmp_path.joinpath(*module.split(".")).with_suffix(".py")
        path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # planted\n", encoding="utf-8")

    assert lint_imports(tmp_path).returncode == 0  # the copy keeps the contracts, as the repo does
    return tmp_path, plant


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("projects.dedup", "from articles import models", "projects is not allowed to import articles"),
        ("zones.matching", "from projects import models", "zones is not allowed to import projects"),
        ("accounts.roles", "import zones.models", "accounts is not allowed to import zones"),
        ("articles.parsing.types", "import django.db", "articles.parsing is not allowed to import django"),
        ("articles.parsing.types", "from articles import models",
         "articles.parsing is not allowed to import articles.models"),
        ("articles.tasks", "from . import sweeper", "No cycles are allowed in articles"),
    ],
)
def test_a_wrong_import_breaks_a_contract(copy_of_the_apps, module, line, broken):
    folder, plant = copy_of_the_apps
    plant(module, line)
    result = lint_imports(folder)
    assert result.returncode == 1, result.stdout + result.stderr
    assert broken in result.stdout


# The same order for the database: a foreign key (or many-to-many) of an app points only at its
# own app, a lower one, or Django's. An import contract cannot see `ForeignKey("app.Model")`.
LAYERS = ("ops", "articles", "projects", "zones", "accounts")


def upward_relations(models) -> list[str]:
    wrong = []
    for model in models:
        own = model._meta.app_label
        if own not in LAYERS:
            continue
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            target = field.related_model._meta.app_label
            if target in LAYERS and LAYERS.index(target) < LAYERS.index(own):
                wrong.append(f"{model._meta.label}.{field.name} → {field.related_model._meta.label}")
    return wrong


def test_foreign_keys_point_down_the_layers_only():
    from django.apps import apps

    assert upward_relations(apps.get_models(include_auto_created=True)) == []


@isolate_apps("projects")
def test_an_upward_foreign_key_would_be_found():
    """The check sees a relation from projects up to articles (as ProjectEvent.article was)."""
    from django.db import models

    from articles.models import Article

    class Event(models.Model):  # noqa: DJ008 -- never shown
        article = models.ForeignKey(Article, null=True, on_delete=models.SET_NULL, related_name="+")

        class Meta:
            app_label = "projects"

    assert upward_relations([Event]) == ["projects.Event.article → articles.Article"]
