"""What the project page shows of the work on the ground: funding, batches, milestones, photos.

`work_context(project, user)` is the one entry point the project page calls
(`context.update(work_context(project, user))`); it returns `{"work": WorkPanel}`,
which `projects/templates/projects/projects/_work.html` renders. The panel costs
a fixed number of queries whatever the number of rows: one each for
contributions, batches, milestones and photo pairs, plus the choices of the
forms the user may use now. Funding and progress figures come from
`projects.selectors.progress.figures` (the annotations the page loaded), never
recomputed here.

`unit_sponsorships(unit, user)` is what a co-building unit's page lists.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from accounts.models import User
from communities.models import CoBuildingUnit
from projects.forms.work import (
    BatchForm,
    ContributionForm,
    ContributionRemoveForm,
    DeliveryForm,
    MilestoneForm,
    MilestoneProgressForm,
    PhotoAfterForm,
    PhotoPairForm,
)
from projects.models import Batch, Contribution, Milestone, PhotoPair, Project, Resource
from projects.selectors.lists import valid_on, with_remainder_left, with_remaining
from projects.selectors.progress import Figures, figures
from projects.services.work import can_record_work, can_remove_contribution
from projects.workflow import WORK_STATES


def community_ids(project: Project) -> list[int]:
    # The prefetched communities when the page loaded them; one query otherwise.
    return [community.pk for community in project.communities.all()]


def units_for(project: Project, user: User, ids: list[int]) -> QuerySet[CoBuildingUnit]:
    """Units that may 认领 the project: visible to the user and paired with one of its communities."""
    return CoBuildingUnit.objects.visible_to(user).filter(communities__in=ids).distinct().order_by("name")


def resources_for(project: Project, user: User, ids: list[int]) -> QuerySet[Resource]:
    """资源清单 items the project may draw on today: its communities' or street-wide, valid, not used up."""
    offered = Resource.objects.visible_to(user).filter(Q(community__isnull=True) | Q(community__in=ids))
    return (
        with_remainder_left(with_remaining(valid_on(offered))).select_related("provider_unit").order_by("title", "pk")
    )


@dataclass
class WorkPanel:
    project: Project
    figures: Figures
    contributions: list[Contribution]
    batches: list[Batch]
    milestones: list[Milestone]
    photo_pairs: list[PhotoPair]
    # Work is recorded from 立项 until 验收 (workflow.WORK_STATES).
    is_open: bool
    can_record: bool
    can_remove_contributions: bool
    forms: dict = field(default_factory=dict)

    @property
    def measures_quantity(self) -> bool:
        return self.project.measures_quantity

    @property
    def sponsors(self) -> list[str]:
        """Contributor names in the order they first contributed, each once."""
        return list(dict.fromkeys(c.contributor_name for c in self.contributions))

    @property
    def in_kind(self) -> list[Contribution]:
        return [c for c in self.contributions if c.in_kind]

    @property
    def batch_plan_total(self) -> int:
        return sum(batch.planned_quantity for batch in self.batches)

    @property
    def batch_plan_left(self) -> int | None:
        if self.project.planned_quantity is None:
            return None
        return self.project.planned_quantity - self.batch_plan_total

    @property
    def weight_total(self) -> int:
        return sum(milestone.weight for milestone in self.milestones)


def work_panel(project: Project, user: User, *, bound: tuple[str, object] | None = None) -> WorkPanel:
    """The panel; `bound` (form key, bound form) replaces that form with the one the user sent."""
    ids = community_ids(project)
    contributions = list(
        project.contributions.select_related("unit", "resource", "created_by").order_by("contributed_on", "pk")
    )
    batches = list(project.batches.order_by("number"))
    milestones = list(project.milestones.order_by("due_on", "pk"))
    photo_pairs = list(project.photo_pairs.select_related("batch", "milestone").order_by("created_at", "pk"))
    for pair in photo_pairs:
        pair.part_label = (
            str(pair.batch) if pair.batch_id else (pair.milestone.title if pair.milestone_id else "")
        )
    can_record = can_record_work(user, project, ids)
    can_remove = can_remove_contribution(user, project)
    panel = WorkPanel(
        project=project,
        figures=figures(project),
        contributions=contributions,
        batches=batches,
        milestones=milestones,
        photo_pairs=photo_pairs,
        is_open=project.status in WORK_STATES,
        can_record=can_record,
        can_remove_contributions=can_remove,
    )
    bound_key, bound_form = bound or ("", None)

    def pick(key: str, make):
        return bound_form if key == bound_key else make()

    if can_record:
        panel.forms["contribution"] = pick(
            "contribution",
            lambda: ContributionForm(units=units_for(project, user, ids), resources=resources_for(project, user, ids)),
        )
        panel.forms["photo"] = pick("photo", lambda: PhotoPairForm(project=project))
        if project.measures_quantity:
            if panel.batch_plan_left:
                panel.forms["batch"] = pick(
                    "batch", lambda: BatchForm(initial={"planned_quantity": panel.batch_plan_left})
                )
            for batch in batches:
                key = f"delivery-{batch.pk}"
                batch.delivery_form = pick(
                    key,
                    lambda b=batch, k=key: DeliveryForm(prefix=k, initial={"delivered_quantity": b.delivered_quantity}),
                )
        else:
            panel.forms["milestone"] = pick("milestone", MilestoneForm)
            for milestone in milestones:
                key = f"progress-{milestone.pk}"
                milestone.progress_form = pick(
                    key, lambda m=milestone, k=key: MilestoneProgressForm(prefix=k, initial={"percent": m.percent})
                )
        for pair in photo_pairs:
            if not pair.after_image:
                key = f"after-{pair.pk}"
                pair.after_form = pick(key, lambda k=key: PhotoAfterForm(prefix=k))
    if can_remove:
        for contribution in contributions:
            key = f"remove-{contribution.pk}"
            contribution.remove_form = pick(key, lambda k=key: ContributionRemoveForm(prefix=k))
    return panel


def work_context(project: Project, user: User) -> dict:
    return {"work": work_panel(project, user)}


@dataclass
class Sponsorships:
    contributions: list[Contribution]

    @property
    def total_amount(self) -> Decimal:
        # A unit's own total across projects (each project's funded ÷ budget stays progress.figures').
        return sum((c.amount for c in self.contributions), Decimal(0))

    @property
    def project_count(self) -> int:
        return len({c.project_id for c in self.contributions})


def unit_sponsorships(unit: CoBuildingUnit, user: User) -> Sponsorships:
    """What the unit sponsored (认领), as far as the user sees the projects: one query."""
    rows = (
        Contribution.objects.visible_to(user)
        .filter(unit=unit)
        .select_related("project", "resource")
        .order_by("-contributed_on", "-pk")
    )
    return Sponsorships(contributions=list(rows))
