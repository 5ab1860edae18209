"""Reads for project pages: the querysets views use, with their joins declared once."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Project


def project_list() -> QuerySet[Project]:
    return Project.objects.filter(merged_into__isnull=True).select_related("zone")
