"""Admin for bulletins, their articles and the quotes behind facts; and the quotes shown on a
project's admin page (the projects app does not know quotes, so its admin is extended here)."""

from django.contrib import admin
from django.db import transaction

from projects.admin import ProjectAdmin
from projects.models import Project

from . import review_state
from .models import Article, Bulletin, Mention


class KeepsReviewState:
    """An admin whose forms add, move or delete quotes or articles: what is left to review is
    recomputed for the articles and issues they touched (articles/review_state.py; saves of
    quotes and records are signalled, these deletes are not)."""

    def save_formset(self, request, form, formset, change):
        touched = {f.instance.article_id for f in formset.deleted_forms if formset.model is Mention}
        super().save_formset(request, form, formset, change)
        review_state.mark_articles(touched)
        if formset.model is Article:  # an issue's articles added or deleted: its whole counts
            review_state.refresh_bulletins([form.instance.pk])

    def save_model(self, request, obj, form, change):
        # A quote moved to another article leaves the first one; an article added or moved
        # changes its issues' number of articles.
        model = type(obj)
        field = {Mention: "article_id", Article: "bulletin_id"}.get(model)
        before = set()
        if field and change:
            before = set(model.objects.filter(pk=obj.pk).values_list(field, flat=True))
        super().save_model(request, obj, form, change)
        if model is Mention:
            review_state.mark_articles(before)
        elif model is Article and before != {obj.bulletin_id}:
            review_state.refresh_bulletins(before | {obj.bulletin_id})

    def delete_model(self, request, obj):
        if isinstance(obj, Mention | Article):
            self.delete_queryset(request, type(obj)._default_manager.filter(pk=obj.pk))
        else:
            super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        if queryset.model is Mention:
            touched = set(queryset.values_list("article_id", flat=True))
            super().delete_queryset(request, queryset)
            review_state.mark_articles(touched)
        elif queryset.model is Article:
            bulletins = set(queryset.values_list("bulletin_id", flat=True))
            super().delete_queryset(request, queryset)
            review_state.refresh_bulletins(bulletins)
        else:
            super().delete_queryset(request, queryset)


class ArticleInline(admin.StackedInline):
    model = Article
    extra = 0
    fields = ("position", "title", "subtitle", "byline", "text")
    show_change_link = True


class MentionInline(admin.TabularInline):
    model = Mention
    extra = 0
    fields = ("kind", "quote", "project", "batch")
    autocomplete_fields = ("project", "batch")
    readonly_fields = ("kind", "quote")


@admin.register(Bulletin)
class BulletinAdmin(KeepsReviewState, admin.ModelAdmin):
    list_display = ("__str__", "publication", "issue_date", "status", "format", "uploaded_by", "created_at")
    list_filter = ("status", "publication", "format")
    search_fields = ("publication", "issue_number", "original_name", "sha256")
    date_hierarchy = "issue_date"
    readonly_fields = (
        "file",
        "sha256",
        "size",
        "format",
        "encoding",
        "status",
        "progress",
        "error",
        "parser_version",
        "created_at",
        "started_at",
        "finished_at",
        "uploaded_by",
    )
    inlines = [ArticleInline]


@admin.register(Article)
class ArticleAdmin(KeepsReviewState, admin.ModelAdmin):
    list_display = ("__str__", "bulletin", "position", "byline")
    list_filter = ("bulletin__publication",)
    search_fields = ("title", "text", "byline")
    autocomplete_fields = ("bulletin", "zones")
    inlines = [MentionInline]


@admin.register(Mention)
class MentionAdmin(KeepsReviewState, admin.ModelAdmin):
    list_display = ("__str__", "kind", "article", "project", "batch")
    list_filter = ("kind",)
    search_fields = ("quote", "project__name")
    autocomplete_fields = ("article", "project", "batch", "event")


class ProjectMentionInline(admin.TabularInline):
    model = Mention
    fk_name = "project"
    extra = 0
    fields = ("article", "quote")
    readonly_fields = ("article", "quote")
    verbose_name_plural = "出处（原文引用）"


class ProjectWithQuotesAdmin(KeepsReviewState, ProjectAdmin):
    inlines = [*ProjectAdmin.inlines, ProjectMentionInline]


admin.site.unregister(Project)
admin.site.register(Project, ProjectWithQuotesAdmin)
