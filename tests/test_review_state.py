"""What is left to review, kept as the review goes (issue 15, item 1: the review page of a
24k-article issue spent ~200 ms computing its counts and walking to a deep page of pending
articles; articles/review_state.py keeps both instead).

Through the paths that change it — an upload parsed by the task, the review page's actions
(confirm, reject, merge, confirm all), the admin's (bulk confirm, a quote moved or deleted, a
project deleted), parse again — the issue page shows the counts a fresh computation gives, its
pending view the articles that still quote a candidate, and the kept state never drifts.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import review_state
from articles.models import Article, Bulletin, Mention, ReviewCounts
from ops.integrity import check_integrity
from projects.models import Project, ReviewStatus
from tests.factories import make_article, make_bulletin, make_mention, make_project, make_zone
from tests.fault_tools import generated_page, log_in, upload

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
COUNTS = re.compile(r"待审核：(\d+) 条记录，在 (\d+) 篇文章中（本期共 (\d+) 篇文章）")


def shown_articles(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article class="card article" id="article-(\d+)"', html)]


def page_counts(client, bulletin: Bulletin) -> tuple[int, int, int] | None:
    """(records, articles, total) as the issue page says them."""
    found = COUNTS.search(client.get(bulletin.get_absolute_url(), {"show": "all"}).content.decode())
    return tuple(map(int, found.groups())) if found else None


def truth(bulletin: Bulletin) -> tuple[int, int, int]:
    """The same figures straight from the quotes, and the pending articles in order."""
    pending = [
        article.pk for article in bulletin.articles.order_by("position")
        if article.mentions.filter(review_state.PENDING_PROJECT | review_state.PENDING_BATCH).exists()
    ]
    quotes = Mention.objects.filter(article__bulletin=bulletin)
    records = len({m.project_id for m in quotes.filter(review_state.PENDING_PROJECT)}) + len(
        {m.batch_id for m in quotes.filter(review_state.PENDING_BATCH)})
    return records, len(pending), bulletin.articles.count()


def pending_view(client, bulletin: Bulletin) -> list[int]:
    return shown_articles(client.get(bulletin.get_absolute_url(), {"show": "pending"}).content.decode())


def truly_pending(bulletin: Bulletin) -> list[int]:
    return [a.pk for a in bulletin.articles.order_by("position")
            if a.mentions.filter(review_state.PENDING_PROJECT | review_state.PENDING_BATCH).exists()]


def assert_kept(client, bulletin: Bulletin) -> None:
    assert review_state.drift() == []
    assert page_counts(client, bulletin) == truth(bulletin)
    assert pending_view(client, bulletin) == truly_pending(bulletin)[:20]


@pytest.fixture
def editor(client, make_user):
    return log_in(client, make_user("editor"))


def test_every_review_path_keeps_the_pages_counts_and_pending_view(
        editor, make_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(editor, generated_page(4, tag="计")).status_code == 302
    bulletin = Bulletin.objects.get()
    assert bulletin.status == "parsed", bulletin.error
    records, articles, total = page_counts(editor, bulletin)
    assert records >= 4 and articles == total == 4
    assert_kept(editor, bulletin)

    quotes = list(Mention.objects.filter(article__bulletin=bulletin, project__isnull=False)
                  .order_by("article__position", "start"))
    # Confirm one record (htmx), reject another (plain POST).
    editor.post(reverse("review-act", args=[quotes[0].pk]), {"action": "confirm"}, **HTMX)
    editor.post(reverse("review-act", args=[quotes[1].pk]), {"action": "reject"})
    assert page_counts(editor, bulletin)[0] == records - 2
    assert_kept(editor, bulletin)

    # Confirm everything the last article quotes: it leaves the pending view.
    last = bulletin.articles.order_by("-position").first()
    editor.post(reverse("review-confirm-all", args=[last.pk]), {"action": "confirm-all"}, **HTMX)
    assert last.pk not in pending_view(editor, bulletin)
    assert_kept(editor, bulletin)

    # Merge a candidate into a confirmed project of another issue.
    candidate = next(m for m in Mention.objects.filter(article__bulletin=bulletin)
                     if m.project and m.project.review_status == ReviewStatus.CANDIDATE)
    target = make_project(candidate.project.zone, name="另一期已确认的同名项目", review_status="confirmed")
    make_mention(target, make_article(make_bulletin()))
    response = editor.post(reverse("review-act", args=[candidate.pk]),
                           {"action": "merge", "target": target.pk}, **HTMX)
    assert response.status_code == 200 and 'role="alert"' not in response.content.decode()
    assert_kept(editor, bulletin)

    # The admin: bulk confirm what is left.
    admin = log_in(editor, make_user("admin"))
    left = Project.objects.filter(mentions__article__bulletin=bulletin, review_status="candidate",
                                  merged_into__isnull=True).distinct()
    assert left.exists()
    response = admin.post(reverse("admin:projects_project_changelist"),
                          {"action": "confirm_selected", "_selected_action": [p.pk for p in left]})
    assert response.status_code == 302
    assert_kept(admin, bulletin)
    assert page_counts(admin, bulletin) == (0, 0, 4)  # nothing left: the page says so

    # Parse again: reviewed records are kept, so nothing comes back to review.
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(reverse("bulletin-reparse", args=[bulletin.pk])).status_code == 302
    bulletin.refresh_from_db()
    assert bulletin.status == "parsed", bulletin.error
    assert_kept(admin, bulletin)


def test_the_admins_quote_edits_and_deletes_keep_the_counts(client, make_user):
    admin = log_in(client, make_user("admin"))
    zone = make_zone()
    bulletin = make_bulletin()
    first, second = make_article(bulletin, position=1), make_article(bulletin, position=2)
    pending = make_project(zone, name="待审核的储能电池项目")
    done = make_project(zone, name="已确认的电池回收项目", review_status="confirmed")
    quote = make_mention(pending, first)
    make_mention(done, second)
    assert page_counts(admin, bulletin) == (1, 1, 2) and pending_view(admin, bulletin) == [first.pk]

    # The quote moved to the second article (the quote's own admin page).
    form = {"article": second.pk, "kind": "project", "quote": quote.quote, "start": quote.start,
            "end": quote.end, "extracted": '{"name": "待审核的储能电池项目"}', "project": pending.pk, "event": "", "batch": ""}
    response = admin.post(reverse("admin:articles_mention_change", args=[quote.pk]), form)
    assert response.status_code == 302, re.findall(r"errorlist.{0,300}", response.content.decode(), re.S)
    assert pending_view(admin, bulletin) == [second.pk]
    assert_kept(admin, bulletin)

    # The quote deleted: nothing pending.
    response = admin.post(reverse("admin:articles_mention_delete", args=[quote.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert page_counts(admin, bulletin) == (0, 0, 2)
    assert_kept(admin, bulletin)

    # A candidate quoted again, then deleted with its quotes (the project's admin page).
    again = make_project(zone, name="又一个待审核项目")
    make_mention(again, first)
    assert page_counts(admin, bulletin) == (1, 1, 2)
    response = admin.post(reverse("admin:projects_project_delete", args=[again.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert page_counts(admin, bulletin) == (0, 0, 2)
    assert_kept(admin, bulletin)

    # An article added in the admin: the issue's total follows.
    form = {"bulletin": bulletin.pk, "position": 3, "title": "补登一篇", "subtitle": "", "byline": "",
            "text": "本报讯 补登的文章。", "mentions-TOTAL_FORMS": "0", "mentions-INITIAL_FORMS": "0",
            "mentions-MIN_NUM_FORMS": "0", "mentions-MAX_NUM_FORMS": "1000"}
    response = admin.post(reverse("admin:articles_article_add"), form)
    assert response.status_code == 302, re.findall(r"errorlist.{0,300}", response.content.decode(), re.S)
    assert page_counts(admin, bulletin) == (0, 0, 3)
    assert_kept(admin, bulletin)

    # An article deleted: the issue's total follows.
    make_mention(make_project(zone, name="第三个待审核项目"), second)
    response = admin.post(reverse("admin:articles_article_delete", args=[first.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert page_counts(admin, bulletin) == (1, 1, 2)
    assert_kept(admin, bulletin)


def test_a_deep_page_of_pending_articles_reads_the_kept_flags_not_the_quotes(client_as):
    """The page asks the index for its articles: no per-article EXISTS over the quotes, no
    aggregate over the issue's quotes, whatever the page's depth."""
    editor = client_as("editor")
    zone = make_zone()
    bulletin = make_bulletin()
    articles = Article.objects.bulk_create(
        Article(bulletin=bulletin, position=i, title=f"第{i}篇", text="本报讯 签约。") for i in range(65))
    for article in articles[1::2]:  # every other article still pending
        make_mention(make_project(zone, name=f"第{article.position}号电池工厂"), article)
    for article in articles[0::2]:
        make_mention(make_project(zone, name=f"第{article.position}号回收工厂", review_status="confirmed"), article)
    with CaptureQueriesContext(connection) as queries:
        html = editor.get(bulletin.get_absolute_url(), {"show": "pending", "page": 2}).content.decode()
    assert shown_articles(html) == [a.pk for a in articles[1::2]][20:40]
    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "AWAITING_REVIEW" in sql
    assert "EXISTS" not in sql and "COUNT(DISTINCT" not in sql


def test_drift_is_reported_and_recomputed_by_the_command(client_as):
    editor = client_as("editor")
    zone = make_zone()
    bulletin = make_bulletin()
    article = make_article(bulletin)
    make_mention(make_project(zone, name="漂移检查用的待审核项目"), article)
    assert page_counts(editor, bulletin) == (1, 1, 1)
    call_command("refresh_review_state", "--check", stdout=open("/dev/null", "w"))  # no drift: no error
    # Written behind the application's back (a restore, a hand-made SQL fix): the state drifts.
    Article.objects.filter(pk=article.pk).update(awaiting_review=False)
    ReviewCounts.objects.filter(pk=bulletin.pk).update(pending_projects=7)
    with pytest.raises(CommandError, match="differ from the quotes"):
        call_command("refresh_review_state", "--check", stdout=open("/dev/null", "w"))
    assert "review-state-mismatch" in {finding.code for finding in check_integrity()}
    assert page_counts(editor, bulletin) == (7, 1, 1)  # what is kept is what is shown
    call_command("refresh_review_state", stdout=open("/dev/null", "w"))
    assert review_state.drift() == []
    assert page_counts(editor, bulletin) == (1, 1, 1)
    assert "review-state-mismatch" not in {finding.code for finding in check_integrity()}


def test_a_new_issue_has_its_counts_row_and_a_missing_one_is_computed(client_as):
    editor = client_as("editor")
    bulletin = make_bulletin()
    assert ReviewCounts.objects.filter(pk=bulletin.pk).exists()
    make_mention(make_project(make_zone(), name="计数行被删除的项目"), make_article(bulletin))
    ReviewCounts.objects.filter(pk=bulletin.pk).delete()  # a dump restored without the derived rows
    assert page_counts(editor, bulletin) == (1, 1, 1)
    assert [line for line in review_state.drift() if "no review counts kept" in line]


def test_a_bulk_confirm_in_the_admin_recomputes_the_issue_once(client, make_user):
    """Every record saved recomputed its issue's counts (an aggregate over the issue's quotes):
    the admin's bulk confirm of 12 records of one issue ran it 12 times. Inside the rollup's
    deferred block (every review service has one) it runs once, at the end."""
    admin = log_in(client, make_user("admin"))
    zone = make_zone()
    bulletin = make_bulletin()
    projects = []
    for index in range(12):
        project = make_project(zone, name=f"批量确认第{index}号项目")
        make_mention(project, make_article(bulletin, position=index))
        projects.append(project)
    assert page_counts(admin, bulletin) == (12, 12, 12)
    with CaptureQueriesContext(connection) as queries:
        response = admin.post(reverse("admin:projects_project_changelist"),
                              {"action": "confirm_selected", "_selected_action": [p.pk for p in projects]})
    assert response.status_code == 302
    aggregates = [q for q in queries.captured_queries if "COUNT(DISTINCT" in q["sql"].upper()]
    assert len(aggregates) == 1
    assert page_counts(admin, bulletin) == (0, 0, 12)
    assert_kept(admin, bulletin)
