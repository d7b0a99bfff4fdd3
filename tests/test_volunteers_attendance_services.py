"""volunteers.services.attendance: check-in/out, the QR window, and the hour confirmation rules
(who, which states, history kept, points once, corrections through the ledger)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.volunteer_factories import (
    ActivityFactory,
    ServiceHoursFactory,
    ShiftFactory,
    SignupFactory,
    VolunteerFactory,
)
from volunteers.models import (
    ActivityType,
    HoursStatus,
    PointsEntry,
    PointsKind,
    ServiceHours,
    ServiceHoursChange,
    SignupStatus,
)
from volunteers.services import attendance as services
from volunteers.services.points import points_change


@pytest.fixture(autouse=True)
def ten_points_an_hour(settings):
    settings.VOLUNTEER_POINTS_PER_HOUR = 10


def _running_shift(cast, *, started_minutes_ago=60, length_minutes=120, **activity):
    now = timezone.now()
    start = now - dt.timedelta(minutes=started_minutes_ago)
    return ShiftFactory(
        activity=ActivityFactory(community=cast.community, **activity),
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=length_minutes),
    )


# Check-in and check-out by the organiser


def test_check_out_records_actual_minutes_pending(cast):
    shift = _running_shift(cast, activity_type=ActivityType.PERSUASION, title="垃圾分类宣传")
    signup = SignupFactory(shift=shift)
    checked_in = shift.starts_at + dt.timedelta(minutes=5)
    services.signup_check_in(signup=signup, at=checked_in, acting_user=cast.worker)
    record = services.signup_check_out(signup=signup, at=checked_in + dt.timedelta(minutes=50), acting_user=cast.worker)
    assert record.minutes == 50
    assert record.status == HoursStatus.PENDING
    assert record.content == "宣传劝导 · 垃圾分类宣传"
    assert record.served_on == timezone.localtime(checked_in).date()
    assert list(record.changes.values_list("new_status", "new_minutes")) == [("pending", 50)]


def test_minutes_are_capped_at_the_shift_length(cast):
    shift = _running_shift(cast, started_minutes_ago=200, length_minutes=120)
    signup = SignupFactory(shift=shift)
    services.signup_check_in(signup=signup, at=shift.starts_at - dt.timedelta(minutes=20), acting_user=cast.worker)
    record = services.signup_check_out(signup=signup, at=shift.ends_at + dt.timedelta(minutes=30), acting_user=cast.worker)
    assert record.minutes == 120


def test_attendance_rules(cast):
    shift = _running_shift(cast)
    waiting = SignupFactory(shift=shift, status=SignupStatus.WAITING)
    with pytest.raises(ValidationError):
        services.signup_check_in(signup=waiting, acting_user=cast.worker)
    signup = SignupFactory(shift=shift)
    with pytest.raises(ValidationError):
        services.signup_check_out(signup=signup, acting_user=cast.worker)
    with pytest.raises(PermissionDenied):
        services.signup_check_in(signup=signup, acting_user=cast.street_reviewer)
    services.signup_check_in(signup=signup, acting_user=cast.worker)
    with pytest.raises(ValidationError):
        services.signup_check_in(signup=signup, acting_user=cast.worker)
    with pytest.raises(ValidationError) as error:
        services.signup_check_out(signup=signup, at=timezone.now() + dt.timedelta(hours=2), acting_user=cast.worker)
    assert "at" in error.value.message_dict


# The QR scan window


@pytest.mark.parametrize(
    ("started_minutes_ago", "length", "open_"),
    [
        (-29, 60, True),  # starts in 29 minutes
        (-31, 60, False),  # starts in 31 minutes
        (89, 60, True),  # ended 29 minutes ago
        (91, 60, False),  # ended 31 minutes ago
    ],
)
def test_qr_window_is_the_shift_plus_minus_30_minutes(cast, started_minutes_ago, length, open_):
    shift = _running_shift(cast, started_minutes_ago=started_minutes_ago, length_minutes=length)
    signup = SignupFactory(shift=shift)
    if open_:
        direction, scanned = services.qr_scan(activity=shift.activity, code_or_mobile=signup.code.lower())
        assert (direction, scanned.pk) == ("in", signup.pk)
        assert scanned.check_in_method == "qr"
    else:
        with pytest.raises(ValidationError) as error:
            services.qr_scan(activity=shift.activity, code_or_mobile=signup.code)
        assert "30 分钟" in error.value.messages[0]


def test_qr_second_scan_checks_out_by_mobile(cast):
    shift = _running_shift(cast, started_minutes_ago=60)
    volunteer = VolunteerFactory(mobile="13712345678")
    signup = SignupFactory(shift=shift, volunteer=volunteer)
    services.signup_check_in(signup=signup, at=timezone.now() - dt.timedelta(minutes=45), acting_user=cast.worker)
    direction, scanned = services.qr_scan(activity=shift.activity, code_or_mobile="13712345678")
    assert direction == "out"
    assert 44 <= ServiceHours.objects.get(signup=signup).minutes <= 45
    # A third scan finds nothing open.
    with pytest.raises(ValidationError):
        services.qr_scan(activity=shift.activity, code_or_mobile="13712345678")


def test_qr_refuses_unknown_codes_and_other_activities(cast):
    shift = _running_shift(cast)
    other = _running_shift(cast)
    signup = SignupFactory(shift=other)
    with pytest.raises(ValidationError) as error:
        services.qr_scan(activity=shift.activity, code_or_mobile=signup.code)
    assert "code" in error.value.message_dict


# Hours decisions


def _record(cast, minutes=120, **kwargs):
    shift = _running_shift(cast, started_minutes_ago=300)
    return ServiceHoursFactory(signup=SignupFactory(shift=shift), minutes=minutes, **kwargs)


def test_confirm_awards_points_once(cast):
    record = _record(cast, minutes=125)
    services.hours_confirm(record=record, acting_user=cast.worker)
    record.refresh_from_db()
    volunteer = record.volunteer
    volunteer.refresh_from_db()
    assert record.status == HoursStatus.CONFIRMED
    assert record.decided_by == cast.worker
    assert volunteer.points_balance == 20  # 125 min × 10/h, rounded down
    with pytest.raises(ValidationError):
        services.hours_confirm(record=record, acting_user=cast.worker)
    assert PointsEntry.objects.filter(hours=record).count() == 1


@pytest.mark.parametrize("who", ["street_reviewer", "grid_worker", "other_worker"])
def test_only_the_activitys_community_staff_decide(cast, who):
    record = _record(cast)
    with pytest.raises(PermissionDenied):
        services.hours_confirm(record=record, acting_user=getattr(cast, who))
    record.refresh_from_db()
    assert record.status == HoursStatus.PENDING


def test_staff_cannot_confirm_their_own_hours(cast):
    cast.worker.phone = "13799990000"
    cast.worker.save()
    record = _record(cast)
    record.volunteer.mobile = "13799990000"
    record.volunteer.save()
    with pytest.raises(PermissionDenied):
        services.hours_confirm(record=record, acting_user=cast.worker)
    services.hours_confirm(record=record, acting_user=cast.secretary)


def test_reject_needs_a_reason_and_only_from_pending_then_reopen(cast):
    record = _record(cast)
    with pytest.raises(ValidationError):
        services.hours_reject(record=record, reason="", acting_user=cast.worker)
    services.hours_reject(record=record, reason="未到岗", acting_user=cast.worker)
    record.refresh_from_db()
    assert (record.status, record.reject_reason) == (HoursStatus.REJECTED, "未到岗")
    with pytest.raises(ValidationError):
        services.hours_correct(record=record, minutes=60, reason="补登", acting_user=cast.worker)
    with pytest.raises(ValidationError):
        services.hours_confirm(record=record, acting_user=cast.worker)
    services.hours_reopen(record=record, reason="核实已到岗", acting_user=cast.worker)
    record.refresh_from_db()
    assert record.status == HoursStatus.PENDING and record.reject_reason == ""
    history = list(ServiceHoursChange.objects.filter(record=record).values_list("old_status", "new_status", "reason"))
    assert history == [("pending", "rejected", "未到岗"), ("rejected", "pending", "核实已到岗")]
    confirmed = _record(cast)
    services.hours_confirm(record=confirmed, acting_user=cast.worker)
    with pytest.raises(ValidationError):
        services.hours_reject(record=confirmed, reason="x", acting_user=cast.worker)


def test_correcting_a_confirmed_record_settles_the_difference_in_the_ledger(cast):
    record = _record(cast, minutes=120)
    services.hours_confirm(record=record, acting_user=cast.worker)  # +20
    services.hours_correct(record=record, minutes=90, reason="提前离开", acting_user=cast.worker)  # 15 → −5
    services.hours_correct(record=record, minutes=180, reason="核对签到表", acting_user=cast.worker)  # 30 → +15
    volunteer = record.volunteer
    volunteer.refresh_from_db()
    assert volunteer.points_balance == 30
    entries = list(PointsEntry.objects.filter(hours=record).order_by("id").values_list("kind", "delta", "balance_after"))
    assert entries == [(PointsKind.HOURS, 20, 20), (PointsKind.REVERSAL, -5, 15), (PointsKind.ADJUST, 15, 30)]
    changes = list(record.changes.order_by("id").values_list("old_minutes", "new_minutes", "reason"))
    assert changes[-2:] == [(120, 90, "提前离开"), (90, 180, "核对签到表")]


def test_correction_never_takes_the_balance_below_zero(cast):
    record = _record(cast, minutes=120)
    services.hours_confirm(record=record, acting_user=cast.worker)  # 20 points
    points_change(volunteer=record.volunteer, delta=-15, kind=PointsKind.REDEEM, reason="兑换洗衣液", acting_user=cast.worker)
    with pytest.raises(ValidationError) as error:
        services.hours_correct(record=record, minutes=0, reason="未实际服务", acting_user=cast.worker)
    assert "余额不足" in error.value.message_dict["minutes"][0]
    record.refresh_from_db()
    assert record.minutes == 120  # nothing changed
    record.volunteer.refresh_from_db()
    assert record.volunteer.points_balance == 5


def test_correcting_a_pending_record_moves_no_points_until_confirmed(cast):
    record = _record(cast, minutes=120)
    services.hours_correct(record=record, minutes=60, reason="实际一小时", acting_user=cast.worker)
    assert not PointsEntry.objects.filter(hours=record).exists()
    services.hours_confirm(record=record, acting_user=cast.worker)
    record.volunteer.refresh_from_db()
    assert record.volunteer.points_balance == 10
    with pytest.raises(ValidationError):
        services.hours_correct(record=record, minutes=60, reason="没有变化", acting_user=cast.worker)
    with pytest.raises(ValidationError):
        services.hours_correct(record=record, minutes=30, reason="", acting_user=cast.worker)
