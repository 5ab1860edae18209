"""`python manage.py load_gazetteer`: copy zones/data/*.json into the database (idempotent),
and place the zones first seen in text that have no coordinates yet."""

from django.core.management.base import BaseCommand

from zones.gazetteer import gazetteer_entries, place_unplaced_zones, sync_gazetteer
from zones.models import Zone, ZoneAlias


class Command(BaseCommand):
    help = "Create or update the gazetteer's zones and aliases; never deletes curated zones."

    def handle(self, *args, **options):
        entries = gazetteer_entries()
        zones, aliases = sync_gazetteer(Zone, ZoneAlias, entries)
        placed = place_unplaced_zones(Zone)
        self.stdout.write(
            f"{len(entries)} gazetteer zones: {zones} new zones, {aliases} new aliases; "
            f"{placed} zones from text placed on the map"
        )
