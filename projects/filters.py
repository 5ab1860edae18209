"""The FilterSet for project lists; the same one will feed charts and exports."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zones.models import Zone

from .models import Project, ReviewStatus, Stage


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    zone = django_filters.ModelMultipleChoiceFilter(
        label=_("开发区"), queryset=Zone.objects.filter(merged_into__isnull=True), field_name="zone"
    )
    province = django_filters.CharFilter(label=_("省份"), field_name="zone__province")
    stage = django_filters.MultipleChoiceFilter(label=_("阶段"), choices=Stage.choices)
    industry = django_filters.CharFilter(label=_("行业"), field_name="industry")
    investor = django_filters.CharFilter(label=_("投资方"), field_name="investor", lookup_expr="icontains")
    review_status = django_filters.MultipleChoiceFilter(label=_("审核状态"), choices=ReviewStatus.choices)
    date_from = django_filters.DateFilter(label=_("起始日期"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("截止日期"), field_name="date", lookup_expr="lte")
    amount_min = django_filters.NumberFilter(label=_("最低金额（亿元）"), method="filter_amount_min")
    amount_max = django_filters.NumberFilter(label=_("最高金额（亿元）"), method="filter_amount_max")

    class Meta:
        model = Project
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(investor__icontains=value))

    def filter_amount_min(self, queryset, name, value):
        return queryset.filter(amount_yuan__gte=value * 100_000_000)

    def filter_amount_max(self, queryset, name, value):
        return queryset.filter(amount_yuan__lte=value * 100_000_000)
