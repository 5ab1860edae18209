"""The three roles and the model permissions each one holds.

Analysts read; editors upload, review and edit projects and articles; admins
hold every permission (they are superusers). The groups are created by a data
migration and re-synced by `create_role_user`, so a new model's permissions
reach the roles without hand work.
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

ANALYSTS = "analysts"
EDITORS = "editors"
ADMINS = "admins"
ROLES = (ANALYSTS, EDITORS, ADMINS)
# The groups keep these English names (code and migrations refer to them); people read these.
ROLE_LABELS = {
    ANALYSTS: pgettext_lazy("role", "分析员"),
    EDITORS: pgettext_lazy("role", "编辑"),
    ADMINS: pgettext_lazy("role", "管理员"),
}


def role_label(name: str) -> str:
    """A role group's name in the reader's language (another group's name as it is)."""
    return str(ROLE_LABELS.get(name, name))

TRACKED_MODELS = {
    "zones": ("zone", "zonealias"),
    "articles": ("bulletin", "article", "mention"),
    "projects": ("project", "projectevent", "batch", "currencyrate"),
}
EDITOR_WRITES = {
    "articles": ("bulletin", "article", "mention"),
    "projects": ("project", "projectevent", "batch"),
}


def role_permission_codes(role: str) -> set[tuple[str, str]]:
    """(app_label, codename) pairs the role holds; admins are handled as superusers."""
    codes = {(app, f"view_{model}") for app, models in TRACKED_MODELS.items() for model in models}
    if role == EDITORS:
        for app, models in EDITOR_WRITES.items():
            for model in models:
                codes |= {(app, f"add_{model}"), (app, f"change_{model}")}
    return codes


def sync_role_groups(group_model, permission_model) -> None:
    """Create the role groups and give them exactly their permissions (idempotent)."""
    for role in ROLES:
        group, _ = group_model.objects.get_or_create(name=role)
        if role == ADMINS:
            perms = permission_model.objects.all()
        else:
            wanted = role_permission_codes(role)
            perms = [
                perm
                for perm in permission_model.objects.select_related("content_type")
                if (perm.content_type.app_label, perm.codename) in wanted
            ]
        group.permissions.set(perms)
