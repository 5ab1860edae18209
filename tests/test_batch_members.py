"""Batches and their members counted once (issue 11, defect 2): ingest links the projects a
batch contains to it, the batch page lists them, and the dashboard of the demo data equals a
hand sum in which each member is counted once."""

from __future__ import annotations

import dataclasses
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.ingest import store_parse
from articles.parsing.types import Amount, EventDate, ProjectFact
from projects.models import Batch, Project, ReviewStatus
from projects.money import to_yuan
from projects.services import set_review_status
from tests.factories import make_batch, make_project
from tests.test_ingest import bulletin, parsed
from zones.models import Zone

pytestmark = pytest.mark.django_db
YI = Decimal("100000000")


def _page(members=(), *, follow_up: str | None = None, batch_zone="长沙高新区", batch_amount="3500000000"):
    """The test page of tests/test_ingest.py, its batch listing `members` (or a project whose
    sentence right after the batch opens with `follow_up`)."""
    page = parsed()
    article = page.articles[0]
    batch = article.batches[0]
    article.batches[0] = dataclasses.replace(
        batch,
        members=list(members),
        zone=batch_zone,
        amount=Amount(Decimal(batch_amount), "CNY", True, "总投资"),
    )
    if follow_up is not None:
        quote = f"{follow_up}，总投资6亿元的智能传感器项目落户。"
        article.text += quote
        start = len(article.text) - len(quote)
        article.projects.append(ProjectFact(
            name="智能传感器项目", zone="长沙高新区", investor=None,
            amount=Amount(Decimal("600000000"), "CNY", False, "总投资6亿元"), stage="signed",
            date=EventDate(2023, 5, 16), quote=quote, quote_start=start, quote_end=len(article.text),
        ))
    return page


def test_a_project_the_batch_lists_is_linked_to_it():
    store_parse(bulletin(), _page(["高端数控机床产业园项目"]))
    project, batch = Project.objects.get(), Batch.objects.get()
    assert project.batch == batch
    assert batch.mentions.get().extracted["members"] == ["高端数控机床产业园项目"]


def test_a_project_following_up_the_batch_sentence_is_linked():
    store_parse(bulletin(), _page(follow_up="其中"))
    batch = Batch.objects.get()
    assert Project.objects.get(name="智能传感器项目").batch == batch
    assert Project.objects.get(name="高端数控机床产业园项目").batch is None  # before the batch, not named


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"follow_up": "另外"}, "no follow-up word"),
        ({"follow_up": "其中", "batch_zone": "西安高新区"}, "another zone"),
        ({"follow_up": "其中", "batch_amount": "500000000"}, "larger than the batch"),
        ({"members": ["完全不同的名字"]}, "a name the article does not report"),
    ],
)
def test_no_link_when_the_rule_is_not_clear(change, why):
    store_parse(bulletin(), _page(**change))
    assert not Project.objects.filter(batch__isnull=False).exists(), why


def test_parsing_again_links_a_confirmed_project_to_the_batch_it_belongs_to():
    target = bulletin()
    store_parse(target, _page())  # an older parser: no members reported
    project = Project.objects.get()
    set_review_status([project], ReviewStatus.CONFIRMED)
    store_parse(target, _page(["高端数控机床产业园项目"]))
    project.refresh_from_db()
    assert project.review_status == ReviewStatus.CONFIRMED
    assert project.batch == Batch.objects.get()
    assert project.history.latest().history_change_reason == "member of a batch of a new parse"


def test_a_known_project_the_batch_names_is_linked_when_it_is_the_only_one():
    zone = Zone.objects.get(short_name="长沙高新区")
    known = make_project(zone, name="湘江储能电站项目", review_status="confirmed")
    make_project(zone, name="同名两个项目", review_status="confirmed")
    make_project(zone, name="同名两个项目", review_status="confirmed")
    store_parse(bulletin(), _page(["湘江储能电站项目", "同名两个项目"]))
    known.refresh_from_db()
    assert known.batch == Batch.objects.get()
    assert not Project.objects.filter(name="同名两个项目", batch__isnull=False).exists()


def test_the_batch_page_lists_its_members(client_as):
    zone = Zone.objects.get(short_name="长沙高新区")
    batch = make_batch(zone, review_status="confirmed")
    member = make_project(zone, name="高端数控机床产业园项目", batch=batch, review_status="confirmed")
    make_project(zone, name="不在其中的项目", review_status="confirmed")
    html = client_as("analyst").get(batch.get_absolute_url()).content.decode()
    section = html[html.index('id="batch-members"'):]
    assert member.get_absolute_url() in section and "不在其中的项目" not in html


def test_the_demo_dashboard_equals_a_hand_sum_counting_each_batch_member_once(client_as):
    call_command("load_demo", "--no-users", stdout=io.StringIO())
    jinghe = Project.objects.get(name__startswith="晶合光电", merged_into=None)  # its later reports merged in
    assert jinghe.batch is not None and jinghe.batch.amount_yuan == 186 * YI
    assert Project.objects.get(name__startswith="秦岭碳材料").batch.amount_yuan == Decimal("26.5") * YI
    # Every record of the demo texts, by hand: batches, then projects in no batch (晶合光电 45亿
    # is inside 合肥's 186亿 and 秦岭碳材料 12亿 inside 西安's 26.5亿: neither is added; the later
    # issues' 开工/投产 reports of 天府芯谷 and 晶合光电 are events of those projects, not added).
    hand_sum = (186 + Decimal("562.3") + Decimal("26.5")) * YI + (18 + 32 + 120 + 25 + 30 + 28 + 20) * YI
    hand_sum += to_yuan(Decimal("150000000"), "USD", 2023)  # 松山湖: 1.5亿美元 at the 2023 rate
    data = client_as("analyst").get(reverse("totals-api")).json()
    shown = Decimal(data["total"]["amount_yuan"]) + Decimal(data["undated"]["amount_yuan"])
    assert shown == hand_sum
    project_list = client_as("analyst").get(reverse("project-list")).content.decode()
    row = project_list[project_list.index("晶合光电") - 600 : project_list.index("晶合光电")]
    assert 'class="in-batch"' in row  # greyed on the project list, marked as inside the batch
