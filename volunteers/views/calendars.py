"""iCalendar feeds (no account): /serve/calendar.ics (public activities) and a volunteer's
own shifts at /serve/calendar/<signed token>.ics. Built by volunteers.calendars."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from volunteers.calendars import build_calendar, volunteer_from_token
from volunteers.selectors.activities import (
    calendar_public_shifts,
    calendar_volunteer_shifts,
)

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _response(body: bytes, filename: str, *, private: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Calendar apps poll; a personal feed must not sit in a shared cache.
    response["Cache-Control"] = "private, max-age=300" if private else "public, max-age=900"
    return response


@require_GET
def public_calendar(request: HttpRequest) -> HttpResponse:
    body = build_calendar(calendar_public_shifts().order_by("starts_at", "pk"), name=_("斜塘街道志愿活动"))
    return _response(body, "xietang-activities.ics", private=False)


@require_GET
def volunteer_calendar(request: HttpRequest, token: str) -> HttpResponse:
    volunteer = volunteer_from_token(token)
    if volunteer is None:
        raise Http404
    body = build_calendar(calendar_volunteer_shifts(volunteer).order_by("starts_at", "pk"), name=_("我的志愿服务"))
    return _response(body, "my-shifts.ics", private=True)
