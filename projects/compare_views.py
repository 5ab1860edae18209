"""The zone comparison page (`/compare/`): thin, the figures come from `projects.compare`.

It shows no quote and links to no article, so it lives in `projects` (not `articles`)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.access import public_read_only
from accounts.public_rate import heavy_for_public

from . import chart_range, compare, follow_charts, selectors
from .filters import ProjectFilter
from .views import chart_labels, range_links


@public_read_only
@require_safe
@heavy_for_public
def compare_zones(request):
    """Two to four zones side by side; the address (`zone` repeated, with the dashboard's
    other filters) reproduces the view. Too few or too many zones: the page says so."""
    project_filter = ProjectFilter(request.GET, queryset=selectors.project_list(), request=request)
    effective, shown_range = chart_range.effective(project_filter, request.GET)
    comparison = compare.compare(project_filter, effective, shown_range)
    data = comparison.data  # empty when the zones cannot be compared
    return render(request, "projects/compare.html", {
        "filter": project_filter,
        "comparison": comparison,
        "data": data,
        "period_rows": compare.period_rows(data) if data else [],
        "follow_rows": compare.follow_through_rows(data["follow_through"]) if data else [],
        "funnel": follow_charts.funnel(data["follow_through"], project_filter) if data else None,
        "chart_range": shown_range,
        "range_links": range_links(request, shown_range),
        "labels": chart_labels(),
        "min_zones": compare.MIN_ZONES, "max_zones": compare.MAX_ZONES,
    })
