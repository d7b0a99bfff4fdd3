"""Public volunteer pages (no account) under /serve/: activities, sign-up, look-up and
cancellation by code, and the venue QR check-in. DOMAIN.md §6 and §10 (elderly-friendly).

Only published public activities exist here; anything else answers 404. Nothing
about other people is shown: spots left are numbers, never names. A resident's
own sign-ups are shown after sign-up (ids kept in their session) or by their
6-char code with the last 4 mobile digits; a wrong code and a wrong tail get the
same answer, and every attempt counts against a per-IP limit.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from volunteers.calendars import volunteer_calendar_url
from volunteers.forms.public import CheckInForm, PublicSignupForm, SignupLookupForm
from volunteers.models import (
    Activity,
    ActivityStatus,
    Signup,
    SignupSource,
    SignupStatus,
)
from volunteers.selectors.activities import (
    PublicActivityFilter,
    people_served_total,
    public_activities,
    public_activity,
    public_cards,
    public_future_shifts,
    shift_when,
    spots_label,
    with_counts,
)
from volunteers.services.activities import (
    signup_cancel,
    signup_create,
    waiting_position,
)
from volunteers.services.attendance import qr_scan, qr_window_shifts
from volunteers.services.teams import volunteer_find_or_create_by_mobile
from xietang.forms import add_service_errors
from xietang.lists import paginate, query_without_page
from xietang.public import HONEYPOT, over_limit, public_page

PAGE_SIZE = 20
SIGNUP_GROUP_IP = "volunteers:signup-ip"
LOOKUP_GROUP_IP = "volunteers:lookup-ip"
CHECKIN_GROUP_IP = "volunteers:check-in-ip"
SESSION_KEY = "volunteer_signups"


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteers/public/not_found.html", status=404)


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteers/public/rate_limited.html", status=429)


@public_page
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    filterset = PublicActivityFilter(request.GET, queryset=public_activities())
    page = paginate(request, filterset.qs, PAGE_SIZE)
    return render(
        request,
        "volunteers/public/list.html",
        {
            "filter_form": filterset.form,
            "page": page,
            "cards": public_cards(list(page.object_list)),
            "query": query_without_page(request),
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
        },
    )


@never_cache
@public_page
@require_http_methods(["GET", "POST"])
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = public_activity(pk)
    if activity is None:
        return _not_found(request)
    shifts = public_future_shifts(activity)
    shift_qs = with_counts(activity.shifts.filter(pk__in=[s.pk for s in shifts]))
    form = PublicSignupForm(request.POST or None, shifts=shift_qs)
    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            return render(request, "volunteers/public/refused.html", status=400)
        if form.is_valid():
            if over_limit(request, group=SIGNUP_GROUP_IP, rate=settings.VOLUNTEER_SIGNUP_RATE_IP):
                return _too_many(request)
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    volunteer = volunteer_find_or_create_by_mobile(
                        community=activity.community, name=data["name"], mobile=data["mobile"], acting_user=None
                    )
                    results = [
                        signup_create(
                            shift=shift,
                            volunteer=volunteer,
                            source=SignupSource.PUBLIC,
                            acting_user=None,
                            confirm_overlap=data["confirm_overlap"],
                        )
                        for shift in data["shifts"]
                    ]
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                request.session[SESSION_KEY] = [result.signup.pk for result in results]
                return redirect("volunteers:public_signup_done")
    for shift in shifts:
        shift.when = shift_when(shift)
        shift.spots = spots_label(shift)
    context = {
        "activity": activity,
        "shifts": shifts,
        "form": form if shifts else None,
        "overlap": "confirm_overlap" in form.errors,
        "honeypot": HONEYPOT,
        "people_served": people_served_total(activity),
    }
    return render(request, "volunteers/public/detail.html", context, status=400 if form.errors else 200)


def _signup_rows(signups) -> list[dict]:
    rows = []
    for signup in signups:
        rows.append(
            {
                "signup": signup,
                "when": shift_when(signup.shift),
                "position": waiting_position(signup),
            }
        )
    return rows


@never_cache
@public_page
@require_GET
def signup_done(request: HttpRequest) -> HttpResponse:
    """The result of a sign-up: codes, waiting places, the personal calendar link (this session only)."""
    ids = request.session.get(SESSION_KEY) or []
    signups = list(
        Signup.objects.filter(pk__in=ids).select_related("shift__activity__position", "volunteer").order_by("shift__starts_at")
    )
    if not signups:
        return redirect("volunteers:public_signup_lookup")
    volunteer = signups[0].volunteer
    return render(
        request,
        "volunteers/public/done.html",
        {
            "rows": _signup_rows(signups),
            "activity": signups[0].shift.activity,
            "calendar_url": request.build_absolute_uri(volunteer_calendar_url(volunteer)),
        },
    )


def _lookup(form: SignupLookupForm) -> Signup | None:
    data = form.cleaned_data
    signup = (
        Signup.objects.filter(code=data["code"])
        .select_related("shift__activity__position", "volunteer")
        .first()
    )
    if signup is None or not signup.volunteer.mobile.endswith(data["mobile_tail"]):
        return None
    return signup


@never_cache
@public_page
@require_http_methods(["GET", "POST"])
def signup_lookup(request: HttpRequest) -> HttpResponse:
    """查询报名: code + last 4 mobile digits → status, and a cancel button while it can be cancelled."""
    form = SignupLookupForm(request.POST or None)
    signup = None
    if request.method == "POST" and form.is_valid():
        if over_limit(request, group=LOOKUP_GROUP_IP, rate=settings.VOLUNTEER_LOOKUP_RATE_IP):
            return _too_many(request)
        signup = _lookup(form)
        if signup is None:
            # One answer for a wrong code and a wrong tail: it tells a stranger nothing.
            form.add_error(None, _("没有找到这条报名,请核对报名确认码和手机号后 4 位。"))
    context = {"form": form, "row": _signup_rows([signup])[0] if signup else None}
    if signup is not None:
        context["can_cancel"] = signup.status != SignupStatus.CANCELLED and signup.checked_in_at is None
        context["calendar_url"] = request.build_absolute_uri(volunteer_calendar_url(signup.volunteer))
    return render(request, "volunteers/public/lookup.html", context, status=400 if form.errors else 200)


@public_page
@require_POST
def signup_cancel_public(request: HttpRequest) -> HttpResponse:
    form = SignupLookupForm(request.POST)
    if not form.is_valid():
        return render(request, "volunteers/public/lookup.html", {"form": form}, status=400)
    if over_limit(request, group=LOOKUP_GROUP_IP, rate=settings.VOLUNTEER_LOOKUP_RATE_IP):
        return _too_many(request)
    signup = _lookup(form)
    if signup is None:
        form.add_error(None, _("没有找到这条报名,请核对报名确认码和手机号后 4 位。"))
        return render(request, "volunteers/public/lookup.html", {"form": form}, status=400)
    try:
        signup_cancel(signup=signup, acting_user=None)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已取消报名。感谢您告诉我们,名额会留给候补的居民。"))
    return redirect("volunteers:public_signup_lookup")


@never_cache
@public_page
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, token: str) -> HttpResponse:
    """The page behind the venue QR: first scan checks in, the second checks out."""
    activity = (
        Activity.objects.filter(check_in_token=token, status=ActivityStatus.PUBLISHED).select_related("position").first()
    )
    if activity is None:
        return _not_found(request)
    form = CheckInForm(request.POST or None)
    done = None
    if request.method == "POST" and form.is_valid():
        if over_limit(request, group=CHECKIN_GROUP_IP, rate=settings.VOLUNTEER_CHECKIN_RATE_IP):
            return _too_many(request)
        try:
            direction, signup = qr_scan(activity=activity, code_or_mobile=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = {"direction": direction, "signup": signup}
            if direction == "out":
                done["minutes"] = signup.hours.minutes
    open_now = qr_window_shifts(activity).exists()
    context = {"activity": activity, "form": form, "done": done, "open_now": open_now}
    return render(request, "volunteers/public/check_in.html", context, status=400 if form.errors else 200)

