"""Form widgets whose values the browser parses itself: always ISO, whatever the language.

`<input type="date">` accepts only `YYYY-MM-DD` as its value; Django's `DateInput` renders
the first of the active locale's DATE_INPUT_FORMATS (`2022/05/29` in zh-hans), which the
browser rejects and then posts back empty — saving an untouched form wiped the date.
These widgets pin the wire format, so the page's language changes only what people read.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

ISO_DATE = "%Y-%m-%d"


class IsoDateInput(forms.DateInput):
    """`<input type="date">` with its value in ISO format in every language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=ISO_DATE)

    def format_value(self, value):
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.strftime(ISO_DATE)  # never localized, unlike DateInput's format_value
        return super().format_value(value)


class MonthInput(forms.TextInput):
    """A month typed as `2022-06`: a text box, not `<input type="month">`.

    Chromium draws a month input in the browser's own language and width ("--------- ----"
    when empty, "January 20…" when cut), Firefox and Safari draw a plain text box; a text box
    with an ISO example reads the same everywhere and in the URL."""

    def __init__(self, attrs=None):
        base = {
            "placeholder": _("如 2022-06"), "size": 8, "maxlength": 10,
            "autocomplete": "off", "class": "month",
        }
        super().__init__(attrs={**base, **(attrs or {})})
