"""Staff pages of activities under /activities/: list, create/edit, shifts, publish, cancel,
photos, market stalls and 服务人次, and staff sign-ups.

Each view: scope (404 outside it) → role (403: only the community's 书记/工作者 and
街道管理员 write) → form → service → back to the activity page (PRG). Forms on the
activity page post here; one with errors comes back on a page of its own (400).
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import staff_required
from volunteers.forms.activities import (
    ActivityForm,
    AttendanceForm,
    CancelForm,
    CorrectForm,
    PeopleServedForm,
    PhotoForm,
    ReasonForm,
    ShiftForm,
    StaffSignupForm,
    StallForm,
)
from volunteers.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    Membership,
    Shift,
    Signup,
    SignupSource,
    Volunteer,
)
from volunteers.selectors.activities import (
    ActivityFilter,
    activities_for_list,
    activity_for_detail,
    detail_shifts,
    people_served_total,
    shift_when,
)
from volunteers.services import activities as services
from xietang.forms import add_service_errors
from xietang.images import stream_photo
from xietang.lists import paginate, query_without_page
from xietang.scoping import get_visible_or_404

PAGE_SIZE = 30


def _activity(request: HttpRequest, pk: int) -> Activity:
    return get_visible_or_404(activity_for_detail(Activity.objects.all()), request.user, pk=pk)


def _require_manager(request: HttpRequest, activity: Activity) -> None:
    if not services.can_manage_activity(request.user, activity):
        raise PermissionDenied


def _back(activity: Activity, anchor: str = "") -> HttpResponse:
    return redirect(reverse("volunteers:activity_detail", args=[activity.pk]) + (f"#{anchor}" if anchor else ""))


def _handle(
    request: HttpRequest,
    activity: Activity,
    *,
    form: BaseForm,
    run: Callable[[dict], object],
    done: str | Callable[[object], str],
    heading: str,
    anchor: str = "",
) -> HttpResponse:
    if form.is_valid():
        try:
            result = run(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done(result) if callable(done) else done)
            return _back(activity, anchor)
    context = {"activity": activity, "form": form, "heading": heading, "action": request.path}
    return render(request, "volunteers/activities/form.html", context, status=400)


# List, create, detail, edit


@staff_required
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset = ActivityFilter(
        request.GET, queryset=activities_for_list(Activity.objects.visible_to(user)), request=request
    )
    page = paginate(request, filterset.qs.order_by("-created_at", "-pk"), PAGE_SIZE)
    return render(
        request,
        "volunteers/activities/list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": page.object_list,
            "query": query_without_page(request),
            "can_create": services.can_manage_activity(user, community_id=user.community_id),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not services.can_manage_activity(user, community_id=user.community_id):
        raise PermissionDenied
    form = ActivityForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = services.activity_create(acting_user=user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已创建活动「%(title)s」(草稿,共 %(n)s 个班次)。核对后请发布。")
                % {"title": activity.title, "n": activity.shifts.count()},
            )
            return _back(activity)
    status = 400 if form.errors else 200
    return render(request, "volunteers/activities/edit.html", {"form": form, "activity": None}, status=status)


@staff_required
@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    can_manage = services.can_manage_activity(request.user, activity)
    shifts = detail_shifts(activity)
    for shift in shifts:
        shift.when = shift_when(shift)
    context = {
        "activity": activity,
        "shifts": shifts,
        "can_manage": can_manage and activity.status != ActivityStatus.CANCELLED,
        "is_market": activity.activity_type == ActivityType.MARKET,
        "stalls": list(activity.stalls.all()),
        "people_served": people_served_total(activity),
        "photos": list(activity.photos.all()),
        "shift_form": ShiftForm(),
        "cancel_form": CancelForm(),
        "stall_form": StallForm(),
        "people_form": PeopleServedForm(initial={"people_served": activity.people_served}),
        "photo_form": PhotoForm(),
        "attendance_form": AttendanceForm(),
        "reason_form": ReasonForm(),
        "correct_form": CorrectForm(),
    }
    return render(request, "volunteers/activities/detail.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    _require_manager(request, activity)
    initial = {name: getattr(activity, name) for name in services.EDITABLE_FIELDS}
    form = ActivityForm(
        request.POST or None, user=request.user, editing=True, community_id=activity.community_id, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(activity=activity, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存活动信息。"))
            return _back(activity)
    status = 400 if form.errors else 200
    return render(request, "volunteers/activities/edit.html", {"form": form, "activity": activity}, status=status)


# Shifts, publish, cancel


@staff_required
@require_POST
def shift_add(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    _require_manager(request, activity)
    return _handle(
        request,
        activity,
        form=ShiftForm(request.POST),
        run=lambda data: services.shift_add(activity=activity, acting_user=request.user, **data),
        done=_("已添加班次。"),
        heading=_("添加班次"),
        anchor="shifts",
    )


def _shift(activity: Activity, shift_pk: int) -> Shift:
    # The activity is already scoped; a shift of another activity is simply not found.
    return get_object_or_404(Shift, pk=shift_pk, activity=activity)


@staff_required
@require_http_methods(["GET", "POST"])
def shift_edit(request: HttpRequest, pk: int, shift_pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    _require_manager(request, activity)
    shift = _shift(activity, shift_pk)
    heading = _("修改班次")
    if request.method == "GET":
        initial = {"label": shift.label, "starts_at": shift.starts_at, "ends_at": shift.ends_at, "capacity": shift.capacity}
        context = {"activity": activity, "form": ShiftForm(initial=initial), "heading": heading, "action": request.path}
        return render(request, "volunteers/activities/form.html", context)
    return _handle(
        request,
        activity,
        form=ShiftForm(request.POST),
        run=lambda data: services.shift_update(shift=shift, acting_user=request.user, **data),
        done=_("班次已修改;时间有变时,已报名的志愿者会收到短信。"),
        heading=heading,
        anchor="shifts",
    )


@staff_required
@require_POST
def shift_remove(request: HttpRequest, pk: int, shift_pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    _require_manager(request, activity)
    try:
        services.shift_remove(shift=_shift(activity, shift_pk), acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已删除班次。"))
    return _back(activity, "shifts")


@staff_required
@require_POST
def activity_publish(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    _require_manager(request, activity)
    try:
        services.activity_publish(activity=activity, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("活动已发布,居民可以在公开页面报名。"))
    return _back(activity)


@staff_required
@require_POST
def activity_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    _require_manager(request, activity)
    return _handle(
        request,
        activity,
        form=CancelForm(request.POST),
        run=lambda data: services.activity_cancel(activity=activity, reason=data["reason"], acting_user=request.user),
        done=_("活动已取消,已报名的志愿者会收到短信。"),
        heading=_("取消活动"),
    )


# Photos, stalls, people served


@staff_required
@require_POST
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    # Role before decoding any upload.
    _require_manager(request, activity)
    return _handle(
        request,
        activity,
        form=PhotoForm(request.POST, request.FILES),
        run=lambda data: services.activity_photos_add(
            activity=activity, photos=data["photos"], caption=data["caption"], acting_user=request.user
        ),
        done=_("已上传活动照片。"),
        heading=_("上传活动照片"),
        anchor="photos",
    )


@staff_required
@require_GET
def photo(request: HttpRequest, pk: int, photo_pk: int, size: str) -> FileResponse:
    """An activity photo, streamed to staff in scope: media is never served directly."""
    if size not in ("full", "thumb"):
        raise Http404
    activity = get_visible_or_404(Activity.objects.all(), request.user, pk=pk)
    row = get_object_or_404(activity.photos.all(), pk=photo_pk)
    return stream_photo(row.image if size == "full" else row.thumbnail)


@staff_required
@require_POST
def stall_add(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    _require_manager(request, activity)
    return _handle(
        request,
        activity,
        form=StallForm(request.POST),
        run=lambda data: services.stall_add(activity=activity, acting_user=request.user, **data),
        done=_("已登记摊位。"),
        heading=_("登记市集摊位"),
        anchor="served",
    )


@staff_required
@require_POST
def stall_update(request: HttpRequest, pk: int, stall_pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    _require_manager(request, activity)
    stall = get_object_or_404(activity.stalls.all(), pk=stall_pk)
    return _handle(
        request,
        activity,
        form=PeopleServedForm(request.POST, prefix=f"stall-{stall.pk}"),
        run=lambda data: services.stall_update(stall=stall, people_served=data["people_served"], acting_user=request.user),
        done=_("已更新摊位服务人次。"),
        heading=_("更新摊位服务人次"),
        anchor="served",
    )


@staff_required
@require_POST
def stall_remove(request: HttpRequest, pk: int, stall_pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    _require_manager(request, activity)
    stall = get_object_or_404(activity.stalls.all(), pk=stall_pk)
    services.stall_remove(stall=stall, acting_user=request.user)
    messages.success(request, _("已删除摊位。"))
    return _back(activity, "served")


@staff_required
@require_POST
def people_served(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    _require_manager(request, activity)
    return _handle(
        request,
        activity,
        form=PeopleServedForm(request.POST),
        run=lambda data: services.activity_set_people_served(
            activity=activity, people_served=data["people_served"], acting_user=request.user
        ),
        done=_("已更新服务人次。"),
        heading=_("登记服务人次"),
        anchor="served",
    )


# Staff sign-ups


def _signup_choices(request: HttpRequest, activity: Activity):
    shifts = activity.shifts.filter(ends_at__gt=timezone.now())
    if activity.team_id:
        member_ids = Membership.objects.filter(team_id=activity.team_id, left_on__isnull=True).values("volunteer_id")
        volunteers = Volunteer.objects.filter(pk__in=member_ids, is_active=True)
    else:
        volunteers = Volunteer.objects.visible_to(request.user).filter(community_id=activity.community_id, is_active=True)
    return shifts, volunteers.order_by("name", "pk")


@staff_required
@require_http_methods(["GET", "POST"])
def signup_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff sign a volunteer (a team member, for 仅限队员 activities) up for a shift."""
    activity = _activity(request, pk)
    _require_manager(request, activity)
    shifts, volunteers = _signup_choices(request, activity)
    form = StaffSignupForm(request.POST or None, shifts=shifts, volunteers=volunteers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.signup_create(
                shift=data["shift"],
                volunteer=data["volunteer"],
                source=SignupSource.STAFF,
                acting_user=request.user,
                confirm_overlap=data["confirm_overlap"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if result.waiting_position:
                messages.success(
                    request,
                    _("班次已满,%(name)s 在候补第 %(n)s 位。") % {"name": data["volunteer"].name, "n": result.waiting_position},
                )
            else:
                messages.success(request, _("已为 %(name)s 报名。") % {"name": data["volunteer"].name})
            return _back(activity, "shifts")
    status = 400 if form.errors else 200
    overlap = "confirm_overlap" in form.errors
    return render(
        request,
        "volunteers/activities/signup_add.html",
        {"activity": activity, "form": form, "overlap": overlap},
        status=status,
    )


@staff_required
@require_POST
def signup_cancel(request: HttpRequest, pk: int, signup_pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    _require_manager(request, activity)
    signup = get_object_or_404(Signup.objects.filter(shift__activity=activity).select_related("volunteer"), pk=signup_pk)
    try:
        promoted = services.signup_cancel(signup=signup, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = _("已取消 %(name)s 的报名。") % {"name": signup.volunteer.name}
        if promoted is not None:
            text += _("候补的 %(name)s 已转为正式报名。") % {"name": promoted.volunteer.name}
        messages.success(request, text)
    return _back(activity, "shifts")
