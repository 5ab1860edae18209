"""Keyword search (projects/search.py): the grams of title, subtitle and text, GIN-indexed on PostgreSQL."""

from django.db import migrations

import projects.search

TABLE = "articles_article"


def backfill(apps, schema_editor):
    projects.search.backfill(
        apps.get_model("articles", "Article"), ("title", "subtitle", "text"), schema_editor
    )


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(projects.search.add_index_sql(TABLE))


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(projects.search.drop_index_sql(TABLE))


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0003_bulletin_attempts"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_document",
            field=projects.search.SearchDocumentField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(add_index, drop_index),
    ]
