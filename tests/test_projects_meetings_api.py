"""/api/v1/meetings/: scoped list and detail with the whole record, create and 票决 through the services."""

import pytest
from django.utils import timezone

from projects.models import Meeting, MeetingType, MenuBallot, TopicSource, VoteChoice
from projects.services import meetings as services
from tests.project_factories import (
    FollowUpFactory,
    MeetingFactory,
    OpinionFactory,
    ParticipantFactory,
    ShortlistedMenuItemFactory,
)
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

MEETINGS = "/api/v1/meetings/"


@pytest.fixture
def meeting(cast):
    return MeetingFactory(community=cast.community, topic="停车怎么改")


@pytest.fixture
def foreign(cast):
    return MeetingFactory(community=cast.other_community, topic="淞渔座椅")


def create_body(**overrides) -> dict:
    return {
        "meeting_type": MeetingType.JOINT,
        "topic": "充电车棚建在哪里",
        "topic_source": TopicSource.REQUESTS,
        "held_at": "2026-11-20T14:30:00+08:00",
        "place": "党群服务中心",
        "host": "社区书记",
        **overrides,
    }


def test_list_is_scoped_and_counts(cast, api, meeting, foreign):
    OpinionFactory.create_batch(2, meeting=meeting)
    ParticipantFactory(meeting=meeting)
    response = api(cast.grid_worker).get(MEETINGS)
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["id"], row["opinion_count"], row["participant_count"], row["community_name"]) == (
        meeting.pk,
        2,
        1,
        cast.community.name,
    )
    assert {row["id"] for row in api(cast.street_reviewer).get(MEETINGS).json()["results"]} == {meeting.pk, foreign.pk}


def test_list_uses_the_pages_filter(cast, api, meeting):
    MeetingFactory(community=cast.community, topic="板凳议事", meeting_type=MeetingType.BENCH)
    rows = api(cast.worker).get(MEETINGS, {"meeting_type": MeetingType.BENCH}).json()["results"]
    assert [row["topic"] for row in rows] == ["板凳议事"]
    rows = api(cast.worker).get(MEETINGS, {"q": "停车"}).json()["results"]
    assert [row["id"] for row in rows] == [meeting.pk]


def test_list_query_count_does_not_grow(cast, api, meeting):
    client = api(cast.worker)

    def more():
        for _ in range(4):
            other = MeetingFactory(community=cast.community)
            OpinionFactory(meeting=other)
            ParticipantFactory(meeting=other)

    assert_queries_do_not_grow(lambda: client.get(MEETINGS), more, ceiling=6)


def test_detail_has_the_whole_record(cast, api, meeting):
    voter = ParticipantFactory(meeting=meeting, name="王秀英")
    OpinionFactory(meeting=meeting, content="加装充电桩", adopted=True)
    FollowUpFactory(meeting=meeting, owner=cast.grid_worker, description="物业报价")
    item = ShortlistedMenuItemFactory(community=cast.community, title="增设车棚")
    services.ballot_record(acting_user=cast.worker, meeting=meeting, menu_item=item, choices={voter.pk: VoteChoice.FOR})
    data = api(cast.worker).get(f"{MEETINGS}{meeting.pk}/").json()
    assert data["participants"][0]["name"] == "王秀英"
    assert data["opinions"][0] == {"id": data["opinions"][0]["id"], "role": "resident_rep", "role_label": "居民代表", "content": "加装充电桩", "adopted": True}
    assert data["follow_ups"][0]["owner"]["id"] == cast.grid_worker.pk
    [ballot] = data["ballots"]
    assert (ballot["menu_item_title"], ballot["votes_for"], ballot["eligible"], ballot["passed"]) == ("增设车棚", 1, 1, True)
    assert ballot["votes"] == [{"participant": voter.pk, "participant_name": "王秀英", "choice": "for"}]
    for field in ("decision_whether", "decision_how", "decision_who", "public_summary", "minutes", "feedback"):
        assert field in data


def test_detail_outside_scope_is_404(cast, api, foreign):
    assert api(cast.worker).get(f"{MEETINGS}{foreign.pk}/").status_code == 404


def test_anonymous_and_no_role_are_refused(cast, api):
    assert api(None).get(MEETINGS).status_code in (401, 403)
    assert api(cast.no_role).get(MEETINGS).status_code == 403


def test_create_through_the_service(cast, api):
    response = api(cast.worker).post(MEETINGS, create_body(), format="json")
    assert response.status_code == 201
    meeting = Meeting.objects.get()
    assert (meeting.community, meeting.created_by, response.json()["id"]) == (cast.community, cast.worker, meeting.pk)
    assert timezone.localtime(meeting.held_at).hour == 14


def test_street_admin_names_the_community(cast, api):
    assert api(cast.street_admin).post(MEETINGS, create_body(), format="json").status_code == 400
    response = api(cast.street_admin).post(MEETINGS, create_body(community=cast.other_community.pk), format="json")
    assert response.status_code == 201 and Meeting.objects.get().community == cast.other_community


def test_create_errors(cast, api):
    response = api(cast.worker).post(MEETINGS, create_body(topic="", meeting_type="party"), format="json")
    assert response.status_code == 400 and {"topic", "meeting_type"} <= set(response.json())
    # Another community's id reads as unknown.
    response = api(cast.worker).post(MEETINGS, create_body(community=cast.other_community.pk), format="json")
    assert response.status_code == 400 and "community" in response.json()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("user", ["grid_worker", "street_reviewer"])
def test_readers_get_403_before_the_body_is_read(cast, api, user):
    assert api(getattr(cast, user)).post(MEETINGS, {}, format="json").status_code == 403


def test_no_update_or_delete(cast, api, meeting):
    assert api(cast.worker).delete(f"{MEETINGS}{meeting.pk}/").status_code == 405
    assert api(cast.worker).patch(f"{MEETINGS}{meeting.pk}/", {"topic": "x"}, format="json").status_code == 405


def test_ballot_through_the_api(cast, api, meeting):
    people = [ParticipantFactory(meeting=meeting) for _ in range(3)]
    item = ShortlistedMenuItemFactory(community=cast.community)
    votes = [{"participant": p.pk, "choice": c} for p, c in zip(people, ["for", "against", "abstain"], strict=True)]
    response = api(cast.secretary).post(f"{MEETINGS}{meeting.pk}/ballots/", {"menu_item": item.pk, "votes": votes}, format="json")
    assert response.status_code == 200
    [ballot] = response.json()["ballots"]
    assert (ballot["votes_for"], ballot["votes_against"], ballot["votes_abstain"], ballot["passed"]) == (1, 1, 1, False)


def test_ballot_errors_and_guards(cast, api, meeting, foreign):
    [voter] = [ParticipantFactory(meeting=meeting)]
    item = ShortlistedMenuItemFactory(community=cast.community)
    url = f"{MEETINGS}{meeting.pk}/ballots/"
    body = {"menu_item": item.pk, "votes": [{"participant": voter.pk, "choice": "for"}]}
    assert api(cast.grid_worker).post(url, body, format="json").status_code == 403
    assert api(cast.worker).post(f"{MEETINGS}{foreign.pk}/ballots/", body, format="json").status_code == 404
    twice = {"menu_item": item.pk, "votes": [{"participant": voter.pk, "choice": "for"}] * 2}
    assert api(cast.worker).post(url, twice, format="json").status_code == 400
    stranger = ParticipantFactory(meeting=foreign)
    wrong = {"menu_item": item.pk, "votes": [{"participant": stranger.pk, "choice": "for"}]}
    response = api(cast.worker).post(url, wrong, format="json")
    assert response.status_code == 400
    foreign_item = ShortlistedMenuItemFactory(community=cast.other_community)
    response = api(cast.worker).post(url, {**body, "menu_item": foreign_item.pk}, format="json")
    assert response.status_code == 400 and "menu_item" in response.json()
    assert not MenuBallot.objects.exists()
    assert api(cast.worker).get(url).status_code == 405


def test_schema_documents_the_meeting_endpoints(cast, login):
    text = login(cast.worker).get("/api/schema/").content.decode()
    assert "/api/v1/meetings/" in text and "/api/v1/meetings/{id}/ballots/" in text
    assert "协商议事" in text
