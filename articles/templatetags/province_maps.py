"""`{% started_share_map data %}`: the province map of the follow-through page.

The page (articles/follow_through_views.py) embeds the follow-through data (`projects.follow_through`,
the contract's shape); this tag colours the provinces by its `provinces` figures and renders the
map with its table (templates/projects/_province_map.html), so the page needs no code of the map's.
It lives with the page, in articles: a tag in projects/templatetags would import
projects.province_map, which formats with projects/templatetags/money.py (an import cycle).
"""

from __future__ import annotations

from django import template

from projects import province_map

register = template.Library()


@register.inclusion_tag("projects/_province_map.html", takes_context=True)
def started_share_map(context, data: dict) -> dict:
    """The map of `data` (its `provinces` and `total`); a click keeps the page's query string,
    and the province the page's filter names is marked."""
    request = context["request"]
    project_filter = context.get("filter")
    selected = None
    if project_filter is not None:
        selected = project_filter.cleaned().get(province_map.PROVINCE_PARAM)
    return {"map": province_map.for_started_share(data["provinces"], data["total"], request.GET, selected)}
