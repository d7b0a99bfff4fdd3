"""Reads for the three lists (三张清单): needs, resources and the project menu. DOMAIN.md §4.

The unallocated remainder of a resource is computed here and only here: money is
amount − Σ allocations.amount, any other kind quantity − Σ allocations.quantity
(an allocation is a `Contribution` naming the resource). `with_remaining(queryset)`
adds both as subqueries, so a list of resources costs one query; `remaining(resource)`
reads the annotation or asks the database for one resource. The "work" area calls
`remaining` before it allocates from a resource.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from projects.models import (
    Contribution,
    MenuItem,
    Need,
    NeedStatus,
    Project,
    Resource,
    ResourceKind,
)
from resident_requests.models import ResidentRequest

# Wide enough for a sum of many allocations of the model's largest values.
MONEY = DecimalField(max_digits=14, decimal_places=2)
QUANTITY = DecimalField(max_digits=12, decimal_places=1)
# How many matching resources a need or menu item page lists.
SUGGESTION_LIMIT = 10


# Resources: remainder, validity, use


def _allocated(field: str, output_field: DecimalField):
    rows = Contribution.objects.filter(resource=OuterRef("pk")).order_by().values("resource")
    total = Subquery(rows.annotate(total=Sum(field)).values("total")[:1], output_field=output_field)
    return Coalesce(total, Value(Decimal(0)), output_field=output_field)


def with_remaining(queryset: QuerySet[Resource]) -> QuerySet[Resource]:
    """Annotate `allocated_amount`, `allocated_quantity`, `remaining_amount` and `remaining_quantity`.

    A remainder is null when the resource states no amount (or no quantity);
    it may be negative if allocations overshoot, which the "work" area refuses."""
    return queryset.annotate(
        allocated_amount=_allocated("amount", MONEY),
        allocated_quantity=_allocated("quantity", QUANTITY),
    ).annotate(
        remaining_amount=ExpressionWrapper(F("amount") - F("allocated_amount"), output_field=MONEY),
        remaining_quantity=ExpressionWrapper(F("quantity") - F("allocated_quantity"), output_field=QUANTITY),
    )


def remaining(resource: Resource) -> Decimal | None:
    """What is still unallocated: yuan for money, `resource.unit` for the other kinds;
    None when the resource has no measurable size (a service with no quantity)."""
    if not hasattr(resource, "remaining_amount"):
        resource = with_remaining(Resource.objects.filter(pk=resource.pk)).get()
    money = resource.kind == ResourceKind.MONEY
    value = resource.remaining_amount if money else resource.remaining_quantity
    if value is None:
        return None
    # SQLite hands back 200000 where PostgreSQL says 200000.00: one scale, the model field's.
    return Decimal(value).quantize(Decimal("0.01") if money else Decimal("0.1"))


def valid_on(queryset: QuerySet[Resource], day: dt.date | None = None) -> QuerySet[Resource]:
    """Offered on `day` (today by default): inside its validity period and not withdrawn."""
    day = day or timezone.localdate()
    return queryset.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        withdrawn=False,
    )


def has_allocations() -> Exists:
    return Exists(Contribution.objects.filter(resource=OuterRef("pk")))


def unused(queryset: QuerySet[Resource]) -> QuerySet[Resource]:
    """Resources nothing has been allocated from yet (资源闲置)."""
    return queryset.filter(~has_allocations())


def with_remainder_left(queryset: QuerySet[Resource]) -> QuerySet[Resource]:
    """Of an annotated queryset: the ones with something left, or with no measurable size."""
    money_left = Q(kind=ResourceKind.MONEY, remaining_amount__gt=0)
    other_left = ~Q(kind=ResourceKind.MONEY) & (Q(remaining_quantity__isnull=True) | Q(remaining_quantity__gt=0))
    return queryset.filter(money_left | other_left)


def resources_for_list(queryset: QuerySet[Resource]) -> QuerySet[Resource]:
    return with_remaining(queryset.select_related("provider_unit", "community"))


def unit_resources(unit, user: User) -> QuerySet[Resource]:
    """A co-building unit's offers as the user may see them, with what is left of each
    (the unit page's partial projects/lists/_unit_resources.html)."""
    return resources_for_list(Resource.objects.visible_to(user).filter(provider_unit=unit)).order_by("withdrawn", "-created_at", "-id")


# Matching


def suggest_resources(need_or_item: Need | MenuItem, user: User, *, day: dt.date | None = None) -> list[Resource]:
    """Resources that could serve a need or a menu item.

    Those of its community or street-wide, for its category or for any, valid
    `day`, not withdrawn, with something left (or no measurable size). The same
    community comes before street-wide offers and the same category before
    "不限", since a targeted offer is the closer fit; then the one that expires
    first, so it is used before it lapses."""
    community_id, category = need_or_item.community_id, need_or_item.category
    candidates = valid_on(Resource.objects.visible_to(user), day).filter(
        Q(community_id=community_id) | Q(community__isnull=True),
        Q(category=category) | Q(category=""),
    )
    ranked = with_remainder_left(resources_for_list(candidates)).annotate(
        community_rank=Case(When(community_id=community_id, then=Value(0)), default=Value(1), output_field=IntegerField()),
        category_rank=Case(When(category=category, then=Value(0)), default=Value(1), output_field=IntegerField()),
    )
    ordered = ranked.order_by(
        "community_rank", "category_rank", F("valid_until").asc(nulls_last=True), "-created_at", "-id"
    )
    return list(ordered[:SUGGESTION_LIMIT])


# Needs


def has_project() -> Exists:
    return Exists(Project.needs.through.objects.filter(need_id=OuterRef("pk")))


def without_project(queryset: QuerySet[Need]) -> QuerySet[Need]:
    """Needs no project answers yet (尚无项目)."""
    return queryset.filter(~has_project())


def _count_of(through_model, column: str):
    rows = through_model.objects.filter(need_id=OuterRef("pk")).order_by().values("need_id")
    total = Subquery(rows.annotate(total=Count(column)).values("total")[:1], output_field=IntegerField())
    return Coalesce(total, Value(0), output_field=IntegerField())


def needs_for_list(queryset: QuerySet[Need]) -> QuerySet[Need]:
    return queryset.select_related("community", "compound").annotate(
        evidence_count=_count_of(Need.evidence_requests.through, "residentrequest_id"),
        has_project=has_project(),
    )


def open_without_project_counts(user: User) -> dict:
    """How many open needs (待办) have no project yet: in total and per community, for the list page."""
    rows = (
        without_project(Need.objects.visible_to(user).filter(status=NeedStatus.OPEN))
        .order_by()
        .values("community_id", "community__name")
        .annotate(total=Count("pk"))
        .order_by("-total", "community__name")
    )
    per_community = [(row["community_id"], row["community__name"], row["total"]) for row in rows]
    return {"total": sum(total for _id, _name, total in per_community), "per_community": per_community}


def need_evidence(need: Need, user: User) -> QuerySet[ResidentRequest]:
    """The linked requests the user may open: code, category and status only are shown."""
    return (
        need.evidence_requests.visible_to(user)
        .select_related("category")
        .only("pk", "tracking_code", "status", "submitted_at", "community_id", "category__name")
        .order_by("submitted_at", "pk")
    )


# Menu


def menu_items_for_list(queryset: QuerySet[MenuItem]) -> QuerySet[MenuItem]:
    # A subquery rather than Count("needs"): no GROUP BY, so the model's ordering still holds.
    rows = MenuItem.needs.through.objects.filter(menuitem_id=OuterRef("pk")).order_by().values("menuitem_id")
    count = Subquery(rows.annotate(total=Count("need_id")).values("total")[:1], output_field=IntegerField())
    return queryset.select_related("community").annotate(need_count=Coalesce(count, Value(0), output_field=IntegerField()))


def open_needs_for_menu(user: User) -> QuerySet[Need]:
    """Needs a candidate may be drawn from: open (待办) ones of the communities the user manages."""
    needs = Need.objects.visible_to(user).filter(status=NeedStatus.OPEN).select_related("community")
    if not (user.is_superuser or user.is_street_level):
        needs = needs.filter(community_id=user.community_id)
    return needs.order_by("community__name", "-created_at", "-id")

