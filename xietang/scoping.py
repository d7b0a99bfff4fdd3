"""Scope in one place: which rows a staff user may see.

Every model a staff user can reach has a queryset deriving from
`ScopedQuerySet` that names the path from the row to its community.
Pages, the API, exports and the admin all start from `visible_to(user)`;
`get_visible_or_404` is how a view fetches one object, so out-of-scope
objects answer 404 rather than 403 (no hint that they exist).
"""

from django.db import models
from django.db.models import Q
from django.http import Http404


class ScopedQuerySet(models.QuerySet):
    # Path from this model to communities.Community, e.g. "compound__community".
    community_lookup: str = "community"
    # Rows with no community (street-level records) are visible to everyone
    # with a staff role when this is True.
    street_rows_public: bool = False

    def visible_to(self, user) -> "ScopedQuerySet":
        if not getattr(user, "is_authenticated", False) or not user.has_staff_role:
            return self.none()
        if user.is_street_level:
            return self.all()
        condition = Q(**{self.community_lookup: user.community_id})
        if self.street_rows_public:
            condition |= Q(**{f"{self.community_lookup}__isnull": True})
        return self.filter(condition)


def get_visible_or_404(queryset: ScopedQuerySet, user, **lookup):
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc
