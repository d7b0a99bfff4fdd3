"""Reminders around activities, run by Celery beat, and SMS to volunteers (who have no account).

    send_shift_reminders     hourly 09:00–20:00   shifts starting tomorrow: SMS to each signed-up volunteer, once
    remind_hours_to_confirm  every 30 min         ended shifts with hours to confirm: notify() the organiser, once
    send_weekly_digest       Monday 08:00         per team: notify() its organisers, SMS to the team leader
    send_signup_sms(id, kind)                     on commit of a cancel/promotion: SMS to that volunteer

Each shift is claimed with a conditional UPDATE (`Shift.reminder_sent_at`,
`confirm_reminder_sent_at`) before anything is sent, so a repeated or
concurrent run reminds once; a Redis outage only delays the next hourly run.
The digest is idempotent through notify()'s key (team + ISO week); the leader's
SMS is claimed in the cache for the week (at most once while the cache holds it).
"""

import datetime as dt
import logging

from celery import shared_task
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.notifications import notify, send_sms_to
from volunteers.models import (
    Activity,
    ActivityStatus,
    HoursStatus,
    ServiceHours,
    Shift,
    Signup,
    SignupStatus,
    Team,
)
from volunteers.selectors.activities import shift_when

logger = logging.getLogger(__name__)

__all__ = ["remind_hours_to_confirm", "send_shift_reminders", "send_signup_sms", "send_weekly_digest"]

SWEEP_BATCH = 500
# Shifts that ended longer ago than this are not reminded about any more (an outage of a week).
CONFIRM_LOOKBACK = dt.timedelta(days=7)


def _signup_text(signup: Signup, kind: str) -> str:
    shift = signup.shift
    activity = shift.activity
    values = {"title": activity.title, "when": shift_when(shift), "code": signup.code, "place": activity.place}
    if kind == "promoted":
        return _("【斜塘志愿】您候补的「%(title)s」%(when)s 已转为正式报名,地点:%(place)s。确认码 %(code)s。") % values
    if kind == "activity_cancelled":
        values["reason"] = activity.cancel_reason
        return _("【斜塘志愿】很抱歉,您报名的「%(title)s」%(when)s 已取消,原因:%(reason)s。") % values
    if kind == "shift_changed":
        return _("【斜塘志愿】您报名的「%(title)s」班次时间已调整为 %(when)s,地点:%(place)s。如不能参加,请凭确认码 %(code)s 取消。") % values
    if kind == "reminder":
        return _("【斜塘志愿】提醒:您报名的「%(title)s」将于 %(when)s 开始,地点:%(place)s。确认码 %(code)s。") % values
    raise ValueError(kind)


@shared_task
def send_signup_sms(signup_id: int, kind: str) -> bool:
    signup = Signup.objects.select_related("shift__activity__position", "volunteer").filter(pk=signup_id).first()
    if signup is None:
        logger.info("send_signup_sms: signup %s is gone", signup_id)
        return False
    return send_sms_to(signup.volunteer.mobile, _signup_text(signup, kind))


def _remind_shift(shift_id: int) -> int:
    claimed = Shift.objects.filter(pk=shift_id, reminder_sent_at__isnull=True).update(reminder_sent_at=timezone.now())
    if not claimed:
        return 0
    sent = 0
    for signup in Signup.objects.filter(shift_id=shift_id, status=SignupStatus.CONFIRMED).select_related(
        "shift__activity__position", "volunteer"
    ):
        sent += int(send_sms_to(signup.volunteer.mobile, _signup_text(signup, "reminder")))
    return sent


@shared_task
def send_shift_reminders() -> int:
    """Day-before SMS for every shift starting tomorrow (local date) of a published activity."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    ids = list(
        Shift.objects.filter(
            starts_at__gte=start,
            starts_at__lt=start + dt.timedelta(days=1),
            reminder_sent_at__isnull=True,
            activity__status=ActivityStatus.PUBLISHED,
        )
        .order_by("starts_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    sent = 0
    for pk in ids:
        try:
            sent += _remind_shift(pk)
        except Exception:
            logger.exception("send_shift_reminders: shift %s failed", pk)
    logger.info("send_shift_reminders: %s shifts, %s SMS", len(ids), sent)
    return sent


def _remind_confirm(shift_id: int) -> bool:
    claimed = Shift.objects.filter(pk=shift_id, confirm_reminder_sent_at__isnull=True).update(
        confirm_reminder_sent_at=timezone.now()
    )
    if not claimed:
        return False
    shift = Shift.objects.select_related("activity__organiser").get(pk=shift_id)
    pending = ServiceHours.objects.filter(signup__shift=shift, status=HoursStatus.PENDING).count()
    activity = shift.activity
    notify(
        recipients=[activity.organiser],
        key=f"volunteers:shift:{shift.pk}:confirm-hours",
        title=_("请确认「%(title)s」的志愿服务时长") % {"title": activity.title},
        body=_("%(when)s 的班次已结束,有 %(n)s 条服务时长待确认;未签退的志愿者请补登签到签退。")
        % {"when": shift_when(shift), "n": pending},
        link=reverse("volunteers:activity_detail", args=[activity.pk]),
    )
    return True


@shared_task
def remind_hours_to_confirm() -> int:
    """After a shift ends: one notice to its organiser when hours wait for confirmation."""
    now = timezone.now()
    has_work = Exists(
        ServiceHours.objects.filter(signup__shift=OuterRef("pk"), status=HoursStatus.PENDING)
    ) | Exists(Signup.objects.filter(shift=OuterRef("pk"), status=SignupStatus.CONFIRMED, checked_out_at__isnull=True))
    ids = list(
        Shift.objects.filter(
            ends_at__lte=now,
            ends_at__gt=now - CONFIRM_LOOKBACK,
            confirm_reminder_sent_at__isnull=True,
            activity__status=ActivityStatus.PUBLISHED,
        )
        .filter(has_work)
        .order_by("ends_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    done = 0
    for pk in ids:
        try:
            done += int(_remind_confirm(pk))
        except Exception:
            logger.exception("remind_hours_to_confirm: shift %s failed", pk)
    logger.info("remind_hours_to_confirm: %s organisers reminded", done)
    return done


def _week_bounds(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    monday = today - dt.timedelta(days=today.weekday())
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time.min))
    return start, start + dt.timedelta(days=7)


def _digest_team(team: Team, start: dt.datetime, end: dt.datetime, week: str) -> int:
    activities = list(
        Activity.objects.filter(team=team, status=ActivityStatus.PUBLISHED, shifts__starts_at__gte=start, shifts__starts_at__lt=end)
        .annotate(
            week_shifts=Count("shifts", filter=Q(shifts__starts_at__gte=start, shifts__starts_at__lt=end), distinct=True),
            week_signups=Count(
                "shifts__signups",
                filter=Q(
                    shifts__starts_at__gte=start,
                    shifts__starts_at__lt=end,
                    shifts__signups__status=SignupStatus.CONFIRMED,
                ),
                distinct=True,
            ),
        )
        .select_related("organiser")
        .distinct()
    )
    pending = ServiceHours.objects.filter(activity__team=team, status=HoursStatus.PENDING).count()
    if not activities and not pending:
        return 0
    organiser_ids = {a.organiser_id for a in activities} | set(
        ServiceHours.objects.filter(activity__team=team, status=HoursStatus.PENDING).values_list(
            "activity__organiser_id", flat=True
        )
    )
    signups = sum(a.week_signups for a in activities)
    lines = [
        _("「%(title)s」%(shifts)s 个班次,已报名 %(signups)s 人次") % {"title": a.title, "shifts": a.week_shifts, "signups": a.week_signups}
        for a in activities
    ]
    summary = _("本周 %(a)s 项活动、报名 %(s)s 人次,待确认时长 %(p)s 条。") % {
        "a": len(activities),
        "s": signups,
        "p": pending,
    }
    created = notify(
        recipients=User.objects.filter(pk__in=organiser_ids, is_active=True),
        key=f"volunteers:team:{team.pk}:digest:{week}",
        title=_("%(team)s 本周志愿活动") % {"team": team.name},
        body="\n".join([summary, *lines]),
        link=reverse("volunteers:activity_list") + f"?team={team.pk}&when=upcoming",
    )
    if team.leader_id and team.leader.is_active and cache.add(f"volunteers:digest-sms:{team.pk}:{week}", 1, 8 * 86400):
        send_sms_to(team.leader.mobile, _("【斜塘志愿】%(team)s:") % {"team": team.name} + summary)
    return len(created)


@shared_task
def send_weekly_digest() -> int:
    """Monday morning: this week's activities, sign-ups and pending hours of each active team."""
    today = timezone.localdate()
    start, end = _week_bounds(today)
    iso = today.isocalendar()
    week = f"{iso.year}-W{iso.week:02d}"
    total = 0
    for team in Team.objects.filter(is_active=True).select_related("leader"):
        try:
            total += _digest_team(team, start, end, week)
        except Exception:
            logger.exception("send_weekly_digest: team %s failed", team.pk)
    logger.info("send_weekly_digest %s: %s notifications", week, total)
    return total
