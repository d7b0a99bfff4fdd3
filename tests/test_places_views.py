"""Walking the grid tree: every place page, for each role, inside and outside the scope."""

import pytest
from django.urls import reverse

from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    HouseholdFactory,
    ResidentFactory,
    StairwellFactory,
)
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db


def place_urls(cast):
    building = cast.building
    return {
        "community": reverse("communities:community_detail", args=[cast.community.pk]),
        "grid": reverse("communities:grid_detail", args=[cast.grid.pk]),
        "compound": reverse("communities:compound_detail", args=[building.compound_id]),
        "building": reverse("communities:building_detail", args=[building.pk]),
        "household": reverse("communities:household_detail", args=[cast.household.pk]),
    }


def outsider_place_urls(cast):
    household = cast.outsider_resident.household
    building = household.stairwell.building
    return {
        "community": reverse("communities:community_detail", args=[cast.other_community.pk]),
        "grid": reverse("communities:grid_detail", args=[building.grid_id]),
        "compound": reverse("communities:compound_detail", args=[building.compound_id]),
        "building": reverse("communities:building_detail", args=[building.pk]),
        "household": reverse("communities:household_detail", args=[household.pk]),
    }


@pytest.mark.parametrize("role", ["street_admin", "street_reviewer", "secretary", "worker", "grid_worker"])
def test_every_role_walks_its_own_tree(cast, login, role):
    client = login(getattr(cast, role))
    for name, url in place_urls(cast).items():
        response = client.get(url)
        assert response.status_code == 200, (name, url)
    household_page = client.get(place_urls(cast)["household"]).content.decode()
    assert "王秀英" in household_page


@pytest.mark.parametrize("role", ["secretary", "worker", "grid_worker"])
def test_community_staff_get_404_for_another_community(cast, login, role):
    client = login(getattr(cast, role))
    for name, url in outsider_place_urls(cast).items():
        assert client.get(url).status_code == 404, name


def test_street_staff_see_every_community(cast, login):
    client = login(cast.street_reviewer)
    for url in outsider_place_urls(cast).values():
        assert client.get(url).status_code == 200


def test_anonymous_is_sent_to_login(cast, client):
    response = client.get(place_urls(cast)["community"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_user_without_role_is_refused(cast, login):
    response = login(cast.no_role).get(place_urls(cast)["community"])
    assert response.status_code == 403


def test_community_list_shows_only_own_community_for_community_staff(cast, login):
    response = login(cast.worker).get(reverse("communities:community_list"))
    # A community worker has one community: the list goes straight to it.
    assert response.status_code == 302
    assert response["Location"] == reverse("communities:community_detail", args=[cast.community.pk])


def test_community_list_for_street(cast, login):
    content = login(cast.street_admin).get(reverse("communities:community_list")).content.decode()
    assert "莲香社区" in content and "淞渔社区" in content


@pytest.mark.parametrize("page", ["community", "grid", "compound", "building", "household"])
def test_place_pages_use_a_fixed_number_of_queries(cast, login, page):
    stairwell = cast.household.stairwell
    client = login(cast.worker)
    url = place_urls(cast)[page]

    def add_rows():
        for _ in range(5):
            building = BuildingFactory(compound=cast.building.compound, grid=cast.grid)
            ResidentFactory(household=HouseholdFactory(stairwell=StairwellFactory(building=building)))
            ResidentFactory(household=HouseholdFactory(stairwell=stairwell))
            ResidentFactory(household=cast.household)

    assert_queries_do_not_grow(lambda: client.get(url), add_rows, ceiling=15)


def test_community_list_uses_a_fixed_number_of_queries(cast, login):
    client = login(cast.street_admin)
    assert_queries_do_not_grow(
        lambda: client.get(reverse("communities:community_list")),
        lambda: [CommunityFactory() for _ in range(5)],
        ceiling=8,
    )
