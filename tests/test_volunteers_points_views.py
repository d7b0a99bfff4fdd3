"""Points pages: manual adjustment on the volunteer page, and the 积分超市 (/volunteers/rewards/)."""

from django.urls import reverse

from tests.queries import assert_queries_do_not_grow
from tests.volunteer_factories import (
    RedemptionFactory,
    RewardItemFactory,
    VolunteerFactory,
)
from volunteers.models import PointsEntry, PointsKind, RewardItem, Volunteer
from volunteers.services.points import points_change


def _with_points(volunteer, points, user):
    points_change(volunteer=volunteer, delta=points, kind=PointsKind.ADJUST, reason="初始", acting_user=user)
    return volunteer


def test_adjust_from_the_volunteer_page(cast, login):
    volunteer = VolunteerFactory(community=cast.community)
    url = reverse("volunteers:points_adjust", args=[volunteer.pk])
    response = login(cast.secretary).post(url, {"delta": "15", "reason": "补录公益市集服务"})
    assert response.status_code == 302
    entry = PointsEntry.objects.get(volunteer=volunteer)
    assert (entry.kind, entry.delta, entry.reason, entry.actor) == (PointsKind.ADJUST, 15, "补录公益市集服务", cast.secretary)
    page = login(cast.secretary).get(reverse("volunteers:volunteer_detail", args=[volunteer.pk])).content.decode()
    assert "补录公益市集服务" in page and "+15" in page


def test_adjust_below_zero_is_a_form_error(cast, login):
    volunteer = _with_points(VolunteerFactory(community=cast.community), 10, cast.secretary)
    response = login(cast.secretary).post(reverse("volunteers:points_adjust", args=[volunteer.pk]), {"delta": "-20", "reason": "扣减"})
    assert response.status_code == 400
    assert "积分余额不足:当前 10 分,需要 20 分" in response.content.decode()
    assert Volunteer.objects.get(pk=volunteer.pk).points_balance == 10


def test_adjust_rights(cast, client, login):
    volunteer = VolunteerFactory(community=cast.community)
    url = reverse("volunteers:points_adjust", args=[volunteer.pk])
    assert client.post(url, {"delta": "1", "reason": "x"}).status_code == 302  # to the login page
    assert login(cast.worker).post(url, {"delta": "1", "reason": "x"}).status_code == 403
    assert login(cast.other_worker).post(url, {"delta": "1", "reason": "x"}).status_code == 404
    assert login(cast.street_admin).get(url).status_code == 405
    assert login(cast.street_admin).post(url, {"delta": "1", "reason": ""}).status_code == 400
    assert not PointsEntry.objects.exists()


def test_reward_crud_and_redeem(cast, login):
    client = login(cast.worker)
    response = client.post(
        reverse("volunteers:reward_create"), {"community": cast.community.pk, "name": "洗衣液", "points_cost": "20", "stock": "2", "is_active": "on"}
    )
    assert response.status_code == 302
    item = RewardItem.objects.get(name="洗衣液")
    volunteer = _with_points(VolunteerFactory(community=cast.community, mobile="13811110000"), 50, cast.secretary)
    redeem = reverse("volunteers:reward_redeem", args=[item.pk])
    assert client.post(redeem, {"volunteer": "13811110000", "quantity": "2"}).status_code == 302
    item.refresh_from_db()
    volunteer.refresh_from_db()
    assert (item.stock, volunteer.points_balance) == (0, 10)
    refused = client.post(redeem, {"volunteer": volunteer.number, "quantity": "1"})
    assert refused.status_code == 400 and "库存不足:仅剩 0 件" in refused.content.decode()
    client.post(reverse("volunteers:reward_update", args=[item.pk]), {"name": "洗衣液", "points_cost": "20", "stock": "5", "is_active": "on"})
    poor = client.post(redeem, {"volunteer": volunteer.number, "quantity": "1"})
    assert poor.status_code == 400 and "积分余额不足" in poor.content.decode()
    listing = client.get(reverse("volunteers:reward_list")).content.decode()
    assert "兑换记录" in listing and volunteer.name in listing


def test_reward_scope_and_roles(cast, login):
    other = RewardItemFactory(community=cast.other_community)
    mine = RewardItemFactory(community=cast.community)
    assert login(cast.worker).get(reverse("volunteers:reward_redeem", args=[other.pk])).status_code == 404
    assert login(cast.grid_worker).get(reverse("volunteers:reward_redeem", args=[mine.pk])).status_code == 403
    assert login(cast.street_reviewer).get(reverse("volunteers:reward_create")).status_code == 403
    assert other.name not in login(cast.worker).get(reverse("volunteers:reward_list")).content.decode()
    outsider = VolunteerFactory(community=cast.other_community)
    response = login(cast.worker).post(reverse("volunteers:reward_redeem", args=[mine.pk]), {"volunteer": outsider.number, "quantity": 1})
    assert response.status_code == 400  # not a volunteer the worker may see


def test_reward_list_queries_do_not_grow(cast, login):
    client = login(cast.worker)
    RedemptionFactory(item=RewardItemFactory(community=cast.community))
    assert_queries_do_not_grow(
        lambda: client.get(reverse("volunteers:reward_list")),
        lambda: [RedemptionFactory(item=RewardItemFactory(community=cast.community)) for _ in range(3)],
        ceiling=12,
    )
