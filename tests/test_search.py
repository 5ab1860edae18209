"""Search across projects, investors, zones and articles (projects/search.py, /search/).

Through HTTP as an analyst; the same assertions hold on SQLite (icontains only) and on
PostgreSQL (GIN-indexed character n-grams, then icontains) — run this file on both. The
n-gram rule has its own unit tests at the end, and PostgreSQL an EXPLAIN check.
"""

from __future__ import annotations

import re
import types

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import search as article_search
from articles.models import Article
from projects import search
from projects.models import Project
from tests.factories import make_article, make_bulletin, make_project, make_zone
from zones.models import Zone

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only (set DATABASE_URL=postgres://…)"
)


def zone(short_name: str) -> Zone:
    """A zone of the gazetteer the migrations load, or a new one."""
    return Zone.objects.filter(short_name=short_name).first() or make_zone(short_name)


@pytest.fixture
def world():
    xian, leshan, suzhou = zone("西安高新区"), zone("乐山高新区"), zone("苏州工业园区")
    p = {}
    p["gcl_pv"] = make_project(xian, name="年产10GW光伏组件项目", investor="协鑫集成科技股份有限公司",
                               review_status="confirmed")
    p["gcl_si"] = make_project(leshan, name="颗粒硅项目", investor="协鑫科技控股有限公司",
                               review_status="confirmed")
    p["nev"] = make_project(suzhou, name="新能源汽车零部件项目", investor="某某汽车有限公司",
                            review_status="confirmed")
    p["decoy"] = make_project(suzhou, name="新能电池与能源储存项目", investor="某电池公司",
                              review_status="confirmed")
    p["gcl_candidate"] = make_project(suzhou, name="储能电站项目", investor="协鑫能科",
                                      review_status="candidate")
    p["gcl_rejected"] = make_project(suzhou, name="协鑫被驳回项目", investor="协鑫", review_status="rejected")
    p["gcl_merged"] = make_project(xian, name="协鑫光伏组件重复项目", investor="协鑫集成",
                                   review_status="confirmed", merged_into=p["gcl_pv"])
    p["haichuang"] = make_project(xian, name="新材料产业化项目", investor="海创尚纬（西安）科技有限公司",
                                  review_status="confirmed")
    p["leshan_pv"] = make_project(leshan, name="光伏电站项目", investor="某光伏公司", review_status="confirmed")
    p["latin"] = make_project(suzhou, name="SolarEdge逆变器项目", investor="SolarEdge Technologies",
                              review_status="confirmed")
    bulletin = make_bulletin(publication="西部开发报")
    a = {}
    a["gcl"] = make_article(bulletin, title="协鑫光伏组件项目签约落户西安高新区",
                            text="本报讯 6月28日，协鑫集成年产10GW光伏组件项目在西安高新区签约。")
    a["script"] = make_article(bulletin, title="<script>alert(1)</script>新能源专题",
                               text="<b>粗体</b> 新能源汽车产业链加速集聚 & 更多")
    a["decoy"] = make_article(bulletin, title="储能产业观察", text="新能电池与能源储存同步发展。")
    a["haichuang"] = make_article(bulletin, title="新材料企业走访",
                                  text="一" * 200 + "海创尚纬（西安）科技有限公司负责人介绍，" + "二" * 200)
    return p, a


def results(client, q: str, **params):
    response = client.get(reverse("search"), {"q": q, **params})
    assert response.status_code == 200
    context = response.context
    projects = {project.pk for project in context["projects"]} if context.get("projects") is not None else None
    articles = {article.pk for article in context["articles"]} if context.get("articles") is not None else None
    return projects, articles, response


def lexemes(stored: str) -> set[str]:
    """The grams of a stored document, as SQLite keeps it or as PostgreSQL prints it."""
    return set(re.findall(r"'([^']*)'", stored))


def pks(objects: dict, *names: str) -> set[int]:
    return {objects[name].pk for name in names}


# --- through HTTP ----------------------------------------------------------------------------


def test_two_character_query_finds_projects_by_investor_in_every_zone_and_articles(analyst, world):
    p, a = world
    projects, articles, response = results(analyst, "协鑫")
    # confirmed, not merged, not rejected, not candidates; in 西安 and 乐山
    assert projects == pks(p, "gcl_pv", "gcl_si")
    assert articles == pks(a, "gcl")
    assert response.context["projects"].paginator.count == 2
    assert response.context["articles"].paginator.count == 1


def test_candidates_are_included_on_request_and_merged_and_rejected_never(analyst, world):
    p, _a = world
    projects, _articles, response = results(analyst, "协鑫", candidates="1")
    assert projects == pks(p, "gcl_pv", "gcl_si", "gcl_candidate")
    assert 'name="candidates" value="1" checked' in response.content.decode()


def test_three_character_query_has_no_false_positive_from_the_bigram_prefilter(analyst, world):
    p, a = world
    projects, articles, _response = results(analyst, "新能源")
    assert projects == pks(p, "nev")  # not "新能电池与能源储存项目" (新能 & 能源 both occur)
    assert articles == pks(a, "script")


def test_one_character_query(analyst, world):
    p, _a = world
    projects, articles, _response = results(analyst, "硅")
    assert projects == pks(p, "gcl_si")
    assert articles == set()


def test_terms_separated_by_spaces_must_all_match_and_a_zone_name_counts(analyst, world):
    p, a = world
    projects, articles, _response = results(analyst, "西安高新区 光伏")
    assert projects == pks(p, "gcl_pv")  # not the 乐山 光伏 project, not the other 西安 project
    assert articles == pks(a, "gcl")
    projects, _articles, _response = results(analyst, "西安高新区\u3000光伏")  # ideographic space
    assert projects == pks(p, "gcl_pv")


def test_four_character_investor_name_and_snippet_around_the_first_hit(analyst, world):
    p, a = world
    projects, articles, response = results(analyst, "海创尚纬")
    assert projects == pks(p, "haichuang")
    assert articles == pks(a, "haichuang")
    html = response.content.decode()
    assert "<mark>海创尚纬</mark>（西安）科技有限公司" in html
    snippet = re.search(r'<p class="snippet">(.*?)</p>', html, re.S).group(1)
    assert snippet.startswith("…") and snippet.endswith("…")  # a window, not the whole text
    assert len(snippet) < 200


def test_latin_words_match_case_insensitively_inside_words(analyst, world):
    p, _a = world
    for q in ("solaredge", "SOLAR", "edge", "larEd"):
        projects, _articles, _response = results(analyst, q)
        assert projects == pks(p, "latin"), q


def test_snippets_and_titles_are_escaped_and_only_hits_marked(analyst, world):
    _p, a = world
    _projects, articles, response = results(analyst, "新能源")
    assert articles == pks(a, "script")
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>新能源</mark>专题" in html
    assert "&lt;b&gt;粗体&lt;/b&gt; <mark>新能源</mark>汽车产业链加速集聚 &amp; 更多" in html
    assert "<b>" not in html


def test_a_query_with_markup_is_escaped(analyst, world):
    _projects, _articles, response = results(analyst, "<img src=x onerror=alert(1)>")
    assert "<img src=x" not in response.content.decode()


def test_links_counts_and_more(analyst, world):
    p, a = world
    _projects, _articles, response = results(analyst, "协鑫")
    html = response.content.decode()
    assert f'href="{p["gcl_pv"].get_absolute_url()}"' in html
    assert f'href="{a["gcl"].get_absolute_url()}"' in html
    assert f'{reverse("project-list")}?q=%E5%8D%8F%E9%91%AB&amp;review_status=confirmed' in html


def test_one_kind_is_paginated(analyst, world):
    zone = make_zone("测试高新区")
    for i in range(60):
        make_project(zone, name=f"翻页测试项目{i}", review_status="confirmed")
    projects, articles, response = results(analyst, "翻页", kind="projects")
    assert articles is None and len(projects) == 50
    assert response.context["projects"].paginator.count == 60
    projects2, _articles, _response = results(analyst, "翻页", kind="projects", page="2")
    assert len(projects2) == 10 and not projects & projects2
    top, _articles, _response = results(analyst, "翻页")
    assert len(top) == 10


def test_empty_query_shows_the_form_only(analyst, world):
    _projects, _articles, response = results(analyst, "   ")
    assert response.context.get("projects") is None
    assert 'name="q"' in response.content.decode()


def test_the_project_list_keyword_filter_is_the_same_search(analyst, world):
    p, _a = world
    for q, expected in (("协鑫", {"gcl_pv", "gcl_si"}), ("新能源", {"nev"}), ("西安高新区 光伏", {"gcl_pv"})):
        response = analyst.get(reverse("project-list"), {"q": q})
        assert {project.pk for project in response.context["page"]} == pks(p, *expected), q
        searched, _articles, _response = results(analyst, q)
        assert searched == pks(p, *expected)


def test_search_requires_login(client, world):
    response = client.get(reverse("search"), {"q": "协鑫"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_nav_links_the_search_page(analyst, world):
    html = analyst.get(reverse("home")).content.decode()
    assert f'href="{reverse("search")}"' in html
    assert f'action="{reverse("search")}"' in html


def test_indexed_and_plain_search_agree(world, monkeypatch):
    """The n-gram prefilter (PostgreSQL) never changes the result, only its speed."""
    queries = ["协鑫", "新能源", "硅", "西安高新区 光伏", "海创尚纬", "solar", "能源", "项目", "x", "!!"]
    indexed = {q: (set(search.filter_projects(Project.objects.all(), q).values_list("pk", flat=True)),
                   set(article_search.filter_articles(Article.objects.all(), q).values_list("pk", flat=True)))
               for q in queries}
    monkeypatch.setattr(search, "uses_index", lambda queryset: False)
    plain = {q: (set(search.filter_projects(Project.objects.all(), q).values_list("pk", flat=True)),
                 set(article_search.filter_articles(Article.objects.all(), q).values_list("pk", flat=True)))
             for q in queries}
    assert indexed == plain


# --- kept up to date -------------------------------------------------------------------------


def test_the_document_follows_renames_and_new_articles(analyst, world):
    p, _a = world
    project = p["nev"]
    project.name = "氢燃料电池项目"
    project.save()
    assert results(analyst, "新能源")[0] == set()
    assert results(analyst, "氢燃料")[0] == {project.pk}
    project.investor = "協鑫"  # NFKC leaves traditional characters alone: not 协鑫
    project.save(update_fields=["investor"])
    project.refresh_from_db()
    assert lexemes(project.search_document) == search.grams("氢燃料电池项目", "協鑫")
    article = Article.objects.create(bulletin=make_bulletin(), position=1, title="", text="钙钛矿电池中试线投产")
    assert results(analyst, "钙钛矿")[1] == {article.pk}


def test_backfill_fills_every_document(world):
    Project.objects.update(search_document="")
    Article.objects.update(search_document="")
    editor = types.SimpleNamespace(connection=connection)
    search.backfill(Project, Project.SEARCHED_FIELDS, editor, batch_size=3)
    search.backfill(Article, Article.SEARCHED_FIELDS, editor, batch_size=3)
    for project in Project.objects.all():
        assert lexemes(project.search_document) == search.grams(project.name, project.investor)
    assert set(search.filter_projects(Project.objects.all(), "协鑫").values_list("pk", flat=True)) >= {
        world[0]["gcl_pv"].pk, world[0]["gcl_si"].pk
    }
    assert set(article_search.filter_articles(Article.objects.all(), "海创尚纬").values_list("pk", flat=True)) == {
        world[1]["haichuang"].pk
    }


# --- query count and plan --------------------------------------------------------------------


def test_search_page_query_count_is_pinned(analyst, world):
    def count(**params) -> int:
        with CaptureQueriesContext(connection) as context:
            response = analyst.get(reverse("search"), {"q": "协鑫 项目", **params})
        assert response.status_code == 200
        return len(context)

    # session, user, zones matching the terms, project count, projects, article count, articles,
    # the user's permissions (2, the nav), and batches: zones matching the terms, batch count
    first = count()
    bulletin = make_bulletin()
    for i in range(12):
        make_project(world[0]["gcl_pv"].zone, name=f"协鑫追加项目{i}", review_status="confirmed")
        make_article(bulletin, title=f"协鑫项目{i}", text="协鑫项目签约。")
    assert (first, count()) == (11, 11)
    assert count(kind="articles") == 7  # no project or batch queries


@on_postgresql
@pytest.mark.parametrize("kind", ["projects", "articles"])
def test_search_reads_the_gin_index(world, kind):
    if kind == "projects":
        queryset = search.filter_projects(Project.objects.all(), "协鑫")
        index = "projects_project_search_gin"
    else:
        queryset = article_search.filter_articles(Article.objects.all(), "新能源")
        index = "articles_article_search_gin"
    # The filter itself (what the page's count runs; the ordered slice adds a sort or an
    # ordered index walk on top, which the tiny test table makes cheaper than any filter).
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Bitmap Index Scan on {index}" in plan, plan
    assert "Seq Scan" not in plan, plan


# --- the n-gram rule -------------------------------------------------------------------------


def test_grams_of_chinese_are_unigrams_and_bigrams_per_run():
    assert search.grams("新能源，电池") == {"新", "能", "源", "新能", "能源", "电", "池", "电池"}
    assert search.grams("协鑫", "科技") == {"协", "鑫", "协鑫", "科", "技", "科技"}  # no "鑫科" across fields


def test_grams_of_words_are_their_suffixes_lowercased_and_nfkc():
    assert search.grams("ＳｏｌａｒＥdge 5G基站") == {
        "solaredge", "olaredge", "laredge", "aredge", "redge", "edge", "dge", "ge", "e",
        "5g", "g", "基", "站", "基站",
    }
    assert max(map(len, search.grams("a" * 40))) == search.WORD_GRAM


def test_query_terms_and_their_grams():
    assert search.terms(" 西安高新区\u3000光伏  光伏 ") == ["西安高新区", "光伏"]
    assert search.term_grams("新能源") == [("新能", False), ("能源", False)]
    assert search.term_grams("硅") == [("硅", False)]
    assert search.term_grams("5G基站") == [("5g", True), ("基站", False)]
    assert search.term_grams("!!") == []
    assert search.tsquery(["新能源", "solar"]) == "'新能' & '能源' & 'solar':*"


def test_document_is_a_tsvector_literal():
    assert search.document("能源") == "'源' '能' '能源'"  # sorted by code point
    assert search.document("") == ""


def test_highlight_escapes_everything_but_the_marks():
    html = search.highlight("<i>协鑫</i> & 协鑫", "协鑫")
    assert html == "&lt;i&gt;<mark>协鑫</mark>&lt;/i&gt; &amp; <mark>协鑫</mark>"
    assert str(search.highlight("<b>", "")) == "&lt;b&gt;"
