"""Who may do what with lists, projects and meetings. Row scope comes from
`<Model>.objects.visible_to(user)`; these checks come on top of it.

- 社区书记 and 社区工作者 manage their own community's lists, projects and meetings;
  网格员 read them; 街道管理员 manages everywhere.
- 立项 and 验收 are decided by the street (街道审阅 or 街道管理员), DOMAIN.md §4, §9.
"""

from collections.abc import Iterable

from accounts.models import Role, User
from resident_requests.permissions import is_coordinator


def can_manage_community(user: User, community_id: int | None) -> bool:
    return is_coordinator(user, community_id)


def can_manage_project(user: User, community_ids: Iterable[int]) -> bool:
    """A project spanning several communities is managed by any of their coordinators."""
    return any(is_coordinator(user, community_id) for community_id in community_ids) or is_coordinator(user, None)


def can_decide(user: User) -> bool:
    """立项 (approval), 退回 (return) and 验收 (acceptance) belong to the street."""
    return user.is_superuser or user.role in (Role.STREET_ADMIN, Role.STREET_REVIEWER)


def can_moderate_ratings(user: User, community_ids: Iterable[int]) -> bool:
    return can_manage_project(user, community_ids) or can_decide(user)
