"""Reads of service hours: the organiser's 待确认时长 queue, a record's history, totals."""

from django.db.models import QuerySet, Sum

from accounts.models import User
from volunteers.models import HoursStatus, ServiceHours, ServiceHoursChange


def hours_queue(user: User, *, status: str = HoursStatus.PENDING) -> QuerySet[ServiceHours]:
    """Records in the user's scope with this status, oldest service first."""
    return (
        ServiceHours.objects.visible_to(user)
        .filter(status=status)
        .select_related("volunteer", "activity__community", "signup__shift", "decided_by")
        .order_by("served_on", "id")
    )


def hours_history(record: ServiceHours) -> QuerySet[ServiceHoursChange]:
    return record.changes.select_related("actor").order_by("created_at", "id")


def confirmed_minutes(volunteer) -> int:
    return (
        ServiceHours.objects.filter(volunteer=volunteer, status=HoursStatus.CONFIRMED).aggregate(total=Sum("minutes"))[
            "total"
        ]
        or 0
    )
