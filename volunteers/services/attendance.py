"""Attendance (签到/签退) and service hours (服务时长). DOMAIN.md §6.

民政部《志愿服务记录与证明出具办法(试行)》: hours are actual service time
without travel — check-in to check-out, capped at the shift's length — recorded
and confirmed by the organiser ("谁组织谁记录"). A record is pending until
confirmed or rejected; every change writes a ServiceHoursChange row, and
points move only through volunteers.services.points.

    pending  --confirm-->  confirmed   (points once)
    pending  --reject--->  rejected    (reason)
    rejected --reopen--->  pending     (reason)
    pending/confirmed --correct--> same status, new minutes (reason; confirmed: ledger difference)
"""

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from volunteers.models import (
    AttendanceMethod,
    HoursStatus,
    PointsEntry,
    PointsKind,
    ServiceHours,
    ServiceHoursChange,
    Shift,
    Signup,
    SignupStatus,
)
from volunteers.services.activities import can_manage_activity
from volunteers.services.points import (
    points_award_once,
    points_change,
    points_for_minutes,
)

logger = logging.getLogger(__name__)

# A volunteer may scan the venue QR this long before the shift starts and after it ends.
QR_WINDOW = dt.timedelta(minutes=30)


def _require_manager(user: User, activity) -> None:
    if not can_manage_activity(user, activity):
        raise PermissionDenied


def service_minutes(*, shift: Shift, checked_in_at: dt.datetime, checked_out_at: dt.datetime) -> int:
    """Actual service time in whole minutes, never more than the shift is long (no travel, no overtime)."""
    served = int((checked_out_at - checked_in_at).total_seconds() // 60)
    length = int((shift.ends_at - shift.starts_at).total_seconds() // 60)
    return max(0, min(served, length, 24 * 60))


def _content(activity) -> str:
    return f"{activity.get_activity_type_display()} · {activity.title}"[:100]


def _locked_signup(signup: Signup) -> Signup:
    return Signup.objects.select_for_update().select_related("shift__activity", "volunteer").get(pk=signup.pk)


@transaction.atomic
def signup_check_in(
    *, signup: Signup, at: dt.datetime | None = None, method: str = AttendanceMethod.ORGANISER, acting_user: User | None
) -> Signup:
    """签到. `acting_user` None only for the volunteer's own QR scan (checked by the caller's window)."""
    signup = _locked_signup(signup)
    if acting_user is not None:
        _require_manager(acting_user, signup.shift.activity)
    if signup.status != SignupStatus.CONFIRMED:
        raise ValidationError(_("只有已报名(非候补、未取消)的志愿者可以签到。"))
    if signup.checked_in_at is not None:
        raise ValidationError(_("已经签到过了。"))
    at = at or timezone.now()
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"at": _("签到时间不能晚于现在。")})
    signup.checked_in_at = at
    signup.check_in_method = method
    signup.save(update_fields=["checked_in_at", "check_in_method"])
    logger.info("signup %s checked in (%s)", signup.pk, method)
    return signup


@transaction.atomic
def signup_check_out(*, signup: Signup, at: dt.datetime | None = None, acting_user: User | None) -> ServiceHours:
    """签退: writes the pending service record (minutes capped at the shift's length)."""
    signup = _locked_signup(signup)
    if acting_user is not None:
        _require_manager(acting_user, signup.shift.activity)
    if signup.checked_in_at is None:
        raise ValidationError(_("尚未签到,不能签退。"))
    if signup.checked_out_at is not None:
        raise ValidationError(_("已经签退过了。"))
    at = at or timezone.now()
    if at <= signup.checked_in_at:
        raise ValidationError({"at": _("签退时间须晚于签到时间。")})
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"at": _("签退时间不能晚于现在。")})
    signup.checked_out_at = at
    signup.save(update_fields=["checked_out_at"])
    shift = signup.shift
    minutes = service_minutes(shift=shift, checked_in_at=signup.checked_in_at, checked_out_at=at)
    record = ServiceHours(
        signup=signup,
        volunteer=signup.volunteer,
        activity=shift.activity,
        served_on=timezone.localtime(signup.checked_in_at).date(),
        minutes=minutes,
        content=_content(shift.activity),
        status=HoursStatus.PENDING,
    )
    record.full_clean(exclude={"signup", "volunteer", "activity", "decided_by", "decided_at"})
    record.save()
    ServiceHoursChange.objects.create(
        record=record, old_minutes=None, new_minutes=minutes, old_status="", new_status=HoursStatus.PENDING,
        reason=_("签退自动记录"), actor=acting_user,
    )
    logger.info("signup %s checked out: %s minutes pending", signup.pk, minutes)
    return record


def find_scan_signup(*, shift_qs, code_or_mobile: str) -> Signup | None:
    """The confirmed sign-up a volunteer means by their 6-char code or their mobile, among the given shifts."""
    value = (code_or_mobile or "").strip().upper()
    if not value:
        return None
    rows = Signup.objects.filter(shift__in=shift_qs, status=SignupStatus.CONFIRMED)
    if len(value) == 11 and value.isdigit():
        rows = rows.filter(volunteer__mobile=value)
    else:
        rows = rows.filter(code=value)
    # The one still open: not checked out yet; the earliest shift first.
    return rows.filter(checked_out_at__isnull=True).order_by("shift__starts_at").first()


def qr_window_shifts(activity, now: dt.datetime | None = None):
    """Shifts of the activity whose window (start − 30 min … end + 30 min) contains now."""
    now = now or timezone.now()
    return activity.shifts.filter(starts_at__lte=now + QR_WINDOW, ends_at__gte=now - QR_WINDOW)


@transaction.atomic
def qr_scan(*, activity, code_or_mobile: str) -> tuple[str, Signup]:
    """The volunteer's scan of the venue QR: first scan checks in, second checks out.

    Returns ("in" | "out", signup). ValidationError when no shift is open now or no
    confirmed sign-up matches (one message for both: it tells a stranger nothing).
    """
    now = timezone.now()
    shifts = qr_window_shifts(activity, now)
    if not shifts.exists():
        raise ValidationError(_("现在不在活动班次时间内(开始前 30 分钟至结束后 30 分钟可扫码签到签退)。"))
    signup = find_scan_signup(shift_qs=shifts, code_or_mobile=code_or_mobile)
    if signup is None:
        raise ValidationError({"code": _("没有找到本班次的有效报名,请核对报名确认码或手机号。")})
    if signup.checked_in_at is None:
        return "in", signup_check_in(signup=signup, at=now, method=AttendanceMethod.QR, acting_user=None)
    signup_check_out(signup=signup, at=now, acting_user=None)
    signup.refresh_from_db()
    return "out", signup


# Hours decisions


def _locked_record(record: ServiceHours) -> ServiceHours:
    return ServiceHours.objects.select_for_update().select_related("activity", "volunteer").get(pk=record.pk)


def _check_decider(user: User, record: ServiceHours) -> None:
    _require_manager(user, record.activity)
    # 谁组织谁记录: nobody confirms their own hours, even a staff member who also volunteers.
    phone = getattr(user, "phone", "") or ""
    if phone and phone == record.volunteer.mobile:
        raise PermissionDenied(_("不能确认本人的服务时长。"))


def _history(record: ServiceHours, *, old_minutes, old_status, reason: str, actor: User) -> None:
    ServiceHoursChange.objects.create(
        record=record,
        old_minutes=old_minutes,
        new_minutes=record.minutes,
        old_status=old_status,
        new_status=record.status,
        reason=reason[:200],
        actor=actor,
    )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写原因。")})
    return reason


def hours_points_reason(record: ServiceHours) -> str:
    """The ledger line of points earned by confirmed hours (pages, demo and API alike)."""
    return _("服务时长 %(minutes)s 分钟:%(content)s(%(date)s)") % {
        "minutes": record.minutes,
        "content": record.content,
        "date": f"{record.served_on.year}年{record.served_on.month}月{record.served_on.day}日",
    }


def points_earned(record: ServiceHours) -> int:
    """What this record has put on the ledger so far (award plus corrections)."""
    return PointsEntry.objects.filter(hours=record).aggregate(total=Sum("delta"))["total"] or 0


@transaction.atomic
def hours_confirm(*, record: ServiceHours, acting_user: User) -> ServiceHours:
    record = _locked_record(record)
    _check_decider(acting_user, record)
    if record.status != HoursStatus.PENDING:
        raise ValidationError(_("只有待确认的时长可以确认。"))
    old = record.status
    record.status = HoursStatus.CONFIRMED
    record.reject_reason = ""
    record.decided_by = acting_user
    record.decided_at = timezone.now()
    record.save(update_fields=["status", "reject_reason", "decided_by", "decided_at"])
    _history(record, old_minutes=record.minutes, old_status=old, reason="", actor=acting_user)
    points = points_for_minutes(record.minutes) - points_earned(record)
    if not PointsEntry.objects.filter(hours=record, kind=PointsKind.HOURS).exists():
        points_award_once(
            volunteer=record.volunteer,
            points=points_for_minutes(record.minutes),
            kind=PointsKind.HOURS,
            hours=record,
            reason=hours_points_reason(record),
            acting_user=acting_user,
        )
    elif points:
        # Confirmed once before (then corrected while pending): settle only the difference.
        _settle(record, points, acting_user)
    logger.info("hours %s confirmed by user %s", record.pk, acting_user.pk)
    return record


@transaction.atomic
def hours_reject(*, record: ServiceHours, reason: str, acting_user: User) -> ServiceHours:
    reason = _reason(reason)
    record = _locked_record(record)
    _check_decider(acting_user, record)
    if record.status != HoursStatus.PENDING:
        raise ValidationError(_("只有待确认的时长可以不予确认;已确认的请更正时长。"))
    old = record.status
    record.status = HoursStatus.REJECTED
    record.reject_reason = reason[:200]
    record.decided_by = acting_user
    record.decided_at = timezone.now()
    record.full_clean(exclude={"signup", "volunteer", "activity", "decided_by", "decided_at"})
    record.save(update_fields=["status", "reject_reason", "decided_by", "decided_at"])
    _history(record, old_minutes=record.minutes, old_status=old, reason=reason, actor=acting_user)
    return record


@transaction.atomic
def hours_reopen(*, record: ServiceHours, reason: str, acting_user: User) -> ServiceHours:
    reason = _reason(reason)
    record = _locked_record(record)
    _check_decider(acting_user, record)
    if record.status != HoursStatus.REJECTED:
        raise ValidationError(_("只有不予确认的时长可以重新打开。"))
    old = record.status
    record.status = HoursStatus.PENDING
    record.reject_reason = ""
    record.decided_by = None
    record.decided_at = None
    record.save(update_fields=["status", "reject_reason", "decided_by", "decided_at"])
    _history(record, old_minutes=record.minutes, old_status=old, reason=reason, actor=acting_user)
    return record


def _settle(record: ServiceHours, delta: int, acting_user: User) -> None:
    try:
        points_change(
            volunteer=record.volunteer,
            delta=delta,
            kind=PointsKind.ADJUST if delta > 0 else PointsKind.REVERSAL,
            hours=record,
            reason=_("更正服务时长(%(content)s)") % {"content": record.content},
            acting_user=acting_user,
        )
    except ValidationError as exc:
        raise ValidationError(
            {"minutes": _("志愿者积分余额不足以冲减 %(points)s 分(可能已兑换),无法按此更正。") % {"points": -delta}}
        ) from exc


@transaction.atomic
def hours_correct(*, record: ServiceHours, minutes: int, reason: str, acting_user: User) -> ServiceHours:
    """Correct the minutes of a pending or confirmed record; a confirmed one settles the points difference."""
    reason = _reason(reason)
    record = _locked_record(record)
    _check_decider(acting_user, record)
    if record.status not in (HoursStatus.PENDING, HoursStatus.CONFIRMED):
        raise ValidationError(_("不予确认的时长不能更正,请先重新打开。"))
    if minutes is None or minutes < 0 or minutes > 24 * 60:
        raise ValidationError({"minutes": _("服务时长须在 0 到 1440 分钟之间。")})
    if minutes == record.minutes:
        raise ValidationError({"minutes": _("时长没有变化。")})
    old_minutes = record.minutes
    record.minutes = minutes
    record.save(update_fields=["minutes"])
    if record.status == HoursStatus.CONFIRMED:
        delta = points_for_minutes(minutes) - points_earned(record)
        if delta:
            _settle(record, delta, acting_user)
    _history(record, old_minutes=old_minutes, old_status=record.status, reason=reason, actor=acting_user)
    logger.info("hours %s corrected %s → %s by user %s", record.pk, old_minutes, minutes, acting_user.pk)
    return record
