"""Points for accepted 随手拍 reports (DOMAIN.md §7: "accepted reports can earn points").

A request with a registered reporter earns `VOLUNTEER_POINTS_PER_REPORT` once it
is accepted (受理: `accepted_at` is set; 不予受理 and 合并 never set it). The points
go to the reporter's worker's volunteer profile, linked (or created) on the way.
The ledger allows one REPORT entry per request (a partial unique constraint), so
the on-commit task from `request_accept` and the sweep may both run: one pays.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from resident_requests.models import ResidentRequest
from volunteers.models import PointsEntry, PointsKind
from volunteers.services.new_employment import volunteer_for_reporter
from volunteers.services.points import points_award_once

# The sweep looks this far back for accepted reports that were never paid.
SWEEP_DAYS = 30


def report_points_award(*, request: ResidentRequest) -> PointsEntry | None:
    """Award the report's points once; None when there is nothing (more) to award."""
    if request.reporter_id is None or request.accepted_at is None:
        return None
    if PointsEntry.objects.filter(kind=PointsKind.REPORT, report=request).exists():
        return None
    volunteer = volunteer_for_reporter(request.reporter)
    return points_award_once(
        volunteer=volunteer,
        points=settings.VOLUNTEER_POINTS_PER_REPORT,
        kind=PointsKind.REPORT,
        reason=_("随手拍诉求 %(code)s 已受理") % {"code": request.tracking_code},
        acting_user=None,
        report=request,
    )


def reports_without_points(now: dt.datetime | None = None) -> QuerySet[ResidentRequest]:
    """Accepted reporter requests of the last SWEEP_DAYS with no REPORT entry (what a Redis outage left)."""
    since = (now or timezone.now()) - dt.timedelta(days=SWEEP_DAYS)
    paid = PointsEntry.objects.filter(kind=PointsKind.REPORT, report=OuterRef("pk"))
    return ResidentRequest.objects.filter(reporter__isnull=False, accepted_at__gte=since).exclude(Exists(paid))
