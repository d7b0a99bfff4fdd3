"""Staff project pages: list, create (blank or from the menu), edit, detail, lifecycle steps.

Each view: the happy path, the wrong method, an outsider (404 for another community's
project), a user without the role (403); query counts on the list."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from communities.models import PartyOrganisation, PartyTier
from communities.services import party_organisation_save
from projects.models import (
    MenuStatus,
    NeedStatus,
    Project,
    ProjectAction,
    ProjectStatus,
)
from tests.factories import CoBuildingUnitFactory
from tests.project_factories import (
    BatchFactory,
    ContributionFactory,
    MeetingFactory,
    MenuItemFactory,
    MilestoneFactory,
    NeedFactory,
    ProjectFactory,
)

S = ProjectStatus
LIST = "/manage/projects/"


def _project(cast, status=S.COLLECTING, **fields):
    return ProjectFactory(communities=[cast.community], status=status, responsible=cast.worker, **fields)


def _outsiders_project(cast, status=S.COLLECTING):
    return ProjectFactory(communities=[cast.other_community], status=status, title="淞渔百凳")


# List


def test_list_shows_the_users_projects_with_progress_and_funding(cast, login):
    benches = _project(cast, status=S.IMPLEMENTING, title="初心为民心,百凳为百姓", budget=Decimal("300000"))
    BatchFactory(project=benches, number=1, planned_quantity=100, delivered_quantity=100)
    BatchFactory(project=benches, number=2, planned_quantity=120, delivered_quantity=120)
    ContributionFactory(project=benches, unit=CoBuildingUnitFactory(name="苏州银行"), amount=Decimal("150000"))
    _outsiders_project(cast)
    response = login(cast.worker).get(LIST)
    assert response.status_code == 200
    text = response.content.decode()
    assert "初心为民心,百凳为百姓" in text and "淞渔百凳" not in text
    assert "73%" in text and "220/300" in text  # 220 of 300 benches
    assert "50%" in text  # 150,000 of 300,000 funded
    assert reverse("projects:project_detail", args=[benches.pk]) in text
    # Community staff see one community: no community filter for them.
    assert 'name="community"' not in text
    assert reverse("projects:project_create") in text


def test_street_staff_see_every_community_and_filter_by_one(cast, login):
    _project(cast, title="莲香停车场")
    _outsiders_project(cast)
    client = login(cast.street_reviewer)
    text = client.get(LIST).content.decode()
    assert "莲香停车场" in text and "淞渔百凳" in text and 'name="community"' in text
    # 街道审阅 decides, it does not register projects.
    assert reverse("projects:project_create") not in text
    filtered = client.get(LIST, {"community": cast.other_community.pk}).content.decode()
    assert "淞渔百凳" in filtered and "莲香停车场" not in filtered


def test_list_filters(cast, login):
    _project(cast, title="停车场改造", project_type="works", category="parking", planned_start=dt.date(2025, 3, 1))
    _project(cast, title="助老座椅", status=S.FUNDING, is_secretary_project=True, planned_start=dt.date(2026, 4, 1))
    client = login(cast.secretary)

    def titles(**query):
        text = client.get(LIST, query).content.decode()
        return {title for title in ("停车场改造", "助老座椅") if title in text}

    assert titles() == {"停车场改造", "助老座椅"}
    assert titles(status="funding") == {"助老座椅"}
    assert titles(project_type="works") == {"停车场改造"}
    assert titles(category="parking") == {"停车场改造"}
    assert titles(year="2025") == {"停车场改造"}
    assert titles(year="2026") == {"助老座椅"}
    assert titles(is_secretary_project="true") == {"助老座椅"}
    assert titles(q="助老") == {"助老座椅"}


def test_year_falls_back_to_the_registration_year(cast, login):
    project = _project(cast, title="无日期项目")
    Project.objects.filter(pk=project.pk).update(created_at=dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc))
    client = login(cast.worker)
    assert "无日期项目" in client.get(LIST, {"year": "2024"}).content.decode()
    assert "无日期项目" not in client.get(LIST, {"year": "2026"}).content.decode()


def test_list_query_count_does_not_grow_with_projects(cast, login, django_assert_max_num_queries):
    client = login(cast.street_admin)
    for n in range(3):
        project = _project(cast, lead_organisation=None)
        BatchFactory(project=project, number=1)
        ContributionFactory(project=project)
        MilestoneFactory(project=ProjectFactory(communities=[cast.other_community, cast.community]))
    # session, user, count, rows with their figures, communities, the 通知 count, the pending
    # ratings count, community choices, and the idle-timeout session save (3): nothing per project.
    with django_assert_max_num_queries(11) as few:
        assert client.get(LIST).status_code == 200
    for n in range(12):
        project = _project(cast)
        BatchFactory(project=project, number=1)
        ContributionFactory(project=project)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert response.content.decode().count("/manage/projects/") >= 18


def test_list_wrong_method_and_roles(cast, login, client):
    assert login(cast.worker).post(LIST).status_code == 405
    assert login(cast.no_role).get(LIST).status_code == 403
    client.logout()
    assert client.get(LIST).status_code == 302
    # 网格员 read their community's projects.
    _project(cast, title="网格员可见")
    assert "网格员可见" in login(cast.grid_worker).get(LIST).content.decode()


# Create


def _form_data(cast, **overrides):
    data = {
        "title": "莲香新村三区停车场改造",
        "communities": [cast.community.pk],
        "project_type": "works",
        "category": "parking",
        "description": "增设 22 个车位、43 个电瓶车充电棚",
        "budget": "800000",
        "planned_quantity": "22",
        "quantity_unit": "个",
        "beneficiaries": "39幢 80户",
        "planned_start": "2026-12-01",
        "planned_end": "2027-03-31",
    }
    data.update(overrides)
    return data


def test_create_a_blank_project(cast, login):
    need = NeedFactory(community=cast.community, title="停车难")
    client = login(cast.worker)
    form = client.get("/manage/projects/new/")
    assert form.status_code == 200 and "停车难" in form.content.decode()
    response = client.post("/manage/projects/new/", _form_data(cast, needs=[need.pk]))
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/manage/projects/{project.pk}/"
    assert project.status == S.COLLECTING and project.created_by == cast.worker
    assert project.planned_start == dt.date(2026, 12, 1)
    need.refresh_from_db()
    assert need.status == NeedStatus.PLANNED


def test_create_shows_errors_and_saves_nothing(cast, login):
    response = login(cast.worker).post("/manage/projects/new/", _form_data(cast, title="", planned_end="2026-01-01"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "计划完成日期不能早于计划开始日期" in text
    assert not Project.objects.exists()


def test_create_from_a_shortlisted_menu_item(cast, login):
    need = NeedFactory(community=cast.community, title="老人歇脚难")
    item = MenuItemFactory(
        community=cast.community,
        title="楼道口座椅",
        status=MenuStatus.SHORTLISTED,
        need_reasonable=True,
        feasible=True,
        estimated_budget=Decimal("30000"),
        description="每个楼道口一张座椅",
    )
    item.needs.set([need])
    client = login(cast.secretary)
    form = client.get(f"/manage/projects/new/?menu_item={item.pk}")
    text = form.content.decode()
    assert form.status_code == 200
    assert 'value="楼道口座椅"' in text and "每个楼道口一张座椅" in text and 'value="30000' in text
    assert f'name="menu_item" value="{item.pk}"' in text
    response = client.post(
        "/manage/projects/new/",
        _form_data(
            cast, title="楼道口座椅", menu_item=item.pk, needs=[need.pk], project_type="goods", category="elderly"
        ),
    )
    assert response.status_code == 302
    project = Project.objects.get()
    item.refresh_from_db()
    assert project.menu_item == item and item.status == MenuStatus.ADOPTED


def test_create_refuses_an_item_not_shortlisted_or_out_of_scope(cast, login):
    client = login(cast.worker)
    candidate = MenuItemFactory(community=cast.community)
    response = client.get(f"/manage/projects/new/?menu_item={candidate.pk}")
    assert response.status_code == 302 and response["Location"] == "/manage/projects/new/"
    foreign = MenuItemFactory(
        community=cast.other_community, status=MenuStatus.SHORTLISTED, need_reasonable=True, feasible=True
    )
    assert client.get(f"/manage/projects/new/?menu_item={foreign.pk}").status_code == 404
    assert client.post("/manage/projects/new/", _form_data(cast, menu_item=foreign.pk)).status_code == 404
    assert client.get("/manage/projects/new/?menu_item=abc").status_code == 404
    assert not Project.objects.exists()


def test_create_for_a_community_the_user_does_not_run_is_refused(cast, login):
    response = login(cast.worker).post("/manage/projects/new/", _form_data(cast, communities=[cast.other_community.pk]))
    # The other community is not among the choices: a form error, nothing saved.
    assert response.status_code == 200 and not Project.objects.exists()


@pytest.mark.parametrize("who", ["grid_worker", "street_reviewer", "no_role"])
def test_create_needs_a_coordinator(cast, login, who):
    client = login(getattr(cast, who))
    assert client.get("/manage/projects/new/").status_code == 403
    assert client.post("/manage/projects/new/", _form_data(cast)).status_code == 403
    assert not Project.objects.exists()


def test_create_wrong_method(cast, login):
    assert login(cast.worker).put("/manage/projects/new/").status_code == 405


def test_street_admin_creates_a_project_for_two_communities(cast, login):
    organisation = party_organisation_save(
        organisation=PartyOrganisation(name="莲香社区党委", tier=PartyTier.objects.get(level=PartyTier.COMMUNITY)),
        covered_communities=[cast.community],
    )
    data = _form_data(cast, communities=[cast.community.pk, cast.other_community.pk], is_secretary_project="on")
    data["lead_organisation"] = organisation.pk
    response = login(cast.street_admin).post("/manage/projects/new/", data)
    assert response.status_code == 302
    project = Project.objects.get()
    assert set(project.communities.all()) == {cast.community, cast.other_community}
    assert project.is_secretary_project and project.lead_organisation == organisation


# Edit


def test_edit_the_plan(cast, login):
    project = _project(cast, status=S.DELIBERATING)
    client = login(cast.secretary)
    form = client.get(f"/manage/projects/{project.pk}/edit/")
    assert form.status_code == 200 and f'value="{project.title}"' in form.content.decode()
    response = client.post(f"/manage/projects/{project.pk}/edit/", _form_data(cast, title="百凳为百姓(二期)"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "百凳为百姓(二期)" and project.budget == Decimal("800000")
    assert project.events.filter(action=ProjectAction.EDIT).exists()


def test_edit_after_approval_goes_back_to_the_detail(cast, login):
    project = _project(cast, status=S.FUNDING)
    client = login(cast.worker)
    response = client.get(f"/manage/projects/{project.pk}/edit/", follow=True)
    assert response.redirect_chain[-1][0] == f"/manage/projects/{project.pk}/"
    assert "立项审批后不能再修改项目方案" in response.content.decode()
    client.post(f"/manage/projects/{project.pk}/edit/", _form_data(cast, title="改名"))
    project.refresh_from_db()
    assert project.title != "改名"


def test_edit_outsider_role_and_method(cast, login):
    foreign = _outsiders_project(cast)
    assert login(cast.worker).get(f"/manage/projects/{foreign.pk}/edit/").status_code == 404
    project = _project(cast)
    assert login(cast.grid_worker).get(f"/manage/projects/{project.pk}/edit/").status_code == 403
    assert login(cast.street_reviewer).post(f"/manage/projects/{project.pk}/edit/", _form_data(cast)).status_code == 403
    assert login(cast.worker).delete(f"/manage/projects/{project.pk}/edit/").status_code == 405


# Detail


def test_detail_shows_the_project_its_needs_meetings_timeline_and_work(cast, login):
    need = NeedFactory(community=cast.community, title="39幢停车难")
    project = _project(
        cast, title="莲香新村三区停车场", planned_start=dt.date(2026, 11, 21), planned_quantity=None, quantity_unit=""
    )
    project.needs.set([need])
    for n in range(7):
        meeting = MeetingFactory(
            community=cast.community,
            topic=f"停车场第{n + 1}次联席会",
            decision_whether="改",
            decision_who="物业与共建单位",
        )
        meeting.projects.add(project)
    hidden = MeetingFactory(community=cast.other_community, topic="淞渔的会")
    hidden.projects.add(project)
    client = login(cast.worker)
    client.post(f"/manage/projects/{project.pk}/act/deliberate/", {"deliberate-note": "提交居民议事会"})
    response = client.get(f"/manage/projects/{project.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "莲香新村三区停车场" in text and "2026年11月21日" in text
    assert f'href="/needs/{need.pk}/"' in text
    assert "协商议事(7 次)" in text and "停车场第7次联席会" in text and "淞渔的会" not in text
    assert "改不改" in text and "物业与共建单位" in text
    assert f"/meetings/{meeting.pk}/" in text
    assert "提交居民议事会" in text  # the timeline
    assert 'id="work"' in text  # the work panel of the "work" area
    assert 'action="/manage/projects/%s/act/submit/"' % project.pk in text
    assert "act/approve/" not in text


def test_detail_offers_each_user_their_steps(cast, login):
    project = _project(cast, status=S.PENDING_APPROVAL)
    worker_page = login(cast.worker).get(f"/manage/projects/{project.pk}/").content.decode()
    assert "act/approve/" not in worker_page and "act/cancel/" in worker_page
    reviewer_page = login(cast.street_reviewer).get(f"/manage/projects/{project.pk}/").content.decode()
    assert "act/approve/" in reviewer_page and "act/return/" in reviewer_page and "act/cancel/" not in reviewer_page
    grid_page = login(cast.grid_worker).get(f"/manage/projects/{project.pk}/").content.decode()
    assert "/act/" not in grid_page


def test_detail_outsider_role_and_method(cast, login):
    foreign = _outsiders_project(cast)
    assert login(cast.worker).get(f"/manage/projects/{foreign.pk}/").status_code == 404
    assert login(cast.other_worker).get(f"/manage/projects/{foreign.pk}/").status_code == 200
    assert login(cast.no_role).get(f"/manage/projects/{foreign.pk}/").status_code == 403
    assert login(cast.worker).post(f"/manage/projects/{_project(cast).pk}/").status_code == 405


# Lifecycle steps


def test_a_step_moves_the_project_and_says_so(cast, login):
    project = _project(cast, status=S.PENDING_APPROVAL)
    response = login(cast.street_reviewer).post(
        f"/manage/projects/{project.pk}/act/approve/", {"approve-note": "同意立项"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/manage/projects/{project.pk}/"
    assert "已立项" in response.content.decode()
    project.refresh_from_db()
    assert project.status == S.FUNDING and project.approved_by == cast.street_reviewer


def test_return_without_a_reason_shows_the_form_again(cast, login):
    project = _project(cast, status=S.PENDING_APPROVAL)
    response = login(cast.street_reviewer).post(f"/manage/projects/{project.pk}/act/return/", {"return-note": " "})
    assert response.status_code == 400
    assert "须填写理由" in response.content.decode()
    project.refresh_from_db()
    assert project.status == S.PENDING_APPROVAL
    response = login(cast.street_reviewer).post(
        f"/manage/projects/{project.pk}/act/return/", {"return-note": "预算依据不足"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == S.DELIBERATING


def test_a_step_the_state_does_not_allow_is_refused_with_a_message(cast, login):
    project = _project(cast)
    response = login(cast.street_reviewer).post(f"/manage/projects/{project.pk}/act/approve/", follow=True)
    assert "不能执行「立项」" in response.content.decode()
    project.refresh_from_db()
    assert project.status == S.COLLECTING


def test_step_outsider_role_method_and_unknown(cast, login):
    foreign = _outsiders_project(cast, status=S.PENDING_APPROVAL)
    assert (
        login(cast.worker).post(f"/manage/projects/{foreign.pk}/act/cancel/", {"cancel-note": "x"}).status_code == 404
    )
    project = _project(cast, status=S.PENDING_APPROVAL)
    assert login(cast.worker).post(f"/manage/projects/{project.pk}/act/approve/").status_code == 403
    assert (
        login(cast.grid_worker).post(f"/manage/projects/{project.pk}/act/cancel/", {"cancel-note": "x"}).status_code
        == 403
    )
    assert login(cast.street_reviewer).get(f"/manage/projects/{project.pk}/act/approve/").status_code == 405
    assert login(cast.street_reviewer).post(f"/manage/projects/{project.pk}/act/end_notice/").status_code == 404
    assert login(cast.street_reviewer).post(f"/manage/projects/{project.pk}/act/fly/").status_code == 404
    project.refresh_from_db()
    assert project.status == S.PENDING_APPROVAL
