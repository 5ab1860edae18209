"""Search finds batches by the sentence that reported them (issue: `/search/?q=秦创原` found
nothing although a confirmed 秦创原 batch existed). Through HTTP as an analyst; the same
assertions hold on SQLite and PostgreSQL (where the articles' grams narrow the quotes)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_article, make_batch, make_mention, make_zone
from zones.models import Zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def batches():
    xian = Zone.objects.filter(short_name="西安高新区").first() or make_zone("西安高新区")
    qingyuan = make_zone("清远测试高新区")
    article = make_article(
        title="高质量发展大会召开",
        text="开幕式上，总投资114.7亿元的10个秦创原系列项目签约。另有清远的项目。",
    )
    confirmed = make_batch(xian, review_status="confirmed", project_count=10, amount_text="总投资114.7亿元")
    make_mention(article=article, batch=confirmed, kind="batch", quote="总投资114.7亿元的10个秦创原系列项目签约")
    candidate = make_batch(xian, review_status="candidate", project_count=3)
    make_mention(article=article, batch=candidate, kind="batch", quote="秦创原另外3个项目")
    other = make_batch(qingyuan, review_status="confirmed", project_count=16)
    make_mention(article=article, batch=other, kind="batch", quote="另有清远的项目")
    return confirmed, candidate, other


def found(client, q: str, **params) -> set[int]:
    response = client.get(reverse("search"), {"q": q, **params})
    assert response.status_code == 200
    return {batch.pk for batch in response.context["batches"]}


def test_search_finds_a_confirmed_batch_by_a_word_of_its_quote(client_as, batches):
    confirmed, candidate, _other = batches
    client = client_as("analyst")
    assert found(client, "秦创原") == {confirmed.pk}
    assert found(client, "秦创原", candidates="1") == {confirmed.pk, candidate.pk}
    response = client.get(reverse("search"), {"q": "秦创原"})
    assert confirmed.get_absolute_url() in response.content.decode()


def test_batch_search_by_zone_and_every_term(client_as, batches):
    confirmed, _candidate, other = batches
    client = client_as("analyst")
    assert found(client, "清远测试") == {other.pk}
    assert found(client, "西安高新区 秦创原") == {confirmed.pk}
    assert found(client, "秦创原 清远测试") == set()
    assert found(client, "秦创原", kind="batches") == {confirmed.pk}
