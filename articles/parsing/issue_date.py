"""The issue date a page prints on itself: its date line ("2023年3月10日 星期五", a masthead's
"…编　2023年11月20日", "[2024/07/03 08:15]").

Used when the editor gives no issue date: relative dates ("3月8日", "今年") need one, and two
undated uploads of one paper are told apart by it. Only a full date with its year written out,
on one of the page's first short lines, counts (a date inside an article's text is the date
of an event, not of the issue).
"""

from __future__ import annotations

import datetime as dt

from .dates import find_dates

FIRST_LINES = 12  # the masthead is at the top of the page
MAX_LINE = 40  # a date line is short; a sentence with a date is text


def issue_date_of(text: str) -> dt.date | None:
    """The first full date on one of the page's first short lines, or None."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:FIRST_LINES]
    for line in lines:
        if len(line) > MAX_LINE:
            continue
        for mention in find_dates(line):  # no issue date given: only written years resolve
            found = mention.date
            if found is not None and found.precision == "day" and mention.explicit_year:
                return dt.date(found.year, found.month, found.day)
    return None
