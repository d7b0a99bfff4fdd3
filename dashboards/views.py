"""统计看板: the street / community / grid dashboard (issue 6).

One view renders every level; the level comes from the path (drill-down links:
/dashboard/communities/<pk>/, /dashboard/grids/<pk>/) or from the GET form's
scope selector (/dashboard/?scope=c<pk>). The period comes from the GET form
(period, start, end). Both are remembered per user on every explicit choice;
/dashboard/ with neither opens the remembered ones. Figures come from
dashboards.selectors; this module only arranges them for the template.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.permissions import staff_required
from dashboards import selectors
from dashboards.periods import Period, PeriodForm
from dashboards.preferences import preference_of, preference_remember, stored_period
from dashboards.scope import (
    Scope,
    community_in_scope,
    default_scope,
    grid_in_scope,
    scope_choices,
    scope_from_params,
    stored_scope,
)
from resident_requests import stats


@require_GET
@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return _dashboard(request, scope_from_params(request.user, request.GET))


@require_GET
@staff_required
def dashboard_community(request: HttpRequest, pk: int) -> HttpResponse:
    return _dashboard(request, Scope.for_community(community_in_scope(request.user, pk)))


@require_GET
@staff_required
def dashboard_grid(request: HttpRequest, pk: int) -> HttpResponse:
    return _dashboard(request, Scope.for_grid(grid_in_scope(request.user, pk)))


def _dashboard(request: HttpRequest, chosen_scope: Scope | None) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    form = PeriodForm(request.GET if "period" in request.GET else None)
    chosen_period = form.chosen(today)
    preference = preference_of(user)
    period = chosen_period or stored_period(preference, today=today) or Period.month(today)
    scope = chosen_scope or stored_scope(user, preference) or default_scope(user)
    if chosen_period is not None or chosen_scope is not None:
        preference_remember(user=user, period=period, scope=scope)
    if not form.is_bound:
        form = PeriodForm(initial={"period": period.kind, "start": period.start, "end": period.end})

    period_query = period.query()
    order = request.GET.get("order", "")
    weights = stats.Weights.current()
    rates = selectors.request_rates(scope, period, weights=weights)
    if scope.is_street:
        ranking = selectors.community_ranking(period, order, link_query=period_query, weights=weights)
        ranking_name = _("社区")
    elif scope.is_community:
        ranking = selectors.grid_ranking(scope.community, period, order, link_query=period_query, weights=weights)
        ranking_name = _("网格")
    else:
        ranking, ranking_name = [], ""
    with_hours = scope.is_street
    order = selectors.valid_order(order, with_volunteer_hours=with_hours)
    volunteers = selectors.volunteer_summary(scope, period)
    trend = selectors.monthly_trend(scope, period, weights=weights, volunteer=volunteers.breakdown)
    projects = selectors.project_summary(scope, period)

    return render(
        request,
        "dashboards/dashboard.html",
        {
            "form": form,
            "period": period,
            "previous": period.previous(),
            "scope": scope,
            "scope_groups": scope_choices(user),
            "breadcrumbs": _breadcrumbs(user, scope, period_query),
            "figures": selectors.headline_figures(scope, period),
            "rates": _rate_cards(rates),
            "rates_total": rates,
            "ranking_name": ranking_name,
            "ranking_headers": _ranking_headers(request, order, ranking_name, with_hours) if ranking_name else [],
            "ranking": ranking,
            "trend": trend,
            "trend_charts": _trend_charts(trend, scope),
            "projects": projects,
            "project_chart": _project_chart(projects),
            "volunteers": volunteers,
            "volunteer_charts": _volunteer_charts(volunteers),
            "list_url": _url_with(reverse("requests:inbox"), {**scope.request_filter_query(), **period.request_filter_query()}),
        },
    )


def _url_with(path: str, query: dict) -> str:
    return selectors.url_with(path, query)


def _breadcrumbs(user, scope: Scope, query: dict) -> list[tuple[str, str]]:
    """(label, url) from the street down to the scope; url "" for the current level."""
    crumbs = []
    if user.is_street_level:
        crumbs.append((_("全街道"), _url_with(reverse("dashboards:dashboard"), {**query, "scope": "street"})))
    if scope.community is not None:
        crumbs.append((scope.community.name, _url_with(reverse("dashboards:community", args=[scope.community.pk]), query)))
    if scope.grid is not None:
        crumbs.append((scope.grid.name, ""))
    if crumbs:
        crumbs[-1] = (crumbs[-1][0], "")
    return crumbs


def _rate_cards(rates: stats.Figures) -> list[tuple[str, str]]:
    return [
        (_("响应率"), stats.percent(rates.response_rate)),
        (_("解决率"), stats.percent(rates.solution_rate)),
        (_("满意率"), stats.percent(rates.satisfaction_rate)),
        (_("综合成绩"), stats.points(rates.score)),
        (_("按时办结率"), stats.percent(rates.on_time_rate)),
        (_("平均办理时长(小时)"), stats.hours(rates.avg_handling_hours)),
        (_("当前超期"), str(rates.overdue)),
        (_("有效回访"), str(rates.callbacks)),
    ]


def _ranking_headers(request: HttpRequest, order: str, group_name: str, with_hours: bool) -> list[dict]:
    """One link per column: the first click sorts descending (a ranking), the next ascending. No JavaScript."""
    headers = []
    columns = [("name", group_name)] + [
        (c.key, c.label) for c in selectors.ranking_columns(with_volunteer_hours=with_hours)
    ]
    for key, label in columns:
        query = request.GET.copy()
        current = order if order.removeprefix("-") == key else ""
        first = key if key == "name" else f"-{key}"
        query["order"] = (key if current == f"-{key}" else f"-{key}") if current else first
        headers.append(
            {
                "label": label,
                "query": query.urlencode(),
                "aria_sort": ("descending" if current.startswith("-") else "ascending") if current else "",
            }
        )
    return headers


# --- Charts: each one is also a table (accessibility and print) --------------------


def _json_number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def _chart(chart_id: str, title: str, kind: str, categories: list[str], series: list[dict], *, percent=False) -> dict:
    """What _chart.html draws as a table and dashboard.js as an ECharts chart.

    `series`: [{"name": ..., "data": [numbers or None], "display": [shown strings]}]."""
    for one in series:
        one["data"] = [_json_number(v) for v in one["data"]]
        one.setdefault("display", [selectors.format_number(v) for v in one["data"]])
    return {
        "id": chart_id,
        "title": title,
        "data": {"kind": kind, "categories": categories, "series": [{"name": s["name"], "data": s["data"]} for s in series], "percent": percent},
        "data_id": f"{chart_id}-data",
        "rows": [(category, [(s["name"], s["display"][i]) for s in series]) for i, category in enumerate(categories)],
        "columns": [s["name"] for s in series],
    }


def _percent_number(rate) -> float | None:
    return None if rate is None else float((rate * 100).quantize(Decimal("0.1")))


def _trend_charts(trend: list[selectors.TrendRow], scope: Scope) -> list[dict]:
    months = [row.label for row in trend]
    charts = [
        _chart(
            "trend-requests",
            _("诉求数量(按月)"),
            "line",
            months,
            [
                {"name": _("诉求数"), "data": [row.requests.total for row in trend]},
                {"name": _("已办结"), "data": [row.requests.resolved for row in trend]},
                {"name": _("当前超期"), "data": [row.requests.overdue for row in trend]},
            ],
        ),
        _chart(
            "trend-rates",
            _("考核指标(按月,%)"),
            "line",
            months,
            [
                {
                    "name": label,
                    "data": [_percent_number(getter(row.requests)) for row in trend],
                    "display": [show(getter(row.requests)) for row in trend],
                }
                for label, getter, show in (
                    (_("响应率"), lambda f: f.response_rate, stats.percent),
                    (_("解决率"), lambda f: f.solution_rate, stats.percent),
                    (_("满意率"), lambda f: f.satisfaction_rate, stats.percent),
                    (_("综合成绩"), lambda f: f.score, stats.points),
                )
            ],
            percent=True,
        ),
    ]
    if not scope.is_grid:
        charts.append(
            _chart(
                "trend-service",
                _("志愿服务(按月)"),
                "line",
                months,
                [
                    {"name": _("志愿服务时长(小时)"), "data": [row.volunteer_hours for row in trend]},
                    {"name": _("服务人次"), "data": [row.people_served for row in trend]},
                ],
            )
        )
    return charts


def _project_chart(projects: selectors.ProjectSummary) -> dict | None:
    if not projects.available:
        return None
    return _chart(
        "projects-by-state",
        _("实事项目(按状态)"),
        "bar",
        [row.label for row in projects.by_state],
        [
            {"name": _("项目数"), "data": [row.count for row in projects.by_state]},
            {
                "name": _("预算(万元)"),
                "data": [(row.budget / 10000).quantize(Decimal("0.01")) for row in projects.by_state],
            },
        ],
    )


def _volunteer_charts(volunteers: selectors.VolunteerSummary) -> list[dict]:
    if not volunteers.available:
        return []
    return [
        _chart(
            "volunteers-by-month",
            _("志愿服务时长与服务人次(按月)"),
            "bar",
            [row.month.label for row in volunteers.by_month],
            [
                {"name": _("志愿服务时长(小时)"), "data": [row.hours for row in volunteers.by_month]},
                {"name": _("服务人次"), "data": [row.people_served for row in volunteers.by_month]},
            ],
        ),
        _chart(
            "volunteers-by-type",
            _("按队伍类型(本期)"),
            "bar",
            [row.label for row in volunteers.by_type],
            [
                {"name": _("志愿服务时长(小时)"), "data": [row.hours for row in volunteers.by_type]},
                {"name": _("服务人次"), "data": [row.people_served for row in volunteers.by_type]},
            ],
        ),
    ]
