"""Party tree, coverage figures, co-building units, service positions, home page: scope and content."""

import pytest
from django.urls import reverse

from communities import selectors, services
from communities.models import (
    PartyMember,
    PartyOrganisation,
    PartyPosition,
    PartyTier,
    PositionLevel,
    PositionType,
)
from tests.factories import (
    BuildingFactory,
    CoBuildingUnitFactory,
    CompoundFactory,
    ServicePositionFactory,
)
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db


def org(name, level, parent=None, **coverage):
    communities = coverage.pop("covered_communities", None)
    organisation = PartyOrganisation(name=name, tier=PartyTier.objects.get(level=level), parent=parent, **coverage)
    return services.party_organisation_save(organisation=organisation, covered_communities=communities)


@pytest.fixture
def party(cast):
    street_committee = org("斜塘街道大工委", 1, street=cast.community.street)
    neighbourhood = org("莲香邻里大党委", 2, street_committee, covered_communities=[cast.community, cast.other_community])
    lianxiang = org("中共莲香社区委员会", 3, neighbourhood, covered_communities=[cast.community])
    songyu = org("中共淞渔社区总支部委员会", 3, neighbourhood, covered_communities=[cast.other_community])
    branch = org("莲香新村三区党支部", 4, lianxiang, compound=cast.building.compound)
    group = org("39幢楼道党小组", 5, branch, building=cast.building)
    member = PartyMember.objects.create(resident=cast.resident, organisation=group, status="retired", haitang_vanguard=True)
    PartyPosition.objects.create(organisation=group, member=member, title="group_leader")
    return {"street": street_committee, "lianxiang": lianxiang, "songyu": songyu, "branch": branch, "group": group}


def test_denormalised_community_follows_coverage(party, cast):
    assert party["street"].community_id is None
    assert party["lianxiang"].community_id == cast.community.pk
    assert party["branch"].community_id == cast.community.pk
    assert party["group"].community_id == cast.community.pk


def test_coverage_figures_are_computed_from_data(party, cast):
    # 莲香 has one compound (with a branch) and two buildings (39幢 covered by a group).
    coverage = selectors.party_coverage(user=cast.street_admin, community=cast.community)
    assert (coverage.compounds, coverage.compounds_with_branch) == (1, 1)
    assert coverage.branch_rate == 1.0
    assert (coverage.stairwell_groups, coverage.buildings, coverage.buildings_covered) == (1, 2, 1)
    street = selectors.party_coverage(user=cast.street_admin)
    assert (street.compounds, street.compounds_with_branch) == (2, 1)
    CompoundFactory(community=cast.community)
    assert selectors.party_coverage(user=cast.worker).branch_rate == 0.5


def test_stairwell_level_group_covers_its_building(party, cast):
    building = BuildingFactory(compound=cast.building.compound, grid=cast.grid)
    stairwell = building.stairwells.create(number="1单元")
    org("新楼道党小组", 5, party["branch"], stairwell=stairwell)
    coverage = selectors.party_coverage(user=cast.worker)
    assert (coverage.stairwell_groups, coverage.buildings_covered) == (2, 2)


def test_party_tree_page_scopes_community_organisations(party, cast, login):
    content = login(cast.worker).get(reverse("communities:party_tree")).content.decode()
    assert "中共莲香社区委员会" in content and "39幢楼道党小组" in content
    assert "斜塘街道大工委" in content  # upper tiers are shared by every community
    assert "中共淞渔社区总支部委员会" not in content
    content = login(cast.street_reviewer).get(reverse("communities:party_tree")).content.decode()
    assert "中共淞渔社区总支部委员会" in content


def test_party_tree_query_count_is_fixed(party, cast, login):
    client = login(cast.street_admin)

    def add_rows():
        for index in range(10):
            org(f"新增党小组{index}", 5, party["branch"], building=cast.building)

    assert_queries_do_not_grow(lambda: client.get(reverse("communities:party_tree")), add_rows, ceiling=20)
    assert "新增党小组9" in client.get(reverse("communities:party_tree")).content.decode()


def test_organisation_detail_shows_positions_and_members(party, cast, login):
    client = login(cast.worker)
    content = client.get(reverse("communities:party_organisation_detail", args=[party["group"].pk])).content.decode()
    assert "组长:王秀英" in content
    assert "退休党员" in content
    assert client.get(reverse("communities:party_organisation_detail", args=[party["songyu"].pk])).status_code == 404


def test_resident_page_shows_party_profile(party, cast, login):
    content = login(cast.worker).get(reverse("communities:resident_detail", args=[cast.resident.pk])).content.decode()
    assert "退休党员" in content and "39幢楼道党小组" in content and "海棠先锋" in content


def test_co_building_units_are_scoped_by_linked_community(cast, login):
    bank = CoBuildingUnitFactory(name="苏州银行")
    bank.communities.add(cast.community, cast.other_community)
    design = CoBuildingUnitFactory(name="中衡设计")
    design.communities.add(cast.other_community)
    client = login(cast.worker)
    content = client.get(reverse("communities:co_building_unit_list")).content.decode()
    assert "苏州银行" in content and "中衡设计" not in content
    assert client.get(reverse("communities:co_building_unit_detail", args=[design.pk])).status_code == 404
    assert client.get(reverse("communities:co_building_unit_detail", args=[bank.pk])).status_code == 200
    assert "中衡设计" in login(cast.street_reviewer).get(reverse("communities:co_building_unit_list")).content.decode()


def test_service_positions_street_level_shared_community_level_scoped(cast, login):
    centre = ServicePositionFactory(name="斜塘街道党群服务中心", level=PositionLevel.STREET, community=None,
                                    position_type=PositionType.SERVICE_CENTRE)
    own = ServicePositionFactory(name="莲香海棠先锋民情站", community=cast.community)
    other = ServicePositionFactory(name="淞渔幸福驿站", community=cast.other_community)
    client = login(cast.grid_worker)
    content = client.get(reverse("communities:service_position_list")).content.decode()
    assert centre.name in content and own.name in content and other.name not in content
    assert client.get(reverse("communities:service_position_detail", args=[other.pk])).status_code == 404
    filtered = client.get(reverse("communities:service_position_list"), {"level": "street"}).content.decode()
    assert centre.name in filtered and own.name not in filtered


def test_home_counts_only_the_users_scope(party, cast, login):
    response = login(cast.worker).get(reverse("home"))
    overview = response.context["overview"]
    assert overview["communities"] == 1
    assert overview["residents"] == 2
    assert overview["party_members"] == 1
    assert login(cast.street_admin).get(reverse("home")).context["overview"]["residents"] == 3


def test_home_shows_residents_their_services_and_no_staff_figures(client, cast):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("requests:submit") in body and reverse("requests:track") in body and reverse("login") in body
    assert "overview" not in response.context


def test_home_refuses_a_logged_in_user_without_a_role(cast, login):
    assert login(cast.no_role).get(reverse("home")).status_code == 403


def test_directory_lists_use_a_fixed_number_of_queries(cast, login):
    client = login(cast.worker)
    # One row of each first, so the baseline already includes the prefetch queries.
    CoBuildingUnitFactory().communities.add(cast.community)
    ServicePositionFactory(community=cast.community)

    def add_units():
        for _ in range(5):
            CoBuildingUnitFactory().communities.add(cast.community, cast.other_community)

    assert_queries_do_not_grow(
        lambda: client.get(reverse("communities:co_building_unit_list")), add_units, ceiling=10
    )
    assert_queries_do_not_grow(
        lambda: client.get(reverse("communities:service_position_list")),
        lambda: [ServicePositionFactory(community=cast.community) for _ in range(5)],
        ceiling=10,
    )
