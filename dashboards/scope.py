"""What a dashboard or report is about: the whole street, one community, or one grid.

A `Scope` is a plain value (no user in it), so Celery reports can build one for
any community. Which scopes a user may open is decided here, once:

- 街道管理员 and 街道审阅 open the street, any community and any grid;
- 社区书记 and 社区工作者 open their own community and its grids;
- 网格员 open their community and its grids too (they read their community
  everywhere else in the portal), and land on their own grid.

Anything else answers 404 (out of scope, as everywhere in the portal).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Role
from communities.models import Community, Grid


class Level:
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"


@dataclass(frozen=True)
class Scope:
    level: str
    community: Community | None = None
    grid: Grid | None = None

    @classmethod
    def street(cls) -> Scope:
        return cls(Level.STREET)

    @classmethod
    def for_community(cls, community: Community) -> Scope:
        return cls(Level.COMMUNITY, community=community)

    @classmethod
    def for_grid(cls, grid: Grid) -> Scope:
        # The grid's community must be loaded with it (select_related) to avoid a query per use.
        return cls(Level.GRID, community=grid.community, grid=grid)

    @property
    def is_street(self) -> bool:
        return self.level == Level.STREET

    @property
    def is_community(self) -> bool:
        return self.level == Level.COMMUNITY

    @property
    def is_grid(self) -> bool:
        return self.level == Level.GRID

    @property
    def community_id(self) -> int | None:
        return self.community.pk if self.community is not None else None

    @property
    def grid_id(self) -> int | None:
        return self.grid.pk if self.grid is not None else None

    @property
    def label(self) -> str:
        if self.is_grid:
            return f"{self.community.name} · {self.grid.name}"
        if self.is_community:
            return self.community.name
        return _("全街道")

    def __str__(self) -> str:
        return self.label

    @property
    def key(self) -> str:
        """The value of the scope selector: street, c<pk> or g<pk>."""
        if self.is_grid:
            return f"g{self.grid.pk}"
        if self.is_community:
            return f"c{self.community.pk}"
        return Level.STREET

    def request_filter_query(self) -> dict[str, str]:
        """The request inbox parameters for this scope (resident_requests.filters.RequestFilter and its tabs).

        `scope=community` is the tab of community staff; street users do not have it and get
        their default tab (全街道), which the community/grid filter then narrows."""
        if self.is_grid:
            return {"scope": "community", "community": str(self.community.pk), "grid": str(self.grid.pk)}
        if self.is_community:
            return {"scope": "community", "community": str(self.community.pk)}
        return {"scope": "all"}

    def community_query(self) -> dict[str, str]:
        """`community=<pk>` for lists that filter by community (projects, activities), nothing at street level."""
        return {"community": str(self.community.pk)} if self.community is not None else {}


# --- Which scopes a user may open -------------------------------------------


def can_see_street(user) -> bool:
    return bool(user.is_street_level)


def default_scope(user) -> Scope:
    """Where the dashboard opens for a user with no remembered choice."""
    if user.is_street_level:
        return Scope.street()
    if user.role == Role.GRID_WORKER:
        grid = user.grids.select_related("community").filter(community_id=user.community_id).order_by("serial").first()
        if grid is not None:
            return Scope.for_grid(grid)
    return Scope.for_community(user.community)


def community_in_scope(user, pk) -> Community:
    """The community `pk` if the user may open it; else 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    found = Community.objects.visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def grid_in_scope(user, pk) -> Grid:
    """The grid `pk` if the user may open it (street users: any; community staff: their community's); else 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    found = Grid.objects.visible_to(user).select_related("community").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def scope_from_key(user, key: str) -> Scope:
    """The scope named by the selector value (street, c<pk>, g<pk>), checked against the user; 404 otherwise."""
    key = (key or "").strip()
    if key == Level.STREET:
        if not can_see_street(user):
            raise Http404
        return Scope.street()
    if key[:1] == "c":
        return Scope.for_community(community_in_scope(user, key[1:]))
    if key[:1] == "g":
        return Scope.for_grid(grid_in_scope(user, key[1:]))
    raise Http404


def scope_from_params(user, params) -> Scope | None:
    """The scope the GET parameters ask for (`scope=street|c<pk>|g<pk>`, or `community=`/`grid=`),
    None when they name none. Out of the user's place: 404."""
    if params.get("scope"):
        return scope_from_key(user, params["scope"])
    if params.get("grid"):
        return Scope.for_grid(grid_in_scope(user, params["grid"]))
    if params.get("community"):
        return Scope.for_community(community_in_scope(user, params["community"]))
    return None


def stored_scope(user, preference) -> Scope | None:
    """The remembered scope if the user may still open it (people move between communities), else None."""
    if preference is None:
        return None
    if preference.grid_id is not None:
        grid = preference.grid
        if grid is not None and (user.is_street_level or grid.community_id == user.community_id):
            return Scope.for_grid(grid)
        return None
    if preference.community_id is not None:
        community = preference.community
        if community is not None and (user.is_street_level or community.pk == user.community_id):
            return Scope.for_community(community)
        return None
    return Scope.street() if user.is_street_level else None


def scope_choices(user) -> list[tuple[str, list[tuple[str, str]]]]:
    """Options of the scope selector, grouped: (group label, [(key, label)]). Two queries."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    if can_see_street(user):
        groups.append((_("街道"), [(Level.STREET, _("全街道"))]))
    communities = list(Community.objects.visible_to(user).order_by("code").only("pk", "name", "code"))
    groups.append((_("社区"), [(f"c{c.pk}", c.name) for c in communities]))
    grids = Grid.objects.visible_to(user).select_related("community").order_by("community__code", "serial")
    multi = user.is_street_level
    groups.append(
        (_("网格"), [(f"g{g.pk}", f"{g.community.name} · {g.name}" if multi else g.name) for g in grids])
    )
    return groups
