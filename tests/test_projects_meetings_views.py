"""Meeting pages: list, create/edit, detail with its small forms, photos, links and the 票决 page.

Per view: the happy path, the wrong method, an outsider (404 for another community's
meeting), a user without the role (403), and query counts on the list and the detail.
"""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from projects.models import (
    FollowUpAction,
    Meeting,
    MeetingPhoto,
    MeetingType,
    MenuBallot,
    Opinion,
    Participant,
    ParticipantRole,
    ProjectStatus,
    TopicSource,
    VoteChoice,
)
from projects.services import meetings as services
from tests.factories import make_request
from tests.project_factories import (
    FollowUpFactory,
    MeetingFactory,
    NeedFactory,
    OpinionFactory,
    ParticipantFactory,
    ProjectFactory,
    ShortlistedMenuItemFactory,
)
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

LIST = reverse("projects:meeting_list")
CREATE = reverse("projects:meeting_create")


def url(name: str, *args) -> str:
    return reverse(f"projects:{name}", args=args)


def jpeg(name: str = "meeting.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "blue").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def meeting(cast):
    return MeetingFactory(community=cast.community, topic="莲香新村三区停车怎么改")


@pytest.fixture
def foreign(cast):
    return MeetingFactory(community=cast.other_community, topic="淞渔座椅放哪里")


def form_data(**overrides) -> dict:
    return {
        "meeting_type": MeetingType.BENCH,
        "topic": "楼道座椅放在哪里",
        "topic_source": TopicSource.NEED,
        "held_at": "2026-11-20T14:30",
        "place": "39幢楼下",
        "host": "社区书记",
        "background": "",
        **overrides,
    }


# List


def test_list_shows_the_communitys_meetings_and_counts(cast, login, meeting, foreign):
    OpinionFactory.create_batch(2, meeting=meeting)
    OpinionFactory(meeting=meeting, adopted=True)
    ParticipantFactory(meeting=meeting)
    body = login(cast.worker).get(LIST).content.decode()
    assert meeting.topic in body and foreign.topic not in body
    assert "共 1 次会议,收集意见 3 条,其中采纳 1 条。" in body
    # Community staff get no community filter: a choice of one is noise.
    assert 'name="community"' not in body


def test_street_staff_see_all_and_filter_by_community(cast, login, meeting, foreign):
    client = login(cast.street_reviewer)
    body = client.get(LIST).content.decode()
    assert meeting.topic in body and foreign.topic in body
    body = client.get(LIST, {"community": cast.other_community.pk}).content.decode()
    assert meeting.topic not in body and foreign.topic in body


def test_filters_by_type_period_project_need_and_text(cast, login, meeting):
    project = ProjectFactory(communities=[cast.community])
    need = NeedFactory(community=cast.community)
    meeting.projects.add(project)
    meeting.needs.add(need)
    old = MeetingFactory(
        community=cast.community,
        topic="去年的板凳议事",
        meeting_type=MeetingType.BENCH,
        held_at=timezone.now() - dt.timedelta(days=800),
    )
    client = login(cast.worker)

    def topics(**params) -> set[str]:
        body = client.get(LIST, params).content.decode()
        return {topic for topic in (meeting.topic, old.topic) if topic in body}

    assert topics(meeting_type=MeetingType.BENCH) == {old.topic}
    assert topics(period="year") == {meeting.topic}
    assert topics(project=project.pk) == {meeting.topic}
    assert topics(need=need.pk) == {meeting.topic}
    assert topics(q="板凳") == {old.topic}


def test_list_query_count_does_not_grow(cast, login, meeting):
    client = login(cast.worker)

    def more():
        for _ in range(5):
            other = MeetingFactory(community=cast.community)
            OpinionFactory.create_batch(2, meeting=other)
            ParticipantFactory(meeting=other)
            FollowUpFactory(meeting=other)

    assert_queries_do_not_grow(lambda: client.get(LIST), more, ceiling=12)


def test_list_with_max_queries(cast, login, meeting, django_assert_max_num_queries):
    for _ in range(3):
        OpinionFactory(meeting=MeetingFactory(community=cast.community))
    client = login(cast.street_admin)
    client.get(LIST)
    with django_assert_max_num_queries(12):
        assert client.get(LIST, {"period": "year", "q": "停车"}).status_code == 200


def test_list_refuses_post_and_no_role(cast, login):
    assert login(cast.worker).post(LIST).status_code == 405
    assert login(cast.no_role).get(LIST).status_code == 403


def test_anonymous_goes_to_login(client):
    assert client.get(LIST)["Location"].startswith(reverse("login"))


# Create and edit


def test_a_worker_records_a_meeting(cast, login):
    response = login(cast.worker).post(CREATE, form_data())
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == url("meeting_detail", meeting.pk)
    assert (meeting.community, meeting.created_by, meeting.meeting_type) == (cast.community, cast.worker, MeetingType.BENCH)
    assert timezone.localtime(meeting.held_at).strftime("%Y-%m-%d %H:%M") == "2026-11-20 14:30"


def test_street_admin_chooses_the_community(cast, login):
    client = login(cast.street_admin)
    assert 'name="community"' in client.get(CREATE).content.decode()
    client.post(CREATE, form_data(community=cast.other_community.pk))
    assert Meeting.objects.get().community == cast.other_community


def test_create_shows_errors(cast, login):
    response = login(cast.worker).post(CREATE, form_data(topic="", held_at="明天"))
    assert response.status_code == 400 and not Meeting.objects.exists()


@pytest.mark.parametrize("user", ["grid_worker", "street_reviewer"])
def test_readers_cannot_create(cast, login, user):
    client = login(getattr(cast, user))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data()).status_code == 403
    assert not Meeting.objects.exists()


def test_create_refuses_other_methods(cast, login):
    assert login(cast.worker).put(CREATE).status_code == 405


def test_edit(cast, login, meeting, foreign):
    client = login(cast.secretary)
    assert meeting.topic in client.get(url("meeting_edit", meeting.pk)).content.decode()
    response = client.post(url("meeting_edit", meeting.pk), form_data(topic="停车棚建在哪里"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.topic == "停车棚建在哪里" and meeting.community == cast.community
    assert client.post(url("meeting_edit", foreign.pk), form_data()).status_code == 404
    assert login(cast.grid_worker).get(url("meeting_edit", meeting.pk)).status_code == 403


# Detail


def test_detail_shows_the_whole_record(cast, login, meeting):
    ParticipantFactory(meeting=meeting, name="王秀英", role=ParticipantRole.RESIDENT_REPRESENTATIVE)
    OpinionFactory(meeting=meeting, content="建议加装充电桩", adopted=True)
    FollowUpFactory(meeting=meeting, description="物业报价", due_on=timezone.localdate() - dt.timedelta(days=1))
    Meeting.objects.filter(pk=meeting.pk).update(decision_whether="改", public_summary="同意增设车棚")
    body = login(cast.grid_worker).get(url("meeting_detail", meeting.pk)).content.decode()
    for text in ("王秀英", "居民代表", "建议加装充电桩", "已采纳", "物业报价", "已逾期", "同意增设车棚"):
        assert text in body
    # A reader sees no forms.
    assert url("meeting_participant_add", meeting.pk) not in body


def test_detail_of_another_community_is_404(cast, login, foreign):
    assert login(cast.worker).get(url("meeting_detail", foreign.pk)).status_code == 404
    assert login(cast.street_reviewer).get(url("meeting_detail", foreign.pk)).status_code == 200


def test_detail_refuses_post(cast, login, meeting):
    assert login(cast.worker).post(url("meeting_detail", meeting.pk)).status_code == 405


def test_detail_query_count_does_not_grow(cast, login, meeting):
    client = login(cast.worker)

    def add_rows():
        people = [ParticipantFactory(meeting=meeting) for _ in range(3)]
        OpinionFactory.create_batch(2, meeting=meeting)
        FollowUpFactory.create_batch(2, meeting=meeting, owner=cast.grid_worker)
        meeting.needs.add(NeedFactory(community=cast.community))
        meeting.requests.add(make_request(community=cast.community, building=cast.building))
        meeting.projects.add(ProjectFactory(communities=[cast.community]))
        services.ballot_record(
            acting_user=cast.worker,
            meeting=meeting,
            menu_item=ShortlistedMenuItemFactory(community=cast.community),
            choices={person.pk: VoteChoice.FOR for person in meeting.participants.filter(can_vote=True)},
        )
        return people

    # One of everything first (a ballot adds its votes' query once), then more of everything.
    add_rows()
    assert_queries_do_not_grow(lambda: client.get(url("meeting_detail", meeting.pk)), add_rows, ceiling=20)


# Participants and opinions


def test_add_and_remove_a_participant(cast, login, meeting):
    client = login(cast.worker)
    response = client.post(
        url("meeting_participant_add", meeting.pk),
        {"participant-role": ParticipantRole.OWNERS_COMMITTEE, "participant-name": "业委会主任", "participant-can_vote": "on"},
    )
    assert response.status_code == 302
    participant = Participant.objects.get()
    assert (participant.meeting, participant.can_vote) == (meeting, True)
    assert client.post(url("meeting_participant_remove", meeting.pk, participant.pk)).status_code == 302
    assert not Participant.objects.exists()


def test_participant_errors_redraw_the_page(cast, login, meeting):
    response = login(cast.worker).post(url("meeting_participant_add", meeting.pk), {"participant-role": "nobody"})
    assert response.status_code == 400 and not Participant.objects.exists()
    assert meeting.topic in response.content.decode()


def test_participant_routes_guard_scope_role_and_method(cast, login, meeting, foreign):
    data = {"participant-role": ParticipantRole.PARTY_MEMBER, "participant-name": "党员"}
    assert login(cast.worker).post(url("meeting_participant_add", foreign.pk), data).status_code == 404
    assert login(cast.grid_worker).post(url("meeting_participant_add", meeting.pk), data).status_code == 403
    assert login(cast.worker).get(url("meeting_participant_add", meeting.pk)).status_code == 405
    other = ParticipantFactory(meeting=foreign)
    # A participant id of another meeting under this meeting's URL is not found.
    assert login(cast.street_admin).post(url("meeting_participant_remove", meeting.pk, other.pk)).status_code == 404
    assert not Participant.objects.filter(meeting=meeting).exists()


def test_opinions_add_adopt_remove(cast, login, meeting):
    client = login(cast.worker)
    client.post(
        url("meeting_opinion_add", meeting.pk),
        {"opinion-role": ParticipantRole.PROPERTY_COMPANY, "opinion-content": "车棚由物业管护"},
    )
    opinion = Opinion.objects.get()
    assert not opinion.adopted
    client.post(url("meeting_opinion_adopt", meeting.pk, opinion.pk), {"adopted": "on"})
    opinion.refresh_from_db()
    assert opinion.adopted
    client.post(url("meeting_opinion_adopt", meeting.pk, opinion.pk))
    opinion.refresh_from_db()
    assert not opinion.adopted
    assert login(cast.grid_worker).post(url("meeting_opinion_remove", meeting.pk, opinion.pk)).status_code == 403
    client = login(cast.worker)
    client.post(url("meeting_opinion_remove", meeting.pk, opinion.pk))
    assert not Opinion.objects.exists()


# Outcome and links


def test_outcome_is_recorded_and_refuses_names_in_the_public_summary(cast, login, meeting):
    ParticipantFactory(meeting=meeting, name="王秀英")
    client = login(cast.worker)
    assert client.get(url("meeting_outcome", meeting.pk)).status_code == 200
    data = {"decision": "增设车棚", "decision_whether": "改", "decision_how": "新建", "decision_who": "共建单位出资"}
    response = client.post(url("meeting_outcome", meeting.pk), {**data, "public_summary": "王秀英提议增设车棚"})
    assert response.status_code == 400 and "请不要写参会人员姓名" in response.content.decode()
    response = client.post(url("meeting_outcome", meeting.pk), {**data, "public_summary": "居民代表同意增设车棚"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.decision_who, meeting.public_summary) == ("共建单位出资", "居民代表同意增设车棚")
    assert login(cast.street_reviewer).post(url("meeting_outcome", meeting.pk), data).status_code == 403


def test_links_chosen_from_the_communitys_lists(cast, login, meeting):
    need = NeedFactory(community=cast.community, title="39幢停车难")
    project = ProjectFactory(communities=[cast.community], title="莲香停车场改造")
    request = make_request(community=cast.community, building=cast.building)
    foreign_need = NeedFactory(community=cast.other_community, title="淞渔需求")
    foreign_request = make_request(community=cast.other_community)
    client = login(cast.worker)
    body = client.get(url("meeting_links", meeting.pk)).content.decode()
    assert "39幢停车难" in body and "莲香停车场改造" in body and "淞渔需求" not in body

    response = client.post(
        url("meeting_links", meeting.pk),
        {"needs": [foreign_need.pk], "request_codes": foreign_request.tracking_code},
    )
    assert response.status_code == 400 and not meeting.needs.exists()

    response = client.post(
        url("meeting_links", meeting.pk),
        {"needs": [need.pk], "projects": [project.pk], "request_codes": request.tracking_code.lower()},
    )
    assert response.status_code == 302
    assert (list(meeting.needs.all()), list(meeting.projects.all()), list(meeting.requests.all())) == (
        [need],
        [project],
        [request],
    )
    body = client.get(url("meeting_detail", meeting.pk)).content.decode()
    assert request.tracking_code in body and "莲香停车场改造" in body


# Follow-ups


def test_follow_up_added_then_done_by_its_owner(cast, login, meeting):
    client = login(cast.worker)
    response = client.post(
        url("meeting_follow_up_add", meeting.pk),
        {
            "follow_up-description": "物业报价并公示",
            "follow_up-owner_name": "",
            "follow_up-owner": cast.grid_worker.pk,
            "follow_up-due_on": "2026-12-01",
        },
    )
    assert response.status_code == 302
    follow_up = FollowUpAction.objects.get()
    done_url = url("meeting_follow_up_done", meeting.pk, follow_up.pk)
    # The owner, a grid worker (a reader of meetings), reports it done.
    owner = login(cast.grid_worker)
    assert done_url in owner.get(url("meeting_detail", meeting.pk)).content.decode()
    assert owner.post(done_url, {f"done-{follow_up.pk}-result": ""}).status_code == 400
    assert owner.post(done_url, {f"done-{follow_up.pk}-result": "报价已在公示栏张贴"}).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.result == "报价已在公示栏张贴" and follow_up.done_at is not None


def test_follow_up_done_by_someone_else_is_refused(cast, login, meeting, foreign):
    follow_up = FollowUpFactory(meeting=meeting)
    done_url = url("meeting_follow_up_done", meeting.pk, follow_up.pk)
    assert login(cast.grid_worker).post(done_url, {f"done-{follow_up.pk}-result": "完成"}).status_code == 403
    assert login(cast.grid_worker).get(done_url).status_code == 405
    foreign_follow_up = FollowUpFactory(meeting=foreign)
    assert (
        login(cast.worker).post(url("meeting_follow_up_done", foreign.pk, foreign_follow_up.pk), {}).status_code == 404
    )
    assert FollowUpAction.objects.filter(done_at__isnull=False).count() == 0


# Photos


def test_photos_uploaded_and_served_in_scope(cast, login, meeting, client):
    worker = login(cast.worker)
    response = worker.post(url("meeting_photo_add", meeting.pk), {"photo-photos": [jpeg(), jpeg("b.jpg")]})
    assert response.status_code == 302
    photos = list(MeetingPhoto.objects.all())
    assert len(photos) == 2 and not photos[0].is_public and photos[0].uploaded_by == cast.worker
    thumb = url("meeting_photo", photos[0].pk, "thumb")
    response = worker.get(thumb)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    assert login(cast.other_worker).get(thumb).status_code == 404
    assert worker.get(url("meeting_photo", photos[0].pk, "huge")).status_code == 404
    client.logout()
    assert client.get(thumb)["Location"].startswith(reverse("login"))


def test_a_public_photo_is_marked_and_unmarked_but_this_view_stays_staff_only(cast, login, meeting, client):
    worker = login(cast.worker)
    worker.post(url("meeting_photo_add", meeting.pk), {"photo-photos": [jpeg()], "photo-is_public": "on"})
    photo = MeetingPhoto.objects.get()
    assert photo.is_public
    meeting.projects.add(ProjectFactory(communities=[cast.community], status=ProjectStatus.IMPLEMENTING))
    worker.post(url("meeting_photo_public", meeting.pk, photo.pk))
    photo.refresh_from_db()
    assert not photo.is_public
    worker.post(url("meeting_photo_public", meeting.pk, photo.pk), {"is_public": "on"})
    photo.refresh_from_db()
    assert photo.is_public
    assert login(cast.grid_worker).post(url("meeting_photo_public", meeting.pk, photo.pk)).status_code == 403
    client.logout()
    # Residents see public photos through the public project page's own view.
    assert client.get(url("meeting_photo", photo.pk, "thumb")).status_code == 302


def test_photo_upload_refuses_non_images_and_readers(cast, login, meeting):
    fake = SimpleUploadedFile("a.jpg", b"not an image", content_type="image/jpeg")
    response = login(cast.worker).post(url("meeting_photo_add", meeting.pk), {"photo-photos": [fake]})
    assert response.status_code == 400 and "不是图片" in response.content.decode()
    assert login(cast.grid_worker).post(url("meeting_photo_add", meeting.pk), {"photo-photos": [jpeg()]}).status_code == 403
    assert not MeetingPhoto.objects.exists()


def test_photo_delete(cast, login, meeting, django_capture_on_commit_callbacks):
    client = login(cast.worker)
    client.post(url("meeting_photo_add", meeting.pk), {"photo-photos": [jpeg()]})
    photo = MeetingPhoto.objects.get()
    stored = photo.image.name
    assert photo.image.storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url("meeting_photo_delete", meeting.pk, photo.pk)).status_code == 302
    assert not MeetingPhoto.objects.exists()
    assert not photo.image.storage.exists(stored)


# 票决


def test_ballot_page_records_the_votes(cast, login, meeting):
    people = [ParticipantFactory(meeting=meeting, name=f"代表{i}") for i in range(3)]
    ParticipantFactory(meeting=meeting, can_vote=False, name="物业经理")
    item = ShortlistedMenuItemFactory(community=cast.community, title="增设充电车棚")
    client = login(cast.worker)
    body = client.get(url("meeting_ballot", meeting.pk)).content.decode()
    assert "增设充电车棚" in body and f"vote_{people[0].pk}" in body and "物业经理" not in body

    data = {"menu_item": item.pk, **{f"vote_{p.pk}": VoteChoice.FOR for p in people[:2]}, f"vote_{people[2].pk}": "against"}
    response = client.post(url("meeting_ballot", meeting.pk), data)
    assert response.status_code == 302
    ballot = MenuBallot.objects.get()
    assert (ballot.votes_for, ballot.votes_against, ballot.eligible, ballot.passed) == (2, 1, 3, True)
    body = client.get(url("meeting_detail", meeting.pk)).content.decode()
    assert "增设充电车棚" in body and "通过" in body

    # Correcting: the page offers the recorded votes again.
    body = client.get(url("meeting_ballot", meeting.pk), {"item": item.pk}).content.decode()
    assert re.search(rf'name="vote_{people[2].pk}" value="against"[^>]*checked', body)
    assert re.search(rf'name="vote_{people[0].pk}" value="for"[^>]*checked', body)
    assert not re.search(rf'name="vote_{people[0].pk}" value="against"[^>]*checked', body)


def test_ballot_page_requires_every_voter(cast, login, meeting):
    people = [ParticipantFactory(meeting=meeting) for _ in range(2)]
    item = ShortlistedMenuItemFactory(community=cast.community)
    response = login(cast.worker).post(url("meeting_ballot", meeting.pk), {"menu_item": item.pk, f"vote_{people[0].pk}": "for"})
    assert response.status_code == 400 and not MenuBallot.objects.exists()


def test_ballot_page_offers_only_shortlisted_items_of_the_community(cast, login, meeting):
    [voter] = [ParticipantFactory(meeting=meeting)]
    foreign_item = ShortlistedMenuItemFactory(community=cast.other_community, title="淞渔候选")
    response = login(cast.street_admin).post(
        url("meeting_ballot", meeting.pk), {"menu_item": foreign_item.pk, f"vote_{voter.pk}": "for"}
    )
    assert response.status_code == 400 and not MenuBallot.objects.exists()
    assert "淞渔候选" not in response.content.decode()


def test_ballot_page_guards(cast, login, meeting, foreign):
    assert login(cast.grid_worker).get(url("meeting_ballot", meeting.pk)).status_code == 403
    assert login(cast.worker).get(url("meeting_ballot", foreign.pk)).status_code == 404
    assert login(cast.worker).delete(url("meeting_ballot", meeting.pk)).status_code == 405
