"""Analyst pages for projects and batches; views stay thin and call selectors and totals."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from accounts.access import public_read_only
from accounts.public_rate import heavy_for_public

from . import chart_range, export_responses, exports, province_map, selectors, totals
from .filters import ProjectFilter

PAGE_SIZE = 50
TOP_CHOICES = (5, 8, 10, 15, 20)


def _top(request) -> int:
    try:
        top = int(request.GET.get("top", totals.DEFAULT_TOP))
    except ValueError:
        return totals.DEFAULT_TOP
    return top if top in TOP_CHOICES else totals.DEFAULT_TOP


def _filter(request) -> ProjectFilter:
    return ProjectFilter(request.GET, queryset=selectors.project_list(), request=request)


def _shown(request) -> tuple[ProjectFilter, ProjectFilter, chart_range.ChartRange]:
    """The filter as asked, the filter the figures are computed with (the default month range
    filled in, projects/chart_range.py) and the range shown."""
    project_filter = _filter(request)
    effective, shown_range = chart_range.effective(project_filter, request.GET)
    return project_filter, effective, shown_range


def _query(project_filter: ProjectFilter, shown_range: chart_range.ChartRange) -> str:
    """The normalised query string of the view (the filter, and `range=all` when asked)."""
    query = project_filter.querystring()
    if shown_range.everything:
        everything = f"{chart_range.RANGE_PARAM}={chart_range.RANGE_ALL}"
        query = f"{query}&{everything}" if query else everything
    return query


def chart_payload(project_filter: ProjectFilter, result: totals.Totals, top: int,
                  effective: ProjectFilter | None = None,
                  shown_range: chart_range.ChartRange | None = None) -> dict:
    """What the JSON endpoint returns and what the dashboard embeds with json_script.

    `effective`: the filter the figures were computed with (drill-down links use its month
    range); `shown_range`: the range shown (README, "Chart data endpoint": `range`)."""
    effective = effective or project_filter
    shown_range = shown_range or chart_range.ChartRange(None, None)
    query = _query(project_filter, shown_range)
    data = result.as_json()
    list_url = reverse("project-list")
    zone_query = _zone_querystring(effective)
    for row in data["ranking"]:
        row["list_url"] = f"{list_url}?{zone_query(row['slug'])}" if row["slug"] else None
    data["partial_years_note"] = totals.left_out_note(result.left_out)
    widened = chart_range.whole_years(effective, result.left_out)
    granularity, labels, period_totals, series_periods = chart_range.periods(result)
    for series, figures in zip(data["series"], series_periods, strict=True):
        series["periods"] = [figure.as_json() for figure in figures]
    return {
        **data,
        "range": shown_range.as_json(),
        "granularity": granularity,
        "periods": labels,
        "period_totals": [figure.as_json() for figure in period_totals],
        "query": query,
        "top": top,
        "errors": {name: [str(e) for e in errors] for name, errors in project_filter.errors.items()},
        "links": {
            "api": reverse("totals-api"),
            "project_list": reverse("project-list"),
            # the same view over the whole years of the records the range leaves out (None: none)
            "whole_years": f"{reverse('home')}?{effective.querystring(**widened)}" if widened else None,
            "exports": {
                f"{kind}_{fmt}": f"{reverse('export', args=[kind, fmt])}?{query}"
                for kind in ("projects", "totals") for fmt in ("csv", "xlsx")
            },
        },
    }


def _zone_querystring(project_filter: ProjectFilter) -> Callable[[str], str]:
    """`slug -> project_filter.querystring(zone=slug)`, the same strings, without building the
    whole query string again for each of the ~200 zones of the ranking."""
    rest = project_filter.querystring(zone=None)
    zone_first = bool([v for v in project_filter.data.getlist("zone") if v not in ("", None)])

    def querystring(slug: str) -> str:
        zone = QueryDict(mutable=True)
        zone["zone"] = slug
        if not rest:
            return zone.urlencode()
        # querystring() keeps the zone where the filter has it (first), else appends it
        return f"{zone.urlencode()}&{rest}" if zone_first else f"{rest}&{zone.urlencode()}"

    return querystring


def chart_labels() -> dict:
    """Words the charts draw themselves (axis titles, tooltips) and the status line says when an
    update fails, in the page's language."""
    return {
        "amount_axis": _("金额（亿元）"), "month_axis": _("月份"), "year_axis": _("年份"), "unit": _("亿元"),
        "records": _("条记录"), "total": _("合计"), "failed": _("更新失败，请刷新页面重试。"),
    }


def _period_bounds(label: str) -> tuple[str, str]:
    """The month range of a period label ("2024-05", or a year "2024")."""
    return (label, label) if "-" in label else (f"{label}-01", f"{label}-12")


def month_rows(data: dict, project_filter: ProjectFilter) -> list[tuple]:
    """The period table's rows (months, or years when the chart has yearly bars), zipped here
    so that its template only loops: (period, the project list of that period when it has
    records — the drill-down a keyboard reaches —, the charted series' amounts, the period's
    total figure). Under monthly bars, the "month unknown" figures of the records known only to
    the year follow as rows of their own (under yearly bars they are in their year's row)."""
    columns = [[figure["amount_display"] for figure in series["periods"]] for series in data["series"]]
    cells = zip(*columns, strict=True) if columns else itertools.repeat((), len(data["periods"]))
    rest = project_filter.querystring(month_from=None, month_to=None)
    base = f"{reverse('project-list')}?{rest}&" if rest else f"{reverse('project-list')}?"
    rows = []
    for label, amounts, total in zip(data["periods"], cells, data["period_totals"], strict=True):
        first, last = _period_bounds(label)
        url = f"{base}month_from={first}&month_to={last}" if total["records"] else None
        rows.append((label, url, amounts, total))
    if data["granularity"] == "month":
        for i, unknown in enumerate(data["month_unknown"]):
            amounts = [series["month_unknown"][i]["amount_display"] for series in data["series"]]
            rows.append((unknown["label"], None, amounts, unknown))
    return rows


def range_links(request, shown_range: chart_range.ChartRange) -> dict:
    """The dashboard's range line: "show everything" (`range=all`) under the default range,
    "back to the default" when everything is shown."""
    params = request.GET.copy()
    params.pop(chart_range.RANGE_PARAM, None)
    default = params.urlencode()
    params[chart_range.RANGE_PARAM] = chart_range.RANGE_ALL
    return {"all": f"?{params.urlencode()}", "default": f"?{default}"}


def _dashboard(request) -> dict:
    """What the page and its fragment both render (figures, the four tables, the chart data)."""
    project_filter, effective, shown_range = _shown(request)
    top = _top(request)
    result = totals.for_filter(effective, top=top)
    data = chart_payload(project_filter, result, top, effective, shown_range)
    return {
        "filter": project_filter,
        "data": data,
        "province_map": province_map.for_amounts(
            result, request.GET, project_filter.cleaned().get(province_map.PROVINCE_PARAM)),
        "month_rows": month_rows(data, effective),
        "breakdowns": [
            ("stage", _("按阶段"), data["by_stage"]), ("industry", _("按行业"), data["by_industry"]),
        ],
        "has_month_range": effective.has_month_range,
        "chart_range": shown_range,
        "range_links": range_links(request, shown_range),
    }


@public_read_only
@require_safe
def home(request):
    """The dashboard: totals per month, the zone ranking and the breakdowns, for the filter.
    Every figure and table is in this first HTML (the page works without JavaScript); with it,
    htmx swaps in `dashboard_results` when the filter changes."""
    return render(request, "projects/dashboard.html", {
        **_dashboard(request),
        "labels": chart_labels(),
        "top_choices": TOP_CHOICES,
        "live_url": reverse("dashboard-results"),
    })


@public_read_only
@require_safe
def dashboard_results(request):
    """The dashboard's figures, tables and chart data for the filter, as an HTML fragment: the
    same partials the page includes, so each table is built in one place. The export links and
    the status line come along as out-of-band swaps, and `HX-Replace-Url` puts the filter in the
    address bar, so that the address always reproduces the view."""
    response = render(request, "projects/_dashboard_fragment.html", _dashboard(request))
    shown = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if kept := [value for value in values if value]:
            shown.setlist(name, kept)
    query = shown.urlencode()
    response["HX-Replace-Url"] = f"{reverse('home')}?{query}" if query else reverse("home")
    return response


@public_read_only
@require_safe
@heavy_for_public
def totals_api(request):
    """Chart data for the shared filter (fields documented in README.md, "Chart data endpoint")."""
    project_filter, effective, shown_range = _shown(request)
    top = _top(request)
    data = chart_payload(project_filter, totals.for_filter(effective, top=top), top, effective, shown_range)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


class RollupCountPaginator(Paginator):
    """A paginator that takes the number of listed projects from the rollup when the filter
    allows it: a sum over a few thousand cells instead of a COUNT(*) over every project."""

    def __init__(self, object_list, per_page, cleaned: dict, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cleaned = cleaned

    @cached_property
    def count(self) -> int:
        if totals.rollup_answers(self.cleaned):
            return totals.listed_project_count(self.cleaned)
        return super().count


@login_not_required
@require_GET
def healthz(request):
    """A trivial page for load balancers and as the reference in the load benchmark (no login)."""
    return HttpResponse("ok", content_type="text/plain")


@public_read_only
@require_safe
def project_list(request):
    project_filter = _filter(request)
    projects = exports.annotated_projects(project_filter.qs, project_filter.replacing_batch_qs())
    page = RollupCountPaginator(projects.order_by("-date", "-id"), PAGE_SIZE,
                                project_filter.cleaned()).get_page(request.GET.get("page"))
    result = totals.for_filter(project_filter)
    _counted, batches = totals.counted_records(
        project_filter.qs, project_filter.batch_qs(), project_filter.replacing_batch_qs()
    )
    query = project_filter.querystring()
    widened = chart_range.whole_years(project_filter, result.left_out)
    return render(request, "projects/project_list.html", {
        "filter": project_filter, "page": page, "query": query,
        "totals": result,
        "left_out_note": totals.left_out_note(result.left_out),
        "whole_years_url": f"?{project_filter.querystring(**widened)}" if widened else "",
        "batches": batches.select_related("zone").order_by("-date", "-id")[:PAGE_SIZE],
        "export_query": query,
    })


@public_read_only
@require_safe
@heavy_for_public
def export(request, kind: str, fmt: str):
    """CSV or XLSX of the filtered projects (`projects`) or of the zone-month totals (`totals`)."""
    if kind not in ("projects", "totals") or fmt not in ("csv", "xlsx"):
        raise Http404
    # the same range as the dashboard shows (export_specs); a big XLSX goes to the worker
    return export_responses.respond(request, kind, fmt)
