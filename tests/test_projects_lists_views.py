"""Staff pages of the three lists: 需求清单 /needs/, 资源清单 /resources/, 实事菜单 /menu/.

Per page: the happy path, the wrong method, an outsider (404 for the other community's
row), a role that only reads (403 on writes), and fixed query counts on the lists."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

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
    MeetingFactory,
    MenuItemFactory,
    NeedFactory,
    ProjectFactory,
    ResourceFactory,
)
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

NEEDS = reverse("projects:need_list")
RESOURCES = reverse("projects:resource_list")
MENU = reverse("projects:menu_item_list")


@pytest.fixture
def unit(cast):
    bank = CoBuildingUnitFactory(name="苏州银行零售银行总部党委")
    bank.communities.add(cast.community)
    return bank


@pytest.fixture
def need(cast):
    return NeedFactory(community=cast.community, title="39幢楼道加装扶手", beneficiaries="39幢 80户")


@pytest.fixture
def foreign_need(cast):
    return NeedFactory(community=cast.other_community, title="淞渔百凳需求")


def body(response) -> str:
    return response.content.decode()


# 需求清单: list


def test_need_list_shows_the_scope_and_marks_needs_without_project(cast, login, need, foreign_need):
    answered = NeedFactory(community=cast.community, title="已立项的需求")
    ProjectFactory(communities=[cast.community]).needs.add(answered)
    page = body(login(cast.grid_worker).get(NEEDS))
    assert "39幢楼道加装扶手" in page and "已立项的需求" in page and "淞渔百凳需求" not in page
    assert "尚无项目的待办需求:1 项" in page
    only = body(login(cast.worker).get(NEEDS, {"no_project": "true"}))
    assert "39幢楼道加装扶手" in only and "已立项的需求" not in only
    street = body(login(cast.street_reviewer).get(NEEDS))
    assert "淞渔百凳需求" in street and "尚无项目的待办需求:2 项" in street


def test_need_list_filters(cast, login, need):
    NeedFactory(community=cast.community, title="充电棚", category=ProjectCategory.PARKING, status=NeedStatus.MET)
    client = login(cast.worker)
    page = body(client.get(NEEDS, {"category": ProjectCategory.PARKING}))
    assert "充电棚" in page and "39幢楼道加装扶手" not in page
    page = body(client.get(NEEDS, {"status": [NeedStatus.OPEN], "q": "扶手"}))
    assert "39幢楼道加装扶手" in page and "充电棚" not in page


def test_need_list_query_count_does_not_grow(cast, login, need, django_assert_max_num_queries):
    client = login(cast.street_admin)

    def add_rows():
        for index in range(5):
            more = NeedFactory(community=cast.other_community if index % 2 else cast.community, compound=cast.building.compound if index % 2 == 0 else None)
            more.evidence_requests.add(make_request(community=more.community))
            ProjectFactory(communities=[more.community]).needs.add(more)

    assert_queries_do_not_grow(lambda: client.get(NEEDS), add_rows, ceiling=12)
    with django_assert_max_num_queries(12):
        client.get(NEEDS, {"no_project": "false", "status": ["open", "planned"]})


def test_need_list_wrong_method_anonymous_and_roleless(cast, client, login):
    assert login(cast.worker).post(NEEDS).status_code == 405
    client.logout()
    assert client.get(NEEDS)["Location"].startswith(reverse("login"))
    assert login(cast.no_role).get(NEEDS).status_code == 403


# 需求清单: detail


def test_need_detail_shows_evidence_without_personal_data(cast, login, need, unit):
    request = make_request(
        community=cast.community, building=cast.building, contact_name="王秀英", contact_mobile="13912345678"
    )
    need.evidence_requests.add(request)
    need.evidence_notes = "走访记录:楼道无扶手,老人上下楼困难"
    need.save()
    meeting = MeetingFactory(community=cast.community, topic="楼道扶手怎么装")
    meeting.needs.add(need)
    item = MenuItemFactory(community=cast.community, title="加装扶手候选")
    item.needs.add(need)
    project = ProjectFactory(communities=[cast.community], title="扶手项目")
    project.needs.add(need)
    ResourceFactory(community=cast.community, provider_unit=unit, title="银行共建资金", category="")
    page = body(login(cast.grid_worker).get(reverse("projects:need_detail", args=[need.pk])))
    assert request.tracking_code in page and reverse("requests:detail", args=[request.pk]) in page
    assert "王秀英" not in page and "13912345678" not in page and "139****5678" not in page
    for text in ("走访记录:楼道无扶手", "楼道扶手怎么装", "加装扶手候选", "扶手项目", "银行共建资金"):
        assert text in page
    assert reverse("projects:meeting_detail", args=[meeting.pk]) in page
    # A reader gets no write buttons.
    assert reverse("projects:need_update", args=[need.pk]) not in page


def test_need_detail_offers_actions_to_coordinators(cast, login, need):
    page = body(login(cast.worker).get(reverse("projects:need_detail", args=[need.pk])))
    for name in ("need_update", "need_decline", "need_mark_met"):
        assert reverse(f"projects:{name}", args=[need.pk]) in page
    assert f"{reverse('projects:menu_item_create')}?needs={need.pk}" in page


def test_need_detail_outsider_and_method(cast, login, need):
    url = reverse("projects:need_detail", args=[need.pk])
    assert login(cast.other_worker).get(url).status_code == 404
    assert login(cast.worker).post(url).status_code == 405


# 需求清单: create, edit, decline, met


def test_worker_registers_a_need(cast, login):
    response = login(cast.worker).post(
        reverse("projects:need_create"),
        {
            "title": "30个老人集中的单元加装座椅",
            "community": cast.community.pk,
            "compound": cast.building.compound.pk,
            "buildings": [cast.building.pk],
            "category": ProjectCategory.ELDERLY,
            "source": "data",
            "beneficiaries": "30个老人集中的单元",
            "evidence_notes": "数据平台筛查",
            "description": "",
        },
    )
    need = Need.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("projects:need_detail", args=[need.pk])
    assert (need.community, need.created_by, list(need.buildings.all())) == (cast.community, cast.worker, [cast.building])


def test_place_refresh_shows_the_compounds_buildings_and_saves_nothing(cast, login):
    response = login(cast.worker).post(
        reverse("projects:need_create"),
        {"title": "x", "community": cast.community.pk, "compound": cast.building.compound.pk, "refresh_places": "1"},
    )
    assert response.status_code == 200 and not Need.objects.exists()
    assert f'value="{cast.building.pk}"' in body(response) and "39幢" in body(response)


def test_need_create_errors_and_roles(cast, login):
    url = reverse("projects:need_create")
    response = login(cast.worker).post(url, {"title": "", "category": "elderly", "source": "visit"})
    assert response.status_code == 400 and not Need.objects.exists()
    # A community worker cannot pick another community.
    response = login(cast.worker).post(
        url, {"title": "x", "community": cast.other_community.pk, "category": "elderly", "source": "visit"}
    )
    assert response.status_code == 400 and not Need.objects.exists()
    for role in ("grid_worker", "street_reviewer"):
        assert login(getattr(cast, role)).get(url).status_code == 403
    assert login(cast.worker).put(url).status_code == 405


def test_need_edit(cast, login, need, foreign_need):
    url = reverse("projects:need_update", args=[need.pk])
    client = login(cast.secretary)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"title": "39幢、40幢加装扶手", "category": "elderly", "source": "visit", "beneficiaries": "两幢 160户"}
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.title, need.beneficiaries) == ("39幢、40幢加装扶手", "两幢 160户")
    assert login(cast.grid_worker).get(url).status_code == 403
    assert login(cast.worker).get(reverse("projects:need_update", args=[foreign_need.pk])).status_code == 404


def test_decline_needs_a_reason(cast, login, need):
    url = reverse("projects:need_decline", args=[need.pk])
    client = login(cast.worker)
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN
    response = client.post(url, {"reason": "已纳入老旧小区改造计划"})
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.status, need.decline_reason) == (NeedStatus.DECLINED, "已纳入老旧小区改造计划")
    # Again: the state refuses, with a message, nothing changes.
    response = client.post(url, {"reason": "再次"}, follow=True)
    assert "只有待办的需求可以不予采纳" in body(response)


def test_decline_and_met_roles_and_outsiders(cast, login, need, foreign_need):
    decline, met = (reverse(f"projects:{name}", args=[need.pk]) for name in ("need_decline", "need_mark_met"))
    for role in ("grid_worker", "street_reviewer"):
        assert login(getattr(cast, role)).post(decline, {"reason": "x"}).status_code == 403
        assert login(getattr(cast, role)).post(met).status_code == 403
    assert login(cast.worker).post(reverse("projects:need_mark_met", args=[foreign_need.pk])).status_code == 404
    assert login(cast.worker).get(met).status_code == 405
    assert login(cast.worker).post(met).status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.MET


# 资源清单


def test_resource_list_shows_the_unallocated_remainder(cast, login, unit):
    money = ResourceFactory(community=cast.community, provider_unit=unit, title="银行共建资金", amount=Decimal("300000"))
    ContributionFactory(project=ProjectFactory(communities=[cast.community]), resource=money, unit=unit, amount=Decimal("100000"))
    ResourceFactory(
        provider_unit=None, provider_department="街道城建办", title="志愿者", kind=ResourceKind.VOLUNTEERS,
        amount=None, quantity=Decimal("50"), unit="名",
    )
    ResourceFactory(community=cast.other_community, provider_unit=unit, title="淞渔资金")
    page = body(login(cast.grid_worker).get(RESOURCES))
    assert "未分配 200000.00 元" in page and "(共 300000.00 元)" in page
    assert "未分配 50 名" in page and "尚未使用" in page
    assert "淞渔资金" not in page


def test_resource_list_filters_unused_valid_and_by_unit(cast, login, unit):
    used = ResourceFactory(community=cast.community, provider_unit=unit, title="已用资金")
    ContributionFactory(project=ProjectFactory(communities=[cast.community]), resource=used, unit=unit, amount=Decimal("1"))
    ResourceFactory(community=cast.community, provider_unit=unit, title="过期资金", valid_until=timezone.localdate() - dt.timedelta(days=1))
    other_unit = CoBuildingUnitFactory(name="同程网络")
    other_unit.communities.add(cast.community)
    ResourceFactory(community=cast.community, provider_unit=other_unit, title="同程资金")
    client = login(cast.worker)
    page = body(client.get(RESOURCES, {"unused": "true", "valid_now": "true"}))
    assert "同程资金" in page and "已用资金" not in page and "过期资金" not in page
    page = body(client.get(RESOURCES, {"provider_unit": unit.pk}))
    assert "资源清单 · 苏州银行零售银行总部党委" in page and "同程资金" not in page and "已用资金" in page


def test_resource_list_query_count_does_not_grow(cast, login, unit, django_assert_max_num_queries):
    client = login(cast.worker)
    # One row to start with: an empty page skips the row query, which would hide growth.
    ResourceFactory(community=cast.community, provider_unit=unit)

    def add_rows():
        for index in range(5):
            resource = ResourceFactory(community=cast.community if index % 2 else None, provider_unit=unit)
            ContributionFactory(project=ProjectFactory(communities=[cast.community]), resource=resource, unit=unit, amount=Decimal("10"))

    assert_queries_do_not_grow(lambda: client.get(RESOURCES), add_rows, ceiling=12)
    with django_assert_max_num_queries(12):
        client.get(RESOURCES, {"unused": "false", "category": "parking"})


def test_resource_list_wrong_method_and_roleless(cast, login):
    assert login(cast.worker).post(RESOURCES).status_code == 405
    assert login(cast.no_role).get(RESOURCES).status_code == 403


def test_worker_offers_a_resource(cast, login, unit):
    response = login(cast.worker).post(
        reverse("projects:resource_create"),
        {"title": "50 名志愿者", "kind": "volunteers", "provider_unit": unit.pk, "community": cast.community.pk,
         "quantity": "50", "unit": "名", "valid_from": "2026-01-01", "valid_until": "2027-12-31"},
    )
    resource = Resource.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("projects:resource_detail", args=[resource.pk])
    assert (resource.quantity, resource.valid_until) == (Decimal("50"), dt.date(2027, 12, 31))


def test_resource_form_errors_and_roles(cast, login, unit):
    url = reverse("projects:resource_create")
    response = login(cast.worker).post(url, {"title": "资金", "kind": "money", "community": cast.community.pk})
    assert response.status_code == 400 and "资金类资源必须填写金额。" in body(response)
    response = login(cast.worker).post(url, {"title": "x", "kind": "venue", "community": cast.community.pk, "quantity": "2"})
    assert response.status_code == 400 and not Resource.objects.exists()
    for role in ("grid_worker", "street_reviewer"):
        assert login(getattr(cast, role)).get(url).status_code == 403


def test_resource_detail_edit_and_withdraw(cast, login, unit):
    resource = ResourceFactory(community=cast.community, provider_unit=unit, amount=Decimal("1000"))
    detail = reverse("projects:resource_detail", args=[resource.pk])
    edit = reverse("projects:resource_update", args=[resource.pk])
    withdraw = reverse("projects:resource_withdraw", args=[resource.pk])
    client = login(cast.worker)
    assert "未分配 1000.00 元" in body(client.get(detail))
    response = client.post(edit, {"title": "改名资金", "kind": "money", "provider_unit": unit.pk,
                                  "community": cast.community.pk, "amount": "2000"})
    assert response.status_code == 302
    assert client.get(withdraw).status_code == 405
    assert client.post(withdraw).status_code == 302
    resource.refresh_from_db()
    assert (resource.title, resource.amount, resource.withdrawn) == ("改名资金", Decimal("2000"), True)
    assert login(cast.grid_worker).post(withdraw).status_code == 403


def test_resource_outsiders_and_street_wide_offers(cast, login, unit):
    foreign = ResourceFactory(community=cast.other_community, provider_unit=unit)
    street_wide = ResourceFactory(provider_unit=unit)
    client = login(cast.worker)
    for name in ("resource_detail", "resource_update"):
        assert client.get(reverse(f"projects:{name}", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("projects:resource_withdraw", args=[foreign.pk])).status_code == 404
    # Street-wide offers are read by every community, written by the street admin only.
    assert client.get(reverse("projects:resource_detail", args=[street_wide.pk])).status_code == 200
    assert client.get(reverse("projects:resource_update", args=[street_wide.pk])).status_code == 403
    assert client.post(reverse("projects:resource_withdraw", args=[street_wide.pk])).status_code == 403


# 实事菜单


def test_menu_candidate_from_a_need_is_prefilled_and_saved(cast, login, need):
    client = login(cast.worker)
    page = body(client.get(reverse("projects:menu_item_create"), {"needs": need.pk}))
    assert 'value="39幢楼道加装扶手"' in page
    assert re.search(rf'name="needs" value="{need.pk}"[^>]* checked', page)
    response = client.post(
        reverse("projects:menu_item_create"),
        {"needs": [need.pk], "title": "", "category": "", "project_type": "works", "estimated_budget": "50000"},
    )
    item = MenuItem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("projects:menu_item_detail", args=[item.pk])
    assert (item.title, item.community, item.status, item.estimated_budget) == (
        "39幢楼道加装扶手", cast.community, MenuStatus.CANDIDATE, Decimal("50000"),
    )


def test_menu_create_errors_and_roles(cast, login, need, foreign_need):
    url = reverse("projects:menu_item_create")
    response = login(cast.worker).post(url, {"needs": [foreign_need.pk]})
    assert response.status_code == 400 and not MenuItem.objects.exists()
    response = login(cast.worker).post(url, {})
    assert response.status_code == 400
    for role in ("grid_worker", "street_reviewer"):
        assert login(getattr(cast, role)).get(url).status_code == 403


def test_screening_on_the_page(cast, login, need):
    item = MenuItemFactory(community=cast.community, title="加装扶手")
    item.needs.add(need)
    screen = reverse("projects:menu_item_screen", args=[item.pk])
    client = login(cast.secretary)
    response = client.post(screen, {"need_reasonable": "yes", "feasible": "no", "note": ""})
    assert response.status_code == 400 and "未入选须写明筛选意见。" in body(response)
    response = client.post(screen, {"need_reasonable": "yes", "feasible": "yes", "note": "居民代表一致认为必要"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.screened_by) == (MenuStatus.SHORTLISTED, cast.secretary)
    page = body(client.get(reverse("projects:menu_item_detail", args=[item.pk])))
    assert f"{reverse('projects:project_create')}?menu_item={item.pk}" in page and "居民代表一致认为必要" in page


def test_street_reviewer_screens_grid_worker_and_outsiders_do_not(cast, login):
    item = MenuItemFactory(community=cast.community)
    screen = reverse("projects:menu_item_screen", args=[item.pk])
    data = {"need_reasonable": "no", "feasible": "yes", "note": "与已立项项目重复"}
    assert login(cast.grid_worker).post(screen, data).status_code == 403
    assert login(cast.other_worker).post(screen, data).status_code == 404
    assert login(cast.street_reviewer).post(screen, data).status_code == 302
    item.refresh_from_db()
    assert item.status == MenuStatus.REJECTED
    assert login(cast.street_reviewer).put(screen).status_code == 405


def test_menu_list_filters_and_query_count(cast, login, django_assert_max_num_queries):
    MenuItemFactory(community=cast.community, title="莲香停车", status=MenuStatus.CANDIDATE)
    MenuItemFactory(community=cast.other_community, title="淞渔百凳")
    client = login(cast.street_admin)
    page = body(client.get(MENU, {"community": cast.community.pk}))
    assert "莲香停车" in page and "淞渔百凳" not in page
    assert "淞渔百凳" not in body(login(cast.worker).get(MENU))

    def add_rows():
        for index in range(5):
            item = MenuItemFactory(community=cast.community)
            item.needs.add(NeedFactory(community=cast.community), NeedFactory(community=cast.community))

    client = login(cast.street_admin)
    assert_queries_do_not_grow(lambda: client.get(MENU), add_rows, ceiling=12)
    with django_assert_max_num_queries(12):
        client.get(MENU, {"status": ["candidate", "shortlisted"], "category": "elderly"})
    assert client.post(MENU).status_code == 405


def test_menu_detail_edit_and_outsiders(cast, login, need):
    item = MenuItemFactory(community=cast.community, status=MenuStatus.REJECTED, need_reasonable=False,
                           feasible=True, screening_note="需再论证")
    item.needs.add(need)
    detail = reverse("projects:menu_item_detail", args=[item.pk])
    edit = reverse("projects:menu_item_update", args=[item.pk])
    assert login(cast.other_worker).get(detail).status_code == 404
    assert login(cast.grid_worker).get(edit).status_code == 403
    client = login(cast.worker)
    assert "需再论证" in body(client.get(detail))
    response = client.post(edit, {"needs": [need.pk], "title": "改后的方案", "category": "elderly", "project_type": "goods"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.status, item.screening_note) == ("改后的方案", MenuStatus.CANDIDATE, "")


def test_unit_resources_partial_shows_what_is_left(cast, rf, unit):
    from django.template.loader import render_to_string

    from projects.selectors.lists import unit_resources

    mine = ResourceFactory(community=cast.community, provider_unit=unit, title="银行共建资金", amount=Decimal("300000"))
    ContributionFactory(project=ProjectFactory(communities=[cast.community]), resource=mine, unit=unit, amount=Decimal("120000"))
    ResourceFactory(community=cast.other_community, provider_unit=unit, title="淞渔的资源")
    rows = list(unit_resources(unit, cast.worker))
    assert rows == [mine]
    html = render_to_string("projects/lists/_unit_resources.html", {"unit": unit, "unit_resources": rows})
    assert "银行共建资金" in html and "未分配 180000.00 元" in html
    assert f"{reverse('projects:resource_list')}?provider_unit={unit.pk}" in html
