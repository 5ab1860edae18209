"""Likely-duplicate suggestions for a whole review page in one query (issue 11: they cost
~120 ms per candidate at a million projects). The index prefilter on PostgreSQL must find
what reading every project of the zone finds: checked against that reference here."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import dedup
from projects.models import Project
from tests.factories import make_article, make_bulletin, make_mention, make_project, make_zone

pytestmark = pytest.mark.django_db

KNOWN = [
    ("宁德时代锂电池生产基地项目", "宁德时代新能源科技股份有限公司"),
    ("海创尚纬新能源西南制造基地", "四川海创尚纬新能源科技有限公司"),
    ("年产10GW光伏切片项目", "协鑫集成"),
    ("晶合光电12英寸功率器件产线项目", ""),
    ("星辰储能电池模组项目", "星辰能源"),
    ("自动驾驶产业园项目", "四川金瑞麒智能科学技术有限公司"),
    ("SolarEdge逆变器项目", "SolarEdge Technologies"),
    ("生物医药研发及产业化基地", "华锐生物"),
]
NEW = [
    ("宁德时代锂电池基地二期项目", ""),
    ("海创尚纬首期4万吨负极材料项目", "海创尚纬"),
    ("光伏切片二期", ""),
    ("功率器件产线扩建项目", "晶合光电"),
    ("储能电池模组", "星辰能源有限公司"),
    ("金瑞麒自动驾驶产业园", ""),
    ("华为云数据中心", "华为"),
    ("生物医药产业化基地", ""),
]


def reference(project: Project) -> list[tuple[int, float]]:
    """What the rule gives when every project of the zone is read (the definition)."""
    others = Project.objects.filter(zone_id=project.zone_id, merged_into__isnull=True).exclude(
        pk=project.pk).exclude(review_status="rejected")
    scored = []
    for other in others:
        score = dedup.name_similarity(project.name, other.name)
        if dedup.same_investor(project.investor, other.investor):
            score = max(score, 0.9)
        if score >= dedup.NAME_SIMILARITY_THRESHOLD:
            scored.append((other, round(score, 2)))
    scored.sort(key=lambda pair: (-pair[1], pair[0].review_status != "confirmed", pair[0].pk))
    return [(other.pk, score) for other, score in scored[: dedup.MAX_CANDIDATES]]


@pytest.fixture
def page():
    zones = [make_zone(), make_zone()]
    for zone in zones:
        for name, investor in KNOWN:
            make_project(zone, name=name, investor=investor, review_status="confirmed")
    bulletin = make_bulletin()
    article = make_article(bulletin)
    candidates = []
    for i, (name, investor) in enumerate(NEW):
        project = make_project(zones[i % 2], name=name, investor=investor, review_status="candidate")
        make_mention(project, article)
        candidates.append(project)
    return bulletin, candidates


def test_the_page_suggestions_equal_reading_every_project_of_the_zone(page):
    _bulletin, candidates = page
    found = dedup.likely_duplicates_of(candidates)
    for project in candidates:
        assert [(p.pk, score) for p, score in found[project.pk]] == reference(project), project.name
    assert sum(bool(found[p.pk]) for p in candidates) >= 6  # the table is not all misses


def test_the_review_page_reads_the_suggestions_in_one_query_whatever_the_candidates(client_as, page):
    bulletin, candidates = page
    editor = client_as("editor")
    url = reverse("bulletin-detail", args=[bulletin.pk])
    editor.get(url)  # the session, and on PostgreSQL the grams' statistics (kept for minutes)
    with CaptureQueriesContext(connection) as first:
        html = editor.get(url).content.decode()
    assert "宁德时代锂电池生产基地项目" in html  # the first candidate's suggestion is shown
    article = make_article(bulletin)
    for name, investor in NEW:
        make_mention(make_project(candidates[0].zone, name=name, investor=investor), article)
    with CaptureQueriesContext(connection) as second:
        editor.get(url)
    assert len(second) == len(first)
    grams_queries = [q for q in second.captured_queries if "@@" in q["sql"]]
    assert len(grams_queries) == (1 if connection.vendor == "postgresql" else 0)


@pytest.fixture
def read_projects():
    """How many Project rows are read into Python (each read makes one instance)."""
    from django.db.models.signals import post_init

    read = []

    def count(sender, **kwargs):
        read.append(1)

    post_init.connect(count, sender=Project)
    yield read
    post_init.disconnect(count, sender=Project)


def crowd(zone, n: int, name: str) -> None:
    """n confirmed projects of the zone, bulk-written with their search documents."""
    from projects.search import document

    rows = [Project(zone=zone, name=name.format(i), investor=f"甲乙{i}实业", review_status="confirmed")
            for i in range(n)]
    for row in rows:
        row.search_document = document(*(getattr(row, field) for field in Project.SEARCHED_FIELDS))
    Project.objects.bulk_create(rows, batch_size=500)


def test_the_suggestions_never_read_a_zones_whole_project_set(read_projects):
    """Issue 15: a page's suggestions read every project of the candidates' zones (18.5k in one
    zone): now only the rows the grams or the investor allow, on either database."""
    zone = make_zone()
    crowd(zone, 2000, "园区第{}号标准厂房")  # nothing in common with the candidates
    known = make_project(zone, name="宁德时代锂电池生产基地项目", review_status="confirmed")
    candidates = [make_project(zone, name=name, investor=investor) for name, investor in NEW[:3]]
    read_projects.clear()
    found = dedup.likely_duplicates_of(candidates)
    assert [p.pk for p, _score in found[candidates[0].pk]] == [known.pk]
    assert len(read_projects) < 20, len(read_projects)


def test_a_zone_where_every_project_looks_alike_costs_a_bounded_read(read_projects, monkeypatch):
    monkeypatch.setattr(dedup, "MAX_ROWS_PER_PROJECT", 10, raising=False)
    zone = make_zone()
    crowd(zone, 300, "储能电池工厂{}号")
    candidates = [make_project(zone, name="储能电池工厂", investor="") for _ in range(2)]
    read_projects.clear()
    found = dedup.likely_duplicates_of(candidates)
    assert len(read_projects) <= 2 * 10 + 2
    assert all(len(found[p.pk]) == dedup.MAX_CANDIDATES for p in candidates)  # still suggested
