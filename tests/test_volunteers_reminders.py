"""Reminders around activities: day-before SMS, hours-to-confirm notices, the weekly digest;
each sent once (conditional-update claims), one through a real Celery worker on Redis."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Notification
from tests.celery_helpers import real_worker
from tests.conftest import build_cast
from tests.markers import needs_redis
from tests.volunteer_factories import (
    ActivityFactory,
    ServiceHoursFactory,
    ShiftFactory,
    SignupFactory,
    TeamFactory,
    VolunteerFactory,
)
from volunteers.models import ActivityStatus, Shift, SignupStatus
from volunteers.tasks.activities import (
    remind_hours_to_confirm,
    send_shift_reminders,
    send_weekly_digest,
)

pytestmark = pytest.mark.django_db


def _at(day_offset: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=day_offset)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _sms_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "accounts.notifications" and r.getMessage().startswith("SMS to 1")]


def test_day_before_sms_to_confirmed_volunteers_once(cast, caplog):
    caplog.set_level("INFO", logger="accounts.notifications")
    tomorrow = ShiftFactory(
        activity=ActivityFactory(community=cast.community, title="楼道微党课"), starts_at=_at(1, 9), ends_at=_at(1, 11)
    )
    SignupFactory(shift=tomorrow, volunteer=VolunteerFactory(mobile="13700005555"))
    SignupFactory(shift=tomorrow, status=SignupStatus.WAITING)
    SignupFactory(shift=tomorrow, status=SignupStatus.CANCELLED)
    later = ShiftFactory(activity=tomorrow.activity, starts_at=_at(3, 9), ends_at=_at(3, 11))
    SignupFactory(shift=later)
    draft = ShiftFactory(
        activity=ActivityFactory(community=cast.community, status=ActivityStatus.DRAFT), starts_at=_at(1, 9), ends_at=_at(1, 10)
    )
    assert send_shift_reminders() == 1
    assert send_shift_reminders() == 0
    lines = _sms_lines(caplog)
    assert len(lines) == 1
    assert lines[0].startswith("SMS to 137****5555:") and "楼道微党课" in lines[0] and "提醒" in lines[0]
    assert Shift.objects.get(pk=tomorrow.pk).reminder_sent_at is not None
    assert Shift.objects.get(pk=later.pk).reminder_sent_at is None
    assert Shift.objects.get(pk=draft.pk).reminder_sent_at is None


def test_hours_reminder_to_the_organiser_once_after_the_shift(cast):
    ended = ShiftFactory(
        activity=ActivityFactory(community=cast.community, organiser=cast.worker, title="助老探访"),
        starts_at=timezone.now() - dt.timedelta(hours=3),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    ServiceHoursFactory(signup=SignupFactory(shift=ended))
    running = ShiftFactory(
        activity=ActivityFactory(community=cast.community, organiser=cast.secretary),
        starts_at=timezone.now() - dt.timedelta(hours=1),
        ends_at=timezone.now() + dt.timedelta(hours=1),
    )
    SignupFactory(shift=running)
    nothing_to_do = ShiftFactory(
        activity=ActivityFactory(community=cast.community, organiser=cast.secretary),
        starts_at=timezone.now() - dt.timedelta(hours=3),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert remind_hours_to_confirm() == 1
    assert remind_hours_to_confirm() == 0
    note = Notification.objects.get()
    assert note.recipient == cast.worker
    assert "助老探访" in note.title and "1 条服务时长待确认" in note.body
    assert Shift.objects.get(pk=nothing_to_do.pk).confirm_reminder_sent_at is None


def test_weekly_digest_to_organisers_and_sms_to_the_leader(cast, caplog):
    caplog.set_level("INFO", logger="accounts.notifications")
    leader = VolunteerFactory(community=cast.community, mobile="13700007777")
    team = TeamFactory(community=cast.community, name="妈妈的灶屋间", leader=leader)
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    start = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=1), dt.time(7, 0)))
    shift = ShiftFactory(
        activity=ActivityFactory(community=cast.community, team=team, organiser=cast.worker, title="爱心早餐"),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    SignupFactory(shift=shift)
    SignupFactory(shift=shift)
    TeamFactory(community=cast.community, name="空闲队伍")
    assert send_weekly_digest() == 1
    assert send_weekly_digest() == 0
    note = Notification.objects.get()
    assert note.recipient == cast.worker
    assert "妈妈的灶屋间" in note.title
    assert "本周 1 项活动、报名 2 人次,待确认时长 0 条" in note.body
    lines = [line for line in _sms_lines(caplog) if line.startswith("SMS to 137****7777:")]
    assert len(lines) == 1 and "妈妈的灶屋间" in lines[0]


@pytest.mark.celery_worker
@needs_redis
@pytest.mark.django_db(transaction=True)
def test_day_before_reminder_through_a_real_worker_is_sent_once(redis_celery_app):
    cast = build_cast()
    shift = ShiftFactory(activity=ActivityFactory(community=cast.community), starts_at=_at(1, 17), ends_at=_at(1, 19))
    SignupFactory(shift=shift)
    SignupFactory(shift=shift)
    with real_worker(redis_celery_app):
        result = send_shift_reminders.delay()
        sent = result.get(timeout=30)
        sent_again = send_shift_reminders.delay().get(timeout=30)
    assert result.backend.__class__.__name__ == "RedisBackend"
    assert (sent, sent_again) == (2, 0)
    assert Shift.objects.get(pk=shift.pk).reminder_sent_at is not None
