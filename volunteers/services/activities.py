"""Activities, shifts and sign-ups: the only code that writes them. DOMAIN.md §6.

Who writes: 社区书记/社区工作者 of the activity's community and 街道管理员
(`can_manage_activity`); 街道审阅 and 网格员 only read. Sign-ups lock the shift
row, so two residents racing for the last spot cannot both get it: the second
goes on the waiting list (first come, first served), and cancelling a confirmed
sign-up promotes the first waiting one.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditAction, User
from accounts.permissions import can_edit_community_data
from communities.models import ServicePosition
from volunteers.models import (
    Activity,
    ActivityPhoto,
    ActivityStatus,
    ActivityType,
    Audience,
    MarketStall,
    Membership,
    Recurrence,
    Shift,
    Signup,
    SignupSource,
    SignupStatus,
    Team,
    Volunteer,
)
from xietang.images import ProcessedImage
from xietang.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

# A recurring pattern beyond this is a typo (every day for three years), not a plan.
MAX_GENERATED_SHIFTS = 120
ACTIVE_SIGNUP = (SignupStatus.CONFIRMED, SignupStatus.WAITING)


def can_manage_activity(user: User, activity: Activity | None = None, community_id: int | None = None) -> bool:
    """Write access to an activity: its community's 书记/工作者, 街道管理员 (not 街道审阅, not 网格员)."""
    if activity is not None:
        community_id = activity.community_id
    return bool(user.is_authenticated) and can_edit_community_data(user, community_id)


def _require_manager(user: User, activity: Activity | None = None, community_id: int | None = None) -> None:
    if not can_manage_activity(user, activity, community_id):
        raise PermissionDenied


def _require_not_cancelled(activity: Activity) -> None:
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError(_("活动已取消,不能再修改。"))


def _check_place(*, community_id: int, position: ServicePosition | None, address: str, team: Team | None) -> None:
    errors = {}
    if position is not None and position.community_id != community_id:
        errors["position"] = _("只能选择本社区的服务阵地。")
    if position is None and not address.strip():
        errors["address"] = _("请选择服务阵地或填写活动地点。")
    if team is not None and team.community_id not in (None, community_id):
        errors["team"] = _("只能选择本社区或街道级的队伍。")
    if errors:
        raise ValidationError(errors)


# Shifts


def recurrence_starts(
    *, first_start: dt.datetime, recurrence: str, until: dt.date | None
) -> list[dt.datetime]:
    """Start times of every occurrence, in local wall-clock time (17:00 stays 17:00)."""
    if recurrence == Recurrence.NONE:
        return [first_start]
    if until is None:
        raise ValidationError({"recurrence_until": _("重复活动须填写重复至哪一天。")})
    local = timezone.localtime(first_start)
    if until < local.date():
        raise ValidationError({"recurrence_until": _("重复至的日期不能早于第一次活动。")})
    step = dt.timedelta(days=1 if recurrence == Recurrence.DAILY else 7)
    starts = []
    day = local.date()
    while day <= until:
        if len(starts) >= MAX_GENERATED_SHIFTS:
            raise ValidationError(
                {
                    "recurrence_until": _("重复次数过多:最多一次生成 %(max)s 个班次,请缩短重复至的日期。")
                    % {"max": MAX_GENERATED_SHIFTS}
                }
            )
        starts.append(timezone.make_aware(dt.datetime.combine(day, local.time().replace(tzinfo=None))))
        day += step
    return starts


def _new_shift(*, activity: Activity, label: str, starts_at: dt.datetime, ends_at: dt.datetime, capacity: int) -> Shift:
    shift = Shift(activity=activity, label=label, starts_at=starts_at, ends_at=ends_at, capacity=capacity)
    shift.full_clean(exclude={"activity"})
    return shift


@transaction.atomic
def activity_create(
    *,
    community,
    title: str,
    activity_type: str,
    team: Team | None,
    position: ServicePosition | None,
    address: str,
    description: str,
    audience: str,
    target_group: str,
    recurrence: str,
    recurrence_until: dt.date | None,
    first_start: dt.datetime,
    first_end: dt.datetime,
    capacity: int,
    label: str = "",
    acting_user: User,
) -> Activity:
    """A draft activity with one shift per occurrence of its recurrence (e.g. every evening 17:00–19:00)."""
    _require_manager(acting_user, community_id=community.pk)
    _check_place(community_id=community.pk, position=position, address=address, team=team)
    if first_end <= first_start:
        raise ValidationError({"first_end": _("结束时间须晚于开始时间。")})
    if audience == Audience.MEMBERS and team is None:
        raise ValidationError({"team": _("仅限队员的活动须选择组织队伍。")})
    activity = Activity(
        community=community,
        title=title,
        activity_type=activity_type,
        team=team,
        position=position,
        address=address.strip(),
        description=description,
        audience=audience,
        target_group=target_group,
        recurrence=recurrence,
        recurrence_until=recurrence_until if recurrence != Recurrence.NONE else None,
        organiser=acting_user,
    )
    activity.full_clean()
    length = first_end - first_start
    starts = recurrence_starts(first_start=first_start, recurrence=recurrence, until=activity.recurrence_until)
    activity.save()
    shifts = [
        _new_shift(activity=activity, label=label, starts_at=start, ends_at=start + length, capacity=capacity)
        for start in starts
    ]
    for shift in shifts:
        shift.activity = activity
    Shift.objects.bulk_create(shifts)
    logger.info("activity %s created with %s shifts by user %s", activity.pk, len(shifts), acting_user.pk)
    return activity


EDITABLE_FIELDS = ("title", "activity_type", "team", "position", "address", "description", "audience", "target_group")


@transaction.atomic
def activity_update(*, activity: Activity, acting_user: User, **fields) -> Activity:
    _require_manager(acting_user, activity)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _require_not_cancelled(activity)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    _check_place(
        community_id=activity.community_id,
        position=fields.get("position", activity.position),
        address=fields.get("address", activity.address),
        team=fields.get("team", activity.team),
    )
    for name, value in fields.items():
        setattr(activity, name, value.strip() if isinstance(value, str) and name == "address" else value)
    if activity.audience == Audience.MEMBERS and activity.team_id is None:
        raise ValidationError({"team": _("仅限队员的活动须选择组织队伍。")})
    activity.full_clean()
    activity.save(update_fields=list(fields))
    return activity


@transaction.atomic
def shift_add(
    *, activity: Activity, label: str, starts_at: dt.datetime, ends_at: dt.datetime, capacity: int, acting_user: User
) -> Shift:
    _require_manager(acting_user, activity)
    _require_not_cancelled(activity)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("结束时间须晚于开始时间。")})
    shift = _new_shift(activity=activity, label=label, starts_at=starts_at, ends_at=ends_at, capacity=capacity)
    shift.save()
    return shift


def _promote_waiting(shift: Shift) -> list[Signup]:
    """Fill the shift's free places from its waiting list, first come first served; each is told by SMS."""
    from volunteers.tasks.activities import send_signup_sms

    free = shift.capacity - Signup.objects.filter(shift=shift, status=SignupStatus.CONFIRMED).count()
    if free <= 0 or shift.starts_at <= timezone.now():
        return []
    promoted = list(
        Signup.objects.select_for_update()
        .filter(shift=shift, status=SignupStatus.WAITING)
        .order_by("created_at", "id")[:free]
    )
    for signup in promoted:
        signup.status = SignupStatus.CONFIRMED
        signup.save(update_fields=["status"])
        enqueue_on_commit(send_signup_sms, signup.pk, "promoted")
    return promoted


@transaction.atomic
def shift_update(
    *, shift: Shift, label: str, starts_at: dt.datetime, ends_at: dt.datetime, capacity: int, acting_user: User
) -> Shift:
    """Correct a shift before anyone has checked in. Fewer places than confirmed sign-ups is refused;
    more places promote the waiting list; a new time is sent by SMS to everyone signed up."""
    shift = Shift.objects.select_for_update().select_related("activity").get(pk=shift.pk)
    _require_manager(acting_user, shift.activity)
    _require_not_cancelled(shift.activity)
    if shift.signups.filter(checked_in_at__isnull=False).exists():
        raise ValidationError(_("已有志愿者签到,不能再修改该班次。"))
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("结束时间须晚于开始时间。")})
    confirmed = shift.signups.filter(status=SignupStatus.CONFIRMED).count()
    if capacity < confirmed:
        raise ValidationError(
            {"capacity": _("已有 %(n)s 人正式报名,招募人数不能少于 %(n)s;请先与志愿者沟通并取消报名。") % {"n": confirmed}}
        )
    moved = (starts_at, ends_at) != (shift.starts_at, shift.ends_at)
    shift.label, shift.starts_at, shift.ends_at, shift.capacity = label, starts_at, ends_at, capacity
    if moved:
        # The day-before reminder belongs to the new date.
        shift.reminder_sent_at = None
    shift.full_clean(exclude={"activity"})
    shift.save(update_fields=["label", "starts_at", "ends_at", "capacity", "reminder_sent_at"])
    _promote_waiting(shift)
    if moved:
        from volunteers.tasks.activities import send_signup_sms

        for signup_id in shift.signups.filter(status__in=ACTIVE_SIGNUP).values_list("pk", flat=True):
            enqueue_on_commit(send_signup_sms, signup_id, "shift_changed")
    logger.info("shift %s updated by user %s (moved: %s)", shift.pk, acting_user.pk, moved)
    return shift


@transaction.atomic
def shift_remove(*, shift: Shift, acting_user: User) -> None:
    """Remove a shift nobody is signed up for; a published activity keeps at least one shift."""
    shift = Shift.objects.select_for_update().select_related("activity").get(pk=shift.pk)
    _require_manager(acting_user, shift.activity)
    if shift.signups.exists():
        raise ValidationError(_("该班次已有报名记录,不能删除;如时间有变,请修改班次,或取消整个活动。"))
    if shift.activity.status == ActivityStatus.PUBLISHED and shift.activity.shifts.count() == 1:
        raise ValidationError(_("已发布的活动至少保留一个班次;如不再举办,请取消活动。"))
    shift.delete()
    logger.info("shift %s removed by user %s", shift.pk, acting_user.pk)


@transaction.atomic
def activity_publish(*, activity: Activity, acting_user: User) -> Activity:
    """草稿 → 已发布; residents see it on /serve/ only with at least one future shift."""
    _require_manager(acting_user, activity)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status != ActivityStatus.DRAFT:
        raise ValidationError(_("只有草稿状态的活动可以发布。"))
    if not activity.shifts.filter(starts_at__gt=timezone.now()).exists():
        raise ValidationError(_("发布前请至少添加一个尚未开始的班次。"))
    activity.status = ActivityStatus.PUBLISHED
    activity.published_at = timezone.now()
    activity.save(update_fields=["status", "published_at"])
    return activity


@transaction.atomic
def activity_cancel(*, activity: Activity, reason: str, acting_user: User) -> Activity:
    """Cancel, with a reason; everyone still signed up for a future shift gets an SMS."""
    _require_manager(acting_user, activity)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写取消原因。")})
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError(_("活动已取消。"))
    activity.status = ActivityStatus.CANCELLED
    activity.cancel_reason = reason[:200]
    activity.full_clean()
    activity.save(update_fields=["status", "cancel_reason"])
    signups = list(
        Signup.objects.filter(
            shift__activity=activity, status__in=ACTIVE_SIGNUP, shift__ends_at__gt=timezone.now()
        ).values_list("pk", flat=True)
    )
    Signup.objects.filter(pk__in=signups).update(status=SignupStatus.CANCELLED, cancelled_at=timezone.now())
    from volunteers.tasks.activities import send_signup_sms

    for signup_id in signups:
        enqueue_on_commit(send_signup_sms, signup_id, "activity_cancelled")
    logger.info("activity %s cancelled by user %s; %s sign-ups told", activity.pk, acting_user.pk, len(signups))
    return activity


@transaction.atomic
def activity_photos_add(
    *, activity: Activity, photos: list[ProcessedImage], caption: str, acting_user: User
) -> list[ActivityPhoto]:
    _require_manager(acting_user, activity)
    rows = []
    for index, photo in enumerate(photos, start=1):
        row = ActivityPhoto(activity=activity, caption=caption, uploaded_by=acting_user)
        row.image.save(f"activity-{activity.pk}-{index}.jpg", photo.full, save=False)
        row.thumbnail.save(f"activity-{activity.pk}-{index}-thumb.jpg", photo.thumbnail, save=False)
        row.save()
        rows.append(row)
    return rows


@transaction.atomic
def stall_add(
    *, activity: Activity, service: str, name: str, provider: str, people_served: int, acting_user: User
) -> MarketStall:
    _require_manager(acting_user, activity)
    if activity.activity_type != ActivityType.MARKET:
        raise ValidationError(_("只有公益市集可以登记摊位。"))
    stall = MarketStall(activity=activity, service=service, name=name, provider=provider, people_served=people_served)
    stall.full_clean()
    stall.save()
    return stall


@transaction.atomic
def stall_update(*, stall: MarketStall, people_served: int, acting_user: User) -> MarketStall:
    _require_manager(acting_user, stall.activity)
    stall.people_served = people_served
    stall.full_clean()
    stall.save(update_fields=["people_served"])
    return stall


@transaction.atomic
def stall_remove(*, stall: MarketStall, acting_user: User) -> None:
    _require_manager(acting_user, stall.activity)
    stall.delete()


@transaction.atomic
def activity_set_people_served(*, activity: Activity, people_served: int, acting_user: User) -> Activity:
    _require_manager(acting_user, activity)
    if activity.activity_type == ActivityType.MARKET:
        raise ValidationError(_("公益市集的服务人次按摊位合计,请登记各摊位的服务人次。"))
    activity.people_served = people_served
    activity.full_clean()
    activity.save(update_fields=["people_served"])
    return activity


# Sign-ups


@dataclass(frozen=True)
class SignupResult:
    signup: Signup
    waiting_position: int | None  # 1-based place on the waiting list, None when confirmed


def overlapping_signups(*, volunteer: Volunteer, shift: Shift):
    """The volunteer's other active sign-ups whose shift overlaps this one in time."""
    return (
        Signup.objects.filter(
            volunteer=volunteer,
            status__in=ACTIVE_SIGNUP,
            shift__starts_at__lt=shift.ends_at,
            shift__ends_at__gt=shift.starts_at,
        )
        .exclude(shift=shift)
        .select_related("shift__activity")
    )


def waiting_position(signup: Signup) -> int | None:
    if signup.status != SignupStatus.WAITING:
        return None
    return (
        Signup.objects.filter(shift_id=signup.shift_id, status=SignupStatus.WAITING)
        .filter(Q(created_at__lt=signup.created_at) | Q(created_at=signup.created_at, pk__lt=signup.pk))
        .count()
        + 1
    )


def is_team_member(volunteer: Volunteer, team_id: int | None) -> bool:
    if team_id is None:
        return False
    return Membership.objects.filter(team_id=team_id, volunteer=volunteer, left_on__isnull=True).exists()


def _month_day_time(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


@transaction.atomic
def signup_create(
    *,
    shift: Shift,
    volunteer: Volunteer,
    source: str,
    acting_user: User | None,
    confirm_overlap: bool = False,
) -> SignupResult:
    """Sign a volunteer up for a shift; on the waiting list when it is full.

    `acting_user` is None for a resident on the public page. A time clash with
    another of the volunteer's sign-ups is refused under `confirm_overlap`
    until the caller confirms it (the form's checkbox "我知道时间冲突,仍要报名").
    """
    # The lock serialises sign-ups for this shift: the count below is exact.
    shift = Shift.objects.select_for_update().select_related("activity").get(pk=shift.pk)
    activity = shift.activity
    if source == SignupSource.STAFF:
        if acting_user is None:
            raise PermissionDenied
        _require_manager(acting_user, activity)
    if activity.status != ActivityStatus.PUBLISHED:
        raise ValidationError({"shift": _("活动尚未发布或已取消,不能报名。")})
    now = timezone.now()
    if (source == SignupSource.PUBLIC and shift.starts_at <= now) or shift.ends_at <= now:
        raise ValidationError({"shift": _("该班次已开始或已结束,不能报名。")})
    if activity.audience == Audience.MEMBERS:
        if source == SignupSource.PUBLIC:
            raise ValidationError({"shift": _("该活动仅限队员参加,请联系组织队伍报名。")})
        if not is_team_member(volunteer, activity.team_id):
            raise ValidationError({"volunteer": _("该活动仅限本队队员参加。")})
    if Signup.objects.filter(shift=shift, volunteer=volunteer, status__in=ACTIVE_SIGNUP).exists():
        raise ValidationError({"shift": _("您已报名该班次,无需重复报名。")})
    clashes = list(overlapping_signups(volunteer=volunteer, shift=shift))
    if clashes and not confirm_overlap:
        other = clashes[0].shift
        raise ValidationError(
            {
                "confirm_overlap": ValidationError(
                    _("时间冲突:已报名「%(title)s」%(when)s。如仍要报名,请勾选确认。")
                    % {"title": other.activity.title, "when": _month_day_time(other.starts_at)},
                    code="overlap",
                )
            }
        )
    confirmed = Signup.objects.filter(shift=shift, status=SignupStatus.CONFIRMED).count()
    status = SignupStatus.CONFIRMED if confirmed < shift.capacity else SignupStatus.WAITING
    signup = Signup(shift=shift, volunteer=volunteer, status=status, source=source)
    signup.full_clean(exclude={"shift", "volunteer"}, validate_constraints=False)
    signup.save()
    if acting_user is not None:
        audit_record(actor=acting_user, action=AuditAction.CREATE, obj=signup, changes={"status": status})
    logger.info("signup %s (%s) for shift %s, source %s", signup.pk, status, shift.pk, source)
    return SignupResult(signup=signup, waiting_position=waiting_position(signup))


@transaction.atomic
def signup_cancel(*, signup: Signup, acting_user: User | None) -> Signup | None:
    """Cancel a sign-up (the volunteer on the public page, or staff); returns the promoted one, if any.

    A freed place goes to the first on the waiting list, who is told by SMS.
    """
    shift = Shift.objects.select_for_update().select_related("activity").get(pk=signup.shift_id)
    if acting_user is not None:
        _require_manager(acting_user, shift.activity)
    signup = Signup.objects.select_for_update().get(pk=signup.pk)
    if signup.status == SignupStatus.CANCELLED:
        raise ValidationError(_("该报名已取消。"))
    if signup.checked_in_at is not None:
        raise ValidationError(_("已签到的报名不能取消。"))
    if shift.ends_at <= timezone.now():
        raise ValidationError(_("班次已结束,不能取消。"))
    was_confirmed = signup.status == SignupStatus.CONFIRMED
    signup.status = SignupStatus.CANCELLED
    signup.cancelled_at = timezone.now()
    signup.save(update_fields=["status", "cancelled_at"])
    if acting_user is not None:
        audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=signup, changes={"status": "cancelled"})
    promoted = None
    if was_confirmed:
        promoted = next(iter(_promote_waiting(shift)), None)
    logger.info("signup %s cancelled; promoted %s", signup.pk, promoted.pk if promoted else None)
    return promoted
