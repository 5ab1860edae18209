"""Admin for curating zones: new zones found in text, renames, aliases, merges."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Zone, ZoneAlias


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
