"""iCalendar feeds, parsed with vobject (an independent parser): UID, DTSTAMP, TZID with a
VTIMEZONE, folding at 75 octets, the signed personal feed."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import vobject
from django.urls import reverse
from django.utils import timezone

from tests.volunteer_factories import (
    ActivityFactory,
    ShiftFactory,
    SignupFactory,
    VolunteerFactory,
)
from volunteers.calendars import volunteer_calendar_token, volunteer_calendar_url
from volunteers.models import ActivityStatus, Audience, SignupStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
LONG = "每天傍晚在垃圾房旁开展垃圾分类宣传劝导,指导居民正确投放厨余垃圾、可回收物、有害垃圾和其他垃圾,请穿志愿者马甲。" * 2


def _shift(cast, day_offset=2, **activity):
    day = timezone.localdate() + dt.timedelta(days=day_offset)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(17, 0)))
    return ShiftFactory(
        activity=ActivityFactory(community=cast.community, **activity), starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )


def test_public_feed_parses_with_stable_uids_and_local_times(client, cast):
    shift = _shift(cast, title="垃圾分类宣传劝导", description=LONG, address="莲香新村三区垃圾房")
    old = _shift(cast, day_offset=-40)
    recent = _shift(cast, day_offset=-10)
    _shift(cast, title="队内活动", audience=Audience.MEMBERS)
    _shift(cast, title="草稿", status=ActivityStatus.DRAFT)
    response = client.get(reverse("volunteers:calendar_public"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content
    # RFC 5545 §3.1: no line longer than 75 octets; long ones are folded (CRLF + space).
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert b"\r\n " in raw
    cal = vobject.readOne(raw.decode())
    assert cal.prodid.value and cal.version.value == "2.0"
    assert [tz.tzid.value for tz in cal.vtimezone_list] == ["Asia/Shanghai"]
    events = {event.uid.value: event for event in cal.vevent_list}
    assert set(events) == {f"shift-{shift.pk}@xietang.local", f"shift-{recent.pk}@xietang.local"}
    assert f"shift-{old.pk}@xietang.local" not in events
    event = events[f"shift-{shift.pk}@xietang.local"]
    assert event.summary.value == "垃圾分类宣传劝导"
    assert event.location.value == "莲香新村三区垃圾房"
    assert event.description.value == LONG  # unfolded back whole
    local = timezone.localtime(shift.starts_at).strftime("%Y%m%dT%H%M%S")
    assert f"DTSTART;TZID=Asia/Shanghai:{local}".encode() in raw
    assert event.dtstart.value == shift.starts_at.astimezone(SHANGHAI)
    assert event.dtstart.value.hour == 17 and event.dtend.value.hour == 19
    assert event.dtstamp.value.tzinfo is not None
    assert event.url.value.endswith(f"/serve/activities/{shift.activity.pk}/")
    # The UID does not change between fetches.
    again = vobject.readOne(client.get(reverse("volunteers:calendar_public")).content.decode())
    assert {e.uid.value for e in again.vevent_list} == set(events)


def test_personal_feed_by_signed_token(client, cast):
    volunteer = VolunteerFactory(community=cast.community)
    mine = SignupFactory(shift=_shift(cast), volunteer=volunteer)
    members_only = SignupFactory(shift=_shift(cast, audience=Audience.MEMBERS), volunteer=volunteer)
    SignupFactory(shift=_shift(cast), volunteer=volunteer, status=SignupStatus.CANCELLED)
    SignupFactory(shift=_shift(cast))  # someone else's
    url = volunteer_calendar_url(volunteer)
    assert url == reverse("volunteers:calendar_volunteer", args=[volunteer_calendar_token(volunteer)])
    response = client.get(url)
    assert response.status_code == 200 and "private" in response["Cache-Control"]
    cal = vobject.readOne(response.content.decode())
    assert {e.uid.value for e in cal.vevent_list} == {
        f"shift-{mine.shift.pk}@xietang.local",
        f"shift-{members_only.shift.pk}@xietang.local",
    }


@pytest.mark.parametrize("token", ["1:abc", "not-a-token"])
def test_forged_token_is_404(client, cast, token):
    assert client.get(reverse("volunteers:calendar_volunteer", args=[token])).status_code == 404


def test_token_of_another_salt_is_refused(client, cast):
    from django.core import signing

    volunteer = VolunteerFactory(community=cast.community)
    token = signing.dumps(volunteer.pk, salt="something.else")
    assert client.get(reverse("volunteers:calendar_volunteer", args=[token])).status_code == 404


def test_feeds_are_get_only(client, cast):
    assert client.post(reverse("volunteers:calendar_public")).status_code == 405
