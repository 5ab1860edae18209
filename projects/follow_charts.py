"""The follow-through page's cohort chart and zone funnel, cut from the follow-through figures.

Why a module of its own: the charts add no rule. Every number comes from
`projects.follow_through` (its `as_json()` shape, README "Follow-through"); this module only
arranges it for a table and a chart that show the same figures — the display strings are made
here once, so a tooltip reads exactly as the table — and adds the project-list links behind
the funnel's bars (the `follow` filter of `projects.filters.ProjectFilter`, which selects with
the follow-through module's own rules).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from zones.models import Zone

from .filters import ProjectFilter
from .templatetags.money import yi_decimal

FUNNEL_STAGES = ("signed", "started", "operating")
FUNNEL_ZONES = 10


def percent_display(share: float | None) -> str:
    """A share (0–1, 4 decimals) as the pages print it: a percentage with one decimal,
    rounded half up; "—" when there is none (nothing signed, or a month still to come)."""
    if share is None:
        return "—"
    return f"{(Decimal(str(share)) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def amount_display(amount_yuan: str) -> tuple[float, str]:
    """(亿元 as a number for the chart, 亿元 as the pages print it), rounded once."""
    yi = yi_decimal(amount_yuan) or Decimal("0.00")
    return float(yi), f"{yi:,}"


def cohorts(data: dict) -> dict:
    """The cohort chart's data and its table: one column per signing quarter, one row per
    month since signing (0 … 24), each cell the share of the quarter's signed amount reported
    started by then (`started_share_by_month`)."""
    columns = []
    for cohort in data["cohorts"]:
        amount_yi, shown = amount_display(cohort["signed"]["amount_yuan"])
        columns.append({
            "quarter": cohort["quarter"],
            "signed": {**cohort["signed"], "amount_yi": amount_yi, "amount_display": shown},
            "shares": cohort["started_share_by_month"],
            "display": [percent_display(share) for share in cohort["started_share_by_month"]],
        })
    months = max((len(column["shares"]) for column in columns), default=0)
    rows = [(month, [column["display"][month] if month < len(column["display"]) else "—"
                     for column in columns])
            for month in range(months)]
    return {"months": list(range(months)), "cohorts": columns, "rows": rows, "labels": chart_words()}


def _slugs(zones: list[dict]) -> dict[int, str]:
    """Zone id → slug (the project list filters zones by slug), in one query when the
    figures do not carry the slug themselves."""
    slugs = {row["zone"]["id"]: row["zone"].get("slug") for row in zones if row["zone"]}
    missing = [pk for pk, slug in slugs.items() if not slug]
    if missing:
        slugs.update(Zone.objects.filter(pk__in=missing).values_list("pk", "slug"))
    return slugs


def funnel(data: dict, project_filter: ProjectFilter, top: int = FUNNEL_ZONES) -> dict:
    """The funnel of the `top` zones of the ranking (largest signed amount first): per zone the
    signed, started and operating amounts and counts, each with the project list behind it
    (`project_filter`: the filter the figures were computed with)."""
    zones = data["zones"][:top]
    slugs = _slugs(zones)
    list_url = reverse("project-list")
    rows = []
    for row in zones:
        zone = row["zone"]  # None: projects without a zone, which no zone filter can list
        slug = slugs.get(zone["id"]) if zone else None
        cells = []
        for stage in FUNNEL_STAGES:
            figure = row[stage]
            amount_yi, shown = amount_display(figure["amount_yuan"])
            query = project_filter.querystring(zone=slug, follow=stage) if slug else None
            cells.append({
                "stage": stage, "count": figure["count"], "amount_yuan": figure["amount_yuan"],
                "amount_yi": amount_yi, "amount_display": shown,
                "url": f"{list_url}?{query}" if query and figure["count"] else None,
            })
        rows.append({
            "zone": (zone.get("short_name") or zone.get("name")) if zone else _("开发区不详"), "slug": slug,
            "started_share": row.get("started_share"),
            "started_share_display": percent_display(row.get("started_share")),
            "cells": cells,
        })
    return {
        "stages": [{"key": key, "label": str(label)} for key, label in stage_labels().items()],
        "zones": rows, "labels": chart_words(),
        # the page may carry only the top of the ranking (`shown`); "more" counts every zone
        "more": max(data.get("shown", {}).get("zones_total", len(data["zones"])) - len(rows), 0),
    }


def stage_labels() -> dict[str, str]:
    """The funnel's bars, in the page's language."""
    return {"signed": _("签约"), "started": _("已报道开工"), "operating": _("已报道投产")}


def chart_words() -> dict:
    """Words the follow-through charts draw themselves (axes, tooltips), in the page's language."""
    return {
        "amount_axis": _("金额（亿元）"), "unit": _("亿元"), "projects": _("个项目"),
        "months_axis": _("签约后月数"), "share_axis": _("已报道开工的金额占比"),
    }
