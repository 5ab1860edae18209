"""Many rows inserted or deleted at once, leaving the history rows that saving or deleting each
one would leave, without building a model instance (or sending signals) per row.

Why: an ingest writes tens of thousands of rows in one transaction (docs/benchmarks.md, 2);
Django's per-object machinery — instances, value adaptation, one history row built in Python
per object, signals on delete — cost more than the parse itself.

- **insert**: a row is a dict of attribute values (by `attname`); every concrete field it
  does not name gets the field's default (`auto_now` / `auto_now_add`: the time of the write),
  so the columns always follow the model. On PostgreSQL the ids are drawn from the table's
  sequence first, the rows streamed with COPY from plain tuples and the "+" history rows
  copied from the stored rows by the server (`record_history`). Elsewhere (SQLite) the rows
  go through `bulk_create` / simple-history's `bulk_create_with_history`, as before.
- **delete**: what `QuerySet.delete()` does by Django's `on_delete` rules (CASCADE deletes,
  SET_NULL clears), with the "-" history row of every tracked row deleted, in a few statements
  per table — and without signals: the caller does what receivers would (the ingest marks the
  rollup cells).

`record_history` writes the rows simple-history writes (`bulk_history_create` for "+",
`post_delete` for "-"): every tracked field as stored, one `history_date`, the request's user
if any, no change reason. tests/test_bulk_write.py compares both, row for row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import connections, models
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter
from simple_history.utils import bulk_create_with_history

Row = dict[str, Any]

BATCH_SIZE = 1000
SQLITE_PARAMETERS = 900  # below SQLite's default limit of bound parameters per statement
# Values a psycopg COPY takes as they are: Django's adaptation of them changes nothing.
PLAIN_TYPES = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "DateField",
    "DateTimeField", "DecimalField", "ForeignKey", "IntegerField", "PositiveBigIntegerField",
    "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField", "TextField",
}


def history_model(model: type[models.Model]) -> type[models.Model] | None:
    """The simple-history model of `model`, or None when it keeps no history (or history is off)."""
    name = getattr(model._meta, "simple_history_manager_attribute", None)
    if name is None or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return None
    return getattr(model, name).model


def streams(connection) -> bool:
    """Whether inserts go through COPY (PostgreSQL) rather than `bulk_create`."""
    return connection.vendor == "postgresql"


def chunks(ids: list[int], size: int = SQLITE_PARAMETERS) -> Iterator[list[int]]:
    """`ids` in lists of at most `size` (SQLite refuses statements with more parameters)."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def matching(connection, column: str, ids: Iterable[int]) -> Iterator[tuple[str, list]]:
    """`column` is one of `ids`, as SQL conditions with their parameters: one array on
    PostgreSQL (a list of thousands of bound parameters is slow to build and to parse),
    `chunks` elsewhere (SQLite limits the parameters)."""
    ids = sorted(ids)
    if connection.vendor == "postgresql":
        if ids:
            yield f"{column} = ANY(%s)", [ids]
        return
    for chunk in chunks(ids):
        yield f"{column} IN ({', '.join(['%s'] * len(chunk))})", chunk


# --- insert ----------------------------------------------------------------------------------


def insert(
    model: type[models.Model],
    rows: list[Row],
    using: str = "default",
    prepare: Callable[[Row], object] | None = None,
    ids: bool = True,
) -> None:
    """Insert new rows of `model` (and their "+" history rows); sets each row's primary key.

    `prepare(row)` runs on each row just before it is written: on PostgreSQL the rows are
    streamed (a thread sends them), so slow per-row work handed to it (a search document)
    overlaps the server's work on the rows before. `ids=False`: nothing points at these rows,
    so PostgreSQL numbers them itself and the rows are not told their ids."""
    if not rows:
        return
    tracked = history_model(model) is not None
    pk = model._meta.pk.attname
    if streams(connections[using]):
        _copy(model, rows, using, prepare, ids or tracked)
        if tracked:
            record_history(model, [row[pk] for row in rows], "+", using)
        return
    if prepare is not None:
        for row in rows:
            prepare(row)
    objects = [model(**row) for row in rows]
    if tracked:
        bulk_create_with_history(objects, model, batch_size=BATCH_SIZE)
    else:
        model._default_manager.using(using).bulk_create(objects, batch_size=BATCH_SIZE)
    for row, obj in zip(rows, objects, strict=True):
        row[pk] = obj.pk


def _allocate_ids(model: type[models.Model], count: int, using: str) -> list[int]:
    """`count` new ids from the table's own sequence (so that other rows can point at them)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _copy(model: type[models.Model], rows: list[Row], using: str, prepare, with_ids: bool) -> None:
    """COPY the rows in; a field a row does not name gets its default, as `Model()` gives."""
    connection = connections[using]
    pk = model._meta.pk
    fields = [field for field in model._meta.concrete_fields if with_ids or field is not pk]
    if with_ids:
        for row, new_id in zip(rows, _allocate_ids(model, len(rows), using), strict=True):
            row[pk.attname] = new_id
    complete = _completer(fields, connection)
    values = operator.itemgetter(*(field.attname for field in fields))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    # The driver's own cursor (Django's has no COPY); its errors raised as Django's, as a query's are.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor
        statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with raw.copy(statement, writer=QueuedLibpqWriter(raw)) as copy:
            for row in rows:
                if prepare is not None:
                    prepare(row)
                copy.write_row(values(complete(row)) if len(fields) > 1 else (values(complete(row)),))


def _completer(fields: list[models.Field], connection) -> Callable[[Row], Row]:
    """A row with every column's value: the row's own, else the field's default (`auto_now`,
    `auto_now_add`: the time of the write, as pre_save() sets on a new object), adapted by
    Django where the driver would not take the value as it is (JSON)."""
    now = timezone.now()
    stamps = {
        field.attname: now if isinstance(field, models.DateTimeField) else dt.date.today()
        for field in fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    }
    made = [field for field in fields if field.attname not in stamps and field.has_default()
            and callable(field.default)]
    constants = {field.attname: _constant_default(field) for field in fields
                 if field.attname not in stamps and field not in made}
    adapted = [field for field in fields if field.get_internal_type() not in PLAIN_TYPES]

    def complete(row: Row) -> Row:
        full = {**constants, **row, **stamps}
        for field in made:
            if field.attname not in row:
                full[field.attname] = field.get_default()
        for field in adapted:
            full[field.attname] = field.get_db_prep_save(full[field.attname], connection)
        return full

    return complete


def _constant_default(field: models.Field) -> object:
    """The value a new row gets for `field`: its default, or its `db_default` when it has only
    that (COPY names every column, so the database never fills one in by itself)."""
    value = field.get_default()
    if not isinstance(value, DatabaseDefault):
        return value
    if isinstance(field.db_default, models.Value):
        return field.db_default.value
    if not hasattr(field.db_default, "resolve_expression"):  # a plain constant ("", False)
        return field.db_default
    raise TypeError(f"{field}: a db_default other than a constant cannot be copied in")


# --- history ---------------------------------------------------------------------------------


def history_user_id(model: type[models.Model]) -> int | None:
    """The user simple-history would record now (the request's, if any), as `bulk_history_create`
    and `post_delete` find it."""
    user = history_model(model).get_default_history_user(model())
    return getattr(user, "pk", None)


def record_history(model: type[models.Model], ids: list[int], kind: str, using: str = "default") -> None:
    """Write the history row of kind "+", "~" or "-" for each of these stored rows, server-side:
    `INSERT INTO <history> (...) SELECT ... FROM <table>` (one statement on PostgreSQL)."""
    history = history_model(model)
    if history is None or not ids:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    tracked = history.tracked_fields
    source = ", ".join(quote(field.column) for field in tracked)
    target = ", ".join(quote(history._meta.get_field(field.name).column) for field in tracked)
    extra = ", ".join(
        quote(history._meta.get_field(name).column)
        for name in ("history_date", "history_change_reason", "history_type", "history_user")
    )
    date = history._meta.get_field("history_date").get_db_prep_save(timezone.now(), connection)
    user = history_user_id(model)
    with connection.cursor() as cursor:
        for condition, params in matching(connection, quote(model._meta.pk.column), ids):
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({target}, {extra}) "
                f"SELECT {source}, %s, NULL, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {condition} ORDER BY {quote(model._meta.pk.column)}",
                [date, kind, user, *params],
            )


# --- delete ----------------------------------------------------------------------------------


@dataclasses.dataclass
class Deletion:
    """What a bulk delete did: ids deleted, and ids of surviving rows whose foreign key to a
    deleted row was cleared (SET_NULL), per model."""

    deleted: dict[type[models.Model], set[int]] = dataclasses.field(default_factory=dict)
    cleared: dict[type[models.Model], set[int]] = dataclasses.field(default_factory=dict)


def delete(model: type[models.Model], ids: Iterable[int], using: str = "default") -> Deletion:
    """Delete these rows and what the `on_delete` rules take with them, as `QuerySet.delete()`
    would (CASCADE: deleted too; SET_NULL: cleared, without history, as Django does it), with
    the "-" history row of every tracked row deleted, holding the row as it was before."""
    done = Deletion()
    nulls: list[tuple[models.Field, set[int]]] = []
    _collect(model, set(ids), done, nulls, using)
    connection = connections[using]
    quote = connection.ops.quote_name
    for doomed_model, doomed_ids in done.deleted.items():
        record_history(doomed_model, list(doomed_ids), "-", using)
    with connection.cursor() as cursor:
        for fk, related_ids in nulls:
            table, pk = quote(fk.model._meta.db_table), quote(fk.model._meta.pk.column)
            for condition, params in matching(connection, pk, related_ids):
                cursor.execute(f"UPDATE {table} SET {quote(fk.column)} = NULL WHERE {condition}", params)
        for doomed_model, doomed_ids in reversed(done.deleted.items()):  # rows that point at others first
            table, pk = quote(doomed_model._meta.db_table), quote(doomed_model._meta.pk.column)
            for condition, params in matching(connection, pk, doomed_ids):
                cursor.execute(f"DELETE FROM {table} WHERE {condition}", params)
    for fk, related_ids in nulls:
        done.cleared.setdefault(fk.model, set()).update(related_ids - done.deleted.get(fk.model, set()))
    return done


def _collect(model, ids: set[int], done: Deletion, nulls: list, using: str) -> None:
    """Add `ids` of `model` to what is deleted, then follow the relations that point at them."""
    new = ids - done.deleted.setdefault(model, set())
    if not new:
        return
    done.deleted[model] |= new
    relations = [
        (rel.related_model, rel.field, rel.on_delete)
        for rel in model._meta.related_objects
        if not rel.many_to_many and rel.on_delete is not models.DO_NOTHING
    ]
    # The link rows of a many-to-many field (either side) go with the row, as Django deletes them.
    links = [field.remote_field.through for field in model._meta.many_to_many]
    links += [rel.through for rel in model._meta.related_objects if rel.many_to_many]
    relations += [
        (through, field, models.CASCADE)
        for through in links
        for field in through._meta.concrete_fields
        if field.is_relation and field.related_model is model
    ]
    for related_model, fk, on_delete in relations:
        if on_delete not in (models.CASCADE, models.SET_NULL) or fk.many_to_many:
            raise NotImplementedError(f"bulk delete of {model.__name__}: {fk} ({on_delete})")
        related = _ids_pointing_at(related_model, fk, new, using)
        if not related:
            continue
        if on_delete is models.CASCADE:
            _collect(related_model, related, done, nulls, using)
        else:
            nulls.append((fk, related))


def _ids_pointing_at(model, fk: models.Field, ids: set[int], using: str) -> set[int]:
    connection = connections[using]
    quote = connection.ops.quote_name
    found: set[int] = set()
    with connection.cursor() as cursor:
        for condition, params in matching(connection, quote(fk.column), ids):
            cursor.execute(
                f"SELECT {quote(model._meta.pk.column)} FROM {quote(model._meta.db_table)} WHERE {condition}",
                params,
            )
            found.update(row[0] for row in cursor.fetchall())
    return found
