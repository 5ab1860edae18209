"""Admin for curating zones: new zones found in text, renames, aliases, merges."""

from django.contrib import admin
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Zone, ZoneAlias
from .services import fold_zone


class ZoneAliasInline(admin.TabularInline):
    model = ZoneAlias
    extra = 1


@admin.register(Zone)
class ZoneAdmin(SimpleHistoryAdmin):
    list_display = ("short_name", "full_name", "kind", "level", "province", "city", "verified")
    list_filter = ("verified", "level", "kind", "province")
    search_fields = ("short_name", "full_name", "aliases__name", "city")
    prepopulated_fields = {"slug": ("short_name",)}
    autocomplete_fields = ("merged_into",)
    inlines = [ZoneAliasInline]
    actions = ["mark_verified"]

    def save_model(self, request, obj, form, change):
        """Setting 并入 (merged into) folds the zone into that one: its name becomes an alias
        there and its projects, batches and articles follow (zones/services.py)."""
        target = obj.merged_into if change and "merged_into" in form.changed_data else None
        if target is not None:
            obj.merged_into = None  # the fold sets it, after moving the records
        super().save_model(request, obj, form, change)
        if target is not None:
            moved = fold_zone(obj, target, user=request.user)
            message = _(
                "已并入%(target)s，随之移动：项目 %(projects)s、批量签约 %(batches)s、文章 %(articles)s。"
            )
            self.message_user(request, message % {"target": target, **moved})

    @admin.action(description="标记为已核实")
    def mark_verified(self, request, queryset):
        count = 0
        for zone in queryset.filter(verified=False):
            zone.verified = True
            zone._history_user = request.user
            zone.save()
            count += 1
        self.message_user(request, f"{count} 个开发区已标记为已核实。")


@admin.register(ZoneAlias)
class ZoneAliasAdmin(SimpleHistoryAdmin):
    list_display = ("name", "zone")
    search_fields = ("name", "zone__short_name")
    autocomplete_fields = ("zone",)
