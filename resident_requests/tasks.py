"""Periodic sweeps over resident requests, run by Celery beat (schedule in settings.CELERY_BEAT_SCHEDULE).

    send_due_reminders      every 10 min  到期提醒 to the handler (or owner) inside the category's lead time
    escalate_overdue        every 10 min  overdue: 催办 to the community, then 督办 by the street
    remind_callbacks        hourly        回访 reminder to the owner the day after 办结
    purge_request_contacts  daily 03:45   remove residents' contact data after the retention period (PIPL)

Each sweep reads the database for due work and hands every request id to a
service in `services.py` ("System actions") that claims it with a conditional
UPDATE, so running a sweep twice, or two sweeps at once, acts once.

Nothing here is enqueued by the request pages: the sweeps find their work in
the database. A Redis outage therefore only delays them until beat and the
worker are back; no reminder or escalation is lost. For the same reason the
tasks do not retry: the next scheduled run is the retry. One request failing
is logged and left unclaimed (its transaction rolled back) for the next run,
and does not stop the others.
"""

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from resident_requests import services
from resident_requests.models import RequestCategory, ResidentRequest, Status

logger = logging.getLogger(__name__)

# Bounds one run after a long outage; the next run takes the rest.
SWEEP_BATCH = 500


def _each(name: str, request_ids: Iterable[int], action: Callable[[int], int | bool]) -> int:
    """Run `action` for each id; sum what it returns; log and skip an id that fails."""
    done = failed = 0
    for request_id in request_ids:
        try:
            done += int(action(request_id))
        except Exception:  # one bad row must not stop the sweep; its claim was rolled back
            failed += 1
            logger.exception("%s: request %s failed; the next run retries it", name, request_id)
    logger.info("%s: %s done, %s failed", name, done, failed)
    return done


@shared_task
def send_due_reminders() -> int:
    """Remind once per time limit: open, not yet due, due within the category's lead time."""
    now = timezone.now()
    # The lead time differs per category (remind_before_hours, or a quarter of the
    # time limit): one condition per category, a handful, evaluated in one query.
    within_lead = Q()
    for category in RequestCategory.objects.all():
        within_lead |= Q(category=category, due_at__lte=now + category.reminder_lead)
    if not within_lead:
        return 0
    ids = (
        ResidentRequest.objects.open()
        .filter(within_lead, reminded_at__isnull=True, due_at__gt=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return _each("send_due_reminders", list(ids), lambda pk: services.request_remind_due(request_id=pk))


@shared_task
def escalate_overdue() -> int:
    """催办 overdue cases (level 0 → 1), 督办 those overdue past the street threshold (→ 2); return levels raised."""
    now = timezone.now()
    street_after = dt.timedelta(hours=settings.REQUEST_ESCALATE_STREET_AFTER_HOURS)
    ids = (
        ResidentRequest.objects.overdue(now)
        .filter(
            Q(escalation_level__lt=services.ESCALATED_TO_COMMUNITY)
            | Q(escalation_level__lt=services.ESCALATED_TO_STREET, due_at__lt=now - street_after)
        )
        .order_by("due_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return _each(
        "escalate_overdue",
        list(ids),
        lambda pk: services.request_escalate(request_id=pk, street_after=street_after),
    )


@shared_task
def remind_callbacks() -> int:
    """Remind the owner to call back the day after 办结 (resolved more than a day ago, not called back)."""
    ids = (
        ResidentRequest.objects.filter(
            status=Status.RESOLVED,
            callback_reminded_at__isnull=True,
            resolved_at__lt=timezone.now() - services.CALLBACK_REMINDER_AFTER,
        )
        .order_by("resolved_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return _each("remind_callbacks", list(ids), lambda pk: services.request_remind_callback(request_id=pk))


@shared_task
def purge_request_contacts() -> int:
    """Remove contact data from requests closed more than REQUEST_CONTACT_RETENTION_DAYS ago."""
    purged = services.request_contacts_purge(older_than=dt.timedelta(days=settings.REQUEST_CONTACT_RETENTION_DAYS))
    logger.info("purge_request_contacts: removed contact data from %s requests", purged)
    return purged
