"""The review page of a big issue, one page of articles at a time (issue 15, item 1: issues of
968 to 24,148 articles timed out drawing every article and its suggestions).

Through the editor's path: the page shows PAGE_SIZE articles, page 2 the next ones; an editor
starts on the articles still awaiting review, can show all or one zone's; the issue's pending
counts are for the whole issue; an action on page N (htmx or plain POST) returns to page N of
the same filter; the page reads the same number of queries whatever the issue's and the zone's
size, and its candidates still get their likely duplicates."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from articles.review_page import PAGE_SIZE
from projects.models import Project
from projects.search import document
from tests.factories import make_article, make_batch, make_bulletin, make_mention, make_project, make_zone

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def shown_articles(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article class="card article" id="article-(\d+)"', html)]


def issue_of(n: int, zone=None, status: str = "candidate", bulletin=None):
    """An issue of n articles, each quoting one project of `zone` (in order of position)."""
    bulletin = bulletin or make_bulletin()
    zone = zone or make_zone()
    start = bulletin.articles.count()
    articles = Article.objects.bulk_create(
        Article(bulletin=bulletin, position=start + i + 1, title=f"第{start + i + 1}篇", text="本报讯 某项目签约。")
        for i in range(n)
    )
    for i, article in enumerate(articles):
        project = make_project(zone, name=f"第{start + i + 1}号储能电池工厂", review_status=status)
        make_mention(project, article, quote="某项目签约")
        article.zones.add(zone)
    return bulletin, articles


def big_zone(zone, n: int) -> None:
    """n confirmed projects in the zone, bulk-written with their search documents."""
    rows = [Project(zone=zone, name=f"园区第{i}号标准厂房", investor=f"甲乙{i}实业",
                    amount=Decimal("100000000"), amount_yuan=Decimal("100000000"), amount_text="1亿元",
                    review_status="confirmed") for i in range(n)]
    for row in rows:
        row.search_document = document(*(getattr(row, name) for name in Project.SEARCHED_FIELDS))
    Project.objects.bulk_create(rows, batch_size=500)


def test_a_big_issue_shows_one_page_of_articles_and_page_two_the_next(editor):
    bulletin, articles = issue_of(PAGE_SIZE * 2 + 5)
    url = bulletin.get_absolute_url()
    first = editor.get(url).content.decode()
    assert shown_articles(first) == [a.pk for a in articles[:PAGE_SIZE]]
    assert 'aria-current="page"' in first and "page=2" in first  # links to the next pages
    second = editor.get(url, {"page": 2}).content.decode()
    assert shown_articles(second) == [a.pk for a in articles[PAGE_SIZE:PAGE_SIZE * 2]]
    last = editor.get(url, {"page": 3}).content.decode()
    assert shown_articles(last) == [a.pk for a in articles[PAGE_SIZE * 2:]]
    past_the_end = editor.get(url, {"page": 999}).content.decode()  # the last page, not an error
    assert shown_articles(past_the_end) == shown_articles(last)
    for bogus in ({"page": "x"}, {"page": "-1"}, {"show": "bogus"}, {"zone": "abc"}, {"page": "9" * 40}):
        response = editor.get(url, bogus)
        assert response.status_code == 200, bogus
        assert shown_articles(response.content.decode()) == [a.pk for a in articles[:PAGE_SIZE]], bogus


def test_an_editor_starts_on_what_is_pending_and_the_counts_are_the_whole_issues(editor, client_as):
    bulletin, done = issue_of(PAGE_SIZE + 3, status="confirmed")
    _bulletin, pending = issue_of(PAGE_SIZE + 2, bulletin=bulletin)
    batch_article = make_article(bulletin)
    make_mention(None, batch_article, kind="batch", batch=make_batch(pending[0].zones.first()))
    page = editor.get(bulletin.get_absolute_url()).content.decode()
    assert shown_articles(page) == [a.pk for a in pending[:PAGE_SIZE]]
    # 22 projects and one batch, in 23 of the issue's 46 articles: for the whole issue, not the page
    assert "待审核：23 条记录，在 23 篇文章中（本期共 46 篇文章）" in page
    second = editor.get(bulletin.get_absolute_url(), {"show": "pending", "page": 2}).content.decode()
    assert shown_articles(second) == [a.pk for a in pending[PAGE_SIZE:]] + [batch_article.pk]
    everything = editor.get(bulletin.get_absolute_url(), {"show": "all"}).content.decode()
    assert shown_articles(everything) == [a.pk for a in done[:PAGE_SIZE]]
    # Someone who cannot review reads the issue as printed.
    reader = client_as("analyst")  # the same client, now logged in as an analyst
    assert shown_articles(reader.get(bulletin.get_absolute_url()).content.decode())[:3] == [a.pk for a in done[:3]]


def test_nothing_left_to_review_shows_every_article(editor):
    bulletin, articles = issue_of(3, status="confirmed")
    page = editor.get(bulletin.get_absolute_url()).content.decode()
    assert shown_articles(page) == [a.pk for a in articles]
    empty = editor.get(bulletin.get_absolute_url(), {"show": "pending"}).content.decode()
    assert shown_articles(empty) == [] and "这里没有待审核的记录了" in empty


def test_the_zone_filter_shows_that_zones_articles(editor):
    leshan, xian = make_zone("乐山测试区"), make_zone("西安测试区")
    bulletin, in_leshan = issue_of(PAGE_SIZE + 1, zone=leshan)
    _bulletin, in_xian = issue_of(4, zone=xian, bulletin=bulletin)
    page = editor.get(bulletin.get_absolute_url(), {"zone": xian.pk}).content.decode()
    assert shown_articles(page) == [a.pk for a in in_xian]
    assert f'<option value="{xian.pk}" selected>' in page and "西安测试区 (4)" in page
    second = editor.get(bulletin.get_absolute_url(), {"zone": leshan.pk, "page": 2}).content.decode()
    assert shown_articles(second) == [in_leshan[-1].pk]
    assert f"zone={leshan.pk}&amp;page=1" in second  # the page links keep the filter


def test_an_action_on_page_two_returns_to_page_two_of_the_same_filter(editor):
    zone = make_zone()
    bulletin, articles = issue_of(PAGE_SIZE + 5, zone=zone)
    article = articles[PAGE_SIZE + 1]
    mention = article.mentions.get()
    url = bulletin.get_absolute_url()
    page = editor.get(url, {"show": "all", "zone": zone.pk, "page": 2}).content.decode()
    back = f"show=all&amp;zone={zone.pk}&amp;page=2"
    assert f'name="back" value="{back}"' in page  # every action's form carries the page
    # Without JavaScript: a redirect to the same page and filter, at the record.
    response = editor.post(reverse("review-act", args=[mention.pk]),
                           {"action": "reject", "back": f"show=all&zone={zone.pk}&page=2"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?show=all&zone={zone.pk}&page=2#item-{mention.pk}"
    # With htmx: the article's list, whose forms carry the page on.
    html = editor.post(reverse("review-act", args=[mention.pk]),
                       {"action": "confirm", "back": f"show=all&zone={zone.pk}&page=2"}, **HTMX).content.decode()
    assert html.lstrip().startswith(f'<div class="review-list" id="candidates-{article.pk}"')
    assert f'name="back" value="{back}"' in html
    confirm_all = editor.post(reverse("review-confirm-all", args=[article.pk]),
                              {"action": "confirm-all", "back": "show=pending&page=2"})
    assert confirm_all["Location"] == f"{url}?show=pending&page=2#article-{article.pk}"
    # Only our own parameters go back into the URL.
    hostile = editor.post(reverse("review-act", args=[mention.pk]),
                          {"action": "confirm", "back": "page=2&next=//evil.example/&x=<script>"})
    assert hostile["Location"] == f"{url}?show=all&page=2#item-{mention.pk}"
    # The picker without JavaScript is the same page: it keeps page and filter.
    picked = editor.get(url, {"show": "all", "zone": zone.pk, "page": 2, "pick": mention.pk, "q": "储能"})
    assert shown_articles(picked.content.decode()) == [a.pk for a in articles[PAGE_SIZE:]]
    assert '<input type="hidden" name="page" value="2">' in picked.content.decode()
    # The edit form (htmx) keeps it too, and so does the edit page without JavaScript.
    form = editor.get(reverse("review-edit", args=[mention.pk]), {"back": "show=all&page=2"}, **HTMX)
    assert 'name="back" value="show=all&amp;page=2"' in form.content.decode()
    plain = editor.get(reverse("review-edit", args=[mention.pk]), {"back": "show=all&page=2"})
    assert "page%3D2" in plain["Location"]


def test_duplicate_suggestions_appear_for_the_candidates_of_a_later_page(editor):
    zone = make_zone()
    known = make_project(zone, name="宁德时代锂电池生产基地项目", review_status="confirmed")
    bulletin, articles = issue_of(PAGE_SIZE + 2, zone=zone)
    later = articles[PAGE_SIZE + 1]
    repeat = make_project(zone, name="宁德时代锂电池基地二期项目", review_status="candidate")
    make_mention(repeat, later, quote="宁德时代锂电池基地二期")
    first = editor.get(bulletin.get_absolute_url()).content.decode()
    assert f'name="target" value="{known.pk}"' not in first
    second = editor.get(bulletin.get_absolute_url(), {"page": 2}).content.decode()
    block = second[second.index(f'id="candidates-{later.pk}"'):]
    assert "可能与已有项目重复" in block and f'name="target" value="{known.pk}"' in block


def test_a_page_reads_the_same_queries_whatever_the_issue_and_the_zone_size(editor):
    zone = make_zone()
    bulletin, articles = issue_of(PAGE_SIZE + 1, zone=zone)
    batch = make_batch(zone)
    make_mention(None, articles[0], kind="batch", batch=batch)
    url = bulletin.get_absolute_url()
    editor.get(url)  # the session and the user, read once
    with CaptureQueriesContext(connection) as small:
        assert editor.get(url, {"page": 2}).status_code == 200
    with CaptureQueriesContext(connection) as small_first:
        editor.get(url)
    issue_of(PAGE_SIZE * 10, zone=zone, bulletin=bulletin)  # ten times the issue
    big_zone(zone, 3000)  # and a zone of thousands of projects that share words with them
    with CaptureQueriesContext(connection) as big:
        html = editor.get(url, {"page": 2}).content.decode()
    with CaptureQueriesContext(connection) as big_first:
        editor.get(url)
    assert len(shown_articles(html)) == PAGE_SIZE
    assert len(big) == len(small), [q["sql"][:120] for q in big.captured_queries]
    assert len(big_first) == len(small_first)
    # Reads, not PostgreSQL's transaction and setting statements around them.
    reads = [q for q in big.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "SET ", "SELECT set_config"))]
    assert len(reads) <= 20, [q["sql"][:80] for q in reads]


def test_a_big_issue_reads_with_the_planner_settings_for_its_size(editor, monkeypatch):
    """The page of a big issue runs under a PostgreSQL planner setting (no JIT: the benchmark's
    24k-article issue); the page is the same with it. Its counts are kept, not computed."""
    from articles import review_state

    bulletin, articles = issue_of(3)
    before = editor.get(bulletin.get_absolute_url()).content.decode()
    monkeypatch.setattr(review_state, "BIG_ISSUE", 1)
    with CaptureQueriesContext(connection) as queries:
        after = editor.get(bulletin.get_absolute_url()).content.decode()
    assert shown_articles(after) == shown_articles(before) == [a.pk for a in articles]
    assert "待审核：3 条记录，在 3 篇文章中（本期共 3 篇文章）" in after
    settings = [q for q in queries.captured_queries if "set_config" in q["sql"]]
    assert len(settings) == (1 if connection.vendor == "postgresql" else 0)
    assert not [q for q in queries.captured_queries if "COUNT(DISTINCT" in q["sql"].upper()]


def test_a_candidate_shows_its_best_few_suggestions_and_the_picker_for_the_rest(editor):
    """Each suggestion is a form; a page of 40 candidates drew 200 of them (a third of the page's
    time at 1M projects). The best SHOWN_SUGGESTIONS are drawn, best first; the picker stays."""
    from articles.review import SHOWN_SUGGESTIONS
    from projects.dedup import likely_duplicates

    zone = make_zone()
    near = [make_project(zone, name=f"宁德时代锂电池生产基地{n}号项目", review_status="confirmed")
            for n in range(1, 6)]
    exact = make_project(zone, name="宁德时代锂电池生产基地二期项目", review_status="confirmed")
    bulletin, (article,) = issue_of(1, zone=zone)
    repeat = make_project(zone, name="宁德时代锂电池生产基地二期项目", review_status="candidate")
    make_mention(repeat, article, quote="宁德时代锂电池生产基地二期")
    html = editor.get(bulletin.get_absolute_url(), {"show": "all"}).content.decode()
    block = html[html.index(f'id="item-{repeat.mentions.get().pk}"'):]
    block = block[:block.index("</li>")]
    targets = [int(pk) for pk in re.findall(r'name="target" value="(\d+)"', block)]
    ranked = [match.pk for match, _score in likely_duplicates(repeat)]
    assert len(ranked) == 5 and set(ranked) <= {p.pk for p in near} | {exact.pk}  # five found
    assert targets == ranked[:SHOWN_SUGGESTIONS]  # the best three drawn, best first
    assert 'class="picker' in block or "picker" in block  # the rest through the picker
