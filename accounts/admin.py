from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditLog, User
from xietang.admin_mixins import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "role", "community", "is_active", "last_login")
    list_filter = ("role", "community", "is_active")
    list_select_related = ("community",)
    fieldsets = (*BaseUserAdmin.fieldsets, (_("岗位与范围"), {"fields": ("role", "community", "phone")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("岗位与范围"), {"fields": ("role", "community")}))


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    """Read-only: audit rows are evidence and are never edited."""

    list_display = ("at", "actor", "action", "object_repr", "source_ip")
    list_filter = ("action",)
    search_fields = ("object_repr", "actor__username")
