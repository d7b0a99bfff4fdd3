"""/api/v1/teams/ and /api/v1/volunteers/: scoped, filtered like the pages, written through the services."""

from tests.queries import assert_queries_do_not_grow
from tests.volunteer_factories import MembershipFactory, TeamFactory, VolunteerFactory
from volunteers.models import Team, TeamType, Volunteer


def _ids(response):
    data = response.json()
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    return {row["id"] for row in rows}, rows


def test_team_list_is_scoped_and_filtered(cast, api):
    mine = TeamFactory(community=cast.community, team_type=TeamType.SILVER)
    street = TeamFactory(community=None, team_type=TeamType.STUDENT)
    other = TeamFactory(community=cast.other_community, team_type=TeamType.SILVER)
    ids, _ = _ids(api(cast.worker).get("/api/v1/teams/"))
    assert ids == {mine.pk, street.pk}
    ids, _ = _ids(api(cast.street_reviewer).get("/api/v1/teams/", {"team_type": TeamType.SILVER}))
    assert ids == {mine.pk, other.pk}
    assert api(cast.worker).get(f"/api/v1/teams/{other.pk}/").status_code == 404
    assert api(None).get("/api/v1/teams/").status_code in (401, 403)
    assert api(cast.worker).delete(f"/api/v1/teams/{mine.pk}/").status_code == 405


def test_team_create_and_update(cast, api):
    response = api(cast.worker).post(
        "/api/v1/teams/", {"community": cast.community.pk, "name": "花田守护人", "team_type": TeamType.OTHER}, format="json"
    )
    assert response.status_code == 201 and response.json()["member_count"] == 0
    team = Team.objects.get(name="花田守护人")
    assert api(cast.worker).patch(f"/api/v1/teams/{team.pk}/", {"description": "共享花圃"}, format="json").status_code == 200
    assert Team.objects.get(pk=team.pk).description == "共享花圃"
    assert api(cast.grid_worker).patch(f"/api/v1/teams/{team.pk}/", {"description": "x"}, format="json").status_code == 403
    assert api(cast.street_reviewer).post("/api/v1/teams/", {"name": "x", "team_type": "other"}, format="json").status_code == 403
    duplicate = api(cast.worker).post(
        "/api/v1/teams/", {"community": cast.community.pk, "name": "花田守护人", "team_type": TeamType.OTHER}, format="json"
    )
    assert duplicate.status_code == 400
    outside = api(cast.worker).post(
        "/api/v1/teams/", {"community": cast.other_community.pk, "name": "y", "team_type": "other"}, format="json"
    )
    assert outside.status_code == 400  # an invisible community is "not found" in the body


def test_volunteer_list_masks_mobiles_and_detail_shows_them(cast, api):
    volunteer = VolunteerFactory(community=cast.community, mobile="13812345678", name="张三")
    VolunteerFactory(community=cast.other_community)
    ids, rows = _ids(api(cast.worker).get("/api/v1/volunteers/", {"q": "5678"}))
    assert ids == {volunteer.pk} and rows[0]["mobile"] == "138****5678"
    detail = api(cast.worker).get(f"/api/v1/volunteers/{volunteer.pk}/").json()
    assert detail["mobile"] == "13812345678" and detail["number"] == volunteer.number


def test_volunteer_create_and_update_through_the_service(cast, api):
    response = api(cast.worker).post(
        "/api/v1/volunteers/",
        {"community": cast.community.pk, "name": "陈同学", "mobile": "13811113333", "kind": "student", "affiliation": "苏州大学"},
        format="json",
    )
    assert response.status_code == 201
    volunteer = Volunteer.objects.get(mobile="13811113333")
    assert response.json()["number"] == f"XT{volunteer.registered_on.year}{volunteer.pk:06d}"
    missing_school = api(cast.worker).post(
        "/api/v1/volunteers/", {"community": cast.community.pk, "name": "x", "mobile": "13811114444", "kind": "student"}, format="json"
    )
    assert missing_school.status_code == 400 and "affiliation" in missing_school.json()
    assert api(cast.worker).patch(f"/api/v1/volunteers/{volunteer.pk}/", {"skills": "摄影"}, format="json").status_code == 200
    assert Volunteer.objects.get(pk=volunteer.pk).skills == "摄影"
    assert api(cast.other_worker).patch(f"/api/v1/volunteers/{volunteer.pk}/", {"skills": "x"}, format="json").status_code == 404
    assert api(cast.grid_worker).post("/api/v1/volunteers/", {}, format="json").status_code == 403


def test_api_lists_queries_do_not_grow(cast, api):
    client = api(cast.worker)
    MembershipFactory(team=TeamFactory(community=cast.community))
    assert_queries_do_not_grow(
        lambda: client.get("/api/v1/teams/"),
        lambda: [MembershipFactory(team=TeamFactory(community=cast.community, leader=VolunteerFactory(community=cast.community))) for _ in range(3)],
        ceiling=6,
    )
    assert_queries_do_not_grow(
        lambda: client.get("/api/v1/volunteers/"),
        lambda: [VolunteerFactory(community=cast.community) for _ in range(3)],
        ceiling=6,
    )
