"""Report pages under /reports/: the list (with the start form), one run's page with its
progress bar, its status as JSON for the bar, 重试, and the two downloads.

Scope as everywhere: runs come from `ReportRun.objects.visible_to` (community staff:
their community's; street roles: all), an out-of-scope run or community is 404;
who may start or retry a report is `services.can_request_report` (403 otherwise).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.audit import audit_record
from accounts.models import AuditAction
from accounts.permissions import staff_required
from communities.models import Community
from dashboards import services
from dashboards.models import ReportRun, ReportStatus
from dashboards.reports.forms import STREET, ReportStartForm
from dashboards.reports.selectors import report_filter
from xietang.forms import add_service_errors
from xietang.lists import paginate
from xietang.scoping import get_visible_or_404

PAGE_SIZE = 30
FORMATS = {
    "xlsx": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "pdf": ("pdf", "application/pdf"),
}


def _run(request: HttpRequest, pk: int) -> ReportRun:
    return get_visible_or_404(
        ReportRun.objects.select_related("community", "requested_by"),
        request.user,
        pk=pk,
    )


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _list_page(request: HttpRequest, start_form: ReportStartForm, *, status: int = 200) -> HttpResponse:
    run_filter = report_filter(request.GET, user=request.user)
    page = paginate(request, run_filter.qs, PAGE_SIZE)
    rows = list(page.object_list)
    street = services.scope_name(None) if any(run.community_id is None for run in rows) else ""
    for run in rows:
        run.title = services.report_title(run, street_name=street)
    return render(
        request,
        "dashboards/reports/list.html",
        {
            "filter": run_filter,
            "page": page,
            "rows": rows,
            "query": _query_without(request, "page"),
            "start_form": start_form if start_form.fields["scope"].choices else None,
        },
        status=status,
    )


@staff_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, ReportStartForm(user=request.user))


def _requested_community(request: HttpRequest) -> Community | None:
    """The scope named by the form: out of the user's place 404, the street without a street role 403."""
    value = request.POST.get("scope", "").strip()
    if value == STREET:
        if not request.user.is_street_level:
            raise PermissionDenied
        return None
    if not value.isdigit():
        raise Http404
    return get_visible_or_404(Community.objects, request.user, pk=int(value))


@staff_required
@require_POST
def report_start(request: HttpRequest) -> HttpResponse:
    user = request.user
    community = _requested_community(request)
    if not services.can_request_report(user, community):
        raise PermissionDenied
    form = ReportStartForm(request.POST, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            run, created = services.report_request(
                community=community,
                period_kind=data["period_kind"],
                period_start=data["month"],
                acting_user=user,
                regenerate=data["regenerate"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            title = services.report_title(run)
            if created:
                messages.success(
                    request,
                    _("已开始生成「%(title)s」,完成后会通知您。") % {"title": title},
                )
            elif run.status == ReportStatus.DONE:
                messages.info(
                    request,
                    _("「%(title)s」已生成,直接打开。如需最新数据,请勾选“重新生成”。") % {"title": title},
                )
            else:
                messages.info(
                    request,
                    _("「%(title)s」正在生成中,无需重复提交。") % {"title": title},
                )
            return redirect("dashboards:report_detail", pk=run.pk)
    return _list_page(request, form, status=400)


def _status_payload(run: ReportRun) -> dict:
    done = run.status == ReportStatus.DONE
    return {
        "id": run.pk,
        "status": run.status,
        "status_label": run.get_status_display(),
        "progress": run.progress,
        "step": run.step,
        "finished": run.status in (ReportStatus.DONE, ReportStatus.FAILED),
        "error": run.error if run.status == ReportStatus.FAILED else "",
        "xlsx_url": reverse("dashboards:report_download", args=[run.pk, "xlsx"]) if done and run.xlsx else "",
        "pdf_url": reverse("dashboards:report_download", args=[run.pk, "pdf"]) if done and run.pdf else "",
    }


@staff_required
@require_GET
@never_cache
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    return render(
        request,
        "dashboards/reports/detail.html",
        {
            "run": run,
            "title": services.report_title(run),
            "status": _status_payload(run),
            "can_retry": run.status == ReportStatus.FAILED and services.can_request_report(request.user, run.community),
        },
    )


@staff_required
@require_GET
@never_cache
def report_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the progress bar polls every second while the run is queued or running."""
    return JsonResponse(_status_payload(_run(request, pk)))


@staff_required
@require_POST
def report_retry(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    try:
        services.report_retry(run=run, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已重新开始生成。"))
    return redirect("dashboards:report_detail", pk=run.pk)


@staff_required
@require_GET
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    run = _run(request, pk)
    if fmt not in FORMATS or run.status != ReportStatus.DONE:
        raise Http404
    extension, content_type = FORMATS[fmt]
    stored = run.xlsx if fmt == "xlsx" else run.pdf
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    title = services.report_title(run)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=run,
        object_repr=title,
        changes={"格式": extension},
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{title.replace(' ', '_')}.{extension}",
        content_type=content_type,
    )
