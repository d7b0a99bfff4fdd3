"""Progress and funding arithmetic, one place for pages, the API, exports and reports.

Progress of a quantity project is delivered ÷ planned over its batches (220/300 = 73%);
of any other project the weighted roll-up of its milestones, Σ(weight × percent) ÷ Σ weight.
Percentages are rounded down, so a project never shows 100% before it is finished.
Funding is money contributed ÷ budget; in-kind support is listed but not priced.

`with_figures(queryset)` adds the sums as subqueries, so a list of projects costs one
query; `figures(project)` reads those annotations, or computes them for one project.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from projects.models import Batch, Contribution, Milestone, Project


@dataclass(frozen=True)
class Figures:
    progress_percent: int | None  # None: nothing planned yet to measure against
    delivered: int | None  # quantity projects only
    planned: int | None
    funded: Decimal
    budget: Decimal

    @property
    def funding_percent(self) -> int | None:
        if not self.budget:
            return None
        return int(self.funded * 100 // self.budget)


def _sum_subquery(model, expression, output_field):
    rows = model.objects.filter(project=OuterRef("pk")).order_by().values("project")
    return Coalesce(Subquery(rows.annotate(total=Sum(expression)).values("total")[:1]), Value(0), output_field=output_field)


def with_figures(queryset: QuerySet[Project]) -> QuerySet[Project]:
    return queryset.annotate(
        fig_delivered=_sum_subquery(Batch, F("delivered_quantity"), IntegerField()),
        fig_funded=_sum_subquery(Contribution, F("amount"), DecimalField(max_digits=14, decimal_places=2)),
        fig_weighted=_sum_subquery(Milestone, F("weight") * F("percent"), IntegerField()),
        fig_weights=_sum_subquery(Milestone, F("weight"), IntegerField()),
    )


def progress_percent(*, planned: int | None, delivered: int, weighted: int, weights: int) -> int | None:
    if planned is not None:
        if planned <= 0:
            return None
        return min(100, delivered * 100 // planned)
    if weights <= 0:
        return None
    return min(100, weighted // weights)


def figures(project: Project) -> Figures:
    if not hasattr(project, "fig_delivered"):
        project = with_figures(Project.objects.filter(pk=project.pk)).get()
    planned = project.planned_quantity
    return Figures(
        progress_percent=progress_percent(
            planned=planned,
            delivered=project.fig_delivered,
            weighted=project.fig_weighted,
            weights=project.fig_weights,
        ),
        delivered=project.fig_delivered if planned is not None else None,
        planned=planned,
        funded=Decimal(project.fig_funded),
        budget=project.budget,
    )
