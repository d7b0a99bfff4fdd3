"""/api/v1/activities/ and /api/v1/service-hours/: scoped reads, actions through the same services,
400/403/404/405/409."""

import pytest

from tests.volunteer_factories import (
    ActivityFactory,
    ServiceHoursFactory,
    ShiftFactory,
    SignupFactory,
    VolunteerFactory,
)
from volunteers.models import ActivityStatus, HoursStatus


@pytest.fixture
def shift(cast):
    return ShiftFactory(activity=ActivityFactory(community=cast.community), capacity=1)


def test_list_is_scoped(cast, api, shift):
    ActivityFactory(community=cast.other_community)
    body = api(cast.worker).get("/api/v1/activities/").json()
    assert [row["id"] for row in body["results"]] == [shift.activity.pk]
    assert len(api(cast.street_reviewer).get("/api/v1/activities/").json()["results"]) == 2
    assert api(cast.other_worker).get(f"/api/v1/activities/{shift.activity.pk}/").status_code == 404
    assert api(None).get("/api/v1/activities/").status_code in (401, 403)
    assert api(cast.no_role).get("/api/v1/activities/").status_code == 403


def test_shifts_and_signup_action(cast, api, shift):
    client = api(cast.worker)
    url = f"/api/v1/activities/{shift.activity.pk}/"
    assert client.get(url + "shifts/").json()[0]["capacity"] == 1
    first, second = VolunteerFactory(community=cast.community), VolunteerFactory(community=cast.community)
    response = client.post(url + "signup/", {"shift": shift.pk, "volunteer": first.pk}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "confirmed"
    response = client.post(url + "signup/", {"shift": shift.pk, "volunteer": second.pk}, format="json")
    assert response.json()["waiting_position"] == 1
    duplicate = client.post(url + "signup/", {"shift": shift.pk, "volunteer": first.pk}, format="json")
    assert duplicate.status_code == 400 and "shift" in duplicate.json()
    outsider = VolunteerFactory(community=cast.other_community)
    assert client.post(url + "signup/", {"shift": shift.pk, "volunteer": outsider.pk}, format="json").status_code == 400
    assert api(cast.street_reviewer).post(url + "signup/", {"shift": shift.pk, "volunteer": first.pk}, format="json").status_code == 403
    assert client.get(url + "signup/").status_code == 405


def test_publish_twice_is_409(cast, api):
    activity = ShiftFactory(activity=ActivityFactory(community=cast.community, status=ActivityStatus.DRAFT)).activity
    client = api(cast.worker)
    assert client.post(f"/api/v1/activities/{activity.pk}/publish/").json()["status"] == "published"
    assert client.post(f"/api/v1/activities/{activity.pk}/publish/").status_code == 409


def test_hours_actions(cast, api, shift):
    record = ServiceHoursFactory(signup=SignupFactory(shift=shift), minutes=120)
    client = api(cast.worker)
    base = f"/api/v1/service-hours/{record.pk}/"
    assert api(cast.other_worker).post(base + "confirm/").status_code == 404
    assert api(cast.street_reviewer).post(base + "confirm/").status_code == 403
    assert client.post(base + "reject/", {}, format="json").status_code == 400
    assert client.post(base + "confirm/").json()["status"] == HoursStatus.CONFIRMED
    assert client.post(base + "confirm/").status_code == 409
    response = client.post(base + "correct/", {"minutes": 60, "reason": "核对"}, format="json")
    assert response.status_code == 200 and response.json()["minutes"] == 60
    record.volunteer.refresh_from_db()
    assert record.volunteer.points_balance == 10
    assert client.get("/api/v1/service-hours/?status=confirmed").json()["count"] == 1
