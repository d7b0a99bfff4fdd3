"""iCalendar (RFC 5545) feeds of shifts, written with the `icalendar` package.

One VEVENT per shift with a UID that never changes (`shift-42@xietang.local`),
so a calendar app updates an event instead of duplicating it; times carry
TZID=Asia/Shanghai with the matching VTIMEZONE; icalendar folds long lines at
75 octets. A volunteer's private feed is addressed by a signed token of their
id (no account, no password): `volunteer_calendar_url(volunteer)`.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from volunteers.models import Shift, Volunteer

CALENDAR_SALT = "volunteers.calendar"
UID_DOMAIN = "xietang.local"


def volunteer_calendar_token(volunteer: Volunteer) -> str:
    return signing.dumps(volunteer.pk, salt=CALENDAR_SALT, compress=False)


def volunteer_from_token(token: str) -> Volunteer | None:
    try:
        pk = signing.loads(token, salt=CALENDAR_SALT)
    except signing.BadSignature:
        return None
    return Volunteer.objects.filter(pk=pk, is_active=True).first()


def volunteer_calendar_url(volunteer: Volunteer) -> str:
    """The path of a volunteer's own shifts feed (for the sign-up result page and the staff volunteer page)."""
    return reverse("volunteers:calendar_volunteer", args=[volunteer_calendar_token(volunteer)])


def _absolute(path: str) -> str:
    return (settings.SITE_URL or "").rstrip("/") + path


def build_calendar(shifts: Iterable[Shift], *, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//斜塘街道基层治理平台//志愿活动//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for shift in shifts:
        activity = shift.activity
        event = Event()
        event.add("uid", f"shift-{shift.pk}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        # Local wall-clock times with their zone (DTSTART;TZID=Asia/Shanghai:…).
        event.add("dtstart", timezone.localtime(shift.starts_at))
        event.add("dtend", timezone.localtime(shift.ends_at))
        summary = activity.title + (f"({shift.label})" if shift.label else "")
        event.add("summary", summary)
        if activity.place:
            event.add("location", activity.place)
        if activity.description:
            event.add("description", activity.description)
        if activity.audience == "public":
            event.add("url", _absolute(reverse("volunteers:public_activity_detail", args=[activity.pk])))
        if activity.status == "cancelled":
            event.add("status", "CANCELLED")
        cal.add_component(event)
    # One VTIMEZONE for every TZID the events use (Asia/Shanghai).
    cal.add_missing_timezones()
    return cal.to_ical()
