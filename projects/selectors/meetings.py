"""Reads for consultation meetings, representative votes and public polls: pages, API and other areas.

Other areas use:
- `ballots_for_item(item)`: the 票决 results of a menu item (the 实事菜单 page);
- `poll_results(poll)`: counts per item of a public preference poll.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import COMMUNITY_ROLES, User
from projects.models import (
    FollowUpAction,
    Meeting,
    MeetingPhoto,
    MenuBallot,
    MenuItem,
    MenuPoll,
    MenuStatus,
    Opinion,
    Participant,
    PollVote,
    Vote,
)
from resident_requests.models import ResidentRequest


def _count_of(model, **extra) -> Coalesce:
    """A per-meeting count as a subquery: several counts side by side without multiplying joined rows."""
    rows = (
        model.objects.filter(meeting=OuterRef("pk"), **extra)
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def meetings_for_list(queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return queryset.select_related("community").annotate(
        participant_count=_count_of(Participant),
        opinion_count=_count_of(Opinion),
        open_follow_up_count=_count_of(FollowUpAction, done_at__isnull=True),
    )


@dataclass(frozen=True)
class MeetingTotals:
    meetings: int
    opinions: int
    adopted: int


def meeting_totals(queryset: QuerySet[Meeting], *, meeting_count: int | None = None) -> MeetingTotals:
    """How many meetings and opinions a filtered list holds ("富元社区: 10+ meetings, 30+ opinions").

    `meeting_count` when the caller has counted already (the paginator), to save a query."""
    meetings = queryset.order_by().values("pk")
    figures = Opinion.objects.filter(meeting__in=meetings).aggregate(
        opinions=Count("pk"), adopted=Count("pk", filter=Q(adopted=True))
    )
    return MeetingTotals(
        meetings=meetings.count() if meeting_count is None else meeting_count,
        opinions=figures["opinions"],
        adopted=figures["adopted"],
    )


def meeting_detail_queryset(queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Everything the detail page and the API detail show, in a fixed number of queries."""
    return queryset.select_related("community", "created_by").prefetch_related(
        Prefetch("participants", queryset=Participant.objects.select_related("unit")),
        "opinions",
        Prefetch("follow_ups", queryset=FollowUpAction.objects.select_related("owner")),
        "photos",
        Prefetch(
            "ballots",
            queryset=MenuBallot.objects.select_related("menu_item", "recorded_by").prefetch_related(
                Prefetch("votes", queryset=Vote.objects.select_related("participant").order_by("participant__id"))
            ),
        ),
        "needs",
        Prefetch("requests", queryset=ResidentRequest.objects.select_related("category")),
        "projects",
    )


def owner_choices(community_id: int) -> QuerySet[User]:
    """Staff accounts a follow-up action may be given to: active staff of the meeting's community."""
    return User.objects.filter(community_id=community_id, role__in=COMMUNITY_ROLES, is_active=True).order_by(
        "last_name", "first_name", "username"
    )


def shortlisted_items(community_id: int) -> QuerySet[MenuItem]:
    """Menu items a meeting of the community may vote on, and a poll may offer (入选菜单)."""
    return MenuItem.objects.filter(community_id=community_id, status=MenuStatus.SHORTLISTED).order_by("title", "pk")


def voting_participants(meeting: Meeting) -> list[Participant]:
    """From the prefetched participants when there are any, so the detail page adds no query."""
    return [participant for participant in meeting.participants.all() if participant.can_vote]


def ballots_for_item(item: MenuItem) -> list[MenuBallot]:
    """The item's 票决 results, one per meeting that voted on it, oldest first."""
    return list(
        MenuBallot.objects.filter(menu_item=item)
        .select_related("meeting")
        .order_by("meeting__held_at", "pk")
    )


def follow_ups_due(today: dt.date, days: int) -> QuerySet[FollowUpAction]:
    """Not done, not yet reminded, due today or within `days`: the reminder sweep's work."""
    return FollowUpAction.objects.filter(
        done_at__isnull=True,
        reminded_at__isnull=True,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=days),
    ).order_by("due_on", "pk")


def follow_ups_late(today: dt.date) -> QuerySet[FollowUpAction]:
    return FollowUpAction.objects.filter(done_at__isnull=True, late_notified_at__isnull=True, due_on__lt=today).order_by(
        "due_on", "pk"
    )


def photo_for(user, pk: int) -> MeetingPhoto | None:
    """A meeting photo for staff in scope. Public photos reach residents through the public
    project page's own view (projects.views.public), never through this one."""
    return MeetingPhoto.objects.filter(pk=pk, meeting__in=Meeting.objects.visible_to(user).values("pk")).first()


# Polls


def polls_for_list(queryset: QuerySet[MenuPoll]) -> QuerySet[MenuPoll]:
    votes = PollVote.objects.filter(poll=OuterRef("pk")).order_by().values("poll").annotate(n=Count("pk")).values("n")
    return queryset.select_related("community").annotate(
        vote_count=Coalesce(Subquery(votes, output_field=IntegerField()), Value(0))
    )


def poll_result_is_public(poll: MenuPoll, now: dt.datetime | None = None) -> bool:
    """Residents see the counts once the poll has closed, so early counts do not sway later votes."""
    return (now or timezone.now()) >= poll.closes_at


@dataclass(frozen=True)
class PollRow:
    item: MenuItem
    votes: int
    percent: int  # of the voters (a voter may pick several items), rounded


@dataclass(frozen=True)
class PollResults:
    voters: int
    rows: list[PollRow]  # most votes first


def poll_results(poll: MenuPoll) -> PollResults:
    voters = poll.votes.count()
    counts = dict(
        PollVote.items.through.objects.filter(pollvote__poll=poll)
        .values("menuitem")
        .annotate(n=Count("pk"))
        .values_list("menuitem", "n")
    )
    rows = [
        PollRow(item=item, votes=counts.get(item.pk, 0), percent=round(100 * counts.get(item.pk, 0) / voters) if voters else 0)
        for item in poll.items.order_by("title", "pk")
    ]
    rows.sort(key=lambda row: -row.votes)
    return PollResults(voters=voters, rows=rows)
