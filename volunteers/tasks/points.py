"""Points for accepted 随手拍 reports, run by Celery.

    award_report_points(request_id)   enqueued on commit by resident_requests.services.request_accept
    award_missed_report_points        beat every 30 min: accepted reports of the last 30 days not yet paid

Both call `volunteers.services.reports.report_points_award`, which pays a report
once (a partial unique constraint on the ledger), so a retried task, or the task
and the sweep together, pay once; when Redis was down at 受理 the sweep pays.
"""

import logging

from celery import shared_task
from django.conf import settings

from resident_requests.models import ResidentRequest
from volunteers.services.reports import report_points_award, reports_without_points

logger = logging.getLogger(__name__)

__all__ = ["award_missed_report_points", "award_report_points"]

# Bounds one sweep after a long outage; the next run takes the rest.
SWEEP_BATCH = 500


@shared_task
def award_report_points(request_id: int) -> int:
    """Award the points of one accepted report; returns the points awarded now (0 if none)."""
    request = ResidentRequest.objects.select_related("reporter").filter(pk=request_id).first()
    if request is None:
        logger.info("award_report_points: request %s is gone", request_id)
        return 0
    entry = report_points_award(request=request)
    if entry is None:
        return 0
    logger.info("award_report_points: %s points to volunteer %s for %s", entry.delta, entry.volunteer_id, request.tracking_code)
    return entry.delta


@shared_task
def award_missed_report_points() -> int:
    """Pay what the on-commit task missed; returns how many reports were paid."""
    if settings.VOLUNTEER_POINTS_PER_REPORT <= 0:
        return 0
    ids = list(reports_without_points().order_by("accepted_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    paid = failed = 0
    for request_id in ids:
        try:
            paid += int(award_report_points(request_id) > 0)
        except Exception:  # one bad row must not stop the sweep; its transaction rolled back
            failed += 1
            logger.exception("award_missed_report_points: request %s failed; the next run retries it", request_id)
    logger.info("award_missed_report_points: %s paid, %s failed", paid, failed)
    return paid
