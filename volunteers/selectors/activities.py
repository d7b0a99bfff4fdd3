"""Reads of activities, shifts and sign-ups for the staff pages, the public pages, the API and iCal.

`ActivityFilter` is the one staff list filter (page and API). Counts of sign-ups
are annotations, so a list page costs a fixed number of queries however many
activities or shifts it shows.
"""

import datetime as dt
from dataclasses import dataclass

import django_filters
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.filters import _visible
from communities.models import Community
from volunteers.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    Audience,
    MarketStall,
    Shift,
    Signup,
    SignupStatus,
    Team,
)

WEEKDAYS = "一二三四五六日"


def shift_when(shift: Shift) -> str:
    """2026年11月21日 周六 17:00–19:00 (Asia/Shanghai), as residents read a date."""
    start = timezone.localtime(shift.starts_at)
    end = timezone.localtime(shift.ends_at)
    day = f"{start.year}年{start.month}月{start.day}日 周{WEEKDAYS[start.weekday()]}"
    if end.date() == start.date():
        return f"{day} {start:%H:%M}–{end:%H:%M}"
    return f"{day} {start:%H:%M} – {end.month}月{end.day}日 {end:%H:%M}"


def with_counts(shifts: QuerySet[Shift]) -> QuerySet[Shift]:
    return shifts.annotate(
        confirmed_count=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED)),
        waiting_count=Count("signups", filter=Q(signups__status=SignupStatus.WAITING)),
    )


def spots_label(shift: Shift) -> str:
    left = shift.capacity - shift.confirmed_count
    if left > 0:
        return _("还剩 %(n)s 个名额") % {"n": left}
    return _("已满,可候补")


# Staff list


class ActivityFilter(django_filters.FilterSet):
    WHEN_CHOICES = (("upcoming", gettext_lazy("未结束")), ("past", gettext_lazy("已结束")))

    q = django_filters.CharFilter(label=gettext_lazy("活动名称"), field_name="title", lookup_expr="icontains")
    community = django_filters.ModelChoiceFilter(label=gettext_lazy("社区"), queryset=_visible(Community))
    team = django_filters.ModelChoiceFilter(label=gettext_lazy("组织队伍"), queryset=_visible(Team))
    activity_type = django_filters.ChoiceFilter(label=gettext_lazy("活动类型"), choices=ActivityType.choices)
    status = django_filters.ChoiceFilter(label=gettext_lazy("状态"), choices=ActivityStatus.choices)
    when = django_filters.ChoiceFilter(label=gettext_lazy("时间"), choices=WHEN_CHOICES, method="filter_when")
    mine = django_filters.BooleanFilter(label=gettext_lazy("我负责的"), method="filter_mine")

    class Meta:
        model = Activity
        fields = ["q", "community", "team", "activity_type", "status", "when", "mine"]

    def filter_when(self, queryset, name, value):
        future = Exists(Shift.objects.filter(activity=OuterRef("pk"), ends_at__gt=timezone.now()))
        if value == "upcoming":
            return queryset.filter(future)
        if value == "past":
            return queryset.filter(~future)
        return queryset

    def filter_mine(self, queryset, name, value):
        if value and self.request is not None:
            return queryset.filter(organiser=self.request.user)
        return queryset


def activities_for_list(queryset: QuerySet[Activity]) -> QuerySet[Activity]:
    now = timezone.now()
    return queryset.select_related("community", "team", "organiser", "position").annotate(
        shift_total=Count("shifts", distinct=True),
        next_start=Min("shifts__starts_at", filter=Q(shifts__starts_at__gt=now)),
        first_start=Min("shifts__starts_at"),
        signup_total=Count("shifts__signups", filter=Q(shifts__signups__status=SignupStatus.CONFIRMED), distinct=True),
    )


def activity_for_detail(queryset: QuerySet[Activity]) -> QuerySet[Activity]:
    return queryset.select_related("community", "team", "organiser", "position")


def detail_shifts(activity: Activity) -> list[Shift]:
    """Shifts with their active sign-ups (volunteer and service record), for the organiser's page."""
    signups = (
        Signup.objects.filter(status__in=(SignupStatus.CONFIRMED, SignupStatus.WAITING))
        .select_related("volunteer", "hours")
        .order_by("status", "created_at", "id")
    )
    return list(with_counts(activity.shifts.all()).prefetch_related(Prefetch("signups", queryset=signups, to_attr="active")))


def people_served_total(activity: Activity) -> int:
    """服务人次: a market sums its stalls, any other activity has its own figure."""
    if activity.activity_type == ActivityType.MARKET:
        return MarketStall.objects.filter(activity=activity).aggregate(total=Sum("people_served"))["total"] or 0
    return activity.people_served


# Public pages


def public_activities() -> QuerySet[Activity]:
    """Published, open to the public, with a shift still to start: what /serve/ lists."""
    now = timezone.now()
    return (
        Activity.objects.filter(status=ActivityStatus.PUBLISHED, audience=Audience.PUBLIC)
        .filter(Exists(Shift.objects.filter(activity=OuterRef("pk"), starts_at__gt=now)))
        .select_related("community", "position", "team")
        .annotate(next_start=Min("shifts__starts_at", filter=Q(shifts__starts_at__gt=now)))
        .order_by("next_start", "pk")
    )


class PublicActivityFilter(django_filters.FilterSet):
    community = django_filters.ModelChoiceFilter(
        label=gettext_lazy("社区"), queryset=Community.objects.all(), empty_label=gettext_lazy("全部社区")
    )
    activity_type = django_filters.ChoiceFilter(
        label=gettext_lazy("活动类型"), choices=ActivityType.choices, empty_label=gettext_lazy("全部类型")
    )

    class Meta:
        model = Activity
        fields = ["community", "activity_type"]


@dataclass
class PublicCard:
    activity: Activity
    next_shift: Shift | None
    when: str
    spots: str


def public_cards(activities: list[Activity]) -> list[PublicCard]:
    """One card per activity with its next shift and the spots left there (one query for all shifts)."""
    ids = [a.pk for a in activities]
    now = timezone.now()
    nexts: dict[int, Shift] = {}
    for shift in with_counts(Shift.objects.filter(activity_id__in=ids, starts_at__gt=now)).order_by("starts_at", "id"):
        nexts.setdefault(shift.activity_id, shift)
    cards = []
    for activity in activities:
        shift = nexts.get(activity.pk)
        cards.append(
            PublicCard(
                activity=activity,
                next_shift=shift,
                when=shift_when(shift) if shift else "",
                spots=spots_label(shift) if shift else "",
            )
        )
    return cards


def public_activity(pk: int) -> Activity | None:
    """A published public activity (any shift, so the page stays while its shifts run); None otherwise."""
    return (
        Activity.objects.filter(pk=pk, status=ActivityStatus.PUBLISHED, audience=Audience.PUBLIC)
        .select_related("community", "position", "team")
        .first()
    )


def public_future_shifts(activity: Activity) -> list[Shift]:
    return list(with_counts(activity.shifts.filter(starts_at__gt=timezone.now())))


def calendar_public_shifts() -> QuerySet[Shift]:
    """Shifts for /serve/calendar.ics: public, published activities, future and the last 30 days."""
    since = timezone.now() - dt.timedelta(days=30)
    return Shift.objects.filter(
        activity__status=ActivityStatus.PUBLISHED, activity__audience=Audience.PUBLIC, ends_at__gte=since
    ).select_related("activity__position", "activity__community")


def calendar_volunteer_shifts(volunteer) -> QuerySet[Shift]:
    """A volunteer's own shifts (confirmed or waiting), whatever the audience, for their private feed."""
    return (
        Shift.objects.filter(
            signups__volunteer=volunteer,
            signups__status__in=(SignupStatus.CONFIRMED, SignupStatus.WAITING),
        )
        .exclude(activity__status=ActivityStatus.CANCELLED)
        .select_related("activity__position", "activity__community")
        .distinct()
    )
