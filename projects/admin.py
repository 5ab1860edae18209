"""Admin for projects, batches and currency rates, with review and merge actions."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from simple_history.admin import SimpleHistoryAdmin

from .history import AdminHistoryHelper
from .models import Batch, CurrencyRate, Project, ProjectEvent, ReviewStatus
from .services import merge_projects, refresh_project_timeline, save_project_edit, set_review_status


class ProjectEventInline(admin.TabularInline):
    model = ProjectEvent
    extra = 0
    fields = ("stage", "date", "date_precision", "note")


class MergeTargetForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Project.objects.filter(merged_into__isnull=True),
        label="合并到项目",
        widget=forms.NumberInput,
        help_text="目标项目的编号（ID）",
    )


class ReadableHistoryMixin:
    """History in the admin in the site's words: names, labels, 亿元, dates at their precision."""

    def get_historical_record_context_helper(self, request, historical_record):
        return AdminHistoryHelper(self.model, historical_record)


class ReviewActionsMixin:
    """Confirm / reject actions that save row by row, so history records each decision."""

    def _review(self, request, queryset, status):
        try:
            changed = set_review_status(queryset, status, user=request.user)
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)
            return
        self.message_user(request, f"{changed} 条记录已更新为“{ReviewStatus(status).label}”。")

    @admin.action(description="确认所选记录")
    def confirm_selected(self, request, queryset):
        self._review(request, queryset, ReviewStatus.CONFIRMED)

    @admin.action(description="驳回所选记录")
    def reject_selected(self, request, queryset):
        self._review(request, queryset, ReviewStatus.REJECTED)


@admin.register(Project)
class ProjectAdmin(ReadableHistoryMixin, ReviewActionsMixin, SimpleHistoryAdmin):
    list_display = (
        "name",
        "zone",
        "investor",
        "amount_text",
        "amount_yuan",
        "stage",
        "date",
        "review_status",
        "merged_into",
    )
    list_filter = ("review_status", "stage", "industry", "currency", "approximate", "zone__province")
    search_fields = ("name", "investor", "zone__short_name", "amount_text")
    autocomplete_fields = ("zone", "batch", "merged_into")
    date_hierarchy = "date"
    list_select_related = ("zone", "merged_into")
    inlines = [ProjectEventInline]  # and the quotes, added by articles/admin.py
    actions = ["confirm_selected", "reject_selected", "merge_selected"]
    readonly_fields = ("amount_yuan",)

    def save_model(self, request, obj, form, change):
        """Through the same service as the review page, so the yuan value follows the amount."""
        save_project_edit(obj, request.user, changed=form.changed_data if change else ("date",))

    def save_related(self, request, form, formsets, change):
        """The events edited inline move the project's date and stage as the review's do (the
        follow-through timeline follows each event's save: projects/timeline.py)."""
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            refresh_project_timeline(form.instance, request.user)

    @admin.action(description="合并到另一个项目…")
    def merge_selected(self, request, queryset):
        form = MergeTargetForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                merged = merge_projects(queryset, form.cleaned_data["target"], user=request.user)
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)
                return None
            self.message_user(request, f"{merged} 个项目已合并到“{form.cleaned_data['target']}”。")
            return None
        return render(
            request,
            "admin/projects/merge_projects.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "projects": queryset,
                "opts": self.model._meta,
                "title": "合并项目",
            },
        )


@admin.register(Batch)
class BatchAdmin(ReadableHistoryMixin, ReviewActionsMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "zone", "project_count", "amount_text", "amount_yuan", "date", "review_status")
    list_filter = ("review_status", "approximate", "zone__province")
    search_fields = ("title", "zone__short_name", "amount_text")
    autocomplete_fields = ("zone", "merged_into")
    date_hierarchy = "date"
    list_select_related = ("zone",)
    actions = ["confirm_selected", "reject_selected"]


@admin.register(ProjectEvent)
class ProjectEventAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    """An event edited on its own moves its project's date and stage (and its former project's,
    when it is moved to another) as the review's edits do."""

    list_display = ("project", "stage", "date", "date_precision")
    list_filter = ("stage",)
    search_fields = ("project__name",)
    autocomplete_fields = ("project",)

    def save_model(self, request, obj, form, change):
        before = form.initial.get("project") if change else None
        super().save_model(request, obj, form, change)
        for project in Project.objects.filter(pk__in={obj.project_id, before} - {None}):
            refresh_project_timeline(project, request.user)

    def delete_model(self, request, obj):
        project = obj.project
        super().delete_model(request, obj)
        refresh_project_timeline(project, request.user)

    def delete_queryset(self, request, queryset):
        projects = list(Project.objects.filter(pk__in=queryset.values("project_id")))
        super().delete_queryset(request, queryset)
        for project in projects:
            refresh_project_timeline(project, request.user)


@admin.register(CurrencyRate)
class CurrencyRateAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    list_display = ("currency", "year", "yuan_per_unit", "source")
    list_filter = ("currency",)
    search_fields = ("currency",)
