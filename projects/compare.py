"""Zone comparison: two to four zones side by side, from the same rules as the dashboard.

Why a module of its own: the comparison adds nothing to the rules, it only cuts the shared
figures per zone. Each zone's monthly series is the dashboard's series for the same filter
(`projects.totals.for_filter`, the default 24-month range of `projects.chart_range`), so a
zone's bar here equals its bar on the dashboard filtered to the same zones; its
follow-through figures are those `projects.follow_through` gives the same zones.

The zones are the filter's own `zone` values (slugs, as on the dashboard and the project
list), in the order the address lists them, so the URL reproduces the view.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zones.models import Zone

from . import chart_range, follow_charts, follow_through, totals
from .filters import ProjectFilter
from .totals import Figure

MIN_ZONES = 2
MAX_ZONES = 4


@dataclass
class Comparison:
    """What the comparison page shows: the zones asked for, a message when they cannot be
    compared (then nothing else), and the chart data (`as_json`)."""

    zones: list[Zone]
    message: str | None = None
    data: dict = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return self.message is None


def asked_zones(project_filter: ProjectFilter) -> tuple[list[Zone], str | None]:
    """The zones the filter names, in the address's order, or a message saying why they cannot
    be compared (none, one, more than four, or an unknown zone)."""
    if "zone" in project_filter.errors:
        return [], _("所选开发区无效，请重新选择。")
    slugs = list(dict.fromkeys(v for v in project_filter.data.getlist("zone") if v))
    by_slug = {zone.slug: zone for zone in project_filter.cleaned().get("zone", [])}
    zones = [by_slug[slug] for slug in slugs if slug in by_slug]
    if not zones:
        return [], _("请选择 2 至 4 个开发区进行比较。")
    if len(zones) < MIN_ZONES:
        return zones, _("至少需要选择 2 个开发区才能比较（目前只选了 1 个）。")
    if len(zones) > MAX_ZONES:
        return zones, ngettext(
            "最多可比较 4 个开发区（目前选了 %(n)d 个），请减少所选开发区。",
            "最多可比较 4 个开发区（目前选了 %(n)d 个），请减少所选开发区。", len(zones),
        ) % {"n": len(zones)}
    return zones, None


def zone_json(zone: Zone) -> dict:
    return {"id": zone.pk, "slug": zone.slug, "name": zone.short_name, "province": zone.province}


def monthly(effective: ProjectFilter, zones: list[Zone]) -> dict:
    """Each zone's monthly (or, past three years, yearly) figures and its total for the period:
    the dashboard's series (`totals.for_filter` with every compared zone charted on its own),
    zeros for a zone without records."""
    result = totals.for_filter(effective, top=len(zones))
    granularity, labels, period_totals, series_periods = chart_range.periods(result)
    series = result.series()
    by_pk = {s["zone"].pk: periods for s, periods in zip(series, series_periods, strict=True)
             if not s["other"]}
    # the "month unknown" figures (records known only to the year), in no month's bar
    unknown = [key for key, _figure in result.unknown_months()]
    unknown_by_pk = {s["zone"].pk: s["unknown"] for s in series if not s["other"]}
    zone_totals = {key.pk: figure for key, figure in result.zone_figures.items()}
    list_url = reverse("project-list")
    rows = []
    for zone in zones:
        periods = by_pk.get(zone.pk) or [Figure() for _label in labels]
        query = effective.querystring(zone=zone.slug)
        zone_unknown = unknown_by_pk.get(zone.pk) or [Figure() for _key in unknown]
        rows.append({
            "zone": zone_json(zone),
            "total": (zone_totals.get(zone.pk) or Figure()).as_json(),
            "periods": [figure.as_json() for figure in periods],
            "month_unknown": [figure.as_json() for figure in zone_unknown],
            "list_url": f"{list_url}?{query}",
        })
    return {
        "month_unknown": [totals.unknown_month_label(key) for key in unknown],
        "granularity": granularity,
        "periods": labels,
        "period_totals": [figure.as_json() for figure in period_totals],
        "zones": rows,
    }


def follow_through_figures(project_filter: ProjectFilter, zones: list[Zone]) -> dict:
    """Each zone's follow-through figures (`projects.follow_through`), in the comparison's
    order, in the shape of the follow-through page's data; a zone without signed projects gets
    the empty figure. The filter as asked, as on the follow-through page: its month range
    selects signings, and without one every signing counts (the dashboard's default range of
    the last 24 months would keep only the signings with the least time to break ground)."""
    result = follow_through.for_filter(project_filter)
    by_pk = {row["zone"]["id"]: row for row in result.as_json()["zones"] if row["zone"]}
    empty = follow_through.Figure().as_json()
    return {"windows": list(follow_through.WINDOWS), "zones": [
        by_pk.get(zone.pk) or {"zone": {**zone_json(zone), "short_name": zone.short_name}, **empty}
        for zone in zones
    ]}


def follow_through_rows(figures: dict) -> list[tuple[str, list[str]]]:
    """The follow-through table: one row per figure, one column per zone (as the page prints them)."""
    zones = figures["zones"]

    def amounts(pick) -> list[str]:
        return [_count_amount(pick(zone)) for zone in zones]

    rows = [(_("签约"), amounts(lambda zone: zone["signed"]))]
    for window in figures["windows"]:
        rows.append((_("%(n)s 个月内开工") % {"n": window},
                     amounts(lambda zone, w=window: zone["started_within"][str(w)])))
    rows += [
        (_("已报道开工"), amounts(lambda zone: zone["started"])),
        (_("已报道投产"), amounts(lambda zone: zone["operating"])),
        (_("开工金额占比"), [follow_charts.percent_display(zone["started_share"]) for zone in zones]),
        (_("签约至开工月数（中位数）"), ["—" if zone["median_months_to_start"] is None
                                  else f"{zone['median_months_to_start']:.1f}" for zone in zones]),
    ]
    return rows


def _count_amount(figure: dict) -> str:
    shown = follow_charts.amount_display(figure["amount_yuan"])[1]
    return ngettext("%(n)s 个 · %(amount)s 亿元", "%(n)s 个 · %(amount)s 亿元", figure["count"]) % {
        "n": figure["count"], "amount": shown}


def compare(project_filter: ProjectFilter, effective: ProjectFilter,
            shown_range: chart_range.ChartRange) -> Comparison:
    """The comparison of the zones `project_filter` names (`effective`: the same filter with
    the dashboard's default month range filled in)."""
    zones, message = asked_zones(project_filter)
    if message:
        return Comparison(zones, message)
    data = {
        **monthly(effective, zones),
        "follow_through": follow_through_figures(project_filter, zones),
        "range": shown_range.as_json(),
        "query": project_filter.querystring(),
        "links": {"project_list": reverse("project-list")},
    }
    return Comparison(zones, None, data)


def period_rows(data: dict) -> list[tuple[str, list[tuple[str, int, str | None]]]]:
    """The monthly table's rows, zipped here so that its template only loops: (period, one
    (amount in 亿元, records, the project list behind it when it has records) per zone); under
    monthly bars, then a row per "month unknown" figure."""
    rows = []
    for index, label in enumerate(data["periods"]):
        first, last = (label, label) if "-" in label else (f"{label}-01", f"{label}-12")
        cells = []
        for zone in data["zones"]:
            figure = zone["periods"][index]
            url = None
            if figure["records"]:
                url = _with_months(zone["list_url"], first, last)
            cells.append((figure["amount_display"], figure["records"], url))
        rows.append((label, cells))
    if data["granularity"] == "month":  # under yearly bars they are in their year's row
        for index, label in enumerate(data["month_unknown"]):
            figures = (zone["month_unknown"][index] for zone in data["zones"])
            rows.append((label, [(figure["amount_display"], figure["records"], None) for figure in figures]))
    return rows


def _with_months(list_url: str, first: str, last: str) -> str:
    """A project-list link narrowed to the months `first`..`last` (its own range replaced)."""
    path, _sep, query = list_url.partition("?")
    params = QueryDict(query, mutable=True)
    params["month_from"], params["month_to"] = first, last
    return f"{path}?{params.urlencode()}"
