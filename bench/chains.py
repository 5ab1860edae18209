"""Event chains for the seeded projects (`bench/seed.py`): what a project's life looks like as
newspapers report it, so that the follow-through has realistic work at a million projects.

Of the dated projects, about 7 % are first reported as started (no signing known); the rest are
signed. Of the signed, about 55 % are reported started 1–30 months later (most within a year),
about 25 % in operation (most after a start, a few with no start reported), a few stalled or
cancelled; the rest have no later report (they are the stalled list). Every date after the
signing comes at a mixed precision (day, month, year), stored as the first day it covers, and
nothing is reported after `CUTOFF`. About 5 % of the projects were reported a second time in
another issue and merged: the duplicate row follows its target (`merged_into`), and the event it
reported is on the target (a merge moves it; a repeated signing stays a second 签约 event).

Pure Python, deterministic for a given `random.Random`; no Django.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

CUTOFF = dt.date(2025, 12, 31)  # the seed's "today": no event is reported after it
STAGE_ORDER = ("signed", "started", "operating", "stalled", "cancelled")  # projects.services
LATER_PRECISION = (("day", 0.55), ("month", 0.33), ("year", 0.12))
SIGNING_PRECISION = (("day", 0.88), ("month", 0.10), ("year", 0.02))
FIRST_STARTED = 0.07
STARTED = 0.58
OPERATING_AFTER_START = 0.46
OPERATING_WITHOUT_START = 0.025
STALLED, CANCELLED = 0.06, 0.02
DUPLICATE = 0.05


@dataclass(slots=True)
class Chain:
    """A project's events (stage, first day, precision) and what its row shows of them."""

    events: list[tuple[str, dt.date | None, str]] = field(default_factory=list)
    duplicate_of_event: tuple[str, dt.date | None, str] | None = None  # reported again, merged

    @property
    def date(self) -> tuple[dt.date | None, str]:
        """The project's counted date: its signing, else its first event (services)."""
        dated = [e for e in self.events if e[1] is not None]
        signed = [e for e in dated if e[0] == "signed"]
        first = min(signed or dated, key=lambda e: e[1], default=None)
        return (first[1], first[2]) if first else (None, "")

    @property
    def stage(self) -> str:
        """The furthest stage reported."""
        return max((e[0] for e in self.events), key=STAGE_ORDER.index)


def _pick(rnd: random.Random, weighted) -> str:
    r, total = rnd.random(), 0.0
    for value, weight in weighted:
        total += weight
        if r < total:
            return value
    return weighted[-1][0]


def at_precision(day: dt.date, precision: str) -> dt.date:
    """The first day a date known to the day, month or year covers."""
    if precision == "year":
        return dt.date(day.year, 1, 1)
    if precision == "month":
        return day.replace(day=1)
    return day


def months_later(rnd: random.Random, day: dt.date, low: float, high: float, mode: float) -> dt.date:
    """A day some months after `day` (a triangular spread: most near `mode`)."""
    return day + dt.timedelta(days=round(rnd.triangular(low, high, mode) * 30.44))


def _later(rnd: random.Random, stage: str, day: dt.date) -> tuple[str, dt.date, str] | None:
    """An event `stage` on `day` as reported (its precision), or None if after CUTOFF."""
    if day > CUTOFF:
        return None
    precision = _pick(rnd, LATER_PRECISION)
    return (stage, at_precision(day, precision), precision)


def chain(rnd: random.Random, reported: dt.date | None, member: bool = False) -> Chain:
    """The events of a project first reported on `reported` (None: an undated report). A batch
    member is signed on its batch's day (to the day)."""
    if reported is None:
        return Chain([("signed", None, "")])
    if not member and rnd.random() < FIRST_STARTED:
        precision = _pick(rnd, LATER_PRECISION)
        events = [("started", at_precision(reported, precision), precision)]
        if rnd.random() < OPERATING_AFTER_START:
            operating = _later(rnd, "operating", months_later(rnd, reported, 4, 36, 12))
            events += [operating] if operating else []
        return _maybe_duplicate(rnd, Chain(events))
    precision = "day" if member else _pick(rnd, SIGNING_PRECISION)
    events = [("signed", at_precision(reported, precision), precision)]
    r = rnd.random()
    if r < STARTED:
        start = _later(rnd, "started", months_later(rnd, reported, 1, 30, 5))
        if start:
            events.append(start)
            if rnd.random() < OPERATING_AFTER_START:
                operating = _later(rnd, "operating", months_later(rnd, start[1], 6, 36, 14))
                events += [operating] if operating else []
    elif r < STARTED + OPERATING_WITHOUT_START:
        operating = _later(rnd, "operating", months_later(rnd, reported, 12, 40, 20))
        events += [operating] if operating else []
    elif r < STARTED + OPERATING_WITHOUT_START + STALLED + CANCELLED:
        stage = "stalled" if r < STARTED + OPERATING_WITHOUT_START + STALLED else "cancelled"
        later = _later(rnd, stage, months_later(rnd, reported, 10, 30, 16))
        events += [later] if later else []
    return _maybe_duplicate(rnd, Chain(events))


def _maybe_duplicate(rnd: random.Random, project: Chain) -> Chain:
    """Whether another issue reported one of the project's events again, as a separate project
    that an editor merged: its later event (moved on the merge), or a repeated signing (a second
    签约 event on the same day)."""
    if rnd.random() >= DUPLICATE:
        return project
    reported = rnd.choice(project.events)
    if reported[0] == "signed" or len(project.events) == 1:
        project.events.append(reported)  # the duplicate's own event, moved to the target
    project.duplicate_of_event = reported
    return project
