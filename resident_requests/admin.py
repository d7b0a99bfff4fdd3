from django.contrib import admin

from resident_requests.models import (
    AssessmentWeights,
    Reporter,
    RequestCategory,
    ResidentRequest,
)
from xietang.admin_mixins import ReadOnlyAdmin, ScopedAdmin


@admin.register(RequestCategory)
class RequestCategoryAdmin(admin.ModelAdmin):
    # Time limits are the street's to set (DOMAIN.md §3: make them configurable per category).
    list_display = ("name", "code", "urgency", "time_limit_hours", "remind_before_hours", "default_handler_kind", "is_active")
    list_editable = ("time_limit_hours", "remind_before_hours", "is_active")
    list_filter = ("urgency", "is_active")


@admin.register(AssessmentWeights)
class AssessmentWeightsAdmin(admin.ModelAdmin):
    list_display = ("response_weight", "solution_weight", "satisfaction_weight", "basically_satisfied_weight")

    def has_add_permission(self, request):
        return not AssessmentWeights.objects.exists()


@admin.register(Reporter)
class ReporterAdmin(ScopedAdmin):
    list_display = ("name", "kind", "company", "community", "is_active", "created_at")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "company")
    readonly_fields = ("token",)


@admin.register(ResidentRequest)
class ResidentRequestAdmin(ScopedAdmin, ReadOnlyAdmin):
    """Read-only: every change is a workflow step on the staff pages, with its timeline row."""

    list_display = ("tracking_code", "category", "channel", "community", "status", "submitted_at", "due_at")
    list_filter = ("status", "channel", "category")
    search_fields = ("tracking_code",)
