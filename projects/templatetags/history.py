"""`{{ record.history_change_reason|reason }}`: a stored change reason in the reader's language."""

from __future__ import annotations

from django import template

from projects.history import reason_label

register = template.Library()
register.filter("reason", reason_label)
