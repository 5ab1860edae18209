"""Write computed values to many rows by primary key in one statement per batch.

Why not `bulk_update`: it builds one `CASE WHEN pk = … THEN …` per field per row in Python
and the database then evaluates each CASE against every row of the `WHERE pk IN (…)` —
quadratic-ish in the batch size. Backfilling the timeline of 20,000 projects took 94–122 s
that way (migration `projects/0013`; over an hour at 1M with the table locked). Here each
batch is one `UPDATE … FROM` a `VALUES` list joined on the primary key (PostgreSQL, and
SQLite ≥ 3.33), or an `executemany` of a plain UPDATE by id elsewhere. Values are prepared by
the model's fields (`get_db_prep_save`), so dates, NULLs and booleans are stored as a save
would store them. No signals, no `save()`: the caller's data is derived.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from django.db import connections, router

BATCH = 2000


def _update_from(vendor: str) -> bool:
    if vendor == "postgresql":
        return True
    return vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 33)


def update_rows(model, fields: Sequence[str], rows: Iterable[tuple], batch: int = BATCH) -> None:
    """Set `fields` of `model`'s rows: each row is (pk, value of each field in order).
    `model` may be a migration's historical model (its table and columns are used)."""
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    model_fields = [meta.get_field(name) for name in fields]
    every = [meta.pk, *model_fields]
    table = connection.ops.quote_name(meta.db_table)
    pk_column = connection.ops.quote_name(meta.pk.column)
    columns = [connection.ops.quote_name(field.column) for field in model_fields]
    limit = connection.features.max_query_params
    if limit:
        batch = max(1, min(batch, limit // (len(fields) + 1)))
    rows = list(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            params = [
                [field.get_db_prep_save(value, connection) for field, value in zip(every, row, strict=True)]
                for row in rows[start:start + batch]
            ]
            if _update_from(connection.vendor):
                _update_from_values(cursor, connection, table, pk_column, columns, every, params)
            else:
                sets = ", ".join(f"{column} = %s" for column in columns)
                cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk_column} = %s",
                                   [values[1:] + values[:1] for values in params])


def _update_from_values(cursor, connection, table, pk_column, columns, fields, params) -> None:
    """One `WITH v(…) AS (VALUES …) UPDATE … FROM v` (PostgreSQL casts each value to its
    column's type, so an all-NULL column of a batch is not read as text)."""
    if connection.vendor == "postgresql":
        one = "(" + ", ".join(f"%s::{field.cast_db_type(connection)}" for field in fields) + ")"
    else:
        one = "(" + ", ".join("%s" for _ in fields) + ")"
    names = ["v_" + str(index) for index in range(len(fields))]
    sets = ", ".join(f"{column} = v.{name}" for column, name in zip(columns, names[1:], strict=True))
    sql = (f"WITH v({', '.join(names)}) AS (VALUES {', '.join([one] * len(params))}) "
           f"UPDATE {table} SET {sets} FROM v WHERE {table}.{pk_column} = v.{names[0]}")
    cursor.execute(sql, [value for values in params for value in values])
