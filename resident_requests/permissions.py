"""Who may take which action on a request. Row scope (which requests a user sees) is
`ResidentRequest.objects.visible_to(user)`; these checks come on top of it."""

from accounts.models import Role, User
from resident_requests.models import (
    EventAction,
    HandlerKind,
    ResidentRequest,
    Satisfaction,
)
from resident_requests.workflow import allowed_actions

COORDINATOR_ROLES = (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER)
# Handler actions: taken by the assigned person, or by the community's coordinators
# for a street department or property company that has no account here.
HANDLER_ACTIONS = (EventAction.SIGN, EventAction.RESOLVE, EventAction.RETURN, EventAction.EXTEND_REQUEST)
COORDINATOR_ACTIONS = (
    EventAction.ACCEPT,
    EventAction.REJECT,
    EventAction.MERGE,
    EventAction.DISPATCH,
    EventAction.CALLBACK,
    EventAction.REOPEN,
    EventAction.ARCHIVE,
)
EXTENSION_DECISIONS = (EventAction.EXTEND_APPROVE, EventAction.EXTEND_REFUSE)


def is_coordinator(user: User, community_id: int | None) -> bool:
    """Accepts, dispatches and closes the community's requests (社区书记、社区工作者; 街道管理员 anywhere)."""
    if user.is_superuser or user.role == Role.STREET_ADMIN:
        return True
    return user.role in COORDINATOR_ROLES and community_id is not None and user.community_id == community_id


def can_log_request(user: User, community_id: int | None) -> bool:
    """Staff intake and 随手拍: everyone who writes in the community (网格员 included; not 街道审阅)."""
    if user.is_superuser or user.role == Role.STREET_ADMIN:
        return True
    return user.role in (*COORDINATOR_ROLES, Role.GRID_WORKER) and user.community_id == community_id


def is_handler(user: User, request: ResidentRequest) -> bool:
    if request.handler_id is not None:
        return request.handler_id == user.pk
    external = request.handler_kind in (HandlerKind.STREET_DEPARTMENT, HandlerKind.PROPERTY_COMPANY)
    return external and is_coordinator(user, request.community_id)


def can_decide_extension(user: User) -> bool:
    """延期 is approved by the street (DOMAIN.md §9)."""
    return user.is_superuser or user.role in (Role.STREET_ADMIN, Role.STREET_REVIEWER)


def can_urge(user: User, request: ResidentRequest) -> bool:
    """催办 by the community secretary; 督办 by the street."""
    if can_decide_extension(user):
        return True
    return user.role == Role.COMMUNITY_SECRETARY and user.community_id == request.community_id


def can_act(user: User, request: ResidentRequest, action: str) -> bool:
    if action in COORDINATOR_ACTIONS:
        return is_coordinator(user, request.community_id)
    if action == EventAction.RETURN:
        # The coordinator may also recall a case, e.g. when the handler is away.
        return is_handler(user, request) or is_coordinator(user, request.community_id)
    if action in HANDLER_ACTIONS:
        return is_handler(user, request)
    if action in EXTENSION_DECISIONS:
        return can_decide_extension(user)
    if action in (EventAction.URGE, EventAction.SUPERVISE):
        return can_urge(user, request)
    return False


def available_actions(user: User, request: ResidentRequest) -> list[str]:
    """The workflow actions (EventAction values) the user may take on the request now.

    The state table allows it, the role allows it, and the request's details do
    (an extension to decide, a 不满意 callback to reopen). Pages draw their
    buttons and the API lists `allowed_actions` from this one rule.
    """
    pending_extension = request.extension_until is not None
    actions = []
    for action in allowed_actions(request.status):
        if not can_act(user, request, action):
            continue
        if action in EXTENSION_DECISIONS and not pending_extension:
            continue
        if action == EventAction.EXTEND_REQUEST and pending_extension:
            continue
        if action == EventAction.REOPEN and request.callback_satisfaction != Satisfaction.DISSATISFIED:
            continue
        actions.append(action)
    return actions
