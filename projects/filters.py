"""The one FilterSet behind the project list, the dashboard, the chart data and the exports.

Filter state lives in the query string (GET), so a link reproduces a view. The same
filters select projects (`ProjectFilter.qs`) and batches (`ProjectFilter.batch_qs()`):
zone, province, month range, amount range, review status and publication mean the same
thing for both (the publication filter reads the quotes' bulletins, which this app does not
know: the articles app adds it, `articles/filters.py`). Filters that describe one project —
keyword, industry, investor — leave batches out (a batch has none of these), and a stage
filter keeps batches only when it includes 签约, since a batch is an aggregate signing.
`projects/totals.py` decides what is counted from these two querysets.
"""

from __future__ import annotations

import re
from decimal import Decimal

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.access import is_public
from zones.models import Zone

from . import rollup, search
from .models import Batch, DatePrecision, Project, ReviewStatus, Stage
from .months import FIRST_MONTH, LAST_MONTH, MONTH_RE, ends_by_q, parse_month
from .widgets import MonthInput

YI = Decimal(100_000_000)
LOOSE_MONTH_RE = re.compile(r"^(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*月?$")
DEFAULT_REVIEW_STATUS = [ReviewStatus.CONFIRMED.value]
# Filters a batch cannot satisfy (it has no name, investor, industry or follow-through of its
# own; `follow` is added by projects/follow_filter.py).
PROJECT_ONLY = ("q", "industry", "investor", "follow")
# Query parameters that belong to the filter (and are kept in links, exports and the JSON URL).
MONTH_FIELDS = ("month_from", "month_to")


def _with_defaults(data, public: bool = False) -> QueryDict:
    """A mutable copy of the query with each filter's default filled in: confirmed records only,
    unless the query asks for other review statuses — and always for the public (anonymous
    visitors under ZIT_PUBLIC_READ_ONLY=1 never see candidates or rejected records)."""
    data = data.copy() if data is not None else QueryDict(mutable=True)
    if public or not [v for v in data.getlist("review_status") if v]:
        data.setlist("review_status", DEFAULT_REVIEW_STATUS)
    return data


def _empty(value) -> bool:
    if value is None or value == "":
        return True
    return hasattr(value, "__len__") and not isinstance(value, str) and len(value) == 0


class MonthField(forms.CharField):
    """A month as YYYY-MM; `2022-6`, `2022/06`, `2022.6` and `2022年6月` are read as `2022-06`."""

    widget = MonthInput
    default_validators = [RegexValidator(MONTH_RE, _("请输入 YYYY-MM 格式的月份。"))]

    def to_python(self, value):
        value = super().to_python(value)
        loose = LOOSE_MONTH_RE.match(value)
        return f"{loose[1]}-{int(loose[2]):02d}" if loose and 1 <= int(loose[2]) <= 12 else value

    def validate(self, value):
        # Year 0 is no date, and a range ending in 9999-12 has no month after it: months outside
        # FIRST_MONTH..LAST_MONTH are refused (and so fall back to no bound), not a 500.
        super().validate(value)
        if MONTH_RE.match(value or "") and not FIRST_MONTH <= value <= LAST_MONTH:
            raise forms.ValidationError(
                _("月份须在 %(first)s 至 %(last)s 之间。"), code="out_of_range",
                params={"first": FIRST_MONTH, "last": LAST_MONTH})


class MonthFilter(django_filters.CharFilter):
    field_class = MonthField


def _memo(function):
    """A callable computed at most once (choices read from the database, only if used)."""
    cache: list = []

    def once():
        if not cache:
            cache.append(list(function()))
        return cache[0]

    return once


def _province_choices():
    provinces = (
        Zone.objects.filter(merged_into__isnull=True).exclude(province="")
        .order_by("province").values_list("province", flat=True).distinct()
    )
    return [("", _("全部省份")), *((p, p) for p in provinces)]


def _industry_choices():
    # From the totals rollup (an index skip scan), not a DISTINCT over every project.
    return [("", _("全部行业")), *((i, i) for i in rollup.industries())]


class ZoneChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Zone) -> str:
        return f"{obj.short_name}（{obj.province}）" if obj.province else obj.short_name


def _html_attrs(attrs: dict) -> SafeString:
    """Attributes as django/forms/widgets/attrs.html writes them (True: bare, False: left out)."""
    return mark_safe("".join(  # every part went through format_html
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items() if value is not False
    ))


class FastSelectMultiple(forms.SelectMultiple):
    """A multiple select written in Python, character for character as Django's templates
    write it: the zone list has ~200 options, and rendering a template per option was a large
    share of the dashboard's and the project list's server time (docs/benchmarks.md)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _options, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)  # optgroups: the templates' way
        parts = [format_html('<select name="{}"{}>', widget["name"], _html_attrs(widget["attrs"]))]
        for _group, options, _index in widget["optgroups"]:
            for option in options:
                parts.append(format_html('\n  <option value="{}"{}>{}</option>\n', str(option["value"]),
                                         _html_attrs(option["attrs"]), option["label"]))
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every part went through format_html


class ZoneFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = ZoneChoiceField


class LazyChoiceFilter(django_filters.ChoiceFilter):
    """A choice filter whose choices a function reads from the database: at most once per
    FilterSet, and only when the form is shown or checked."""

    def __init__(self, *args, choices_from, **kwargs):
        super().__init__(*args, empty_label=None, **kwargs)
        self.choices_from = choices_from


class ProjectFilter(django_filters.FilterSet):
    zone = ZoneFilter(
        label=_("开发区"), method="filter_zone", to_field_name="slug", distinct=False,
        queryset=Zone.objects.filter(merged_into__isnull=True),  # Meta ordering: the gazetteer's zones first
        widget=FastSelectMultiple(attrs={"size": 6}),
    )
    province = LazyChoiceFilter(label=_("省份"), field_name="zone__province", choices_from=_province_choices)
    month_from = MonthFilter(label=_("起始月份"), method="filter_month_from")
    month_to = MonthFilter(label=_("截止月份"), method="filter_month_to")
    stage = django_filters.MultipleChoiceFilter(
        label=_("阶段"), choices=Stage.choices, method="filter_stage", distinct=False,
        widget=forms.CheckboxSelectMultiple,
    )
    industry = LazyChoiceFilter(label=_("行业"), field_name="industry", choices_from=_industry_choices)
    investor = django_filters.CharFilter(label=_("投资方"), field_name="investor", lookup_expr="icontains")
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    amount_min = django_filters.NumberFilter(
        label=_("最低金额（亿元）"), method="filter_amount_min", min_value=0)
    amount_max = django_filters.NumberFilter(
        label=_("最高金额（亿元）"), method="filter_amount_max", min_value=0)
    review_status = django_filters.MultipleChoiceFilter(
        label=_("审核状态"), choices=ReviewStatus.choices, distinct=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # `publication` is added by the articles app (articles/filters.py), after every filter above,
    # and `follow` by projects/follow_filter.py (it reads projects/follow_through.py, which reads
    # this FilterSet).

    class Meta:
        model = Project
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        self.public = request is not None and is_public(request)
        super().__init__(_with_defaults(data, self.public), queryset=queryset, request=request, prefix=prefix)
        for lazy in self.filters.values():
            if isinstance(lazy, LazyChoiceFilter):
                lazy.extra["choices"] = _memo(lazy.choices_from)

    # --- invalid values fall back to the filter's default, in this one place -------------------

    @property
    def form(self):
        """The filter form, of valid values only. Why: django-filter leaves an invalid field out
        of `cleaned_data`, which silently drops that filter — `review_status=bogus` counted
        candidates and rejected records with the confirmed ones. Here each invalid field is taken
        out of `data` and its default put back (`_with_defaults`), once, before any queryset,
        query string, export or link reads the state; `errors` still reports what was ignored."""
        if not hasattr(self, "_form"):
            form = super().form
            if self.is_bound and not form.is_valid():
                self._ignored = form.errors
                data = self.data.copy()
                for name in form.errors:
                    data.pop(name, None)
                self.data = _with_defaults(data, self.public)
                del self._form
                super().form.is_valid()
        return self._form

    @property
    def errors(self):
        """The values ignored (the form as asked, before the fallback): the pages say which."""
        form = self.form
        return getattr(self, "_ignored", form.errors)

    # --- the filters ------------------------------------------------------------------------

    def filter_zone(self, queryset, name, value):
        zones = list(value)
        return queryset.filter(zone__in=zones) if zones else queryset

    def filter_month_from(self, queryset, name, value):
        return queryset.filter(date__gte=parse_month(value))

    def filter_month_to(self, queryset, name, value):
        # A record known only to the year is inside only when the range covers its whole year.
        return queryset.filter(ends_by_q(parse_month(value), Q(date_precision=DatePrecision.YEAR)))

    def filter_stage(self, queryset, name, value):
        if queryset.model is Batch:
            return queryset if Stage.SIGNED in value else queryset.none()
        return queryset.filter(stage__in=value)

    def filter_text(self, queryset, name, value):
        # The same search as /search/ (projects/search.py): every term, in name, investor or zone.
        return search.filter_projects(queryset, value)

    def filter_amount_min(self, queryset, name, value):
        return queryset.filter(amount_yuan__gte=value * YI)

    def filter_amount_max(self, queryset, name, value):
        return queryset.filter(amount_yuan__lte=value * YI)

    # --- the same state, applied to batches and read back ------------------------------------

    def cleaned(self) -> dict:
        """The valid filter values (invalid ones are ignored, and reported by the form)."""
        self.errors  # noqa: B018 -- validates the form
        return {name: value for name, value in self.form.cleaned_data.items() if not _empty(value)}

    def batch_qs(self, queryset: QuerySet[Batch] | None = None) -> QuerySet[Batch]:
        """Batches selected by the same filter state as `qs` selects projects."""
        queryset = Batch.objects.all() if queryset is None else queryset
        for name, value in self.cleaned().items():
            if name in PROJECT_ONLY:
                return queryset.none()
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def replacing_batch_qs(self) -> QuerySet[Batch]:
        """Batches that stand in for their member projects under this filter: the selected
        batches, whatever their month. A member of a batch signed in June is inside that
        batch in every view, so a July range does not count it on its own."""
        return self.without(*MONTH_FIELDS).batch_qs()

    def without(self, *names: str) -> ProjectFilter:
        """The same filter state minus some fields (e.g. the month range, for undated records)."""
        data = self.form.data.copy()
        for name in names:
            data.pop(name, None)
        return type(self)(data, queryset=self.queryset, request=self.request)

    @property
    def has_month_range(self) -> bool:
        cleaned = self.cleaned()
        return any(name in cleaned for name in MONTH_FIELDS)

    def querystring(self, **overrides) -> str:
        """The filter state as a query string (what links, exports and the JSON URL carry)."""
        data = QueryDict(mutable=True)
        for name in self.filters:
            values = [v for v in self.form.data.getlist(name) if v not in ("", None)]
            if values:
                data.setlist(name, values)
        for name, value in overrides.items():
            if value is None:
                data.pop(name, None)
            else:
                data.setlist(name, value if isinstance(value, list) else [value])
        return data.urlencode()
