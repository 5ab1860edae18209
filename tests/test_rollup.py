"""The zone-month rollup (`projects/rollup.py`) never drifts from the projects and batches.

A seeded random sequence of many operations — inserts, edits, merges, review decisions,
batch changes and deletions, through plain saves and through the review services — and
after every few of them: `rollup_drift()` is empty, and the totals read from the rollup
equal the live GROUP BY of `projects/totals.py` for a spread of filters, field by field
(JSON of the chart endpoint). Runs on SQLite and on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.http import QueryDict

from projects import rollup, services, totals
from projects.filters import ProjectFilter
from projects.models import Batch, Project, TotalsBreakdownCell, TotalsCell, TotalsStageCell, TotalsZoneCell
from zones.models import Zone

pytestmark = pytest.mark.django_db

ZONES = ("西安高新区", "乐山高新区", "成都高新区")
MONTHS = [dt.date(2022, m, 1) for m in range(1, 6)]
STAGES = ("signed", "started", "operating", "stalled", "cancelled", "other")
STATUSES = ("candidate", "confirmed", "rejected")
INDUSTRIES = ("", "光伏", "储能", "新材料")


def filters(zones: list[Zone]) -> list[str]:
    a, b, c = (z.slug for z in zones)
    return [
        "",
        "review_status=candidate&review_status=confirmed",
        "review_status=rejected&review_status=candidate&review_status=confirmed",
        "stage=started",
        "stage=signed&stage=operating",
        "industry=光伏",
        "industry=储能&review_status=candidate&review_status=confirmed",
        f"zone={a}",
        f"zone={a}&zone={b}&month_to=2022-03",
        f"province={zones[1].province}",
        "month_from=2022-02&month_to=2022-04",
        "month_from=2022-03&review_status=candidate&review_status=confirmed",
        f"zone={c}&month_from=2022-02&stage=signed",
        f"province={zones[1].province}&stage=started&stage=stalled",
        "stage=cancelled&month_to=2022-02",
        # records known only to the year: inside a range only when it covers their whole year
        "month_from=2022-01&month_to=2022-12",
        "month_from=2021-01&month_to=2022-05",
        "month_to=2021-12",
        f"zone={b}&month_from=2021-02",
        "industry=光伏&month_from=2021-01&month_to=2021-12",
        "month_from=2022-13",  # invalid: ignored, as the live filter ignores it
    ]


def figures(result: totals.Totals) -> dict:
    """The chart JSON and what the exports read (every zone × month, undated per zone)."""
    grid = {(zone, month): figure for zone, months in result.zone_months().items()
            for month, figure in months.items()}
    return {"json": result.as_json(), "grid": grid, "undated": result.undated_by_zone()}


def assert_rollup_equals_live(zones: list[Zone], where: str) -> int:
    """Checks every filter; returns how many of them left year-only records out (the
    `partial_years` of the JSON, compared with the rest), so that the check is not idle."""
    assert rollup.rollup_drift() == [], where
    left_out = 0
    for query in filters(zones):
        project_filter = ProjectFilter(QueryDict(query))
        cleaned = project_filter.cleaned()
        assert totals.rollup_answers(cleaned), query
        from_rollup = figures(totals.for_filter(project_filter, top=2, use_rollup=True))
        live = figures(totals.for_filter(ProjectFilter(QueryDict(query)), top=2, use_rollup=False))
        assert from_rollup == live, f"{where}: {query}"
        left_out += bool(live["json"]["partial_years"])
        # The grid read at once (exports) and the rollup's rows summed in Python (SQLite's way)
        # give the same figures as the reduced query (PostgreSQL's).
        full_grid = figures(totals.for_filter(ProjectFilter(QueryDict(query)), top=2, full_grid=True))
        assert full_grid == live, f"{where}: {query}"
        totals.REDUCE_IN_DATABASE = False
        try:
            summed = figures(totals.for_filter(ProjectFilter(QueryDict(query)), top=2, use_rollup=True))
        finally:
            totals.REDUCE_IN_DATABASE = True
        assert summed == live, f"{where}: {query}"
        listed = ProjectFilter(QueryDict(query)).qs.filter(merged_into__isnull=True).count()
        assert totals.listed_project_count(cleaned) == listed, f"{where}: {query}"
    # The filter's industry choices come from the rollup: those of the projects not merged.
    industries = (
        Project.objects.filter(merged_into__isnull=True).exclude(industry="").order_by("industry")
        .values_list("industry", flat=True).distinct()
    )
    assert rollup.industries() == list(industries), where
    return left_out


class World:
    """Random operations on a small world of three zones and five months."""

    def __init__(self, seed: int):
        self.rnd = random.Random(seed)
        self.precision_rnd = random.Random(-seed)
        self.zones = list(Zone.objects.filter(short_name__in=ZONES).order_by("short_name"))

    def zone(self):
        return self.rnd.choice([*self.zones, *self.zones, None])

    def dated(self) -> dict:
        """A date and its precision: undated, known only to the year (2021 or 2022), to the month
        or to the day (the precision drawn apart, so that the other draws stay as they were)."""
        if self.rnd.random() < 0.15:
            return {"date": None, "date_precision": ""}
        day = self.rnd.choice(MONTHS) + dt.timedelta(days=self.rnd.randrange(28))
        draw = self.precision_rnd.random()
        if draw < 0.2:
            return {"date": dt.date(self.precision_rnd.choice([2021, 2022]), 1, 1), "date_precision": "year"}
        if draw < 0.35:
            return {"date": day.replace(day=1), "date_precision": "month"}
        return {"date": day, "date_precision": "day"}

    def amount(self):
        if self.rnd.random() < 0.1:
            return None
        return Decimal(self.rnd.randrange(1, 10_000)) * Decimal("1000000.01")

    def projects(self):
        return list(Project.objects.order_by("pk"))

    def batches(self):
        return list(Batch.objects.order_by("pk"))

    # --- operations ------------------------------------------------------------------------

    def new_project(self):
        batches = self.batches()
        amount = self.amount()
        Project.objects.create(
            name=f"项目{self.rnd.randrange(10**6)}",
            zone=self.zone(),
            **self.dated(),
            stage=self.rnd.choice(STAGES),
            industry=self.rnd.choice(INDUSTRIES),
            review_status=self.rnd.choice(STATUSES),
            amount=amount,
            amount_yuan=amount,
            approximate=self.rnd.random() < 0.3,
            batch=self.rnd.choice(batches) if batches and self.rnd.random() < 0.4 else None,
        )

    def new_batch(self):
        amount = self.amount()
        batch = Batch.objects.create(
            zone=self.zone(),
            **self.dated(),
            review_status=self.rnd.choice(STATUSES),
            amount=amount,
            amount_yuan=amount,
            approximate=self.rnd.random() < 0.3,
            project_count=self.rnd.choice([None, 3, 16]),
        )
        for project in self.rnd.sample(self.projects(), k=min(2, len(self.projects()))):
            project.batch = batch
            project.save()

    def edit_project(self):
        projects = self.projects()
        if not projects:
            return
        project = self.rnd.choice(projects)
        change = self.rnd.choice(["zone", "date", "stage", "industry", "amount", "status", "batch"])
        if change == "zone":
            project.zone = self.zone()
        elif change == "date":
            for name, value in self.dated().items():
                setattr(project, name, value)
        elif change == "stage":
            project.stage = self.rnd.choice(STAGES)
        elif change == "industry":
            project.industry = self.rnd.choice(INDUSTRIES)
        elif change == "amount":
            project.amount_yuan = self.amount()
            project.approximate = not project.approximate
        elif change == "status":
            project.review_status = self.rnd.choice(STATUSES)
        else:
            batches = self.batches()
            project.batch = self.rnd.choice(batches) if batches and self.rnd.random() < 0.7 else None
        project.save()

    def edit_batch(self):
        batches = self.batches()
        if not batches:
            return
        batch = self.rnd.choice(batches)
        change = self.rnd.choice(["zone", "date", "status", "amount", "count"])
        if change == "zone":
            batch.zone = self.zone()
        elif change == "date":
            for name, value in self.dated().items():
                setattr(batch, name, value)
        elif change == "status":
            batch.review_status = self.rnd.choice(STATUSES)
        elif change == "amount":
            batch.amount_yuan = self.amount()
        else:
            batch.project_count = self.rnd.choice([None, 1, 7, 40])
        batch.save()

    def review(self):
        """Through the review service, like an editor (merged records are refused there)."""
        candidates = [obj for obj in [*self.projects(), *self.batches()] if obj.merged_into_id is None]
        if candidates:
            services.set_review_status(
                self.rnd.sample(candidates, k=min(3, len(candidates))), self.rnd.choice(STATUSES)
            )

    def merge_projects(self):
        free = [p for p in self.projects() if p.merged_into_id is None]
        if len(free) < 3:
            return
        target, *sources = self.rnd.sample(free, k=3)
        services.merge_projects(sources, target)

    def merge_batch(self):
        free = [b for b in self.batches() if b.merged_into_id is None]
        if len(free) < 2:
            return
        source, target = self.rnd.sample(free, k=2)
        source.merged_into = target
        source.save()

    def unmerge(self):
        merged = [obj for obj in [*self.projects(), *self.batches()] if obj.merged_into_id is not None]
        if merged:
            obj = self.rnd.choice(merged)
            obj.merged_into = None
            obj.save()

    def delete_project(self):
        projects = self.projects()
        if projects:
            self.rnd.choice(projects).delete()  # projects merged into it count again (SET_NULL)

    def delete_batch(self):
        batches = self.batches()
        if batches:
            self.rnd.choice(batches).delete()  # its members count on their own (SET_NULL)

    def step(self) -> str:
        operations = [
            (self.new_project, 6),
            (self.new_batch, 2),
            (self.edit_project, 6),
            (self.edit_batch, 3),
            (self.review, 2),
            (self.merge_projects, 1),
            (self.merge_batch, 1),
            (self.unmerge, 1),
            (self.delete_project, 1),
            (self.delete_batch, 1),
        ]
        operation = self.rnd.choices([op for op, _w in operations], weights=[w for _op, w in operations])[0]
        operation()
        return operation.__name__


@pytest.mark.parametrize("seed", [1, 2])
def test_rollup_equals_the_live_group_by_after_random_operations(seed):
    world = World(seed)
    done = []
    left_out = 0
    for i in range(160):
        done.append(world.step())
        if i % 20 == 19:
            left_out += assert_rollup_equals_live(world.zones, f"seed {seed}, after {done[-20:]}")
    assert left_out  # ranges that cut a year left its year-only records out, and both ways agreed
    assert Project.objects.exists() and Batch.objects.exists()
    assert TotalsCell.objects.filter(month_known=False).exists()  # records known only to the year
    assert TotalsCell.objects.filter(kind="project", batch_review_status__isnull=False).exists()
    # The coarser levels are kept too (rollup_drift above checks every level), and they are
    # coarser: fewer cells than the full level.
    assert 0 < TotalsZoneCell.objects.count() <= TotalsStageCell.objects.count() <= TotalsCell.objects.count()
    # (no zone, but a cell per year-only January too: on a small world it may tie with the full level)
    assert 0 < TotalsBreakdownCell.objects.count() <= TotalsCell.objects.count()
    assert TotalsZoneCell.objects.filter(kind="project", batch_review_status__isnull=False).exists()
    assert TotalsStageCell.objects.filter(kind="project", batch_review_status__isnull=False).exists()


def test_every_level_sums_to_the_same_figures():
    world = World(7)
    for _ in range(60):
        world.step()
    sums = ("amount", "approximate_amount", "projects", "batches", "batch_projects")

    def by_status(model):
        rows = model.objects.order_by().values_list("review_status", "kind").annotate(
            *(Sum(name) for name in sums))
        return sorted(rows)

    assert (by_status(TotalsCell) == by_status(TotalsZoneCell) == by_status(TotalsStageCell)
            == by_status(TotalsBreakdownCell))


def test_every_level_loses_its_cells_when_the_records_go():
    """Deleting every record — targets of merges and batches with members first, which sets
    records free that count again — leaves the rollup right at each step and, at the end, empty."""
    world = World(8)
    with transaction.atomic(), rollup.deferred():
        for _ in range(40):
            world.step()
    for _ in range(40):
        world.step()
    assert rollup.rollup_drift() == []
    for batch in Batch.objects.filter(merged_from__isnull=False).distinct():
        batch.delete()
        assert rollup.rollup_drift() == []
    for batch in Batch.objects.all():
        batch.delete()
    for project in Project.objects.filter(merged_from__isnull=False).distinct():
        project.delete()
        assert rollup.rollup_drift() == []
    for project in Project.objects.all():
        project.delete()
    assert rollup.rollup_drift() == []
    for model in (TotalsCell, TotalsZoneCell, TotalsStageCell, TotalsBreakdownCell):
        assert not model.objects.exists(), model


def test_deferred_block_recomputes_once_at_the_end():
    world = World(3)
    with transaction.atomic(), rollup.deferred():
        for _ in range(30):
            world.step()
        assert rollup.rollup_drift() != [] or not Project.objects.exists()
    assert_rollup_equals_live(world.zones, "after a deferred block")


def test_deleting_a_batch_frees_the_batches_merged_into_it_and_their_members():
    """A batch merged into another one does not replace its members; deleting the target sets it
    free (SET_NULL, no signal), so its members — in other zones and months than either batch —
    are skipped again when it counts: their cells must follow."""
    a, b, c = Zone.objects.filter(short_name__in=ZONES).order_by("short_name")
    target = Batch.objects.create(zone=a, date=dt.date(2022, 1, 5), review_status="confirmed",
                                  amount_yuan=Decimal("100"))
    merged = Batch.objects.create(zone=b, date=dt.date(2022, 2, 5), review_status="confirmed",
                                  amount_yuan=Decimal("50"), merged_into=target)
    Project.objects.create(name="成员", zone=c, date=dt.date(2022, 3, 5), review_status="confirmed",
                           amount_yuan=Decimal("7"), batch=merged)
    assert rollup.rollup_drift() == []
    assert totals.for_filter(ProjectFilter(QueryDict(""))).total.amount == Decimal("107.00")

    target.delete()

    assert rollup.rollup_drift() == []
    assert totals.for_filter(ProjectFilter(QueryDict(""))).total.amount == Decimal("50.00")


def test_a_rolled_back_change_leaves_the_rollup_as_it_was():
    world = World(4)
    for _ in range(20):
        world.step()
    before = sorted(
        TotalsCell.objects.values_list("zone_id", "date", "kind", "review_status", "amount"), key=repr
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        for _ in range(10):
            world.new_project()
        raise RuntimeError("the editor's request failed")
    after = sorted(
        TotalsCell.objects.values_list("zone_id", "date", "kind", "review_status", "amount"), key=repr
    )
    assert before == after
    assert rollup.rollup_drift() == []


def test_drift_is_found_and_the_command_rebuilds_it(capsys):
    world = World(5)
    for _ in range(40):
        world.step()
    cell = TotalsCell.objects.order_by("pk").first()
    TotalsCell.objects.filter(pk=cell.pk).update(amount=cell.amount + 1)
    TotalsCell.objects.filter(pk=TotalsCell.objects.order_by("-pk").first().pk).delete()
    drift = rollup.rollup_drift()
    assert len(drift) == 2
    assert {d["stored"] is None for d in drift} == {True, False}
    assert {d["level"] for d in drift} == {"full"}
    # A drifted cell of a coarser level is found too, and rebuilt.
    for model in (TotalsZoneCell, TotalsStageCell, TotalsBreakdownCell):
        coarse = model.objects.order_by("pk").first()
        model.objects.filter(pk=coarse.pk).update(projects=coarse.projects + 1)
    drift = rollup.rollup_drift()
    assert {d["level"] for d in drift} == {"full", "zone", "stage", "breakdown"}
    assert len(drift) == 5
    with pytest.raises(Exception, match="rollup cells differ"):
        call_command("rebuild_rollup", "--check")
    call_command("rebuild_rollup")
    assert rollup.rollup_drift() == []
    call_command("rebuild_rollup", "--check")
    assert "rollup matches" in capsys.readouterr().out


def test_filters_the_rollup_cannot_answer_are_computed_live(django_assert_num_queries):
    world = World(6)
    for _ in range(30):
        world.step()
    for query in ("investor=协鑫", "q=项目", "amount_min=10", "amount_max=1"):
        assert not totals.rollup_answers(ProjectFilter(QueryDict(query)).cleaned()), query
