"""The review page offers "add as an event of #N" first when a candidate reports a later step
(开工 after 签约, 投产 after 开工) of a confirmed project, and the event it adds keeps its own
date, stage and quote on that project (issue 12: the events the follow-through counts)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import reverse

from articles.models import Bulletin, Mention
from articles.review import SHOWN_SUGGESTIONS
from projects import follow_through
from projects.dedup import event_offers, reports_later_step
from projects.filters import ProjectFilter
from projects.models import Project
from tests.factories import make_article, make_bulletin, make_mention, make_project, make_zone

pytestmark = pytest.mark.django_db

# Two issues we wrote: a plant signed in April, breaking ground in September.
APRIL = """柳州高新区签约新能源汽车热管理系统项目

本报讯（记者 韦晓峰）4月11日，柳州高新区与桂柳热控科技有限公司签约，总投资18亿元的汽车热管理系统生产基地项目落户柳州高新区。
"""
SEPTEMBER = """柳州高新区汽车热管理系统生产基地开工

本报讯（记者 韦晓峰）9月26日，总投资18亿元的汽车热管理系统生产基地项目在柳州高新区开工建设，预计明年底建成。
"""


def upload(client, text: str, issue_date: str, capture) -> Bulletin:
    with capture(execute=True):
        response = client.post(reverse("bulletin-upload"), {
            "file": SimpleUploadedFile("issue.txt", text.encode()),
            "publication": "测试周报",
            "issue_date": issue_date,
        })
    assert response.status_code == 302
    return Bulletin.objects.get(issue_date=issue_date)


def item_html(page: str, mention: Mention) -> str:
    """The candidate's block on the review page."""
    found = re.search(rf'<li class="candidate[^"]*" id="item-{mention.pk}".*?</li>', page, re.S)
    assert found, f"no review block for quote {mention.pk}"
    return found.group(0)


def test_a_start_report_is_offered_first_as_an_event_of_the_signed_project_and_lands_there(
    editor, django_capture_on_commit_callbacks
):
    april = upload(editor, APRIL, "2023-04-14", django_capture_on_commit_callbacks)
    signed = Project.objects.get(mentions__article__bulletin=april)
    editor.post(reverse("review-project", args=[signed.pk]), {"action": "confirm"})
    september = upload(editor, SEPTEMBER, "2023-09-29", django_capture_on_commit_callbacks)
    started = Project.objects.get(mentions__article__bulletin=september)
    quote = started.mentions.get()
    assert (started.stage, started.date) == ("started", dt.date(2023, 9, 26))

    def started_within_6() -> int:
        figures = follow_through.for_filter(ProjectFilter(QueryDict("")), as_of=dt.date(2023, 10, 1))
        return figures.total.started_within[6].count

    assert started_within_6() == 0
    block = item_html(editor.get(september.get_absolute_url()).content.decode(), quote)
    offer = f"添加为 #{signed.pk} 的事件"
    assert offer in block
    assert block.index(offer) < block.index('value="confirm"')  # the first thing offered
    shown = block[: block.index(offer)]
    for fact in (signed.name, "柳州高新区", "18.00", "2023-04-11", "签约"):  # name, zone, amount, date, stage
        assert fact in shown, fact

    response = editor.post(reverse("review-act", args=[quote.pk]),
                           {"action": "merge", "target": signed.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    signed.refresh_from_db()
    started.refresh_from_db()
    quote.refresh_from_db()
    assert started.merged_into_id == signed.pk
    assert (signed.stage, signed.date, signed.review_status) == ("started", dt.date(2023, 4, 11), "confirmed")
    events = {event.stage: event for event in signed.events.all()}
    assert sorted(events) == ["signed", "started"]
    assert (events["started"].date, events["started"].date_precision) == (dt.date(2023, 9, 26), "day")
    assert (quote.project_id, quote.event_id) == (signed.pk, events["started"].pk)  # the quote follows its event
    # The follow-through reads the target's timeline, now with the start: 5 months after signing.
    assert (signed.signed_on, signed.started_on, signed.months_to_start) == (
        dt.date(2023, 4, 11), dt.date(2023, 9, 26), 5)
    assert started_within_6() == 1

    page = editor.get(signed.get_absolute_url()).content.decode()
    timeline = page[page.index('<ol class="timeline">'): page.index("</ol>", page.index('<ol class="timeline">'))]
    assert timeline.index("签约") < timeline.index("2023-04-11") < timeline.index("开工") < timeline.index("2023-09-26")
    assert "4月11日，柳州高新区与桂柳热控科技有限公司签约" in timeline
    assert "9月26日，总投资18亿元的汽车热管理系统生产基地项目在柳州高新区开工建设" in timeline


def test_event_offers_come_first_best_match_first_and_only_for_a_later_step_of_a_confirmed_project(editor):
    zone = make_zone("滨江高新区")
    day = {"date": dt.date(2023, 2, 1), "date_precision": "day"}
    signed_close = make_project(zone, name="云帆智能传感器产业园项目", investor="云帆传感", review_status="confirmed",
                                stage="signed", **day)
    signed_far = make_project(zone, name="云帆传感器制造基地", investor="", review_status="confirmed",
                              stage="signed", **day)
    already_started = make_project(zone, name="云帆智能传感器产业园", investor="", review_status="confirmed",
                                   stage="started", **day)
    unreviewed = make_project(zone, name="云帆智能传感器产业园项目一期", review_status="candidate", stage="signed", **day)
    report = make_project(zone, name="云帆智能传感器产业园项目", investor="云帆传感", review_status="candidate",
                          stage="started", date=dt.date(2023, 8, 1), date_precision="month")
    mention = make_mention(report, make_article(make_bulletin()))

    block = item_html(editor.get(mention.article.bulletin.get_absolute_url()).content.decode(), mention)
    offers = [int(n) for n in re.findall(r"添加为 #(\d+) 的事件", block)]
    assert offers == [signed_close.pk, signed_far.pk]  # best match first
    merges = [int(n) for n in re.findall(r'name="target" value="(\d+)"', block)]
    # then plain merges, the page drawing the best SHOWN_SUGGESTIONS in all (the picker finds the rest)
    assert merges[:2] == offers and len(merges) == SHOWN_SUGGESTIONS
    assert set(merges[2:]) <= {already_started.pk, unreviewed.pk}
    assert block.index("添加为 #") < block.index('value="confirm"')
    assert block.count('data-key="m"') == 1 and block.index('data-key="m"') < block.index(f"#{signed_far.pk}")


def test_a_step_certainly_dated_before_the_target_is_not_offered_as_its_event():
    zone = make_zone()
    target = make_project(zone, name="甲", stage="signed", review_status="confirmed",
                          date=dt.date(2023, 5, 10), date_precision="day")
    same_month = Project(zone=zone, name="甲", stage="started", date=dt.date(2023, 5, 1), date_precision="month")
    earlier = Project(zone=zone, name="甲", stage="started", date=dt.date(2023, 4, 30), date_precision="day")
    undated = Project(zone=zone, name="甲", stage="operating", date=None, date_precision="")
    signing = Project(zone=zone, name="甲", stage="signed", date=dt.date(2024, 1, 1), date_precision="day")
    assert reports_later_step(same_month, target)  # May 2023 may be after 10 May
    assert not reports_later_step(earlier, target)
    assert reports_later_step(undated, target)
    assert not reports_later_step(signing, target)  # a second signing is a duplicate, not a step
    target.review_status = "candidate"
    assert event_offers(same_month, [(target, 1.0)]) == []  # only confirmed projects


def test_the_picker_labels_a_project_the_candidate_is_a_later_step_of(editor):
    zone = make_zone("滨海测试高新区")
    signed = make_project(zone, name="海澜新材料产业园项目", review_status="confirmed", stage="signed",
                          date=dt.date(2023, 2, 1))
    started = make_project(zone, name="海澜新材料研发中心", review_status="confirmed", stage="started",
                           date=dt.date(2023, 2, 1))
    report = make_project(zone, name="某新材料项目", review_status="candidate", stage="started",
                          date=dt.date(2023, 9, 1))
    mention = make_mention(report, make_article(make_bulletin()))
    found = editor.get(reverse("review-pick", args=[mention.pk]), {"q": "海澜"}).content.decode()
    assert f"添加为 #{signed.pk} 的事件" in found
    assert f"添加为 #{started.pk} 的事件" not in found and found.count("合并为同一项目") == 1
    page = editor.get(mention.article.bulletin.get_absolute_url(), {"pick": mention.pk, "q": "海澜"})
    assert f"添加为 #{signed.pk} 的事件" in page.content.decode()  # the same without JavaScript
