"""Dashboard figures against values worked out by hand on tests/dash_factories.py (October 2026)."""

import datetime as dt
from decimal import Decimal

import pytest

from communities.models import Community
from dashboards import selectors
from dashboards.scope import Scope
from resident_requests import stats
from tests.dash_factories import OCTOBER, build_dashboard_data
from tests.factories import CommunityFactory


@pytest.fixture
def data(cast):
    return build_dashboard_data(cast)


def by_key(figures):
    return {f.key: f for f in figures}


def values(figures):
    return {f.key: (f.value, f.previous) for f in figures}


def test_community_headline_figures(data):
    figures = by_key(selectors.headline_figures(Scope.for_community(data.cast.community), OCTOBER))
    assert values(figures.values()) == {
        "requests": (3, 1),
        "disputes": (1, 0),
        "projects_done": (1, 1),
        "projects_under_way": (1, 2),
        "people_served": (130, 32),  # 30 (微党课) + 25 + 40 (market stalls) + 35 (早餐); Sept 12 + 20
        "volunteer_hours": (3.5, 0.5),  # 120 + 90 confirmed minutes; the pending 60 do not count
        "active_teams": (3, 2),
        "units_engaged": (2, 1),
        "stairwell_groups": (2, 1),
        "branch_coverage": (1.0, None),
        "service_positions": (2, None),
    }
    assert figures["requests"].change == 2
    assert figures["requests"].change_display == "▲ 比上期增加 2 件"
    assert figures["projects_under_way"].change_display == "▼ 比上期减少 1 个"
    assert figures["projects_done"].change_display == "● 与上期持平"
    assert figures["volunteer_hours"].change == pytest.approx(3.0)
    assert figures["branch_coverage"].value_display == "100.0%"
    assert figures["branch_coverage"].change_display == "无上期数据,不作比较"


def test_street_headline_figures(data):
    figures = selectors.headline_figures(Scope.street(), OCTOBER)
    assert values(figures) == {
        "requests": (4, 1),
        "disputes": (2, 0),
        "projects_done": (1, 1),
        "projects_under_way": (2, 2),  # 百凳 and 淞渔桥 (approved 10月1日); in Sept 百凳 and 口袋公园
        "people_served": (180, 32),
        "volunteer_hours": (7.5, 0.5),
        "active_teams": (4, 2),
        "units_engaged": (3, 1),
        "stairwell_groups": (2, 1),
        "branch_coverage": (0.5, None),  # 1 of 2 compounds
        "service_positions": (4, None),
    }


def test_grid_headline_figures_leave_community_figures_out(data):
    figures = by_key(selectors.headline_figures(Scope.for_grid(data.cast.grid), OCTOBER))
    assert (figures["requests"].value, figures["requests"].previous) == (2, 1)
    assert (figures["disputes"].value, figures["disputes"].previous) == (0, 0)
    assert (figures["stairwell_groups"].value, figures["stairwell_groups"].previous) == (1, 0)
    assert figures["service_positions"].value == 1
    for key in ("projects_done", "projects_under_way", "people_served", "volunteer_hours", "active_teams", "units_engaged"):
        assert figures[key].value is None and figures[key].value_display == "—"
        assert figures[key].note
    assert figures["requests"].link_url.startswith("/requests/?")
    assert f"grid={data.cast.grid.pk}" in figures["requests"].link_url


def test_figure_links_count_the_same_rows(data):
    figures = by_key(selectors.headline_figures(Scope.for_community(data.cast.community), OCTOBER))
    link = figures["requests"].link_url
    assert f"community={data.cast.community.pk}" in link
    assert "submitted_from=2026-10-01" in link and "submitted_to=2026-10-31" in link
    assert "category=" in figures["disputes"].link_url
    assert "status=implementing" in figures["projects_under_way"].link_url
    assert figures["people_served"].link_url == f"/activities/?community={data.cast.community.pk}"


def test_request_rates_reuse_the_assessment(data):
    rates = selectors.request_rates(Scope.for_community(data.cast.community), OCTOBER)
    assert rates.total == 3
    assert rates.callbacks == 2
    assert stats.percent(rates.response_rate) == "100.0%"
    assert stats.percent(rates.solution_rate) == "50.0%"
    assert stats.percent(rates.satisfaction_rate) == "95.0%"  # (1 + 0.9 × 1) ÷ 2
    assert stats.points(rates.score) == "73.0"  # 0.1 × 1 + 0.5 × 0.5 + 0.4 × 0.95
    assert stats.percent(rates.on_time_rate) == "50.0%"
    assert rates.avg_handling_hours == pytest.approx(264)  # (48 + 480) ÷ 2
    assert rates.overdue == 1


def test_community_ranking_orders_and_numbers_rows(data):
    CommunityFactory(name="彭山", code="320571006003")
    rows = selectors.community_ranking(OCTOBER)  # by 综合成绩, best first
    assert [(r.label, r.rank) for r in rows] == [("莲香", 1), ("淞渔", None), ("彭山", None)]
    assert rows[0].link_url == f"/dashboard/communities/{data.cast.community.pk}/?period=month"
    rows = selectors.community_ranking(OCTOBER, "-overdue")
    assert [(r.label, r.rank) for r in rows] == [("莲香", 1), ("淞渔", 2), ("彭山", 2)]  # a tie shares its rank
    rows = selectors.community_ranking(OCTOBER, "-volunteer_hours")
    assert [(r.label, r.volunteer_hours, r.rank) for r in rows] == [("淞渔", 4.0, 1), ("莲香", 3.5, 2), ("彭山", 0.0, 3)]
    rows = selectors.community_ranking(OCTOBER, "total")
    assert [r.label for r in rows] == ["彭山", "淞渔", "莲香"]
    assert selectors.community_ranking(OCTOBER, "nonsense")[0].label == "莲香"


def test_grid_ranking(data):
    rows = selectors.grid_ranking(data.cast.community, OCTOBER)
    assert [(r.label, r.rank, stats.points(r.figures.score)) for r in rows] == [
        ("莲香第一网格", 1, "100.0"),
        ("莲香第二网格", 2, "46.0"),  # 0.1 × 1 + 0.5 × 0 + 0.4 × 0.9
    ]
    assert [r.figures.total for r in rows] == [2, 1]


def test_monthly_trend(data):
    trend = selectors.monthly_trend(Scope.for_community(data.cast.community), OCTOBER)
    assert [row.label for row in trend] == ["2026年5月", "2026年6月", "2026年7月", "2026年8月", "2026年9月", "2026年10月"]
    assert [row.requests.total for row in trend] == [0, 0, 0, 0, 1, 3]
    assert [row.volunteer_hours for row in trend] == [0.0, 0.0, 0.0, 0.0, 0.5, 3.5]
    assert [row.people_served for row in trend] == [0, 0, 0, 0, 32, 130]
    assert stats.points(trend[-1].requests.score) == "73.0"
    grid = selectors.monthly_trend(Scope.for_grid(data.cast.grid), OCTOBER)
    assert [row.requests.total for row in grid][-2:] == [1, 2]
    assert grid[-1].volunteer_hours is None


def test_volunteer_summary(data):
    summary = selectors.volunteer_summary(Scope.for_community(data.cast.community), OCTOBER)
    assert summary.available
    assert (summary.hours, summary.people_served) == (3.5, 130)
    assert [(row.label, row.hours, row.people_served) for row in summary.by_type] == [
        ("红管先锋", 3.5, 30),
        ("居民服务团队", 0.0, 35),
        ("共建单位志愿队", 0.0, 65),
    ]
    assert (summary.active_teams, summary.teams, summary.volunteers, summary.volunteers_served) == (3, 4, 2, 2)
    assert [(row.month.label, row.hours, row.people_served) for row in summary.by_month][-2:] == [
        ("2026年9月", 0.5, 32),
        ("2026年10月", 3.5, 130),
    ]
    assert not selectors.volunteer_summary(Scope.for_grid(data.cast.grid), OCTOBER).available


def test_project_summary(data):
    summary = selectors.project_summary(Scope.for_community(data.cast.community), OCTOBER)
    assert [(row.label, row.count, row.budget) for row in summary.by_state] == [
        ("征集中", 1, Decimal("5000.00")),
        ("实施中", 1, Decimal("300000.00")),
        ("公示中", 1, Decimal("10000.00")),
        ("已完成", 1, Decimal("20000.00")),
        ("已终止", 1, Decimal("1000.00")),
    ]
    assert summary.total == 5
    assert summary.budget == Decimal("330000.00")
    assert summary.funded == Decimal("150000.00")
    assert summary.funded_in_period == Decimal("100000.00")
    assert summary.funding_percent == 45
    [row] = summary.under_way
    assert row.project == data.projects.p1
    assert (row.figures.progress_percent, row.figures.delivered, row.figures.planned) == (73, 220, 300)
    assert row.figures.funding_percent == 50
    street = selectors.project_summary(Scope.street(), OCTOBER)
    assert [r.project.title for r in street.under_way] == ["百凳为百姓", "淞渔桥拓宽"]
    assert street.funded == Decimal("158000.00")


def test_project_summary_counts_only_projects_registered_by_the_period_end(data):
    from projects.models import Project

    Project.objects.filter(pk=data.projects.p4.pk).update(created_at=dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc))
    summary = selectors.project_summary(Scope.for_community(data.cast.community), OCTOBER)
    assert summary.total == 4


def test_overdue_and_reopened_lists(data):
    lists = selectors.overdue_and_reopened_requests(Scope.for_community(data.cast.community), OCTOBER)
    assert lists.overdue == [data.requests.r3]
    assert lists.reopened == [data.requests.r1]
    other = selectors.overdue_and_reopened_requests(Scope.for_community(data.cast.other_community), OCTOBER)
    assert (other.overdue, other.reopened) == ([], [])


def test_headline_query_count_is_fixed(data, django_assert_max_num_queries):
    scope = Scope.for_community(Community.objects.get(pk=data.cast.community.pk))
    with django_assert_max_num_queries(14):
        selectors.headline_figures(scope, OCTOBER)
