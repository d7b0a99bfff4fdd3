"""Reminders of milestones, batches and the public notice period (projects.tasks.work)."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Notification
from projects.models import Batch, Milestone, ProjectStatus
from projects.tasks import (
    end_notice_periods,
    notify_work_late,
    remind_notice_ending,
    remind_work_due,
)
from tests.celery_helpers import real_worker
from tests.conftest import build_cast
from tests.markers import needs_redis
from tests.project_factories import BatchFactory, MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def project_of(cast, *, status=ProjectStatus.IMPLEMENTING, quantity=False, **kwargs):
    if not quantity:
        kwargs.update(planned_quantity=None, quantity_unit="")
    # The grid worker is responsible: recipients are they and the community's coordinators.
    return ProjectFactory(communities=[cast.community], status=status, responsible=cast.grid_worker, **kwargs)


def recipients(key: str) -> list[str]:
    return sorted(Notification.objects.filter(key=key).values_list("recipient__username", flat=True))


def test_a_milestone_due_within_the_reminder_days_is_reminded_once(cast):
    project = project_of(cast)
    due = MilestoneFactory(project=project, title="施工", due_on=days(2), percent=40)
    MilestoneFactory(project=project, title="远期", due_on=days(10))
    MilestoneFactory(project=project, title="已完成", due_on=days(1), percent=100, done_on=days(0))
    MilestoneFactory(
        project=ProjectFactory(
            communities=[cast.community], status=ProjectStatus.PUBLICISING, planned_quantity=None, quantity_unit=""
        ),
        due_on=days(1),
    )

    assert remind_work_due() == 1
    assert remind_work_due() == 0
    key = f"project:{project.pk}:milestone:{due.pk}:due"
    assert recipients(key) == ["gridworker", "secretary", "worker"]
    notice = Notification.objects.filter(key=key).first()
    assert notice.title == f"节点即将到期:{project.title}「施工」"
    assert "目前完成 40%" in notice.body
    assert notice.link == f"/manage/projects/{project.pk}/"
    assert Milestone.objects.get(pk=due.pk).reminded_at is not None


def test_the_reminder_days_come_from_the_setting(cast, settings):
    milestone = MilestoneFactory(project=project_of(cast), due_on=days(5))
    assert remind_work_due() == 0
    settings.PROJECT_REMINDER_DAYS = 7
    assert remind_work_due() == 1
    assert Milestone.objects.get(pk=milestone.pk).reminded_at is not None


def test_a_batch_due_soon_is_reminded_unless_delivered(cast):
    project = project_of(cast, quantity=True)
    due = BatchFactory(project=project, number=1, planned_quantity=100, delivered_quantity=60, planned_end=days(3))
    BatchFactory(project=project, number=2, planned_quantity=120, delivered_quantity=120, planned_end=days(1))
    assert remind_work_due() == 1
    assert remind_work_due() == 0
    [notice] = Notification.objects.filter(key=f"project:{project.pk}:batch:{due.pk}:due", recipient=cast.worker)
    assert notice.title == f"批次即将到期:{project.title} 第一批"
    assert "已完成 60/100 张" in notice.body


def test_late_milestones_and_batches_get_one_late_notice(cast):
    project = project_of(cast)
    late = MilestoneFactory(project=project, title="施工", due_on=days(-2), reminded_at=timezone.now())
    quantity = project_of(cast, quantity=True)
    late_batch = BatchFactory(
        project=quantity, number=1, planned_quantity=100, delivered_quantity=0, planned_end=days(-1)
    )
    BatchFactory(project=quantity, number=2, planned_quantity=10, delivered_quantity=10, planned_end=days(-1))
    MilestoneFactory(project=project, due_on=days(-3), percent=100, done_on=days(-3))

    assert notify_work_late() == 2
    assert notify_work_late() == 0
    milestone_key = f"project:{project.pk}:milestone:{late.pk}:late"
    assert recipients(milestone_key) == ["gridworker", "secretary", "worker"]
    assert "已逾期 2 天" in Notification.objects.filter(key=milestone_key).first().body
    assert recipients(f"project:{quantity.pk}:batch:{late_batch.pk}:late") == ["gridworker", "secretary", "worker"]
    assert Batch.objects.get(pk=late_batch.pk).late_notified_at is not None
    # Not a due-soon reminder any more: it is late.
    assert remind_work_due() == 0


def test_work_of_a_project_not_under_way_is_not_chased(cast):
    for status in (ProjectStatus.DELIBERATING, ProjectStatus.PUBLICISING, ProjectStatus.CANCELLED):
        MilestoneFactory(project=project_of(cast, status=status), due_on=days(-1))
        MilestoneFactory(project=project_of(cast, status=status), due_on=days(1))
    assert (remind_work_due(), notify_work_late()) == (0, 0)
    assert not Notification.objects.exists()


def test_notice_period_reminder_the_day_before_it_ends(cast):
    now = timezone.now()
    ending = project_of(cast, status=ProjectStatus.PUBLICISING, notice_until=now + dt.timedelta(hours=20))
    project_of(cast, status=ProjectStatus.PUBLICISING, notice_until=now + dt.timedelta(days=3))
    assert remind_notice_ending() == 1
    assert remind_notice_ending() == 0
    key = f"project:{ending.pk}:notice-ending"
    assert recipients(key) == ["gridworker", "secretary", "worker"]
    assert Notification.objects.filter(key=key).first().title == f"公示即将结束:{ending.title}"


def test_when_the_notice_period_is_over_the_project_moves_to_rating(cast):
    now = timezone.now()
    over = project_of(cast, status=ProjectStatus.PUBLICISING, notice_until=now - dt.timedelta(minutes=5))
    running = project_of(cast, status=ProjectStatus.PUBLICISING, notice_until=now + dt.timedelta(days=2))
    assert end_notice_periods() == 1
    assert end_notice_periods() == 0
    over.refresh_from_db()
    running.refresh_from_db()
    assert (over.status, running.status) == (ProjectStatus.EVALUATING, ProjectStatus.PUBLICISING)
    assert over.events.filter(action="end_notice", actor=None).count() == 1


def test_one_failing_row_does_not_stop_the_sweep(cast, monkeypatch):
    from projects.services import work as services

    first = MilestoneFactory(project=project_of(cast), due_on=days(1))
    second = MilestoneFactory(project=project_of(cast), due_on=days(2))
    real = services.milestone_remind_due

    def flaky(*, milestone_id, days):
        if milestone_id == first.pk:
            raise RuntimeError("boom")
        return real(milestone_id=milestone_id, days=days)

    monkeypatch.setattr(services, "milestone_remind_due", flaky)
    assert remind_work_due() == 1
    assert Milestone.objects.get(pk=second.pk).reminded_at is not None
    assert Milestone.objects.get(pk=first.pk).reminded_at is None  # left for the next run
    monkeypatch.setattr(services, "milestone_remind_due", real)
    assert remind_work_due() == 1


@pytest.mark.celery_worker
@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_milestone_reminder_through_a_real_worker_is_sent_once(redis_celery_app):
    cast = build_cast()
    project = project_of(cast)
    milestone = MilestoneFactory(project=project, title="施工", due_on=days(1))

    with real_worker(redis_celery_app):
        result = remind_work_due.delay()
        sent = result.get(timeout=30)
        sent_again = remind_work_due.delay().get(timeout=30)

    assert result.backend.__class__.__name__ == "RedisBackend"
    assert (sent, sent_again) == (1, 0)
    key = f"project:{project.pk}:milestone:{milestone.pk}:due"
    assert recipients(key) == ["gridworker", "secretary", "worker"]
    assert Notification.objects.filter(key=key).count() == 3
