"""Write rules for community data. Read scope is `visible_to` (xietang.scoping)."""

from accounts.models import Role
from accounts.permissions import can_edit_community_data
from communities.models import CoBuildingUnit, Household, Resident, ServicePosition


def grid_ids_of(user) -> set[int]:
    if not hasattr(user, "_grid_ids"):
        user._grid_ids = set(user.grids.values_list("pk", flat=True))
    return user._grid_ids


def household_grid_id(household: Household | None) -> int | None:
    return household.stairwell.building.grid_id if household else None


def can_edit_resident_at(user, *, community_id: int, household: Household | None) -> bool:
    """May the user create or keep a resident at this place?

    网格员 write only in their own grids (a household in a building of the grid).
    """
    if user.role == Role.GRID_WORKER:
        return user.community_id == community_id and household_grid_id(household) in grid_ids_of(user)
    return can_edit_community_data(user, community_id)


def can_edit_resident(user, resident: Resident) -> bool:
    return can_edit_resident_at(user, community_id=resident.community_id, household=resident.household)


def can_import_residents(user) -> bool:
    """Street admin, 社区书记 and 社区工作者 (of their own community).

    街道审阅 only reads. 网格员 may write only inside their grids; rather than
    importing part of a sheet, the whole import is refused to them.
    """
    return can_edit_community_data(user, user.community_id)


def can_edit_co_building_unit(user, unit: CoBuildingUnit | None) -> bool:
    """Street admins edit every unit; community staff add units and edit those paired with their community."""
    if user.is_superuser or user.role == Role.STREET_ADMIN:
        return True
    if user.role not in (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER):
        return False
    return unit is None or unit.communities.filter(pk=user.community_id).exists()


def can_edit_service_position(user, position: ServicePosition | None) -> bool:
    """Street-level positions belong to the street; community and grid positions to their community."""
    if user.is_superuser or user.role == Role.STREET_ADMIN:
        return True
    if user.role not in (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER):
        return False
    return position is None or position.community_id == user.community_id
