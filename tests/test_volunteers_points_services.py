"""The points ledger as the pages use it: adjustments, the 积分超市, and points for accepted 随手拍 reports."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from resident_requests.models import Channel, ResidentRequest
from resident_requests.services import request_accept, request_reject
from tests.factories import make_request
from tests.volunteer_factories import (
    NewEmploymentWorkerFactory,
    ReporterFactory,
    RewardItemFactory,
    VolunteerFactory,
)
from volunteers.models import (
    NewEmploymentWorker,
    PointsEntry,
    PointsKind,
    Volunteer,
    VolunteerKind,
)
from volunteers.services.points import (
    points_adjust,
    points_change,
    reward_item_save,
    reward_redeem,
)
from volunteers.services.reports import report_points_award, reports_without_points
from volunteers.tasks.points import award_missed_report_points, award_report_points


def test_adjust_by_secretary_and_street_admin_only(cast):
    volunteer = VolunteerFactory(community=cast.community)
    entry = points_adjust(volunteer=volunteer, delta=30, reason="补录 3 月活动", acting_user=cast.secretary)
    assert (entry.kind, entry.delta, entry.balance_after, entry.actor) == (PointsKind.ADJUST, 30, 30, cast.secretary)
    points_adjust(volunteer=volunteer, delta=-5, reason="更正", acting_user=cast.street_admin)
    assert Volunteer.objects.get(pk=volunteer.pk).points_balance == 25
    for user in (cast.worker, cast.grid_worker, cast.street_reviewer, cast.other_worker):
        with pytest.raises(PermissionDenied):
            points_adjust(volunteer=volunteer, delta=1, reason="x", acting_user=user)


def test_adjust_needs_a_reason_and_never_goes_below_zero(cast):
    volunteer = VolunteerFactory(community=cast.community)
    points_adjust(volunteer=volunteer, delta=10, reason="初始", acting_user=cast.secretary)
    with pytest.raises(ValidationError) as error:
        points_adjust(volunteer=volunteer, delta=-11, reason="扣减", acting_user=cast.secretary)
    assert "当前 10 分" in error.value.message_dict["delta"][0]
    with pytest.raises(ValidationError) as error:
        points_adjust(volunteer=volunteer, delta=5, reason="  ", acting_user=cast.secretary)
    assert "reason" in error.value.message_dict
    assert Volunteer.objects.get(pk=volunteer.pk).points_balance == 10
    assert PointsEntry.objects.filter(volunteer=volunteer).count() == 1


def test_the_database_refuses_a_negative_balance(cast):
    volunteer = VolunteerFactory(community=cast.community)
    with pytest.raises(IntegrityError), transaction.atomic():
        Volunteer.objects.filter(pk=volunteer.pk).update(points_balance=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsEntry.objects.create(volunteer=volunteer, kind=PointsKind.ADJUST, delta=-1, balance_after=-1, reason="x")


def test_redeem_checks_stock_balance_and_community(cast):
    volunteer = VolunteerFactory(community=cast.community)
    points_change(volunteer=volunteer, delta=50, kind=PointsKind.ADJUST, reason="初始", acting_user=cast.secretary)
    item = RewardItemFactory(community=cast.community, name="洗衣液", points_cost=20, stock=3)
    redemption = reward_redeem(item=item, volunteer=volunteer, quantity=2, acting_user=cast.worker)
    assert redemption.points == 40
    item.refresh_from_db()
    volunteer.refresh_from_db()
    assert (item.stock, volunteer.points_balance) == (1, 10)
    with pytest.raises(ValidationError) as error:
        reward_redeem(item=item, volunteer=volunteer, quantity=2, acting_user=cast.worker)
    assert "库存不足" in error.value.message_dict["quantity"][0]
    with pytest.raises(ValidationError) as error:
        reward_redeem(item=item, volunteer=volunteer, quantity=1, acting_user=cast.worker)
    assert "积分余额不足" in error.value.message_dict["delta"][0]
    item.refresh_from_db()
    assert item.stock == 1  # the refused redemption rolled back
    outsider = VolunteerFactory(community=cast.other_community)
    with pytest.raises(ValidationError):
        reward_redeem(item=item, volunteer=outsider, quantity=1, acting_user=cast.street_admin)
    with pytest.raises(PermissionDenied):
        reward_redeem(item=item, volunteer=volunteer, quantity=1, acting_user=cast.other_worker)


def test_reward_items_are_written_by_their_community(cast):
    from volunteers.models import RewardItem

    item = reward_item_save(
        acting_user=cast.worker, item=RewardItem(community=cast.community), name=" 毛巾 ", points_cost=10, stock=5, is_active=True
    )
    assert item.name == "毛巾"
    with pytest.raises(PermissionDenied):
        reward_item_save(acting_user=cast.other_worker, item=item, stock=1)
    with pytest.raises(ValidationError):
        reward_item_save(acting_user=cast.worker, item=item, points_cost=0)


# Points for 随手拍 reports


def _snap(cast, reporter):
    return make_request(
        community=cast.community,
        building=cast.building,
        channel=Channel.SNAPSHOT,
        reporter=reporter,
        contact_name=reporter.name,
        contact_mobile=reporter.mobile,
    )


def test_accepting_a_report_pays_the_reporters_volunteer_once(cast, settings, django_capture_on_commit_callbacks):
    settings.VOLUNTEER_POINTS_PER_REPORT = 5
    worker = NewEmploymentWorkerFactory(community=cast.community, name="刘骑手", mobile="13600000001")
    reporter = ReporterFactory(community=cast.community, name="刘骑手", mobile="13600000001")
    NewEmploymentWorker.objects.filter(pk=worker.pk).update(reporter=reporter)
    request = _snap(cast, reporter)
    # request_accept enqueues award_report_points on commit; tests run tasks eagerly.
    with django_capture_on_commit_callbacks(execute=True):
        request_accept(request=request, acting_user=cast.worker)
    worker.refresh_from_db()
    volunteer = worker.volunteer
    assert volunteer is not None and volunteer.kind == VolunteerKind.NEW_EMPLOYMENT
    assert volunteer.mobile == "13600000001" and volunteer.community == cast.community
    [entry] = PointsEntry.objects.filter(kind=PointsKind.REPORT)
    request.refresh_from_db()
    assert (entry.volunteer, entry.delta, entry.report) == (volunteer, 5, request)
    assert entry.reason == f"随手拍诉求 {request.tracking_code} 已受理"
    # Again, by the task and by the sweep: nothing more.
    assert award_report_points(request.pk) == 0
    assert award_missed_report_points() == 0
    assert Volunteer.objects.get(pk=volunteer.pk).points_balance == 5


def test_a_reporter_without_a_worker_gets_one_linked_by_mobile(cast):
    existing = VolunteerFactory(community=cast.community, mobile="13600000002")
    reporter = ReporterFactory(community=cast.community, mobile="13600000002", company="美团")
    request = _snap(cast, reporter)
    ResidentRequest.objects.filter(pk=request.pk).update(accepted_at=timezone.now())
    request.refresh_from_db()
    entry = report_points_award(request=request)
    assert entry.volunteer == existing
    worker = NewEmploymentWorker.objects.get(reporter=reporter)
    assert (worker.volunteer, worker.company, worker.mobile) == (existing, "美团", "13600000002")


def test_rejected_and_plain_requests_earn_nothing(cast):
    reporter = ReporterFactory(community=cast.community)
    rejected = _snap(cast, reporter)
    request_reject(request=rejected, acting_user=cast.worker, reason="重复")
    plain = make_request(community=cast.community, building=cast.building)
    request_accept(request=plain, acting_user=cast.worker)
    assert report_points_award(request=ResidentRequest.objects.get(pk=rejected.pk)) is None
    assert report_points_award(request=ResidentRequest.objects.get(pk=plain.pk)) is None
    assert award_missed_report_points() == 0
    assert not PointsEntry.objects.exists()


def test_the_sweep_pays_what_the_outage_missed_within_30_days(cast):
    reporter = ReporterFactory(community=cast.community)
    recent, old = _snap(cast, reporter), _snap(cast, reporter)
    # Accepted while Redis was down: the on-commit task never ran.
    ResidentRequest.objects.filter(pk=recent.pk).update(accepted_at=timezone.now() - dt.timedelta(days=29))
    ResidentRequest.objects.filter(pk=old.pk).update(accepted_at=timezone.now() - dt.timedelta(days=31))
    assert list(reports_without_points().values_list("pk", flat=True)) == [recent.pk]
    assert award_missed_report_points() == 1
    assert award_missed_report_points() == 0
    assert PointsEntry.objects.get(kind=PointsKind.REPORT).report_id == recent.pk
