"""Maintaining co-building units and service positions from the pages."""

import pytest
from django.urls import reverse

from communities.models import CoBuildingUnit, ServicePosition
from tests.factories import CoBuildingUnitFactory, GridFactory, ServicePositionFactory

pytestmark = pytest.mark.django_db


def unit_data(cast, **overrides):
    data = {"name": "苏州银行", "unit_type": "financial", "party_organisation_name": "苏州银行零售银行总部党委",
            "contact_name": "陈经理", "contact_phone": "0512-00000000", "address": "", "joined_on": "2021-03-01",
            "description": "认领百凳项目", "communities": [cast.community.pk]}
    data.update(overrides)
    return data


def position_data(cast, **overrides):
    data = {"name": "莲香海棠先锋民情站", "position_type": "opinion_station", "level": "community",
            "community": cast.community.pk, "grid": "", "address": "莲香新村三区39幢旁",
            "opening_hours": "周一至周六 8:30–17:30", "area_sqm": "30", "phone": "", "services": "收集民意"}
    data.update(overrides)
    return data


def test_worker_adds_a_unit_paired_with_own_community(cast, login):
    response = login(cast.worker).post(reverse("communities:co_building_unit_create"), unit_data(cast))
    unit = CoBuildingUnit.objects.get(name="苏州银行")
    assert response["Location"] == reverse("communities:co_building_unit_detail", args=[unit.pk])
    assert list(unit.communities.all()) == [cast.community]


def test_worker_editing_a_shared_unit_keeps_the_other_communitys_pairing(cast, login):
    unit = CoBuildingUnitFactory(name="同程网络")
    unit.communities.add(cast.community, cast.other_community)
    data = unit_data(cast, name="同程网络", contact_name="新联系人")
    response = login(cast.worker).post(reverse("communities:co_building_unit_update", args=[unit.pk]), data)
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.contact_name == "新联系人"
    assert set(unit.communities.all()) == {cast.community, cast.other_community}


def test_units_of_another_community_cannot_be_edited(cast, login):
    unit = CoBuildingUnitFactory(name="中衡设计")
    unit.communities.add(cast.other_community)
    client = login(cast.worker)
    assert client.get(reverse("communities:co_building_unit_update", args=[unit.pk])).status_code == 404


@pytest.mark.parametrize("role", ["street_reviewer", "grid_worker"])
def test_read_only_roles_cannot_add_units_or_positions(cast, login, role):
    client = login(getattr(cast, role))
    assert client.post(reverse("communities:co_building_unit_create"), unit_data(cast)).status_code == 403
    assert client.post(reverse("communities:service_position_create"), position_data(cast)).status_code == 403
    assert "新增共建单位" not in client.get(reverse("communities:co_building_unit_list")).content.decode()


def test_bad_unit_input_is_explained_and_kept(cast, login):
    CoBuildingUnitFactory(name="苏州银行")
    response = login(cast.street_admin).post(reverse("communities:co_building_unit_create"), unit_data(cast))
    assert response.status_code == 200
    assert "已存在" in response.content.decode()
    assert "苏州银行零售银行总部党委" in response.content.decode()


def test_worker_adds_and_edits_a_community_position(cast, login):
    client = login(cast.worker)
    response = client.post(reverse("communities:service_position_create"), position_data(cast))
    position = ServicePosition.objects.get(name="莲香海棠先锋民情站")
    assert response["Location"] == reverse("communities:service_position_detail", args=[position.pk])
    data = position_data(cast, opening_hours="每天 9:00–20:00")
    client.post(reverse("communities:service_position_update", args=[position.pk]), data)
    position.refresh_from_db()
    assert position.opening_hours == "每天 9:00–20:00"


def test_worker_cannot_make_street_level_or_foreign_positions(cast, login):
    client = login(cast.worker)
    response = client.post(reverse("communities:service_position_create"),
                           position_data(cast, level="street", community=""))
    assert "选择一个有效的选项" in response.content.decode()
    response = client.post(reverse("communities:service_position_create"),
                           position_data(cast, community=cast.other_community.pk))
    assert "选择一个有效的选项" in response.content.decode()
    street = ServicePositionFactory(level="street", community=None, name="街道党群服务中心")
    assert client.get(reverse("communities:service_position_update", args=[street.pk])).status_code == 403
    assert not ServicePosition.objects.filter(name="莲香海棠先锋民情站").exists()


def test_grid_position_needs_a_grid_of_its_community(cast, login):
    other_grid = GridFactory(community=cast.other_community, serial=9)
    client = login(cast.street_admin)
    response = client.post(reverse("communities:service_position_create"),
                           position_data(cast, level="grid", grid=other_grid.pk))
    assert "所选网格不在该社区内" in response.content.decode()
    response = client.post(reverse("communities:service_position_create"), position_data(cast, level="grid"))
    assert "网格级阵地必须指定网格" in response.content.decode()
    response = client.post(reverse("communities:service_position_create"),
                           position_data(cast, level="grid", grid=cast.grid.pk))
    assert response.status_code == 302
