"""The public (ZIT_PUBLIC_READ_ONLY=1, not signed in) sees confirmed records only, and its heavy
pages are rate-limited (issue 15, item 13).

Why: anonymous visitors could ask `review_status=candidate` and read the parser's unchecked
records and the editors' rejections in lists, totals, exports, search and on the issue,
article, project and zone pages, and run full exports as often as they liked.
"""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import make_article, make_bulletin, make_mention

pytestmark = pytest.mark.django_db

EVERY_STATUS = "review_status=confirmed&review_status=candidate&review_status=rejected"
HIDDEN = "西安待审核项目"  # the world's candidate (pA2)


@pytest.fixture(autouse=True)
def _public(settings):
    settings.PUBLIC_READ_ONLY = True
    settings.PUBLIC_HEAVY_LIMIT = 1000
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(world):
    """The dashboard's world, with an article quoting a project and a batch of it."""
    bulletin = make_bulletin(publication="测试日报")
    world["article"] = make_article(bulletin, title="某高新区签约", text="本报讯 某高新区签约一批项目，总投资七亿元。")
    make_mention(project=world["pA2"], article=world["article"], quote="某高新区签约一批项目")
    make_mention(batch=world["BB"], article=world["article"], kind="batch", quote="总投资七亿元")
    return world


def _text(response) -> str:
    return response.getvalue().decode("utf-8-sig")


def test_the_public_gets_confirmed_figures_whatever_review_status_it_asks(world, analyst):
    public = Client()
    default = json.loads(public.get("/api/totals/").content)
    asked = json.loads(public.get(f"/api/totals/?{EVERY_STATUS}").content)
    assert asked["total"] == default["total"]
    assert json.loads(analyst.get(f"/api/totals/?{EVERY_STATUS}").content)["total"] != default["total"]
    follow = json.loads(public.get(f"/api/follow-through/?{EVERY_STATUS}").content)
    assert follow["total"] == json.loads(public.get("/api/follow-through/").content)["total"]


@pytest.mark.parametrize("url", [
    f"/projects/?{EVERY_STATUS}", "/projects/?review_status=candidate",
    f"/exports/projects.csv?{EVERY_STATUS}&range=all", f"/exports/projects.xlsx?{EVERY_STATUS}&range=all",
    f"/?{EVERY_STATUS}", f"/search/?q={HIDDEN}&candidates=1", f"/search/?q={HIDDEN}&candidates=1&kind=projects",
])
def test_lists_exports_and_search_leave_candidates_out_for_the_public(world, analyst, url):
    public = Client().get(url)
    assert public.status_code == 200
    shown = analyst.get(url)
    if url.endswith("xlsx") or ".xlsx?" in url:
        from io import BytesIO

        from openpyxl import load_workbook

        def names(response):
            sheet = load_workbook(BytesIO(response.getvalue()), read_only=True).active
            return {str(cell) for row in sheet.iter_rows(values_only=True) for cell in row}
        assert HIDDEN not in names(public) and HIDDEN in names(shown)
        return
    if url.startswith("/?"):  # the dashboard shows no names: its totals
        assert public.context["data"]["total"] != shown.context["data"]["total"]
        return
    # the candidate's link (a search page repeats the words asked for: not its name)
    marker = HIDDEN if ".csv" in url else f'href="{world["pA2"].get_absolute_url()}"'
    assert marker not in _text(public)
    assert marker in _text(shown)


def test_record_issue_article_and_zone_pages_hide_candidates_and_rejected(world, analyst):
    public = Client()
    for record in (world["pA2"], world["BB"]):
        assert public.get(record.get_absolute_url()).status_code == 404
        assert analyst.get(record.get_absolute_url()).status_code == 200
    assert public.get(world["pA1"].get_absolute_url()).status_code == 200  # confirmed: shown
    for url in (world["article"].get_absolute_url(), world["article"].bulletin.get_absolute_url(),
                f"/zones/{world['A'].slug}/"):
        page, full = _text(public.get(url)), _text(analyst.get(url))
        assert HIDDEN not in page, url
        assert HIDDEN in full, url
    assert f"/batches/{world['BB'].pk}/" not in _text(public.get(world["article"].get_absolute_url()))


HEAVY = ["/api/totals/", "/exports/projects.csv", "/exports/totals.xlsx", "/follow-through/",
         "/api/follow-through/", "/follow-through/stalled.csv", "/compare/", "/search/?q=项目"]


@pytest.mark.parametrize("url", HEAVY)
def test_heavy_pages_are_rate_limited_for_the_public(world, analyst, settings, url):
    settings.PUBLIC_HEAVY_LIMIT = 2
    public = Client(REMOTE_ADDR="198.51.100.7")
    assert [public.get(url).status_code for _ in range(2)] == [200, 200]
    refused = public.get(url)
    assert refused.status_code == 429
    assert "请求过于频繁" in refused.content.decode() and int(refused["Retry-After"]) > 0
    assert Client(REMOTE_ADDR="198.51.100.8").get(url).status_code == 200  # another address
    assert public.get("/").status_code == 200  # the dashboard is not a heavy page
    assert [analyst.get(url).status_code for _ in range(4)] == [200] * 4  # signed in: never limited


def test_the_public_sees_no_edit_history_of_a_confirmed_record(world, analyst, django_user_model):
    """The history names the staff who reviewed a record and the states it went through."""
    editor = django_user_model.objects.create_user("zhang_editor_42", password="x")
    project = world["pA1"]
    project._history_user = editor
    project._change_reason = "confirmed after review"
    project.name = project.name + "（更正）"
    project.save()
    public_page = _text(Client().get(project.get_absolute_url()))
    staff_page = _text(analyst.get(project.get_absolute_url()))
    assert "zhang_editor_42" in staff_page and 'id="history"' in staff_page
    assert "zhang_editor_42" not in public_page
    assert 'id="history"' not in public_page
    assert project.name in public_page  # the record itself is shown


def test_the_public_is_not_offered_review_choices_it_would_not_get(world, analyst):
    """The review-status boxes of the filter and the issue page's pending view and counts were
    shown to the public, which is answered with confirmed records whatever it ticks."""
    public = Client()
    for url in ("/", "/projects/"):
        assert 'name="review_status"' not in _text(public.get(url)), url
        assert 'name="review_status"' in _text(analyst.get(url)), url
    issue = world["article"].bulletin.get_absolute_url()
    editor_view = _text(analyst.get(issue, {"show": "pending"}))
    assert "待审核：" in editor_view and 'value="pending"' in editor_view
    asked = _text(public.get(issue, {"show": "pending"}))
    assert "待审核：" not in asked and 'value="pending"' not in asked
    assert f'id="article-{world["article"].pk}"' in asked  # every article, as printed
