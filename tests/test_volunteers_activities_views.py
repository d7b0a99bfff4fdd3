"""Staff activity pages: happy paths, 405, outsider 404, read-only roles 403, anonymous → login,
query counts of the list and the activity page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.queries import assert_queries_do_not_grow
from tests.volunteer_factories import (
    ActivityFactory,
    MembershipFactory,
    ServiceHoursFactory,
    ShiftFactory,
    SignupFactory,
    TeamFactory,
    VolunteerFactory,
)
from volunteers.models import (
    Activity,
    ActivityStatus,
    Audience,
    HoursStatus,
    SignupStatus,
)


@pytest.fixture
def activity(cast):
    return ShiftFactory(activity=ActivityFactory(community=cast.community, organiser=cast.worker)).activity


def _url(name, *args):
    return reverse(f"volunteers:{name}", args=args)


def test_create_with_daily_recurrence(cast, login):
    client = login(cast.worker)
    day = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        _url("activity_create"),
        {
            "community": cast.community.pk,
            "title": "垃圾分类宣传劝导",
            "activity_type": "persuasion",
            "address": "莲香新村三区",
            "audience": "public",
            "first_start": f"{day}T17:00",
            "first_end": f"{day}T19:00",
            "capacity": 4,
            "recurrence": "daily",
            "recurrence_until": str(day + dt.timedelta(days=4)),
        },
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response.url == _url("activity_detail", activity.pk)
    assert activity.shifts.count() == 5
    assert activity.status == ActivityStatus.DRAFT


def test_create_form_shows_errors_by_field(cast, login):
    response = login(cast.worker).post(_url("activity_create"), {"community": cast.community.pk, "title": ""})
    assert response.status_code == 400
    assert "first_start" in response.context["form"].errors
    assert not Activity.objects.exists()


@pytest.mark.parametrize("who", ["street_reviewer", "grid_worker", "no_role"])
def test_create_forbidden_for_read_only_roles(cast, login, who):
    assert login(getattr(cast, who)).get(_url("activity_create")).status_code == 403


def test_anonymous_goes_to_login(client, activity):
    for url in (_url("activity_list"), _url("activity_detail", activity.pk), _url("hours_list")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_detail_scoping(cast, login, activity):
    assert login(cast.street_reviewer).get(_url("activity_detail", activity.pk)).status_code == 200
    assert login(cast.other_worker).get(_url("activity_detail", activity.pk)).status_code == 404
    page = login(cast.worker).get(_url("activity_detail", activity.pk))
    assert page.status_code == 200 and page.context["can_manage"]
    reviewer_page = login(cast.street_reviewer).get(_url("activity_detail", activity.pk))
    assert not reviewer_page.context["can_manage"]


POST_VIEWS = [
    ("activity_publish", {}),
    ("activity_cancel", {"reason": "下雨"}),
    ("activity_shift_add", {"starts_at": "2030-01-01T09:00", "ends_at": "2030-01-01T11:00", "capacity": 2}),
    ("activity_people_served", {"people_served": 5}),
    ("activity_stall_add", {"service": "haircut", "people_served": 1}),
]


@pytest.mark.parametrize(("name", "data"), POST_VIEWS)
def test_post_views_405_404_403(cast, login, activity, name, data):
    url = _url(name, activity.pk)
    assert login(cast.worker).get(url).status_code == 405
    assert login(cast.other_worker).post(url, data).status_code == 404
    assert login(cast.street_reviewer).post(url, data).status_code == 403
    assert login(cast.grid_worker).post(url, data).status_code == 403


def test_publish_and_cancel(cast, login):
    activity = ShiftFactory(
        activity=ActivityFactory(community=cast.community, status=ActivityStatus.DRAFT, published_at=None)
    ).activity
    client = login(cast.worker)
    assert client.post(_url("activity_publish", activity.pk)).status_code == 302
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PUBLISHED
    assert client.post(_url("activity_cancel", activity.pk), {"reason": ""}).status_code == 400
    assert client.post(_url("activity_cancel", activity.pk), {"reason": "暴雨"}).status_code == 302
    activity.refresh_from_db()
    assert (activity.status, activity.cancel_reason) == (ActivityStatus.CANCELLED, "暴雨")


def test_shift_add(cast, login, activity):
    response = login(cast.worker).post(
        _url("activity_shift_add", activity.pk),
        {"label": "上午班", "starts_at": "2030-01-01T09:00", "ends_at": "2030-01-01T08:00", "capacity": 2},
    )
    assert response.status_code == 400 and "ends_at" in response.context["form"].errors
    response = login(cast.worker).post(
        _url("activity_shift_add", activity.pk),
        {"label": "上午班", "starts_at": "2030-01-01T09:00", "ends_at": "2030-01-01T11:00", "capacity": 2},
    )
    assert response.status_code == 302
    assert activity.shifts.filter(label="上午班", capacity=2).count() == 1


def test_staff_signup_members_only_with_overlap_warning(cast, login):
    team = TeamFactory(community=cast.community)
    member = MembershipFactory(team=team).volunteer
    shift = ShiftFactory(activity=ActivityFactory(community=cast.community, team=team, audience=Audience.MEMBERS))
    clash = ShiftFactory(
        activity=ActivityFactory(community=cast.community), starts_at=shift.starts_at, ends_at=shift.ends_at
    )
    SignupFactory(shift=clash, volunteer=member)
    client = login(cast.worker)
    url = _url("activity_signup_add", shift.activity.pk)
    page = client.get(url)
    assert page.status_code == 200
    assert list(page.context["form"].fields["volunteer"].queryset) == [member]
    response = client.post(url, {"shift": shift.pk, "volunteer": member.pk})
    assert response.status_code == 400 and response.context["overlap"]
    assert "时间冲突" in response.content.decode()
    response = client.post(url, {"shift": shift.pk, "volunteer": member.pk, "confirm_overlap": "on"})
    assert response.status_code == 302
    assert shift.signups.get().source == "staff"
    assert login(cast.street_reviewer).get(url).status_code == 403
    assert login(cast.other_worker).get(url).status_code == 404


def test_staff_cancel_promotes_waiting(cast, login, activity):
    shift = activity.shifts.get()
    shift.capacity = 1
    shift.save()
    first = SignupFactory(shift=shift)
    waiting = SignupFactory(shift=shift, status=SignupStatus.WAITING)
    response = login(cast.worker).post(_url("activity_signup_cancel", activity.pk, first.pk))
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == SignupStatus.CONFIRMED


def test_check_in_and_out_from_the_activity_page(cast, login):
    now = timezone.now()
    shift = ShiftFactory(
        activity=ActivityFactory(community=cast.community), starts_at=now - dt.timedelta(hours=2), ends_at=now
    )
    signup = SignupFactory(shift=shift)
    client = login(cast.worker)
    at_in = timezone.localtime(shift.starts_at).strftime("%Y-%m-%dT%H:%M")
    at_out = timezone.localtime(shift.starts_at + dt.timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M")
    url_in = _url("activity_check_in", shift.activity.pk, signup.pk)
    assert client.get(url_in).status_code == 405
    assert login(cast.street_reviewer).post(url_in).status_code == 403
    assert login(cast.other_worker).post(url_in).status_code == 404
    client = login(cast.worker)
    assert client.post(url_in, {f"att-{signup.pk}-at": at_in}).status_code == 302
    assert client.post(_url("activity_check_out", shift.activity.pk, signup.pk), {f"att-{signup.pk}-at": at_out}).status_code == 302
    signup.refresh_from_db()
    assert signup.hours.minutes == 90


def test_qr_page_shows_an_svg_of_the_check_in_url(cast, login, activity):
    response = login(cast.worker).get(_url("activity_qr", activity.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body and activity.check_in_token in body
    assert login(cast.street_reviewer).get(_url("activity_qr", activity.pk)).status_code == 403
    assert login(cast.other_worker).get(_url("activity_qr", activity.pk)).status_code == 404
    assert login(cast.worker).post(_url("activity_qr", activity.pk)).status_code == 405


def test_hours_queue_and_actions(cast, login, activity):
    record = ServiceHoursFactory(signup=SignupFactory(shift=activity.shifts.get()), minutes=60)
    client = login(cast.worker)
    page = client.get(_url("hours_list"))
    assert page.status_code == 200 and list(page.context["rows"]) == [record]
    assert login(cast.other_worker).get(_url("hours_list")).context["rows"].count() == 0
    assert login(cast.other_worker).get(_url("hours_detail", record.pk)).status_code == 404
    url = _url("hours_act", record.pk, "reject")
    assert login(cast.street_reviewer).post(url, {"reason": "x"}).status_code == 403
    assert login(cast.worker).get(url).status_code == 405
    assert login(cast.worker).post(url, {"reason": ""}).status_code == 400
    assert login(cast.worker).post(_url("hours_act", record.pk, "confirm")).status_code == 302
    record.refresh_from_db()
    assert record.status == HoursStatus.CONFIRMED
    record.volunteer.refresh_from_db()
    assert record.volunteer.points_balance == 10
    response = login(cast.worker).post(_url("hours_act", record.pk, "correct"), {"minutes": 30, "reason": "核对"})
    assert response.status_code == 302
    detail = login(cast.worker).get(_url("hours_detail", record.pk))
    assert [c.new_minutes for c in detail.context["changes"]] == [60, 30]


def test_photo_upload_and_scoped_stream(cast, login, activity):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    upload = SimpleUploadedFile("a.png", buffer.getvalue(), content_type="image/png")
    response = login(cast.worker).post(_url("activity_photo_add", activity.pk), {"photos": [upload], "caption": "合影"})
    assert response.status_code == 302
    photo = activity.photos.get()
    url = _url("activity_photo", activity.pk, photo.pk, "thumb")
    response = login(cast.street_reviewer).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert login(cast.other_worker).get(url).status_code == 404


# Query counts


def test_list_query_count_does_not_grow(cast, login, django_assert_max_num_queries):
    client = login(cast.worker)

    def add_rows():
        shift = ShiftFactory(activity=ActivityFactory(community=cast.community, team=TeamFactory(community=cast.community)))
        SignupFactory(shift=shift)

    add_rows()
    with django_assert_max_num_queries(12):
        assert client.get(_url("activity_list")).status_code == 200
    assert_queries_do_not_grow(lambda: client.get(_url("activity_list")), add_rows, ceiling=12)


def test_activity_page_query_count_does_not_grow(cast, login, activity):
    client = login(cast.worker)
    shift = activity.shifts.get()

    def add_rows():
        more = ShiftFactory(activity=activity, starts_at=shift.starts_at + dt.timedelta(days=VolunteerFactory().pk))
        ServiceHoursFactory(signup=SignupFactory(shift=more))
        SignupFactory(shift=more, status=SignupStatus.WAITING)

    add_rows()
    assert_queries_do_not_grow(lambda: client.get(_url("activity_detail", activity.pk)), add_rows, ceiling=20)
