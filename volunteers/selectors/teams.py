"""Reads for teams, volunteers and the public team pages. DOMAIN.md §6.

Lists annotate what they show (member counts) so a page costs the same number of
queries however many rows it holds. Public pages show no member names: a member
count, and the leader as surname + 队长 ("张队长").
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from volunteers.models import (
    Activity,
    ActivityStatus,
    Audience,
    HoursStatus,
    Membership,
    PriceType,
    ServiceDelivery,
    ServiceHours,
    Team,
    TeamService,
    Volunteer,
)

ACTIVE_MEMBERS = Q(memberships__left_on__isnull=True)
# How many upcoming activities a public team page lists.
PUBLIC_ACTIVITY_LIMIT = 10


def teams_for_list(queryset: QuerySet[Team]) -> QuerySet[Team]:
    # Explicit order: an aggregate query drops Meta.ordering, and pages need a stable one.
    return (
        queryset.select_related("community", "leader")
        .annotate(member_count=Count("memberships", filter=ACTIVE_MEMBERS, distinct=True))
        .order_by("community__name", "name", "pk")
    )


def volunteers_for_list(queryset: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
    return queryset.select_related("community")


def team_members(team: Team) -> QuerySet[Membership]:
    return (
        team.memberships.filter(left_on__isnull=True)
        .select_related("volunteer")
        .order_by("role", "joined_on", "id")
    )


def team_former_members(team: Team) -> QuerySet[Membership]:
    return team.memberships.filter(left_on__isnull=False).select_related("volunteer").order_by("-left_on")


@dataclass(frozen=True)
class MonthTotal:
    month: dt.date
    service: str
    deliveries: int
    quantity: int
    people_served: int


def monthly_delivery_totals(team: Team, months: int = 12) -> list[MonthTotal]:
    """Per month and service, the last `months` months: what the community bought from the team."""
    today = timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    rows = (
        ServiceDelivery.objects.filter(service__team=team, delivered_on__gte=first)
        .annotate(month=TruncMonth("delivered_on"))
        .values("month", "service__title")
        .annotate(deliveries=Count("id"), quantity=Sum("quantity"), people=Sum("people_served"))
        .order_by("-month", "service__title")
    )
    return [
        MonthTotal(row["month"], row["service__title"], row["deliveries"], row["quantity"], row["people"]) for row in rows
    ]


def recent_deliveries(team: Team, limit: int = 20) -> QuerySet[ServiceDelivery]:
    return ServiceDelivery.objects.filter(service__team=team).select_related("service", "recorded_by")[:limit]


def format_yuan(value: Decimal) -> str:
    """3.00 → "3", 2.50 → "2.5": prices as people say them."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def price_label(service: TeamService) -> str:
    """免费, or 低偿 3元/份."""
    if service.price_type == PriceType.FREE or service.price is None:
        return _("免费")
    return _("低偿 %(price)s元/%(unit)s") % {"price": format_yuan(service.price), "unit": service.unit}


def leader_label(team: Team) -> str:
    """The leader as the public page shows them: surname + 队长 (张队长), never the full name."""
    if team.leader_id is None or not team.leader.name:
        return ""
    return _("%(surname)s队长") % {"surname": team.leader.name[0]}


# Volunteer record


@dataclass(frozen=True)
class HoursSummary:
    confirmed_minutes: int
    confirmed_records: int
    pending_minutes: int
    pending_records: int

    @staticmethod
    def hours(minutes: int) -> str:
        tenths = (minutes * 10 + 30) // 60
        return f"{tenths // 10}.{tenths % 10}"

    @property
    def confirmed_hours(self) -> str:
        return self.hours(self.confirmed_minutes)

    @property
    def pending_hours(self) -> str:
        return self.hours(self.pending_minutes)


def hours_summary(volunteer: Volunteer) -> HoursSummary:
    """Confirmed and pending service time of all time (one query); rejected records never count."""
    totals = ServiceHours.objects.filter(volunteer=volunteer).aggregate(
        confirmed=Sum("minutes", filter=Q(status=HoursStatus.CONFIRMED)),
        confirmed_n=Count("id", filter=Q(status=HoursStatus.CONFIRMED)),
        pending=Sum("minutes", filter=Q(status=HoursStatus.PENDING)),
        pending_n=Count("id", filter=Q(status=HoursStatus.PENDING)),
    )
    return HoursSummary(
        totals["confirmed"] or 0, totals["confirmed_n"] or 0, totals["pending"] or 0, totals["pending_n"] or 0
    )


def recent_hours(volunteer: Volunteer, limit: int = 20) -> QuerySet[ServiceHours]:
    return ServiceHours.objects.filter(volunteer=volunteer).select_related("activity")[:limit]


def volunteer_memberships(volunteer: Volunteer) -> QuerySet[Membership]:
    return volunteer.memberships.select_related("team", "team__community").order_by("left_on", "-joined_on")


# Public pages


def public_teams() -> QuerySet[Team]:
    return teams_for_list(Team.objects.filter(is_public=True, is_active=True)).order_by("community__name", "name")


def public_team(pk: int) -> Team | None:
    return public_teams().filter(pk=pk).first()


def public_services(team: Team) -> list[tuple[TeamService, str]]:
    services = team.services.filter(is_active=True).order_by("title")
    return [(service, price_label(service)) for service in services]


def upcoming_public_activities(team: Team | None = None) -> QuerySet[Activity]:
    """Published, open to the public, with a shift still to come; soonest first."""
    now = timezone.now()
    future = Q(shifts__starts_at__gt=now)
    activities = Activity.objects.filter(status=ActivityStatus.PUBLISHED, audience=Audience.PUBLIC).filter(future)
    if team is not None:
        activities = activities.filter(team=team)
    return (
        activities.annotate(next_start=Min("shifts__starts_at", filter=future))
        .select_related("position")
        .order_by("next_start", "pk")
        .distinct()[:PUBLIC_ACTIVITY_LIMIT]
    )
