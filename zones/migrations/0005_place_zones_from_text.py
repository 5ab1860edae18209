"""Zones first seen in text before places were known get the province and coordinates of the
place their name opens with (江阴滨江新城 → 江苏省, 无锡市, 江阴's point)."""

from django.db import migrations

from zones.gazetteer import place_unplaced_zones


def place(apps, schema_editor):
    place_unplaced_zones(apps.get_model("zones", "Zone"))


class Migration(migrations.Migration):
    dependencies = [("zones", "0004_zones_unverified_last")]

    operations = [migrations.RunPython(place, migrations.RunPython.noop)]
