"""Services for teams, volunteers and their records (volunteers/services/teams.py)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditAction, AuditLog
from communities.validators import build_id_number
from tests.factories import CoBuildingUnitFactory
from tests.volunteer_factories import (
    MembershipFactory,
    TeamFactory,
    TeamServiceFactory,
    VolunteerFactory,
)
from volunteers.models import (
    MemberRole,
    PriceType,
    Team,
    TeamType,
    Volunteer,
    VolunteerKind,
)
from volunteers.services import teams as services


def test_register_links_a_resident_and_takes_their_basics(cast):
    volunteer = services.volunteer_register(acting_user=cast.worker, community=cast.community, resident=cast.resident)
    assert volunteer.name == "王秀英"
    assert volunteer.mobile == cast.resident.mobile
    assert volunteer.id_number == cast.resident.id_number
    assert volunteer.number == f"XT{volunteer.registered_on.year}{volunteer.pk:06d}"
    audit = AuditLog.objects.get(object_type="volunteers.volunteer", object_id=str(volunteer.pk))
    assert audit.action == AuditAction.CREATE
    assert audit.changes["证件号码"] == ["", "***"]


def test_register_refuses_a_taken_mobile_and_an_outside_resident(cast):
    VolunteerFactory(community=cast.other_community, mobile="13800001111", number="XT2026000001")
    with pytest.raises(ValidationError) as error:
        services.volunteer_register(acting_user=cast.worker, community=cast.community, name="李四", mobile="13800001111")
    assert "XT2026000001" in error.value.message_dict["mobile"][0]
    with pytest.raises(ValidationError) as error:
        services.volunteer_register(acting_user=cast.worker, community=cast.community, resident=cast.outsider_resident)
    assert "resident" in error.value.message_dict


def test_register_outside_people_need_their_unit_or_school(cast):
    with pytest.raises(ValidationError) as error:
        services.volunteer_register(
            acting_user=cast.worker, community=cast.community, name="学生甲", mobile="13800002222", kind=VolunteerKind.STUDENT
        )
    assert "affiliation" in error.value.message_dict
    unit = CoBuildingUnitFactory(name="苏州银行")
    staff = services.volunteer_register(
        acting_user=cast.worker,
        community=cast.community,
        name="职工乙",
        mobile="13800003333",
        kind=VolunteerKind.UNIT_STAFF,
        co_building_unit=unit,
    )
    assert staff.affiliation == "苏州银行"


def test_register_checks_the_id_number(cast):
    with pytest.raises(ValidationError) as error:
        services.volunteer_register(
            acting_user=cast.worker, community=cast.community, name="甲", mobile="13800004444", id_number="320571195003150000"
        )
    assert "id_number" in error.value.message_dict


def test_register_is_refused_to_readers_and_outsiders(cast):
    for user in (cast.grid_worker, cast.street_reviewer, cast.other_worker):
        with pytest.raises(PermissionDenied):
            services.volunteer_register(acting_user=user, community=cast.community, name="甲", mobile="13800005555")


def test_find_or_create_by_mobile_returns_the_same_person_street_wide(cast):
    first = services.volunteer_find_or_create_by_mobile(community=cast.community, name="张三", mobile="13800006666")
    again = services.volunteer_find_or_create_by_mobile(community=cast.other_community, name="张叁", mobile="13800006666")
    assert again.pk == first.pk
    assert again.community == cast.community and again.name == "张三"
    assert Volunteer.objects.filter(mobile="13800006666").count() == 1
    assert first.number.startswith("XT")


def test_update_keeps_the_id_number_when_left_blank_and_audits(cast):
    id_number = build_id_number(region="320571", birth=dt.date(1980, 1, 2), serial=7, gender="male")
    volunteer = VolunteerFactory(community=cast.community, id_number=id_number)
    services.volunteer_update(acting_user=cast.worker, volunteer=volunteer, id_number="", skills="理发")
    volunteer.refresh_from_db()
    assert volunteer.id_number == id_number and volunteer.skills == "理发"
    assert AuditLog.objects.filter(action=AuditAction.UPDATE, object_id=str(volunteer.pk)).count() == 1


def test_reveal_is_audited_and_refused_to_workers(cast):
    volunteer = VolunteerFactory(community=cast.community, id_number="320571198001020071")
    assert services.volunteer_reveal_id_number(acting_user=cast.secretary, volunteer=volunteer) == "320571198001020071"
    assert AuditLog.objects.filter(action=AuditAction.REVEAL_ID, object_id=str(volunteer.pk)).count() == 1
    with pytest.raises(PermissionDenied):
        services.volunteer_reveal_id_number(acting_user=cast.worker, volunteer=volunteer)


def test_team_create_street_wide_only_by_street_admin(cast):
    with pytest.raises(PermissionDenied):
        services.team_create(acting_user=cast.secretary, community=None, name="大学生志愿队", team_type=TeamType.STUDENT)
    team = services.team_create(acting_user=cast.street_admin, community=None, name="大学生志愿队", team_type=TeamType.STUDENT)
    assert team.street == cast.community.street
    with pytest.raises(ValidationError):
        services.team_create(acting_user=cast.street_admin, community=None, name="大学生志愿队", team_type=TeamType.STUDENT)


def test_team_name_is_unique_in_a_community(cast):
    services.team_create(acting_user=cast.worker, community=cast.community, name="妈妈的灶屋间", team_type=TeamType.RESIDENT_SERVICE)
    with pytest.raises(ValidationError):
        services.team_create(
            acting_user=cast.worker, community=cast.community, name="妈妈的灶屋间", team_type=TeamType.RESIDENT_SERVICE
        )


def test_leader_is_kept_in_sync(cast):
    team = TeamFactory(community=cast.community)
    a, b = VolunteerFactory(community=cast.community), VolunteerFactory(community=cast.community)
    first = services.membership_add(acting_user=cast.worker, team=team, volunteer=a, role=MemberRole.LEADER)
    team.refresh_from_db()
    assert team.leader == a
    second = services.membership_add(acting_user=cast.worker, team=team, volunteer=b)
    services.membership_set_role(acting_user=cast.worker, membership=second, role=MemberRole.LEADER)
    team.refresh_from_db()
    first.refresh_from_db()
    assert team.leader == b and first.role == MemberRole.MEMBER
    services.membership_remove(acting_user=cast.worker, membership=second)
    team.refresh_from_db()
    assert team.leader is None
    with pytest.raises(ValidationError):
        services.membership_add(acting_user=cast.worker, team=team, volunteer=a)
    # Someone who left may come back.
    back = services.membership_add(acting_user=cast.worker, team=team, volunteer=b, role=MemberRole.DEPUTY)
    assert back.pk == second.pk and back.left_on is None


def test_members_of_another_communitys_team_cannot_be_changed(cast):
    membership = MembershipFactory(team=TeamFactory(community=cast.other_community))
    with pytest.raises(PermissionDenied):
        services.membership_remove(acting_user=cast.worker, membership=membership)
    assert Team.objects.get(pk=membership.team_id).memberships.filter(left_on__isnull=True).count() == 1


def test_team_service_price_rules(cast):
    team = TeamFactory(community=cast.community, team_type=TeamType.RESIDENT_SERVICE)
    with pytest.raises(ValidationError) as error:
        services.team_service_create(
            acting_user=cast.worker, team=team, title="早餐", beneficiaries="快递小哥", schedule="每周二", price_type=PriceType.LOW
        )
    assert "price" in error.value.message_dict
    free = services.team_service_create(
        acting_user=cast.worker, team=team, title="早餐", beneficiaries="快递小哥", schedule="每周二", price=3
    )
    assert free.price is None


def test_delivery_cannot_be_in_the_future(cast):
    service = TeamServiceFactory(team=TeamFactory(community=cast.community))
    with pytest.raises(ValidationError):
        services.service_delivery_add(
            acting_user=cast.worker, service=service, delivered_on=dt.date.today() + dt.timedelta(days=2), quantity=1, people_served=1
        )
    delivery = services.service_delivery_add(
        acting_user=cast.worker, service=service, delivered_on=dt.date.today(), quantity=40, people_served=38
    )
    assert delivery.recorded_by == cast.worker
