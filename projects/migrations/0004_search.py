"""Keyword search (projects/search.py): the grams of name and investor, GIN-indexed on PostgreSQL."""

from django.db import migrations

import projects.search

TABLE = "projects_project"


def backfill(apps, schema_editor):
    projects.search.backfill(apps.get_model("projects", "Project"), ("name", "investor"), schema_editor)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(projects.search.add_index_sql(TABLE))


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(projects.search.drop_index_sql(TABLE))


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0003_rollup_and_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="search_document",
            field=projects.search.SearchDocumentField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(add_index, drop_index),
    ]
