"""Writes to the three lists (三张清单): needs, resources and the project menu. DOMAIN.md §4.

Who writes: the community's coordinators (社区书记、社区工作者) for their community,
the street admin anywhere (`projects.permissions.can_manage_community`); street-wide
resources (no community) only the street admin. 网格员 and 街道审阅 read. Menu
screening (需求合理、切实可行) is also open to 街道审阅, the street's reviewer
(DOMAIN.md §9), since the street approves what the menu leads to.

Status changes lock the row (`select_for_update`) and check the status on the
fresh copy, so two staff acting at once get one success and one WorkflowError.
The lists change no project, so no ProjectEvent is written here; turning a menu
item into a project is the projects area's service.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from communities.models import Building, CoBuildingUnit, Community, Compound
from projects.models import (
    Contribution,
    MenuItem,
    MenuStatus,
    Need,
    NeedSource,
    NeedStatus,
    ProjectCategory,
    Resource,
    ResourceKind,
)
from projects.permissions import can_decide, can_manage_community
from projects.selectors.lists import with_remaining
from projects.workflow import WorkflowError
from resident_requests.models import ResidentRequest

NEED_FIELDS = ("title", "compound", "buildings", "category", "description", "source", "beneficiaries", "evidence_notes")
# Needs are edited while they are still being worked on; met or declined ones are the record.
NEED_EDITABLE_STATES = (NeedStatus.OPEN, NeedStatus.PLANNED)
RESOURCE_FIELDS = (
    "title",
    "kind",
    "category",
    "provider_unit",
    "provider_department",
    "community",
    "description",
    "amount",
    "quantity",
    "unit",
    "valid_from",
    "valid_until",
)
MENU_ITEM_FIELDS = ("title", "category", "project_type", "description", "estimated_budget", "needs")
# Screening may be repeated (a revised judgement) until the item has become a project.
SCREENABLE_STATES = (MenuStatus.CANDIDATE, MenuStatus.SHORTLISTED, MenuStatus.REJECTED)
# Nullable but not blank=True on the models, so full_clean would call them missing: a
# creator's account may have been deleted (SET_NULL), and an item is null until screened.
KEPT = ["created_by"]
UNSCREENED = [*KEPT, "need_reasonable", "feasible"]


def _notify(recipients: Iterable[User | None], acting_user: User, *, key: str, title: str, body: str, link: str) -> None:
    from accounts.notifications import notify

    # notify() enqueues email/SMS on commit; its in-app rows roll back with the caller.
    others = [user for user in recipients if user is not None and user.pk != acting_user.pk]
    if others:
        notify(recipients=others, key=key, title=title, body=body, link=link)


def _coordinators(community_id: int):
    return User.objects.filter(
        community_id=community_id, role__in=(Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER), is_active=True
    )


def _unknown_fields(fields: dict, allowed: Sequence[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")


# Needs (需求清单)


def _check_need_writer(acting_user: User, community_id: int) -> None:
    if not can_manage_community(acting_user, community_id):
        raise PermissionDenied(_("不能修改该社区的需求清单。"))


def _check_need_place(community_id: int, compound: Compound | None, buildings: Sequence[Building]) -> None:
    if compound is not None and compound.community_id != community_id:
        raise ValidationError({"compound": _("所选小区不属于该社区。")})
    if buildings and compound is None:
        raise ValidationError({"buildings": _("请先选择楼栋所在的小区。")})
    stray = [str(building) for building in buildings if building.compound_id != compound.pk] if buildings else []
    if stray:
        raise ValidationError({"buildings": _("楼栋 %(names)s 不属于所选小区。") % {"names": "、".join(stray)}})


def _locked_need(need: Need) -> Need:
    return Need.objects.select_for_update().get(pk=need.pk)


@transaction.atomic
def need_create(
    *,
    acting_user: User,
    community: Community,
    title: str,
    compound: Compound | None = None,
    buildings: Iterable[Building] = (),
    category: str = ProjectCategory.OTHER,
    description: str = "",
    source: str = NeedSource.REQUESTS,
    beneficiaries: str = "",
    evidence_notes: str = "",
) -> Need:
    if not can_manage_community(acting_user, community.pk):
        raise PermissionDenied(_("不能为该社区登记需求。"))
    buildings = list(buildings)
    _check_need_place(community.pk, compound, buildings)
    need = Need(
        community=community,
        compound=compound,
        title=title.strip(),
        category=category or ProjectCategory.OTHER,
        description=description.strip(),
        source=source or NeedSource.REQUESTS,
        beneficiaries=beneficiaries.strip(),
        evidence_notes=evidence_notes.strip(),
        created_by=acting_user,
    )
    need.full_clean()
    need.save()
    need.buildings.set(buildings)
    return need


@transaction.atomic
def need_update(*, acting_user: User, need: Need, **fields) -> Need:
    """Change what a need says (title, place, category, description, source, beneficiaries, notes).

    The community stays: the evidence requests and meetings belong to it."""
    _unknown_fields(fields, NEED_FIELDS)
    need = _locked_need(need)
    _check_need_writer(acting_user, need.community_id)
    if need.status not in NEED_EDITABLE_STATES:
        raise WorkflowError(_("需求已「%(status)s」,不能再修改。") % {"status": need.get_status_display()})
    if "buildings" in fields:
        buildings = list(fields.pop("buildings"))
    else:
        # Kept, except those left behind by a change of compound.
        compound = fields.get("compound", need.compound)
        buildings = [b for b in need.buildings.all() if compound is not None and b.compound_id == compound.pk]
    for name, value in fields.items():
        setattr(need, name, value.strip() if isinstance(value, str) else value)
    _check_need_place(need.community_id, need.compound, buildings)
    need.full_clean(exclude=KEPT)
    need.save()
    need.buildings.set(buildings)
    return need


@transaction.atomic
def need_add_evidence(*, acting_user: User, need: Need, requests: Iterable[ResidentRequest]) -> int:
    """Mark requests as evidence for a need (from the request inbox)."""
    if not can_manage_community(acting_user, need.community_id):
        raise PermissionDenied(_("不能修改该社区的需求清单。"))
    requests = list(requests)
    foreign = [r.tracking_code for r in requests if r.community_id != need.community_id]
    if foreign:
        raise ValidationError(_("诉求 %(codes)s 不属于该需求所在社区。") % {"codes": "、".join(foreign)})
    need.evidence_requests.add(*requests)
    return len(requests)


@transaction.atomic
def need_decline(*, acting_user: User, need: Need, reason: str) -> Need:
    """不予采纳, with the reason residents' representatives may ask for. Only an open need:
    a planned one is answered by a project, which is cancelled there instead."""
    need = _locked_need(need)
    _check_need_writer(acting_user, need.community_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("不予采纳必须说明理由。")})
    if need.status != NeedStatus.OPEN:
        raise WorkflowError(_("只有待办的需求可以不予采纳,该需求当前为「%(status)s」。") % {"status": need.get_status_display()})
    need.status = NeedStatus.DECLINED
    need.decline_reason = reason
    try:
        need.full_clean(exclude=KEPT)
    except ValidationError as error:
        raise ValidationError({"reason": error.message_dict.get("decline_reason", error.messages)}) from error
    need.save(update_fields=["status", "decline_reason", "updated_at"])
    _notify(
        [need.created_by],
        acting_user,
        key=f"need:{need.pk}:declined",
        title=_("需求不予采纳:%(title)s") % {"title": need.title},
        body=reason,
        link=reverse("projects:need_detail", args=[need.pk]),
    )
    return need


@transaction.atomic
def need_mark_met(*, acting_user: User, need: Need) -> Need:
    """已满足: met by a project or otherwise (a department fixed it, residents solved it)."""
    need = _locked_need(need)
    _check_need_writer(acting_user, need.community_id)
    if need.status not in (NeedStatus.OPEN, NeedStatus.PLANNED):
        raise WorkflowError(_("需求当前为「%(status)s」,不能标记为已满足。") % {"status": need.get_status_display()})
    need.status = NeedStatus.MET
    need.save(update_fields=["status", "updated_at"])
    return need


# Resources (资源清单)


def _check_resource_writer(acting_user: User, community_id: int | None) -> None:
    if can_manage_community(acting_user, community_id):
        return
    if community_id is None:
        raise PermissionDenied(_("只有街道管理员可以登记全街道可用的资源。"))
    raise PermissionDenied(_("不能修改该社区的资源清单。"))


def _check_resource(acting_user: User, resource: Resource, *, unit_chosen: bool = True) -> None:
    """What the model's constraints do not say: one provider, a size that fits the kind.

    A unit is checked when chosen now: one the street admin named stays when a community
    coordinator who cannot see it edits the offer."""
    errors = {}
    unit = resource.provider_unit
    visible_units = CoBuildingUnit.objects.visible_to(acting_user)
    if unit is not None and unit_chosen and not visible_units.filter(pk=unit.pk).exists():
        errors["provider_unit"] = _("只能选择与本社区结对的共建单位。")
    if unit is not None and resource.provider_department:
        errors["provider_department"] = _("提供单位和提供部门只填一项。")
    # The model's check passes a NULL amount (SQL: NULL > 0 is not false), so it is said here.
    if resource.kind == ResourceKind.MONEY and resource.amount is None:
        errors["amount"] = _("资金类资源必须填写金额。")
    if resource.kind == ResourceKind.MONEY and resource.quantity is not None:
        errors["quantity"] = _("资金类资源按金额计,不填数量。")
    if resource.quantity is not None and resource.quantity <= 0:
        errors["quantity"] = _("数量必须大于 0。")
    if resource.quantity is not None and not resource.unit:
        errors["unit"] = _("填写数量时须注明单位,如 名、箱、次。")
    if resource.amount is not None and resource.amount <= 0:
        errors["amount"] = _("金额必须大于 0。")
    if errors:
        raise ValidationError(errors)


def _clean_resource_strings(resource: Resource) -> None:
    for name in ("title", "category", "provider_department", "description", "unit"):
        setattr(resource, name, (getattr(resource, name) or "").strip())


@transaction.atomic
def resource_create(
    *,
    acting_user: User,
    title: str,
    kind: str,
    provider_unit: CoBuildingUnit | None = None,
    provider_department: str = "",
    community: Community | None = None,
    category: str = "",
    description: str = "",
    amount: Decimal | None = None,
    quantity: Decimal | None = None,
    unit: str = "",
    valid_from=None,
    valid_until=None,
) -> Resource:
    _check_resource_writer(acting_user, community.pk if community else None)
    resource = Resource(
        title=title,
        kind=kind,
        provider_unit=provider_unit,
        provider_department=provider_department,
        community=community,
        category=category or "",
        description=description,
        amount=amount,
        quantity=quantity,
        unit=unit,
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=acting_user,
    )
    _clean_resource_strings(resource)
    _check_resource(acting_user, resource)
    resource.full_clean()
    resource.save()
    if community is not None:
        _notify(
            _coordinators(community.pk),
            acting_user,
            key=f"resource:{resource.pk}:offered",
            title=_("新的资源:%(provider)s %(title)s") % {"provider": resource.provider_name, "title": resource.title},
            body=resource.description[:100],
            link=reverse("projects:resource_detail", args=[resource.pk]),
        )
    return resource


@transaction.atomic
def resource_update(*, acting_user: User, resource: Resource, **fields) -> Resource:
    """Edit an offer. What has been allocated stays allocated: the amount or quantity may not
    drop below it, and the kind (what the remainder is counted in) is fixed once allocated."""
    _unknown_fields(fields, RESOURCE_FIELDS)
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    _check_resource_writer(acting_user, resource.community_id)
    if resource.withdrawn:
        raise WorkflowError(_("资源已撤回,不能再修改。"))
    if "community" in fields:
        community = fields["community"]
        _check_resource_writer(acting_user, community.pk if community else None)
    # Read after the lock: an allocation being written now waits for this edit, or came before it.
    sums = with_remaining(Resource.objects.filter(pk=resource.pk)).values("allocated_amount", "allocated_quantity").get()
    allocated_amount, allocated_quantity = sums["allocated_amount"], sums["allocated_quantity"]
    old_kind, old_unit_id = resource.kind, resource.provider_unit_id
    for name, value in fields.items():
        setattr(resource, name, value)
    _clean_resource_strings(resource)
    _check_resource(acting_user, resource, unit_chosen=resource.provider_unit_id != old_unit_id)
    errors = {}
    allocated = Contribution.objects.filter(resource_id=resource.pk).exists()
    if allocated and resource.kind != old_kind:
        errors["kind"] = _("资源已有分配,不能修改资源类型。")
    if resource.amount is not None and allocated_amount and resource.amount < allocated_amount:
        errors["amount"] = _("金额不能少于已分配的 %(n)s 元。") % {"n": allocated_amount}
    # Money counts yuan only (selectors.lists.remaining): a quantity on its allocations is not drawn from it.
    counted = resource.kind != ResourceKind.MONEY
    if counted and allocated_quantity and (resource.quantity is None or resource.quantity < allocated_quantity):
        errors["quantity"] = _("数量不能少于已分配的 %(n)s。") % {"n": allocated_quantity}
    if errors:
        raise ValidationError(errors)
    resource.full_clean(exclude=KEPT)
    resource.save()
    return resource


@transaction.atomic
def resource_withdraw(*, acting_user: User, resource: Resource) -> Resource:
    """The provider takes the offer back: no new allocations; past ones stay on their projects."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    _check_resource_writer(acting_user, resource.community_id)
    if resource.withdrawn:
        raise WorkflowError(_("资源已撤回。"))
    resource.withdrawn = True
    resource.save(update_fields=["withdrawn"])
    return resource


# The project menu (实事菜单)


def _check_menu_needs(acting_user: User, needs: Sequence[Need]) -> int:
    """The needs of a candidate: at least one, open, of one community the user manages. Returns it."""
    if not needs:
        raise ValidationError({"needs": _("请至少选择一项需求。")})
    communities = {need.community_id for need in needs}
    if len(communities) != 1:
        raise ValidationError({"needs": _("候选项目的需求须属于同一社区。")})
    community_id = communities.pop()
    if not can_manage_community(acting_user, community_id):
        raise PermissionDenied(_("不能修改该社区的实事菜单。"))
    # The fresh status under lock: a need declined a moment ago is not drawn on.
    states = dict(Need.objects.select_for_update().filter(pk__in=[n.pk for n in needs]).values_list("pk", "status"))
    closed = [need.title for need in needs if states.get(need.pk) != NeedStatus.OPEN]
    if closed:
        raise ValidationError({"needs": _("只能选择待办的需求:%(titles)s。") % {"titles": "、".join(closed)}})
    return community_id


def _check_budget(item: MenuItem) -> None:
    if item.estimated_budget is not None and item.estimated_budget < 0:
        raise ValidationError({"estimated_budget": _("估算金额不能为负数。")})


@transaction.atomic
def menu_item_create(
    *,
    acting_user: User,
    needs: Iterable[Need],
    title: str = "",
    category: str = "",
    project_type: str = "",
    description: str = "",
    estimated_budget: Decimal | None = None,
) -> MenuItem:
    """A candidate drawn from open needs of one community; title and category default to the first need's."""
    needs = list(needs)
    community_id = _check_menu_needs(acting_user, needs)
    first = needs[0]
    item = MenuItem(
        community_id=community_id,
        title=(title or "").strip() or first.title,
        category=category or first.category,
        project_type=project_type or "",
        description=(description or "").strip(),
        estimated_budget=estimated_budget,
        created_by=acting_user,
    )
    _check_budget(item)
    item.full_clean(exclude=UNSCREENED)
    item.save()
    item.needs.set(needs)
    return item


@transaction.atomic
def menu_item_update(*, acting_user: User, item: MenuItem, **fields) -> MenuItem:
    """Revise a candidate. A screened one goes back to 待筛选: the screening judged the old version."""
    _unknown_fields(fields, MENU_ITEM_FIELDS)
    item = MenuItem.objects.select_for_update().get(pk=item.pk)
    if not can_manage_community(acting_user, item.community_id):
        raise PermissionDenied(_("不能修改该社区的实事菜单。"))
    if item.status == MenuStatus.ADOPTED:
        raise WorkflowError(_("候选项目已转为项目,请在项目中修改。"))
    needs = None
    if "needs" in fields:
        needs = list(fields.pop("needs"))
        current = set(item.needs.values_list("pk", flat=True))
        # Needs already on the item may have moved on (已列入计划); only added ones must be open.
        added = [need for need in needs if need.pk not in current]
        if not needs:
            raise ValidationError({"needs": _("请至少选择一项需求。")})
        if {need.community_id for need in needs} != {item.community_id}:
            raise ValidationError({"needs": _("候选项目的需求须属于同一社区。")})
        if added:
            _check_menu_needs(acting_user, added)
    if not fields.get("category", True):
        # Left blank: keep the category (it defaults to the first need's only on creation).
        del fields["category"]
    for name, value in fields.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    if not item.title:
        raise ValidationError({"title": _("请填写候选项目名称。")})
    if item.status != MenuStatus.CANDIDATE:
        item.status = MenuStatus.CANDIDATE
        item.need_reasonable = item.feasible = None
        item.screening_note = ""
        item.screened_by = item.screened_at = None
    _check_budget(item)
    item.full_clean(exclude=UNSCREENED)
    item.save()
    if needs is not None:
        item.needs.set(needs)
    return item


def can_screen(user: User, item: MenuItem) -> bool:
    """需求合理、切实可行 is judged by the community's coordinators or by the street (DOMAIN.md §9)."""
    return can_manage_community(user, item.community_id) or can_decide(user)


@transaction.atomic
def menu_item_screen(
    *, acting_user: User, item: MenuItem, need_reasonable: bool, feasible: bool, note: str = ""
) -> MenuItem:
    """Both yes: 入选菜单 (residents may then vote on it). Otherwise 未入选, with the reason."""
    item = MenuItem.objects.select_for_update().get(pk=item.pk)
    if not can_screen(acting_user, item):
        raise PermissionDenied(_("不能筛选该社区的实事菜单。"))
    if item.status not in SCREENABLE_STATES:
        raise WorkflowError(_("候选项目已「%(status)s」,不能再筛选。") % {"status": item.get_status_display()})
    note = (note or "").strip()
    shortlisted = bool(need_reasonable) and bool(feasible)
    if not shortlisted and not note:
        raise ValidationError({"note": _("未入选须写明筛选意见。")})
    item.need_reasonable = bool(need_reasonable)
    item.feasible = bool(feasible)
    item.screening_note = note
    item.status = MenuStatus.SHORTLISTED if shortlisted else MenuStatus.REJECTED
    item.screened_by = acting_user
    item.screened_at = timezone.now()
    try:
        item.full_clean(exclude=KEPT)
    except ValidationError as error:
        raise ValidationError({"note": error.message_dict.get("screening_note", error.messages)}) from error
    item.save(
        update_fields=["need_reasonable", "feasible", "screening_note", "status", "screened_by", "screened_at"]
    )
    _notify(
        [item.created_by],
        acting_user,
        # One notice per screening: a repeated screening is news again.
        key=f"menu_item:{item.pk}:screened:{item.screened_at.timestamp():.0f}",
        title=_("实事菜单筛选:%(title)s %(status)s") % {"title": item.title, "status": item.get_status_display()},
        body=note,
        link=reverse("projects:menu_item_detail", args=[item.pk]),
    )
    return item
