"""Every write to a resident request. Pages, the API, tasks and the admin call these.

Each action locks the row (`select_for_update`), checks the actor and the state
table in `workflow.py`, saves, writes a `RequestEvent` and sends notices on
commit. Two staff pressing 受理 at once: the second waits for the lock, then
finds the state changed and gets a WorkflowError.
"""

import datetime as dt
import uuid
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from communities.models import Building, Community, Compound, Resident
from resident_requests import notices
from resident_requests.models import (
    OPEN_STATES,
    Channel,
    EventAction,
    HandlerKind,
    PhotoKind,
    Reporter,
    RequestCategory,
    RequestEvent,
    RequestPhoto,
    ResidentRequest,
    Satisfaction,
    Status,
)
from resident_requests.permissions import can_act, can_log_request
from resident_requests.workflow import Transition, WorkflowError, check_allowed
from xietang.images import ProcessedImage

MAX_PHOTOS_PER_KIND = 6


# Intake


def next_tracking_code(now: dt.datetime | None = None) -> str:
    """XT + local date + a 4-digit serial of the day: XT2611210042. Readable over the phone."""
    prefix = f"XT{timezone.localtime(now or timezone.now()):%y%m%d}"
    last = (
        ResidentRequest.objects.filter(tracking_code__startswith=prefix)
        .order_by("-tracking_code")
        .values_list("tracking_code", flat=True)
        .first()
    )
    serial = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{serial:04d}"


def _check_place(*, community: Community | None, compound: Compound | None, building: Building | None) -> None:
    if building is not None and compound is not None and building.compound_id != compound.pk:
        raise ValidationError({"building": _("所选楼栋不属于所选小区。")})
    if compound is not None and community is not None and compound.community_id != community.pk:
        raise ValidationError({"compound": _("所选小区不属于所选社区。")})


def request_create(
    *,
    category: RequestCategory,
    channel: str,
    description: str,
    contact_name: str,
    contact_mobile: str,
    community: Community | None = None,
    compound: Compound | None = None,
    building: Building | None = None,
    address: str = "",
    hide_name_from_handlers: bool = False,
    resident: Resident | None = None,
    referral_number: str = "",
    photos: Iterable[ProcessedImage] = (),
    acting_user: User | None = None,
    reporter: Reporter | None = None,
    submission_token: str | None = None,
    intake_note: str = "",
) -> tuple[ResidentRequest, bool]:
    """Log a request. `acting_user` None means the resident on the public page (or a reporter).

    Returns (request, created): a repeated `submission_token` returns the first request.
    `intake_note` is the internal note of the 提交 timeline row: what the intake channel
    knows besides the request's fields (the partner platform, a photo link).
    """
    if submission_token:
        existing = ResidentRequest.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            return existing, False
    if building is not None:
        compound = compound or building.compound
    if compound is not None:
        community = community or compound.community
    _check_place(community=community, compound=compound, building=building)
    if acting_user is not None and not can_log_request(acting_user, community.pk if community else None):
        raise PermissionDenied(_("不能为该社区登记诉求。"))
    if resident is not None and community is not None and resident.community_id != community.pk:
        raise ValidationError({"resident": _("所选居民不属于该社区。")})
    if channel == Channel.REFERRAL and not referral_number:
        raise ValidationError({"referral_number": _("上级交办的诉求请填写交办单号。")})
    photos = list(photos)
    if len(photos) > MAX_PHOTOS_PER_KIND:
        raise ValidationError({"photos": _("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS_PER_KIND}})

    request = ResidentRequest(
        category=category,
        channel=channel,
        description=description,
        community=community,
        compound=compound,
        building=building,
        grid_id=building.grid_id if building else None,
        address=address,
        contact_name=contact_name,
        contact_mobile=contact_mobile,
        hide_name_from_handlers=hide_name_from_handlers,
        resident=resident,
        referral_number=referral_number,
        reporter=reporter,
        created_by=acting_user,
        submission_token=submission_token or None,
        tracking_code="XT-pending",
    )
    request.full_clean(exclude=["tracking_code", "submission_token"])
    for _attempt in range(5):
        try:
            with transaction.atomic():
                request.tracking_code = next_tracking_code()
                request.save()
                _attach_photos(request, photos, kind=PhotoKind.BEFORE, uploaded_by=acting_user)
                event = _record(request, EventAction.SUBMIT, acting_user, "", Status.SUBMITTED, note=intake_note)
                notices.request_submitted(request, event)
            return request, True
        except IntegrityError:
            # Either a concurrent submission took the serial (try the next one), or the
            # same form arrived twice at once (return the one that won).
            request.pk = None
            if submission_token:
                existing = ResidentRequest.objects.filter(submission_token=submission_token).first()
                if existing is not None:
                    return existing, False
    raise IntegrityError("could not allocate a tracking code")


def _attach_photos(
    request: ResidentRequest, photos: Iterable[ProcessedImage], *, kind: str, uploaded_by: User | None
) -> None:
    for processed in photos:
        stem = uuid.uuid4().hex
        photo = RequestPhoto(
            request=request, kind=kind, width=processed.width, height=processed.height, uploaded_by=uploaded_by
        )
        photo.image.save(f"{stem}.jpg", processed.full, save=False)
        photo.thumbnail.save(f"{stem}_thumb.jpg", processed.thumbnail, save=False)
        photo.save()


# The workflow


def _lock(request: ResidentRequest) -> ResidentRequest:
    return ResidentRequest.objects.select_for_update().get(pk=request.pk)


def _begin(request: ResidentRequest, action: str, acting_user: User | None) -> tuple[ResidentRequest, Transition]:
    """Lock the row, then check the state and the actor against the fresh copy."""
    locked = _lock(request)
    # State first: "已受理, cannot 签收" tells the user more than "no permission" when nobody could.
    transition = check_allowed(action, locked.status)
    if acting_user is not None and not can_act(acting_user, locked, action):
        raise PermissionDenied(_("您没有权限对该诉求执行「%(action)s」。") % {"action": EventAction(action).label})
    return locked, transition


def _record(
    request: ResidentRequest,
    action: str,
    actor: User | None,
    from_status: str,
    to_status: str,
    *,
    note: str = "",
    public_note: str = "",
) -> RequestEvent:
    return RequestEvent.objects.create(
        request=request,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=note,
        public_note=public_note,
    )


def _move(
    request: ResidentRequest,
    transition: Transition,
    action: str,
    actor: User | None,
    *,
    fields: Iterable[str] = (),
    note: str = "",
    public_note: str = "",
) -> RequestEvent:
    from_status = request.status
    if transition.target is not None:
        request.status = transition.target
    request.save(update_fields=[*fields, "status", "updated_at"])
    return _record(request, action, actor, from_status, request.status, note=note, public_note=public_note)


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def request_accept(*, request: ResidentRequest, acting_user: User, note: str = "") -> ResidentRequest:
    """受理: the clock starts now, from the category's time limit; the acceptor owns the case (首接负责)."""
    request, transition = _begin(request, EventAction.ACCEPT, acting_user)
    now = timezone.now()
    request.accepted_at = now
    request.due_at = now + request.category.time_limit
    request.owner = acting_user
    _move(request, transition, EventAction.ACCEPT, acting_user, fields=["accepted_at", "due_at", "owner"], note=note)
    if request.reporter_id is not None:
        # 随手拍 points (volunteers app, which imports this one: hence the local imports).
        from volunteers.tasks.points import award_report_points
        from xietang.queue import enqueue_on_commit

        enqueue_on_commit(award_report_points, request.pk)
    return request


@transaction.atomic
def request_reject(*, request: ResidentRequest, acting_user: User, reason: str) -> ResidentRequest:
    reason = _required(reason, "reason", _("请说明不予受理的理由。"))
    request, transition = _begin(request, EventAction.REJECT, acting_user)
    request.rejection_reason = reason[:200]
    request.owner = acting_user
    _move(
        request,
        transition,
        EventAction.REJECT,
        acting_user,
        fields=["rejection_reason", "owner"],
        note=reason,
        public_note=reason,
    )
    return request


@transaction.atomic
def request_merge(
    *, request: ResidentRequest, acting_user: User, target: ResidentRequest, note: str = ""
) -> ResidentRequest:
    """合并: a duplicate follows the target; its resident sees the target's outcome."""
    if target.pk == request.pk:
        raise ValidationError({"target": _("不能合并到自身。")})
    if target.community_id != request.community_id:
        raise ValidationError({"target": _("只能合并到同一社区的诉求。")})
    if target.status in (Status.REJECTED, Status.MERGED, Status.ARCHIVED):
        raise ValidationError({"target": _("目标诉求已结束,不能合并到它。")})
    request, transition = _begin(request, EventAction.MERGE, acting_user)
    request.merged_into = target
    request.owner = request.owner or acting_user
    _move(
        request,
        transition,
        EventAction.MERGE,
        acting_user,
        fields=["merged_into", "owner"],
        note=note,
        public_note=_("与 %(code)s 合并办理") % {"code": target.tracking_code},
    )
    _record(
        target,
        EventAction.MERGE,
        acting_user,
        target.status,
        target.status,
        note=_("合并了 %(code)s") % {"code": request.tracking_code},
    )
    return request


def _check_handler(request: ResidentRequest, handler_kind: str, handler: User | None, handler_unit: str) -> None:
    if handler_kind in (HandlerKind.STREET_DEPARTMENT, HandlerKind.PROPERTY_COMPANY):
        if not handler_unit.strip():
            raise ValidationError({"handler_unit": _("请填写承办单位名称。")})
        return
    roles = {HandlerKind.GRID_WORKER: (Role.GRID_WORKER,), HandlerKind.COMMUNITY_STAFF: (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER)}
    if handler_kind not in roles:
        raise ValidationError({"handler_kind": _("请选择承办方类型。")})
    if handler is None:
        raise ValidationError({"handler": _("请选择承办人。")})
    if not handler.is_active or handler.role not in roles[handler_kind] or handler.community_id != request.community_id:
        raise ValidationError({"handler": _("承办人必须是本社区在岗的%(kind)s。") % {"kind": HandlerKind(handler_kind).label}})


@transaction.atomic
def request_dispatch(
    *,
    request: ResidentRequest,
    acting_user: User,
    handler_kind: str,
    handler: User | None = None,
    handler_unit: str = "",
    note: str = "",
) -> ResidentRequest:
    request, transition = _begin(request, EventAction.DISPATCH, acting_user)
    _check_handler(request, handler_kind, handler, handler_unit)
    external = handler_kind in (HandlerKind.STREET_DEPARTMENT, HandlerKind.PROPERTY_COMPANY)
    request.handler_kind = handler_kind
    request.handler = None if external else handler
    request.handler_unit = handler_unit.strip() if external else ""
    request.dispatched_at = timezone.now()
    request.signed_at = None
    target = request.handler_unit or (handler.display_name if handler else "")
    event = _move(
        request,
        transition,
        EventAction.DISPATCH,
        acting_user,
        fields=["handler_kind", "handler", "handler_unit", "dispatched_at", "signed_at"],
        note=_("派给 %(target)s。%(note)s") % {"target": target, "note": note},
    )
    notices.request_dispatched(request, event)
    return request


@transaction.atomic
def request_return(*, request: ResidentRequest, acting_user: User, reason: str) -> ResidentRequest:
    """退单: back to 已受理 for re-dispatch; the due time keeps running."""
    reason = _required(reason, "reason", _("请说明退单理由。"))
    request, transition = _begin(request, EventAction.RETURN, acting_user)
    request.handler = None
    request.handler_unit = ""
    request.handler_kind = ""
    request.signed_at = None
    event = _move(
        request,
        transition,
        EventAction.RETURN,
        acting_user,
        fields=["handler", "handler_unit", "handler_kind", "signed_at"],
        note=reason,
    )
    notices.request_returned(request, event)
    return request


@transaction.atomic
def request_sign(*, request: ResidentRequest, acting_user: User, note: str = "") -> ResidentRequest:
    request, transition = _begin(request, EventAction.SIGN, acting_user)
    request.signed_at = timezone.now()
    _move(request, transition, EventAction.SIGN, acting_user, fields=["signed_at"], note=note)
    return request


@transaction.atomic
def request_resolve(
    *, request: ResidentRequest, acting_user: User, result: str, photos: Iterable[ProcessedImage] = ()
) -> ResidentRequest:
    """办结 with the result (shown to the resident) and after-photos."""
    result = _required(result, "result", _("请填写办理结果。"))
    photos = list(photos)
    request, transition = _begin(request, EventAction.RESOLVE, acting_user)
    if len(photos) + request.photos.filter(kind=PhotoKind.AFTER).count() > MAX_PHOTOS_PER_KIND:
        raise ValidationError({"photos": _("办结照片最多 %(n)s 张。") % {"n": MAX_PHOTOS_PER_KIND}})
    request.result = result
    request.resolved_at = timezone.now()
    request.callback_reminded_at = None
    # A pending extension means nothing once the work is done (and must not move a later reopen's due time).
    request.extension_until = None
    request.extension_reason = ""
    _attach_photos(request, photos, kind=PhotoKind.AFTER, uploaded_by=acting_user)
    _move(
        request,
        transition,
        EventAction.RESOLVE,
        acting_user,
        fields=["result", "resolved_at", "callback_reminded_at", "extension_until", "extension_reason"],
        note=result,
        public_note=result,
    )
    return request


def _check_satisfaction(satisfaction: str) -> None:
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("请选择满意度。")})


@transaction.atomic
def request_callback(
    *,
    request: ResidentRequest,
    acting_user: User,
    contacted: bool,
    solved: bool,
    satisfaction: str,
    note: str = "",
) -> ResidentRequest:
    """回访: was the resident contacted, is it solved, how satisfied (DOMAIN.md §3 rates)."""
    _check_satisfaction(satisfaction)
    request, transition = _begin(request, EventAction.CALLBACK, acting_user)
    request.callback_at = timezone.now()
    request.callback_contacted = contacted
    request.callback_solved = solved
    request.callback_satisfaction = satisfaction
    event = _move(
        request,
        transition,
        EventAction.CALLBACK,
        acting_user,
        fields=["callback_at", "callback_contacted", "callback_solved", "callback_satisfaction"],
        note=_callback_summary(contacted, solved, satisfaction, note),
    )
    if satisfaction == Satisfaction.DISSATISFIED:
        notices.request_dissatisfied(request, event)
    return request


def _callback_summary(contacted: bool, solved: bool, satisfaction: str, note: str) -> str:
    parts = [
        _("已联系") if contacted else _("未联系"),
        _("已解决") if solved else _("未解决"),
        str(Satisfaction(satisfaction).label),
    ]
    return "、".join(parts) + (f"。{note}" if note else "")


@transaction.atomic
def request_rate(
    *, request: ResidentRequest, contacted: bool, solved: bool, satisfaction: str, comment: str = ""
) -> ResidentRequest:
    """The resident's own rating on the tracking page, once.

    It is a callback in the resident's own words, so it replaces what staff
    recorded: the rates must reflect what residents say.
    """
    _check_satisfaction(satisfaction)
    request, transition = _begin(request, EventAction.RATE, None)
    if request.resident_rated_at is not None:
        raise WorkflowError(_("您已评价过这件诉求,感谢您的反馈。"))
    now = timezone.now()
    request.resident_rated_at = now
    request.resident_comment = comment.strip()[:500]
    request.callback_at = now
    request.callback_contacted = contacted
    request.callback_solved = solved
    request.callback_satisfaction = satisfaction
    target = Status.CALLED_BACK if request.status == Status.RESOLVED else None
    event = _move(
        request,
        Transition(transition.sources, target),
        EventAction.RATE,
        None,
        fields=[
            "resident_rated_at",
            "resident_comment",
            "callback_at",
            "callback_contacted",
            "callback_solved",
            "callback_satisfaction",
        ],
        note=_callback_summary(contacted, solved, satisfaction, request.resident_comment),
    )
    if satisfaction == Satisfaction.DISSATISFIED:
        notices.request_dissatisfied(request, event)
    return request


@transaction.atomic
def request_reopen(*, request: ResidentRequest, acting_user: User, reason: str) -> ResidentRequest:
    """重办 after a 不满意 callback: back to 已受理 with a fresh time limit."""
    reason = _required(reason, "reason", _("请说明重办原因。"))
    request, transition = _begin(request, EventAction.REOPEN, acting_user)
    if request.callback_satisfaction != Satisfaction.DISSATISFIED:
        raise WorkflowError(_("只有回访不满意的诉求才能重办。"))
    now = timezone.now()
    request.due_at = now + request.category.time_limit
    request.reopen_count += 1
    request.handler = None
    request.handler_unit = ""
    request.handler_kind = ""
    request.resolved_at = None
    request.signed_at = None
    request.reminded_at = None
    request.escalation_level = 0
    _move(
        request,
        transition,
        EventAction.REOPEN,
        acting_user,
        fields=[
            "due_at",
            "reopen_count",
            "handler",
            "handler_unit",
            "handler_kind",
            "resolved_at",
            "signed_at",
            "reminded_at",
            "escalation_level",
        ],
        note=reason,
    )
    return request


@transaction.atomic
def request_archive(*, request: ResidentRequest, acting_user: User, note: str = "") -> ResidentRequest:
    request, transition = _begin(request, EventAction.ARCHIVE, acting_user)
    request.archived_at = timezone.now()
    _move(request, transition, EventAction.ARCHIVE, acting_user, fields=["archived_at"], note=note)
    return request


@transaction.atomic
def request_extension_ask(
    *, request: ResidentRequest, acting_user: User, until: dt.datetime, reason: str
) -> ResidentRequest:
    """延期申请 by the handler; the street decides."""
    reason = _required(reason, "reason", _("请说明延期理由。"))
    request, transition = _begin(request, EventAction.EXTEND_REQUEST, acting_user)
    if request.extension_until is not None:
        raise WorkflowError(_("已有待审批的延期申请。"))
    if request.due_at is not None and until <= request.due_at:
        raise ValidationError({"until": _("延期后的时限必须晚于当前时限。")})
    request.extension_until = until
    request.extension_reason = reason[:200]
    event = _move(
        request,
        transition,
        EventAction.EXTEND_REQUEST,
        acting_user,
        fields=["extension_until", "extension_reason"],
        note=_("申请延期至 %(until)s:%(reason)s") % {"until": _local(until), "reason": reason},
    )
    notices.request_extension_asked(request, event)
    return request


@transaction.atomic
def request_extension_decide(
    *, request: ResidentRequest, acting_user: User, approve: bool, note: str = ""
) -> ResidentRequest:
    action = EventAction.EXTEND_APPROVE if approve else EventAction.EXTEND_REFUSE
    request, transition = _begin(request, action, acting_user)
    if request.extension_until is None:
        raise WorkflowError(_("没有待审批的延期申请。"))
    fields = ["extension_until", "extension_reason"]
    if approve:
        request.due_at = request.extension_until
        # A new time limit earns a new reminder and restarts escalation.
        request.reminded_at = None
        request.escalation_level = 0
        fields += ["due_at", "reminded_at", "escalation_level"]
        summary = _("同意延期至 %(until)s。") % {"until": _local(request.extension_until)}
    else:
        summary = _("不同意延期。")
    request.extension_until = None
    request.extension_reason = ""
    event = _move(request, transition, action, acting_user, fields=fields, note=summary + note)
    notices.request_extension_decided(request, event)
    return request


@transaction.atomic
def request_urge(*, request: ResidentRequest, acting_user: User | None, note: str = "") -> ResidentRequest:
    """催办 (community secretary) or 督办 (street); with no user, the escalation task."""
    action = EventAction.SUPERVISE if acting_user is not None and acting_user.is_street_level else EventAction.URGE
    request, transition = _begin(request, action, acting_user)
    request.urge_count += 1
    event = _move(request, transition, action, acting_user, fields=["urge_count"], note=note)
    notices.request_urged(request, event)
    return request


def _local(value: dt.datetime) -> str:
    value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"


# System actions (Celery)
#
# The sweeps in tasks.py call these with no acting user: the system acts, and
# its events have actor None (shown as 系统). Each claims its work with a
# conditional UPDATE inside the transaction; only the run whose UPDATE matched
# records the event and notifies, so a sweep run twice (overlapping beats, a
# redelivered message) acts once. A failure rolls the claim back with the rest,
# and the next sweep tries again.


@transaction.atomic
def request_remind_due(*, request_id: int) -> bool:
    """到期提醒 once per time limit: inside the category's lead time before due_at, still open."""
    request = ResidentRequest.objects.select_related("category", "handler", "owner").get(pk=request_id)
    now = timezone.now()
    if request.due_at is None or not (request.due_at - request.category.reminder_lead <= now < request.due_at):
        return False
    # due_at in the claim: an extension approved since we read the row moves the window.
    claimed = ResidentRequest.objects.filter(
        pk=request_id, reminded_at__isnull=True, status__in=OPEN_STATES, due_at=request.due_at
    ).update(reminded_at=now)
    if not claimed:
        return False
    request.refresh_from_db(fields=["status", "reminded_at"])
    event = _record(
        request,
        EventAction.REMIND,
        None,
        request.status,
        request.status,
        note=_("将于 %(due)s 到期,请抓紧办理。") % {"due": _local(request.due_at)},
    )
    notices.request_due_soon(request, event)
    return True


# Escalation levels (ResidentRequest.escalation_level): 0 none, 1 催办 to the community, 2 督办 by the street.
ESCALATED_TO_COMMUNITY = 1
ESCALATED_TO_STREET = 2


@transaction.atomic
def request_escalate(*, request_id: int, street_after: dt.timedelta) -> int:
    """Escalate an overdue open request; return how many levels it rose (0, 1 or 2).

    Overdue → 催办 (URGE) to the secretary and whoever must act; overdue by more
    than `street_after` → 督办 (SUPERVISE) to the street. A case found for the
    first time already past the street threshold (beat was down) gets both at once.
    """
    request = ResidentRequest.objects.select_related("category", "handler", "owner").get(pk=request_id)
    now = timezone.now()
    if request.status not in OPEN_STATES or request.due_at is None or request.due_at >= now:
        return 0
    target = ESCALATED_TO_STREET if request.due_at < now - street_after else ESCALATED_TO_COMMUNITY
    level = request.escalation_level
    if level >= target:
        return 0
    steps = target - level
    claimed = ResidentRequest.objects.filter(
        pk=request_id, escalation_level=level, status__in=OPEN_STATES, due_at=request.due_at
    ).update(escalation_level=target, urge_count=F("urge_count") + steps)
    if not claimed:
        return 0
    request.refresh_from_db(fields=["status", "escalation_level", "urge_count"])
    overdue_hours = int((now - request.due_at).total_seconds() // 3600)
    if level < ESCALATED_TO_COMMUNITY:
        event = _record(
            request,
            EventAction.URGE,
            None,
            request.status,
            request.status,
            note=_("已超期,系统催办(时限 %(due)s)。") % {"due": _local(request.due_at)},
        )
        notices.request_overdue(request, event)
    if target >= ESCALATED_TO_STREET:
        event = _record(
            request,
            EventAction.SUPERVISE,
            None,
            request.status,
            request.status,
            note=_("已超期 %(hours)s 小时,提请街道督办(时限 %(due)s)。")
            % {"hours": overdue_hours, "due": _local(request.due_at)},
        )
        notices.request_supervised(request, event)
    return steps


# 回访 is due the day after 办结 (DOMAIN.md §3 lifecycle).
CALLBACK_REMINDER_AFTER = dt.timedelta(days=1)


@transaction.atomic
def request_remind_callback(*, request_id: int) -> bool:
    """Remind the owner (首接负责) to call the resident back; once per resolution.

    No timeline event: the reminder changes nothing about the case, and the
    notification list is where a missed callback is chased.
    """
    now = timezone.now()
    claimed = ResidentRequest.objects.filter(
        pk=request_id,
        status=Status.RESOLVED,
        callback_reminded_at__isnull=True,
        resolved_at__lt=now - CALLBACK_REMINDER_AFTER,
    ).update(callback_reminded_at=now)
    if not claimed:
        return False
    request = ResidentRequest.objects.select_related("category", "owner").get(pk=request_id)
    notices.request_callback_due(request)
    return True


# What replaces the resident's name once the retention period ends.
PURGED_CONTACT_NAME = "已删除"


@transaction.atomic
def request_contacts_purge(*, older_than: dt.timedelta) -> int:
    """Remove residents' contact data from requests closed longer than `older_than` ago; return how many.

    PIPL: personal information is deleted when the purpose ends. Closed means
    归档 (archived_at) or ended without handling, 不予受理/合并 (the time of
    that event). Name and mobile are replaced, the resident's comment cleared,
    and the comment copied into the 居民评价 timeline note goes too. The case,
    its place and its callback figures stay: the assessment still counts them.
    A queryset update, so no full_clean: the blank mobile would fail validate_mobile.
    """
    now = timezone.now()
    cutoff = now - older_than
    ended_unhandled = RequestEvent.objects.filter(
        request=OuterRef("pk"),
        action__in=(EventAction.REJECT, EventAction.MERGE),
        to_status__in=(Status.REJECTED, Status.MERGED),
        at__lt=cutoff,
    )
    purged = (
        ResidentRequest.objects.filter(contact_purged_at__isnull=True)
        .filter(
            Q(status=Status.ARCHIVED, archived_at__lt=cutoff)
            | Q(Exists(ended_unhandled), status__in=(Status.REJECTED, Status.MERGED))
        )
        .update(
            contact_name=PURGED_CONTACT_NAME,
            contact_mobile="",
            resident_comment="",
            contact_purged_at=now,
        )
    )
    if purged:
        # `now` marks exactly the rows this run claimed.
        RequestEvent.objects.filter(request__contact_purged_at=now, action=EventAction.RATE).update(
            note=_("居民评价内容已按保存期限删除。")
        )
    return purged
