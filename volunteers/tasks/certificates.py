"""Certificate PDFs (志愿服务记录证明), drawn by Celery.

    render_certificate_pdf(id)       enqueued on commit by certificate_issue / certificate_retry
    render_pending_certificates      every 10 min (beat): PENDING ones whose task never ran

Drawing is idempotent: `certificate_render` locks the row and skips a READY
certificate, so a duplicate message, a retry after success or the sweep racing
the queued task draws once. A failure leaves the certificate FAILED with the
reason and is retried with backoff (30 s, 2 min, 8 min; in process, without a
broker, it is not); after the last try it stays FAILED for staff to press 重新生成. If Redis was down when a certificate
was issued, the sweep finds it PENDING and enqueues it again.
"""

import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from volunteers.models import Certificate, CertificateStatus
from volunteers.services.certificates import CertificateRenderError, certificate_render
from xietang.queue import enqueue_now

logger = logging.getLogger(__name__)

MAX_RETRIES = 3
# A certificate still PENDING this long after issue lost its task (Redis down): the sweep re-sends it.
STALE_AFTER = dt.timedelta(minutes=5)
SWEEP_BATCH = 200

__all__ = ["render_certificate_pdf", "render_pending_certificates"]


def retry_countdown(retries: int) -> int:
    """Seconds before retry number `retries + 1`: 30, 120, 480."""
    return 30 * 4**retries


@shared_task(bind=True, max_retries=MAX_RETRIES)
def render_certificate_pdf(self, certificate_id: int) -> str:
    try:
        outcome = certificate_render(certificate_id=certificate_id)
    except Certificate.DoesNotExist:
        logger.warning("certificate %s no longer exists; nothing to render", certificate_id)
        return "missing"
    except CertificateRenderError as exc:
        # In process (no broker, CELERY_TASK_ALWAYS_EAGER) there is nobody to retry later: staff press 重新生成.
        if not self.request.is_eager and self.request.retries < self.max_retries:
            logger.warning(
                "certificate %s failed (%s); retry %s of %s",
                certificate_id,
                exc,
                self.request.retries + 1,
                self.max_retries,
            )
            raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc
        logger.error("certificate %s failed after %s retries: %s; left FAILED", certificate_id, self.max_retries, exc)
        return "failed"
    logger.info("certificate %s: %s", certificate_id, outcome)
    return outcome


@shared_task
def render_pending_certificates() -> int:
    """Re-enqueue certificates left PENDING (their task was never sent or was lost); return how many."""
    cutoff = timezone.now() - STALE_AFTER
    ids = list(
        Certificate.objects.filter(status=CertificateStatus.PENDING, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    sent = sum(1 for pk in ids if enqueue_now(render_certificate_pdf, pk))
    logger.info("render_pending_certificates: %s pending, %s enqueued", len(ids), sent)
    return sent
