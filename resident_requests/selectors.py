"""Reads of resident requests for pages, exports and the API."""

import difflib

from django.db.models import Q, QuerySet

from accounts.models import Role, User
from resident_requests.models import OPEN_STATES, RequestEvent, ResidentRequest, Status


class InboxScope:
    MINE = "mine"  # what waits for me: handled by me, or owned by me and open
    GRID = "grid"  # my grids (网格员)
    COMMUNITY = "community"
    ALL = "all"  # everything I may see


def default_scope(user: User) -> str:
    if user.role == Role.GRID_WORKER:
        return InboxScope.GRID
    if user.is_street_level:
        return InboxScope.ALL
    return InboxScope.COMMUNITY


def inbox(*, user: User, scope: str) -> QuerySet[ResidentRequest]:
    """Requests the user sees, narrowed to one inbox tab; rows carry what a list shows."""
    queryset = ResidentRequest.objects.visible_to(user)
    if scope == InboxScope.MINE:
        queryset = queryset.filter(
            Q(handler=user, status__in=(Status.DISPATCHED, Status.IN_PROGRESS))
            | Q(owner=user, status__in=(*OPEN_STATES, Status.RESOLVED))
        )
    elif scope == InboxScope.GRID:
        queryset = queryset.filter(Q(grid__workers=user) | Q(handler=user)).distinct()
    return for_list(queryset)


def for_list(queryset: QuerySet[ResidentRequest]) -> QuerySet[ResidentRequest]:
    return queryset.select_related("category", "community", "compound", "building", "grid", "handler", "owner")


def timeline(request: ResidentRequest) -> QuerySet[RequestEvent]:
    return request.events.select_related("actor")


def public_timeline(request: ResidentRequest) -> list[RequestEvent]:
    """Steps a resident may see: no staff names, no internal notes (the template shows public_label only)."""
    return [event for event in request.events.all() if event.public_label]


DUPLICATE_SIMILARITY = 0.5


def duplicate_candidates(request: ResidentRequest, *, limit: int = 5) -> list[tuple[ResidentRequest, float]]:
    """Open requests of the same category at the same place with similar text, most similar first.

    Same place = same building if known, else same compound, else same community.
    """
    place = (
        Q(building=request.building_id)
        if request.building_id
        else Q(compound=request.compound_id)
        if request.compound_id
        else Q(community=request.community_id)
    )
    candidates = (
        ResidentRequest.objects.filter(place, category=request.category_id)
        .filter(status__in=(Status.SUBMITTED, *OPEN_STATES))
        .exclude(pk=request.pk)
        .order_by("-submitted_at")[:100]
    )
    scored = [
        (other, difflib.SequenceMatcher(None, request.description, other.description).ratio())
        for other in candidates
    ]
    similar = [(other, score) for other, score in scored if score >= DUPLICATE_SIMILARITY]
    return sorted(similar, key=lambda pair: pair[1], reverse=True)[:limit]
