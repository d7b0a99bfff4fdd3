"""Reads for the public project pages (no account) and for rating moderation.

Residents see projects in PUBLIC_STATES only, and of them only what the street
publishes anyway: titles, places in words, money, progress, photos staff took of
the work, meetings' public summaries. Never a resident's name, mobile or the text
of a request (DOMAIN.md §2, PIPL): needs show their title and beneficiaries only.

Progress and funding come from `projects.selectors.progress`, the one place for
that arithmetic.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, F, Prefetch, QuerySet
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from projects.models import (
    APPROVED_STATES,
    PUBLIC_STATES,
    RATEABLE_STATES,
    Batch,
    Contribution,
    FundingSource,
    Meeting,
    MeetingPhoto,
    Milestone,
    Need,
    PhotoPair,
    Project,
    ProjectRating,
    RatingStatus,
)
from projects.permissions import can_moderate_ratings
from projects.selectors.progress import Figures, figures, with_figures

# The newest published ratings shown on a project page; the average counts them all.
RATINGS_SHOWN = 50

STAR_WORDS = {
    1: gettext_lazy("很不满意"),
    2: gettext_lazy("不满意"),
    3: gettext_lazy("一般"),
    4: gettext_lazy("满意"),
    5: gettext_lazy("很满意"),
}


def star_word(stars: int) -> str:
    return str(STAR_WORDS[stars])


def format_yuan(amount: Decimal | None) -> str:
    """100000.00 → "100,000 元"; 12345.5 → "12,345.50 元". Grouped by thousands as on street notices."""
    amount = Decimal(amount or 0)
    text = f"{amount:,.2f}"
    if text.endswith(".00"):
        text = text[:-3]
    return _("%(amount)s 元") % {"amount": text}


def progress_label(project: Project, result: Figures) -> str:
    """The bar's words, e.g. "已完成 220/300 张 · 73%", so it reads without colour or a drawn bar."""
    if result.progress_percent is None:
        return ""
    if result.planned is not None:
        return _("已完成 %(delivered)s/%(planned)s %(unit)s · %(percent)s%%") % {
            "delivered": result.delivered,
            "planned": result.planned,
            "unit": project.quantity_unit,
            "percent": result.progress_percent,
        }
    return _("总体进度 %(percent)s%%") % {"percent": result.progress_percent}


def _sponsor_names(contributions) -> list[str]:
    names: list[str] = []
    for contribution in contributions:
        if contribution.unit_id and contribution.unit.name not in names:
            names.append(contribution.unit.name)
    return names


# The list

# The year a resident means by "今年的实事": when the work was planned to start, else when it was registered.
PUBLIC_YEAR = Coalesce(ExtractYear("planned_start"), ExtractYear("created_at"))


def public_projects() -> QuerySet[Project]:
    """Public projects with their progress/funding sums, `public_year`, communities and unit sponsors."""
    unit_contributions = Contribution.objects.filter(source=FundingSource.UNIT, unit__isnull=False).select_related(
        "unit"
    )
    return (
        with_figures(Project.objects.public())
        .annotate(public_year=PUBLIC_YEAR)
        .prefetch_related(
            "communities",
            Prefetch("contributions", queryset=unit_contributions, to_attr="unit_contributions"),
        )
        .order_by("-public_year", "-created_at", "-id")
    )


def public_years() -> list[int]:
    """The years that have public projects, newest first (the year filter's choices)."""
    rows = (
        Project.objects.public()
        .annotate(public_year=PUBLIC_YEAR)
        .order_by("-public_year")
        .values_list("public_year", flat=True)
        .distinct()
    )
    return [year for year in rows if year]


@dataclass
class ProjectCard:
    project: Project
    figures: Figures
    progress_label: str
    communities: list
    sponsors: list[str]
    under_way: bool  # approved: the bar means something; before 立项 it would only say 0%


def project_cards(projects) -> list[ProjectCard]:
    """Cards for projects from `public_projects()`; no query beyond the page's own."""
    cards = []
    for project in projects:
        result = figures(project)
        cards.append(
            ProjectCard(
                project=project,
                figures=result,
                progress_label=progress_label(project, result),
                communities=list(project.communities.all()),
                sponsors=_sponsor_names(project.unit_contributions),
                under_way=project.status in APPROVED_STATES,
            )
        )
    return cards


# One project


@dataclass
class PublicStep:
    at: object
    action: str
    status: str


@dataclass
class PublicBatch:
    batch: Batch
    pairs: list[PhotoPair] = field(default_factory=list)


@dataclass
class RatingSummary:
    count: int
    average: float | None
    shown: list[ProjectRating]


def public_project(pk: int) -> Project | None:
    return with_figures(Project.objects.public().filter(pk=pk)).prefetch_related("communities").first()


def public_needs(project: Project) -> list[Need]:
    # Only the two public columns are loaded: the page cannot show what it never read.
    return list(project.needs.order_by("created_at", "id").only("id", "title", "beneficiaries"))


def public_contributions(project: Project) -> list[Contribution]:
    """Who supports the project with what: unit names or 街道/社区资金, money, in-kind. Not the internal note."""
    contributions = list(
        project.contributions.select_related("unit").only(
            "id", "project_id", "source", "unit", "unit__name", "amount", "in_kind", "contributed_on"
        )
    )
    for contribution in contributions:
        contribution.amount_text = format_yuan(contribution.amount)
    return contributions


# Rows read through a related manager (project.events…) keep "project_id": Django reads it to
# attach the project to each row, and a deferred one would cost a query per row.


def public_batches_and_pairs(project: Project) -> tuple[list[PublicBatch], list[PhotoPair]]:
    """Batches with their before/after pairs, and the pairs that belong to no batch (milestones, the whole site)."""
    batches = [PublicBatch(batch) for batch in project.batches.order_by("number")]
    by_id = {entry.batch.pk: entry for entry in batches}
    loose = []
    for pair in project.photo_pairs.order_by("created_at", "id").only(
        "id", "project_id", "batch_id", "caption", "before_image", "before_thumbnail", "after_image", "after_thumbnail"
    ):
        if pair.batch_id in by_id:
            by_id[pair.batch_id].pairs.append(pair)
        else:
            loose.append(pair)
    return batches, loose


def public_milestones(project: Project) -> list[Milestone]:
    return list(
        project.milestones.order_by("due_on", "id").only("id", "project_id", "title", "percent", "done_on", "due_on")
    )


def public_meetings(project: Project) -> list[Meeting]:
    """Meetings about the project that staff wrote a public summary for, with their public photos only.

    Topic, host, participants and minutes stay internal: they may carry names."""
    return list(
        project.meetings.exclude(public_summary="")
        .order_by("held_at", "id")
        .only("id", "meeting_type", "held_at", "public_summary")
        .prefetch_related(
            Prefetch(
                "photos",
                queryset=MeetingPhoto.objects.filter(is_public=True).only("id", "meeting_id"),
                to_attr="public_photos",
            )
        )
    )


def public_steps(project: Project) -> list[PublicStep]:
    """State changes with their dates; the actor and the note stay internal (staff names, reasons)."""
    events = (
        project.events.exclude(to_status="")
        .exclude(to_status=F("from_status"))
        .order_by("created_at", "id")
        .only("id", "project_id", "action", "to_status", "created_at")
    )
    return [
        PublicStep(at=e.created_at, action=e.get_action_display(), status=e.get_to_status_display()) for e in events
    ]


def rating_summary(project: Project) -> RatingSummary:
    published = ProjectRating.objects.filter(project=project, status=RatingStatus.PUBLISHED)
    totals = published.aggregate(count=Count("id"), average=Avg("stars"))
    shown = list(
        published.order_by("-created_at", "-id").only("id", "stars", "comment", "mobile_tail", "created_at")[
            :RATINGS_SHOWN
        ]
    )
    for rating in shown:
        # Stars as glyphs for the eye and as words for everyone (colour and shape are never the only cue).
        rating.star_glyphs = "★" * rating.stars + "☆" * (5 - rating.stars)
        rating.star_word = star_word(rating.stars)
    average = round(float(totals["average"]), 1) if totals["average"] is not None else None
    return RatingSummary(count=totals["count"], average=average, shown=shown)


def is_rateable(project: Project) -> bool:
    return project.status in RATEABLE_STATES


# Photos


def public_pair(pk: int) -> PhotoPair | None:
    """A before/after pair of a public project; None otherwise (the view answers 404)."""
    return PhotoPair.objects.filter(pk=pk, project__status__in=PUBLIC_STATES).first()


def public_meeting_photo(pk: int) -> MeetingPhoto | None:
    """A photo staff marked public, of a meeting with a public summary about a public project."""
    return (
        MeetingPhoto.objects.filter(pk=pk, is_public=True, meeting__projects__status__in=PUBLIC_STATES)
        .exclude(meeting__public_summary="")
        .first()
    )


# Moderation


def moderated_projects(user: User) -> QuerySet[Project]:
    return Project.objects.visible_to(user)


def ratings_for_moderation(user: User) -> QuerySet[ProjectRating]:
    """Ratings of the projects in the user's scope. A subquery, not a join on communities:
    a project of two communities must not list its ratings twice."""
    return ProjectRating.objects.filter(project__in=moderated_projects(user).values("pk"))


def moderates_somewhere(user: User) -> bool:
    """May this user moderate any project at all (the page and the nav count)?

    Street staff moderate everywhere; a community's 书记/工作者 their community's projects."""
    if not getattr(user, "is_authenticated", False) or not user.has_staff_role:
        return False
    return can_moderate_ratings(user, [user.community_id] if user.community_id else [])


def pending_ratings_count(user: User) -> int:
    """Ratings waiting for this user's decision (one COUNT), for the staff navigation."""
    if not moderates_somewhere(user):
        return 0
    return ratings_for_moderation(user).filter(status=RatingStatus.PENDING).count()


def rating_status_counts(user: User) -> dict[str, int]:
    rows = ratings_for_moderation(user).values("status").annotate(n=Count("id")).order_by()
    counts = {status: 0 for status in RatingStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


__all__ = [
    "RATINGS_SHOWN",
    "ProjectCard",
    "PublicBatch",
    "PublicStep",
    "RatingSummary",
    "format_yuan",
    "is_rateable",
    "moderates_somewhere",
    "pending_ratings_count",
    "progress_label",
    "project_cards",
    "public_batches_and_pairs",
    "public_contributions",
    "public_meeting_photo",
    "public_meetings",
    "public_milestones",
    "public_needs",
    "public_pair",
    "public_project",
    "public_projects",
    "public_steps",
    "public_years",
    "rating_status_counts",
    "rating_summary",
    "ratings_for_moderation",
    "star_word",
]
