"""Shows a stored date only as precisely as it is known: 2022, 2022-06 or 2022-06-28.

Dates are stored as the first day they cover (see projects.models.DatedFields), so a
plain `date` filter would print "2022-01-01" for "2022年" — a precision nobody reported.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()
FORMATS = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}


@register.filter
def when(record) -> str:
    """`{{ project|when }}`: the record's date at its precision, or "日期不详"."""
    day = getattr(record, "date", None)
    if day is None:
        return _("日期不详")
    return day.strftime(FORMATS.get(getattr(record, "date_precision", ""), "%Y-%m-%d"))


PRECISION_NOTES = {
    "day": gettext_lazy("（精确到日）"),
    "month": gettext_lazy("（精确到月）"),
    "year": gettext_lazy("（精确到年）"),
}


@register.filter
def precision_note(record) -> str:
    """`（精确到月）`: how precisely a dated record's date is known; "" for an undated one (it
    has no precision to speak of, whatever its `date_precision` says)."""
    if getattr(record, "date", None) is None:
        return ""
    return str(PRECISION_NOTES.get(getattr(record, "date_precision", ""), ""))
