"""Zone names meet the database: the gazetteer loaded by migration, lookups, new and merged zones."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from zones.matching import find_zone, resolve_zone
from zones.models import Zone, ZoneAlias

pytestmark = pytest.mark.django_db


def test_migration_loaded_the_national_high_tech_zones_as_verified():
    national = Zone.objects.filter(kind="高新区", level="national", verified=True)
    assert national.count() >= 170
    assert not Zone.objects.filter(verified=False).exists()


def test_migration_loaded_province_and_city_of_xian():
    zone = Zone.objects.get(short_name="西安高新区")
    assert (zone.province, zone.city, zone.full_name) == ("陕西省", "西安市", "西安高新技术产业开发区")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("西安高新区", "西安高新区"),  # short name
        ("西安高新技术产业开发区", "西安高新区"),  # full name
        ("滨海高新区", "天津滨海高新区"),  # alias
        ("  西安高新区 ", "西安高新区"),  # stray spaces from the page
    ],
)
def test_find_zone_by_short_name_full_name_or_alias(name, expected):
    assert find_zone(name).short_name == expected


@pytest.mark.parametrize("name", ["长沙新材料产业园区", "", "   "])
def test_find_zone_of_an_unknown_or_empty_name_is_none(name):
    assert find_zone(name) is None


def test_find_zone_honours_an_alias_an_admin_added():
    ZoneAlias.objects.create(zone=Zone.objects.get(short_name="西安高新区"), name="西高新")
    assert find_zone("西高新").short_name == "西安高新区"


def test_resolve_zone_creates_an_unknown_zone_once_and_unverified():
    before = Zone.objects.count()
    first = resolve_zone("长沙新材料产业园区")
    second = resolve_zone("长沙新材料产业园区")
    assert first.pk == second.pk
    assert Zone.objects.count() == before + 1
    assert not first.verified
    assert first.slug and first.get_absolute_url()


def test_resolve_zone_gives_new_zones_distinct_slugs_when_names_slugify_alike():
    a = resolve_zone("长沙 新材料园区")
    b = resolve_zone("长沙-新材料园区")
    assert a.pk != b.pk and a.slug != b.slug
    assert not a.verified and not b.verified


def test_resolve_zone_of_a_known_name_creates_nothing():
    before = Zone.objects.count()
    assert resolve_zone("滨海高新区").short_name == "天津滨海高新区"
    assert Zone.objects.count() == before


def test_resolve_zone_of_no_name_is_none():
    before = Zone.objects.count()
    assert resolve_zone(None) is None and resolve_zone(" ") is None
    assert Zone.objects.count() == before


def test_a_zone_merged_into_another_resolves_to_the_target():
    old = resolve_zone("长沙新材料产业园区")
    target = Zone.objects.get(short_name="西安高新区")
    old.merged_into = target
    old.save()
    assert resolve_zone("长沙新材料产业园区") == target
    assert find_zone("长沙新材料产业园区") == target


def test_merges_are_followed_through_a_chain_and_a_cycle_does_not_hang():
    a, b = resolve_zone("长沙甲园区"), resolve_zone("长沙乙园区")
    c = Zone.objects.get(short_name="西安高新区")
    Zone.objects.filter(pk=a.pk).update(merged_into=b)
    Zone.objects.filter(pk=b.pk).update(merged_into=c)
    assert find_zone("长沙甲园区") == c
    Zone.objects.filter(pk=b.pk).update(merged_into=a)  # a bad curation: a → b → a
    assert find_zone("长沙甲园区") in (a, b)


def test_load_gazetteer_run_again_creates_nothing():
    zones, aliases = Zone.objects.count(), ZoneAlias.objects.count()
    out = io.StringIO()
    call_command("load_gazetteer", stdout=out)
    assert "0 new zones, 0 new aliases" in out.getvalue()
    assert (Zone.objects.count(), ZoneAlias.objects.count()) == (zones, aliases)


def test_load_gazetteer_restores_a_deleted_zone_and_keeps_curated_ones():
    curated = resolve_zone("长沙新材料产业园区")
    Zone.objects.get(short_name="西安经开区").delete()
    out = io.StringIO()
    call_command("load_gazetteer", stdout=out)
    assert "1 new zones" in out.getvalue()
    assert Zone.objects.filter(short_name="西安经开区", verified=True).exists()
    assert Zone.objects.filter(pk=curated.pk).exists()


# --- coordinates: every zone on the map ------------------------------------------------


def test_migration_placed_every_gazetteer_zone():
    zones = Zone.objects.filter(verified=True)
    assert zones.count() >= 200
    assert not zones.filter(latitude__isnull=True).exists()
    assert not zones.filter(longitude__isnull=True).exists()
    kunshan = Zone.objects.get(short_name="昆山高新区")  # placed at 昆山市, not at 苏州市
    assert (round(float(kunshan.latitude), 1), round(float(kunshan.longitude), 1)) == (31.4, 121.0)


def test_load_gazetteer_restores_cleared_coordinates():
    Zone.objects.filter(short_name="西安高新区").update(latitude=None, longitude=None)
    call_command("load_gazetteer", stdout=io.StringIO())
    zone = Zone.objects.get(short_name="西安高新区")
    assert 33 < zone.latitude < 35 and 108 < zone.longitude < 110


def test_new_zone_from_text_gets_the_province_and_point_of_its_place():
    zone = resolve_zone("江阴滨江新城")
    assert (zone.verified, zone.province, zone.city) == (False, "江苏省", "无锡市")
    assert 31 < zone.latitude < 33 and 119 < zone.longitude < 121


def test_a_name_without_a_known_place_is_no_zone():
    before = Zone.objects.count()
    assert resolve_zone("某某新材料产业园区") is None
    assert resolve_zone("今年高新区") is None
    assert Zone.objects.count() == before


def test_load_gazetteer_places_zones_from_text_that_have_no_point():
    zone = Zone.objects.create(short_name="宁海县梅林工业区", slug="ninghai-meilin", verified=False)
    kept = Zone.objects.create(short_name="嘉兴科技城", slug="jiaxing-kjc", verified=False, city="某市")
    out = io.StringIO()
    call_command("load_gazetteer", stdout=out)
    zone.refresh_from_db()
    kept.refresh_from_db()
    assert (zone.province, zone.city) == ("浙江省", "宁波市") and 29 < zone.latitude < 30
    assert (kept.province, kept.city) == ("浙江省", "某市")  # an admin's city stays
    assert "2 zones from text placed" in out.getvalue()
