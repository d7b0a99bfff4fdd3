"""The three lists (三张清单): services and selectors — who writes, the decline and screening
rules, the unallocated remainder of resources, and the order of matching suggestions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Notification
from projects.models import (
    MenuStatus,
    NeedSource,
    NeedStatus,
    ProjectCategory,
    Resource,
    ResourceKind,
)
from projects.selectors.lists import (
    open_without_project_counts,
    remaining,
    suggest_resources,
    unused,
    valid_on,
    with_remaining,
)
from projects.services import lists as services
from projects.workflow import WorkflowError
from tests.factories import BuildingFactory, CoBuildingUnitFactory, CompoundFactory
from tests.project_factories import (
    ContributionFactory,
    MenuItemFactory,
    NeedFactory,
    ProjectFactory,
    ResourceFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def need(cast):
    return NeedFactory(community=cast.community, created_by=cast.worker)


@pytest.fixture
def unit(cast):
    bank = CoBuildingUnitFactory(name="苏州银行零售银行总部党委")
    bank.communities.add(cast.community)
    return bank


def allocate(resource, *, amount="0", quantity=None, in_kind=""):
    project = ProjectFactory(communities=[resource.community] if resource.community_id else None)
    return ContributionFactory(
        project=project,
        resource=resource,
        unit=resource.provider_unit,
        amount=Decimal(amount),
        quantity=None if quantity is None else Decimal(quantity),
        in_kind=in_kind or ("" if Decimal(amount) else "实物"),
    )


# Needs: who writes


def test_coordinator_registers_a_need_with_place_and_evidence_notes(cast):
    compound = cast.building.compound
    need = services.need_create(
        acting_user=cast.worker,
        community=cast.community,
        title=" 39幢楼道加装扶手 ",
        compound=compound,
        buildings=[cast.building],
        category=ProjectCategory.ELDERLY,
        source=NeedSource.DATA,
        beneficiaries="30个老人集中的单元",
        evidence_notes="社区数据平台筛选出老年人较集中的30多个单元",
    )
    assert (need.title, need.status, need.created_by, need.source) == (
        "39幢楼道加装扶手",
        NeedStatus.OPEN,
        cast.worker,
        NeedSource.DATA,
    )
    assert list(need.buildings.all()) == [cast.building]


@pytest.mark.parametrize("role", ["grid_worker", "street_reviewer", "other_worker", "no_role"])
def test_only_coordinators_and_the_street_admin_register_needs(cast, role):
    with pytest.raises(PermissionDenied):
        services.need_create(acting_user=getattr(cast, role), community=cast.community, title="加装座椅")


def test_street_admin_registers_needs_anywhere(cast):
    need = services.need_create(acting_user=cast.street_admin, community=cast.other_community, title="加装座椅")
    assert need.community == cast.other_community


def test_a_need_place_must_hang_together(cast):
    foreign = CompoundFactory(community=cast.other_community)
    with pytest.raises(ValidationError) as error:
        services.need_create(acting_user=cast.worker, community=cast.community, title="x", compound=foreign)
    assert "compound" in error.value.message_dict
    elsewhere = BuildingFactory(compound=CompoundFactory(community=cast.community))
    with pytest.raises(ValidationError) as error:
        services.need_create(
            acting_user=cast.worker, community=cast.community, title="x", compound=cast.building.compound, buildings=[elsewhere]
        )
    assert "buildings" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.need_create(acting_user=cast.worker, community=cast.community, title="x", buildings=[cast.building])


def test_changing_the_compound_drops_the_old_buildings(cast, need):
    services.need_update(acting_user=cast.worker, need=need, compound=cast.building.compound, buildings=[cast.building])
    other = CompoundFactory(community=cast.community)
    need = services.need_update(acting_user=cast.secretary, need=need, compound=other, title="新标题")
    assert (need.compound, need.title, list(need.buildings.all())) == (other, "新标题", [])


# Needs: decline and met


def test_declining_needs_a_reason(cast, need):
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as error:
            services.need_decline(acting_user=cast.secretary, need=need, reason=reason)
        assert error.value.message_dict == {"reason": ["不予采纳必须说明理由。"]}
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN


def test_declined_with_reason_tells_the_creator(cast, need):
    need = services.need_decline(acting_user=cast.secretary, need=need, reason="属于物业维修范围,已转物业处理")
    need.refresh_from_db()
    assert (need.status, need.decline_reason) == (NeedStatus.DECLINED, "属于物业维修范围,已转物业处理")
    notice = Notification.objects.get(recipient=cast.worker)
    assert "不予采纳" in notice.title and notice.body == "属于物业维修范围,已转物业处理"


def test_only_open_needs_are_declined_and_closed_ones_are_not_edited(cast, need):
    need.status = NeedStatus.PLANNED
    need.save()
    with pytest.raises(WorkflowError):
        services.need_decline(acting_user=cast.worker, need=need, reason="不做了")
    services.need_mark_met(acting_user=cast.worker, need=need)
    need.refresh_from_db()
    assert need.status == NeedStatus.MET
    with pytest.raises(WorkflowError):
        services.need_mark_met(acting_user=cast.worker, need=need)
    with pytest.raises(WorkflowError):
        services.need_update(acting_user=cast.worker, need=need, title="改名")


@pytest.mark.parametrize("role", ["grid_worker", "street_reviewer", "other_worker"])
def test_readers_cannot_decline_or_mark_met(cast, need, role):
    user = getattr(cast, role)
    with pytest.raises(PermissionDenied):
        services.need_decline(acting_user=user, need=need, reason="理由")
    with pytest.raises(PermissionDenied):
        services.need_mark_met(acting_user=user, need=need)
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN


def test_open_needs_without_project_are_counted_per_community(cast):
    NeedFactory(community=cast.community)
    answered = NeedFactory(community=cast.community)
    ProjectFactory(communities=[cast.community]).needs.add(answered)
    NeedFactory(community=cast.community, status=NeedStatus.DECLINED, decline_reason="x")
    NeedFactory(community=cast.other_community)
    counts = open_without_project_counts(cast.street_reviewer)
    assert counts["total"] == 2
    assert {(name, total) for _pk, name, total in counts["per_community"]} == {("莲香", 1), ("淞渔", 1)}
    assert open_without_project_counts(cast.worker)["total"] == 1


# Resources: who writes, what a resource must say


def test_coordinator_offers_a_paired_units_resource(cast, unit):
    resource = services.resource_create(
        acting_user=cast.worker,
        title="共建资金",
        kind=ResourceKind.MONEY,
        provider_unit=unit,
        community=cast.community,
        amount=Decimal("100000"),
        valid_until=TODAY + dt.timedelta(days=365),
    )
    assert (resource.provider_name, resource.created_by, resource.withdrawn) == (unit.name, cast.worker, False)


def test_a_unit_not_paired_with_the_community_cannot_be_named(cast):
    stranger = CoBuildingUnitFactory()
    stranger.communities.add(cast.other_community)
    with pytest.raises(ValidationError) as error:
        services.resource_create(
            acting_user=cast.worker, title="x", kind=ResourceKind.MONEY, provider_unit=stranger,
            community=cast.community, amount=Decimal("1"),
        )
    assert "provider_unit" in error.value.message_dict


def test_only_the_street_admin_offers_street_wide(cast):
    with pytest.raises(PermissionDenied):
        services.resource_create(
            acting_user=cast.worker, title="场地", kind=ResourceKind.VENUE, provider_department="街道党群服务中心"
        )
    resource = services.resource_create(
        acting_user=cast.street_admin, title="场地", kind=ResourceKind.VENUE, provider_department="街道党群服务中心"
    )
    assert resource.community is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        # The model's check lets a NULL amount through; the service does not.
        ({"kind": ResourceKind.MONEY}, "amount"),
        ({"kind": ResourceKind.VOLUNTEERS, "quantity": Decimal("20")}, "unit"),
        ({"kind": ResourceKind.MONEY, "amount": Decimal("5"), "quantity": Decimal("2"), "unit": "次"}, "quantity"),
        ({"kind": ResourceKind.MATERIALS, "provider_unit": "unit", "provider_department": "城建办"}, "provider_department"),
        ({"kind": ResourceKind.SERVICES, "provider_department": ""}, "__all__"),  # no provider at all
        ({"kind": ResourceKind.SERVICES, "valid_from": TODAY, "valid_until": TODAY - dt.timedelta(days=1)}, "__all__"),
    ],
)
def test_a_resource_must_say_who_offers_how_much(cast, unit, fields, field):
    fields = {"provider_department": "城建办", **fields}
    if fields.get("provider_unit") == "unit":
        fields["provider_unit"] = unit
    with pytest.raises(ValidationError) as error:
        services.resource_create(acting_user=cast.worker, title="x", community=cast.community, **fields)
    assert field in error.value.message_dict
    assert not Resource.objects.exists()


def test_a_community_offer_tells_its_coordinators(cast, unit):
    services.resource_create(
        acting_user=cast.street_admin, title="50 名志愿者", kind=ResourceKind.VOLUNTEERS, provider_unit=unit,
        community=cast.community, quantity=Decimal("50"), unit="名",
    )
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"secretary", "worker"}


# The unallocated remainder


def test_money_remainder_is_amount_less_every_allocation(cast, unit):
    resource = ResourceFactory(community=cast.community, provider_unit=unit, amount=Decimal("50000.00"))
    assert remaining(resource) == Decimal("50000.00")
    allocate(resource, amount="12000.50")
    allocate(resource, amount="7000")
    # An allocation from another resource does not count.
    allocate(ResourceFactory(community=cast.community, provider_unit=unit), amount="9999")
    assert remaining(resource) == Decimal("30999.50")
    annotated = with_remaining(Resource.objects.filter(pk=resource.pk)).get()
    assert (annotated.allocated_amount, annotated.remaining_amount) == (Decimal("19000.50"), Decimal("30999.50"))


def test_quantity_remainder_is_quantity_less_every_allocation(cast, unit):
    volunteers = ResourceFactory(
        community=cast.community, provider_unit=unit, kind=ResourceKind.VOLUNTEERS, amount=None,
        quantity=Decimal("20"), unit="名",
    )
    allocate(volunteers, quantity="5")
    allocate(volunteers, quantity="3.5")
    # Money on a quantity resource's allocation is not what the remainder counts.
    allocate(volunteers, amount="800", quantity="1")
    assert remaining(volunteers) == Decimal("10.5")


def test_a_resource_with_no_measure_has_no_remainder(cast, unit):
    service = ResourceFactory(
        community=cast.community, provider_unit=unit, kind=ResourceKind.SERVICES, amount=None, quantity=None
    )
    allocate(service, in_kind="义诊一次")
    assert remaining(service) is None


def test_a_list_of_remainders_is_one_query(cast, unit, django_assert_num_queries):
    money = ResourceFactory(community=cast.community, provider_unit=unit, amount=Decimal("1000"))
    stock = ResourceFactory(
        community=cast.community, provider_unit=unit, kind=ResourceKind.MATERIALS, amount=None,
        quantity=Decimal("50"), unit="箱",
    )
    allocate(money, amount="400")
    allocate(money, amount="600")
    allocate(stock, quantity="20")
    with django_assert_num_queries(1):
        rows = {r.pk: remaining(r) for r in with_remaining(Resource.objects.all())}
    assert rows == {money.pk: Decimal("0.00"), stock.pk: Decimal("30.0")}


def test_unused_and_valid_today(cast, unit):
    fresh = ResourceFactory(community=cast.community, provider_unit=unit)
    used = ResourceFactory(community=cast.community, provider_unit=unit)
    allocate(used, amount="1")
    expired = ResourceFactory(community=cast.community, provider_unit=unit, valid_until=TODAY - dt.timedelta(days=1))
    later = ResourceFactory(community=cast.community, provider_unit=unit, valid_from=TODAY + dt.timedelta(days=1))
    withdrawn = ResourceFactory(community=cast.community, provider_unit=unit, withdrawn=True)
    assert set(unused(Resource.objects.all())) == {fresh, expired, later, withdrawn}
    assert set(valid_on(Resource.objects.all())) == {fresh, used}


def test_an_edit_cannot_take_back_what_was_allocated(cast, unit):
    resource = ResourceFactory(community=cast.community, provider_unit=unit, amount=Decimal("10000"))
    allocate(resource, amount="6000")
    with pytest.raises(ValidationError) as error:
        services.resource_update(acting_user=cast.worker, resource=resource, amount=Decimal("5000"))
    assert "6000" in error.value.message_dict["amount"][0]
    with pytest.raises(ValidationError) as error:
        services.resource_update(acting_user=cast.worker, resource=resource, kind=ResourceKind.MATERIALS, amount=None, quantity=Decimal("3"), unit="箱")
    assert "kind" in error.value.message_dict
    updated = services.resource_update(acting_user=cast.worker, resource=resource, amount=Decimal("6000"), title="改后")
    assert (updated.amount, updated.title, remaining(updated)) == (Decimal("6000"), "改后", Decimal("0.00"))


def test_withdraw_once_by_a_writer_of_the_community(cast, unit):
    resource = ResourceFactory(community=cast.community, provider_unit=unit)
    street_wide = ResourceFactory(provider_unit=unit)
    with pytest.raises(PermissionDenied):
        services.resource_withdraw(acting_user=cast.other_worker, resource=resource)
    with pytest.raises(PermissionDenied):
        services.resource_withdraw(acting_user=cast.worker, resource=street_wide)
    services.resource_withdraw(acting_user=cast.worker, resource=resource)
    resource.refresh_from_db()
    assert resource.withdrawn
    with pytest.raises(WorkflowError):
        services.resource_withdraw(acting_user=cast.worker, resource=resource)
    with pytest.raises(WorkflowError):
        services.resource_update(acting_user=cast.worker, resource=resource, title="x")


# The project menu


def test_a_candidate_from_open_needs_takes_the_first_needs_title_and_category(cast):
    first = NeedFactory(community=cast.community, title="莲香新村三区停车难", category=ProjectCategory.PARKING)
    second = NeedFactory(community=cast.community, category=ProjectCategory.SAFETY)
    item = services.menu_item_create(acting_user=cast.worker, needs=[first, second], estimated_budget=Decimal("800000"))
    assert (item.community, item.title, item.category, item.status) == (
        cast.community,
        "莲香新村三区停车难",
        ProjectCategory.PARKING,
        MenuStatus.CANDIDATE,
    )
    assert set(item.needs.all()) == {first, second}


def test_a_candidate_needs_open_needs_of_one_community(cast):
    here, there = NeedFactory(community=cast.community), NeedFactory(community=cast.other_community)
    with pytest.raises(ValidationError) as error:
        services.menu_item_create(acting_user=cast.street_admin, needs=[here, there])
    assert "needs" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.menu_item_create(acting_user=cast.worker, needs=[])
    declined = NeedFactory(community=cast.community, status=NeedStatus.DECLINED, decline_reason="不合理")
    with pytest.raises(ValidationError) as error:
        services.menu_item_create(acting_user=cast.worker, needs=[here, declined])
    assert declined.title in error.value.message_dict["needs"][0]
    with pytest.raises(PermissionDenied):
        services.menu_item_create(acting_user=cast.grid_worker, needs=[here])
    with pytest.raises(ValidationError):
        services.menu_item_create(acting_user=cast.worker, needs=[here], estimated_budget=Decimal("-1"))


def test_both_yes_shortlists_and_tells_the_proposer(cast):
    item = MenuItemFactory(community=cast.community, created_by=cast.worker)
    item = services.menu_item_screen(acting_user=cast.secretary, item=item, need_reasonable=True, feasible=True)
    item.refresh_from_db()
    assert (item.status, item.need_reasonable, item.feasible, item.screened_by) == (
        MenuStatus.SHORTLISTED,
        True,
        True,
        cast.secretary,
    )
    assert Notification.objects.filter(recipient=cast.worker, title__contains="入选菜单").exists()


@pytest.mark.parametrize(("reasonable", "feasible"), [(True, False), (False, True), (False, False)])
def test_a_no_rejects_only_with_a_note(cast, reasonable, feasible):
    item = MenuItemFactory(community=cast.community)
    with pytest.raises(ValidationError) as error:
        services.menu_item_screen(acting_user=cast.worker, item=item, need_reasonable=reasonable, feasible=feasible)
    assert error.value.message_dict == {"note": ["未入选须写明筛选意见。"]}
    item.refresh_from_db()
    assert (item.status, item.screened_at) == (MenuStatus.CANDIDATE, None)
    services.menu_item_screen(
        acting_user=cast.worker, item=item, need_reasonable=reasonable, feasible=feasible, note="涉及规划调整,暂不可行"
    )
    item.refresh_from_db()
    assert (item.status, item.screening_note) == (MenuStatus.REJECTED, "涉及规划调整,暂不可行")


def test_who_screens(cast):
    item = MenuItemFactory(community=cast.community)
    for user in (cast.grid_worker, cast.other_worker, cast.no_role):
        with pytest.raises(PermissionDenied):
            services.menu_item_screen(acting_user=user, item=item, need_reasonable=True, feasible=True)
    # The street reviews the menu too (DOMAIN.md §9).
    services.menu_item_screen(acting_user=cast.street_reviewer, item=item, need_reasonable=True, feasible=True)
    item.refresh_from_db()
    assert item.status == MenuStatus.SHORTLISTED


def test_rescreening_until_adopted(cast):
    item = MenuItemFactory(community=cast.community)
    services.menu_item_screen(acting_user=cast.worker, item=item, need_reasonable=True, feasible=False, note="预算过高")
    services.menu_item_screen(acting_user=cast.worker, item=item, need_reasonable=True, feasible=True, note="共建单位认领后可行")
    item.refresh_from_db()
    assert item.status == MenuStatus.SHORTLISTED
    item.status = MenuStatus.ADOPTED
    item.save()
    with pytest.raises(WorkflowError):
        services.menu_item_screen(acting_user=cast.worker, item=item, need_reasonable=True, feasible=True)
    with pytest.raises(WorkflowError):
        services.menu_item_update(acting_user=cast.worker, item=item, title="x")


def test_revising_a_screened_candidate_sends_it_back_to_screening(cast):
    need = NeedFactory(community=cast.community)
    item = services.menu_item_create(acting_user=cast.worker, needs=[need])
    services.menu_item_screen(acting_user=cast.worker, item=item, need_reasonable=True, feasible=True)
    added = NeedFactory(community=cast.community)
    item = services.menu_item_update(
        acting_user=cast.worker, item=item, estimated_budget=Decimal("120000"), needs=[need, added], category=""
    )
    item.refresh_from_db()
    assert (item.status, item.need_reasonable, item.screened_at, item.estimated_budget) == (
        MenuStatus.CANDIDATE,
        None,
        None,
        Decimal("120000"),
    )
    assert item.category == need.category and set(item.needs.all()) == {need, added}


# Matching suggestions


def test_suggestions_put_the_same_community_and_category_first(cast, unit):
    need = NeedFactory(community=cast.community, category=ProjectCategory.PARKING)
    soon, later = TODAY + dt.timedelta(days=30), TODAY + dt.timedelta(days=300)

    def offer(title, **fields):
        return ResourceFactory(title=title, provider_unit=unit, **fields)

    street_any = offer("街道通用资金", community=None, category="")
    street_parking = offer("街道停车专项", community=None, category=ProjectCategory.PARKING)
    here_any = offer("社区通用资金", community=cast.community, category="")
    here_parking_later = offer("充电桩资金", community=cast.community, category=ProjectCategory.PARKING, valid_until=later)
    here_parking_soon = offer(
        "施工服务", community=cast.community, category=ProjectCategory.PARKING, kind=ResourceKind.SERVICES,
        amount=None, valid_until=soon,
    )
    # Left out: another community, another category, expired, not yet valid, withdrawn, used up.
    offer("淞渔停车资金", community=cast.other_community, category=ProjectCategory.PARKING)
    offer("养老专项", community=cast.community, category=ProjectCategory.ELDERLY)
    offer("过期资金", community=cast.community, valid_until=TODAY - dt.timedelta(days=1))
    offer("明年资金", community=cast.community, valid_from=TODAY + dt.timedelta(days=10))
    offer("撤回资金", community=cast.community, withdrawn=True)
    used_up = offer("已用完", community=cast.community, amount=Decimal("1000"))
    allocate(used_up, amount="1000")
    empty_stock = offer(
        "已领完的材料", community=cast.community, kind=ResourceKind.MATERIALS, amount=None, quantity=Decimal("5"), unit="箱"
    )
    allocate(empty_stock, quantity="5")

    assert suggest_resources(need, cast.worker) == [
        here_parking_soon,
        here_parking_later,
        here_any,
        street_parking,
        street_any,
    ]
    # A menu item matches by the same rule.
    item = MenuItemFactory(community=cast.community, category=ProjectCategory.PARKING)
    assert suggest_resources(item, cast.street_reviewer)[0] == here_parking_soon


def test_suggestions_only_show_what_the_user_may_see(cast, unit):
    need = NeedFactory(community=cast.community)
    ResourceFactory(community=cast.community, provider_unit=unit, category="")
    assert suggest_resources(need, cast.other_worker) == []
    assert len(suggest_resources(need, cast.grid_worker)) == 1


def test_a_unit_named_by_the_street_stays_when_the_community_edits(cast):
    # The street admin may name any unit; the community's coordinator, who cannot see an
    # unpaired one, still edits the offer without having to change its provider.
    far = CoBuildingUnitFactory(name="中衡设计")
    resource = services.resource_create(
        acting_user=cast.street_admin, title="设计服务", kind=ResourceKind.SERVICES, provider_unit=far,
        community=cast.community,
    )
    updated = services.resource_update(acting_user=cast.worker, resource=resource, provider_unit=far, title="方案设计")
    assert (updated.title, updated.provider_unit) == ("方案设计", far)
    other = CoBuildingUnitFactory()
    with pytest.raises(ValidationError):
        services.resource_update(acting_user=cast.worker, resource=resource, provider_unit=other)


def test_a_measured_offer_keeps_its_measure_once_drawn_on(cast, unit):
    stock = ResourceFactory(
        community=cast.community, provider_unit=unit, kind=ResourceKind.MATERIALS, amount=None,
        quantity=Decimal("50"), unit="箱",
    )
    allocate(stock, quantity="20")
    for quantity in (Decimal("19"), None):
        with pytest.raises(ValidationError) as error:
            services.resource_update(acting_user=cast.worker, resource=stock, quantity=quantity)
        assert "quantity" in error.value.message_dict
    # Money counts yuan only: a quantity noted on its allocation does not bind it.
    money = ResourceFactory(community=cast.community, provider_unit=unit, amount=Decimal("1000"))
    allocate(money, amount="100", quantity="3")
    assert services.resource_update(acting_user=cast.worker, resource=money, title="改名").title == "改名"
