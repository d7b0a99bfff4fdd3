"""Progress (quantity and weighted milestones) and funding arithmetic."""

from decimal import Decimal

import pytest

from projects.models import Project
from projects.selectors.progress import figures, progress_percent, with_figures
from tests.project_factories import (
    BatchFactory,
    ContributionFactory,
    MilestoneFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


def test_quantity_progress_is_delivered_over_planned_rounded_down():
    project = ProjectFactory(planned_quantity=300)
    BatchFactory(project=project, number=1, planned_quantity=100, delivered_quantity=100)
    BatchFactory(project=project, number=2, planned_quantity=120, delivered_quantity=120)
    result = figures(project)
    assert (result.delivered, result.planned, result.progress_percent) == (220, 300, 73)


def test_quantity_progress_never_shows_100_before_the_last_item():
    project = ProjectFactory(planned_quantity=300)
    BatchFactory(project=project, planned_quantity=300, delivered_quantity=299)
    assert figures(project).progress_percent == 99


def test_weighted_milestone_progress():
    project = ProjectFactory(planned_quantity=None, quantity_unit="")
    MilestoneFactory(project=project, weight=1, percent=100)  # design done
    MilestoneFactory(project=project, weight=3, percent=50)  # works half done
    MilestoneFactory(project=project, weight=1, percent=0)  # acceptance
    # (1×100 + 3×50 + 1×0) / 5 = 50
    assert figures(project).progress_percent == 50


def test_nothing_to_measure_is_none_not_zero():
    assert figures(ProjectFactory(planned_quantity=None, quantity_unit="")).progress_percent is None
    assert progress_percent(planned=0, delivered=0, weighted=0, weights=0) is None


def test_funding_counts_money_not_in_kind():
    project = ProjectFactory(budget=Decimal("300000"))
    ContributionFactory(project=project, amount=Decimal("150000"))
    ContributionFactory(project=project, amount=Decimal("75000.50"))
    ContributionFactory(project=project, amount=Decimal("0"), in_kind="中衡设计提供设计方案")
    result = figures(project)
    assert result.funded == Decimal("225000.50")
    assert result.funding_percent == 75


def test_funding_percent_without_budget_is_none():
    project = ProjectFactory(budget=Decimal("0"))
    ContributionFactory(project=project, amount=Decimal("1000"))
    assert figures(project).funding_percent is None


def test_list_annotations_cost_one_query(django_assert_num_queries):
    for _ in range(3):
        project = ProjectFactory()
        BatchFactory(project=project, planned_quantity=100, delivered_quantity=50)
        BatchFactory(project=project, planned_quantity=100, delivered_quantity=10)
        ContributionFactory(project=project)
        ContributionFactory(project=project)
    with django_assert_num_queries(1):
        results = [figures(p) for p in with_figures(Project.objects.all())]
    # Two batches and two contributions each: the sums must not multiply each other.
    assert {(r.delivered, r.funded) for r in results} == {(60, Decimal("200000.00"))}
