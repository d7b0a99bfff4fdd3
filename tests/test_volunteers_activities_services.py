"""volunteers.services.activities: creating activities with recurrence, publishing, cancelling,
sign-ups with capacity, waiting list (FIFO, promotion on cancel), overlap and members-only rules."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections
from django.utils import timezone

from tests.conftest import build_cast
from tests.markers import needs_postgres
from tests.volunteer_factories import (
    ActivityFactory,
    MembershipFactory,
    ShiftFactory,
    SignupFactory,
    TeamFactory,
    VolunteerFactory,
)
from volunteers.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    Audience,
    Recurrence,
    Shift,
    Signup,
    SignupSource,
    SignupStatus,
)
from volunteers.services import activities as services


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _create(cast, **overrides):
    start = _at(timezone.localdate() + dt.timedelta(days=2), 17)
    fields = dict(
        community=cast.community,
        title="垃圾分类宣传劝导",
        activity_type=ActivityType.PERSUASION,
        team=None,
        position=None,
        address="莲香新村三区垃圾房",
        description="",
        audience=Audience.PUBLIC,
        target_group="",
        recurrence=Recurrence.NONE,
        recurrence_until=None,
        first_start=start,
        first_end=start + dt.timedelta(hours=2),
        capacity=3,
        acting_user=cast.worker,
    )
    fields.update(overrides)
    return services.activity_create(**fields)


# Creating, recurrence, publishing, cancelling


def test_daily_recurrence_makes_one_shift_per_evening_at_the_same_local_time(cast):
    first = timezone.localdate() + dt.timedelta(days=2)
    activity = _create(cast, recurrence=Recurrence.DAILY, recurrence_until=first + dt.timedelta(days=6))
    shifts = list(activity.shifts.order_by("starts_at"))
    assert len(shifts) == 7
    for offset, shift in enumerate(shifts):
        start = timezone.localtime(shift.starts_at)
        assert start.date() == first + dt.timedelta(days=offset)
        assert (start.hour, start.minute) == (17, 0)
        assert shift.ends_at - shift.starts_at == dt.timedelta(hours=2)
        assert shift.capacity == 3
    assert activity.status == ActivityStatus.DRAFT
    assert activity.organiser == cast.worker


def test_weekly_recurrence_steps_seven_days(cast):
    first = timezone.localdate() + dt.timedelta(days=2)
    activity = _create(cast, recurrence=Recurrence.WEEKLY, recurrence_until=first + dt.timedelta(days=20))
    days = [timezone.localtime(s.starts_at).date() for s in activity.shifts.order_by("starts_at")]
    assert days == [first, first + dt.timedelta(days=7), first + dt.timedelta(days=14)]


def test_recurrence_over_120_shifts_is_refused_and_nothing_saved(cast):
    first = timezone.localdate() + dt.timedelta(days=2)
    with pytest.raises(ValidationError) as error:
        _create(cast, recurrence=Recurrence.DAILY, recurrence_until=first + dt.timedelta(days=120))
    assert "recurrence_until" in error.value.message_dict
    assert "120" in error.value.message_dict["recurrence_until"][0]
    assert not Activity.objects.exists()
    # Exactly 120 is fine.
    activity = _create(cast, recurrence=Recurrence.DAILY, recurrence_until=first + dt.timedelta(days=119))
    assert activity.shifts.count() == 120


def test_place_is_required_and_position_must_be_of_the_community(cast):
    from tests.factories import ServicePositionFactory

    with pytest.raises(ValidationError) as error:
        _create(cast, address="  ")
    assert "address" in error.value.message_dict
    other_position = ServicePositionFactory(community=cast.other_community)
    with pytest.raises(ValidationError) as error:
        _create(cast, position=other_position, address="")
    assert "position" in error.value.message_dict


@pytest.mark.parametrize("who", ["street_reviewer", "grid_worker", "other_worker"])
def test_only_community_staff_and_street_admin_create(cast, who):
    with pytest.raises(PermissionDenied):
        _create(cast, acting_user=getattr(cast, who))
    assert _create(cast, acting_user=cast.street_admin).community == cast.community


def test_publish_needs_a_future_shift(cast):
    activity = ActivityFactory(community=cast.community, status=ActivityStatus.DRAFT, published_at=None)
    with pytest.raises(ValidationError):
        services.activity_publish(activity=activity, acting_user=cast.worker)
    ShiftFactory(activity=activity, starts_at=timezone.now() - dt.timedelta(hours=3))
    with pytest.raises(ValidationError):
        services.activity_publish(activity=activity, acting_user=cast.worker)
    ShiftFactory(activity=activity)
    services.activity_publish(activity=activity, acting_user=cast.worker)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PUBLISHED
    assert activity.published_at is not None


def test_cancel_needs_a_reason_cancels_signups_and_texts_them(cast, django_capture_on_commit_callbacks, caplog):
    shift = ShiftFactory(activity=ActivityFactory(community=cast.community))
    signup = SignupFactory(shift=shift, volunteer=VolunteerFactory(mobile="13700001234"))
    with pytest.raises(ValidationError) as error:
        services.activity_cancel(activity=shift.activity, reason=" ", acting_user=cast.worker)
    assert "reason" in error.value.message_dict
    caplog.set_level("INFO", logger="accounts.notifications")
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_cancel(activity=shift.activity, reason="台风预警", acting_user=cast.worker)
    signup.refresh_from_db()
    assert signup.status == SignupStatus.CANCELLED
    sms = [r.getMessage() for r in caplog.records if r.getMessage().startswith("SMS to 137****1234:")]
    assert any("已取消" in line and "台风预警" in line for line in sms)
    # The full number never reaches the log.
    assert "13700001234" not in caplog.text


def test_market_people_served_is_the_sum_of_stalls(cast):
    from volunteers.selectors.activities import people_served_total

    market = ActivityFactory(community=cast.community, activity_type=ActivityType.MARKET)
    services.stall_add(activity=market, service="haircut", name="", provider="", people_served=40, acting_user=cast.worker)
    services.stall_add(activity=market, service="knife", name="", provider="", people_served=25, acting_user=cast.worker)
    assert people_served_total(market) == 65
    with pytest.raises(ValidationError):
        services.activity_set_people_served(activity=market, people_served=3, acting_user=cast.worker)
    visit = ActivityFactory(community=cast.community, activity_type=ActivityType.VISIT)
    with pytest.raises(ValidationError):
        services.stall_add(activity=visit, service="haircut", name="", provider="", people_served=1, acting_user=cast.worker)
    services.activity_set_people_served(activity=visit, people_served=12, acting_user=cast.worker)
    assert people_served_total(visit) == 12


# Sign-ups


def _signup(shift, volunteer, **kwargs):
    return services.signup_create(shift=shift, volunteer=volunteer, source=SignupSource.PUBLIC, acting_user=None, **kwargs)


def test_capacity_then_waiting_list_in_order(cast):
    shift = ShiftFactory(activity=ActivityFactory(community=cast.community), capacity=2)
    volunteers = [VolunteerFactory(community=cast.community) for _ in range(4)]
    results = [_signup(shift, v) for v in volunteers]
    assert [r.signup.status for r in results] == ["confirmed", "confirmed", "waiting", "waiting"]
    assert [r.waiting_position for r in results] == [None, None, 1, 2]


def test_duplicate_signup_is_a_friendly_error(cast):
    shift = ShiftFactory(activity=ActivityFactory(community=cast.community))
    volunteer = VolunteerFactory(community=cast.community)
    _signup(shift, volunteer)
    with pytest.raises(ValidationError) as error:
        _signup(shift, volunteer)
    assert "已报名该班次" in error.value.message_dict["shift"][0]
    assert Signup.objects.filter(shift=shift).count() == 1


def test_cancelling_a_confirmed_signup_promotes_the_first_waiting(cast, django_capture_on_commit_callbacks, caplog):
    shift = ShiftFactory(activity=ActivityFactory(community=cast.community), capacity=1)
    first, second, third = (VolunteerFactory(community=cast.community) for _ in range(3))
    confirmed = _signup(shift, first).signup
    waiting_1 = _signup(shift, second).signup
    waiting_2 = _signup(shift, third).signup
    caplog.set_level("INFO", logger="accounts.notifications")
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.signup_cancel(signup=confirmed, acting_user=None)
    assert promoted.pk == waiting_1.pk
    waiting_1.refresh_from_db()
    waiting_2.refresh_from_db()
    assert waiting_1.status == SignupStatus.CONFIRMED
    assert waiting_2.status == SignupStatus.WAITING
    assert services.waiting_position(waiting_2) == 1
    assert any("已转为正式报名" in r.getMessage() and second.masked_mobile in r.getMessage() for r in caplog.records)


def test_cancelling_a_waiting_signup_promotes_nobody(cast):
    shift = ShiftFactory(activity=ActivityFactory(community=cast.community), capacity=1)
    a, b, c = (VolunteerFactory(community=cast.community) for _ in range(3))
    _signup(shift, a)
    waiting = _signup(shift, b).signup
    last = _signup(shift, c).signup
    assert services.signup_cancel(signup=waiting, acting_user=None) is None
    last.refresh_from_db()
    assert last.status == SignupStatus.WAITING
    assert services.waiting_position(last) == 1


def test_overlap_needs_confirmation(cast):
    day = timezone.localdate() + dt.timedelta(days=3)
    volunteer = VolunteerFactory(community=cast.community)
    evening = ShiftFactory(activity=ActivityFactory(community=cast.community), starts_at=_at(day, 17), ends_at=_at(day, 19))
    clash = ShiftFactory(activity=ActivityFactory(community=cast.community), starts_at=_at(day, 18), ends_at=_at(day, 20))
    after = ShiftFactory(activity=ActivityFactory(community=cast.community), starts_at=_at(day, 19), ends_at=_at(day, 21))
    _signup(evening, volunteer)
    with pytest.raises(ValidationError) as error:
        _signup(clash, volunteer)
    assert "时间冲突" in error.value.message_dict["confirm_overlap"][0]
    # Back to back is not an overlap.
    assert _signup(after, volunteer).signup.status == SignupStatus.CONFIRMED
    assert _signup(clash, volunteer, confirm_overlap=True).signup.status == SignupStatus.CONFIRMED


def test_a_cancelled_signup_does_not_count_as_overlap_or_duplicate(cast):
    shift = ShiftFactory(activity=ActivityFactory(community=cast.community))
    volunteer = VolunteerFactory(community=cast.community)
    signup = _signup(shift, volunteer).signup
    services.signup_cancel(signup=signup, acting_user=None)
    assert _signup(shift, volunteer).signup.status == SignupStatus.CONFIRMED


def test_members_only_activity(cast):
    team = TeamFactory(community=cast.community)
    member = MembershipFactory(team=team).volunteer
    stranger = VolunteerFactory(community=cast.community)
    shift = ShiftFactory(activity=ActivityFactory(community=cast.community, team=team, audience=Audience.MEMBERS))
    with pytest.raises(ValidationError):
        _signup(shift, member)  # not through the public page
    with pytest.raises(ValidationError) as error:
        services.signup_create(shift=shift, volunteer=stranger, source=SignupSource.STAFF, acting_user=cast.worker)
    assert "仅限本队队员" in error.value.message_dict["volunteer"][0]
    result = services.signup_create(shift=shift, volunteer=member, source=SignupSource.STAFF, acting_user=cast.worker)
    assert result.signup.status == SignupStatus.CONFIRMED
    with pytest.raises(PermissionDenied):
        services.signup_create(
            shift=shift, volunteer=member, source=SignupSource.STAFF, acting_user=cast.street_reviewer
        )


def test_no_signup_for_drafts_or_started_shifts(cast):
    volunteer = VolunteerFactory(community=cast.community)
    draft = ShiftFactory(activity=ActivityFactory(community=cast.community, status=ActivityStatus.DRAFT))
    with pytest.raises(ValidationError):
        _signup(draft, volunteer)
    started = ShiftFactory(
        activity=ActivityFactory(community=cast.community),
        starts_at=timezone.now() - dt.timedelta(minutes=10),
        ends_at=timezone.now() + dt.timedelta(hours=1),
    )
    with pytest.raises(ValidationError):
        _signup(started, volunteer)


# Two residents racing for the last spot: the row lock lets exactly one in.


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_signups_racing_for_the_last_spot():
    cast = build_cast()
    shift = ShiftFactory(activity=ActivityFactory(community=cast.community), capacity=1)
    volunteers = [VolunteerFactory(community=cast.community) for _ in range(2)]
    barrier = threading.Barrier(2)
    statuses, errors = [], []

    def sign(volunteer):
        try:
            barrier.wait()
            statuses.append(_signup(Shift.objects.get(pk=shift.pk), volunteer).signup.status)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=sign, args=(v,)) for v in volunteers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(statuses) == ["confirmed", "waiting"]
    assert Signup.objects.filter(shift=shift, status=SignupStatus.CONFIRMED).count() == 1
