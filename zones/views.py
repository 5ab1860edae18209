"""Zone list and zone pages."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, render

from accounts.access import public_read_only
from projects.models import ReviewStatus

from .models import Zone

COUNTED = Q(projects__review_status=ReviewStatus.CONFIRMED, projects__merged_into__isnull=True)


@public_read_only
def zone_list(request):
    zones = (
        Zone.objects.filter(merged_into__isnull=True)
        .annotate(project_count=Count("projects", filter=COUNTED))
        .order_by("province", "short_name")
    )
    query = request.GET.get("q", "").strip()
    if query:
        zones = zones.filter(Q(short_name__icontains=query) | Q(full_name__icontains=query)
                             | Q(province__icontains=query) | Q(city__icontains=query))
    return render(request, "zones/zone_list.html", {"zones": zones, "q": query})


@public_read_only
def zone_detail(request, slug: str):
    zone = get_object_or_404(Zone, slug=slug)
    projects = zone.projects.filter(merged_into__isnull=True).order_by("-date", "-id")
    return render(request, "zones/zone_detail.html", {
        "zone": zone,
        "projects": projects[:200],
        "totals": projects.filter(review_status=ReviewStatus.CONFIRMED).aggregate(
            n=Count("id"), total=Sum("amount_yuan")),
        "batches": zone.batches.filter(merged_into__isnull=True).order_by("-date")[:100],
        "articles": zone.articles.select_related("bulletin").order_by("-bulletin__issue_date")[:100],
        "aliases": zone.aliases.all(),
    })
