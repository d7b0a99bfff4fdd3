"""随手拍 points through a real Celery worker on Redis (CI sets REDIS_URL)."""

import pytest
from django.utils import timezone

from resident_requests.models import Channel, ResidentRequest
from tests.celery_helpers import real_worker
from tests.conftest import build_cast
from tests.factories import ensure_seeded_categories, make_request
from tests.markers import needs_redis
from tests.volunteer_factories import ReporterFactory
from volunteers.models import PointsEntry, PointsKind, Volunteer
from volunteers.tasks.points import award_missed_report_points, award_report_points


@pytest.mark.celery_worker
@needs_redis
@pytest.mark.django_db(transaction=True)
def test_report_points_through_a_real_worker_pay_once(redis_celery_app, settings):
    settings.VOLUNTEER_POINTS_PER_REPORT = 7
    ensure_seeded_categories()
    cast = build_cast()
    reporter = ReporterFactory(community=cast.community, mobile="13600009999")
    request = make_request(
        community=cast.community,
        building=cast.building,
        channel=Channel.SNAPSHOT,
        reporter=reporter,
        contact_name=reporter.name,
        contact_mobile=reporter.mobile,
    )
    ResidentRequest.objects.filter(pk=request.pk).update(accepted_at=timezone.now())

    with real_worker(redis_celery_app):
        result = award_report_points.delay(request.pk)
        awarded = result.get(timeout=30)
        again = award_report_points.delay(request.pk).get(timeout=30)
        swept = award_missed_report_points.delay().get(timeout=30)

    assert result.backend.__class__.__name__ == "RedisBackend"
    assert (awarded, again, swept) == (7, 0, 0)
    entry = PointsEntry.objects.get(kind=PointsKind.REPORT, report=request)
    assert Volunteer.objects.get(pk=entry.volunteer_id).points_balance == 7
    assert Volunteer.objects.get(pk=entry.volunteer_id).mobile == "13600009999"
