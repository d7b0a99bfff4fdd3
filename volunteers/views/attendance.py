"""Staff pages of attendance and service hours under /activities/: check-in/out buttons,
the venue QR code, the 待确认时长 queue and the confirm/reject/correct/reopen actions.

Hours are actual service time without travel (民政部《志愿服务记录与证明出具办法》),
confirmed by the organiser's community staff; every decision goes through
volunteers.services.attendance, which keeps the history and moves the points.
"""

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import staff_required
from volunteers.forms.activities import (
    AttendanceForm,
    ConfirmForm,
    CorrectForm,
    ReasonForm,
)
from volunteers.models import Activity, HoursStatus, ServiceHours, Signup
from volunteers.selectors.hours import hours_history, hours_queue
from volunteers.services import attendance as services
from volunteers.services.activities import can_manage_activity
from xietang.forms import add_service_errors
from xietang.lists import paginate
from xietang.scoping import get_visible_or_404


def _activity(request: HttpRequest, pk: int) -> Activity:
    return get_visible_or_404(Activity.objects.select_related("community"), request.user, pk=pk)


def _back(activity: Activity) -> HttpResponse:
    return redirect(reverse("volunteers:activity_detail", args=[activity.pk]) + "#shifts")


def _error_page(request, activity, form, heading, status=400) -> HttpResponse:
    context = {"activity": activity, "form": form, "heading": heading, "action": request.path}
    return render(request, "volunteers/activities/form.html", context, status=status)


def _attendance(request: HttpRequest, pk: int, signup_pk: int, *, out: bool) -> HttpResponse:
    activity = _activity(request, pk)
    if not can_manage_activity(request.user, activity):
        raise PermissionDenied
    signup = get_object_or_404(Signup.objects.filter(shift__activity=activity), pk=signup_pk)
    form = AttendanceForm(request.POST, prefix=f"att-{signup.pk}")
    heading = _("签退") if out else _("签到")
    if not form.is_valid():
        return _error_page(request, activity, form, heading)
    try:
        if out:
            record = services.signup_check_out(signup=signup, at=form.cleaned_data["at"], acting_user=request.user)
        else:
            services.signup_check_in(signup=signup, at=form.cleaned_data["at"], acting_user=request.user)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            add_service_errors(form, exc)
            return _error_page(request, activity, form, heading)
        messages.error(request, " ".join(exc.messages))
    else:
        if out:
            messages.success(
                request, _("已签退,记录服务时长 %(m)s 分钟,待确认。") % {"m": record.minutes}
            )
        else:
            messages.success(request, _("已签到。"))
    return _back(activity)


@staff_required
@require_POST
def check_in(request: HttpRequest, pk: int, signup_pk: int) -> HttpResponse:
    return _attendance(request, pk, signup_pk, out=False)


@staff_required
@require_POST
def check_out(request: HttpRequest, pk: int, signup_pk: int) -> HttpResponse:
    return _attendance(request, pk, signup_pk, out=True)


@staff_required
@require_GET
def activity_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """A big QR of the public check-in page, to show on a screen or print at the venue."""
    activity = _activity(request, pk)
    if not can_manage_activity(request.user, activity):
        raise PermissionDenied
    path = reverse("volunteers:public_check_in", args=[activity.check_in_token])
    url = request.build_absolute_uri(path)
    svg = segno.make(url, error="m").svg_inline(scale=10, border=2, title=_("扫码签到签退"))
    return render(
        request,
        "volunteers/attendance/qr.html",
        {"activity": activity, "url": url, "qr_svg": mark_safe(svg)},  # noqa: S308 (segno's own markup)
    )


# Hours


@staff_required
@require_GET
def hours_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", HoursStatus.PENDING)
    if status not in HoursStatus.values:
        status = HoursStatus.PENDING
    rows = hours_queue(request.user, status=status)
    page = paginate(request, rows)
    return render(
        request,
        "volunteers/attendance/hours.html",
        {
            "page": page,
            "rows": page.object_list,
            "status": status,
            "statuses": HoursStatus.choices,
            "query": f"status={status}",
            "reason_form": ReasonForm(),
            "correct_form": CorrectForm(),
        },
    )


@staff_required
@require_GET
def hours_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_visible_or_404(
        ServiceHours.objects.select_related("volunteer", "activity", "signup__shift", "decided_by"), request.user, pk=pk
    )
    return render(
        request,
        "volunteers/attendance/hours_detail.html",
        {
            "record": record,
            "changes": hours_history(record),
            "can_decide": can_manage_activity(request.user, record.activity),
            "reason_form": ReasonForm(),
            "correct_form": CorrectForm(initial={"minutes": record.minutes}),
        },
    )


ACTIONS = {
    "confirm": (ConfirmForm, lambda record, data, user: services.hours_confirm(record=record, acting_user=user)),
    "reject": (
        ReasonForm,
        lambda record, data, user: services.hours_reject(record=record, reason=data["reason"], acting_user=user),
    ),
    "reopen": (
        ReasonForm,
        lambda record, data, user: services.hours_reopen(record=record, reason=data["reason"], acting_user=user),
    ),
    "correct": (
        CorrectForm,
        lambda record, data, user: services.hours_correct(
            record=record, minutes=data["minutes"], reason=data["reason"], acting_user=user
        ),
    ),
}
DONE = {
    "confirm": gettext_lazy("已确认服务时长。"),
    "reject": gettext_lazy("已不予确认。"),
    "reopen": gettext_lazy("已重新打开,待确认。"),
    "correct": gettext_lazy("已更正服务时长。"),
}


@staff_required
@require_POST
def hours_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    record = get_visible_or_404(ServiceHours.objects.select_related("activity", "volunteer"), request.user, pk=pk)
    if not can_manage_activity(request.user, record.activity):
        raise PermissionDenied
    form_class, run = ACTIONS[action]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(record, form.cleaned_data, request.user)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                add_service_errors(form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
                return _next(request, record)
        else:
            messages.success(request, str(DONE[action]))
            return _next(request, record)
    context = {
        "activity": record.activity,
        "form": form,
        "heading": _("服务时长:%(name)s %(date)s") % {"name": record.volunteer.name, "date": record.served_on},
        "action": request.path,
    }
    return render(request, "volunteers/activities/form.html", context, status=400)


def _next(request: HttpRequest, record: ServiceHours) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) and target.startswith("/"):
        return redirect(target)
    return redirect("volunteers:hours_detail", pk=record.pk)
