"""projects.services.meetings: who writes meetings, what a record may hold, and the 票决 tally and outcome."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Notification
from projects.models import (
    FollowUpAction,
    Meeting,
    MeetingType,
    MenuBallot,
    MenuStatus,
    Participant,
    ParticipantRole,
    TopicSource,
    Vote,
    VoteChoice,
)
from projects.selectors.meetings import ballots_for_item, meeting_totals
from projects.services import meetings as services
from tests.factories import CoBuildingUnitFactory, make_request
from tests.project_factories import (
    FollowUpFactory,
    MeetingFactory,
    MenuItemFactory,
    NeedFactory,
    OpinionFactory,
    ParticipantFactory,
    ProjectFactory,
    ShortlistedMenuItemFactory,
)

pytestmark = pytest.mark.django_db

F, A, X = VoteChoice.FOR, VoteChoice.AGAINST, VoteChoice.ABSTAIN


def meeting_fields(**overrides) -> dict:
    return {
        "meeting_type": MeetingType.JOINT,
        "topic": " 莲香新村三区停车改造 ",
        "topic_source": TopicSource.REQUESTS,
        "held_at": timezone.now(),
        "place": "党群服务中心",
        "host": "社区书记",
        **overrides,
    }


@pytest.fixture
def meeting(cast):
    return MeetingFactory(community=cast.community)


def voters(meeting, n: int) -> list[Participant]:
    return [ParticipantFactory(meeting=meeting, name=f"代表{i}") for i in range(n)]


# Meetings


def test_a_coordinator_records_a_meeting_for_their_community(cast):
    meeting = services.meeting_create(acting_user=cast.worker, community=cast.community, **meeting_fields())
    assert (meeting.topic, meeting.community, meeting.created_by) == ("莲香新村三区停车改造", cast.community, cast.worker)


@pytest.mark.parametrize("user", ["grid_worker", "street_reviewer", "other_worker"])
def test_others_cannot_record_a_meeting_of_the_community(cast, user):
    with pytest.raises(PermissionDenied):
        services.meeting_create(acting_user=getattr(cast, user), community=cast.community, **meeting_fields())
    assert not Meeting.objects.exists()


def test_street_admin_records_for_any_community(cast):
    meeting = services.meeting_create(acting_user=cast.street_admin, community=cast.other_community, **meeting_fields())
    assert meeting.community == cast.other_community


def test_a_meeting_needs_its_topic_place_and_host(cast):
    with pytest.raises(ValidationError) as error:
        services.meeting_create(acting_user=cast.worker, community=cast.community, **meeting_fields(topic=" ", host=""))
    assert {"topic", "host"} <= set(error.value.message_dict)


def test_update_changes_the_basic_record_only(cast, meeting):
    services.meeting_update(acting_user=cast.secretary, meeting=meeting, place="板凳议事角", host="居民小组长")
    meeting.refresh_from_db()
    assert (meeting.place, meeting.host) == ("板凳议事角", "居民小组长")
    with pytest.raises(TypeError):
        services.meeting_update(acting_user=cast.secretary, meeting=meeting, community=cast.other_community)


def test_the_public_summary_must_not_name_participants(cast, meeting):
    ParticipantFactory(meeting=meeting, name="王秀英")
    with pytest.raises(ValidationError) as error:
        services.meeting_record_outcome(
            acting_user=cast.worker, meeting=meeting, public_summary="王秀英等代表同意增设充电车棚。"
        )
    assert "王秀英" in error.value.message_dict["public_summary"][0]
    outcome = services.meeting_record_outcome(
        acting_user=cast.worker,
        meeting=meeting,
        decision="增设充电车棚",
        decision_whether="改",
        decision_how="拆除违建,新建车棚 43 个",
        decision_who="共建单位出资,物业施工",
        public_summary="居民代表同意增设充电车棚 43 个。",
    )
    assert (outcome.decision_whether, outcome.public_summary) == ("改", "居民代表同意增设充电车棚 43 个。")


def test_links_must_be_of_the_meetings_community(cast, meeting):
    need = NeedFactory(community=cast.community)
    request = make_request(community=cast.community, building=cast.building)
    project = ProjectFactory(communities=[cast.community, cast.other_community])
    services.meeting_set_links(acting_user=cast.worker, meeting=meeting, needs=[need], requests=[request], projects=[project])
    assert (list(meeting.needs.all()), list(meeting.requests.all()), list(project.meetings.all())) == (
        [need],
        [request],
        [meeting],
    )

    foreign = (
        NeedFactory(community=cast.other_community),
        make_request(community=cast.other_community),
        ProjectFactory(communities=[cast.other_community]),
    )
    with pytest.raises(ValidationError) as error:
        services.meeting_set_links(
            acting_user=cast.worker, meeting=meeting, needs=[foreign[0]], requests=[foreign[1]], projects=[foreign[2]]
        )
    assert set(error.value.message_dict) == {"needs", "requests", "projects"}
    assert list(meeting.needs.all()) == [need]  # nothing replaced


def test_a_unit_participant_must_be_paired_with_the_community(cast, meeting):
    paired = CoBuildingUnitFactory(name="苏州银行零售银行总部党委")
    paired.communities.add(cast.community)
    participant = services.participant_add(
        acting_user=cast.worker, meeting=meeting, role=ParticipantRole.CO_BUILDING_UNIT, name="李行长", unit=paired
    )
    assert participant.organisation == "苏州银行零售银行总部党委"
    stranger = CoBuildingUnitFactory()
    with pytest.raises(ValidationError):
        services.participant_add(
            acting_user=cast.worker, meeting=meeting, role=ParticipantRole.CO_BUILDING_UNIT, name="某", unit=stranger
        )


def test_a_participant_who_voted_cannot_be_removed(cast, meeting):
    [voter, other] = voters(meeting, 2)
    item = ShortlistedMenuItemFactory(community=cast.community)
    services.ballot_record(acting_user=cast.worker, meeting=meeting, menu_item=item, choices={voter.pk: F, other.pk: F})
    with pytest.raises(ValidationError):
        services.participant_remove(acting_user=cast.worker, participant=voter)
    assert Vote.objects.filter(participant=voter).exists()
    silent = ParticipantFactory(meeting=meeting, can_vote=False)
    services.participant_remove(acting_user=cast.worker, participant=silent)
    assert not Participant.objects.filter(pk=silent.pk).exists()


def test_totals_count_meetings_and_opinions_of_the_list(cast):
    first, second = MeetingFactory(community=cast.community), MeetingFactory(community=cast.community)
    OpinionFactory.create_batch(3, meeting=first)
    OpinionFactory(meeting=second, adopted=True)
    OpinionFactory(meeting=MeetingFactory(community=cast.other_community))
    totals = meeting_totals(Meeting.objects.visible_to(cast.worker))
    assert (totals.meetings, totals.opinions, totals.adopted) == (2, 4, 1)


# Follow-up actions


def test_follow_up_owner_must_be_staff_of_the_community(cast, meeting):
    with pytest.raises(ValidationError) as error:
        services.follow_up_add(
            acting_user=cast.worker,
            meeting=meeting,
            description="报价",
            owner_name="",
            owner=cast.other_worker,
            due_on=timezone.localdate(),
        )
    assert "owner" in error.value.message_dict
    follow_up = services.follow_up_add(
        acting_user=cast.worker,
        meeting=meeting,
        description="报价",
        owner_name="",
        owner=cast.grid_worker,
        due_on=timezone.localdate(),
    )
    # The owner hears about it at once; the name defaults to the account's.
    assert follow_up.owner_name == cast.grid_worker.display_name
    assert Notification.objects.filter(recipient=cast.grid_worker, key=f"follow-up:{follow_up.pk}:assigned").exists()


def test_the_owner_marks_their_action_done_once(cast, meeting):
    follow_up = FollowUpFactory(meeting=meeting, owner=cast.grid_worker)
    services.follow_up_complete(acting_user=cast.grid_worker, follow_up=follow_up, result="已公示报价")
    follow_up.refresh_from_db()
    assert follow_up.done_at is not None and follow_up.result == "已公示报价"
    with pytest.raises(ValidationError):
        services.follow_up_complete(acting_user=cast.worker, follow_up=follow_up, result="再来一次")


def test_nobody_else_marks_an_action_done(cast, meeting):
    follow_up = FollowUpFactory(meeting=meeting)
    with pytest.raises(PermissionDenied):
        services.follow_up_complete(acting_user=cast.grid_worker, follow_up=follow_up, result="完成")
    with pytest.raises(ValidationError):
        services.follow_up_complete(acting_user=cast.worker, follow_up=follow_up, result="  ")
    assert FollowUpAction.objects.get(pk=follow_up.pk).done_at is None


# 票决


def test_the_tally_and_the_outcome(cast, meeting):
    people = voters(meeting, 5)
    ParticipantFactory(meeting=meeting, can_vote=False, role=ParticipantRole.PROPERTY_COMPANY)
    item = ShortlistedMenuItemFactory(community=cast.community)
    ballot = services.ballot_record(
        acting_user=cast.worker,
        meeting=meeting,
        menu_item=item,
        choices={people[0].pk: F, people[1].pk: F, people[2].pk: F, people[3].pk: A, people[4].pk: X},
    )
    assert (ballot.votes_for, ballot.votes_against, ballot.votes_abstain, ballot.eligible, ballot.passed) == (3, 1, 1, 5, True)
    assert ballot.recorded_by == cast.worker
    assert sorted(Vote.objects.filter(ballot=ballot).values_list("choice", flat=True)) == sorted([F, F, F, A, X])
    assert ballots_for_item(item) == [ballot]


@pytest.mark.parametrize(
    ("votes_for", "eligible", "passed"),
    [(3, 6, False), (4, 6, True), (1, 1, True), (0, 1, False), (2, 4, False), (3, 5, True)],
)
def test_more_than_half_of_the_eligible_must_be_for(votes_for, eligible, passed):
    # 过半数通过: exactly half is not enough; abstentions count as not in favour.
    assert services.ballot_passes(votes_for, eligible) is passed


def test_exactly_half_in_favour_fails(cast, meeting):
    people = voters(meeting, 4)
    item = ShortlistedMenuItemFactory(community=cast.community)
    ballot = services.ballot_record(
        acting_user=cast.worker,
        meeting=meeting,
        menu_item=item,
        choices={people[0].pk: F, people[1].pk: F, people[2].pk: X, people[3].pk: X},
    )
    assert (ballot.votes_for, ballot.eligible, ballot.passed) == (2, 4, False)


def test_only_voting_participants_vote(cast, meeting):
    [voter] = voters(meeting, 1)
    observer = ParticipantFactory(meeting=meeting, can_vote=False)
    stranger = ParticipantFactory(meeting=MeetingFactory(community=cast.community))
    item = ShortlistedMenuItemFactory(community=cast.community)
    for choices in ({voter.pk: F, observer.pk: F}, {voter.pk: F, stranger.pk: F}):
        with pytest.raises(ValidationError):
            services.ballot_record(acting_user=cast.worker, meeting=meeting, menu_item=item, choices=choices)
    assert not MenuBallot.objects.exists() and not Vote.objects.exists()


def test_every_voting_participant_votes_once(cast, meeting):
    [first, second] = voters(meeting, 2)
    item = ShortlistedMenuItemFactory(community=cast.community)
    with pytest.raises(ValidationError) as error:
        services.ballot_record(acting_user=cast.worker, meeting=meeting, menu_item=item, choices={first.pk: F})
    assert second.name in error.value.messages[0]
    with pytest.raises(ValidationError):
        services.ballot_record(
            acting_user=cast.worker, meeting=meeting, menu_item=item, choices={first.pk: F, second.pk: "maybe"}
        )
    assert not MenuBallot.objects.exists()


def test_a_meeting_without_voters_cannot_vote(cast, meeting):
    ParticipantFactory(meeting=meeting, can_vote=False)
    with pytest.raises(ValidationError):
        services.ballot_record(
            acting_user=cast.worker, meeting=meeting, menu_item=ShortlistedMenuItemFactory(community=cast.community), choices={}
        )


@pytest.mark.parametrize("status", [MenuStatus.CANDIDATE, MenuStatus.REJECTED, MenuStatus.ADOPTED])
def test_only_shortlisted_items_are_voted_on(cast, meeting, status):
    [voter] = voters(meeting, 1)
    extra = {"screening_note": "不可行"} if status == MenuStatus.REJECTED else {}
    screened = {"need_reasonable": True, "feasible": True} if status == MenuStatus.ADOPTED else {}
    item = MenuItemFactory(community=cast.community, status=status, **extra, **screened)
    with pytest.raises(ValidationError) as error:
        services.ballot_record(acting_user=cast.worker, meeting=meeting, menu_item=item, choices={voter.pk: F})
    assert "menu_item" in error.value.message_dict
    assert not MenuBallot.objects.exists()


def test_only_items_of_the_meetings_community(cast, meeting):
    [voter] = voters(meeting, 1)
    item = ShortlistedMenuItemFactory(community=cast.other_community)
    with pytest.raises(ValidationError):
        services.ballot_record(acting_user=cast.street_admin, meeting=meeting, menu_item=item, choices={voter.pk: F})
    assert not MenuBallot.objects.exists()


def test_recording_again_at_the_same_meeting_replaces_the_ballot(cast, meeting):
    [first, second, third] = voters(meeting, 3)
    item = ShortlistedMenuItemFactory(community=cast.community)
    services.ballot_record(
        acting_user=cast.worker, meeting=meeting, menu_item=item, choices={first.pk: A, second.pk: A, third.pk: F}
    )
    corrected = services.ballot_record(
        acting_user=cast.secretary, meeting=meeting, menu_item=item, choices={first.pk: F, second.pk: F, third.pk: F}
    )
    assert MenuBallot.objects.get() == corrected
    assert (corrected.votes_for, corrected.votes_against, corrected.passed, corrected.recorded_by) == (
        3,
        0,
        True,
        cast.secretary,
    )
    assert Vote.objects.count() == 3


def test_another_meeting_keeps_its_own_ballot(cast, meeting):
    item = ShortlistedMenuItemFactory(community=cast.community)
    later = MeetingFactory(community=cast.community, held_at=meeting.held_at + dt.timedelta(days=7))
    [voter] = voters(meeting, 1)
    [later_voter] = voters(later, 1)
    first = services.ballot_record(acting_user=cast.worker, meeting=meeting, menu_item=item, choices={voter.pk: A})
    second = services.ballot_record(acting_user=cast.worker, meeting=later, menu_item=item, choices={later_voter.pk: F})
    assert ballots_for_item(item) == [first, second]
    assert (first.passed, second.passed) == (False, True)


@pytest.mark.parametrize("user", ["grid_worker", "street_reviewer"])
def test_readers_cannot_record_votes(cast, meeting, user):
    [voter] = voters(meeting, 1)
    item = ShortlistedMenuItemFactory(community=cast.community)
    with pytest.raises(PermissionDenied):
        services.ballot_record(acting_user=getattr(cast, user), meeting=meeting, menu_item=item, choices={voter.pk: F})
