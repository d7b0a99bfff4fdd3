"""resident_requests.stats: the 考核 figures of DOMAIN.md §3 against a hand-computed example."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from resident_requests import services, stats
from resident_requests.models import (
    AssessmentWeights,
    ResidentRequest,
    Satisfaction,
    Status,
)
from resident_requests.stats import Period
from tests.factories import make_request
from tests.request_steps import walk

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 2026-03-10 10:00 in Shanghai: the hand-computed example happens in March 2026.
MARCH_10 = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))

# Ten valid callbacks: contacted 9, solved 8; 满意 6, 基本满意 2, 不满意 2.
CALLBACKS = [
    *[(True, True, Satisfaction.SATISFIED)] * 6,
    *[(True, True, Satisfaction.BASICALLY)] * 2,
    (True, False, Satisfaction.DISSATISFIED),
    (False, False, Satisfaction.DISSATISFIED),
]


def called_back(cast, contacted: bool, solved: bool, satisfaction: str):
    request = walk(make_request(community=cast.community, building=cast.building), cast, to=Status.RESOLVED)
    return services.request_callback(
        request=request, acting_user=cast.worker, contacted=contacted, solved=solved, satisfaction=satisfaction
    )


@pytest.fixture
def ten_callbacks(cast):
    with time_machine.travel(MARCH_10, tick=False):
        return [called_back(cast, *answers) for answers in CALLBACKS]


def figures_for(user, period=MARCH) -> stats.Figures:
    return stats.assessment(user=user, period=period).total


def test_hand_computed_rates(cast, ten_callbacks):
    figures = figures_for(cast.worker)
    assert (figures.total, figures.resolved, figures.callbacks) == (10, 10, 10)
    assert (figures.contacted, figures.solved) == (9, 8)
    assert (figures.satisfied, figures.basically_satisfied, figures.dissatisfied) == (6, 2, 2)
    assert figures.response_rate == Decimal("0.9")
    assert figures.solution_rate == Decimal("0.8")
    assert figures.satisfaction_rate == Decimal("0.78")  # (6 + 0.9 × 2) / 10
    assert figures.score == Decimal("0.802")  # 0.1 × 0.9 + 0.5 × 0.8 + 0.4 × 0.78
    assert stats.percent(figures.satisfaction_rate) == "78.0%"
    assert stats.points(figures.score) == "80.2"
    assert figures.by_status[Status.CALLED_BACK] == 10


def test_the_same_figures_per_grid_community_and_category(cast, ten_callbacks):
    by_grid = stats.assessment(user=cast.worker, period=MARCH)
    assert by_grid.group_name == "网格"
    rows = {row.label: row for row in by_grid.rows}
    assert set(rows) == {cast.grid.name, cast.other_grid.name}
    assert rows[cast.grid.name].score == Decimal("0.802")
    assert rows[cast.other_grid.name].total == 0
    assert rows[cast.other_grid.name].score is None

    by_community = stats.assessment(user=cast.street_admin, period=MARCH)
    rows = {row.label: row for row in by_community.rows}
    assert rows[str(cast.community)].score == Decimal("0.802")
    assert rows[str(cast.other_community)].total == 0  # listed, so the ranking shows it
    [sanitation] = by_community.categories
    assert (sanitation.label, sanitation.total, sanitation.score) == ("环境卫生", 10, Decimal("0.802"))


def test_changed_weights_change_the_score(cast, ten_callbacks):
    AssessmentWeights.objects.update(
        response_weight=Decimal("0.2"),
        solution_weight=Decimal("0.3"),
        satisfaction_weight=Decimal("0.5"),
        basically_satisfied_weight=Decimal("0.5"),
    )
    figures = figures_for(cast.worker)
    assert figures.satisfaction_rate == Decimal("0.7")  # (6 + 0.5 × 2) / 10
    assert figures.score == Decimal("0.77")  # 0.2 × 0.9 + 0.3 × 0.8 + 0.5 × 0.7


def test_without_a_weights_row_the_defaults_apply(cast, ten_callbacks):
    AssessmentWeights.objects.all().delete()
    assert figures_for(cast.worker).score == Decimal("0.802")


def test_requests_outside_the_period_or_the_scope_are_left_out(cast, ten_callbacks):
    # 2026-02-28 23:30 in Shanghai is February; 2026-03-31 23:30 is March (though April 1 is near in UTC+8).
    with time_machine.travel(dt.datetime(2026, 2, 28, 23, 30, tzinfo=SHANGHAI), tick=False):
        called_back(cast, False, False, Satisfaction.DISSATISFIED)
    with time_machine.travel(dt.datetime(2026, 4, 1, 0, 0, tzinfo=SHANGHAI), tick=False):
        called_back(cast, False, False, Satisfaction.DISSATISFIED)
    with time_machine.travel(dt.datetime(2026, 3, 31, 23, 30, tzinfo=SHANGHAI), tick=False):
        late_march = make_request(community=cast.community, building=cast.building)
    with time_machine.travel(MARCH_10, tick=False):
        outsider = make_request(community=cast.other_community)
    # A callback in the other community, written directly: only the street sees it.
    ResidentRequest.objects.filter(pk=outsider.pk).update(
        status=Status.CALLED_BACK,
        callback_at=MARCH_10,
        callback_contacted=False,
        callback_solved=False,
        callback_satisfaction=Satisfaction.DISSATISFIED,
    )

    figures = figures_for(cast.worker)
    assert figures.total == 11  # the ten and late_march
    assert figures.by_status[Status.SUBMITTED] == 1
    assert figures.score == Decimal("0.802")
    assert late_march.pk in stats.requests_in_period(cast.worker, MARCH).values_list("pk", flat=True)

    street = figures_for(cast.street_admin)
    assert (street.total, street.callbacks, street.contacted) == (12, 11, 9)
    other_row = next(row for row in stats.assessment(user=cast.street_admin, period=MARCH).rows if row.key == cast.other_community.pk)
    assert (other_row.callbacks, other_row.response_rate) == (1, Decimal(0))
    assert figures_for(cast.other_worker).total == 1


def test_on_time_rate_average_handling_time_and_overdue(cast):
    start = MARCH_10
    with time_machine.travel(start, tick=False) as traveller:
        fast = walk(make_request(community=cast.community, building=cast.building), cast, to=Status.IN_PROGRESS)
        slow = walk(make_request(community=cast.community, building=cast.building), cast, to=Status.IN_PROGRESS)
        walk(make_request(community=cast.community, building=cast.building), cast, to=Status.ACCEPTED)  # stays open
        traveller.shift(dt.timedelta(hours=5))
        services.request_resolve(request=fast, acting_user=cast.grid_worker, result="已处理")
        traveller.shift(dt.timedelta(days=8) - dt.timedelta(hours=5))  # past the 7-day limit of 环境卫生
        services.request_resolve(request=slow, acting_user=cast.grid_worker, result="已处理")

        figures = figures_for(cast.worker)
        assert (figures.resolved, figures.with_result, figures.on_time) == (2, 2, 1)
        assert figures.on_time_rate == Decimal("0.5")
        assert figures.avg_handling_hours == pytest.approx((5 + 8 * 24) / 2)  # 98.5
        assert stats.hours(figures.avg_handling_hours) == "98.5"
        assert figures.overdue == 1  # the open one, accepted 8 days ago
        assert figures.callbacks == 0 and figures.score is None  # no callbacks yet


def test_an_empty_period_has_no_rates(cast, ten_callbacks):
    figures = figures_for(cast.worker, Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    assert (figures.total, figures.callbacks) == (0, 0)
    for rate in (figures.response_rate, figures.solution_rate, figures.satisfaction_rate, figures.score):
        assert rate is None
    assert figures.on_time_rate is None and figures.avg_handling_hours is None
    assert stats.percent(figures.response_rate) == stats.points(figures.score) == stats.hours(None) == "—"


def test_periods_follow_the_calendar():
    day = dt.date(2026, 5, 20)
    assert Period.month(day) == Period(dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert Period.quarter(day) == Period(dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert Period.year(day) == Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert Period.month(dt.date(2028, 2, 10)).end == dt.date(2028, 2, 29)
    start, end = Period.month(day).bounds()
    assert start == dt.datetime(2026, 5, 1, tzinfo=SHANGHAI)
    assert end == dt.datetime(2026, 6, 1, tzinfo=SHANGHAI)


def test_the_figures_take_a_fixed_number_of_queries(cast, ten_callbacks, django_assert_max_num_queries):
    # Weights, communities, the grouped counts, categories, the category counts, the total.
    with django_assert_max_num_queries(6):
        stats.assessment(user=cast.street_admin, period=MARCH)
