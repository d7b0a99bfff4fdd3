"""/api/v1/contributions/: scoped list with filters, create and remove through the services."""

from decimal import Decimal

import pytest

from projects.models import (
    Contribution,
    FundingSource,
    ProjectAction,
    ProjectEvent,
    ProjectStatus,
)
from projects.services import work as services
from tests.factories import CoBuildingUnitFactory
from tests.project_factories import ProjectFactory, ResourceFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/contributions/"


def detail(contribution) -> str:
    return f"{LIST}{contribution.pk}/"


@pytest.fixture
def setup(cast):
    bank = CoBuildingUnitFactory(name="苏州银行零售银行总部党委")
    bank.communities.set([cast.community, cast.other_community])
    lianxiang = ProjectFactory(communities=[cast.community], status=ProjectStatus.FUNDING, title="莲香停车")
    songyu = ProjectFactory(communities=[cast.other_community], status=ProjectStatus.IMPLEMENTING, title="百凳为百姓")
    rows = {
        "lx_bank": services.contribution_add(
            acting_user=cast.street_admin,
            project=lianxiang,
            source=FundingSource.UNIT,
            unit=bank,
            amount=Decimal("80000"),
        ),
        "lx_street": services.contribution_add(
            acting_user=cast.street_admin, project=lianxiang, source=FundingSource.STREET, amount=Decimal("20000")
        ),
        "sy_bank": services.contribution_add(
            acting_user=cast.street_admin,
            project=songyu,
            source=FundingSource.UNIT,
            unit=bank,
            amount=Decimal("150000"),
        ),
    }
    return {"bank": bank, "lianxiang": lianxiang, "songyu": songyu, **rows}


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_list_is_scoped_through_the_projects_communities(cast, api, setup):
    assert ids(api(cast.worker).get(LIST)) == {setup["lx_bank"].pk, setup["lx_street"].pk}
    assert ids(api(cast.other_worker).get(LIST)) == {setup["sy_bank"].pk}
    assert ids(api(cast.street_reviewer).get(LIST)) == {setup["lx_bank"].pk, setup["lx_street"].pk, setup["sy_bank"].pk}


def test_list_filters_by_project_unit_and_source(cast, api, setup):
    client = api(cast.street_admin)
    assert ids(client.get(LIST, {"project": setup["songyu"].pk})) == {setup["sy_bank"].pk}
    assert ids(client.get(LIST, {"unit": setup["bank"].pk})) == {setup["lx_bank"].pk, setup["sy_bank"].pk}
    assert ids(client.get(LIST, {"source": "street"})) == {setup["lx_street"].pk}
    # A project out of the user's scope is not a valid filter value.
    assert api(cast.worker).get(LIST, {"project": setup["songyu"].pk}).status_code == 400


def test_detail_shows_names_and_out_of_scope_is_404(cast, api, setup):
    response = api(cast.worker).get(detail(setup["lx_bank"]))
    assert response.status_code == 200
    body = response.json()
    assert body["contributor_name"] == "苏州银行零售银行总部党委"
    assert body["project_title"] == "莲香停车"
    assert body["amount"] == "80000.00"
    assert body["source_label"] == "共建单位认领"
    assert api(cast.worker).get(detail(setup["sy_bank"])).status_code == 404


def test_create_goes_through_the_service(cast, api, setup):
    response = api(cast.worker).post(
        LIST,
        {"project": setup["lianxiang"].pk, "source": "unit", "unit": setup["bank"].pk, "in_kind": "员工志愿者 20 名"},
        format="json",
    )
    assert response.status_code == 201, response.content
    created = Contribution.objects.get(pk=response.json()["id"])
    assert (created.created_by, created.in_kind, created.amount) == (cast.worker, "员工志愿者 20 名", 0)
    assert ProjectEvent.objects.filter(
        project=setup["lianxiang"], action=ProjectAction.CONTRIBUTE, actor=cast.worker
    ).exists()


def test_create_before_approval_is_409(cast, api):
    project = ProjectFactory(communities=[cast.community], status=ProjectStatus.DELIBERATING)
    response = api(cast.worker).post(LIST, {"project": project.pk, "source": "street", "amount": "1000"}, format="json")
    assert response.status_code == 409
    assert "尚未立项" in response.json()["detail"]
    assert not project.contributions.exists()


def test_create_by_a_reader_is_403_and_out_of_scope_project_is_400(cast, api, setup):
    data = {"project": setup["lianxiang"].pk, "source": "street", "amount": "1000"}
    assert api(cast.grid_worker).post(LIST, data, format="json").status_code == 403
    assert api(cast.street_reviewer).post(LIST, data, format="json").status_code == 403
    response = api(cast.other_worker).post(LIST, data, format="json")
    assert response.status_code == 400 and "project" in response.json()
    assert api(None).post(LIST, data, format="json").status_code in (401, 403)
    assert setup["lianxiang"].contributions.count() == 2


def test_create_field_errors_are_400(cast, api, setup):
    resource = ResourceFactory(provider_unit=setup["bank"], community=cast.community, amount=Decimal("5000"))
    response = api(cast.worker).post(
        LIST,
        {"project": setup["lianxiang"].pk, "source": "unit", "resource": resource.pk, "amount": "5000.01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["amount"] == [f"超出资源「{resource.title}」尚未分配的部分(剩余 5000.00 元)。"]
    response = api(cast.worker).post(LIST, {"project": setup["lianxiang"].pk, "source": "community"}, format="json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["请填写金额或实物/服务内容。"]


def test_remove_is_the_street_admins_with_a_reason(cast, api, setup):
    url = f"{detail(setup['lx_street'])}remove/"
    assert api(cast.worker).post(url, {"reason": "重复"}, format="json").status_code == 403
    assert api(cast.other_worker).post(url, {"reason": "重复"}, format="json").status_code == 404
    assert api(cast.street_admin).post(url, {}, format="json").status_code == 400
    assert api(cast.street_admin).get(url).status_code == 405
    assert api(cast.street_admin).post(url, {"reason": "重复登记"}, format="json").status_code == 204
    assert not Contribution.objects.filter(pk=setup["lx_street"].pk).exists()


def test_the_schema_documents_the_endpoint(api, cast):
    response = api(cast.street_admin).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths["/api/v1/contributions/"]) >= {"get", "post"}
    assert "post" in paths["/api/v1/contributions/{id}/remove/"]
