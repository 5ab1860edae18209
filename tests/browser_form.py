"""What a browser would post back from a form it was sent, untouched: for tests by HTTP.

Follows the HTML rules that matter here: an `<input type="date">` or `type="month"` whose
value is not in the wire format (`2022-05-29`, `2022-05`) is sanitized to "" — which is how a
localized `value="2022/05/29"` turned into an empty date; unchecked boxes send nothing; a
select sends its selected options (else its first one); a textarea sends its text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

WIRE_FORMATS = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "month": re.compile(r"^\d{4}-\d{2}$"),
}


class _FormReader(HTMLParser):
    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.fields: list[tuple[str, str]] = []
        self.inputs: dict[str, dict] = {}
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (self.form_id is None or attrs.get("id") == self.form_id):
            self.in_form = True
        if not self.in_form:
            return
        if tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            self.inputs[attrs["name"]] = attrs
            if kind in ("submit", "button", "file", "reset", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            value = attrs.get("value") or ("on" if kind in ("checkbox", "radio") else "")
            if kind in WIRE_FORMATS and not WIRE_FORMATS[kind].match(value):
                value = ""  # the browser drops a value it cannot parse
            self.fields.append((attrs["name"], value))
        elif tag == "select" and attrs.get("name"):
            self._select = {"name": attrs["name"], "options": [], "multiple": "multiple" in attrs}
        elif tag == "option" and self._select is not None:
            self._option = {"value": attrs.get("value"), "selected": "selected" in attrs, "text": ""}
            self._select["options"].append(self._option)
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = {"name": attrs["name"], "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = [o for o in options if o["selected"]] or ([] if self._select["multiple"] else options[:1])
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"].strip()
                self.fields.append((self._select["name"], value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # The parser keeps the newline right after <textarea>; browsers drop it.
            text = self._textarea["text"]
            self.fields.append((self._textarea["name"], text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_fields(html: str, form_id: str | None = None) -> dict[str, str | list[str]]:
    """The fields the browser would submit from the form (the first, or the one with `form_id`)."""
    reader = _FormReader(form_id)
    reader.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in reader.fields:
        data.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def input_attrs(html: str, name: str, form_id: str | None = None) -> dict:
    """The attributes of the `<input name=…>` in the form."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.inputs[name]
