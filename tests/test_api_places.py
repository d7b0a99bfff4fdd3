"""Every /api/v1/ list and detail endpoint: scope both ways, roles, methods and query counts.

Each endpoint names one row inside 莲香 (cast.community) and one inside 淞渔
(cast.other_community). Community staff of 莲香 list the first and get 404 for
the second; 淞渔 staff the other way round; street staff see both.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from communities.models import (
    CoBuildingUnit,
    PartyMember,
    PartyMemberStatus,
    PartyOrganisation,
    PartyTier,
    PositionLevel,
    ResidentTag,
    ServicePosition,
)
from communities.services import party_organisation_save
from tests.conftest import Cast
from tests.factories import (
    BuildingFactory,
    CoBuildingUnitFactory,
    CommunityFactory,
    CompoundFactory,
    GridFactory,
    HouseholdFactory,
    ResidentFactory,
    ServicePositionFactory,
    StairwellFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
COMMUNITY_STAFF = ["secretary", "worker", "grid_worker"]




@dataclass
class World:
    cast: Cast
    home_party: PartyOrganisation
    other_party: PartyOrganisation
    home_member: PartyMember
    other_member: PartyMember
    home_unit: CoBuildingUnit
    other_unit: CoBuildingUnit
    home_position: ServicePosition
    other_position: ServicePosition
    street_position: ServicePosition


def tier(level: int) -> PartyTier:
    return PartyTier.objects.get(level=level)


def organisation(**fields) -> PartyOrganisation:
    covered = fields.pop("covered_communities", None)
    return party_organisation_save(organisation=PartyOrganisation(**fields), covered_communities=covered)


@pytest.fixture
def world(cast) -> World:
    street = cast.community.street
    working_committee = organisation(tier=tier(1), name="斜塘街道大工委", street=street)
    neighbourhood = organisation(
        tier=tier(2),
        parent=working_committee,
        name="莲香淞渔邻里大党委",
        covered_communities=[cast.community, cast.other_community],
    )
    home_party = organisation(
        tier=tier(3), parent=neighbourhood, name="莲香社区党委", covered_communities=[cast.community]
    )
    other_party = organisation(
        tier=tier(3), parent=neighbourhood, name="淞渔社区党委", covered_communities=[cast.other_community]
    )
    home_unit = CoBuildingUnitFactory(name="园区一院")
    home_unit.communities.set([cast.community])
    other_unit = CoBuildingUnitFactory(name="淞渔银行")
    other_unit.communities.set([cast.other_community])
    return World(
        cast=cast,
        home_party=home_party,
        other_party=other_party,
        home_member=PartyMember.objects.create(
            resident=cast.resident, organisation=home_party, status=PartyMemberStatus.RETIRED
        ),
        other_member=PartyMember.objects.create(
            resident=cast.outsider_resident, organisation=other_party, status=PartyMemberStatus.EMPLOYED
        ),
        home_unit=home_unit,
        other_unit=other_unit,
        home_position=ServicePositionFactory(community=cast.community, name="莲香民情站"),
        other_position=ServicePositionFactory(community=cast.other_community, name="淞渔民情站"),
        street_position=ServicePositionFactory(
            community=None, level=PositionLevel.STREET, name="斜塘党群服务中心"
        ),
    )


# More rows for the query-count tests: each adds rows whose related objects differ,
# so an N+1 in the serialiser shows up as extra queries.


def more_communities(world: World) -> None:
    CommunityFactory.create_batch(3)


def more_grids(world: World) -> None:
    for _ in range(3):
        community = world.cast.community
        grid = GridFactory(community=community, leader=UserFactory(community=community))
        grid.workers.add(UserFactory(community=community), UserFactory(community=community))


def more_compounds(world: World) -> None:
    CompoundFactory.create_batch(3, community=world.cast.community)


def more_buildings(world: World) -> None:
    for _ in range(3):
        BuildingFactory(compound=CompoundFactory(community=world.cast.community), leader=world.cast.resident)


def more_stairwells(world: World) -> None:
    for _ in range(3):
        StairwellFactory(building=BuildingFactory(compound=CompoundFactory(community=world.cast.community)))


def more_households(world: World) -> None:
    for _ in range(3):
        building = BuildingFactory(compound=CompoundFactory(community=world.cast.community))
        HouseholdFactory(stairwell=StairwellFactory(building=building))


def more_party_organisations(world: World) -> None:
    cast = world.cast
    for _ in range(3):
        compound = CompoundFactory(community=cast.community)
        branch = organisation(tier=tier(4), parent=world.home_party, name=f"{compound.name}党支部", compound=compound)
        building = BuildingFactory(compound=compound)
        organisation(tier=tier(5), parent=branch, name=f"{building}党小组", building=building)
        stairwell = StairwellFactory(building=building)
        organisation(tier=tier(5), parent=branch, name=f"{stairwell}党小组", stairwell=stairwell)
        PartyMember.objects.create(
            resident=ResidentFactory(household=cast.household), organisation=branch, status=PartyMemberStatus.RETIRED
        )
    organisation(tier=tier(3), name="新社区党委", covered_communities=[CommunityFactory()])


def more_party_members(world: World) -> None:
    for _ in range(3):
        resident = ResidentFactory(household=HouseholdFactory(stairwell=world.cast.household.stairwell))
        PartyMember.objects.create(resident=resident, organisation=world.home_party, status=PartyMemberStatus.RETIRED)


def more_co_building_units(world: World) -> None:
    for _ in range(3):
        CoBuildingUnitFactory().communities.set([world.cast.community, CommunityFactory()])


def more_service_positions(world: World) -> None:
    for _ in range(3):
        grid = GridFactory(community=world.cast.community)
        ServicePositionFactory(community=grid.community, grid=grid, level=PositionLevel.GRID)


def more_residents(world: World) -> None:
    tags = list(ResidentTag.objects.all()[:2])
    for _ in range(3):
        ResidentFactory(household=HouseholdFactory(stairwell=world.cast.household.stairwell)).tags.set(tags)
        ResidentFactory(household=None, community=world.cast.community, address="斜塘老街1号")


@dataclass(frozen=True)
class Endpoint:
    path: str
    inside: Callable[[World], Model]
    outside: Callable[[World], Model]
    more: Callable[[World], None]


def outsider_household(world: World):
    return world.cast.outsider_resident.household


ENDPOINTS = {
    "communities": Endpoint(
        "communities", lambda w: w.cast.community, lambda w: w.cast.other_community, more_communities
    ),
    "grids": Endpoint(
        "grids", lambda w: w.cast.grid, lambda w: outsider_household(w).stairwell.building.grid, more_grids
    ),
    "compounds": Endpoint(
        "compounds",
        lambda w: w.cast.building.compound,
        lambda w: outsider_household(w).stairwell.building.compound,
        more_compounds,
    ),
    "buildings": Endpoint(
        "buildings", lambda w: w.cast.building, lambda w: outsider_household(w).stairwell.building, more_buildings
    ),
    "stairwells": Endpoint(
        "stairwells", lambda w: w.cast.household.stairwell, lambda w: outsider_household(w).stairwell, more_stairwells
    ),
    "households": Endpoint("households", lambda w: w.cast.household, outsider_household, more_households),
    "party-organisations": Endpoint(
        "party-organisations", lambda w: w.home_party, lambda w: w.other_party, more_party_organisations
    ),
    "party-members": Endpoint(
        "party-members", lambda w: w.home_member, lambda w: w.other_member, more_party_members
    ),
    "co-building-units": Endpoint(
        "co-building-units", lambda w: w.home_unit, lambda w: w.other_unit, more_co_building_units
    ),
    "service-positions": Endpoint(
        "service-positions", lambda w: w.home_position, lambda w: w.other_position, more_service_positions
    ),
    "residents": Endpoint(
        "residents", lambda w: w.cast.resident, lambda w: w.cast.outsider_resident, more_residents
    ),
}
SCOPED = pytest.mark.parametrize("name", list(ENDPOINTS))


def list_url(path: str) -> str:
    return f"{API}/{path}/"


def detail_url(path: str, pk: int) -> str:
    return f"{API}/{path}/{pk}/"


def listed_ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row["id"] for row in rows}


@SCOPED
@pytest.mark.parametrize("role", COMMUNITY_STAFF)
def test_community_staff_list_only_their_community(world, api, name, role):
    endpoint = ENDPOINTS[name]
    ids = listed_ids(api(getattr(world.cast, role)).get(list_url(endpoint.path)))
    assert endpoint.inside(world).pk in ids
    assert endpoint.outside(world).pk not in ids


@SCOPED
def test_the_other_community_sees_the_other_way_round(world, api, name):
    endpoint = ENDPOINTS[name]
    ids = listed_ids(api(world.cast.other_worker).get(list_url(endpoint.path)))
    assert endpoint.outside(world).pk in ids
    assert endpoint.inside(world).pk not in ids


@SCOPED
@pytest.mark.parametrize("role", ["street_admin", "street_reviewer"])
def test_street_staff_list_every_community(world, api, name, role):
    endpoint = ENDPOINTS[name]
    ids = listed_ids(api(getattr(world.cast, role)).get(list_url(endpoint.path)))
    assert {endpoint.inside(world).pk, endpoint.outside(world).pk} <= ids


@SCOPED
@pytest.mark.parametrize("role", COMMUNITY_STAFF)
def test_retrieve_inside_scope_and_404_outside(world, api, name, role):
    endpoint = ENDPOINTS[name]
    client = api(getattr(world.cast, role))
    inside = client.get(detail_url(endpoint.path, endpoint.inside(world).pk))
    assert inside.status_code == 200
    assert inside.json()["id"] == endpoint.inside(world).pk
    assert client.get(detail_url(endpoint.path, endpoint.outside(world).pk)).status_code == 404


@SCOPED
def test_street_staff_retrieve_any_community(world, api, name):
    endpoint = ENDPOINTS[name]
    response = api(world.cast.street_reviewer).get(detail_url(endpoint.path, endpoint.outside(world).pk))
    assert response.status_code == 200


@SCOPED
def test_anonymous_is_refused(world, api, name):
    endpoint = ENDPOINTS[name]
    assert api().get(list_url(endpoint.path)).status_code in (401, 403)
    assert api().get(detail_url(endpoint.path, endpoint.inside(world).pk)).status_code in (401, 403)


@SCOPED
def test_user_without_role_is_refused(world, api, name):
    endpoint = ENDPOINTS[name]
    client = api(world.cast.no_role)
    assert client.get(list_url(endpoint.path)).status_code == 403
    assert client.get(detail_url(endpoint.path, endpoint.inside(world).pk)).status_code == 403


@pytest.mark.parametrize("name", [name for name in ENDPOINTS if name != "residents"])
def test_read_only_endpoints_refuse_writes(world, api, name):
    endpoint = ENDPOINTS[name]
    client = api(world.cast.street_admin)
    assert client.post(list_url(endpoint.path), {}, format="json").status_code == 405
    detail = detail_url(endpoint.path, endpoint.inside(world).pk)
    assert client.patch(detail, {}, format="json").status_code == 405
    assert client.delete(detail).status_code == 405


@SCOPED
@pytest.mark.parametrize("role", ["street_admin", "worker"])
def test_list_query_count_is_fixed(world, api, name, role, django_assert_max_num_queries):
    endpoint = ENDPOINTS[name]
    client = api(getattr(world.cast, role))
    url = list_url(endpoint.path)
    with CaptureQueriesContext(connection) as baseline:
        before = listed_ids(client.get(url))
    endpoint.more(world)
    with django_assert_max_num_queries(len(baseline)):
        after = listed_ids(client.get(url))
    if role == "street_admin" or name != "communities":
        assert len(after) > len(before)


# Party tiers: reference data, the same for everyone.


def test_party_tiers_are_listed_for_every_staff_role(world, api):
    for role in ["street_reviewer", "grid_worker"]:
        response = api(getattr(world.cast, role)).get(list_url("party-tiers"))
        assert response.status_code == 200
        assert [row["level"] for row in response.json()] == [1, 2, 3, 4, 5]
    tier_pk = tier(2).pk
    assert api(world.cast.worker).get(detail_url("party-tiers", tier_pk)).json()["name"] == "邻里大党委"


def test_party_tiers_refuse_anonymous_and_no_role(world, api):
    assert api().get(list_url("party-tiers")).status_code in (401, 403)
    assert api(world.cast.no_role).get(list_url("party-tiers")).status_code == 403


# Filters


def test_place_filters_narrow_the_tree(world, api):
    cast = world.cast
    client = api(cast.street_admin)
    other_building = outsider_household(world).stairwell.building
    assert listed_ids(client.get(list_url("grids"), {"community": cast.community.pk})) == {
        cast.grid.pk,
        cast.other_grid.pk,
    }
    assert listed_ids(client.get(list_url("compounds"), {"community": cast.other_community.pk})) == {
        other_building.compound_id
    }
    assert listed_ids(
        client.get(list_url("buildings"), {"compound": cast.building.compound_id, "grid": cast.grid.pk})
    ) == {cast.building.pk}
    assert listed_ids(client.get(list_url("stairwells"), {"building": cast.building.pk})) == {
        cast.household.stairwell_id
    }
    assert listed_ids(client.get(list_url("households"), {"stairwell": cast.household.stairwell_id})) == {
        cast.household.pk
    }


def test_filtering_by_an_out_of_scope_parent_finds_nothing(world, api):
    response = api(world.cast.worker).get(list_url("compounds"), {"community": world.cast.other_community.pk})
    assert listed_ids(response) == set()


def test_party_organisation_shows_tier_parent_place_and_member_count(world, api):
    cast = world.cast
    compound = cast.building.compound
    branch = organisation(tier=tier(4), parent=world.home_party, name="三区党支部", compound=compound)
    PartyMember.objects.create(
        resident=cast.resident_other_grid, organisation=branch, status=PartyMemberStatus.EMPLOYED
    )
    client = api(cast.worker)
    row = client.get(detail_url("party-organisations", branch.pk)).json()
    assert row["tier"] == {"id": tier(4).pk, "level": 4, "name": "小区党支部"}
    assert row["parent"] == world.home_party.pk
    assert row["covered_place"] == compound.name
    assert row["community"] == cast.community.pk
    assert row["member_count"] == 1
    home = client.get(detail_url("party-organisations", world.home_party.pk)).json()
    assert home["covered_place"] == "莲香社区"
    assert home["member_count"] == 1
    assert listed_ids(client.get(list_url("party-organisations"), {"tier": 4})) == {branch.pk}


def test_street_level_organisations_are_visible_to_community_staff(world, api):
    ids = listed_ids(api(world.cast.worker).get(list_url("party-organisations")))
    assert world.home_party.parent_id in ids  # the 邻里大党委 spans both communities
    assert world.home_party.parent.parent_id in ids


def test_street_positions_are_visible_to_every_community(world, api):
    for role in ["worker", "other_worker"]:
        ids = listed_ids(api(getattr(world.cast, role)).get(list_url("service-positions")))
        assert world.street_position.pk in ids


def test_service_positions_use_the_page_filter(world, api):
    client = api(world.cast.worker)
    assert listed_ids(client.get(list_url("service-positions"), {"level": "street"})) == {world.street_position.pk}
    assert listed_ids(client.get(list_url("service-positions"), {"q": "莲香"})) == {world.home_position.pk}


def test_co_building_units_use_the_page_filter(world, api):
    client = api(world.cast.street_admin)
    assert listed_ids(client.get(list_url("co-building-units"), {"q": "银行"})) == {world.other_unit.pk}
    assert listed_ids(client.get(list_url("co-building-units"), {"unit_type": "school"})) == set()
    response = client.get(list_url("co-building-units"), {"unit_type": "nonsense"})
    assert response.status_code == 400


def test_grid_shows_code_leader_and_workers(world, api):
    cast = world.cast
    row = api(cast.worker).get(detail_url("grids", cast.grid.pk)).json()
    assert row["code"] == "32057100600101"
    assert row["workers"] == [{"id": cast.grid_worker.pk, "name": "gridworker"}]
    assert row["leader"] is None


def test_party_member_rows_name_the_resident_without_personal_numbers(world, api):
    response = api(world.cast.worker).get(detail_url("party-members", world.home_member.pk))
    assert response.json()["resident_name"] == "王秀英"
    assert world.cast.resident.id_number not in response.content.decode()
