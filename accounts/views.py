from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.filters import AuditLogFilter
from accounts.models import AuditLog, Notification
from accounts.notifications import (
    is_local_path,
    notification_mark_read,
    notifications_mark_all_read,
)
from accounts.permissions import can_browse_audit, staff_required


@staff_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Street admins browse who created, changed, deleted residents and who revealed ID numbers."""
    if not can_browse_audit(request.user):
        raise PermissionDenied
    log_filter = AuditLogFilter(request.GET, queryset=AuditLog.objects.select_related("actor"))
    page = Paginator(log_filter.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/audit_log.html", {"filter": log_filter, "page": page, "query": query.urlencode()})


@staff_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The logged-in staff member's own notifications, newest first."""
    page = Paginator(Notification.objects.visible_to(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/notification_list.html", {"page": page})


@staff_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and go where the notification points, if that is a page of this site."""
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    notification_mark_read(notification=notification, acting_user=request.user)
    return redirect(notification.link if is_local_path(notification.link) else "notifications")


@staff_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(acting_user=request.user)
    return redirect("notifications")
