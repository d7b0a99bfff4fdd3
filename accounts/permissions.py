"""Role checks shared by pages and the API. Row scope lives in xietang.scoping."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from accounts.models import Role


def is_staff_member(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_staff_role)


def can_edit_community_data(user, community_id: int | None) -> bool:
    """Write access to residents and places of a community.

    街道审阅 only reads; 网格员 read their community, and may write only in
    their grids (checked by `can_edit_resident`).
    """
    if user.is_superuser or user.role == Role.STREET_ADMIN:
        return True
    return user.role in (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER) and user.community_id == community_id


def can_write_residents(user) -> bool:
    """Whether the user writes residents anywhere (街道审阅 only reads)."""
    return user.is_superuser or user.role in (
        Role.STREET_ADMIN,
        Role.COMMUNITY_SECRETARY,
        Role.COMMUNITY_WORKER,
        Role.GRID_WORKER,
    )


def can_reveal_id_number(user) -> bool:
    return user.is_superuser or user.role in settings.ID_REVEAL_ROLES


def can_browse_audit(user) -> bool:
    return user.is_superuser or user.role == Role.STREET_ADMIN


def staff_required(view):
    """Logged in and holding a staff role; otherwise login page or 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class IsStaffMember(BasePermission):
    def has_permission(self, request, view) -> bool:
        return is_staff_member(request.user)
