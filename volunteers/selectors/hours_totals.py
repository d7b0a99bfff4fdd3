"""The one place that totals a volunteer's confirmed service time and describes it.

民政部《志愿服务记录与证明出具办法(试行)》: only time the organiser confirmed
counts (pending and rejected records never do), and it is actual service time,
so these are sums of `ServiceHours.minutes` with status CONFIRMED and
`served_on` inside the period, both ends included. The volunteer page, the
certificate and the dashboards all read these, so they cannot disagree.

`community` restricts the records to activities of one community: a
certificate covers only what its issuer recorded ("谁记录谁证明").
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet, Sum

from volunteers.models import ActivityType, HoursStatus, ServiceHours, Volunteer

# "垃圾分类宣传劝导 12.0 小时；公益市集 4.0 小时": the full-width semicolon of Chinese prose.
SUMMARY_SEPARATOR = "；"


@dataclass(frozen=True)
class ServiceLine:
    """Confirmed time of one activity type in a period."""

    activity_type: str
    label: str
    minutes: int
    records: int

    @property
    def hours_text(self) -> str:
        return format_hours(self.minutes)


def format_hours(minutes: int) -> str:
    """Minutes as hours with one decimal, the way certificates state them: 90 → "1.5", 100 → "1.7"."""
    tenths = (minutes * 10 + 30) // 60  # round half up, in integers (no float surprises)
    return f"{tenths // 10}.{tenths % 10}"


def confirmed_hours(
    volunteer: Volunteer | int, start: dt.date, end: dt.date, *, community_id: int | None = None
) -> QuerySet[ServiceHours]:
    """Confirmed service records of the volunteer served between start and end (inclusive)."""
    volunteer_id = volunteer if isinstance(volunteer, int) else volunteer.pk
    records = ServiceHours.objects.filter(
        volunteer_id=volunteer_id, status=HoursStatus.CONFIRMED, served_on__gte=start, served_on__lte=end
    )
    if community_id is not None:
        records = records.filter(activity__community_id=community_id)
    return records


def confirmed_minutes(
    volunteer: Volunteer | int, start: dt.date, end: dt.date, *, community_id: int | None = None
) -> int:
    """Total confirmed minutes in the period (one query)."""
    total = confirmed_hours(volunteer, start, end, community_id=community_id).aggregate(total=Sum("minutes"))["total"]
    return total or 0


def service_breakdown(
    volunteer: Volunteer | int, start: dt.date, end: dt.date, *, community_id: int | None = None
) -> list[ServiceLine]:
    """Confirmed minutes per activity type, most time first (one query)."""
    rows = (
        confirmed_hours(volunteer, start, end, community_id=community_id)
        .values("activity__activity_type")
        .annotate(minutes=Sum("minutes"), records=Count("id"))
        .order_by()
    )
    labels = dict(ActivityType.choices)
    lines = [
        ServiceLine(
            activity_type=row["activity__activity_type"],
            label=str(labels.get(row["activity__activity_type"], row["activity__activity_type"])),
            minutes=row["minutes"],
            records=row["records"],
        )
        for row in rows
    ]
    # Ties by label so the text is the same every time it is asked for.
    lines.sort(key=lambda line: (-line.minutes, line.label))
    return lines


def service_summary(
    volunteer: Volunteer | int, start: dt.date, end: dt.date, *, community_id: int | None = None
) -> str:
    """The service content in words: "宣传劝导 12.0 小时；公益市集 4.0 小时" ("" when nothing is confirmed)."""
    return SUMMARY_SEPARATOR.join(
        f"{line.label} {line.hours_text} 小时"
        for line in service_breakdown(volunteer, start, end, community_id=community_id)
    )
