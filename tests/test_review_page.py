"""The review page keeps up with the editor (issue 11): confirm, reject, edit, merge through a
searchable picker, a batch's members and "confirm all in this article" answer in place (htmx:
the article's list comes back) and, without JavaScript, as a plain POST and a redirect back
to the record."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Project
from tests.factories import make_article, make_batch, make_bulletin, make_mention, make_project
from zones.models import Zone

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def issue():
    zone = Zone.objects.get(short_name="乐山高新区")
    bulletin = make_bulletin()
    article = make_article(bulletin, title="乐山高新区：项目落地快新实")
    batch = make_batch(zone, project_count=5, amount_yuan=Decimal("20020000000"), amount_text="200.2亿元")
    pv = make_project(zone, name="光伏、风电储能电池产业园项目", investor="", review_status="candidate")
    anode = make_project(zone, name="海创尚纬首期4万吨负极材料项目", investor="海创尚纬", review_status="candidate")
    mentions = {
        "batch": make_mention(None, article, kind="batch", batch=batch, quote="新增签约项目5个"),
        "pv": make_mention(pv, article, quote="光伏、风电储能电池产业园项目"),
        "anode": make_mention(anode, article, quote="海创尚纬首期4万吨负极材料项目"),
    }
    signed = make_project(zone, name="海创尚纬新能源西南制造基地项目", investor="四川海创尚纬新能源科技有限公司",
                          review_status="confirmed")
    return {"bulletin": bulletin, "article": article, "batch": batch, "pv": pv, "anode": anode,
            "signed": signed, "mentions": mentions}


def act(client, mention, headers=None, **data):
    return client.post(reverse("review-act", args=[mention.pk]), data, **(headers or {}))


def test_confirm_with_htmx_answers_the_articles_list_in_place(editor, issue):
    response = act(editor, issue["mentions"]["pv"], HTMX, action="confirm")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<div class="review-list" id="candidates-{issue["article"].pk}"')
    assert "<html" not in html  # a fragment, not a page
    issue["pv"].refresh_from_db()
    assert issue["pv"].review_status == "confirmed"


def test_without_javascript_an_action_redirects_back_to_the_record(editor, issue):
    mention = issue["mentions"]["anode"]
    response = act(editor, mention, action="reject")
    assert response.status_code == 302
    assert response["Location"] == f"{issue['bulletin'].get_absolute_url()}#item-{mention.pk}"
    issue["anode"].refresh_from_db()
    assert issue["anode"].review_status == "rejected"


def test_confirm_all_in_this_article(editor, issue):
    url = reverse("review-confirm-all", args=[issue["article"].pk])
    assert editor.post(url, **HTMX).status_code == 400  # a POST without its action confirms nothing
    assert Project.objects.get(pk=issue["pv"].pk).review_status == "candidate"
    response = editor.post(url, {"action": "confirm-all"}, **HTMX)
    assert response.status_code == 200
    for key in ("pv", "anode", "batch"):
        issue[key].refresh_from_db()
        assert issue[key].review_status == "confirmed", key


def test_the_picker_finds_by_name_investor_or_zone_best_match_first(editor, issue):
    mention = issue["mentions"]["anode"]
    make_project(issue["signed"].zone, name="海创新材料研究院", review_status="confirmed")
    for query in ("海创尚纬", "四川海创尚纬新能源", "乐山高新区 海创"):
        html = editor.get(reverse("review-pick", args=[mention.pk]), {"q": query}).content.decode()
        first = re.search(r'name="target" value="(\d+)"', html)
        assert first and int(first.group(1)) == issue["signed"].pk, query
        assert "亿元" in html and "签约" in html  # amount and stage shown to tell projects apart
    empty = editor.get(reverse("review-pick", args=[mention.pk]), {"q": ""}).content.decode()
    assert f'value="{issue["signed"].pk}"' in empty  # no words: the likely duplicates


def test_merge_through_the_picker_lists_the_project_once(editor, issue):
    article = issue["article"]
    second = make_mention(issue["signed"], article, quote="该项目总投资120亿元")
    response = act(editor, issue["mentions"]["anode"], HTMX, action="merge", target=issue["signed"].pk)
    html = response.content.decode()
    issue["anode"].refresh_from_db()
    assert issue["anode"].merged_into == issue["signed"]
    assert html.count(f'href="{issue["signed"].get_absolute_url()}"><strong>') == 1
    assert "海创尚纬首期4万吨负极材料项目" in html  # its quote stays, under the one project
    page = editor.get(issue["bulletin"].get_absolute_url()).content.decode()
    assert page.count(f'href="{issue["signed"].get_absolute_url()}"><strong>') == 1
    assert page.count("该项目总投资120亿元") == 1 and second.quote == "该项目总投资120亿元"


def test_the_picker_without_javascript_is_the_issue_page_itself(editor, issue):
    mention = issue["mentions"]["anode"]
    page = editor.get(issue["bulletin"].get_absolute_url(), {"pick": mention.pk, "q": "海创尚纬"}).content.decode()
    block = page[page.index(f'id="pick-{mention.pk}"'):]
    assert f'name="target" value="{issue["signed"].pk}"' in block[:3000]


def test_a_batch_takes_the_articles_projects_as_members_and_any_project_by_search(editor, issue):
    mention = issue["mentions"]["batch"]
    act(editor, mention, HTMX, action="members", project=[issue["pv"].pk, issue["anode"].pk])
    assert set(issue["batch"].projects.all()) == {issue["pv"], issue["anode"]}
    html = act(editor, mention, HTMX, action="members", project=[issue["pv"].pk]).content.decode()
    assert list(issue["batch"].projects.all()) == [issue["pv"]]
    assert re.search(rf'value="{issue["pv"].pk}" checked', html)
    html = act(editor, mention, HTMX, action="link", target=issue["signed"].pk).content.decode()
    issue["signed"].refresh_from_db()
    assert issue["signed"].batch == issue["batch"]
    assert "其他文章中的成员" in html
    act(editor, mention, HTMX, action="unlink", target=issue["signed"].pk)
    issue["signed"].refresh_from_db()
    assert issue["signed"].batch is None
    assert issue["signed"].history.latest().history_user.username == "editor-user"


def test_edit_in_place_and_back_in_the_same_place(editor, issue):
    mention = issue["mentions"]["pv"]
    url = reverse("review-edit", args=[mention.pk])
    form = editor.get(url, **HTMX).content.decode()
    assert f'id="item-{mention.pk}"' in form and 'name="investor"' in form
    data = {"name": issue["pv"].name, "zone": issue["pv"].zone_id, "investor": "乐山储能科技", "industry": "",
            "stage": "signed", "amount": "15亿元", "date": "2021-11-01", "date_precision": "month", "jobs": ""}
    response = editor.post(url, data, **HTMX)
    assert response.status_code == 200 and response["HX-Retarget"] == f"#candidates-{issue['article'].pk}"
    issue["pv"].refresh_from_db()
    assert (issue["pv"].investor, issue["pv"].amount_yuan) == ("乐山储能科技", Decimal("1500000000.00"))
    # Without JavaScript: the edit page, which returns to the record on the issue page.
    response = editor.get(url)
    assert response.status_code == 302 and f"item-{mention.pk}" in response["Location"]


def test_analysts_see_the_page_but_cannot_act(client_as, issue):
    analyst = client_as("analyst")
    page = analyst.get(issue["bulletin"].get_absolute_url()).content.decode()
    assert 'value="confirm"' not in page and "htmx" not in page
    assert act(analyst, issue["mentions"]["pv"], action="confirm").status_code == 403
    assert Project.objects.get(pk=issue["pv"].pk).review_status == "candidate"
