"""/api/v1/needs/, /api/v1/resources/, /api/v1/menu-items/: scope, writes through the services,
screening, and the errors: 400 field errors, 403 wrong role, 404 out of scope, 409 state."""

from decimal import Decimal

import pytest

from projects.models import (
    MenuItem,
    MenuStatus,
    Need,
    NeedStatus,
    ProjectCategory,
    Resource,
    ResourceKind,
)
from tests.factories import CoBuildingUnitFactory, make_request
from tests.project_factories import (
    ContributionFactory,
    MenuItemFactory,
    NeedFactory,
    ProjectFactory,
    ResourceFactory,
)
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

NEEDS, RESOURCES, MENU = "/api/v1/needs/", "/api/v1/resources/", "/api/v1/menu-items/"


@pytest.fixture
def unit(cast):
    bank = CoBuildingUnitFactory(name="苏州银行零售银行总部党委")
    bank.communities.add(cast.community)
    return bank


@pytest.fixture
def need(cast):
    return NeedFactory(community=cast.community, title="39幢楼道加装扶手")


@pytest.fixture
def foreign_need(cast):
    return NeedFactory(community=cast.other_community)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# Needs


def test_needs_are_scoped_and_filtered_like_the_page(cast, api, need, foreign_need):
    answered = NeedFactory(community=cast.community)
    ProjectFactory(communities=[cast.community]).needs.add(answered)
    assert ids(api(cast.grid_worker).get(NEEDS)) == {need.pk, answered.pk}
    assert ids(api(cast.street_reviewer).get(NEEDS)) == {need.pk, answered.pk, foreign_need.pk}
    assert ids(api(cast.worker).get(NEEDS, {"no_project": "true"})) == {need.pk}
    row = api(cast.worker).get(NEEDS, {"no_project": "false"}).json()["results"][0]
    assert (row["id"], row["has_project"]) == (answered.pk, True)
    assert api(cast.worker).get(f"{NEEDS}{foreign_need.pk}/").status_code == 404
    assert api(None).get(NEEDS).status_code in (401, 403)


def test_need_detail_lists_evidence_without_contact_data(cast, api, need):
    request = make_request(community=cast.community, contact_name="王秀英", contact_mobile="13912345678")
    need.evidence_requests.add(request)
    data = api(cast.grid_worker).get(f"{NEEDS}{need.pk}/").json()
    assert data["evidence_requests"] == [
        {
            "id": request.pk,
            "tracking_code": request.tracking_code,
            "category": request.category.name,
            "status": request.status,
            "status_display": request.get_status_display(),
            "submitted_at": data["evidence_requests"][0]["submitted_at"],
        }
    ]
    assert "13912345678" not in str(data) and "王秀英" not in str(data)


def test_need_create_through_the_service(cast, api):
    response = api(cast.worker).post(
        NEEDS,
        {
            "title": "莲香新村三区停车难",
            "community": cast.community.pk,
            "compound": cast.building.compound.pk,
            "buildings": [cast.building.pk],
            "category": "parking",
            "beneficiaries": "39幢 80户",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    need = Need.objects.get()
    assert (response.json()["id"], need.created_by, need.category) == (need.pk, cast.worker, "parking")


def test_need_create_errors(cast, api, foreign_need):
    # Another community reads as unknown (400), a building outside the compound is a field error.
    response = api(cast.worker).post(NEEDS, {"title": "x", "community": cast.other_community.pk}, format="json")
    assert response.status_code == 400 and "community" in response.json()
    response = api(cast.worker).post(
        NEEDS, {"title": "x", "community": cast.community.pk, "buildings": [cast.building.pk]}, format="json"
    )
    assert response.status_code == 400 and "buildings" in response.json()
    for role in ("grid_worker", "street_reviewer"):
        response = api(getattr(cast, role)).post(NEEDS, {"title": "x", "community": cast.community.pk}, format="json")
        assert response.status_code == 403
    assert not Need.objects.filter(title="x").exists()


def test_need_update_decline_and_met(cast, api, need, foreign_need):
    client = api(cast.secretary)
    response = client.patch(f"{NEEDS}{need.pk}/", {"beneficiaries": "两幢 160户", "community": cast.other_community.pk}, format="json")
    assert response.status_code == 200 and response.json()["beneficiaries"] == "两幢 160户"
    assert response.json()["community"] == cast.community.pk
    assert client.post(f"{NEEDS}{need.pk}/decline/", {}, format="json").status_code == 400
    response = client.post(f"{NEEDS}{need.pk}/decline/", {"reason": "已列入老旧小区改造"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == NeedStatus.DECLINED
    # The state refuses further steps: 409.
    assert client.post(f"{NEEDS}{need.pk}/met/").status_code == 409
    assert client.patch(f"{NEEDS}{need.pk}/", {"title": "x"}, format="json").status_code == 409
    assert client.post(f"{NEEDS}{foreign_need.pk}/decline/", {"reason": "x"}, format="json").status_code == 404
    assert api(cast.grid_worker).patch(f"{NEEDS}{need.pk}/", {"title": "x"}, format="json").status_code == 403


def test_need_suggestions(cast, api, need, unit):
    mine = ResourceFactory(community=cast.community, provider_unit=unit, category="")
    ResourceFactory(community=cast.other_community, provider_unit=unit, category="")
    response = api(cast.worker).get(f"{NEEDS}{need.pk}/suggestions/")
    assert response.status_code == 200 and [row["id"] for row in response.json()] == [mine.pk]


# Resources


def test_resources_are_scoped_with_their_remainder(cast, api, unit):
    money = ResourceFactory(community=cast.community, provider_unit=unit, amount=Decimal("300000"))
    ContributionFactory(project=ProjectFactory(communities=[cast.community]), resource=money, unit=unit, amount=Decimal("100000"))
    street_wide = ResourceFactory(
        provider_unit=None, provider_department="街道城建办", kind=ResourceKind.VOLUNTEERS, amount=None,
        quantity=Decimal("50"), unit="名",
    )
    foreign = ResourceFactory(community=cast.other_community, provider_unit=unit)
    assert ids(api(cast.worker).get(RESOURCES)) == {money.pk, street_wide.pk}
    assert ids(api(cast.street_reviewer).get(RESOURCES)) == {money.pk, street_wide.pk, foreign.pk}
    assert ids(api(cast.worker).get(RESOURCES, {"unused": "true"})) == {street_wide.pk}
    data = api(cast.worker).get(f"{RESOURCES}{money.pk}/").json()
    assert (data["remaining"], data["remaining_amount"], data["allocated_amount"]) == ("200000.00", "200000.00", "100000.00")
    assert api(cast.worker).get(f"{RESOURCES}{street_wide.pk}/").json()["remaining"] == "50.0"
    assert api(cast.worker).get(f"{RESOURCES}{foreign.pk}/").status_code == 404


def test_resource_list_query_count_is_fixed(cast, api, unit):
    ResourceFactory(community=cast.community, provider_unit=unit)
    client = api(cast.worker)

    def more():
        for _ in range(4):
            resource = ResourceFactory(community=cast.community, provider_unit=unit)
            ContributionFactory(project=ProjectFactory(communities=[cast.community]), resource=resource, unit=unit, amount=Decimal("5"))

    assert_queries_do_not_grow(lambda: client.get(RESOURCES), more, ceiling=6)


def test_resource_create_update_withdraw(cast, api, unit):
    client = api(cast.worker)
    response = client.post(
        RESOURCES,
        {"title": "共建资金", "kind": "money", "provider_unit": unit.pk, "community": cast.community.pk, "amount": "50000"},
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["remaining"] == "50000.00"
    ContributionFactory(project=ProjectFactory(communities=[cast.community]), resource_id=pk, unit=unit, amount=Decimal("20000"))
    response = client.patch(f"{RESOURCES}{pk}/", {"amount": "10000"}, format="json")
    assert response.status_code == 400 and "amount" in response.json()
    response = client.patch(f"{RESOURCES}{pk}/", {"title": "银行共建资金"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "银行共建资金"
    assert Resource.objects.get(pk=pk).amount == Decimal("50000")
    assert client.post(f"{RESOURCES}{pk}/withdraw/").json()["withdrawn"] is True
    assert client.post(f"{RESOURCES}{pk}/withdraw/").status_code == 409


def test_resource_write_errors(cast, api, unit):
    street_wide = {"title": "场地", "kind": "venue", "provider_department": "街道党群服务中心"}
    assert api(cast.worker).post(RESOURCES, street_wide, format="json").status_code == 403
    assert api(cast.street_admin).post(RESOURCES, street_wide, format="json").status_code == 201
    response = api(cast.worker).post(RESOURCES, {"title": "资金", "kind": "money", "provider_department": "x", "community": cast.community.pk}, format="json")
    assert response.status_code == 400 and "amount" in response.json()
    response = api(cast.street_reviewer).post(
        RESOURCES, {"title": "x", "kind": "venue", "provider_department": "x", "community": cast.community.pk}, format="json"
    )
    assert response.status_code == 403
    foreign = ResourceFactory(community=cast.other_community, provider_unit=unit)
    assert api(cast.worker).post(f"{RESOURCES}{foreign.pk}/withdraw/").status_code == 404
    mine = ResourceFactory(community=cast.community, provider_unit=unit)
    assert api(cast.grid_worker).post(f"{RESOURCES}{mine.pk}/withdraw/").status_code == 403


# Menu items


def test_menu_item_create_takes_the_first_needs_title(cast, api, need):
    second = NeedFactory(community=cast.community, category=ProjectCategory.SAFETY)
    response = api(cast.worker).post(MENU, {"needs": [need.pk, second.pk], "project_type": "works"}, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["title"], data["status"], data["community"], set(data["needs"])) == (
        "39幢楼道加装扶手", MenuStatus.CANDIDATE, cast.community.pk, {need.pk, second.pk},
    )


def test_menu_item_create_errors(cast, api, need, foreign_need):
    assert api(cast.worker).post(MENU, {"needs": [foreign_need.pk]}, format="json").status_code == 400
    assert api(cast.street_admin).post(MENU, {"needs": [need.pk, foreign_need.pk]}, format="json").status_code == 400
    assert api(cast.grid_worker).post(MENU, {"needs": [need.pk]}, format="json").status_code == 403
    assert not MenuItem.objects.exists()


def test_screen_action(cast, api):
    item = MenuItemFactory(community=cast.community)
    url = f"{MENU}{item.pk}/screen/"
    response = api(cast.worker).post(url, {"need_reasonable": True, "feasible": False}, format="json")
    assert response.status_code == 400 and response.json() == {"note": ["未入选须写明筛选意见。"]}
    response = api(cast.street_reviewer).post(url, {"need_reasonable": True, "feasible": True}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["screened_by"]["id"]) == (MenuStatus.SHORTLISTED, cast.street_reviewer.pk)
    assert api(cast.grid_worker).post(url, {"need_reasonable": True, "feasible": True}, format="json").status_code == 403
    assert api(cast.other_worker).post(url, {"need_reasonable": True, "feasible": True}, format="json").status_code == 404
    MenuItem.objects.filter(pk=item.pk).update(status=MenuStatus.ADOPTED)
    assert api(cast.worker).post(url, {"need_reasonable": True, "feasible": True}, format="json").status_code == 409


def test_menu_items_scope_filters_and_queries(cast, api, need):
    mine = MenuItemFactory(community=cast.community, status=MenuStatus.SHORTLISTED, need_reasonable=True, feasible=True)
    mine.needs.add(need)
    MenuItemFactory(community=cast.other_community)
    assert ids(api(cast.worker).get(MENU)) == {mine.pk}
    assert ids(api(cast.street_admin).get(MENU, {"status": "candidate"})) != {mine.pk}
    assert ids(api(cast.street_admin).get(MENU, {"status": "shortlisted"})) == {mine.pk}
    client = api(cast.street_admin)

    def more():
        for _ in range(4):
            MenuItemFactory(community=cast.community).needs.add(NeedFactory(community=cast.community))

    assert_queries_do_not_grow(lambda: client.get(MENU), more, ceiling=6)


def test_menu_item_update_resets_screening(cast, api, need):
    item = MenuItemFactory(community=cast.community, status=MenuStatus.SHORTLISTED, need_reasonable=True, feasible=True)
    item.needs.add(need)
    response = api(cast.worker).patch(f"{MENU}{item.pk}/", {"estimated_budget": "90000"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["need_reasonable"]) == (MenuStatus.CANDIDATE, None)


def test_schema_documents_the_lists(cast, login):
    text = login(cast.worker).get("/api/schema/").content.decode()
    for path in ("/api/v1/needs/", "/api/v1/needs/{id}/decline/", "/api/v1/resources/{id}/withdraw/",
                 "/api/v1/menu-items/{id}/screen/", "/api/v1/menu-items/{id}/suggestions/"):
        assert path in text
