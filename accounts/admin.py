"""Users and role groups in the admin, with the roles named in the reader's language.

The groups are stored as `analysts`, `editors`, `admins` (the code's names for them); the
admin shows them as 分析员 / 编辑 / 管理员 (Analyst / Editor / Administrator)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .roles import role_label


class RoleFilter(admin.SimpleListFilter):
    title = _("角色")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(group.pk, role_label(group.name)) for group in Group.objects.order_by("name")]

    def queryset(self, request, queryset):
        return queryset.filter(groups=self.value()) if self.value() else queryset


def _label_groups(field):
    if field is not None:
        field.label_from_instance = lambda group: role_label(group.name)
    return field


admin.site.unregister(Group)
admin.site.unregister(get_user_model())


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    list_display = ("role", "name")

    @admin.display(description=_("角色"), ordering="name")
    def role(self, group: Group) -> str:
        return role_label(group.name)


@admin.register(get_user_model())
class RoleUserAdmin(UserAdmin):
    list_display = ("username", "roles", "email", "is_active", "is_staff")
    list_filter = ("is_staff", "is_superuser", "is_active", RoleFilter)

    @admin.display(description=_("角色"))
    def roles(self, user) -> str:
        return "、".join(role_label(group.name) for group in user.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return _label_groups(super().formfield_for_manytomany(db_field, request, **kwargs))
