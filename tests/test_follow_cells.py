"""The follow-through's cells (`projects/follow_cells.py`) never drift from the projects.

A seeded random sequence of operations — the totals rollup's (inserts, edits of zone, date,
stage, industry, amount and review status, merges, deletions: tests/test_rollup.py) and the
follow-through's own (events of every stage added, moved and deleted at day, month and year
precision, timelines refreshed through the service) — and after every few of them: the cells
equal a fresh computation (`drift()`), and every figure of the follow-through (`as_json()`:
total, zones, industries, provinces, cohorts, medians, stalled) read from the cells equals the
live aggregation, for many filters and days. Runs on SQLite and on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.http import QueryDict

from projects import follow_cells, follow_through, rollup, services
from projects.filters import ProjectFilter
from projects.models import (
    FollowCohortCell,
    FollowIndustryMonthCell,
    FollowZoneMonthCell,
    Project,
    ProjectEvent,
)
from tests.test_rollup import World

pytestmark = pytest.mark.django_db

CELL_FILTERS = [
    "",
    "review_status=candidate&review_status=confirmed",
    "review_status=rejected&review_status=candidate&review_status=confirmed",
    "industry=光伏",
    "industry=储能&review_status=candidate&review_status=confirmed",
    "industry=",
    "month_from=2022-02&month_to=2022-04",
    "month_from=2022-03&review_status=candidate&review_status=confirmed",
    "month_to=2022-02",
    # records known only to the year: inside a range only when it covers their whole year
    "month_from=2022-01&month_to=2022-12",
    "month_from=2021-01&month_to=2022-05",
    "month_to=2021-12",
    "month_from=2021-02",
]
DAYS = [(dt.date(2023, 2, 14), 12), (dt.date(2022, 4, 1), 1), (dt.date(2023, 5, 31), 3)]


def assert_cells_equal_live(where: str) -> None:
    assert follow_cells.drift() == [], where
    for query in CELL_FILTERS:
        assert follow_cells.answers(ProjectFilter(QueryDict(query)).cleaned()), query
        for as_of, months in DAYS:
            cells = follow_through._computed(ProjectFilter(QueryDict(query)), as_of, months, use_cells=True)
            live = follow_through._computed(ProjectFilter(QueryDict(query)), as_of, months, use_cells=False)
            assert cells.as_json() == live.as_json(), f"{where}: {query} as of {as_of}"
            # the stalled figure by zone too (not in the JSON; the page's tests read it)
            assert ([(z.zone, z.figure.stalled) for z in cells.zones]
                    == [(z.zone, z.figure.stalled) for z in live.zones]), f"{where}: {query} as of {as_of}"


class EventWorld(World):
    """The totals rollup's random world, with events that move the follow-through timelines."""

    def event_date(self) -> tuple[dt.date, str]:
        day = dt.date(2021, 6, 1) + dt.timedelta(days=self.rnd.randrange(900))
        precision = self.rnd.choice(["day", "day", "month", "year"])
        if precision == "month":
            day = day.replace(day=1)
        elif precision == "year":
            day = day.replace(month=1, day=1)
        return day, precision

    def add_event(self):
        projects = self.projects()
        if projects:
            day, precision = self.event_date()
            ProjectEvent.objects.create(project=self.rnd.choice(projects), date=day, date_precision=precision,
                                        stage=self.rnd.choice(["signed", "started", "started", "operating"]))

    def edit_event(self):
        events = list(ProjectEvent.objects.order_by("pk"))
        if not events:
            return
        event = self.rnd.choice(events)
        if self.rnd.random() < 0.3:
            event.delete()
            return
        if self.rnd.random() < 0.5:
            event.date, event.date_precision = self.event_date()
        else:  # moved to another project, as a merge does
            event.project = self.rnd.choice(self.projects())
        event.save()

    def refresh(self):
        """The project's own date and stage follow its events (the editor's path)."""
        projects = self.projects()
        if projects:
            services.refresh_project_timeline(self.rnd.choice(projects))

    def step(self) -> str:
        draw = self.rnd.random()
        operation = (self.add_event if draw < 0.3 else self.edit_event if draw < 0.4
                     else self.refresh if draw < 0.45 else None)
        if operation is None:
            return super().step()
        operation()
        return operation.__name__


@pytest.mark.parametrize("seed", [1, 2])
def test_cells_equal_the_live_follow_through_after_random_operations(seed):
    world = EventWorld(seed)
    done = []
    for i in range(160):
        done.append(world.step())
        if i % 40 == 39:
            assert_cells_equal_live(f"seed {seed}, after {done[-40:]}")
    # Not idle: signed, started (within the cohorts' months), stalled and year-only projects were there.
    assert Project.objects.filter(merged_into__isnull=True, months_to_start_max__lte=24).exists()
    assert FollowCohortCell.objects.filter(lag__isnull=False).exists()
    assert FollowZoneMonthCell.objects.filter(month_known=False).exists()
    assert FollowIndustryMonthCell.objects.filter(idle_n__gt=0).exists()
    every = "review_status=rejected&review_status=candidate&review_status=confirmed"
    result = follow_through._computed(ProjectFilter(QueryDict(every)), dt.date(2023, 2, 14), 12, use_cells=True)
    assert result.total.stalled.count and result.total.median_months_to_start is not None
    assert result.total.started_within[12].count and any(c.started_share_by_month[12] for c in result.cohorts)


def test_a_deferred_block_recomputes_the_cells_at_its_end():
    world = EventWorld(5)
    with transaction.atomic(), rollup.deferred():
        for _ in range(60):
            world.step()
    assert_cells_equal_live("after a deferred block")


def test_a_stale_cell_is_seen():
    """The equality above can fail: a cell changed behind the rollup's back differs from live."""
    world = EventWorld(3)
    for _ in range(60):
        world.step()
    assert_cells_equal_live("before")
    cell = FollowZoneMonthCell.objects.filter(signed_n__gt=0).order_by("pk").first()
    FollowZoneMonthCell.objects.filter(pk=cell.pk).update(signed_n=cell.signed_n + 1)
    assert follow_cells.drift() == ["zone_month"]
    with pytest.raises(AssertionError):
        assert_cells_equal_live("after")
    with pytest.raises(CommandError, match="follow-through cells differ"):
        call_command("rebuild_rollup", "--check")
    call_command("rebuild_rollup")  # rebuilds the follow-through's cells with the totals'
    assert_cells_equal_live("rebuilt")


def test_filters_the_cells_cannot_answer_are_live():
    world = EventWorld(4)
    while not Project.objects.filter(industry="光伏", merged_into__isnull=True).exists():
        world.new_project()
    zone = world.zones[0]
    assert follow_cells.answers(ProjectFilter(QueryDict("industry=光伏")).cleaned())
    for query in (f"zone={zone.slug}", f"province={zone.province}", "industry=光伏&month_from=2022-01",
                  "stage=started", "amount_min=1"):
        cleaned = ProjectFilter(QueryDict(query)).cleaned()
        assert len(cleaned) > 1 and not follow_cells.answers(cleaned), query
