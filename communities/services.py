"""Writes to community data. Each one checks the actor, runs in a transaction and audits."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.audit import audit_record
from accounts.models import AuditAction, User
from accounts.permissions import can_reveal_id_number
from communities.models import (
    CoBuildingUnit,
    Community,
    PartyOrganisation,
    PartyTier,
    Resident,
    ResidentTag,
    ServicePosition,
    Street,
)
from communities.permissions import (
    can_edit_co_building_unit,
    can_edit_resident,
    can_edit_resident_at,
    can_edit_service_position,
)

RESIDENT_FIELDS = (
    "community",
    "household",
    "address",
    "name",
    "gender",
    "birth_date",
    "mobile",
    "id_number",
    "residence_type",
    "note",
)
# Personal values never go into the audit row, only the fact that they changed.
SENSITIVE_FIELDS = {"id_number", "mobile", "birth_date"}


def _audit_value(field: str, value) -> str:
    if field in SENSITIVE_FIELDS:
        return "***"
    if hasattr(value, "pk"):
        return str(value)
    return "" if value is None else str(value)


def _label(field: str) -> str:
    """Audit rows are read by people: key them by the field's Chinese name."""
    return "标签" if field == "tags" else str(Resident._meta.get_field(field).verbose_name)


def _tag_names(tags) -> list[str]:
    return sorted(tag.name for tag in tags)


@transaction.atomic
def resident_create(*, acting_user: User, tags: list[ResidentTag] | None = None, **fields) -> Resident:
    resident = Resident(**{name: fields.get(name) for name in RESIDENT_FIELDS if name in fields})
    if not can_edit_resident_at(acting_user, community_id=resident.community_id, household=resident.household):
        raise PermissionDenied("不能在该社区或网格登记居民。")
    resident.full_clean()
    resident.save()
    if tags:
        resident.tags.set(tags)
    changes = {
        _label(name): ["", _audit_value(name, getattr(resident, name))]
        for name in RESIDENT_FIELDS
        if getattr(resident, name)
    }
    if tags:
        changes[_label("tags")] = [[], _tag_names(tags)]
    audit_record(actor=acting_user, action=AuditAction.CREATE, obj=resident, changes=changes)
    return resident


@transaction.atomic
def resident_update(
    *, acting_user: User, resident: Resident, tags: list[ResidentTag] | None = None, **fields
) -> Resident:
    if not can_edit_resident(acting_user, resident):
        raise PermissionDenied("不能修改该居民。")
    changes: dict[str, list] = {}
    for name, value in fields.items():
        if name not in RESIDENT_FIELDS:
            raise TypeError(f"resident_update got an unknown field {name!r}")
        old = getattr(resident, name)
        if old != value:
            changes[_label(name)] = [_audit_value(name, old), _audit_value(name, value)]
            setattr(resident, name, value)
    # The new place must be one the actor may write to as well (no moving residents out of scope).
    if not can_edit_resident(acting_user, resident):
        raise PermissionDenied("不能把居民移到您管辖范围以外。")
    resident.full_clean()
    changed_fields = [name for name in fields if _label(name) in changes]
    if changed_fields:
        resident.save(update_fields=[*changed_fields, "updated_at"])
    if tags is not None:
        old_tags = _tag_names(resident.tags.all())
        if old_tags != _tag_names(tags):
            resident.tags.set(tags)
            changes[_label("tags")] = [old_tags, _tag_names(tags)]
    if changes:
        audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=resident, changes=changes)
    return resident


@transaction.atomic
def resident_delete(*, acting_user: User, resident: Resident) -> None:
    if not can_edit_resident(acting_user, resident):
        raise PermissionDenied("不能删除该居民。")
    audit_record(actor=acting_user, action=AuditAction.DELETE, obj=resident)
    resident.delete()


@transaction.atomic
def resident_reveal_id_number(*, acting_user: User, resident: Resident) -> str:
    """Return the full ID number and log who saw it (PIPL: log who saw full values)."""
    if not can_reveal_id_number(acting_user):
        raise PermissionDenied("您的角色不能查看完整证件号。")
    audit_record(actor=acting_user, action=AuditAction.REVEAL_ID, obj=resident)
    return resident.id_number


def party_organisation_community_id(organisation: PartyOrganisation) -> int | None:
    """The community a tier 3–5 organisation lies in, derived from what it covers."""
    if organisation.stairwell_id:
        return organisation.stairwell.building.compound.community_id
    if organisation.building_id:
        return organisation.building.compound.community_id
    if organisation.compound_id:
        return organisation.compound.community_id
    if organisation.tier.level == PartyTier.COMMUNITY and organisation.pk:
        first = organisation.covered_communities.first()
        return first.pk if first else None
    return None


@transaction.atomic
def party_organisation_save(
    *, organisation: PartyOrganisation, covered_communities=None
) -> PartyOrganisation:
    """Save an organisation and keep its denormalised `community` in step with its coverage."""
    organisation.full_clean(exclude=["community"])
    organisation.save()
    if covered_communities is not None:
        organisation.covered_communities.set(covered_communities)
    community_id = party_organisation_community_id(organisation)
    if organisation.community_id != community_id:
        organisation.community_id = community_id
        organisation.save(update_fields=["community"])
    return organisation


@transaction.atomic
def co_building_unit_save(
    *, acting_user: User, unit: CoBuildingUnit, communities: list[Community]
) -> CoBuildingUnit:
    """Create or update a unit. Community staff keep pairings with other communities they cannot see."""
    existing = CoBuildingUnit.objects.get(pk=unit.pk) if unit.pk else None
    if not can_edit_co_building_unit(acting_user, existing):
        raise PermissionDenied("不能修改该共建单位。")
    if not unit.street_id:
        # One street is served; community staff's street is their community's.
        unit.street = acting_user.community.street if acting_user.community_id else Street.objects.get()
    unit.full_clean()
    unit.save()
    if acting_user.is_street_level:
        unit.communities.set(communities)
    else:
        hidden = list(unit.communities.exclude(pk=acting_user.community_id))
        unit.communities.set([*hidden, *[c for c in communities if c.pk == acting_user.community_id]])
        if not unit.communities.filter(pk=acting_user.community_id).exists():
            # A community's new unit is paired with it, or the author could not see it afterwards.
            unit.communities.add(acting_user.community_id)
    return unit


@transaction.atomic
def service_position_save(*, acting_user: User, position: ServicePosition) -> ServicePosition:
    existing = ServicePosition.objects.get(pk=position.pk) if position.pk else None
    if not can_edit_service_position(acting_user, existing) or not can_edit_service_position(acting_user, position):
        raise PermissionDenied("不能在该层级或社区维护党群服务阵地。")
    position.full_clean()
    position.save()
    return position
