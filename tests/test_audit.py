"""Every change to zones, aliases, projects, events, batches and currency rates — review
decisions, merges, edits, bulk admin actions — leaves a history row saying who and when.

Two halves: a scan of our source for the writes that would skip history (a queryset
`.update()`, `bulk_update()` or `bulk_create()` on a tracked model), and HTTP requests
through the review pages and the admin that check the row each change leaves.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import registered_models

from projects.models import Batch, CurrencyRate, Project, ProjectEvent
from tests.factories import make_batch, make_event, make_mention, make_project, make_zone
from tests.fault_tools import log_in
from zones.models import Zone, ZoneAlias

REPO_DIR = Path(__file__).resolve().parent.parent
SCANNED_APPS = ("accounts", "articles", "projects", "zones", "ops")
TRACKED = (Zone, ZoneAlias, Project, ProjectEvent, Batch, CurrencyRate)
BULK_WRITES = {"update", "bulk_update", "bulk_create"}
RAW_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|COPY|TRUNCATE)\b", re.IGNORECASE)

# Modules that write tables in raw SQL (which the ORM scan cannot see). Each is reviewed: it
# writes the history a per-object save or delete would, or there is none to write. A new
# raw SQL write elsewhere fails `test_no_source_file_writes_a_tracked_model_around_its_history`.
REVIEWED_RAW_WRITERS = {
    "articles/bulk_write.py": (
        "the ingest's bulk insert and delete (COPY, DELETE, SET_NULL updates): writes the '+' and '-' "
        "history row of every tracked row itself (record_history), compared row for row with "
        "simple-history's own in tests/test_bulk_write.py; SET_NULL clears leave none, as in Django"
    ),
    "ops/backup.py": (
        "import_data empties the seeded tables and their history tables of a freshly migrated "
        "database before loading a dump, which carries its own history rows"
    ),
    "projects/rollup.py": (
        "fills the totals rollup's cells (derived tables without history, recomputed from the "
        "base tables and checked by rollup_drift)"
    ),
}


# --- The source scan ----------------------------------------------------------------------


def tracked_names() -> tuple[set[str], set[str]]:
    """Class names of the tracked models, and the manager attributes that lead to them:
    reverse accessors (`zone.projects`, `project.events`) and many-to-many fields
    (`article.zones`)."""
    names = {model.__name__ for model in TRACKED}
    accessors: set[str] = set()
    for model in apps.get_models():
        for rel in model._meta.related_objects:  # reverse accessors: model.<name> → rel.related_model
            name = rel.get_accessor_name()
            if rel.related_model in TRACKED and name and not name.endswith("+"):
                accessors.add(name)
        for field in model._meta.get_fields():
            if isinstance(field, models.ManyToManyField) and field.related_model in TRACKED:
                accessors.add(field.name)
    return names, accessors


class BulkWriteFinder(ast.NodeVisitor):
    """Finds `<queryset of a tracked model>.update(**fields)`, `.bulk_update(...)` and
    `.bulk_create(...)`. A receiver counts as such a queryset when it goes through
    `Model.objects` / `Model._default_manager` of a tracked model, through a related
    manager that leads to one, or through a variable assigned from either; in an admin
    class that is not registered for an untracked model, the action's `queryset` does too.
    `dict.update(…)` and `set.update(…)` (positional arguments) are not queryset updates."""

    def __init__(self, model_names: set[str], accessors: set[str]):
        self.model_names = model_names
        self.accessors = accessors
        self.tainted: list[set[str]] = [set()]
        self.found: list[tuple[int, str]] = []

    def leads_to_tracked(self, node: ast.AST) -> bool:
        while True:
            if isinstance(node, ast.Call):
                node = node.func
            elif isinstance(node, ast.Subscript):
                node = node.value
            elif isinstance(node, ast.Attribute):
                if node.attr == "through":
                    # `Article.zones.through`: the link table of a many-to-many field, not the
                    # tracked model it leads to (no link table has history: see the test below).
                    return False
                if node.attr in ("objects", "_default_manager") and self.names_tracked_model(node.value):
                    return True
                if node.attr in self.accessors:
                    return True
                node = node.value
            elif isinstance(node, ast.Name):
                return node.id in self.tainted[-1]
            else:
                return False

    def names_tracked_model(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.model_names
        if isinstance(node, ast.Attribute):
            return node.attr in self.model_names
        return False

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        registered = [
            arg.id
            for deco in node.decorator_list
            if isinstance(deco, ast.Call) and getattr(deco.func, "attr", "") == "register"
            for arg in deco.args
            if isinstance(arg, ast.Name)
        ]
        untracked_admin = bool(registered) and not any(name in self.model_names for name in registered)
        self.tainted.append(set(self.tainted[-1]) | (set() if untracked_admin else {"queryset"}))
        self.generic_visit(node)
        self.tainted.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.tainted.append(set(self.tainted[-1]))
        # Assignments first (to a fixpoint), so that a later `.update()` on a variable is seen.
        assigns = [n for n in ast.walk(node) if isinstance(n, (ast.Assign, ast.AnnAssign))]
        changed = True
        while changed:
            changed = False
            for assign in assigns:
                targets = assign.targets if isinstance(assign, ast.Assign) else [assign.target]
                if assign.value is not None and self.leads_to_tracked(assign.value):
                    for target in targets:
                        if isinstance(target, ast.Name) and target.id not in self.tainted[-1]:
                            self.tainted[-1].add(target.id)
                            changed = True
        self.generic_visit(node)
        self.tainted.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in BULK_WRITES:
            queryset_like = func.attr != "update" or not node.args
            if queryset_like and self.leads_to_tracked(func.value):
                self.found.append((node.lineno, ast.unparse(node)[:120]))
        if isinstance(func, ast.Attribute) and func.attr in ("execute", "copy") and raw_write(node):
            self.found.append((node.lineno, "raw SQL write: " + ast.unparse(node)[:100]))
        self.generic_visit(node)


def raw_write(call: ast.Call) -> bool:
    """`cursor.execute("INSERT …")`, `cursor.copy(f"COPY {table} …")`: SQL that writes rows (the
    statement's opening words, from a string or the constant start of an f-string)."""
    sql = call.args[0] if call.args else None
    if isinstance(sql, ast.JoinedStr):
        sql = sql.values[0] if sql.values else None
    return isinstance(sql, ast.Constant) and isinstance(sql.value, str) and bool(RAW_WRITE.match(sql.value))


def bulk_writes_in(source: str) -> list[tuple[int, str]]:
    finder = BulkWriteFinder(*tracked_names())
    finder.visit(ast.parse(source))
    return finder.found


def source_files() -> list[Path]:
    files = []
    for app in SCANNED_APPS:
        for path in sorted((REPO_DIR / app).rglob("*.py")):
            parts = path.relative_to(REPO_DIR).parts
            if "migrations" in parts or "tests" in parts or path.name.startswith("test_"):
                continue
            files.append(path)
    return files


def test_the_tracked_models_are_exactly_those_with_history():
    ours = {m for m in registered_models.values() if m._meta.app_label in SCANNED_APPS}
    assert ours == set(TRACKED)


@pytest.mark.parametrize(
    "snippet",
    [
        "Project.objects.filter(pk=1).update(review_status='confirmed')",
        "zone.projects.update(zone=None)",
        "project.events.filter(stage='signed').update(date=None)",
        "def f():\n    qs = Batch.objects.filter(zone=z)\n    qs.update(review_status='rejected')",
        "Zone.objects.bulk_create([Zone(short_name='x')])",
        "ProjectEvent.objects.bulk_update(events, ['date'])",
        "models.CurrencyRate.objects.update(source='')",
        "ZoneAlias._default_manager.all().update(name='x')",
        "@admin.register(Project)\nclass A:\n    def act(self, request, queryset):\n        queryset.update(stage='signed')",
        # Raw SQL sees no model: every write in it counts (see REVIEWED_RAW_WRITERS).
        "cursor.execute(f\"INSERT INTO {table} SELECT * FROM x\")",
        "cursor.execute('delete from projects_project')",
        "raw.copy(f\"COPY {quote(table)} ({columns}) FROM STDIN\", writer=w)",
        "cursor.execute(f\" UPDATE {table} SET zone_id = NULL WHERE {condition}\", params)",
    ],
)
def test_the_scan_finds_a_bulk_write_on_a_tracked_model(snippet):
    assert bulk_writes_in(snippet), snippet


@pytest.mark.parametrize(
    "snippet",
    [
        "Bulletin.objects.filter(pk=1).update(status='queued')",
        "source.mentions.update(project=target)",
        "Mention.objects.bulk_create([])",
        # The link rows of `article.zones` (what `article.zones.set()` writes), not zones.
        "Article.zones.through.objects.bulk_create([])",
        # simple-history's utility writes the "+" history row of every record it creates.
        "bulk_create_with_history(projects, Project, batch_size=1000)",
        "data.update(count=fact.count)",
        "self.zones.update(_zone_keys(paragraph))",
        "@admin.register(Bulletin)\nclass A:\n    def act(self, request, queryset):\n        queryset.update(status='queued')",
        "cursor.execute('SELECT pg_advisory_xact_lock(%s, 0)', [1])",
        "cursor.execute(f\"SELECT nextval(pg_get_serial_sequence(%s, %s))\", [t, c])",
        "data.copy()",
    ],
)
def test_the_scan_leaves_untracked_models_and_plain_dicts_alone(snippet):
    assert not bulk_writes_in(snippet), snippet


def test_no_source_file_writes_a_tracked_model_around_its_history():
    files = source_files()
    assert len(files) > 20 and any(p.name == "services.py" for p in files)
    found = [
        f"{path.relative_to(REPO_DIR)}:{line}: {code}"
        for path in files
        for line, code in bulk_writes_in(path.read_text(encoding="utf-8"))
        if not (code.startswith("raw SQL write") and path.relative_to(REPO_DIR).as_posix() in REVIEWED_RAW_WRITERS)
    ]
    assert not found, "writes that skip history (save() each object instead):\n" + "\n".join(found)


# --- The history each change leaves -------------------------------------------------------



@pytest.fixture
def editor(client, make_user):
    return log_in(client, make_user("editor"))


@pytest.fixture
def admin_user(client, make_user):
    return log_in(client, make_user("admin"))


def assert_recorded(obj, username: str, since: dt.datetime, kind: str = "~") -> None:
    """The object's latest history row was written by `username` just now."""
    latest = type(obj).history.filter(id=obj.pk).order_by("-history_id").first()
    assert latest is not None, f"no history for {obj!r}"
    assert latest.history_user is not None and latest.history_user.username == username
    assert latest.history_date >= since
    assert latest.history_type == kind


@pytest.fixture
def candidates(db):
    zone = make_zone()
    projects = []
    for name in ("湘江精工数控机床产业园", "湘江精工数控机床产业园项目"):
        project = make_project(zone=zone, name=name)
        make_event(project, "signed", dt.date(2023, 5, 16))
        make_mention(project)
        projects.append(project)
    return projects


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["confirm", "reject"])
def test_a_review_decision_on_the_review_page_is_recorded(editor, candidates, action):
    since = timezone.now()
    project = candidates[0]
    response = editor.post(reverse("review-project", args=[project.pk]), {"action": action})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.review_status == {"confirm": "confirmed", "reject": "rejected"}[action]
    assert_recorded(project, "editor-user", since)


@pytest.mark.django_db
def test_a_merge_on_the_review_page_records_both_projects_and_the_moved_events(editor, candidates):
    since = timezone.now()
    source, target = candidates
    moved = list(source.events.all())
    response = editor.post(reverse("review-project", args=[source.pk]), {"action": "merge", "target": target.pk})
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.merged_into_id == target.pk
    assert_recorded(source, "editor-user", since)
    assert_recorded(target, "editor-user", since)
    for event in moved:
        event.refresh_from_db()
        assert event.project_id == target.pk
        assert_recorded(event, "editor-user", since)


@pytest.mark.django_db
def test_an_edit_on_the_review_page_is_recorded(editor, candidates):
    since = timezone.now()
    project = candidates[0]
    form = {
        "name": "湘江精工高端数控机床产业园",
        "zone": project.zone_id,
        "investor": "湘江精工",
        "industry": "",
        "stage": "signed",
        "date": "2023-05-16",
        "date_precision": "day",
        "amount": "20亿元",
        "jobs": "",
    }
    response = editor.post(reverse("edit-project", args=[project.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert project.investor == "湘江精工" and project.amount_yuan == Decimal("2000000000.00")
    assert_recorded(project, "editor-user", since)


@pytest.mark.django_db
def test_a_batch_decision_on_the_review_page_is_recorded(editor):
    since = timezone.now()
    batch = make_batch(zone=make_zone())
    assert editor.post(reverse("review-batch", args=[batch.pk]), {"action": "confirm"}).status_code == 302
    assert_recorded(batch, "editor-user", since)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "factory", "action"),
    [
        ("project", lambda: make_project(zone=make_zone()), "confirm_selected"),
        ("project", lambda: make_project(zone=make_zone()), "reject_selected"),
        ("batch", lambda: make_batch(zone=make_zone()), "confirm_selected"),
        ("batch", lambda: make_batch(zone=make_zone()), "reject_selected"),
        ("project", lambda: make_project(zone=make_zone()), "delete_selected"),
    ],
)
def test_a_bulk_admin_action_records_every_object_it_changes(admin_user, model, factory, action):
    since = timezone.now()
    chosen = [factory(), factory()]
    data = {"action": action, "_selected_action": [obj.pk for obj in chosen]}
    if action == "delete_selected":
        data["post"] = "yes"
    response = admin_user.post(reverse(f"admin:projects_{model}_changelist"), data)
    assert response.status_code == 302
    for obj in chosen:
        assert_recorded(obj, "admin-user", since, kind="-" if action == "delete_selected" else "~")


@pytest.mark.django_db
def test_the_admin_merge_action_records_both_projects_and_the_moved_events(admin_user, candidates):
    since = timezone.now()
    source, target = candidates
    moved = list(source.events.all())
    response = admin_user.post(
        reverse("admin:projects_project_changelist"),
        {"action": "merge_selected", "_selected_action": [source.pk], "apply": "合并", "target": target.pk},
    )
    assert response.status_code == 302
    for obj in (source, target, *moved):
        assert_recorded(obj, "admin-user", since)


@pytest.mark.django_db
def test_the_admin_zone_actions_and_inline_aliases_are_recorded(admin_user):
    since = timezone.now()
    zone = make_zone(verified=False)
    response = admin_user.post(
        reverse("admin:zones_zone_changelist"), {"action": "mark_verified", "_selected_action": [zone.pk]}
    )
    assert response.status_code == 302
    assert_recorded(zone, "admin-user", since)

    url = reverse("admin:zones_zone_change", args=[zone.pk])
    form = admin_user.get(url).context["adminform"].form
    data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
    data["verified"] = "on"
    data["full_name"] = "测试高新技术产业开发区"
    data.update({"aliases-TOTAL_FORMS": "1", "aliases-INITIAL_FORMS": "0", "aliases-0-name": "测试别名高新区"})
    response = admin_user.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert_recorded(zone, "admin-user", since)
    assert_recorded(ZoneAlias.objects.get(name="测试别名高新区"), "admin-user", since, kind="+")


@pytest.mark.django_db
def test_admin_edits_of_events_and_currency_rates_are_recorded(admin_user):
    since = timezone.now()
    event = make_event(make_project(zone=make_zone()), "signed", dt.date(2023, 5, 16))
    url = reverse("admin:projects_projectevent_change", args=[event.pk])
    response = admin_user.post(
        url,
        {"project": event.project_id, "stage": "started", "date": "2023-06-01", "date_precision": "day", "article": "", "note": "开工"},
    )
    assert response.status_code == 302
    assert_recorded(event, "admin-user", since)

    response = admin_user.post(
        reverse("admin:projects_currencyrate_add"),
        {"currency": "EUR", "year": "2023", "yuan_per_unit": "7.6600", "source": "测试"},
    )
    assert response.status_code == 302
    assert_recorded(CurrencyRate.objects.get(currency="EUR", year=2023), "admin-user", since, kind="+")


def test_every_tracked_model_has_a_history_admin():
    from simple_history.admin import SimpleHistoryAdmin

    for model in TRACKED:
        assert isinstance(admin.site._registry.get(model), SimpleHistoryAdmin), model
