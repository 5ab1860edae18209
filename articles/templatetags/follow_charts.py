"""`{% cohort_chart data %}` and `{% zone_funnel data filter %}`: the follow-through page's
cohort chart and zone funnel, each a card with its chart, its table and its chart data, so the
page that shows the follow-through figures (`data`: `projects.follow_through`'s `as_json()`)
places them with one line each (projects/follow_charts.py arranges the figures). Here, with
that page (articles/follow_through_views.py): in `projects` they would import
`projects.follow_charts`, which reads `projects.templatetags.money` (a cycle)."""

from __future__ import annotations

from django import template

from projects import follow_charts
from projects.filters import ProjectFilter

register = template.Library()


@register.inclusion_tag("projects/_cohort_chart.html")
def cohort_chart(data: dict) -> dict:
    """`data["shown"]` (the page's): how many quarters are drawn of how many, and the link to all."""
    return {"cohort": follow_charts.cohorts(data), "shown": data.get("shown")}


@register.inclusion_tag("projects/_funnel.html")
def zone_funnel(data: dict, project_filter: ProjectFilter) -> dict:
    """`project_filter`: the filter the figures were computed with (the bars' links keep it)."""
    return {"funnel": follow_charts.funnel(data, project_filter)}
