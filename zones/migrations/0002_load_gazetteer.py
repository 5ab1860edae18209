"""Loads the national zone gazetteer (zones/data/*.json) as verified zones."""

from django.db import migrations

from zones.gazetteer import gazetteer_entries, sync_gazetteer


def load(apps, schema_editor):
    sync_gazetteer(apps.get_model("zones", "Zone"), apps.get_model("zones", "ZoneAlias"), gazetteer_entries())


class Migration(migrations.Migration):
    dependencies = [("zones", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
