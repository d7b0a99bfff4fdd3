"""Staff pages for teams and volunteers, and the public team pages."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditLog
from communities.validators import build_id_number
from tests.queries import assert_queries_do_not_grow
from tests.volunteer_factories import (
    ActivityFactory,
    MembershipFactory,
    ShiftFactory,
    TeamFactory,
    TeamServiceFactory,
    VolunteerFactory,
)
from volunteers.models import (
    ActivityStatus,
    Audience,
    MemberRole,
    PriceType,
    ServiceDelivery,
    Team,
    TeamType,
    Volunteer,
)


@pytest.fixture
def team(cast):
    return TeamFactory(community=cast.community, name="妈妈的灶屋间", team_type=TeamType.RESIDENT_SERVICE)


# Lists: scope, anonymous, method, query counts


@pytest.mark.parametrize("name", ["volunteers:team_list", "volunteers:volunteer_list"])
def test_lists_need_a_login_and_refuse_post(cast, client, login, name):
    url = reverse(name)
    assert client.get(url).status_code == 302
    assert login(cast.no_role).get(url).status_code == 403
    assert login(cast.worker).post(url).status_code == 405


def test_team_list_is_scoped(cast, login, team):
    TeamFactory(community=cast.other_community, name="淞渔红管先锋")
    TeamFactory(community=None, name="大学生志愿队")
    body = login(cast.worker).get(reverse("volunteers:team_list")).content.decode()
    assert "妈妈的灶屋间" in body and "大学生志愿队" in body and "淞渔红管先锋" not in body
    assert "淞渔红管先锋" in login(cast.street_reviewer).get(reverse("volunteers:team_list")).content.decode()


def test_team_list_queries_do_not_grow(cast, login, team):
    client = login(cast.worker)

    def add_rows():
        for _ in range(3):
            MembershipFactory(team=TeamFactory(community=cast.community, leader=VolunteerFactory(community=cast.community)))

    assert_queries_do_not_grow(lambda: client.get(reverse("volunteers:team_list")), add_rows, ceiling=12)


def test_volunteer_list_search_and_masking(cast, login):
    VolunteerFactory(community=cast.community, name="张三", mobile="13812345678")
    VolunteerFactory(community=cast.community, name="李四", mobile="13899990000")
    VolunteerFactory(community=cast.other_community, name="外区人", mobile="13700005678")
    body = login(cast.worker).get(reverse("volunteers:volunteer_list"), {"q": "5678"}).content.decode()
    assert "张三" in body and "李四" not in body and "外区人" not in body
    assert "138****5678" in body and "13812345678" not in body


def test_volunteer_list_filters_by_team(cast, login, team):
    member = MembershipFactory(team=team).volunteer
    VolunteerFactory(community=cast.community, name="不在队伍")
    body = login(cast.worker).get(reverse("volunteers:volunteer_list"), {"team": team.pk}).content.decode()
    assert member.name in body and "不在队伍" not in body


def test_volunteer_list_queries_do_not_grow(cast, login):
    client = login(cast.worker)
    VolunteerFactory(community=cast.community)
    assert_queries_do_not_grow(
        lambda: client.get(reverse("volunteers:volunteer_list")),
        lambda: [VolunteerFactory(community=cast.community) for _ in range(5)],
        ceiling=12,
    )


# Teams


def test_create_team(cast, login):
    response = login(cast.worker).post(
        reverse("volunteers:team_create"),
        {"community": cast.community.pk, "name": "银龄先锋队", "team_type": TeamType.SILVER, "is_public": "on", "is_active": "on"},
    )
    team = Team.objects.get(name="银龄先锋队")
    assert response.status_code == 302 and response.url == reverse("volunteers:team_detail", args=[team.pk])
    assert team.community == cast.community and team.is_public


def test_create_team_roles(cast, login):
    assert login(cast.grid_worker).get(reverse("volunteers:team_create")).status_code == 403
    assert login(cast.street_reviewer).get(reverse("volunteers:team_create")).status_code == 403
    # A community worker cannot pick another community (the choice is not offered).
    response = login(cast.worker).post(
        reverse("volunteers:team_create"), {"community": cast.other_community.pk, "name": "x", "team_type": TeamType.OTHER}
    )
    assert response.status_code == 400 and not Team.objects.filter(name="x").exists()


def test_team_detail_scope_and_edit_rights(cast, login, team):
    other = TeamFactory(community=cast.other_community)
    assert login(cast.worker).get(reverse("volunteers:team_detail", args=[other.pk])).status_code == 404
    assert login(cast.worker).get(reverse("volunteers:team_update", args=[other.pk])).status_code == 404
    assert login(cast.grid_worker).get(reverse("volunteers:team_detail", args=[team.pk])).status_code == 200
    assert login(cast.grid_worker).get(reverse("volunteers:team_update", args=[team.pk])).status_code == 403


def test_add_member_by_number_and_make_leader(cast, login, team):
    volunteer = VolunteerFactory(community=cast.community, name="张桂兰")
    client = login(cast.worker)
    response = client.post(
        reverse("volunteers:member_add", args=[team.pk]), {"volunteer": volunteer.number, "role": MemberRole.LEADER}
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.leader == volunteer
    membership = team.memberships.get()
    client.post(reverse("volunteers:member_remove", args=[team.pk, membership.pk]))
    team.refresh_from_db()
    assert team.leader is None and team.memberships.get().left_on == timezone.localdate()
    assert client.get(reverse("volunteers:member_remove", args=[team.pk, membership.pk])).status_code == 405


def test_add_member_unknown_or_outside_volunteer_is_a_field_error(cast, login, team):
    outsider = VolunteerFactory(community=cast.other_community)
    response = login(cast.worker).post(reverse("volunteers:member_add", args=[team.pk]), {"volunteer": outsider.number, "role": "member"})
    assert response.status_code == 400
    assert "没有找到该志愿者" in response.content.decode()


def test_services_and_monthly_totals(cast, login, team):
    client = login(cast.worker)
    response = client.post(
        reverse("volunteers:service_create", args=[team.pk]),
        {"title": "爱心早餐", "beneficiaries": "快递小哥", "schedule": "每周二、周四 7:00–8:30", "price_type": PriceType.LOW, "price": "3", "unit": "份", "is_active": "on"},
    )
    assert response.status_code == 302
    service = team.services.get()
    assert service.price == 3
    today = timezone.localdate()
    for quantity in (40, 35):
        client.post(
            reverse("volunteers:delivery_add", args=[team.pk, service.pk]),
            {"delivered_on": today.isoformat(), "quantity": quantity, "people_served": quantity},
        )
    assert ServiceDelivery.objects.filter(service=service).count() == 2
    body = client.get(reverse("volunteers:team_detail", args=[team.pk])).content.decode()
    assert "低偿 3元/份" in body
    # One month row: 2 deliveries, 75 portions.
    assert f"<th scope=\"row\">{today.year}年{today.month}月</th><td>爱心早餐</td><td>2</td><td>75</td><td>75</td>" in body


def test_low_price_without_price_is_refused_under_the_field(cast, login, team):
    response = login(cast.worker).post(
        reverse("volunteers:service_create", args=[team.pk]),
        {"title": "理发", "beneficiaries": "老人", "schedule": "每月一次", "price_type": PriceType.LOW, "unit": "次"},
    )
    assert response.status_code == 400
    assert "低偿服务须填写大于 0 的单价" in response.content.decode()


# Volunteers


def test_register_from_a_resident(cast, login):
    client = login(cast.worker)
    page = client.get(reverse("volunteers:volunteer_create"), {"find": "王秀英"}).content.decode()
    assert f"?resident={cast.resident.pk}" in page
    assert f"?resident={cast.outsider_resident.pk}" not in client.get(reverse("volunteers:volunteer_create"), {"find": "张外区"}).content.decode()
    response = client.post(
        reverse("volunteers:volunteer_create"),
        {"community": cast.community.pk, "resident": cast.resident.pk, "kind": "resident", "id_type": "resident_id"},
    )
    volunteer = Volunteer.objects.get(resident=cast.resident)
    assert response.status_code == 302
    assert volunteer.name == "王秀英" and volunteer.number == f"XT{volunteer.registered_on.year}{volunteer.pk:06d}"


def test_register_an_outside_resident_is_refused(cast, login):
    response = login(cast.worker).post(
        reverse("volunteers:volunteer_create"),
        {"community": cast.community.pk, "resident": cast.outsider_resident.pk, "kind": "resident", "id_type": "resident_id"},
    )
    assert response.status_code == 400 and not Volunteer.objects.exists()
    assert login(cast.worker).get(reverse("volunteers:volunteer_create"), {"resident": cast.outsider_resident.pk}).status_code == 404


def test_register_a_student(cast, login):
    response = login(cast.worker).post(
        reverse("volunteers:volunteer_create"),
        {"community": cast.community.pk, "name": "陈同学", "mobile": "13811112222", "kind": "student", "affiliation": "苏州大学", "id_type": "resident_id"},
    )
    assert response.status_code == 302
    assert Volunteer.objects.get(mobile="13811112222").affiliation == "苏州大学"
    assert login(cast.grid_worker).get(reverse("volunteers:volunteer_create")).status_code == 403


def test_volunteer_detail_is_the_service_record(cast, login):
    volunteer = VolunteerFactory(community=cast.community, id_number="320571198001020071")
    client = login(cast.secretary)
    body = client.get(reverse("volunteers:volunteer_detail", args=[volunteer.pk])).content.decode()
    assert "3205**********0071" in body and "320571198001020071" not in body
    for section in ("所在队伍", "服务时长", "志愿积分", "培训记录", "表彰奖励", "服务评价", "志愿服务记录证明"):
        assert section in body
    assert client.get(reverse("volunteers:volunteer_reveal_id", args=[volunteer.pk])).status_code == 405
    revealed = client.post(reverse("volunteers:volunteer_reveal_id", args=[volunteer.pk])).content.decode()
    assert "320571198001020071" in revealed
    assert AuditLog.objects.filter(action=AuditAction.REVEAL_ID, object_id=str(volunteer.pk)).count() == 1
    assert login(cast.worker).post(reverse("volunteers:volunteer_reveal_id", args=[volunteer.pk])).status_code == 403
    assert login(cast.other_worker).get(reverse("volunteers:volunteer_detail", args=[volunteer.pk])).status_code == 404


def test_records_are_added_from_the_volunteer_page(cast, login):
    volunteer = VolunteerFactory(community=cast.community)
    client = login(cast.worker)
    client.post(reverse("volunteers:training_add", args=[volunteer.pk]), {"title": "急救培训", "held_on": "2026-03-05", "hours": "2"})
    client.post(reverse("volunteers:award_add", args=[volunteer.pk]), {"title": "优秀志愿者", "awarded_on": "2026-01-10"})
    client.post(reverse("volunteers:evaluation_add", args=[volunteer.pk]), {"period": "2026年上半年", "grade": "excellent"})
    assert (volunteer.trainings.count(), volunteer.awards.count(), volunteer.evaluations.get().evaluated_by) == (1, 1, cast.worker)
    refused = client.post(reverse("volunteers:training_add", args=[volunteer.pk]), {"title": ""})
    assert refused.status_code == 400
    assert login(cast.grid_worker).post(reverse("volunteers:award_add", args=[volunteer.pk]), {}).status_code == 403


def test_volunteer_update_keeps_the_id_number(cast, login):
    id_number = build_id_number(region="320571", birth=dt.date(1980, 1, 2), serial=7, gender="male")
    volunteer = VolunteerFactory(community=cast.community, id_number=id_number)
    response = login(cast.worker).post(
        reverse("volunteers:volunteer_update", args=[volunteer.pk]),
        {"name": volunteer.name, "mobile": volunteer.mobile, "kind": "resident", "id_type": "resident_id", "id_number": "", "skills": "磨刀", "is_active": "on"},
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.skills == "磨刀" and volunteer.id_number == id_number


# Public team pages


def test_public_team_pages(cast, client, team):
    leader = VolunteerFactory(community=cast.community, name="张桂兰")
    MembershipFactory(team=team, volunteer=leader, role=MemberRole.LEADER)
    Team.objects.filter(pk=team.pk).update(leader=leader)
    for _ in range(2):
        MembershipFactory(team=team)
    TeamServiceFactory(team=team, title="爱心早餐", price_type=PriceType.LOW, price=3)
    TeamServiceFactory(team=team, title="磨刀", price_type=PriceType.FREE)
    activity = ActivityFactory(community=cast.community, team=team, title="端午送粽子", audience=Audience.PUBLIC)
    ShiftFactory(activity=activity)
    past = ActivityFactory(community=cast.community, team=team, title="往期活动")
    ShiftFactory(activity=past, starts_at=timezone.now() - dt.timedelta(days=3))
    draft = ActivityFactory(community=cast.community, team=team, title="草稿活动", status=ActivityStatus.DRAFT)
    ShiftFactory(activity=draft)
    hidden = TeamFactory(community=cast.community, name="内部队伍", is_public=False)

    listing = client.get(reverse("volunteers:public_team_list")).content.decode()
    assert "妈妈的灶屋间" in listing and "内部队伍" not in listing and "张队长" in listing
    body = client.get(reverse("volunteers:public_team_detail", args=[team.pk])).content.decode()
    assert "队员 3 人" in body and "张队长" in body and "张桂兰" not in body
    assert "低偿 3元/份" in body and "免费" in body
    assert f"/serve/activities/{activity.pk}/" in body and "往期活动" not in body and "草稿活动" not in body
    assert client.get(reverse("volunteers:public_team_detail", args=[hidden.pk])).status_code == 404
    assert client.post(reverse("volunteers:public_team_list")).status_code == 405


def test_public_team_list_queries_do_not_grow(cast, client, team):
    assert_queries_do_not_grow(
        lambda: client.get(reverse("volunteers:public_team_list")),
        lambda: [MembershipFactory(team=TeamFactory(community=cast.community, leader=VolunteerFactory(community=cast.community))) for _ in range(3)],
        ceiling=6,
    )
