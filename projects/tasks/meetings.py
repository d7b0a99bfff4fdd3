"""Reminders for meeting follow-up actions (跟进事项), run by Celery beat.

    send_follow_up_reminders   hourly 08:25–20:25   due within PROJECT_REMINDER_DAYS, and late ones

A sweep over the database, like the request sweeps: each action is claimed by a
conditional UPDATE on `reminded_at` / `late_notified_at` in
`projects.services.meetings`, so a second run, or two at once, notifies once.
Nothing is enqueued by the pages, so a Redis outage only delays reminders until
the next run. Office hours only: owners get SMS, and a deadline is a day, not a minute.
"""

import logging
from collections.abc import Callable, Iterable

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from projects.selectors import meetings as selectors
from projects.services import meetings as services

logger = logging.getLogger(__name__)

# Bounds one run after a long outage; the next run takes the rest.
SWEEP_BATCH = 500

__all__ = ["send_follow_up_reminders"]


def _each(name: str, ids: Iterable[int], action: Callable[[int], bool]) -> int:
    """Run `action` for each id and count what it did; log and skip an id that fails (its claim rolled back)."""
    done = failed = 0
    for pk in ids:
        try:
            done += int(action(pk))
        except Exception:  # one bad row must not stop the sweep
            failed += 1
            logger.exception("%s: follow-up %s failed; the next run retries it", name, pk)
    logger.info("%s: %s notified, %s failed", name, done, failed)
    return done


@shared_task
def send_follow_up_reminders() -> dict[str, int]:
    """Remind owners of actions due within PROJECT_REMINDER_DAYS; tell them once when an action is late."""
    today = timezone.localdate()
    days = settings.PROJECT_REMINDER_DAYS
    due_ids = list(selectors.follow_ups_due(today, days).values_list("pk", flat=True)[:SWEEP_BATCH])
    late_ids = list(selectors.follow_ups_late(today).values_list("pk", flat=True)[:SWEEP_BATCH])
    return {
        "due": _each(
            "follow-up due", due_ids, lambda pk: services.follow_up_remind_due(follow_up_id=pk, today=today, days=days)
        ),
        "late": _each("follow-up late", late_ids, lambda pk: services.follow_up_notify_late(follow_up_id=pk, today=today)),
    }
