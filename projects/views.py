"""Analyst pages for projects and batches; views stay thin and call selectors."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from accounts.access import public_read_only
from articles.models import Bulletin

from . import selectors
from .filters import ProjectFilter
from .models import Batch, Project

PAGE_SIZE = 50


@public_read_only
def home(request):
    return render(request, "projects/home.html", {
        "figures": selectors.headline_figures(),
        "recent_bulletins": Bulletin.objects.order_by("-created_at")[:5],
    })


@public_read_only
def project_list(request):
    data = request.GET.copy()
    if not data.getlist("review_status"):
        data.setlist("review_status", ["confirmed"])
    project_filter = ProjectFilter(data, queryset=selectors.project_list())
    page = Paginator(project_filter.qs.order_by("-date", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = data.copy()
    query.pop("page", None)
    return render(request, "projects/project_list.html", {
        "filter": project_filter, "page": page, "query": query.urlencode(),
    })


@public_read_only
def project_detail(request, pk: int):
    try:
        project = selectors.project_detail(pk)
    except Project.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "projects/project_detail.html", {
        "project": project,
        "history": project.history.select_related("history_user").order_by("-history_date")[:50],
    })


@public_read_only
def batch_detail(request, pk: int):
    try:
        batch = selectors.batch_detail(pk)
    except Batch.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "projects/batch_detail.html", {"batch": batch})
