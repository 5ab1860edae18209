"""The seeded event chains (bench/chains.py) are what the follow-through bench claims: shares
near the stated ones, every later event after the signing and none after the cutoff, and a
project row's date and stage as the review's timeline rule derives them from its events."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from bench import chains
from projects.models import Project, ProjectEvent
from projects.services import refresh_project_timeline
from projects.timeline import Event, timeline_fields
from tests.factories import make_project

DRAWS = 20_000


def draw() -> list[chains.Chain]:
    rnd = random.Random(3)
    months = [dt.date(2015 + m // 12, m % 12 + 1, 1) for m in range(120)]
    return [chains.chain(rnd, rnd.choice(months) + dt.timedelta(days=rnd.randrange(28))) for _ in range(DRAWS)]


def test_the_chains_have_the_stated_shares_and_order():
    drawn = draw()
    timelines = [timeline_fields([Event(*e) for e in chain.events]) for chain in drawn]
    signed = [t for t in timelines if t["signed_on"]]
    share = lambda n: n / len(signed)  # noqa: E731
    assert 0.90 < len(signed) / DRAWS < 0.96  # the rest first reported as started
    assert 0.50 < share(sum(bool(t["started_on"]) for t in signed)) < 0.60
    assert 0.18 < share(sum(bool(t["operating_on"]) for t in signed)) < 0.30
    assert 0.25 < share(sum(not t["followed_up"] for t in signed)) < 0.45  # no later report
    precisions = {t["started_precision"] for t in signed if t["started_on"]}
    assert precisions == {"day", "month", "year"}
    for chain in drawn:
        days = [day for _stage, day, _precision in chain.events]
        assert all(day <= chains.CUTOFF for day in days)
        if chain.events[0][0] == "signed":
            assert all(day >= chains.at_precision(days[0], "year") for day in days)
    duplicates = sum(chain.duplicate_of_event is not None for chain in drawn)
    assert 0.03 < duplicates / DRAWS < 0.07


@pytest.mark.django_db
def test_a_seeded_row_shows_the_date_and_stage_its_events_give():
    for chain in draw()[:60]:
        date, precision = chain.date
        project = make_project(date=date, date_precision=precision, stage=chain.stage)
        for stage, day, day_precision in chain.events:
            ProjectEvent.objects.create(project=project, stage=stage, date=day, date_precision=day_precision)
        refresh_project_timeline(project)
        project = Project.objects.get(pk=project.pk)
        assert (project.date, project.date_precision, project.stage) == (date, precision, chain.stage)
