"""Follow-up reminders (projects.tasks.meetings): due soon once, late once, to the owner or the coordinators;
and once through a real Celery worker on Redis."""

import datetime as dt

import pytest
import time_machine

from accounts.models import Notification
from projects.models import FollowUpAction
from projects.tasks import send_follow_up_reminders
from tests.celery_helpers import real_worker
from tests.markers import needs_redis
from tests.project_factories import FollowUpFactory, MeetingFactory

# 2026-03-10 10:00 in Shanghai.
T0 = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def meeting(cast):
    return MeetingFactory(community=cast.community, topic="停车棚怎么建")


def keys(follow_up) -> dict[str, set[str]]:
    rows = Notification.objects.filter(key__startswith=f"follow-up:{follow_up.pk}:")
    found: dict[str, set[str]] = {}
    for key, username in rows.values_list("key", "recipient__username"):
        found.setdefault(key.rsplit(":", 1)[1], set()).add(username)
    return found


@pytest.mark.django_db
def test_due_within_the_reminder_days_reminds_the_owner_once(cast, clock, meeting, settings):
    settings.PROJECT_REMINDER_DAYS = 3
    follow_up = FollowUpFactory(meeting=meeting, owner=cast.grid_worker, due_on=TODAY + dt.timedelta(days=3))
    later = FollowUpFactory(meeting=meeting, owner=cast.grid_worker, due_on=TODAY + dt.timedelta(days=4))
    assert send_follow_up_reminders.delay().get() == {"due": 1, "late": 0}
    assert send_follow_up_reminders.delay().get() == {"due": 0, "late": 0}
    assert keys(follow_up) == {"due": {"gridworker"}}
    assert keys(later) == {}
    notice = Notification.objects.get(key=f"follow-up:{follow_up.pk}:due")
    assert "还有 3 天到期" in notice.body and "停车棚怎么建" in notice.body
    assert notice.link == f"/meetings/{meeting.pk}/"
    follow_up.refresh_from_db()
    assert follow_up.reminded_at == T0


@pytest.mark.django_db
def test_without_an_owner_account_the_coordinators_are_reminded(cast, clock, meeting):
    follow_up = FollowUpFactory(meeting=meeting, owner=None, owner_name="物业公司", due_on=TODAY)
    send_follow_up_reminders.delay().get()
    assert keys(follow_up) == {"due": {"secretary", "worker"}}
    assert "今天到期" in Notification.objects.filter(key=f"follow-up:{follow_up.pk}:due").first().body


@pytest.mark.django_db
def test_an_inactive_owner_falls_back_to_the_coordinators(cast, clock, meeting):
    cast.grid_worker.is_active = False
    cast.grid_worker.save(update_fields=["is_active"])
    follow_up = FollowUpFactory(meeting=meeting, owner=cast.grid_worker, due_on=TODAY + dt.timedelta(days=1))
    send_follow_up_reminders.delay().get()
    assert keys(follow_up) == {"due": {"secretary", "worker"}}


@pytest.mark.django_db
def test_late_actions_are_told_once_and_done_ones_never(cast, clock, meeting):
    late = FollowUpFactory(meeting=meeting, owner=cast.worker, due_on=TODAY - dt.timedelta(days=1))
    done = FollowUpFactory(meeting=meeting, owner=cast.worker, due_on=TODAY - dt.timedelta(days=2))
    FollowUpAction.objects.filter(pk=done.pk).update(done_at=T0 - dt.timedelta(days=3), result="已完成")
    assert send_follow_up_reminders.delay().get() == {"due": 0, "late": 1}
    assert send_follow_up_reminders.delay().get() == {"due": 0, "late": 0}
    # A late action found for the first time gets the late notice only, not a "due soon" one too.
    assert keys(late) == {"late": {"worker"}}
    assert keys(done) == {}
    assert "已过" in Notification.objects.get(key=f"follow-up:{late.pk}:late").body


@pytest.mark.django_db
def test_a_reminded_action_gets_its_late_notice_after_the_deadline(cast, clock, meeting):
    follow_up = FollowUpFactory(meeting=meeting, owner=cast.worker, due_on=TODAY + dt.timedelta(days=1))
    assert send_follow_up_reminders.delay().get() == {"due": 1, "late": 0}
    clock.move_to(T0 + dt.timedelta(days=1))
    assert send_follow_up_reminders.delay().get() == {"due": 0, "late": 0}  # due today: not late yet
    clock.move_to(T0 + dt.timedelta(days=2))
    assert send_follow_up_reminders.delay().get() == {"due": 0, "late": 1}
    assert keys(follow_up) == {"due": {"worker"}, "late": {"worker"}}


@pytest.mark.django_db
def test_one_failing_action_does_not_stop_the_sweep(cast, clock, meeting, monkeypatch):
    first = FollowUpFactory(meeting=meeting, owner=cast.worker, due_on=TODAY)
    second = FollowUpFactory(meeting=meeting, owner=cast.worker, due_on=TODAY)
    from projects.services import meetings as services

    real = services._notify_follow_up

    def flaky(follow_up, **kwargs):
        if follow_up.pk == first.pk:
            raise RuntimeError("SMS gateway down")
        return real(follow_up, **kwargs)

    monkeypatch.setattr(services, "_notify_follow_up", flaky)
    assert send_follow_up_reminders.delay().get() == {"due": 1, "late": 0}
    # The failed claim was rolled back: the next run tries it again.
    assert FollowUpAction.objects.get(pk=first.pk).reminded_at is None
    assert FollowUpAction.objects.get(pk=second.pk).reminded_at is not None
    monkeypatch.setattr(services, "_notify_follow_up", real)
    assert send_follow_up_reminders.delay().get() == {"due": 1, "late": 0}


@pytest.mark.celery_worker
@needs_redis
@pytest.mark.django_db(transaction=True)
def test_follow_up_reminders_through_a_real_worker_notify_once(redis_celery_app, cast):
    from django.utils import timezone

    meeting = MeetingFactory(community=cast.community)
    today = timezone.localdate()
    due = FollowUpFactory(meeting=meeting, owner=cast.grid_worker, due_on=today + dt.timedelta(days=1))
    late = FollowUpFactory(meeting=meeting, owner=None, due_on=today - dt.timedelta(days=1))

    with real_worker(redis_celery_app):
        result = send_follow_up_reminders.delay()
        first = result.get(timeout=30)
        second = send_follow_up_reminders.delay().get(timeout=30)

    # Not an EagerResult: the task went through the broker and came back from the result backend.
    assert result.backend.__class__.__name__ == "RedisBackend"
    assert (first, second) == ({"due": 1, "late": 1}, {"due": 0, "late": 0})
    assert keys(due) == {"due": {"gridworker"}}
    assert keys(late) == {"late": {"secretary", "worker"}}
