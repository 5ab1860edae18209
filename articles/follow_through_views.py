"""The follow-through page (`/follow-through/`) and its JSON (`/api/follow-through/`).

Every figure comes from `projects.follow_through` (the rule, written once); this app adds what
only it knows — the stalled projects' signing quotes and their articles (`selectors.stalled_items`).
The page and the API read the same filter (`projects.filters.ProjectFilter`, the dashboard's query
strings) and build the same data, which the page also embeds for its charts (`json_script`,
id `follow-through-data`). Without a month range every signing counts: the dashboard's default
range of the last 24 months is not applied here, since those are the signings with the least
time to break ground.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from accounts.access import public_read_only
from accounts.public_rate import heavy_for_public
from projects import export_names, export_responses, follow_through
from projects.export_jobs import ExportSpec
from projects.filters import ProjectFilter
from projects.models import DatePrecision
from projects.templatetags.money import yi, yi_decimal

from . import selectors

STALLED_CHOICES = (3, 6, 12, 18, 24, 36)
STALLED_SHOWN = 50
STALLED_PARAM, AS_OF_PARAM = "stalled_months", "as_of"
# The page draws the recent signing quarters and the top of the zone ranking unless the URL asks
# for all of them (`cohorts=all`, `zones=all`): at 1M projects 40 quarters and 212 zones made the
# page draw 2-3x slower than the empty page (docs/benchmarks.md §8). The API keeps everything.
COHORTS_SHOWN, ZONES_SHOWN = 8, 20
COHORTS_PARAM, ZONES_PARAM, ALL = "cohorts", "zones", "all"
# What every page, export and the README say about the figures (projects/follow_through.py).
NOTES = [
    gettext_lazy("“未报道开工”只表示没有文章报道过开工，并不表示项目没有开工。"),
    gettext_lazy("只有项目才有落地跟进，批量签约没有；批量签约中列出的项目与之关联后，按项目各自计入。"),
    gettext_lazy("签约为项目最早的签约事件，开工为签约之后最早的开工事件，投产为最早的投产事件；已合并的重复项目的事件计入合并后的项目，只计一次。"),
    gettext_lazy("月份筛选按签约月份选取项目。首次报道即为开工、没有签约日期的项目单列，不计入签约数。"),
    gettext_lazy("“N 个月内开工”只计确定的情况：开工可能的最晚一天（只知月份或年份时取该月或该年的最后一天）"
                 "不晚于签约最早一天之后 N 个月。"),
    gettext_lazy("签约到开工的月数中位数按记录的日期计算整月数。占比均按金额计算。"),
    gettext_lazy("停滞：签约已超过 N 个月，此后没有任何阶段的进展报道。"),
]


def stalled_months(params: QueryDict, errors: dict) -> int:
    raw = params.get(STALLED_PARAM, "")
    if raw == "":
        return follow_through.STALLED_MONTHS
    if raw.isdigit() and int(raw) in STALLED_CHOICES:
        return int(raw)
    errors[STALLED_PARAM] = [_("停滞月数只能是 %(choices)s 之一。") % {
        "choices": "、".join(map(str, STALLED_CHOICES))}]
    return follow_through.STALLED_MONTHS


def as_of_date(params: QueryDict, errors: dict) -> dt.date | None:
    """The day "stalled" and the cohorts' months are counted to (default: today)."""
    raw = params.get(AS_OF_PARAM, "")
    if raw == "":
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[AS_OF_PARAM] = [_("请输入 YYYY-MM-DD 格式的日期。")]
        return None


def _zone_links(data: dict, project_filter: ProjectFilter) -> None:
    """Each zone row links to the project list of that zone under the same filter."""
    list_url = reverse("project-list")
    for row in data["zones"]:
        if row["zone"] is not None:
            row["zone"]["list_url"] = f"{list_url}?{project_filter.querystring(zone=row['zone']['slug'])}"


def payload(params: QueryDict, request=None) -> tuple[ProjectFilter, dict]:
    """The filter and the data of the page and the API (README, "Follow-through endpoint");
    `request`: whose (the public sees confirmed records only)."""
    project_filter = ProjectFilter(params, request=request)
    errors = {name: [str(e) for e in errs] for name, errs in project_filter.errors.items()}
    months = stalled_months(params, errors)
    as_of = as_of_date(params, errors)
    result = follow_through.for_filter(project_filter, as_of=as_of, stalled_months=months)
    data = result.as_json()
    _zone_links(data, project_filter)
    stalled = follow_through.stalled(project_filter, months=months, as_of=result.as_of)
    data["stalled"]["items"] = selectors.stalled_items(list(stalled.select_related("zone")[:STALLED_SHOWN]))
    data["stalled"]["shown"] = len(data["stalled"]["items"])
    extra = {STALLED_PARAM: str(months) if STALLED_PARAM in params else None,
             AS_OF_PARAM: params.get(AS_OF_PARAM) or None}
    query = project_filter.querystring(**extra)
    data["query"] = query
    data["errors"] = errors
    data["links"] = {
        "page": reverse("follow-through"),
        "api": reverse("follow-through-api"),
        "exports": {f"stalled_{fmt}": f"{reverse('follow-through-stalled-export', args=[fmt])}?{query}"
                    for fmt in ("csv", "xlsx")},
    }
    return project_filter, data


def _share_text(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def display(figure: dict) -> dict:
    """A figure of the data as the page's tables and summary show it (亿元, %, months)."""
    within, shares = figure["started_within"], figure["started_within_share"]
    median = figure["median_months_to_start"]
    return {
        "signed_count": figure["signed"]["count"],
        "signed": yi(figure["signed"]["amount_yuan"]),
        "within": [(w, within[str(w)]["count"], yi(within[str(w)]["amount_yuan"]),
                    _share_text(shares[str(w)]))
                   for w in follow_through.WINDOWS],
        "started_count": figure["started"]["count"],
        "started": yi(figure["started"]["amount_yuan"]),
        "started_share": _share_text(figure["started_share"]),
        "operating_count": figure["operating"]["count"],
        "operating": yi(figure["operating"]["amount_yuan"]),
        "median": "—" if median is None else f"{median:.1f}",
    }


def tables(data: dict) -> dict:
    """The rows of the summary and of the ranked tables, formatted once here."""
    return {
        "total": display(data["total"]),
        "zones": [(row["zone"], display(row)) for row in data["zones"]],
        "industries": [(row["industry"], display(row)) for row in data["industries"]],
    }


def recent_cohorts(cohorts: list[dict], shown: int = COHORTS_SHOWN) -> list[dict]:
    """The last `shown` signing quarters with at least one full month since signing (month 1 of
    `started_share_by_month` known); the newest quarters when none has one yet. A month range in
    the filter already limits the cohorts to its quarters."""
    ordered = sorted(cohorts, key=lambda cohort: cohort["quarter"])
    ripe = [c for c in ordered if c["started_share_by_month"][1:2] not in ([], [None])]
    return (ripe or ordered)[-shown:]


def shown_on_page(data: dict, params: QueryDict) -> dict:
    """The page's part of the data: the quarters and zones it draws, how many there are in all,
    and the links showing all of them (the same URL plus `cohorts=all` / `zones=all`)."""
    all_cohorts, all_zones = params.get(COHORTS_PARAM) == ALL, params.get(ZONES_PARAM) == ALL
    cohorts = data["cohorts"] if all_cohorts else recent_cohorts(data["cohorts"])
    zones = data["zones"] if all_zones else data["zones"][:ZONES_SHOWN]

    def link(name: str) -> str:
        query = params.copy()
        query[name] = ALL
        return f"{reverse('follow-through')}?{query.urlencode()}"

    shown = {**data, "cohorts": cohorts, "zones": zones}
    shown["shown"] = {
        "cohorts": len(cohorts), "cohorts_total": len(data["cohorts"]),
        "cohorts_all_url": link(COHORTS_PARAM),
        "zones": len(zones), "zones_total": len(data["zones"]), "zones_all_url": link(ZONES_PARAM),
    }
    return shown


@public_read_only
@require_safe
@heavy_for_public
def page(request):
    """The follow-through page: every figure and table in the first HTML (no JavaScript
    needed); the charts and the map draw from the embedded data."""
    project_filter, data = payload(request.GET, request)
    data = shown_on_page(data, request.GET)
    return render(request, "articles/follow_through.html", {
        "filter": project_filter,
        "data": data,
        **tables(data),
        "notes": NOTES,
        "stalled_choices": STALLED_CHOICES,
        "windows": follow_through.WINDOWS,
        "hidden": _hidden_filter(project_filter),
    })


def _hidden_filter(project_filter: ProjectFilter) -> list[tuple[str, str]]:
    """The filter as hidden fields, for the stalled list's own form (it changes only N)."""
    query = QueryDict(project_filter.querystring())
    return [(name, value) for name, values in query.lists() for value in values]


@public_read_only
@require_safe
@heavy_for_public
def api(request):
    """The follow-through data as JSON (README, "Follow-through endpoint")."""
    _filter, data = payload(request.GET, request)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


# --- the stalled list as a spreadsheet ------------------------------------------------------------

EXPORT_CHUNK = 2000


def stalled_header() -> list[str]:
    return [_("编号"), _("名称"), _("开发区"), _("省份"), _("投资方"), _("行业"), _("签约日期"),
            _("日期精度"), _("金额（元）"), _("金额（亿元）"), _("签约原文"), _("文章"), _("报刊"), _("期号"),
            _("出版日期"), _("链接")]


def stalled_rows(projects, base_url: str):
    """Every stalled project, largest first, with its signing quote (read a chunk at a time)."""
    chunk: list = []
    for project in projects.select_related("zone").iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(project)
        if len(chunk) == EXPORT_CHUNK:
            yield from _stalled_cells(chunk, base_url)
            chunk = []
    yield from _stalled_cells(chunk, base_url)


def _stalled_cells(projects: list, base_url: str):
    labels = dict(DatePrecision.choices)
    for item in selectors.stalled_items(projects):
        article = item["article"] or {}
        yuan = None if item["amount_yuan"] is None else Decimal(item["amount_yuan"])
        yield [item["id"], item["name"], item["zone"] or "", item["province"] or "", item["investor"],
               item["industry"], item["signed_on"], str(labels.get(item["signed_precision"], "")),
               yuan, yi_decimal(yuan), item["quote"] or "", article.get("title", ""),
               article.get("publication", ""), article.get("issue_number", ""),
               article.get("issue_date") or "", base_url + item["url"]]


def stalled_preamble(project_filter: ProjectFilter, months: int, as_of: dt.date) -> list[list[str]]:
    rows = [[_("停滞项目：签约超过 %(n)s 个月（截至 %(day)s），此后没有任何进展报道；按金额从大到小。") % {
        "n": months, "day": as_of.isoformat()}],
        [_("筛选条件"), export_names.filter_description(project_filter)]]
    rows += [[_("统计口径") if i == 0 else "", str(note)] for i, note in enumerate(NOTES)]
    return [*rows, []]


def stalled_spec(data: QueryDict, *, request=None, base_url: str = "", fmt: str = "xlsx") -> ExportSpec:
    """The stalled list's export (`projects.export_jobs.ExportSpec`): the same for the inline
    download and for the worker's export job."""
    project_filter = ProjectFilter(data, request=request)
    errors: dict = {}
    months = stalled_months(data, errors)
    as_of = as_of_date(data, errors) or timezone.localdate()
    projects = follow_through.stalled(project_filter, months=months, as_of=as_of)
    return ExportSpec(
        disposition=export_names.content_disposition(project_filter, "stalled", fmt),
        title=export_names.sheet_title(project_filter, "stalled"),
        header=stalled_header(), rows=stalled_rows(projects, base_url),
        preamble=stalled_preamble(project_filter, months, as_of),
        count=projects.count,
    )


@public_read_only
@require_safe
@heavy_for_public
def stalled_export(request, fmt: str):
    """The stalled list (every row, not only the page's first 50) as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return export_responses.respond(request, "stalled", fmt, base_url=request.build_absolute_uri("/")[:-1])
