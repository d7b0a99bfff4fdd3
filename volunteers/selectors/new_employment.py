"""Reads for the new employment groups (新就业群体): counts, 暖心驿站 and care activities. DOMAIN.md §7."""

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User
from communities.models import PositionType, ServicePosition
from volunteers.models import (
    Activity,
    ActivityType,
    NewEmploymentWorker,
    StationAmenity,
    WorkerKind,
)


def workers_for_list(queryset: QuerySet[NewEmploymentWorker]) -> QuerySet[NewEmploymentWorker]:
    return queryset.select_related("community", "reporter", "volunteer")


def counts_by_company(queryset: QuerySet[NewEmploymentWorker]) -> list[dict]:
    """彭山: 顺丰 48, 中通 7, 叮咚 8: one row per company and kind, largest first."""
    labels = dict(WorkerKind.choices)
    rows = (
        queryset.order_by()
        .values("company", "kind")
        .annotate(total=Count("id"), party_members=Count("id", filter=Q(is_party_member=True)))
        .order_by("-total", "company", "kind")
    )
    return [
        {"company": row["company"], "kind": row["kind"], "kind_label": labels.get(row["kind"], row["kind"]), "total": row["total"], "party_members": row["party_members"]}
        for row in rows
    ]


def counts_by_kind(queryset: QuerySet[NewEmploymentWorker]) -> list[dict]:
    labels = dict(WorkerKind.choices)
    rows = queryset.order_by().values("kind").annotate(total=Count("id")).order_by("-total", "kind")
    return [{"kind": row["kind"], "kind_label": labels.get(row["kind"], row["kind"]), "total": row["total"]} for row in rows]


def warm_stations(user: User) -> QuerySet[ServicePosition]:
    """The 暖心驿站 the user may see, with their amenities (two queries for the whole list)."""
    return (
        ServicePosition.objects.visible_to(user)
        .filter(position_type=PositionType.WARM_STATION)
        .select_related("community")
        .prefetch_related(Prefetch("amenities", queryset=StationAmenity.objects.order_by("amenity")))
        .order_by("community__name", "name")
    )


def care_activities(user: User, limit: int = 20) -> QuerySet[Activity]:
    return (
        Activity.objects.visible_to(user)
        .filter(activity_type=ActivityType.NEW_EMPLOYMENT_CARE)
        .select_related("community", "team")
        .order_by("-created_at")[:limit]
    )
