"""Public volunteer pages (no account): list, activity page with sign-up, result, look-up and
cancellation by code, QR check-in; no other people's data, rate limits, 404 for non-public."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.queries import assert_queries_do_not_grow
from tests.volunteer_factories import (
    ActivityFactory,
    ShiftFactory,
    SignupFactory,
    VolunteerFactory,
)
from volunteers.models import (
    ActivityStatus,
    Audience,
    HoursStatus,
    Signup,
    SignupStatus,
    Volunteer,
)
from xietang.public import HONEYPOT


def _at(day, hour):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def shift(cast):
    day = dt.date(2030, 11, 23)  # a Saturday
    return ShiftFactory(
        activity=ActivityFactory(community=cast.community, title="公益市集", address="莲香广场"),
        starts_at=_at(day, 17),
        ends_at=_at(day, 19),
        capacity=3,
    )


def _signup_data(shift, **extra):
    data = {"name": "陈阿姨", "mobile": "138 0013 8000", "shifts": [shift.pk], "consent": "on"}
    data.update(extra)
    return data


def test_list_card_shows_date_weekday_time_and_spots(client, cast, shift):
    SignupFactory(shift=shift, volunteer=VolunteerFactory(name="李秘密", mobile="13711112222"))
    body = client.get(reverse("volunteers:public_activity_list")).content.decode()
    assert "2030年11月23日 周六 17:00–19:00" in body
    assert "还剩 2 个名额" in body
    assert "莲香广场" in body
    assert "李秘密" not in body and "2222" not in body


def test_list_hides_drafts_members_only_and_past(client, cast, shift):
    ShiftFactory(activity=ActivityFactory(community=cast.community, title="草稿活动", status=ActivityStatus.DRAFT))
    ShiftFactory(activity=ActivityFactory(community=cast.community, title="队内活动", audience=Audience.MEMBERS))
    past = timezone.now() - dt.timedelta(days=2)
    ShiftFactory(activity=ActivityFactory(community=cast.community, title="已结束活动"), starts_at=past, ends_at=past + dt.timedelta(hours=1))
    body = client.get(reverse("volunteers:public_activity_list")).content.decode()
    assert "公益市集" in body
    for hidden in ("草稿活动", "队内活动", "已结束活动"):
        assert hidden not in body
    draft = ActivityFactory(community=cast.community, status=ActivityStatus.DRAFT)
    assert client.get(reverse("volunteers:public_activity_detail", args=[draft.pk])).status_code == 404


def test_full_shift_says_waiting_list(client, cast, shift):
    for _ in range(3):
        SignupFactory(shift=shift)
    body = client.get(reverse("volunteers:public_activity_detail", args=[shift.activity.pk])).content.decode()
    assert "已满,可候补" in body


def test_signup_creates_volunteer_and_shows_code(client, cast, shift):
    response = client.post(reverse("volunteers:public_activity_detail", args=[shift.activity.pk]), _signup_data(shift))
    assert response.status_code == 302
    assert response.url == reverse("volunteers:public_signup_done")
    signup = Signup.objects.get()
    assert signup.volunteer.mobile == "13800138000" and signup.status == SignupStatus.CONFIRMED
    body = client.get(response.url).content.decode()
    assert signup.code in body and "报名成功" in body
    assert "/serve/calendar/" in body


def test_signup_on_a_full_shift_is_waiting_with_its_place(client, cast, shift):
    for _ in range(3):
        SignupFactory(shift=shift)
    SignupFactory(shift=shift, status=SignupStatus.WAITING)
    response = client.post(reverse("volunteers:public_activity_detail", args=[shift.activity.pk]), _signup_data(shift))
    body = client.get(response.url).content.decode()
    assert "已满,您在候补第 2 位" in body


def test_duplicate_and_overlap_and_consent(client, cast, shift):
    url = reverse("volunteers:public_activity_detail", args=[shift.activity.pk])
    client.post(url, _signup_data(shift))
    again = client.post(url, _signup_data(shift))
    assert again.status_code == 400 and "已报名该班次" in again.content.decode()
    clash = ShiftFactory(activity=ActivityFactory(community=cast.community), starts_at=shift.starts_at, ends_at=shift.ends_at)
    other_url = reverse("volunteers:public_activity_detail", args=[clash.activity.pk])
    warned = client.post(other_url, _signup_data(clash))
    assert warned.status_code == 400
    assert "我知道时间冲突,仍要报名" in warned.content.decode()
    assert client.post(other_url, _signup_data(clash, confirm_overlap="on")).status_code == 302
    no_consent = _signup_data(shift)
    del no_consent["consent"]
    assert client.post(url, no_consent).status_code == 400


def test_honeypot_saves_nothing(client, cast, shift):
    url = reverse("volunteers:public_activity_detail", args=[shift.activity.pk])
    assert client.post(url, _signup_data(shift, **{HONEYPOT: "http://spam"})).status_code == 400
    assert not Signup.objects.exists() and not Volunteer.objects.exists()


def test_signup_rate_limit(client, cast, shift, settings):
    settings.VOLUNTEER_SIGNUP_RATE_IP = "2/h"
    url = reverse("volunteers:public_activity_detail", args=[shift.activity.pk])
    for n in range(2):
        assert client.post(url, _signup_data(shift, mobile=f"1380013800{n}")).status_code == 302
    assert client.post(url, _signup_data(shift, mobile="13800138009")).status_code == 429
    assert Signup.objects.count() == 2


def test_lookup_and_cancel_promotes(client, cast, shift):
    shift.capacity = 1
    shift.save()
    mine = SignupFactory(shift=shift, volunteer=VolunteerFactory(mobile="13755556666"))
    waiting = SignupFactory(shift=shift, status=SignupStatus.WAITING)
    url = reverse("volunteers:public_signup_lookup")
    wrong_tail = client.post(url, {"code": mine.code, "mobile_tail": "0000"})
    wrong_code = client.post(url, {"code": "ZZZZZZ", "mobile_tail": "6666"})
    assert wrong_tail.status_code == wrong_code.status_code == 400
    assert "没有找到这条报名" in wrong_tail.content.decode() and "没有找到这条报名" in wrong_code.content.decode()
    found = client.post(url, {"code": mine.code.lower(), "mobile_tail": "6666"})
    assert found.status_code == 200 and "已报名" in found.content.decode()
    assert "13755556666" not in found.content.decode()
    response = client.post(reverse("volunteers:public_signup_cancel"), {"code": mine.code, "mobile_tail": "6666"})
    assert response.status_code == 302
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == SignupStatus.CANCELLED and waiting.status == SignupStatus.CONFIRMED
    assert client.get(reverse("volunteers:public_signup_cancel")).status_code == 405


def test_lookup_rate_limit_counts_every_attempt(client, cast, shift, settings):
    settings.VOLUNTEER_LOOKUP_RATE_IP = "3/h"
    url = reverse("volunteers:public_signup_lookup")
    for _ in range(3):
        assert client.post(url, {"code": "ZZZZZZ", "mobile_tail": "1234"}).status_code == 400
    assert client.post(url, {"code": "ZZZZZZ", "mobile_tail": "1234"}).status_code == 429


def test_qr_check_in_then_out(client, cast):
    now = timezone.now()
    shift = ShiftFactory(
        activity=ActivityFactory(community=cast.community),
        starts_at=now - dt.timedelta(minutes=10),
        ends_at=now + dt.timedelta(minutes=110),
    )
    signup = SignupFactory(shift=shift)
    url = reverse("volunteers:public_check_in", args=[shift.activity.check_in_token])
    page = client.get(url)
    assert page.status_code == 200 and "不含路途" in page.content.decode()
    first = client.post(url, {"code": signup.code})
    assert first.status_code == 200 and "签到成功" in first.content.decode()
    second = client.post(url, {"code": signup.code})
    assert "签退成功" in second.content.decode()
    signup.refresh_from_db()
    assert signup.hours.status == HoursStatus.PENDING
    assert signup.volunteer.name not in second.content.decode()
    assert client.get(reverse("volunteers:public_check_in", args=["nope"])).status_code == 404


def test_qr_outside_the_window_says_so(client, cast):
    later = timezone.now() + dt.timedelta(hours=3)
    shift = ShiftFactory(activity=ActivityFactory(community=cast.community), starts_at=later, ends_at=later + dt.timedelta(hours=1))
    signup = SignupFactory(shift=shift)
    url = reverse("volunteers:public_check_in", args=[shift.activity.check_in_token])
    assert "现在不在活动班次时间内" in client.get(url).content.decode()
    response = client.post(url, {"code": signup.code})
    assert response.status_code == 400
    signup.refresh_from_db()
    assert signup.checked_in_at is None


def test_elderly_mode_toggle(client, cast, shift):
    response = client.get(reverse("volunteers:public_activity_list") + "?mode=elder")
    assert response.status_code == 302 and response.cookies["xt_elder"].value == "1"


def test_public_query_counts_do_not_grow(client, cast, shift):
    def add_rows():
        more = ShiftFactory(activity=ActivityFactory(community=cast.community), starts_at=shift.starts_at, ends_at=shift.ends_at)
        SignupFactory(shift=more)
        ShiftFactory(activity=shift.activity, starts_at=more.starts_at + dt.timedelta(days=more.pk), ends_at=more.ends_at + dt.timedelta(days=more.pk))

    assert_queries_do_not_grow(lambda: client.get(reverse("volunteers:public_activity_list")), add_rows, ceiling=10)
    assert_queries_do_not_grow(
        lambda: client.get(reverse("volunteers:public_activity_detail", args=[shift.activity.pk])), add_rows, ceiling=10
    )


def test_no_other_peoples_data_on_public_pages(client, cast, shift):
    SignupFactory(shift=shift, volunteer=VolunteerFactory(name="王不公开", mobile="13798765432"))
    for url in (
        reverse("volunteers:public_activity_list"),
        reverse("volunteers:public_activity_detail", args=[shift.activity.pk]),
        reverse("volunteers:calendar_public"),
    ):
        body = client.get(url).content.decode()
        assert "王不公开" not in body
        assert "13798765432" not in body and "137****5432" not in body
