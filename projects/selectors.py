"""Reads for project pages: the querysets views use, with their joins declared once."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from articles.models import Mention

from .models import Batch, Project


def project_list() -> QuerySet[Project]:
    return Project.objects.filter(merged_into__isnull=True).select_related("zone")


def project_detail(pk: int) -> Project:
    mentions = Mention.objects.select_related("article__bulletin").order_by("article__bulletin__issue_date")
    return (
        Project.objects.select_related("zone", "batch", "merged_into")
        .prefetch_related("events__article__bulletin", Prefetch("mentions", queryset=mentions))
        .get(pk=pk)
    )


def batch_detail(pk: int) -> Batch:
    mentions = Mention.objects.select_related("article__bulletin")
    members = Project.objects.filter(merged_into__isnull=True).order_by("-date", "-id")
    return (
        Batch.objects.select_related("zone")
        .prefetch_related(Prefetch("mentions", queryset=mentions), Prefetch("projects", queryset=members))
        .get(pk=pk)
    )
