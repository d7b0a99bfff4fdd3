"""Correcting a shift: new times tell everyone signed up, more places promote the waiting list,
fewer places than confirmed sign-ups and edits after a check-in are refused; removing a shift
nobody signed up for. Scoping of both views."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.volunteer_factories import ActivityFactory, ShiftFactory, SignupFactory
from volunteers.models import Shift, SignupStatus


def _url(name, activity, shift):
    return reverse(f"volunteers:{name}", args=[activity.pk, shift.pk])


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def shift(cast):
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=3)
    return ShiftFactory(
        activity=ActivityFactory(community=cast.community, organiser=cast.worker),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        capacity=1,
    )


def _form(shift, **changes) -> dict:
    data = {
        "label": shift.label,
        "starts_at": _local(shift.starts_at),
        "ends_at": _local(shift.ends_at),
        "capacity": shift.capacity,
    }
    data.update(changes)
    return data


def test_edit_page_shows_the_shift(cast, login, shift):
    response = login(cast.worker).get(_url("activity_shift_edit", shift.activity, shift))
    assert response.status_code == 200
    assert response.context["form"].initial["capacity"] == 1


def test_new_time_is_sent_to_everyone_signed_up_and_reminder_rearmed(
    cast, login, shift, monkeypatch, django_capture_on_commit_callbacks
):
    confirmed = SignupFactory(shift=shift, status=SignupStatus.CONFIRMED)
    waiting = SignupFactory(shift=shift, status=SignupStatus.WAITING)
    Shift.objects.filter(pk=shift.pk).update(reminder_sent_at=timezone.now())
    sent = []
    monkeypatch.setattr("volunteers.tasks.activities.send_sms_to", lambda phone, text: sent.append((phone, text)) or True)
    later = shift.starts_at + dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.worker).post(
            _url("activity_shift_edit", shift.activity, shift),
            _form(shift, starts_at=_local(later), ends_at=_local(later + dt.timedelta(hours=2))),
        )
    assert response.status_code == 302
    shift.refresh_from_db()
    assert shift.starts_at == later and shift.reminder_sent_at is None
    assert sorted(phone for phone, _ in sent) == sorted([confirmed.volunteer.mobile, waiting.volunteer.mobile])
    assert all("班次时间已调整" in text for _, text in sent)


def test_more_places_promote_the_waiting_list_in_order(cast, login, shift, monkeypatch):
    monkeypatch.setattr("volunteers.tasks.activities.send_sms_to", lambda phone, text: True)
    SignupFactory(shift=shift, status=SignupStatus.CONFIRMED)
    first = SignupFactory(shift=shift, status=SignupStatus.WAITING)
    second = SignupFactory(shift=shift, status=SignupStatus.WAITING)
    assert login(cast.worker).post(_url("activity_shift_edit", shift.activity, shift), _form(shift, capacity=2)).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (SignupStatus.CONFIRMED, SignupStatus.WAITING)


def test_fewer_places_than_confirmed_is_refused(cast, login, shift):
    shift.capacity = 2
    shift.save(update_fields=["capacity"])
    SignupFactory.create_batch(2, shift=shift, status=SignupStatus.CONFIRMED)
    response = login(cast.worker).post(_url("activity_shift_edit", shift.activity, shift), _form(shift, capacity=1))
    assert response.status_code == 400
    assert "不能少于 2" in response.context["form"].errors["capacity"][0]
    shift.refresh_from_db()
    assert shift.capacity == 2


def test_no_edit_after_a_check_in(cast, login, shift):
    SignupFactory(shift=shift, status=SignupStatus.CONFIRMED, checked_in_at=timezone.now())
    response = login(cast.worker).post(_url("activity_shift_edit", shift.activity, shift), _form(shift, capacity=5))
    assert response.status_code == 400
    assert "已有志愿者签到" in response.content.decode()


def test_remove_only_without_sign_ups_and_not_the_last_published_shift(cast, login, shift):
    client = login(cast.worker)
    spare = ShiftFactory(activity=shift.activity, starts_at=shift.starts_at + dt.timedelta(days=1),
                         ends_at=shift.ends_at + dt.timedelta(days=1))
    SignupFactory(shift=shift, status=SignupStatus.CANCELLED)
    assert client.post(_url("activity_shift_remove", shift.activity, shift)).status_code == 302
    assert Shift.objects.filter(pk=shift.pk).exists()  # a cancelled sign-up is still a record
    assert client.post(_url("activity_shift_remove", shift.activity, spare)).status_code == 302
    assert not Shift.objects.filter(pk=spare.pk).exists()


def test_last_shift_of_a_published_activity_stays(cast, login, shift):
    response = login(cast.worker).post(_url("activity_shift_remove", shift.activity, shift), follow=True)
    assert "至少保留一个班次" in response.content.decode()
    assert Shift.objects.filter(pk=shift.pk).exists()


@pytest.mark.parametrize("name", ["activity_shift_edit", "activity_shift_remove"])
def test_scoping_and_roles(cast, login, shift, name):
    url = _url(name, shift.activity, shift)
    assert login(cast.other_worker).post(url, _form(shift)).status_code == 404
    assert login(cast.street_reviewer).post(url, _form(shift)).status_code == 403
    other_activity = ActivityFactory(community=cast.community)
    assert login(cast.worker).post(
        reverse(f"volunteers:{name}", args=[other_activity.pk, shift.pk]), _form(shift)
    ).status_code == 404


def test_remove_is_post_only(cast, login, shift):
    assert login(cast.worker).get(_url("activity_shift_remove", shift.activity, shift)).status_code == 405
