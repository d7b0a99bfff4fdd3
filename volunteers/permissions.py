"""Who may do what with teams, volunteers, points and the new employment registry.

Row scope comes from `<Model>.objects.visible_to(user)`; these checks come on top of it.

- 社区书记 and 社区工作者 manage their community's teams, volunteers, 积分超市 and
  new employment registry; 街道管理员 manages everywhere, and alone manages
  street-wide teams (no community).
- 网格员 and 街道审阅 read.
- Points are adjusted by hand only by 街道管理员 and the community's 社区书记 (a
  correction moves value, so it needs the person who answers for the community).
"""

from accounts.models import Role, User
from resident_requests.permissions import is_coordinator


def can_manage_community(user: User, community_id: int | None) -> bool:
    """Write access to a community's volunteer data; `None` (street-wide) is the street admin's."""
    if community_id is None:
        return user.is_superuser or user.role == Role.STREET_ADMIN
    return is_coordinator(user, community_id)


def can_manage_any(user: User) -> bool:
    """Whether the user writes volunteer data somewhere (shows the 新建 buttons)."""
    return can_manage_community(user, None) or can_manage_community(user, user.community_id)


def can_adjust_points(user: User, community_id: int | None) -> bool:
    if user.is_superuser or user.role == Role.STREET_ADMIN:
        return True
    return user.role == Role.COMMUNITY_SECRETARY and community_id is not None and user.community_id == community_id
