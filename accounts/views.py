from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.filters import AuditLogFilter
from accounts.models import AuditLog
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
