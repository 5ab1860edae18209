"""Turns a zone name read from text into a `Zone` row: the one place zone names meet the database.

The parser already gives canonical short names for gazetteer zones; here we
also honour aliases that admins added since, follow zones merged into others,
and create zones never seen before as unverified, for admins to curate, placed in
the province and at the coordinates of the place their name opens with — and only
when the name opens with a place (`江阴滨江新城`, `西平县先进制造业开发区`): a phrase
that merely ends in a zone word (`今年高新区` from "今年高新区还将安排…") is not a
zone, and a junk zone would head every dropdown and split the zone's figures.
"""

from __future__ import annotations

from django.utils.text import slugify

from articles.parsing.places import load_place_index

from .models import Zone, ZoneAlias


def find_zone(name: str) -> Zone | None:
    """The zone called `name` (short name, full name or alias), following merges."""
    name = name.strip()
    if not name:
        return None
    zone = (
        Zone.objects.filter(short_name=name).first()
        or Zone.objects.filter(full_name=name).first()
        or Zone.objects.filter(pk__in=ZoneAlias.objects.filter(name=name).values("zone_id")).first()
    )
    seen: set[int] = set()
    while zone is not None and zone.merged_into_id and zone.pk not in seen:
        seen.add(zone.pk)
        zone = zone.merged_into
    return zone


def resolve_zone(name: str | None, cache: dict[str, Zone | None] | None = None) -> Zone | None:
    """The zone for `name`; a name nobody knows yet is created unverified when it opens with a
    place (the parser's place lookup), and is no zone (None) when it does not."""
    if not name or not name.strip():
        return None
    name = name.strip()[:64]
    if cache is not None and name in cache:
        return cache[name]
    zone = find_zone(name)
    place = load_place_index().place_in(name) if zone is None else None  # 江阴滨江新城 → 江阴市
    if zone is None and place is not None:
        zone = Zone.objects.create(
            short_name=name,
            slug=_free_slug(name),
            kind=_kind_of(name),
            verified=False,
            province=place.province,
            city=(place.city or place.name) if place.level != "province" else "",
            latitude=place.latitude,
            longitude=place.longitude,
        )
    if cache is not None:
        cache[name] = zone
    return zone


def _kind_of(name: str) -> str:
    for suffix in ("高新区", "经开区", "开发区", "园区", "新区"):
        if name.endswith(suffix):
            return suffix
    return "其他"


def _free_slug(name: str) -> str:
    base = slugify(name, allow_unicode=True)[:70] or "zone"
    slug, n = base, 1
    while Zone.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
