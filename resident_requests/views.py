"""Staff pages for resident requests (接诉即办): inbox, intake, 随手拍, detail, actions, export.

Each view: role check → visible_to(user) → form → service → redirect. Out-of-scope
requests answer 404; who may take which action is `permissions.can_act`, and the
state table in `workflow.py` decides when.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.audit import audit_record
from accounts.models import AuditAction, Role, User
from accounts.permissions import staff_required
from communities import sheets
from communities.views_sheets import _filter_label, _xlsx_response
from resident_requests import permissions, selectors, services
from resident_requests.filters import RequestFilter
from resident_requests.forms import (
    ActionForm,
    CallbackForm,
    DispatchForm,
    ExtensionAskForm,
    MergeForm,
    NoteForm,
    RejectForm,
    ReopenForm,
    RequestIntakeForm,
    ResolveForm,
    ReturnForm,
    SnapForm,
)
from resident_requests.models import (
    Channel,
    EventAction,
    PhotoKind,
    ResidentRequest,
)
from resident_requests.permissions import (
    COORDINATOR_ROLES,
    can_act,
    can_log_request,
    is_coordinator,
    is_handler,
)
from resident_requests.selectors import InboxScope
from resident_requests.workflow import WorkflowError, allowed_actions, check_allowed
from xietang.forms import add_service_errors
from xietang.scoping import get_visible_or_404

PAGE_SIZE = 50
# Lookup buttons on the intake form: show the form again with new choices, save nothing.
LOOKUP_BUTTONS = ("find_resident", "refresh_places")


# Shared pieces


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _duration(delta: dt.timedelta) -> str:
    """2天3小时 / 3小时20分 / 15分: as precise as staff need, never seconds."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(d)s天%(h)s小时") % {"d": days, "h": hours} if hours else _("%(d)s天") % {"d": days}
    if hours:
        return _("%(h)s小时%(m)s分") % {"h": hours, "m": minutes}
    return _("%(m)s分") % {"m": minutes}


def time_left_label(resident_request: ResidentRequest, now: dt.datetime) -> tuple[str, bool]:
    """("剩 3小时20分", False) or ("超期 2天3小时", True); ("", False) when no clock runs.

    The word 超期 is part of the label: colour is never the only cue (DOMAIN.md §10).
    """
    left = resident_request.time_left(now)
    if left is None:
        return "", False
    if left < dt.timedelta(0):
        return _("超期 %(time)s") % {"time": _duration(-left)}, True
    return _("剩 %(time)s") % {"time": _duration(left)}, False


def _shows_name(user: User, resident_request: ResidentRequest) -> bool:
    return not resident_request.hide_name_from_handlers or is_coordinator(user, resident_request.community_id)


def _shows_full_mobile(user: User, resident_request: ResidentRequest) -> bool:
    return is_coordinator(user, resident_request.community_id) or is_handler(user, resident_request)


def _can_log_anywhere(user: User) -> bool:
    """Intake and 随手拍: community staff for their community, street admins anywhere; never 街道审阅."""
    return can_log_request(user, user.community_id)


# Inbox


def _tabs(user: User) -> list[tuple[str, str]]:
    tabs = [(InboxScope.MINE, _("我的待办"))]
    if user.is_street_level:
        return [*tabs, (InboxScope.ALL, _("全街道"))]
    if user.role == Role.GRID_WORKER:
        tabs.append((InboxScope.GRID, _("我的网格")))
    return [*tabs, (InboxScope.COMMUNITY, _("本社区"))]


def _scope(request: HttpRequest, tabs: list[tuple[str, str]]) -> str:
    scopes = [scope for scope, _label in tabs]
    scope = request.GET.get("scope")
    if scope in scopes:
        return scope
    default = selectors.default_scope(request.user)
    return default if default in scopes else scopes[-1]


def _request_filter(request: HttpRequest, scope: str) -> RequestFilter:
    request_filter = RequestFilter(
        request.GET, queryset=selectors.inbox(user=request.user, scope=scope), request=request
    )
    if not request.user.is_street_level:
        # Community staff see one community: a choice of one is noise.
        request_filter.filters.pop("community", None)
    fields = request_filter.form.fields
    fields["overdue"].widget.choices = [("unknown", _("全部")), ("true", _("是")), ("false", _("否"))]
    for name in ("submitted_from", "submitted_to"):
        fields[name].widget.input_type = "date"
    return request_filter


def _list_rows(user: User, requests) -> list[ResidentRequest]:
    now = timezone.now()
    rows = list(requests)
    for row in rows:
        row.time_label, row.late = time_left_label(row, now)
        row.shows_name = _shows_name(user, row)
    return rows


@staff_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    tabs = _tabs(request.user)
    scope = _scope(request, tabs)
    request_filter = _request_filter(request, scope)
    page = Paginator(request_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    tab_query = _query_without(request, "page", "scope")
    return render(
        request,
        "resident_requests/inbox.html",
        {
            "tabs": [
                (value, label, f"scope={value}" + (f"&{tab_query}" if tab_query else ""), value == scope)
                for value, label in tabs
            ],
            "scope": scope,
            "filter": request_filter,
            "page": page,
            "rows": _list_rows(request.user, page.object_list),
            "query": _query_without(request, "page"),
            "can_log": _can_log_anywhere(request.user),
            # Coordinators may list requests as evidence for a 需求清单 item (projects app).
            "selectable": request.user.is_superuser or request.user.role in (*COORDINATOR_ROLES, Role.STREET_ADMIN),
        },
    )


# Intake: staff log what residents tell them


def _lookup_initial(request: HttpRequest) -> dict:
    """The posted values as the initial values of an unbound form (no validation, no errors shown)."""
    return {key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"}


def _created_message(request: HttpRequest, resident_request: ResidentRequest, created: bool) -> None:
    if created:
        messages.success(
            request, _("已登记,受理编号 %(code)s。") % {"code": resident_request.tracking_code}
        )
    else:
        messages.info(
            request, _("这份诉求已经提交过,受理编号 %(code)s。") % {"code": resident_request.tracking_code}
        )


@staff_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _can_log_anywhere(user):
        raise PermissionDenied
    photos_dropped = request.method == "POST" and bool(request.FILES.getlist("photos"))
    if request.method == "POST" and not any(button in request.POST for button in LOOKUP_BUTTONS):
        form = RequestIntakeForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            try:
                created_request, created = services.request_create(acting_user=user, **form.service_fields())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                _created_message(request, created_request, created)
                return redirect("requests:detail", pk=created_request.pk)
    elif request.method == "POST":
        form = RequestIntakeForm(initial=_lookup_initial(request), user=user)
    else:
        form = RequestIntakeForm(user=user)
    return render(
        request,
        "resident_requests/request_form.html",
        {"form": form, "photos_dropped": photos_dropped},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def snap_staff(request: HttpRequest) -> HttpResponse:
    """随手拍 by staff on their rounds: the staff member is the contact."""
    user = request.user
    if not _can_log_anywhere(user):
        raise PermissionDenied
    form = SnapForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created_request, created = services.request_create(
                acting_user=user,
                category=data["category"],
                channel=Channel.SNAPSHOT,
                description=data["description"],
                community=user.community if user.community_id else data["community"],
                building=data.get("building"),
                address=data["address"],
                contact_name=user.display_name[:30],
                contact_mobile=user.phone,
                photos=data["photos"],
                submission_token=data["submission_token"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _created_message(request, created_request, created)
            return redirect("requests:detail", pk=created_request.pk)
    return render(
        request,
        "resident_requests/snap.html",
        {"form": form, "photos_dropped": request.method == "POST" and bool(request.FILES.getlist("photos"))},
    )


# Detail and actions


@dataclass(frozen=True)
class Action:
    """One workflow action as the detail page offers it: the form, the service call, the words."""

    event: str
    form: type[ActionForm]
    label: str | Promise
    done: str | Promise
    run: Callable[[ResidentRequest, User, dict], ResidentRequest]
    # Street staff 督办 where a community secretary 催办 (services.request_urge picks the same way).
    street_event: str | None = None
    street_label: str | Promise | None = None

    def event_for(self, user: User) -> str:
        return self.street_event if self.street_event and user.is_street_level else self.event

    def label_for(self, user: User) -> str:
        return str(self.street_label if self.street_label and user.is_street_level else self.label)


ACTIONS: dict[str, Action] = {
    "accept": Action(
        EventAction.ACCEPT,
        NoteForm,
        gettext_lazy("受理"),
        gettext_lazy("已受理,办理时限开始计算。"),
        lambda r, u, d: services.request_accept(request=r, acting_user=u, note=d["note"]),
    ),
    "reject": Action(
        EventAction.REJECT,
        RejectForm,
        gettext_lazy("不予受理"),
        gettext_lazy("已不予受理。"),
        lambda r, u, d: services.request_reject(request=r, acting_user=u, reason=d["reason"]),
    ),
    "dispatch": Action(
        EventAction.DISPATCH,
        DispatchForm,
        gettext_lazy("派单"),
        gettext_lazy("已派单。"),
        lambda r, u, d: services.request_dispatch(
            request=r,
            acting_user=u,
            handler_kind=d["handler_kind"],
            handler=d["handler"],
            handler_unit=d["handler_unit"],
            note=d["note"],
        ),
    ),
    "sign": Action(
        EventAction.SIGN,
        NoteForm,
        gettext_lazy("签收"),
        gettext_lazy("已签收。"),
        lambda r, u, d: services.request_sign(request=r, acting_user=u, note=d["note"]),
    ),
    "resolve": Action(
        EventAction.RESOLVE,
        ResolveForm,
        gettext_lazy("办结"),
        gettext_lazy("已办结,等待回访。"),
        lambda r, u, d: services.request_resolve(request=r, acting_user=u, result=d["result"], photos=d["photos"]),
    ),
    "callback": Action(
        EventAction.CALLBACK,
        CallbackForm,
        gettext_lazy("保存回访"),
        gettext_lazy("已记录回访。"),
        lambda r, u, d: services.request_callback(
            request=r,
            acting_user=u,
            contacted=d["contacted"],
            solved=d["solved"],
            satisfaction=d["satisfaction"],
            note=d["note"],
        ),
    ),
    "reopen": Action(
        EventAction.REOPEN,
        ReopenForm,
        gettext_lazy("重办"),
        gettext_lazy("已重新受理,办理时限重新计算。"),
        lambda r, u, d: services.request_reopen(request=r, acting_user=u, reason=d["reason"]),
    ),
    "archive": Action(
        EventAction.ARCHIVE,
        NoteForm,
        gettext_lazy("归档"),
        gettext_lazy("已归档。"),
        lambda r, u, d: services.request_archive(request=r, acting_user=u, note=d["note"]),
    ),
    "return": Action(
        EventAction.RETURN,
        ReturnForm,
        gettext_lazy("退单"),
        gettext_lazy("已退单,等待重新派单。"),
        lambda r, u, d: services.request_return(request=r, acting_user=u, reason=d["reason"]),
    ),
    "extend": Action(
        EventAction.EXTEND_REQUEST,
        ExtensionAskForm,
        gettext_lazy("申请延期"),
        gettext_lazy("已提交延期申请,等待街道审批。"),
        lambda r, u, d: services.request_extension_ask(request=r, acting_user=u, until=d["until"], reason=d["reason"]),
    ),
    "extend-approve": Action(
        EventAction.EXTEND_APPROVE,
        NoteForm,
        gettext_lazy("同意延期"),
        gettext_lazy("已同意延期。"),
        lambda r, u, d: services.request_extension_decide(request=r, acting_user=u, approve=True, note=d["note"]),
    ),
    "extend-refuse": Action(
        EventAction.EXTEND_REFUSE,
        NoteForm,
        gettext_lazy("不同意延期"),
        gettext_lazy("已不同意延期。"),
        lambda r, u, d: services.request_extension_decide(request=r, acting_user=u, approve=False, note=d["note"]),
    ),
    "merge": Action(
        EventAction.MERGE,
        MergeForm,
        gettext_lazy("合并"),
        gettext_lazy("已合并。"),
        lambda r, u, d: services.request_merge(request=r, acting_user=u, target=d["target"], note=d["note"]),
    ),
    "urge": Action(
        EventAction.URGE,
        NoteForm,
        gettext_lazy("催办"),
        gettext_lazy("已催办,承办人会收到通知。"),
        lambda r, u, d: services.request_urge(request=r, acting_user=u, note=d["note"]),
        street_event=EventAction.SUPERVISE,
        street_label=gettext_lazy("督办"),
    ),
}


def available_actions(user: User, resident_request: ResidentRequest) -> list[str]:
    """Slugs of the page actions the user may take now (the rule is permissions.available_actions)."""
    events = set(permissions.available_actions(user, resident_request))
    return [slug for slug, action in ACTIONS.items() if action.event_for(user) in events]


def _detail_queryset():
    return ResidentRequest.objects.select_related(
        "category",
        "community",
        "compound",
        "building",
        "grid",
        "handler",
        "owner",
        "created_by",
        "resident",
        "merged_into",
        "reporter",
    )


def _action_form(slug: str, user: User, resident_request: ResidentRequest, *args) -> ActionForm:
    return ACTIONS[slug].form(*args, prefix=slug, user=user, resident_request=resident_request)


def _detail_context(
    request: HttpRequest, resident_request: ResidentRequest, bound: tuple[str, ActionForm] | None = None
) -> dict:
    user = request.user
    slugs = available_actions(user, resident_request)
    if bound is not None and bound[0] not in slugs:
        slugs.append(bound[0])
    forms = {slug: _action_form(slug, user, resident_request) for slug in slugs}
    if bound is not None:
        forms[bound[0]] = bound[1]
    photos = list(resident_request.photos.all())
    time_label, late = time_left_label(resident_request, timezone.now())
    mergeable = EventAction.MERGE in allowed_actions(resident_request.status)
    return {
        "req": resident_request,
        "actions": [(slug, ACTIONS[slug].label_for(user), forms[slug]) for slug in slugs],
        "bound_action": bound[0] if bound else "",
        "can_merge": "merge" in slugs,
        "duplicates": selectors.duplicate_candidates(resident_request) if mergeable else [],
        "handler_units": forms["dispatch"].unit_suggestions() if "dispatch" in forms else [],
        "events": selectors.timeline(resident_request),
        "before_photos": [photo for photo in photos if photo.kind == PhotoKind.BEFORE],
        "after_photos": [photo for photo in photos if photo.kind == PhotoKind.AFTER],
        "shows_name": _shows_name(user, resident_request),
        "shows_full_mobile": _shows_full_mobile(user, resident_request),
        "time_label": time_label,
        "late": late,
    }


@staff_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    resident_request = get_visible_or_404(_detail_queryset(), request.user, pk=pk)
    return render(request, "resident_requests/detail.html", _detail_context(request, resident_request))


@staff_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    user = request.user
    resident_request = get_visible_or_404(_detail_queryset(), user, pk=pk)
    event = spec.event_for(user)
    try:
        # Fail fast, in the service's order (state, then role), before any upload is
        # decoded; the service checks both again under the row lock.
        check_allowed(event, resident_request.status)
        if not can_act(user, resident_request, event):
            raise PermissionDenied
        form = _action_form(action, user, resident_request, request.POST, request.FILES)
        if form.is_valid():
            spec.run(resident_request, user, form.cleaned_data)
            messages.success(request, str(spec.done))
            return redirect("requests:detail", pk=resident_request.pk)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("requests:detail", pk=resident_request.pk)
    except ValidationError as exc:
        add_service_errors(form, exc)
    context = _detail_context(request, resident_request, bound=(action, form))
    return render(request, "resident_requests/detail.html", context, status=400)


# Export

EXPORT_COLUMNS = (
    # (header, width)
    ("受理编号", 14),
    ("提交时间", 17),
    ("来源渠道", 12),
    ("类别", 10),
    ("诉求内容", 40),
    ("社区", 10),
    ("网格", 14),
    ("地点", 30),
    ("联系人", 10),
    ("联系电话", 14),
    ("状态", 8),
    ("首接责任人", 10),
    ("承办方类型", 12),
    ("承办人/单位", 16),
    ("办理时限", 17),
    ("办结时间", 17),
    ("是否超期", 8),
    ("满意度", 8),
)


def _local(value: dt.datetime | None) -> dt.datetime | None:
    # Excel has no time zones: write the Shanghai wall-clock time staff read on the page.
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0) if value else None


def _export_row(row: ResidentRequest, now: dt.datetime) -> list:
    late = row.is_overdue(now) or (row.resolved_on_time is False)
    return [
        row.tracking_code,
        _local(row.submitted_at),
        row.get_channel_display(),
        row.category.name,
        row.description,
        row.community.name if row.community_id else "",
        row.grid.name if row.grid_id else "",
        row.place_label(),
        # An export leaves the system: a name the resident asked to hide stays out of it.
        "" if row.hide_name_from_handlers else row.contact_name,
        row.masked_mobile,
        row.get_status_display(),
        row.owner.display_name if row.owner_id else "",
        row.get_handler_kind_display() if row.handler_kind else "",
        row.handler.display_name if row.handler_id else row.handler_unit,
        _local(row.due_at),
        _local(row.resolved_at),
        _("是") if late else "",
        row.get_callback_satisfaction_display() if row.callback_satisfaction else "",
    ]


@staff_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The inbox as .xlsx: same tab, same filter, same scope, so the file matches the screen."""
    scope = _scope(request, _tabs(request.user))
    queryset = _request_filter(request, scope).qs
    count = queryset.count()
    if count > sheets.EXPORT_MAX_ROWS:
        messages.error(
            request,
            _("当前筛选结果有 %(count)s 件,超过单次导出上限 %(max)s 件,请先缩小筛选范围。")
            % {"count": count, "max": sheets.EXPORT_MAX_ROWS},
        )
        query = _query_without(request, "page")
        return redirect(reverse("requests:inbox") + (f"?{query}" if query else ""))
    now = timezone.now()
    content, row_count = sheets.write_workbook(
        title="居民诉求",
        headers=[header for header, _width in EXPORT_COLUMNS],
        widths=[width for _header, width in EXPORT_COLUMNS],
        rows=(_export_row(row, now) for row in queryset),
    )
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=ResidentRequest,
        object_repr="居民诉求",
        changes={"筛选": _filter_label(request.GET) or "无", "行数": str(row_count)},
    )
    today = timezone.localdate()
    return _xlsx_response(
        sheets.SheetFile(
            content=content,
            filename=f"居民诉求_{today:%Y%m%d}.xlsx",
            ascii_filename=f"requests_{today:%Y%m%d}.xlsx",
            row_count=row_count,
        )
    )
