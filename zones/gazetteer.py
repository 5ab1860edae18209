"""Loads the zone gazetteer (zones/data/*.json) into the database.

The JSON files are the single source: the parser reads them directly (it has
no database), and this module copies them into `Zone`/`ZoneAlias` rows so that
admins can curate on top. Syncing is idempotent and never deletes: a zone an
admin added or renamed stays as it is.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.text import slugify

from articles.parsing.zones import gazetteer_paths, read_entries


def gazetteer_entries() -> list[dict]:
    """All zone entries of the gazetteer files that exist: the same files, read the same way,
    as the parser's gazetteer (articles.parsing.zones)."""
    return read_entries(gazetteer_paths())


def sync_gazetteer(zone_model, alias_model, entries: Iterable[dict]) -> tuple[int, int]:
    """Create or update verified zones and their aliases; returns (zones created, aliases created).

    Takes the model classes as arguments so a data migration can pass its
    historical models.
    """
    zones_created = aliases_created = 0
    for entry in entries:
        zone, created = zone_model.objects.update_or_create(
            short_name=entry["short_name"],
            defaults={
                "full_name": entry.get("full_name", ""),
                "slug": slugify(entry["short_name"], allow_unicode=True),
                "kind": entry.get("kind", "高新区"),
                "level": entry.get("level", "national"),
                "province": entry.get("province", ""),
                "city": entry.get("city", ""),
                "approved_year": entry.get("approved_year"),
                "verified": True,
            },
        )
        zones_created += created
        names = {entry.get("full_name", ""), *entry.get("aliases", [])} - {"", entry["short_name"]}
        for name in sorted(names):
            _, alias_created = alias_model.objects.get_or_create(name=name, defaults={"zone": zone})
            aliases_created += alias_created
    return zones_created, aliases_created
