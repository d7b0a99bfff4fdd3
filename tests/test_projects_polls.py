"""Public preference poll on the 实事菜单: one vote per mobile number, closed polls refused,
a per-IP rate limit, results public after closing and for staff any time."""

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from projects.models import MenuPoll, MenuStatus, PollVote
from projects.selectors.meetings import poll_results
from projects.services import meetings as services
from tests.project_factories import (
    MenuItemFactory,
    MenuPollFactory,
    ShortlistedMenuItemFactory,
)
from xietang.digests import mobile_digest

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(cast):
    return [
        ShortlistedMenuItemFactory(community=cast.community, title=title)
        for title in ("增设充电车棚", "楼道口放座椅", "口袋公园")
    ]


@pytest.fixture
def poll(cast, items):
    return MenuPollFactory(community=cast.community, items=items, max_choices=2, title="明年先办哪件实事")


def public_url(poll) -> str:
    return reverse("projects:poll_public", args=[poll.pk])


def vote_data(items, mobile: str = "13912345678", **extra) -> dict:
    return {"items": [item.pk for item in items], "mobile": mobile, "consent": "on", **extra}


# Services


def test_a_vote_is_stored_as_a_digest_with_its_items(poll, items):
    vote = services.poll_vote(poll=poll, mobile="139 1234 5678", items=items[:2])
    assert vote.mobile_digest == mobile_digest("13912345678")
    assert "13912345678" not in vote.mobile_digest
    assert set(vote.items.all()) == set(items[:2])


@pytest.mark.parametrize("again", ["13912345678", "139-1234-5678", "+86 139 1234 5678", " 13912345678 "])
def test_one_vote_per_mobile_however_it_is_typed(poll, items, again):
    services.poll_vote(poll=poll, mobile="13912345678", items=items[:1])
    with pytest.raises(ValidationError) as error:
        services.poll_vote(poll=poll, mobile=again, items=items[1:2])
    assert "只能投一次" in error.value.messages[0]
    assert PollVote.objects.count() == 1


def test_the_database_constraint_is_the_final_guard(poll, items):
    """Two votes of the same number at the same moment: both pass the check, the constraint refuses one."""
    services.poll_vote(poll=poll, mobile="13912345678", items=items[:1])
    with mock.patch("projects.services.meetings.PollVote.objects.filter") as filter_:
        filter_.return_value.exists.return_value = False  # the racing request did not see the first vote
        with pytest.raises(ValidationError) as error:
            services.poll_vote(poll=poll, mobile="13912345678", items=items[1:2])
    assert error.value.code == "duplicate"
    assert PollVote.objects.count() == 1
    with pytest.raises(IntegrityError):
        PollVote.objects.create(poll=poll, mobile_digest=mobile_digest("13912345678"))


def test_the_same_number_votes_in_another_poll(cast, poll, items):
    other = MenuPollFactory(community=cast.community, items=items[:2])
    services.poll_vote(poll=poll, mobile="13912345678", items=items[:1])
    services.poll_vote(poll=other, mobile="13912345678", items=items[:1])
    assert PollVote.objects.count() == 2


def test_choices_are_checked(cast, poll, items):
    stranger = ShortlistedMenuItemFactory(community=cast.community)
    for chosen in ([], items, [stranger]):
        with pytest.raises(ValidationError):
            services.poll_vote(poll=poll, mobile="13912345678", items=chosen)
    with pytest.raises(ValidationError):
        services.poll_vote(poll=poll, mobile="1391234", items=items[:1])
    assert not PollVote.objects.exists()


@pytest.mark.parametrize(
    ("opens", "closes"),
    [(-dt.timedelta(days=8), -dt.timedelta(days=1)), (dt.timedelta(days=1), dt.timedelta(days=8))],
    ids=["closed", "not-yet-open"],
)
def test_a_poll_outside_its_time_refuses_votes(cast, items, opens, closes):
    now = timezone.now()
    poll = MenuPollFactory(community=cast.community, items=items, opens_at=now + opens, closes_at=now + closes)
    with pytest.raises(ValidationError) as error:
        services.poll_vote(poll=poll, mobile="13912345678", items=items[:1])
    assert error.value.code == "closed"
    assert not PollVote.objects.exists()


def test_results_count_votes_per_item(poll, items):
    services.poll_vote(poll=poll, mobile="13900000001", items=items[:2])
    services.poll_vote(poll=poll, mobile="13900000002", items=items[:1])
    services.poll_vote(poll=poll, mobile="13900000003", items=items[2:])
    results = poll_results(poll)
    assert results.voters == 3
    assert [(row.item.title, row.votes, row.percent) for row in results.rows] == [
        ("增设充电车棚", 2, 67),
        ("口袋公园", 1, 33),
        ("楼道口放座椅", 1, 33),
    ]


def test_poll_creation_takes_shortlisted_items_of_the_community(cast, items):
    now = timezone.now()
    fields = {"title": "明年先办哪件实事", "max_choices": 2, "opens_at": now, "closes_at": now + dt.timedelta(days=7)}
    poll = services.poll_create(acting_user=cast.worker, community=cast.community, items=items, **fields)
    assert set(poll.items.all()) == set(items) and poll.created_by == cast.worker
    candidate = MenuItemFactory(community=cast.community, status=MenuStatus.CANDIDATE)
    foreign = ShortlistedMenuItemFactory(community=cast.other_community)
    for wrong in ([*items, candidate], [*items, foreign], items[:1]):
        with pytest.raises(ValidationError) as error:
            services.poll_create(acting_user=cast.worker, community=cast.community, items=wrong, **fields)
        assert "items" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.poll_create(acting_user=cast.worker, community=cast.community, items=items, **{**fields, "max_choices": 4})
    with pytest.raises(PermissionDenied):
        services.poll_create(acting_user=cast.grid_worker, community=cast.community, items=items, **fields)
    assert MenuPoll.objects.count() == 1


def test_a_poll_is_edited_only_before_the_first_vote(cast, poll, items):
    fields = {
        "title": "改个标题",
        "items": items,
        "max_choices": 1,
        "opens_at": poll.opens_at,
        "closes_at": poll.closes_at,
    }
    services.poll_update(acting_user=cast.worker, poll=poll, **fields)
    services.poll_vote(poll=poll, mobile="13912345678", items=items[:1])
    with pytest.raises(ValidationError):
        services.poll_update(acting_user=cast.worker, poll=poll, **{**fields, "max_choices": 3})
    poll.refresh_from_db()
    assert (poll.title, poll.max_choices) == ("改个标题", 1)


def test_closing_early_ends_voting(cast, poll, items):
    services.poll_close(acting_user=cast.secretary, poll=poll)
    with pytest.raises(ValidationError):
        services.poll_vote(poll=poll, mobile="13912345678", items=items[:1])
    with pytest.raises(ValidationError):
        services.poll_close(acting_user=cast.secretary, poll=poll)


# Public page


def test_a_resident_votes_on_the_public_page(client, poll, items):
    page = client.get(public_url(poll))
    body = page.content.decode()
    assert page.status_code == 200 and "增设充电车棚" in body and "最多选 2 项" in body
    assert "手机号不保存原文" in body  # consent with purpose and retention
    response = client.post(public_url(poll), vote_data(items[:2], mobile="139 1234 5678"))
    assert response.status_code == 302
    assert PollVote.objects.get().mobile_digest == mobile_digest("13912345678")
    body = client.get(public_url(poll)).content.decode()
    assert "投票成功" in body and "您已投票" in body
    # Results stay hidden while the poll is open.
    assert "共 1 人参与" not in body


def test_the_public_page_refuses_a_second_vote_of_the_same_number(client, poll, items):
    client.post(public_url(poll), vote_data(items[:1]))
    response = client.post(public_url(poll), vote_data(items[1:2], mobile="+86 139-1234-5678"))
    assert response.status_code == 400
    assert "只能投一次" in response.content.decode()
    assert PollVote.objects.count() == 1


def test_the_public_page_needs_consent_and_a_valid_mobile(client, poll, items):
    assert client.post(public_url(poll), {"items": [items[0].pk], "mobile": "13912345678"}).status_code == 400
    assert client.post(public_url(poll), vote_data(items[:1], mobile="12345")).status_code == 400
    response = client.post(public_url(poll), vote_data(items))
    assert response.status_code == 400 and "最多只能选 2 项" in response.content.decode()
    assert not PollVote.objects.exists()


def test_single_choice_polls_use_round_buttons(cast, client, items):
    poll = MenuPollFactory(community=cast.community, items=items, max_choices=1)
    assert 'type="radio"' in client.get(public_url(poll)).content.decode()
    assert client.post(public_url(poll), vote_data(items[:1])).status_code == 302
    assert list(PollVote.objects.get().items.all()) == [items[0]]


def test_a_closed_poll_refuses_votes_and_shows_results(cast, client, items):
    now = timezone.now()
    poll = MenuPollFactory(
        community=cast.community, items=items, opens_at=now - dt.timedelta(days=8), closes_at=now - dt.timedelta(days=1)
    )
    PollVote.objects.create(poll=poll, mobile_digest=mobile_digest("13900000001")).items.set(items[:1])
    response = client.post(public_url(poll), vote_data(items[:1]))
    assert response.status_code == 400 and "不在投票时间内" in response.content.decode()
    assert PollVote.objects.count() == 1
    body = client.get(public_url(poll)).content.decode()
    assert "征集已结束" in body and "共 1 人参与" in body and 'name="mobile"' not in body


def test_the_rate_limit_answers_429_and_saves_nothing(client, poll, items, settings):
    settings.POLL_RATE_IP = "2/h"
    client.post(public_url(poll), vote_data(items[:1], mobile="13900000001"))
    client.post(public_url(poll), vote_data(items[:1], mobile="13900000002"))
    response = client.post(public_url(poll), vote_data(items[:1], mobile="13900000003"))
    assert response.status_code == 429 and "请稍后再试" in response.content.decode()
    assert PollVote.objects.count() == 2
    assert client.get(public_url(poll)).status_code == 200  # reading is never limited


def test_the_honeypot_saves_nothing(client, poll, items):
    assert client.post(public_url(poll), vote_data(items[:1], website="http://spam")).status_code == 400
    assert not PollVote.objects.exists()


def test_unknown_poll_and_wrong_method(client, poll):
    assert client.get(reverse("projects:poll_public", args=[poll.pk + 100])).status_code == 404
    assert client.put(public_url(poll)).status_code == 405


def test_the_public_list_shows_open_and_recently_closed_polls(cast, client, items):
    now = timezone.now()
    open_poll = MenuPollFactory(community=cast.community, items=items, title="正在征集的")
    MenuPollFactory(community=cast.community, items=items, title="刚结束的", closes_at=now - dt.timedelta(days=2), opens_at=now - dt.timedelta(days=9))
    MenuPollFactory(community=cast.community, items=items, title="还没开始的", opens_at=now + dt.timedelta(days=1), closes_at=now + dt.timedelta(days=8))
    body = client.get(reverse("projects:poll_public_list")).content.decode()
    assert open_poll.title in body and "刚结束的" in body and "还没开始的" not in body


def test_elder_mode_works_on_the_poll_page(client, poll):
    response = client.get(public_url(poll) + "?mode=elder")
    assert response.status_code == 302 and response.cookies["xt_elder"].value == "1"
    assert 'class="public elder"' in client.get(public_url(poll)).content.decode()


# Staff pages


def test_staff_create_a_poll(cast, login, items):
    client = login(cast.worker)
    body = client.get(reverse("projects:poll_create")).content.decode()
    assert "增设充电车棚" in body
    response = client.post(
        reverse("projects:poll_create"),
        {
            "title": "明年先办哪件实事",
            "items": [item.pk for item in items],
            "max_choices": 2,
            "opens_at": "2026-11-21T08:00",
            "closes_at": "2099-12-01T20:00",
        },
    )
    poll = MenuPoll.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("projects:poll_manage_detail", args=[poll.pk])
    assert poll.community == cast.community and poll.items.count() == 3


@pytest.mark.parametrize("user", ["grid_worker", "street_reviewer"])
def test_readers_cannot_create_polls(cast, login, user):
    assert login(getattr(cast, user)).get(reverse("projects:poll_create")).status_code == 403


def test_staff_see_results_any_time_in_scope(cast, login, poll, items):
    services.poll_vote(poll=poll, mobile="13900000001", items=items[:1])
    detail = reverse("projects:poll_manage_detail", args=[poll.pk])
    body = login(cast.grid_worker).get(detail).content.decode()
    assert "共 1 人参与" in body and "进行中" in body
    assert login(cast.other_worker).get(detail).status_code == 404
    assert login(cast.worker).post(detail).status_code == 405


def test_staff_list_is_scoped_and_counts_votes(cast, login, poll, items, django_assert_max_num_queries):
    services.poll_vote(poll=poll, mobile="13900000001", items=items[:1])
    foreign = MenuPollFactory(community=cast.other_community, title="淞渔征集")
    client = login(cast.worker)
    client.get(reverse("projects:poll_manage_list"))
    with django_assert_max_num_queries(10):
        body = client.get(reverse("projects:poll_manage_list")).content.decode()
    assert poll.title in body and foreign.title not in body


def test_staff_close_a_poll(cast, login, poll):
    close = reverse("projects:poll_close", args=[poll.pk])
    assert login(cast.grid_worker).post(close).status_code == 403
    assert login(cast.other_worker).post(close).status_code == 404
    assert login(cast.worker).get(close).status_code == 405
    assert login(cast.worker).post(close).status_code == 302
    poll.refresh_from_db()
    assert not poll.is_open()


def test_staff_edit_before_the_first_vote_only(cast, login, poll, items):
    edit = reverse("projects:poll_edit", args=[poll.pk])
    client = login(cast.worker)
    data = {
        "title": "新标题",
        "items": [item.pk for item in items[:2]],
        "max_choices": 1,
        "opens_at": timezone.localtime(poll.opens_at).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": "2099-12-01T20:00",
    }
    assert client.post(edit, data).status_code == 302
    services.poll_vote(poll=poll, mobile="13900000001", items=items[:1])
    response = client.post(edit, {**data, "title": "再改"})
    assert response.status_code == 400 and "已有居民参与投票" in response.content.decode()
    poll.refresh_from_db()
    assert poll.title == "新标题"
    assert login(cast.street_reviewer).get(edit).status_code == 403
