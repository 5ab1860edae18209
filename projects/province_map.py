"""The province map: figures per province, coloured on the tile grid of `zones/tiles.py`.

One builder for both pages that show it. The dashboard colours the provinces by the filtered
amount: each zone's figure of the dashboard's own totals (`projects.totals`, the ranking) added
up by the zone's province, so the provinces add up, to the yuan, to the zones and to the total
(records of a zone without a province, or without a zone, form the "省份不详" row of the table,
never a tile). The follow-through page colours them by the started share
(`projects.follow_through`, its `provinces`).

Colour classes: 0 is "no records"; 1–5 go from light to dark. Amounts are split into up to five
classes by rank among the provinces with an amount (quantiles: a few large provinces would
otherwise leave every other tile in the lightest class); shares use fixed fifths. The colours
themselves live in one place, `static/css/province-map.css` (the legend's keys); the chart reads
them from the legend, so the legend and the tiles cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import QueryDict
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from zones.models import Zone
from zones.tiles import Tile, province_tiles

from .templatetags.money import yi, yi_decimal
from .totals import Figure, Totals

CLASSES = 5
PROVINCE_PARAM = "province"
# Query parameters a province link leaves out (a page number belongs to the old list).
DROPPED_PARAMS = ("page",)


@dataclass(slots=True)
class ProvinceRow:
    """One province's figures as the map and its table show them."""

    province: str
    name: str  # in the page's language
    value: float | None  # what the colour stands for (亿元, or a share 0–1)
    display: str  # `value` as the page prints it
    colour: int = 0  # 0: no records; 1 (light) – 5 (dark)
    url: str | None = None  # the same page filtered to this province (or unfiltered again)
    selected: bool = False
    figures: dict = field(default_factory=dict)  # the table's other columns (as_json figures)
    summary: str = ""  # the tile's tooltip


@dataclass(slots=True)
class ProvinceMap:
    """Everything the map's template and script need (`as_json`: the json_script data)."""

    metric: str  # "amount" or "started_share"
    tiles: list[tuple[Tile, ProvinceRow]]
    rows: list[ProvinceRow]  # the table: provinces with records, largest first
    legend: list[tuple[int, str]]  # (colour class, what it means)
    unplaced: ProvinceRow | None = None  # records without a province (table only)
    total: dict = field(default_factory=dict)

    @property
    def columns(self) -> int:
        return max((tile.column for tile, _row in self.tiles), default=0)

    @property
    def grid_rows(self) -> int:
        return max((tile.row for tile, _row in self.tiles), default=0)

    def as_json(self) -> dict:
        english = _english()
        return {
            "metric": self.metric,
            "columns": self.columns,
            "rows": self.grid_rows,
            "tiles": [
                {"province": tile.province, "label": tile.code if english else tile.label, "name": row.name,
                 "x": tile.column, "y": tile.row, "colour": row.colour, "value": row.value,
                 "display": row.display, "summary": row.summary or _("无记录"), "url": row.url,
                 "selected": row.selected, **row.figures}
                for tile, row in self.tiles
            ],
        }


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _names() -> dict[str, str]:
    english = _english()
    return {tile.province: tile.name_en if english else tile.province for tile in province_tiles()}


def zone_provinces() -> tuple[dict[int, str], set[str]]:
    """Every zone's province by id, and the provinces the filter offers (those of zones that are
    not merged: `projects.filters._province_choices`); one query over the zone table."""
    provinces: dict[int, str] = {}
    offered: set[str] = set()
    for pk, province, merged_into in Zone.objects.order_by().values_list("pk", "province", "merged_into"):
        provinces[pk] = province
        if province and merged_into is None:
            offered.add(province)
    return provinces, offered


def amounts_by_province(result: Totals, provinces: dict[int, str]) -> tuple[dict[str, Figure], Figure]:
    """The dated records' figures of `result` per province of their zone (the zone figures of
    the ranking added up), and the figure of those whose zone has no province or who have no
    zone."""
    by_province: dict[str, Figure] = {}
    unplaced = Figure()
    for zone, figure in result.zone_figures.items():
        province = provinces.get(zone.pk, "") if zone.pk is not None else ""
        target = by_province.setdefault(province, Figure()) if province else unplaced
        target += figure
    return by_province, unplaced


def province_links(query: QueryDict, selected: str | None, offered: set[str]) -> Callable[[str], str | None]:
    """`province -> "?…"`: the page's own query with that province (or without it when it is the
    one selected: a second click shows every province again); None for a province the filter
    does not offer (no zone there)."""
    base = QueryDict(mutable=True)
    for name, values in query.lists():
        kept = [value for value in values if value]
        if kept and name not in DROPPED_PARAMS and name != PROVINCE_PARAM:
            base.setlist(name, kept)

    def link(province: str) -> str | None:
        if province not in offered:
            return None
        params = base.copy()
        if province != selected:
            params[PROVINCE_PARAM] = province
        encoded = params.urlencode()
        return f"?{encoded}" if encoded else "?"

    return link


def amount_classes(amounts: dict[str, Decimal]) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Colour classes by rank among the provinces with an amount above zero: up to five groups
    of about equal size (equal amounts share a group), the darkest holding the largest; and the
    legend, each class with the range of the amounts in it (亿元)."""
    ranked = sorted((amount, province) for province, amount in amounts.items() if amount > 0)
    wanted = min(CLASSES, len(ranked))
    groups: list[list[tuple[Decimal, str]]] = []
    current = -1  # the rank group (0 … wanted - 1) of the last group opened
    for index, item in enumerate(ranked):
        natural = index * wanted // len(ranked)
        if groups and (natural <= current or item[0] == groups[-1][-1][0]):
            groups[-1].append(item)
        else:
            groups.append([item])
            current = natural
    first = CLASSES - len(groups) + 1  # few groups take the darker classes
    classes: dict[str, int] = {}
    legend: list[tuple[int, str]] = []
    for offset, group in enumerate(groups):
        colour = first + offset
        for _amount, province in group:
            classes[province] = colour
        low, high = (f"{yi_decimal(group[i][0]):,}" for i in (0, -1))
        legend.append((colour, low if low == high else f"{low}–{high}"))
    return classes, legend


def share_class(share: float | None) -> int:
    """Fixed fifths of the started share: 1 for under 20 %, … 5 for 80 % and more; 0 unknown."""
    if share is None:
        return 0
    return min(CLASSES, int(share * CLASSES) + 1)


def share_legend() -> list[tuple[int, str]]:
    step = 100 // CLASSES
    return [(n + 1, f"{n * step}%–{(n + 1) * step}%" if n + 1 < CLASSES else f"≥{n * step}%")
            for n in range(CLASSES)]


def _no_records(legend: list[tuple[int, str]], text: str | None = None) -> list[tuple[int, str]]:
    return [(0, text or _("无记录")), *legend]


def _tiles(rows: dict[str, ProvinceRow], link: Callable[[str], str | None], selected: str | None,
           names: dict[str, str], empty: Callable[[], dict]) -> list[tuple[Tile, ProvinceRow]]:
    """Every tile with its row; a province without records gets an empty row (colour 0)."""
    tiles = []
    for tile in province_tiles():
        row = rows.get(tile.province) or ProvinceRow(
            tile.province, names[tile.province], None, "—", 0, link(tile.province), figures=empty())
        row.selected = tile.province == selected
        tiles.append((tile, row))
    return tiles


def for_amounts(result: Totals, query: QueryDict, selected: str | None) -> ProvinceMap:
    """The dashboard's map: the filtered amount per province (`result`: the dashboard's totals,
    `query`: the page's query string, `selected`: the province the filter names)."""
    provinces, offered = zone_provinces()
    figures, unplaced = amounts_by_province(result, provinces)
    link = province_links(query, selected, offered)
    names = _names()
    classes, legend = amount_classes({province: figure.amount for province, figure in figures.items()})
    rows: dict[str, ProvinceRow] = {}
    for province, figure in figures.items():
        data = figure.as_json()
        rows[province] = ProvinceRow(
            province, names.get(province, province), data["amount_yi"], data["amount_display"],
            classes.get(province, 0), link(province), province == selected, _amount_columns(data),
            _amount_summary(data))
    ordered = sorted(rows.values(), key=lambda row: (-figures[row.province].amount,
                                                        -figures[row.province].records, row.province))
    unplaced_row = None
    if unplaced.records:
        data = unplaced.as_json()
        unplaced_row = ProvinceRow("", _("省份不详"), data["amount_yi"], data["amount_display"],
                                   figures=_amount_columns(data))
    empty = _amount_columns(Figure().as_json())
    return ProvinceMap(
        metric="amount", tiles=_tiles(rows, link, selected, names, lambda: dict(empty)),
        rows=ordered, legend=_no_records(legend), unplaced=unplaced_row,
        total=_amount_columns(result.total.as_json()),
    )


def _amount_summary(data: dict) -> str:
    return ngettext("%(amount)s 亿元，%(n)s 条记录", "%(amount)s 亿元，%(n)s 条记录", data["records"]) % {
        "amount": data["amount_display"], "n": data["records"]}


def _amount_columns(data: dict) -> dict:
    return {key: data[key] for key in ("amount_yuan", "amount_display", "records", "projects", "batches")}



# --- the follow-through page: the started share ---------------------------------------------------


def share_text(share: float | None) -> str:
    """A share as the follow-through page prints it (12.3%), "—" when unknown."""
    return "—" if share is None else f"{share * 100:.1f}%"


def _share_columns(figure: dict) -> dict:
    return {
        "signed_count": figure["signed"]["count"], "signed_yuan": figure["signed"]["amount_yuan"],
        "signed_display": yi(figure["signed"]["amount_yuan"]),
        "started_count": figure["started"]["count"], "started_yuan": figure["started"]["amount_yuan"],
        "started_display": yi(figure["started"]["amount_yuan"]),
        "started_share": figure["started_share"],
    }


def _share_summary(columns: dict) -> str:
    return _("签约 %(signed)s 亿元，已开工 %(started)s 亿元（%(share)s）") % {
        "signed": columns["signed_display"], "started": columns["started_display"],
        "share": share_text(columns["started_share"])}


def for_started_share(provinces: list[dict], total: dict, query: QueryDict,
                      selected: str | None) -> ProvinceMap:
    """The follow-through page's map: each province's started share (started amount / signed
    amount) in fixed fifths. `provinces` and `total`: the follow-through data's `provinces` and
    `total` (`projects.follow_through.FollowThrough.as_json`); the table lists the provinces
    with signed projects, ranked as given (by signed amount)."""
    _provinces, offered = zone_provinces()
    link = province_links(query, selected, offered)
    names = _names()
    rows: dict[str, ProvinceRow] = {}
    ordered: list[ProvinceRow] = []
    unplaced = None
    for item in provinces:
        if not item["signed"]["count"]:
            continue  # started without a signing date only: in no signed figure
        columns = _share_columns(item)
        share = item["started_share"]
        if not item["province"]:
            unplaced = ProvinceRow("", _("省份不详"), share, share_text(share), figures=columns)
            continue
        province = item["province"]
        row = ProvinceRow(province, names.get(province, province), share, share_text(share),
                          share_class(share), link(province), province == selected, columns,
                          _share_summary(columns))
        rows[row.province] = row
        ordered.append(row)
    empty = _share_columns({"signed": {"count": 0, "amount_yuan": "0.00"},
                            "started": {"count": 0, "amount_yuan": "0.00"}, "started_share": None})
    total_columns = _share_columns(total)
    return ProvinceMap(
        metric="started_share", tiles=_tiles(rows, link, selected, names, lambda: dict(empty)), rows=ordered,
        legend=_no_records(share_legend(), _("无签约金额")), unplaced=unplaced,
        total={**total_columns, "display": share_text(total["started_share"])},
    )
