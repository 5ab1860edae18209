"""Loads the zone gazetteer (zones/data/*.json) into the database.

The JSON files are the single source: the parser reads them directly (it has
no database), and this module copies them into `Zone`/`ZoneAlias` rows so that
admins can curate on top. Syncing is idempotent and never deletes: a zone an
admin added or renamed stays as it is. Coordinates come from the place data the
parser uses too (articles/parsing/places.py), so every zone gets a point on the map.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.text import slugify

from articles.parsing.places import Place, load_place_index
from articles.parsing.zones import gazetteer_paths, read_entries


def gazetteer_entries() -> list[dict]:
    """All zone entries of the gazetteer files that exist: the same files, read the same way,
    as the parser's gazetteer (articles.parsing.zones)."""
    return read_entries(gazetteer_paths())


def place_of_zone(entry: Mapping) -> Place | None:
    """The most specific place a zone lies in: its county, the place its name opens with (昆山高新区
    → 昆山市, within its province), its city, else its province."""
    index = load_place_index()
    province = entry.get("province") or ""
    for name in (entry.get("county"), entry.get("short_name"), entry.get("full_name")):
        place = name and index.place_in(name, province)
        if place and place.level != "province":
            return place
    return index.lookup(entry.get("city") or "", province) or index.lookup(province)


def _has_coordinates(zone_model) -> bool:
    # The 0002 data migration runs with a historical Zone that has no coordinates yet.
    return any(f.name == "latitude" for f in zone_model._meta.get_fields())


def sync_gazetteer(zone_model, alias_model, entries: Iterable[dict]) -> tuple[int, int]:
    """Create or update verified zones and their aliases; returns (zones created, aliases created).

    Takes the model classes as arguments so a data migration can pass its
    historical models.
    """
    zones_created = aliases_created = 0
    with_coordinates = _has_coordinates(zone_model)
    for entry in entries:
        defaults = {
            "full_name": entry.get("full_name", ""),
            "slug": slugify(entry["short_name"], allow_unicode=True),
            "kind": entry.get("kind", "高新区"),
            "level": entry.get("level", "national"),
            "province": entry.get("province", ""),
            "city": entry.get("city", ""),
            "approved_year": entry.get("approved_year"),
            "verified": True,
        }
        if with_coordinates:
            place = place_of_zone(entry)
            defaults["latitude"] = place.latitude if place else None
            defaults["longitude"] = place.longitude if place else None
        zone, created = zone_model.objects.update_or_create(short_name=entry["short_name"], defaults=defaults)
        zones_created += created
        names = {entry.get("full_name", ""), *entry.get("aliases", [])} - {"", entry["short_name"]}
        for name in sorted(names):
            _, alias_created = alias_model.objects.get_or_create(name=name, defaults={"zone": zone})
            aliases_created += alias_created
    return zones_created, aliases_created


def place_unplaced_zones(zone_model) -> int:
    """Give zones without coordinates (zones first seen in text, before places were known) the
    province, city and coordinates of the place their name opens with; returns how many.
    An admin's province or city is kept; only empty fields are filled."""
    index = load_place_index()
    placed = 0
    for zone in zone_model.objects.filter(latitude__isnull=True):
        place = index.place_in(zone.short_name, zone.province or "") or index.place_in(zone.short_name)
        if place is None or place.latitude is None:
            continue
        zone.latitude, zone.longitude = place.latitude, place.longitude
        zone.province = zone.province or place.province
        if not zone.city and place.level != "province":
            zone.city = place.city or place.name
        zone.save(update_fields=["latitude", "longitude", "province", "city"])
        placed += 1
    return placed
