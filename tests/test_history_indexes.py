"""History tables index only what history is looked up by (projects/models.py, UNINDEXED_IN_HISTORY):
an ingest writes a history row per record, and every index is one more write per row."""

import pytest
from django.db import connection

from projects.models import Batch, Project, ProjectEvent


def indexed_columns(model) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {column for info in constraints.values() if info["index"] or info["primary_key"]
            for column in info["columns"]}


def test_history_tables_index_the_record_id_date_and_user_only(db):
    for model in (Project, Batch, ProjectEvent):
        history = model.history.model
        assert indexed_columns(history) == {"history_id", "id", "history_date", "history_user_id"}, model


def test_a_project_history_lookup_by_its_id_still_uses_an_index(db):
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN plan wording checked on PostgreSQL only (the database used at scale)")
    table = Project.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN SELECT * FROM {table} WHERE id = 42")
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "Index" in plan, plan
