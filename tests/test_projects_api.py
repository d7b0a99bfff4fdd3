"""/api/v1/projects/: list with figures and the page's filters, detail with timeline and
allowed actions, create, update, and one POST per lifecycle step.

The lifecycle rules themselves are covered by test_projects_lifecycle.py; here each
endpoint shows it parses, calls the service and answers as the schema says
(400 field errors, 403 role, 404 scope, 409 state)."""

import datetime as dt
from decimal import Decimal

import pytest

from projects.models import MenuStatus, NeedStatus, Project, ProjectStatus
from tests.project_factories import (
    BatchFactory,
    ContributionFactory,
    MenuItemFactory,
    MilestoneFactory,
    NeedFactory,
    ProjectFactory,
)

S = ProjectStatus
URL = "/api/v1/projects/"


def _project(cast, status=S.COLLECTING, **fields):
    return ProjectFactory(communities=[cast.community], status=status, responsible=cast.worker, **fields)


def _payload(cast, **overrides):
    data = {
        "title": "莲香新村三区停车场改造",
        "communities": [cast.community.pk],
        "project_type": "works",
        "category": "parking",
        "description": "增设车位和电瓶车充电棚",
        "budget": "800000.00",
        "planned_quantity": 43,
        "quantity_unit": "个",
        "planned_start": "2026-12-01",
    }
    data.update(overrides)
    return data


# List


def test_list_is_scoped_and_carries_the_figures(cast, api):
    benches = _project(cast, status=S.IMPLEMENTING, budget=Decimal("300000"))
    BatchFactory(project=benches, number=1, planned_quantity=100, delivered_quantity=100)
    BatchFactory(project=benches, number=2, planned_quantity=120, delivered_quantity=120)
    ContributionFactory(project=benches, amount=Decimal("150000"))
    weighted = _project(cast, planned_quantity=None, quantity_unit="", budget=Decimal("0"))
    MilestoneFactory(project=weighted, weight=3, percent=100)
    MilestoneFactory(project=weighted, weight=1, percent=0)
    ProjectFactory(communities=[cast.other_community])
    response = api(cast.worker).get(URL)
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == {benches.pk, weighted.pk}
    assert rows[benches.pk]["figures"] == {
        "progress_percent": 73,
        "delivered": 220,
        "planned": 300,
        "funded": "150000.00",
        "budget": "300000.00",
        "funding_percent": 50,
    }
    assert rows[weighted.pk]["figures"]["progress_percent"] == 75
    assert rows[weighted.pk]["figures"]["funding_percent"] is None
    assert rows[benches.pk]["communities"] == [{"id": cast.community.pk, "name": str(cast.community)}]
    assert rows[benches.pk]["status_display"] == "实施中"


def test_list_takes_the_page_filters(cast, api):
    parking = _project(cast, project_type="works", category="parking", planned_start=dt.date(2025, 5, 1))
    funded = _project(cast, status=S.FUNDING, is_secretary_project=True, planned_start=dt.date(2026, 5, 1))
    other = ProjectFactory(communities=[cast.other_community], status=S.FUNDING)
    client = api(cast.street_reviewer)

    def ids(**query):
        return {row["id"] for row in client.get(URL, query).json()["results"]}

    assert ids() == {parking.pk, funded.pk, other.pk}
    assert ids(status="funding") == {funded.pk, other.pk}
    assert ids(status=["funding", "collecting"]) == {parking.pk, funded.pk, other.pk}
    assert ids(community=cast.other_community.pk) == {other.pk}
    assert ids(category="parking") == {parking.pk}
    assert ids(year=2025) == {parking.pk}
    assert ids(is_secretary_project="true") == {funded.pk}
    assert client.get(URL, {"status": "flying"}).status_code == 400


def test_list_query_count_is_flat(cast, api, django_assert_max_num_queries):
    client = api(cast.street_admin)
    for _ in range(3):
        ContributionFactory(project=_project(cast))
    with django_assert_max_num_queries(4) as few:
        client.get(URL)
    for _ in range(10):
        BatchFactory(project=_project(cast), number=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(URL).json()["results"]) == 13


def test_list_needs_a_staff_role(cast, api):
    assert api(cast.no_role).get(URL).status_code == 403
    assert api(None).get(URL).status_code in (401, 403)


# Detail


def test_detail_has_timeline_and_the_users_allowed_actions(cast, api):
    project = _project(cast, status=S.DELIBERATING)
    api(cast.worker).post(f"{URL}{project.pk}/submit/", {"note": "议事会通过"}, format="json")
    worker = api(cast.worker).get(f"{URL}{project.pk}/").json()
    assert worker["status"] == "pending_approval"
    assert worker["allowed_actions"] == ["cancel"]
    assert [(e["action"], e["actor"], e["note"]) for e in worker["timeline"]] == [
        ("submit", cast.worker.display_name, "议事会通过")
    ]
    reviewer = api(cast.street_reviewer).get(f"{URL}{project.pk}/").json()
    assert sorted(reviewer["allowed_actions"]) == ["approve", "return"]
    assert api(cast.grid_worker).get(f"{URL}{project.pk}/").json()["allowed_actions"] == []
    assert "figures" in worker and worker["description"]


def test_detail_out_of_scope_is_404(cast, api):
    foreign = ProjectFactory(communities=[cast.other_community])
    assert api(cast.worker).get(f"{URL}{foreign.pk}/").status_code == 404
    assert api(cast.other_worker).get(f"{URL}{foreign.pk}/").status_code == 200


# Create and update


def test_create(cast, api):
    need = NeedFactory(community=cast.community)
    response = api(cast.worker).post(URL, _payload(cast, needs=[need.pk]), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    project = Project.objects.get()
    assert body["id"] == project.pk and body["status"] == "collecting"
    assert body["timeline"][0]["action"] == "create"
    assert project.created_by == cast.worker
    need.refresh_from_db()
    assert need.status == NeedStatus.PLANNED


def test_create_from_a_menu_item(cast, api):
    item = MenuItemFactory(community=cast.community, status=MenuStatus.SHORTLISTED, need_reasonable=True, feasible=True)
    response = api(cast.secretary).post(URL, _payload(cast, menu_item=item.pk), format="json")
    assert response.status_code == 201
    assert response.json()["menu_item"] == {"id": item.pk, "name": item.title}
    item.refresh_from_db()
    assert item.status == MenuStatus.ADOPTED


def test_create_field_errors_are_400(cast, api):
    client = api(cast.worker)
    response = client.post(URL, _payload(cast, title="", budget="-1"), format="json")
    assert response.status_code == 400 and {"title", "budget"} <= set(response.json())
    # Model rules, checked by the service.
    response = client.post(URL, _payload(cast, quantity_unit=""), format="json")
    assert response.status_code == 400 and "quantity_unit" in response.json()
    # A need of another community is invisible: refused like a missing one.
    foreign = NeedFactory(community=cast.other_community)
    response = client.post(URL, _payload(cast, needs=[foreign.pk]), format="json")
    assert response.status_code == 400 and "needs" in response.json()
    candidate = MenuItemFactory(community=cast.community)
    response = client.post(URL, _payload(cast, menu_item=candidate.pk), format="json")
    assert response.status_code == 400 and "menu_item" in response.json()
    assert not Project.objects.exists()


@pytest.mark.parametrize("who", ["grid_worker", "street_reviewer"])
def test_create_without_the_role_is_403(cast, api, who):
    assert api(getattr(cast, who)).post(URL, _payload(cast), format="json").status_code == 403
    assert not Project.objects.exists()


def test_create_for_another_community_is_refused(cast, api):
    response = api(cast.worker).post(URL, _payload(cast, communities=[cast.other_community.pk]), format="json")
    assert response.status_code == 400 and "communities" in response.json()


def test_update(cast, api):
    project = _project(cast)
    client = api(cast.worker)
    response = client.patch(f"{URL}{project.pk}/", {"budget": "120000.00", "title": "百凳为百姓(一期)"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["budget"] == "120000.00"
    project.refresh_from_db()
    assert project.title == "百凳为百姓(一期)"
    response = client.put(f"{URL}{project.pk}/", _payload(cast), format="json")
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.title == "莲香新村三区停车场改造" and project.planned_quantity == 43


def test_update_errors(cast, api):
    approved = _project(cast, status=S.FUNDING)
    response = api(cast.worker).patch(f"{URL}{approved.pk}/", {"budget": "1.00"}, format="json")
    assert response.status_code == 409 and "立项审批后" in response.json()["detail"]
    project = _project(cast)
    assert api(cast.grid_worker).patch(f"{URL}{project.pk}/", {"title": "x"}, format="json").status_code == 403
    foreign = ProjectFactory(communities=[cast.other_community])
    assert api(cast.worker).patch(f"{URL}{foreign.pk}/", {"title": "x"}, format="json").status_code == 404
    assert api(cast.worker).patch(f"{URL}{project.pk}/", {"project_type": "rocket"}, format="json").status_code == 400
    assert api(cast.worker).delete(f"{URL}{project.pk}/").status_code == 405


# Lifecycle steps


def test_a_step_answers_the_fresh_detail(cast, api):
    project = _project(cast, status=S.PENDING_APPROVAL)
    response = api(cast.street_reviewer).post(f"{URL}{project.pk}/approve/", {}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "funding" and body["approved_by"]["id"] == cast.street_reviewer.pk
    assert body["timeline"][-1]["action"] == "approve"


def test_every_step_has_an_endpoint(cast, api):
    project = _project(cast)
    steps = [
        (cast.worker, "deliberate"),
        (cast.worker, "return"),
        (cast.worker, "deliberate"),
        (cast.worker, "submit"),
        (cast.street_reviewer, "approve"),
        (cast.worker, "start"),
        (cast.worker, "complete"),
        (cast.street_reviewer, "accept"),
    ]
    for user, step in steps:
        response = api(user).post(f"{URL}{project.pk}/{step}/", {"note": "理由"}, format="json")
        assert response.status_code == 200, (step, response.json())
    project.refresh_from_db()
    assert project.status == S.PUBLICISING and project.notice_until is not None
    Project.objects.filter(pk=project.pk).update(status=S.EVALUATING)
    assert api(cast.worker).post(f"{URL}{project.pk}/close/", {}, format="json").json()["status"] == "completed"
    other = _project(cast)
    assert (
        api(cast.worker).post(f"{URL}{other.pk}/cancel/", {"note": "资金撤回"}, format="json").json()["status"]
        == "cancelled"
    )


def test_step_errors(cast, api):
    project = _project(cast, status=S.PENDING_APPROVAL)
    # 409: the state does not allow it.
    response = api(cast.street_reviewer).post(f"{URL}{project.pk}/start/", {}, format="json")
    assert response.status_code == 409 and "不能执行「开始实施」" in response.json()["detail"]
    # 403: not the role.
    assert api(cast.worker).post(f"{URL}{project.pk}/approve/", {}, format="json").status_code == 403
    # 400: the reason is missing.
    response = api(cast.street_reviewer).post(f"{URL}{project.pk}/return/", {"note": ""}, format="json")
    assert response.status_code == 400 and "note" in response.json()
    # 404: out of scope, before anything else.
    foreign = ProjectFactory(communities=[cast.other_community], status=S.PENDING_APPROVAL)
    assert api(cast.worker).post(f"{URL}{foreign.pk}/cancel/", {"note": "x"}, format="json").status_code == 404
    # The system step has no endpoint.
    assert api(cast.street_admin).post(f"{URL}{project.pk}/end_notice/", {}, format="json").status_code == 404
    assert api(cast.street_reviewer).get(f"{URL}{project.pk}/approve/").status_code == 405
    project.refresh_from_db()
    assert project.status == S.PENDING_APPROVAL


# Schema


def test_schema_documents_the_project_endpoints(cast, login):
    text = login(cast.worker).get("/api/schema/").content.decode()
    for path in ["/api/v1/projects/", "/api/v1/projects/{id}/approve/", "/api/v1/projects/{id}/return/"]:
        assert path in text
    assert "微实事项目" in text and "allowed_actions" in text and "funding_percent" in text
