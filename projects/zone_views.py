"""Zone list and zone pages: a zone with its projects and totals, so they live with the projects
(zones know nothing of projects)."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from accounts.access import is_public, public_read_only
from zones.models import Zone

from . import totals as project_totals
from .models import ReviewStatus
from .views import chart_labels


def shown(request, records):
    """The zone's projects or batches the visitor may see: confirmed ones for the public
    (ZIT_PUBLIC_READ_ONLY=1), every one for a signed-in user."""
    return records.filter(review_status=ReviewStatus.CONFIRMED) if is_public(request) else records


@public_read_only
@require_safe
def zone_list(request):
    zones = (
        Zone.objects.filter(merged_into__isnull=True)
        .annotate(project_count=project_totals.confirmed_project_count())
        .order_by("-verified", "province", "short_name")
    )
    query = request.GET.get("q", "").strip()
    if query:
        zones = zones.filter(
            Q(short_name__icontains=query)
            | Q(full_name__icontains=query)
            | Q(province__icontains=query)
            | Q(city__icontains=query)
        )
    return render(request, "zones/zone_list.html", {"zones": zones, "q": query})


@public_read_only
@require_safe
def zone_detail(request, slug: str):
    zone = get_object_or_404(Zone, slug=slug)
    projects = shown(request, zone.projects.filter(merged_into__isnull=True)).order_by("-date", "-id")
    totals = project_totals.for_zone(zone)
    chart = totals.as_json()
    chart["links"] = {"project_list": reverse("project-list")}
    return render(
        request,
        "zones/zone_detail.html",
        {
            "zone": zone,
            "projects": projects[:200],
            "totals": totals,
            "chart": chart,
            "month_rows": list(zip(chart["months"], chart["month_totals"], strict=True)),
            "labels": chart_labels(),
            "batches": shown(request, zone.batches.filter(merged_into__isnull=True)).order_by("-date")[:100],
            "articles": zone.articles.select_related("bulletin").order_by("-bulletin__issue_date")[:100],
            "aliases": zone.aliases.all(),
        },
    )
