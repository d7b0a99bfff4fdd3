import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from accounts.models import Notification
from accounts.notifications import MAX_DELIVERY_ATTEMPTS, DeliveryFailed, deliver

logger = logging.getLogger(__name__)

# The sweep leaves younger rows to the task enqueued when they were created.
SWEEP_MIN_AGE = dt.timedelta(minutes=2)
# Bounds one sweep run after a long broker outage; the next run takes the rest.
SWEEP_BATCH = 500
RETRY_BASE_SECONDS = 60


# The first run and its retries together make at most MAX_DELIVERY_ATTEMPTS, the cap the sweep also respects.
@shared_task(bind=True, max_retries=MAX_DELIVERY_ATTEMPTS - 1, ignore_result=True)
def deliver_notification(self, notification_id: int, backends: list[str] | None = None) -> bool:
    """Email/SMS one notification (accounts.notifications.deliver); retry failing backends with backoff.

    A retry runs only the backends that failed, so an SMS outage does not
    send the email again. Retries wait 1, 2, 4 and 8 minutes.
    """
    try:
        return deliver(notification_id, backend_paths=backends)
    except DeliveryFailed as exc:
        raise self.retry(
            args=(notification_id, list(exc.errors)),
            exc=exc,
            countdown=RETRY_BASE_SECONDS * 2**self.request.retries,
        ) from exc


@shared_task
def deliver_pending_notifications() -> int:
    """Send what the per-notification task did not: enqueued while Redis was down, or still failing.

    Runs in this process, not through the broker (which may be the thing that was down).
    """
    pending = (
        Notification.objects.filter(
            delivered_at__isnull=True,
            created_at__lt=timezone.now() - SWEEP_MIN_AGE,
            delivery_attempts__lt=MAX_DELIVERY_ATTEMPTS,
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    delivered = failed = 0
    for notification_id in list(pending):
        try:
            delivered += deliver(notification_id)
        except DeliveryFailed:
            failed += 1  # counted on the row; the next sweep tries again
    logger.info("deliver_pending_notifications delivered %s, failed %s", delivered, failed)
    return delivered
