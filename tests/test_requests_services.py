"""The request state machine through its services: every allowed and refused move,
time limits, tracking codes, double submission, and two staff acting at once."""

import datetime as dt
import threading
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from resident_requests import services
from resident_requests.models import (
    EventAction,
    HandlerKind,
    RequestCategory,
    ResidentRequest,
    Satisfaction,
    Status,
)
from resident_requests.workflow import TRANSITIONS, WorkflowError, allowed_actions
from tests.factories import make_request
from tests.markers import needs_postgres
from tests.request_steps import ORDER, walk

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOON = dt.datetime(2026, 11, 21, 12, 0, tzinfo=SHANGHAI)


def _actions(cast, request):
    """One call per workflow action, each with an actor allowed to take it (if the state allows)."""
    return {
        EventAction.ACCEPT: lambda: services.request_accept(request=request, acting_user=cast.worker),
        EventAction.REJECT: lambda: services.request_reject(request=request, acting_user=cast.worker, reason="不属于社区职责"),
        EventAction.MERGE: lambda: services.request_merge(
            request=request, acting_user=cast.worker, target=make_request(community=cast.community)
        ),
        EventAction.DISPATCH: lambda: services.request_dispatch(
            request=request, acting_user=cast.worker, handler_kind=HandlerKind.GRID_WORKER, handler=cast.grid_worker
        ),
        EventAction.RETURN: lambda: services.request_return(request=request, acting_user=cast.worker, reason="需物业处理"),
        EventAction.SIGN: lambda: services.request_sign(request=request, acting_user=cast.grid_worker),
        EventAction.RESOLVE: lambda: services.request_resolve(request=request, acting_user=cast.grid_worker, result="已处理"),
        EventAction.CALLBACK: lambda: services.request_callback(
            request=request, acting_user=cast.worker, contacted=True, solved=False, satisfaction=Satisfaction.DISSATISFIED
        ),
        EventAction.REOPEN: lambda: services.request_reopen(request=request, acting_user=cast.worker, reason="居民不满意"),
        EventAction.ARCHIVE: lambda: services.request_archive(request=request, acting_user=cast.worker),
    }


STATE_CHANGES = [a for a, t in TRANSITIONS.items() if t.target is not None]


@pytest.mark.parametrize("start", ORDER[:-1] + [Status.REJECTED])
@pytest.mark.parametrize("action", STATE_CHANGES)
def test_every_state_change_is_allowed_exactly_where_the_table_says(cast, start, action):
    request = make_request(community=cast.community, building=cast.building)
    if start == Status.REJECTED:
        request = services.request_reject(request=request, acting_user=cast.worker, reason="重复")
    else:
        request = walk(request, cast, to=start, satisfaction=Satisfaction.DISSATISFIED)
    call = _actions(cast, request)[action]
    events_before = request.events.count()
    if start in TRANSITIONS[action].sources:
        result = call()
        assert result.status == TRANSITIONS[action].target
        event = result.events.last()
        assert (event.action, event.from_status, event.to_status) == (action, start, result.status)
    else:
        with pytest.raises(WorkflowError, match="不能"):
            call()
        request.refresh_from_db()
        assert request.status == start
        assert request.events.count() == events_before


def test_allowed_actions_follow_the_table():
    assert set(allowed_actions(Status.SUBMITTED)) == {EventAction.ACCEPT, EventAction.REJECT, EventAction.MERGE}
    assert EventAction.SIGN in allowed_actions(Status.DISPATCHED)
    assert allowed_actions(Status.MERGED) == []


def test_a_full_walk_leaves_a_timeline_with_actors(cast):
    request = walk(make_request(community=cast.community, building=cast.building), cast, to=Status.ARCHIVED)
    events = list(request.events.values_list("action", "actor__username"))
    assert events == [
        ("submit", None),
        ("accept", "worker"),
        ("dispatch", "worker"),
        ("sign", "gridworker"),
        ("resolve", "gridworker"),
        ("callback", "worker"),
        ("archive", "worker"),
    ]
    assert request.owner == cast.worker  # 首接负责
    assert request.archived_at is not None


def test_grid_is_taken_from_the_building(cast):
    request = make_request(community=cast.community, building=cast.building)
    assert request.grid == cast.grid
    assert request.compound == cast.building.compound


def test_place_must_be_consistent(cast):
    other_building = cast.outsider_resident.household.stairwell.building
    with pytest.raises(ValidationError) as excinfo:
        make_request(community=cast.community, building=other_building)
    assert "compound" in excinfo.value.message_dict


# Tracking codes and double submission


def test_tracking_codes_are_date_and_daily_serial(cast):
    with time_machine.travel(NOON, tick=False):
        first = make_request(community=cast.community)
        second = make_request(community=cast.community)
    assert first.tracking_code == "XT2611210001"
    assert second.tracking_code == "XT2611210002"
    with time_machine.travel(NOON + dt.timedelta(days=1), tick=False):
        assert make_request(community=cast.community).tracking_code == "XT2611220001"


def test_the_same_submission_token_creates_one_request(cast):
    first = make_request(community=cast.community, submission_token="tok-1")
    again = make_request(community=cast.community, submission_token="tok-1", description="第二次点击")
    assert again.pk == first.pk
    assert ResidentRequest.objects.count() == 1


def test_referral_needs_its_number(cast):
    with pytest.raises(ValidationError) as excinfo:
        make_request(community=cast.community, channel="referral")
    assert "referral_number" in excinfo.value.message_dict


# Time limits


@pytest.mark.parametrize(
    ("code", "hours"), [("hazard", 2), ("utilities", 24), ("sanitation", 7 * 24), ("dispute", 15 * 24)]
)
def test_due_time_comes_from_the_category_on_acceptance(cast, code, hours):
    with time_machine.travel(NOON, tick=False):
        request = make_request(community=cast.community, code=code)
        assert request.due_at is None  # no clock before 受理
        request = services.request_accept(request=request, acting_user=cast.worker)
    assert request.due_at == NOON + dt.timedelta(hours=hours)


def test_time_limit_edited_in_admin_applies_to_new_acceptances(cast):
    RequestCategory.objects.filter(code="hazard").update(time_limit_hours=1)
    with time_machine.travel(NOON, tick=False):
        request = services.request_accept(request=make_request(community=cast.community, code="hazard"), acting_user=cast.worker)
    assert request.due_at == NOON + dt.timedelta(hours=1)


def test_overdue_and_time_left(cast):
    with time_machine.travel(NOON, tick=False):
        request = services.request_accept(request=make_request(community=cast.community, code="hazard"), acting_user=cast.worker)
    at = NOON + dt.timedelta(hours=1, minutes=30)
    assert request.time_left(at) == dt.timedelta(minutes=30)
    assert not request.is_overdue(at)
    late = NOON + dt.timedelta(hours=3)
    assert request.is_overdue(late)
    assert request.time_left(late) == -dt.timedelta(hours=1)
    with time_machine.travel(late, tick=False):
        assert list(ResidentRequest.objects.overdue()) == [request]
    resolved = walk(request, cast, to=Status.RESOLVED)
    assert not resolved.is_overdue(late) and resolved.time_left(late) is None


def test_return_keeps_the_clock_and_reopen_restarts_it(cast):
    with time_machine.travel(NOON, tick=False):
        request = walk(make_request(community=cast.community), cast, to=Status.DISPATCHED)
    due = request.due_at
    with time_machine.travel(NOON + dt.timedelta(days=1), tick=False):
        request = services.request_return(request=request, acting_user=cast.grid_worker, reason="不在本网格")
    assert request.due_at == due and request.handler is None
    later = NOON + dt.timedelta(days=3)
    with time_machine.travel(later, tick=False):
        request = walk(request, cast, to=Status.CALLED_BACK, satisfaction=Satisfaction.DISSATISFIED)
        request = services.request_reopen(request=request, acting_user=cast.worker, reason="居民不满意")
    assert request.status == Status.ACCEPTED
    assert request.due_at == later + dt.timedelta(days=7)
    assert request.reopen_count == 1


def test_reopen_needs_a_dissatisfied_callback(cast):
    request = walk(make_request(community=cast.community), cast, to=Status.CALLED_BACK, satisfaction=Satisfaction.SATISFIED)
    with pytest.raises(WorkflowError, match="不满意"):
        services.request_reopen(request=request, acting_user=cast.worker, reason="再看看")


# Extension (延期)


def test_extension_asked_by_handler_and_approved_by_street(cast):
    with time_machine.travel(NOON, tick=False):
        request = walk(make_request(community=cast.community), cast, to=Status.IN_PROGRESS)
    until = request.due_at + dt.timedelta(days=3)
    with pytest.raises(PermissionDenied):
        services.request_extension_ask(request=request, acting_user=cast.worker, until=until, reason="等配件")
    request = services.request_extension_ask(request=request, acting_user=cast.grid_worker, until=until, reason="等配件")
    with pytest.raises(WorkflowError, match="已有"):
        services.request_extension_ask(request=request, acting_user=cast.grid_worker, until=until, reason="再等")
    with pytest.raises(PermissionDenied):
        services.request_extension_decide(request=request, acting_user=cast.secretary, approve=True)
    request = services.request_extension_decide(request=request, acting_user=cast.street_reviewer, approve=True)
    assert request.due_at == until
    assert request.extension_until is None
    with pytest.raises(WorkflowError, match="没有待审批"):
        services.request_extension_decide(request=request, acting_user=cast.street_reviewer, approve=False)


def test_extension_must_move_the_due_time_later(cast):
    request = walk(make_request(community=cast.community), cast, to=Status.IN_PROGRESS)
    with pytest.raises(ValidationError):
        services.request_extension_ask(
            request=request, acting_user=cast.grid_worker, until=request.due_at - dt.timedelta(hours=1), reason="x"
        )


def test_refused_extension_keeps_the_due_time(cast):
    request = walk(make_request(community=cast.community), cast, to=Status.IN_PROGRESS)
    due = request.due_at
    request = services.request_extension_ask(
        request=request, acting_user=cast.grid_worker, until=due + dt.timedelta(days=1), reason="等配件"
    )
    request = services.request_extension_decide(request=request, acting_user=cast.street_admin, approve=False, note="可先临时处理")
    assert request.due_at == due
    assert request.events.last().action == EventAction.EXTEND_REFUSE


# Who may act


def test_only_the_assigned_handler_signs(cast):
    request = walk(make_request(community=cast.community), cast, to=Status.DISPATCHED)
    for user in (cast.worker, cast.secretary, cast.other_worker, cast.street_reviewer):
        with pytest.raises(PermissionDenied):
            services.request_sign(request=request, acting_user=user)


def test_external_handlers_are_signed_for_by_coordinators(cast):
    request = walk(make_request(community=cast.community), cast, to=Status.ACCEPTED)
    request = services.request_dispatch(
        request=request, acting_user=cast.worker, handler_kind=HandlerKind.PROPERTY_COMPANY, handler_unit="莲香物业"
    )
    assert request.handler is None and request.handler_unit == "莲香物业"
    request = services.request_sign(request=request, acting_user=cast.secretary)
    assert request.status == Status.IN_PROGRESS


@pytest.mark.parametrize("user", ["street_reviewer", "grid_worker", "other_worker", "no_role"])
def test_accept_needs_a_coordinator_of_the_community(cast, user):
    request = make_request(community=cast.community)
    with pytest.raises(PermissionDenied):
        services.request_accept(request=request, acting_user=getattr(cast, user))


def test_dispatch_checks_the_handler(cast):
    request = walk(make_request(community=cast.community), cast, to=Status.ACCEPTED)
    with pytest.raises(ValidationError) as excinfo:  # a worker of another community
        services.request_dispatch(request=request, acting_user=cast.worker, handler_kind=HandlerKind.COMMUNITY_STAFF, handler=cast.other_worker)
    assert "handler" in excinfo.value.message_dict
    with pytest.raises(ValidationError):  # a secretary is not a grid worker
        services.request_dispatch(request=request, acting_user=cast.worker, handler_kind=HandlerKind.GRID_WORKER, handler=cast.secretary)
    with pytest.raises(ValidationError):
        services.request_dispatch(request=request, acting_user=cast.worker, handler_kind=HandlerKind.STREET_DEPARTMENT, handler_unit=" ")


def test_urge_by_secretary_is_cuiban_and_by_street_is_duban(cast):
    request = walk(make_request(community=cast.community), cast, to=Status.DISPATCHED)
    services.request_urge(request=request, acting_user=cast.secretary, note="请尽快")
    request = services.request_urge(request=request, acting_user=cast.street_reviewer, note="街道督办")
    assert list(request.events.filter(action__in=["urge", "supervise"]).values_list("action", flat=True)) == ["urge", "supervise"]
    assert request.urge_count == 2
    with pytest.raises(PermissionDenied):
        services.request_urge(request=request, acting_user=cast.worker)


def test_merge_into_an_open_request_of_the_same_community(cast):
    target = make_request(community=cast.community, building=cast.building)
    duplicate = make_request(community=cast.community, building=cast.building)
    merged = services.request_merge(request=duplicate, acting_user=cast.worker, target=target)
    assert merged.status == Status.MERGED and merged.merged_into == target
    assert target.events.filter(action=EventAction.MERGE).exists()
    outsider = make_request(community=cast.other_community)
    with pytest.raises(ValidationError):
        services.request_merge(request=make_request(community=cast.community), acting_user=cast.worker, target=outsider)
    with pytest.raises(ValidationError):
        services.request_merge(request=target, acting_user=cast.worker, target=target)


# The resident's rating


def test_resident_rating_is_the_callback_and_only_once(cast):
    request = walk(make_request(community=cast.community), cast, to=Status.RESOLVED)
    request = services.request_rate(request=request, contacted=True, solved=True, satisfaction=Satisfaction.BASICALLY, comment="还可以")
    assert request.status == Status.CALLED_BACK
    assert (request.callback_contacted, request.callback_solved, request.callback_satisfaction) == (True, True, "basically")
    assert request.events.last().actor is None
    with pytest.raises(WorkflowError, match="已评价"):
        services.request_rate(request=request, contacted=False, solved=False, satisfaction=Satisfaction.DISSATISFIED)


def test_resident_rating_replaces_a_staff_callback(cast):
    request = walk(make_request(community=cast.community), cast, to=Status.CALLED_BACK, satisfaction=Satisfaction.SATISFIED)
    request = services.request_rate(request=request, contacted=True, solved=False, satisfaction=Satisfaction.DISSATISFIED)
    assert request.status == Status.CALLED_BACK
    assert request.callback_satisfaction == Satisfaction.DISSATISFIED


def test_rating_before_resolution_is_refused(cast):
    request = walk(make_request(community=cast.community), cast, to=Status.IN_PROGRESS)
    with pytest.raises(WorkflowError):
        services.request_rate(request=request, contacted=True, solved=True, satisfaction=Satisfaction.SATISFIED)


# Two staff at once (PostgreSQL: row locks are real there)


@pytest.mark.django_db(transaction=True)
@needs_postgres
def test_two_staff_accepting_at_once_cannot_both_succeed(django_db_setup):
    from tests.conftest import build_cast

    cast = build_cast()
    request = make_request(community=cast.community)
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(user):
        from django.db import connections

        try:
            barrier.wait()
            services.request_accept(request=ResidentRequest.objects.get(pk=request.pk), acting_user=user)
            outcomes.append("ok")
        except WorkflowError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(user,)) for user in (cast.worker, cast.secretary)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert ResidentRequest.objects.get(pk=request.pk).events.filter(action=EventAction.ACCEPT).count() == 1


def test_the_loser_of_a_race_sees_the_fresh_state(cast):
    """The service re-reads the row under lock: a stale copy in hand does not let a second accept through."""
    stale = make_request(community=cast.community)
    services.request_accept(request=ResidentRequest.objects.get(pk=stale.pk), acting_user=cast.worker)
    assert stale.status == Status.SUBMITTED  # the caller's copy is stale
    with pytest.raises(WorkflowError, match="已受理"):
        services.request_accept(request=stale, acting_user=cast.secretary)


def test_resolving_drops_a_pending_extension(cast):
    request = walk(make_request(community=cast.community), cast, to=Status.IN_PROGRESS)
    request = services.request_extension_ask(
        request=request, acting_user=cast.grid_worker, until=request.due_at + dt.timedelta(days=2), reason="等配件"
    )
    request = services.request_resolve(request=request, acting_user=cast.grid_worker, result="已修好")
    assert request.extension_until is None and request.extension_reason == ""
