from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditLog, Notification, User
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


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Read-only, to see what was sent and why delivery failed; rows come only from notify()."""

    list_display = ("recipient", "title", "created_at", "read_at", "delivered_at", "delivery_attempts")
    list_filter = ("created_at",)
    list_select_related = ("recipient",)
    search_fields = ("title", "key", "recipient__username")
    date_hierarchy = "created_at"
