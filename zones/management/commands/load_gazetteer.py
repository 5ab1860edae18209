"""`python manage.py load_gazetteer`: copy zones/data/*.json into the database (idempotent)."""

from django.core.management.base import BaseCommand

from zones.gazetteer import gazetteer_entries, sync_gazetteer
from zones.models import Zone, ZoneAlias


class Command(BaseCommand):
    help = "Create or update the gazetteer's zones and aliases; never deletes curated zones."

    def handle(self, *args, **options):
        entries = gazetteer_entries()
        zones, aliases = sync_gazetteer(Zone, ZoneAlias, entries)
        self.stdout.write(f"{len(entries)} gazetteer zones: {zones} new zones, {aliases} new aliases")
