"""Reading an export as a person does: the rows saying what it holds, then the table."""

from __future__ import annotations

from collections.abc import Sequence


def _blank(row: Sequence) -> bool:
    return all(cell in ("", None) for cell in row)


def split_export(rows: Sequence[Sequence]) -> tuple[list, list, list]:
    """(preamble rows, header, body) of a CSV's or a sheet's rows: the table starts after the
    first blank row."""
    rows = [list(row) for row in rows]
    blank = next(i for i, row in enumerate(rows) if _blank(row))
    return rows[:blank], rows[blank + 1], rows[blank + 2:]
