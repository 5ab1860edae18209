"""What changed, by whom and when: a record's history as `field: old → new`, in the reader's language.

django-simple-history keeps a full copy of a project or batch at every save; `diff_against`
says which fields differ between two copies. This module turns those differences into what
an editor reads: the field's verbose name, choice labels instead of codes, amounts as they
are printed (`120亿元`) and in 亿元, dates at the precision they were known, related records
by name, "—" for nothing. The project and batch pages and the admin's history use it, so a
change reads the same in both.

Change reasons are stored as short English codes (`review: confirmed`, `edited`, `merged into
project 7`, written by `projects.services`, `articles.ingest`, `zones.services`); they are
translated here when shown, so old rows read in the reader's language too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from simple_history.template_utils import HistoricalRecordContextHelper

from articles.parsing.amounts import format_amount

from .models import Batch, Project, ReviewStatus
from .templatetags.money import yi
from .templatetags.when import FORMATS

EMPTY = "—"
# Bookkeeping columns: they change with every save and say nothing to a reader.
HIDDEN_FIELDS = {"id", "created_at", "updated_at", "search_document"}
AMOUNT_FIELDS = {"amount", "amount_max"}

REASONS = {
    "edited": pgettext_lazy("history", "编辑"),
    "timeline": gettext_lazy("按事件更新日期与阶段"),
    "date edited on the project": gettext_lazy("在项目上修改日期"),
    "stage edited on the project": gettext_lazy("在项目上修改阶段"),
    "yuan value recomputed": gettext_lazy("重算人民币金额"),
    "merge target": gettext_lazy("合并（目标项目）"),
    "article of a new parse": gettext_lazy("重新解析后关联文章"),
    "article replaced by a new parse": gettext_lazy("重新解析后替换文章"),
}
REASON_PATTERNS = [
    (re.compile(r"^review: (?P<status>\w+)$"), gettext_lazy("审核：%(status)s")),
    (re.compile(r"^merged from project (?P<id>\d+)$"), gettext_lazy("由项目 #%(id)s 合并而来")),
    (re.compile(r"^merged into project (?P<id>\d+)$"), gettext_lazy("合并到项目 #%(id)s")),
    (re.compile(r"^zone (?P<source>\S+) folded into (?P<target>\S+)$"),
     gettext_lazy("开发区 %(source)s 并入 %(target)s")),
]
TYPES = {
    "+": pgettext_lazy("history", "创建"), "~": pgettext_lazy("history", "修改"),
    "-": pgettext_lazy("history", "删除"),
}


def reason_label(reason: str | None) -> str:
    """A stored change reason in the reader's language (an unknown one as it was written)."""
    if not reason:
        return ""
    if reason in REASONS:
        return str(REASONS[reason])
    for pattern, label in REASON_PATTERNS:
        match = pattern.match(reason)
        if match:
            values = match.groupdict()
            if "status" in values:
                values["status"] = dict(ReviewStatus.choices).get(values["status"], values["status"])
            return str(label) % values
    return reason


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    """One saved version: when, who, why, and what it changed from the version before."""

    when: datetime
    user: str
    action: str
    changes: list[FieldChange] = field(default_factory=list)


class Names:
    """Names of the related records a batch of changes mentions, read in one query per model."""

    def __init__(self, model, changes):
        wanted: dict[type[models.Model], set] = {}
        for change in changes:
            target = _related_model(model, change.field)
            if target is not None:
                wanted.setdefault(target, set()).update(v for v in (change.old, change.new) if v is not None)
        self.names = {
            target: {obj.pk: str(obj) for obj in _named(target, ids)} for target, ids in wanted.items()
        }

    def get(self, model, pk) -> str:
        return self.names.get(model, {}).get(pk, f"#{pk}")


def _named(target, ids):
    queryset = target.objects.filter(pk__in=ids)
    if target is Batch:
        queryset = queryset.select_related("zone")
    if target is Project:
        queryset = queryset.only("id", "name")
    return queryset


def _related_model(model, name: str):
    model_field = model._meta.get_field(name)
    return model_field.related_model if model_field.is_relation else None


def display(model, name: str, value, record) -> str:
    """`value` of field `name` as a reader sees it; `record` is the version it belongs to
    (its currency and date precision give the amount's unit and the date's precision)."""
    if value is None or value == "":
        return EMPTY
    model_field = model._meta.get_field(name)
    if name in AMOUNT_FIELDS:
        return format_amount(value, getattr(record, "currency", "CNY") or "CNY")
    if name == "amount_yuan":
        return _("%(amount)s 亿元") % {"amount": yi(value)}
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime(FORMATS.get(getattr(record, "date_precision", ""), "%Y-%m-%d"))
    if model_field.flatchoices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def changes_between(new, old, names: Names | None = None, delta=None) -> list[FieldChange]:
    """What differs from version `old` to version `new` (two historical records of one object)."""
    model = new.instance_type
    delta = delta or new.diff_against(old, foreign_keys_are_objs=False)
    visible = [change for change in delta.changes if change.field not in HIDDEN_FIELDS]
    names = names or Names(model, visible)
    result = []
    for change in visible:
        target = _related_model(model, change.field)
        if target is not None:
            old_text = EMPTY if change.old is None else names.get(target, change.old)
            new_text = EMPTY if change.new is None else names.get(target, change.new)
        else:
            old_text = display(model, change.field, change.old, old)
            new_text = display(model, change.field, change.new, new)
        label = str(model._meta.get_field(change.field).verbose_name)
        result.append(FieldChange(label, old_text, new_text))
    return result


def entries(instance, limit: int = 50) -> list[Entry]:
    """The latest `limit` versions of a project or batch, newest first, each with its changes."""
    records = list(instance.history.select_related("history_user")
                   .order_by("-history_date", "-history_id")[: limit + 1])
    pairs = list(zip(records, [*records[1:], None], strict=True))[:limit]
    deltas = [new.diff_against(old, foreign_keys_are_objs=False) if old else None for new, old in pairs]
    names = Names(type(instance), [change for delta in deltas if delta for change in delta.changes])
    result = []
    for (new, old), delta in zip(pairs, deltas, strict=True):
        action = reason_label(new.history_change_reason) or str(TYPES.get(new.history_type, new.history_type))
        user = new.history_user.get_username() if new.history_user else _("系统")
        changes = changes_between(new, old, names, delta) if delta else []
        result.append(Entry(new.history_date, user, action, changes))
    return result


class AdminHistoryHelper(HistoricalRecordContextHelper):
    """The admin's history list ("Changes" column) in the same words as the site's pages
    (the admin diffs with related objects already loaded: shown by their names)."""

    def context_for_delta_changes(self, delta):
        result = []
        for change in delta.changes:
            if change.field in HIDDEN_FIELDS:
                continue
            if _related_model(self.model, change.field) is not None:
                old, new = (EMPTY if v is None else str(v) for v in (change.old, change.new))
            else:
                old = display(self.model, change.field, change.old, delta.old_record)
                new = display(self.model, change.field, change.new, delta.new_record)
            label = str(self.model._meta.get_field(change.field).verbose_name)
            result.append({"field": label, "old": old, "new": new})
        return result
