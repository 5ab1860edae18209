"""What an export says about itself: its file name, its sheet title, and the rows above the
table stating the filter and the counting rule.

A file downloaded on Monday and opened on Friday must still say what it holds:
`乐山高新区-2022-01_2022-12-projects.xlsx`, a sheet titled `乐山高新区 2022-01_2022-12 项目`,
and first rows such as "筛选条件 | 开发区：乐山高新区；月份：2022-01 至 2022-12；审核状态：已确认"
and the counting rule the figures follow (the same sentences as the dashboard's notes).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from .filters import MONTH_FIELDS, ProjectFilter

# The rule every export's figures follow: the dashboard's "统计口径" notes, word for word.
COUNTING_RULE = [
    gettext_lazy("每笔投资只计一次：批量签约计入总额时，其中列出的项目不再重复计入；批量签约未计入（如被驳回或被筛除）时，其项目单独计入。"),
    gettext_lazy("已合并的重复项目不计入。项目计入其签约日期（无签约日期时为首次报道日期）所在月份，后续开工、投产不再增加金额。"),
    gettext_lazy("只知年份的记录（如“今年以来”的累计数）计入该年合计和“某年 · 月份不详”，"
                 "不计入任何月份的柱形；月份范围覆盖该年全年（1—12 月）时才计入，"
                 "否则不计入（也不计入“日期不详”）。"),
    gettext_lazy("外币金额按所在年份的年均汇率折算为人民币。未披露金额的记录计入项目数，不计入金额。"),
    gettext_lazy("批量签约按“签约”阶段统计，行业记为“未分行业”；按行业、投资方或关键词筛选时不含批量签约。"),
]
PROJECTS_NOTE = gettext_lazy("“计入合计”为“是”的行相加，等于同一筛选条件下的合计。")
KINDS = {"projects": gettext_lazy("项目"), "totals": gettext_lazy("月度合计"),
         "stalled": gettext_lazy("停滞项目")}
SHEET_TITLE_MAX = 31  # Excel's limit
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
FILE_FORBIDDEN = re.compile(r'[\\/:*?"<>|;\x00-\x1f\x7f]')
ZONES_IN_NAME = 3  # more zones than this are named by their number


def _zones(project_filter: ProjectFilter) -> list:
    return list(project_filter.cleaned().get("zone", []))


def month_range(project_filter: ProjectFilter) -> str:
    """`2022-01_2022-12`, `2022-01_` or `_2022-12`; "" without a month range."""
    cleaned = project_filter.cleaned()
    if not any(name in cleaned for name in MONTH_FIELDS):
        return ""
    return f"{cleaned.get('month_from', '')}_{cleaned.get('month_to', '')}"


def _scope(project_filter: ProjectFilter, ascii_only: bool = False) -> str:
    """Which zones: their names (a few), their number, the province, or all zones."""
    zones = _zones(project_filter)
    province = project_filter.cleaned().get("province", "")
    if zones and len(zones) <= ZONES_IN_NAME:
        return "+".join(f"zone{zone.pk}" if ascii_only else zone.short_name for zone in zones)
    if zones:
        return f"{len(zones)}-zones" if ascii_only else _("%(n)s个开发区") % {"n": len(zones)}
    if province:
        return "province" if ascii_only else province
    return "all-zones" if ascii_only else _("全部开发区")


def file_names(project_filter: ProjectFilter, kind: str, fmt: str) -> tuple[str, str]:
    """(the file's name, an ASCII-only fallback), e.g. `乐山高新区-2022-01_2022-12-projects.xlsx`
    and `zone150-2022-01_2022-12-projects.xlsx`."""
    names = []
    for ascii_only in (False, True):
        parts = [_scope(project_filter, ascii_only), month_range(project_filter), kind]
        name = "-".join(part for part in parts if part)
        name = FILE_FORBIDDEN.sub("_", name)[:150]
        names.append(f"{name}.{fmt}")
    return names[0], names[1]


def content_disposition(project_filter: ProjectFilter, kind: str, fmt: str) -> str:
    """An attachment header with both names (RFC 6266): `filename=` in ASCII for old clients,
    `filename*=UTF-8''…` (RFC 5987) for every browser in use."""
    name, fallback = file_names(project_filter, kind, fmt)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def sheet_title(project_filter: ProjectFilter, kind: str) -> str:
    """`乐山高新区 2022-01_2022-12 项目`: at most 31 characters, none that Excel forbids."""
    label = str(KINDS[kind])
    parts = [_scope(project_filter), month_range(project_filter), label]
    title = " ".join(part for part in parts if part)
    if len(title) > SHEET_TITLE_MAX and _zones(project_filter):
        count = _("%(n)s个开发区") % {"n": len(_zones(project_filter))}
        title = " ".join(part for part in (count, month_range(project_filter), label) if part)
    title = SHEET_FORBIDDEN.sub("_", title).strip("'")
    return title[:SHEET_TITLE_MAX].rstrip() or label


def _and() -> str:
    return pgettext("list separator", "、")


def _labelled(label, value: str) -> str:
    return _("%(label)s：%(value)s") % {"label": label, "value": value}


def _value_text(project_filter: ProjectFilter, name: str, value) -> str:
    field = project_filter.form.fields[name]
    if name == "zone":
        return _and().join(zone.short_name for zone in value)
    # iter(): django-filter's lazy choices have no len() until first listed
    choices = dict(iter(field.choices)) if hasattr(field, "choices") else {}
    if isinstance(value, list | tuple):
        return _and().join(str(choices.get(item, item)) for item in value)
    if name in ("amount_min", "amount_max"):
        return f"{value} {_('亿元')}"
    return str(choices.get(value, value))


def filter_description(project_filter: ProjectFilter) -> str:
    """The filter in words: `开发区：乐山高新区；月份：2022-01 至 2022-12；审核状态：已确认`."""
    cleaned = project_filter.cleaned()
    zones = cleaned.get("zone") or []
    parts = [_labelled(_("开发区"), _value_text(project_filter, "zone", zones) if zones else _("全部"))]
    start, end = cleaned.get("month_from"), cleaned.get("month_to")
    if start and end:
        months = _("%(start)s 至 %(end)s") % {"start": start, "end": end}
    elif start:
        months = _("%(start)s 起") % {"start": start}
    elif end:
        months = _("截至 %(end)s") % {"end": end}
    else:
        months = _("全部")
    parts.append(_labelled(_("月份"), months))
    for name, value in cleaned.items():
        if name in ("zone", *MONTH_FIELDS):
            continue
        label = project_filter.form.fields[name].label
        parts.append(_labelled(label, _value_text(project_filter, name, value)))
    return pgettext("clause separator", "；").join(parts)


def preamble(project_filter: ProjectFilter, kind: str, left_out: str = "") -> list[list[str]]:
    """The rows above the table: what it is, the filter, the counting rule, what the month range
    leaves out (`left_out`: projects.totals.left_out_note, when it leaves year-only records out),
    then a blank row."""
    title = _("开发区投资项目") if kind == "projects" else _("开发区月度投资额")
    rows = [[title], [_("筛选条件"), filter_description(project_filter)]]
    rules = [*COUNTING_RULE, *([PROJECTS_NOTE] if kind == "projects" else [])]
    rows += [[_("统计口径") if i == 0 else "", str(rule)] for i, rule in enumerate(rules)]
    if left_out:
        rows.append([_("未计入"), left_out])
    return [*rows, []]
