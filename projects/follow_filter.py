"""The `follow` filter of the shared project filter: projects with a signing date, reported
started after it, or reported operating after it — the lists behind the funnel's bars.

Why here and not in `projects/filters.py`: it applies the follow-through module's own
conditions (`projects.follow_through.SIGNED`, `STARTED`, `OPERATING`, never re-derived), and
that module reads `ProjectFilter`; so, like the publication filter (articles/filters.py), it
is added to the FilterSet when Django starts (`ProjectsConfig.ready`). A batch has no
follow-through: with this filter set no batch is selected (`filters.PROJECT_ONLY`).
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from . import follow_through
from .filters import ProjectFilter
from .models import Batch

FOLLOW_STATES = {
    "signed": follow_through.SIGNED,
    "started": follow_through.STARTED,
    "operating": follow_through.OPERATING,
}
FOLLOW_CHOICES = (
    ("signed", _("有签约日期")),
    ("started", _("签约后已报道开工")),
    ("operating", _("签约后已报道投产")),
)


def filter_follow(queryset: QuerySet, name: str, value: str) -> QuerySet:
    if queryset.model is Batch:
        return queryset.none()
    return queryset.filter(FOLLOW_STATES[value])


def add_follow_filter(filterset: type[ProjectFilter] = ProjectFilter) -> None:
    filterset.base_filters["follow"] = django_filters.ChoiceFilter(
        label=_("落地情况"), choices=FOLLOW_CHOICES, method=filter_follow, empty_label=_("全部"))
