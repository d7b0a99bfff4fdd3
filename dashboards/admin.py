"""Report runs in the admin: read only (the task writes them), with 重试 for failed runs
through the same service as the page."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from dashboards import services
from dashboards.models import ReportRun, ReportStatus
from xietang.admin_mixins import ScopedAdmin


@admin.register(ReportRun)
class ReportRunAdmin(ScopedAdmin):
    list_display = (
        "__str__",
        "community",
        "period_kind",
        "period_start",
        "status",
        "progress",
        "requested_by",
        "created_at",
    )
    list_filter = ("status", "period_kind")
    date_hierarchy = "period_start"
    list_select_related = ("community", "requested_by")
    actions = ["retry_failed"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("community", "requested_by")

    def has_add_permission(self, request):
        return False  # runs are asked for on /reports/ or by beat

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("重试所选的失败报表"))
    def retry_failed(self, request, queryset):
        retried = 0
        for run in queryset.filter(status=ReportStatus.FAILED):
            try:
                services.report_retry(run=run, acting_user=request.user)
                retried += 1
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, f"{run}: {error}", messages.ERROR)
        self.message_user(request, _("已重新排队 %(n)s 份报表。") % {"n": retried})
