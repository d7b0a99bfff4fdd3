"""Reminders for milestones, batches and the public notice period, run by Celery beat.

    remind_work_due        daily 08:30    节点/批次 due within PROJECT_REMINDER_DAYS, not done: reminder, once
    notify_work_late       daily 08:40    节点/批次 past due, not done: late notice, once
    remind_notice_ending   hourly :35     公示 ends within a day: reminder, once
    end_notice_periods     hourly :50     公示 over: the project moves to 评价 (projects.services.projects.project_end_notice)

Recipients are the project's responsible staff member and the coordinators
(社区书记、社区工作者) of its communities. Like the request sweeps, each task reads
the database for due rows and hands each id to a service that claims it with a
conditional UPDATE (`reminded_at`, `late_notified_at`, `notice_reminded_at`), so
a run repeated, or two at once, notifies once; a Redis outage only delays them.
One row failing is logged and left unclaimed for the next run.
"""

import logging
from collections.abc import Callable, Iterable

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from projects.services import work as services
from projects.services.projects import project_end_notice

logger = logging.getLogger(__name__)

__all__ = ["end_notice_periods", "notify_work_late", "remind_notice_ending", "remind_work_due"]

# Bounds one run after a long outage; the next run takes the rest.
SWEEP_BATCH = 500


def _each(name: str, ids: Iterable[int], action: Callable[[int], bool]) -> int:
    done = failed = 0
    for pk in ids:
        try:
            done += int(action(pk))
        except Exception:  # one bad row must not stop the sweep; its claim was rolled back
            failed += 1
            logger.exception("%s: %s failed; the next run retries it", name, pk)
    logger.info("%s: %s done, %s failed", name, done, failed)
    return done


def _ids(queryset, order: str) -> list[int]:
    return list(queryset.order_by(order).values_list("pk", flat=True)[:SWEEP_BATCH])


@shared_task
def remind_work_due() -> int:
    """Milestones and batches due within PROJECT_REMINDER_DAYS (today included), not yet done."""
    today, days = timezone.localdate(), settings.PROJECT_REMINDER_DAYS
    return _each(
        "remind_work_due:milestones",
        _ids(services.milestones_due_soon(today, days), "due_on"),
        lambda pk: services.milestone_remind_due(milestone_id=pk, days=days),
    ) + _each(
        "remind_work_due:batches",
        _ids(services.batches_due_soon(today, days), "planned_end"),
        lambda pk: services.batch_remind_due(batch_id=pk, days=days),
    )


@shared_task
def notify_work_late() -> int:
    """Milestones and batches past their date and not done: one late notice each."""
    today = timezone.localdate()
    return _each(
        "notify_work_late:milestones",
        _ids(services.milestones_late(today), "due_on"),
        lambda pk: services.milestone_notify_late(milestone_id=pk),
    ) + _each(
        "notify_work_late:batches",
        _ids(services.batches_late(today), "planned_end"),
        lambda pk: services.batch_notify_late(batch_id=pk),
    )


@shared_task
def remind_notice_ending() -> int:
    """公示 ending within a day: remind the project's staff, once."""
    return _each(
        "remind_notice_ending",
        _ids(services.notices_ending_soon(timezone.now()), "notice_until"),
        lambda pk: services.project_remind_notice_end(project_id=pk),
    )


@shared_task
def end_notice_periods() -> int:
    """公示 over: hand each project to the lifecycle (公示 → 评价), which is idempotent itself."""
    return _each(
        "end_notice_periods",
        _ids(services.notices_ended(timezone.now()), "notice_until"),
        lambda pk: project_end_notice(pk),
    )
