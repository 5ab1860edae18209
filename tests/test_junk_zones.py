"""Junk zones (issue 11, defect 5): a zone outside the gazetteer is created only when its name
opens with a place, is unverified, sorts after the gazetteer's zones in every dropdown, and an
admin folds it into the real zone as an alias, its records following, with history."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.ingest import store_parse
from articles.models import Article
from projects.models import Project
from tests.factories import make_article, make_batch, make_project
from tests.test_admin_curation import change_form_data
from tests.test_ingest import bulletin, parsed
from zones.matching import resolve_zone
from zones.models import Zone, ZoneAlias

pytestmark = pytest.mark.django_db


def test_the_demo_data_creates_no_zone_outside_the_gazetteer():
    call_command("load_demo", stdout=io.StringIO())
    assert Project.objects.exists()
    assert not Zone.objects.filter(short_name="今年高新区").exists()
    assert list(Zone.objects.filter(verified=False).values_list("short_name", flat=True)) == []


def test_a_parse_naming_a_phrase_as_zone_creates_no_zone_but_a_place_named_one_is_created():
    page = parsed(project_zone="今年高新区")
    page.articles[0].zones = ["长沙高新区", "今年高新区", "浏阳未知新材料园区"]
    store_parse(bulletin(), page)
    assert not Zone.objects.filter(short_name="今年高新区").exists()
    assert Project.objects.get().zone is None
    article = Article.objects.get()
    assert {z.short_name for z in article.zones.all()} == {"长沙高新区", "浏阳未知新材料园区"}
    assert Zone.objects.get(short_name="浏阳未知新材料园区").verified is False


def _options(html: str, select_name: str) -> list[str]:
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def test_an_unverified_zone_sorts_after_the_gazetteers_zones_in_the_dropdowns(client_as):
    unverified = resolve_zone("长沙新材料产业园区")
    project = make_project(unverified, review_status="confirmed")
    client = client_as("editor")
    listed = _options(client.get(reverse("project-list")).content.decode(), "zone")
    assert listed[-1].startswith("长沙新材料产业园区") and len(listed) > 100
    edit = client.get(reverse("edit-project", args=[project.pk])).content.decode()
    edit_options = [o for o in _options(edit, "zone") if o and not o.startswith("-")]
    assert edit_options[-1] == "长沙新材料产业园区" and edit_options[0] != "长沙新材料产业园区"
    zone_list = client.get(reverse("zone-list")).content.decode()
    assert zone_list.index("长沙新材料产业园区") > zone_list.index("西安高新区")


def test_an_admin_folds_a_zone_into_a_real_one_and_its_records_follow(client_as):
    junk = resolve_zone("长沙高新技术区")  # a misreading of 长沙高新区
    real = Zone.objects.get(short_name="长沙高新区")
    project = make_project(junk, review_status="confirmed")
    batch = make_batch(junk, review_status="confirmed")
    article = make_article()
    article.zones.add(junk)
    admin = client_as("admin")
    url = reverse("admin:zones_zone_change", args=[junk.pk])
    data = change_form_data(admin.get(url))
    data["merged_into"] = real.pk
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]

    project.refresh_from_db()
    batch.refresh_from_db()
    assert project.zone == real and batch.zone == real
    assert list(article.zones.all()) == [real]
    assert ZoneAlias.objects.get(name="长沙高新技术区").zone == real
    assert resolve_zone("长沙高新技术区") == real
    assert project.history.latest().history_change_reason.startswith("zone 长沙高新技术区 folded")
    assert project.history.latest().history_user.username == "admin-user"
    junk.refresh_from_db()
    assert junk.merged_into == real
    # The real zone's page now holds the records; the dropdown no longer offers the folded zone.
    zone_page = admin.get(real.get_absolute_url()).content.decode()
    assert project.name in zone_page
    listed = _options(admin.get(reverse("project-list")).content.decode(), "zone")
    assert not any(option.startswith("长沙高新技术区") for option in listed)
