"""resident_requests.tasks: reminders, escalation, callback reminders and the contact purge, with frozen time."""

import datetime as dt
import logging
from unittest import mock

import pytest
import time_machine
from django.db import transaction
from django.db.models import QuerySet
from kombu.exceptions import OperationalError

from accounts.models import Notification
from resident_requests import services
from resident_requests.models import (
    EventAction,
    RequestEvent,
    ResidentRequest,
    Satisfaction,
    Status,
)
from resident_requests.tasks import (
    escalate_overdue,
    purge_request_contacts,
    remind_callbacks,
    send_due_reminders,
)
from tests.factories import make_request
from tests.request_steps import walk
from xietang.queue import enqueue_on_commit

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)
# 环境卫生 (the factory's default category): 7-day limit, reminded a quarter of it (42 h) before.
LIMIT = dt.timedelta(days=7)
LEAD = LIMIT / 4


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def in_progress(cast, clock):
    """Accepted by the worker (owner, 首接负责) at T0, handled by the grid worker; due T0 + 7 days."""
    return walk(make_request(community=cast.community, building=cast.building), cast, to=Status.IN_PROGRESS)


def events(request, action) -> list[RequestEvent]:
    return list(RequestEvent.objects.filter(request=request, action=action))


def notified(event: RequestEvent) -> set[str]:
    keys = Notification.objects.filter(key=f"request:{event.request_id}:event:{event.pk}")
    return set(keys.values_list("recipient__username", flat=True))


# 到期提醒


def test_the_reminder_fires_once_inside_the_lead_time(cast, clock, in_progress):
    clock.move_to(T0 + LIMIT - LEAD - dt.timedelta(minutes=1))
    assert send_due_reminders.delay().get() == 0
    assert events(in_progress, EventAction.REMIND) == []

    clock.move_to(T0 + LIMIT - LEAD + dt.timedelta(minutes=1))
    assert send_due_reminders.delay().get() == 1
    assert send_due_reminders.delay().get() == 0  # run twice: nothing more

    [event] = events(in_progress, EventAction.REMIND)
    assert event.actor is None and event.to_status == Status.IN_PROGRESS
    assert notified(event) == {"gridworker"}  # the handler
    assert Notification.objects.filter(recipient=cast.grid_worker, key__contains=f"event:{event.pk}").count() == 1
    in_progress.refresh_from_db()
    assert in_progress.reminded_at == T0 + LIMIT - LEAD + dt.timedelta(minutes=1)


def test_no_reminder_after_resolution_or_once_overdue(cast, clock, in_progress):
    # A second case, still open: at the end it is overdue, which is escalation's job, not a reminder's.
    walk(make_request(community=cast.community, building=cast.building), cast, to=Status.IN_PROGRESS)
    services.request_resolve(request=in_progress, acting_user=cast.grid_worker, result="已清理")
    clock.move_to(T0 + LIMIT - LEAD + dt.timedelta(minutes=1))
    assert send_due_reminders() == 1  # only the open one
    assert events(in_progress, EventAction.REMIND) == []
    clock.move_to(T0 + LIMIT + dt.timedelta(minutes=1))
    ResidentRequest.objects.update(reminded_at=None)
    assert send_due_reminders() == 0


def test_an_approved_extension_earns_a_new_reminder(cast, clock, in_progress):
    clock.move_to(T0 + LIMIT - LEAD + dt.timedelta(hours=1))
    assert send_due_reminders() == 1
    services.request_extension_ask(
        request=in_progress, acting_user=cast.grid_worker, until=T0 + LIMIT * 2, reason="需物业配合"
    )
    services.request_extension_decide(request=in_progress, acting_user=cast.street_admin, approve=True)
    assert send_due_reminders() == 0  # the new limit is far away
    clock.move_to(T0 + LIMIT * 2 - LEAD + dt.timedelta(hours=1))
    assert send_due_reminders() == 1
    assert len(events(in_progress, EventAction.REMIND)) == 2


# 催办 / 督办


def test_escalation_urges_the_community_then_the_street(cast, clock, in_progress, settings):
    settings.REQUEST_ESCALATE_STREET_AFTER_HOURS = 24
    clock.move_to(T0 + LIMIT - dt.timedelta(minutes=1))
    assert escalate_overdue() == 0  # not overdue yet

    clock.move_to(T0 + LIMIT + dt.timedelta(hours=1))
    assert escalate_overdue.delay().get() == 1
    assert escalate_overdue() == 0  # run twice: nothing more
    [urge] = events(in_progress, EventAction.URGE)
    assert urge.actor is None and "已超期,系统催办" in urge.note
    assert notified(urge) == {"secretary", "gridworker"}  # the secretary and the handler
    in_progress.refresh_from_db()
    assert (in_progress.escalation_level, in_progress.urge_count) == (1, 1)

    clock.move_to(T0 + LIMIT + dt.timedelta(hours=23))
    assert escalate_overdue() == 0  # not yet past the street threshold

    clock.move_to(T0 + LIMIT + dt.timedelta(hours=25))
    assert escalate_overdue() == 1
    assert escalate_overdue() == 0
    [supervise] = events(in_progress, EventAction.SUPERVISE)
    assert supervise.actor is None
    assert notified(supervise) == {"streetadmin", "reviewer"}
    assert len(events(in_progress, EventAction.URGE)) == 1
    in_progress.refresh_from_db()
    assert (in_progress.escalation_level, in_progress.urge_count) == (2, 2)


def test_a_case_first_seen_past_the_street_threshold_gets_both_steps(cast, clock, in_progress, settings):
    settings.REQUEST_ESCALATE_STREET_AFTER_HOURS = 24
    clock.move_to(T0 + LIMIT + dt.timedelta(days=3))  # beat was down for days
    assert escalate_overdue() == 2
    assert escalate_overdue() == 0
    assert [e.action for e in RequestEvent.objects.filter(request=in_progress, actor=None).order_by("pk")][-2:] == [
        EventAction.URGE,
        EventAction.SUPERVISE,
    ]


def test_the_street_threshold_is_a_setting(cast, clock, in_progress, settings):
    settings.REQUEST_ESCALATE_STREET_AFTER_HOURS = 2
    clock.move_to(T0 + LIMIT + dt.timedelta(hours=1))
    assert escalate_overdue() == 1
    clock.move_to(T0 + LIMIT + dt.timedelta(hours=3))
    assert escalate_overdue() == 1
    assert len(events(in_progress, EventAction.SUPERVISE)) == 1


def test_resolved_cases_are_not_escalated(cast, clock, in_progress):
    services.request_resolve(request=in_progress, acting_user=cast.grid_worker, result="已清理")
    clock.move_to(T0 + LIMIT + dt.timedelta(days=3))
    assert escalate_overdue() == 0
    assert not RequestEvent.objects.filter(action__in=(EventAction.URGE, EventAction.SUPERVISE)).exists()


def test_a_claim_lost_to_another_run_does_nothing(cast, clock, in_progress):
    clock.move_to(T0 + LIMIT + dt.timedelta(hours=1))
    real_get = QuerySet.get

    def get_then_lose_the_race(queryset, *args, **kwargs):
        row = real_get(queryset, *args, **kwargs)
        # Another run claims the case between our read and our conditional update.
        ResidentRequest.objects.filter(pk=row.pk).update(escalation_level=1)
        return row

    before = Notification.objects.count()
    with mock.patch.object(QuerySet, "get", get_then_lose_the_race):
        assert services.request_escalate(request_id=in_progress.pk, street_after=dt.timedelta(hours=24)) == 0
    assert events(in_progress, EventAction.URGE) == []
    assert Notification.objects.count() == before


# 回访 reminder


def test_the_callback_reminder_comes_the_day_after_closing(cast, clock, in_progress):
    services.request_resolve(request=in_progress, acting_user=cast.grid_worker, result="已清理")
    key = f"request:{in_progress.pk}:callback-reminder:"
    clock.move_to(T0 + dt.timedelta(hours=23))
    assert remind_callbacks() == 0

    clock.move_to(T0 + dt.timedelta(hours=25))
    assert remind_callbacks.delay().get() == 1
    assert remind_callbacks() == 0
    reminders = Notification.objects.filter(key__startswith=key)
    assert list(reminders.values_list("recipient__username", flat=True)) == ["worker"]  # the owner, 首接负责
    assert reminders.get().title.startswith("请回访")


def test_no_callback_reminder_once_called_back(cast, clock, in_progress):
    walk(in_progress, cast, to=Status.CALLED_BACK)
    clock.move_to(T0 + dt.timedelta(days=2))
    assert remind_callbacks() == 0


def test_without_an_owner_the_coordinators_are_reminded(cast, clock, in_progress):
    services.request_resolve(request=in_progress, acting_user=cast.grid_worker, result="已清理")
    ResidentRequest.objects.filter(pk=in_progress.pk).update(owner=None)
    clock.move_to(T0 + dt.timedelta(days=2))
    assert remind_callbacks() == 1
    recipients = Notification.objects.filter(key__startswith=f"request:{in_progress.pk}:callback-reminder:")
    assert set(recipients.values_list("recipient__username", flat=True)) == {"secretary", "worker"}


# Contact purge (PIPL)


def test_contacts_are_purged_after_the_retention_period(cast, clock, in_progress, settings):
    settings.REQUEST_CONTACT_RETENTION_DAYS = 730
    resolved = walk(in_progress, cast, to=Status.RESOLVED)
    services.request_rate(
        request=resolved, contacted=True, solved=True, satisfaction=Satisfaction.SATISFIED, comment="谢谢网格员小王"
    )
    archived = walk(ResidentRequest.objects.get(pk=in_progress.pk), cast, to=Status.ARCHIVED)
    rejected = make_request(community=cast.community)
    services.request_reject(request=rejected, acting_user=cast.worker, reason="不属于受理范围")
    still_open = walk(make_request(community=cast.community, building=cast.building), cast, to=Status.ACCEPTED)

    clock.move_to(T0 + dt.timedelta(days=729))
    assert purge_request_contacts() == 0

    clock.move_to(T0 + dt.timedelta(days=731))
    assert purge_request_contacts.delay().get() == 2
    assert purge_request_contacts() == 0  # run twice: nothing more

    for request in (archived, rejected):
        request.refresh_from_db()
        assert (request.contact_name, request.contact_mobile, request.resident_comment) == ("已删除", "", "")
        assert request.contact_purged_at == T0 + dt.timedelta(days=731)
    assert archived.callback_satisfaction == Satisfaction.SATISFIED  # the assessment still counts it
    assert archived.description  # the case itself stays
    rate = RequestEvent.objects.get(request=archived, action=EventAction.RATE)
    assert "小王" not in rate.note
    still_open.refresh_from_db()
    assert (still_open.contact_name, still_open.contact_mobile) == ("王秀英", "13912345678")


def test_a_merged_duplicate_is_purged_too(cast, clock, settings):
    settings.REQUEST_CONTACT_RETENTION_DAYS = 30
    target = make_request(community=cast.community, building=cast.building)
    duplicate = make_request(community=cast.community, building=cast.building, contact_mobile="13800001111")
    services.request_merge(request=duplicate, acting_user=cast.worker, target=target)
    clock.move_to(T0 + dt.timedelta(days=31))
    assert purge_request_contacts() == 1  # the target is still open: kept
    duplicate.refresh_from_db()
    target.refresh_from_db()
    assert duplicate.contact_mobile == "" and target.contact_mobile == "13912345678"


# Redis down


def test_a_broker_outage_never_loses_the_saved_request(cast, caplog, django_capture_on_commit_callbacks):
    with (
        mock.patch.object(send_due_reminders, "apply_async", side_effect=OperationalError("Connection refused")),
        caplog.at_level(logging.ERROR, logger="xietang.queue"),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        request = make_request(community=cast.community, building=cast.building)
        enqueue_on_commit(send_due_reminders)
    assert ResidentRequest.objects.filter(pk=request.pk).exists()
    assert "could not enqueue resident_requests.tasks.send_due_reminders" in caplog.text
    # The sweep finds its work in the database once the worker runs again.
    assert send_due_reminders() == 0
