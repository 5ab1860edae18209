"""The follow-through rule's conditions as queries on a project's stored timeline.

The rule is written in `projects/follow_through.py`; these are its conditions as `Q` objects,
in a module of their own so that the live aggregation (`follow_through`) and the cells that
sum the same conditions ahead of time (`follow_cells`, kept by the totals rollup's machinery,
which `follow_through` must not be imported by) read the very same definitions.
"""

from __future__ import annotations

from django.db.models import Q

WINDOWS = (6, 12, 24)
SIGNED = Q(signed_on__isnull=False)
STARTED = SIGNED & Q(started_on__isnull=False)
OPERATING = SIGNED & Q(operating_on__isnull=False)
UNSIGNED_STARTED = Q(signed_on__isnull=True, started_on__isnull=False)
# Signed and nothing of another stage reported since: stalled once signed before the cutoff.
IDLE = SIGNED & Q(followed_up=False)


def within(months: int) -> Q:
    """Started certainly within `months` months of the signing (`months_to_start_max` is set
    only for signed projects with a start)."""
    return Q(months_to_start_max__lte=months)
