"""Periods and scopes of the dashboard: labels, previous period, months, parsing, who may open what."""

import datetime as dt

import pytest
from django.http import Http404, QueryDict

from dashboards.periods import Period, period_from_params
from dashboards.scope import Scope, default_scope, scope_from_key, scope_from_params

D = dt.date


def test_labels():
    assert Period.month(D(2026, 11, 21)).label == "2026年11月"
    assert Period.quarter(D(2026, 11, 21)).label == "2026年第四季度"
    assert Period.year(D(2026, 11, 21)).label == "2026年"
    assert Period.custom(D(2026, 10, 1), D(2026, 11, 21)).label == "2026年10月1日—11月21日"
    assert Period.custom(D(2025, 12, 1), D(2026, 1, 31)).label == "2025年12月1日—2026年1月31日"


def test_bounds_and_previous():
    month = Period.month(D(2026, 3, 15))
    assert (month.start, month.end) == (D(2026, 3, 1), D(2026, 3, 31))
    assert (month.previous().start, month.previous().end) == (D(2026, 2, 1), D(2026, 2, 28))
    quarter = Period.quarter(D(2026, 2, 1))
    assert (quarter.previous().start, quarter.previous().end) == (D(2025, 10, 1), D(2025, 12, 31))
    assert Period.year(D(2026, 5, 5)).previous().label == "2025年"
    custom = Period.custom(D(2026, 10, 1), D(2026, 11, 21))  # 52 days
    assert (custom.previous().start, custom.previous().end) == (D(2026, 8, 10), D(2026, 9, 30))
    start, end = month.bounds()
    assert (start.isoformat(), end.isoformat()) == ("2026-03-01T00:00:00+08:00", "2026-04-01T00:00:00+08:00")


def test_months_and_trend_window():
    custom = Period.custom(D(2026, 10, 15), D(2026, 12, 3))
    assert [(m.start, m.end) for m in custom.months()] == [
        (D(2026, 10, 15), D(2026, 10, 31)),
        (D(2026, 11, 1), D(2026, 11, 30)),
        (D(2026, 12, 1), D(2026, 12, 3)),
    ]
    window = Period.month(D(2026, 2, 10)).trend_window()
    assert (window.start, window.end) == (D(2025, 9, 1), D(2026, 2, 28))
    year = Period.year(D(2026, 1, 1)).trend_window()
    assert (year.start, year.end, len(year.months())) == (D(2026, 1, 1), D(2026, 12, 31), 12)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", None),
        ("period=quarter", (D(2026, 10, 1), D(2026, 12, 31))),
        ("period=year", (D(2026, 1, 1), D(2026, 12, 31))),
        ("period=custom&start=2026-10-01&end=2026-10-31", (D(2026, 10, 1), D(2026, 10, 31))),
        ("period=custom&start=2026-10-31&end=2026-10-01", None),  # backwards
        ("period=custom&start=2026-10-01", None),  # missing end
        ("period=custom&start=2020-01-01&end=2026-10-01", None),  # over five years
        ("period=week", None),
    ],
)
def test_period_from_params(query, expected):
    period = period_from_params(QueryDict(query), today=D(2026, 11, 21))
    assert (None if period is None else (period.start, period.end)) == expected


def test_scope_rules(cast):
    assert default_scope(cast.street_reviewer) == Scope.street()
    assert default_scope(cast.secretary).community == cast.community
    assert default_scope(cast.grid_worker).grid == cast.grid
    # Street roles open anything; community staff only their own community and its grids.
    assert scope_from_key(cast.street_reviewer, f"c{cast.other_community.pk}").community == cast.other_community
    assert scope_from_key(cast.worker, f"g{cast.other_grid.pk}").grid == cast.other_grid
    assert scope_from_key(cast.grid_worker, f"c{cast.community.pk}").is_community
    for key in ("street", f"c{cast.other_community.pk}", "g999999", "cx", "nonsense"):
        with pytest.raises(Http404):
            scope_from_key(cast.secretary, key)
    other_grid = cast.outsider_resident.household.stairwell.building.grid
    with pytest.raises(Http404):
        scope_from_params(cast.grid_worker, QueryDict(f"grid={other_grid.pk}"))
    assert scope_from_params(cast.secretary, QueryDict("")) is None
