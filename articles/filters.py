"""The publication filter of the shared project filter (`projects.filters.ProjectFilter`):
records with a quote in a bulletin of that publication. It reads bulletins and quotes, which
the projects app must not know, so this app adds it to the FilterSet when Django starts
(`ArticlesConfig.ready`), as the last filter, where the form and the query strings have it."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from projects.filters import LazyChoiceFilter, ProjectFilter
from projects.models import Batch

from .models import Bulletin, Mention


def publication_choices() -> list[tuple[str, str]]:
    publications = (
        Bulletin.objects.exclude(publication="").order_by("publication")
        .values_list("publication", flat=True).distinct()
    )
    return [("", _("全部报刊")), *((p, p) for p in publications)]


def filter_publication(queryset: QuerySet, name: str, value: str) -> QuerySet:
    """Projects (or batches) quoted from an issue of the publication."""
    column = "batch_id" if queryset.model is Batch else "project_id"
    sources = Mention.objects.filter(article__bulletin__publication=value, **{f"{column}__isnull": False})
    return queryset.filter(pk__in=sources.values(column))


def add_publication_filter(filterset: type[ProjectFilter] = ProjectFilter) -> None:
    filterset.base_filters["publication"] = LazyChoiceFilter(
        label=_("报刊"), method=filter_publication, choices_from=publication_choices
    )
