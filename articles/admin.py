"""Admin for bulletins, their articles and the quotes behind facts; and the quotes shown on a
project's admin page (the projects app does not know quotes, so its admin is extended here)."""

from django.contrib import admin

from projects.admin import ProjectAdmin
from projects.models import Project

from .models import Article, Bulletin, Mention


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
class BulletinAdmin(admin.ModelAdmin):
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
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "bulletin", "position", "byline")
    list_filter = ("bulletin__publication",)
    search_fields = ("title", "text", "byline")
    autocomplete_fields = ("bulletin", "zones")
    inlines = [MentionInline]


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
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


class ProjectWithQuotesAdmin(ProjectAdmin):
    inlines = [*ProjectAdmin.inlines, ProjectMentionInline]


admin.site.unregister(Project)
admin.site.register(Project, ProjectWithQuotesAdmin)
