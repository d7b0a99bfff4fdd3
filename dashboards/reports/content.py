"""A report run's content: the dashboard's figures (dashboards.selectors — the one place
they are computed) arranged as the sections the street sends up the line:

    概览        headline figures with the previous period and the change; the report's facts
    诉求考核    the rates of the scope, the ranking (communities for the street, grids for a
                community), the month-by-month trend (with a line chart)
    超期与重办  requests open past their time limit, and requests re-opened (重办) in the period:
                code, category, place, dates, state — never a resident's name or mobile
    微实事      projects by state (with a bar chart), budget and funding, progress of each under way
    志愿服务    hours and people served: totals, by month, by team type

Nothing here counts anything: it only picks figures and gives each value the kind
(count, rate, hours, money, date) the spreadsheet and the PDF format it by.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from dashboards import selectors
from dashboards.models import ReportRun
from dashboards.reports.document import (
    DATE,
    DATETIME,
    DECIMAL,
    DECIMAL_CHANGE,
    INT,
    INT_CHANGE,
    MONEY,
    PERCENT,
    PERCENT_CHANGE,
    POINTS,
    TEXT,
    Cell,
    Chart,
    Column,
    ReportDocument,
    Section,
    Table,
)
from dashboards.reports.periods import report_period
from dashboards.scope import Scope
from dashboards.services import report_title, scope_name


def _points(score) -> Decimal | None:
    """综合成绩 on the 100-point scale the pages show (resident_requests.stats.points)."""
    return None if score is None else Decimal(str(score)) * 100


def _hours(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


# --- 概览 -----------------------------------------------------------------------


def _figure_kinds(figure: selectors.Figure) -> tuple[str, str]:
    if figure.percent:
        return PERCENT, PERCENT_CHANGE
    values = [v for v in (figure.value, figure.previous) if v is not None]
    if any(not isinstance(v, int) for v in values):
        return DECIMAL, DECIMAL_CHANGE
    return INT, INT_CHANGE


def _overview(scope: Scope, period, run: ReportRun, title: str, generated_at: dt.datetime) -> Section:
    rows = []
    for figure in selectors.headline_figures(scope, period):
        kind, change_kind = _figure_kinds(figure)
        rows.append(
            [
                figure.label,
                Cell(_hours(figure.value) if kind == DECIMAL else figure.value, kind),
                Cell(
                    _hours(figure.previous) if kind == DECIMAL else figure.previous,
                    kind,
                ),
                # The number for the spreadsheet, the dashboard's own words (▲ 比上期增加 3件) for the PDF.
                Cell(
                    _hours(figure.change) if change_kind == DECIMAL_CHANGE else figure.change,
                    change_kind,
                    text=figure.change_display or None,
                ),
                figure.unit,
                figure.note,
            ]
        )
    previous = period.previous()
    headline = Table(
        title=_("主要指标"),
        columns=[
            Column(_("指标"), TEXT, 18),
            Column(_("本期"), TEXT, 12),
            Column(_("上期"), TEXT, 12),
            Column(_("变化"), TEXT, 24),
            Column(_("单位"), TEXT, 6),
            Column(_("说明"), TEXT, 26),
        ],
        rows=rows,
        note=_("上期为%(previous)s;“—”表示该范围无此数据或无可比较的上期数据。") % {"previous": previous.label},
    )
    facts = Table(
        title=_("报表信息"),
        columns=[Column(_("项目"), TEXT, 18), Column(_("内容"), TEXT, 40)],
        rows=[
            [_("报表"), title],
            [_("范围"), scope_name(run.community)],
            [_("统计周期"), period.label],
            [_("起始日期"), Cell(period.start, DATE)],
            [_("截止日期"), Cell(period.end, DATE)],
            [_("生成时间"), Cell(generated_at, DATETIME)],
            [
                _("申请人"),
                run.requested_by.display_name if run.requested_by else _("系统定时生成"),
            ],
        ],
    )
    return Section(sheet=_("概览"), tables=[headline, facts])


# --- 诉求考核 -------------------------------------------------------------------

# The kind of each ranking column of dashboards.selectors (by key); 综合成绩 on the 100-point scale.
RANKING_KINDS = {
    "total": INT,
    "resolved": INT,
    "overdue": INT,
    "on_time": PERCENT,
    "hours": DECIMAL,
    "callbacks": INT,
    "response": PERCENT,
    "solution": PERCENT,
    "satisfaction": PERCENT,
    "score": POINTS,
    "volunteer_hours": DECIMAL,
}


def _ranking_value(column, row):
    value = column.value(row)
    if column.key == "score":
        return _points(value)
    if RANKING_KINDS.get(column.key) == DECIMAL:
        return _hours(value)
    return value


def _ranking_table(scope: Scope, period) -> Table:
    if scope.is_street:
        rows = selectors.community_ranking(period)
        columns = selectors.ranking_columns(with_volunteer_hours=True)
        title, group = _("社区排名"), _("社区")
    else:
        rows = selectors.grid_ranking(scope.community, period)
        columns = selectors.ranking_columns(with_volunteer_hours=False)
        title, group = _("网格排名"), _("网格")
    return Table(
        title=title,
        columns=[Column(_("排名"), INT, 6), Column(group, TEXT, 14)]
        + [Column(str(c.label), RANKING_KINDS.get(c.key, TEXT), 10) for c in columns],
        rows=[[row.rank, row.label] + [_ranking_value(c, row) for c in columns] for row in rows],
        note=_("按综合成绩排序,成绩相同者名次相同;无有效回访的不参与排名(名次为“—”)。"),
    )


def _month_tick(start: dt.date, trend) -> str:
    # "10月" while the trend stays in one year; "2025年12月" once it crosses one.
    if len({row.month.start.year for row in trend}) == 1:
        return _("%(m)d月") % {"m": start.month}
    return _("%(y)d年%(m)d月") % {"y": start.year, "m": start.month}


def _requests_section(scope: Scope, period) -> Section:
    rates = selectors.request_rates(scope, period)
    summary = Table(
        title=_("诉求办理考核"),
        columns=[Column(_("指标"), TEXT, 18), Column(_("数值"), TEXT, 12)],
        rows=[
            [_("诉求数"), Cell(rates.total, INT)],
            [_("已办结"), Cell(rates.resolved, INT)],
            [_("有效回访"), Cell(rates.callbacks, INT)],
            [_("响应率"), Cell(rates.response_rate, PERCENT)],
            [_("解决率"), Cell(rates.solution_rate, PERCENT)],
            [_("满意率"), Cell(rates.satisfaction_rate, PERCENT)],
            [_("综合成绩"), Cell(_points(rates.score), POINTS)],
            [_("按时办结率"), Cell(rates.on_time_rate, PERCENT)],
            [_("平均办理时长(小时)"), Cell(_hours(rates.avg_handling_hours), DECIMAL)],
            [_("当前超期"), Cell(rates.overdue, INT)],
        ],
        note=_("响应率、解决率、满意率以有效回访为分母;综合成绩为百分制。"),
    )
    trend = selectors.monthly_trend(scope, period)
    trend_table = Table(
        title=_("月度趋势"),
        columns=[
            Column(_("月份"), TEXT, 12),
            Column(_("诉求数"), INT, 10),
            Column(_("已办结"), INT, 10),
            Column(_("满意率"), PERCENT, 10),
            Column(_("综合成绩"), POINTS, 10),
            Column(_("志愿服务时长(小时)"), DECIMAL, 14),
            Column(_("服务人次"), INT, 10),
        ],
        rows=[
            [
                row.label,
                row.requests.total,
                row.requests.resolved,
                row.requests.satisfaction_rate,
                _points(row.requests.score),
                _hours(row.volunteer_hours),
                row.people_served,
            ]
            for row in trend
        ],
    )
    chart = Chart(
        title=_("诉求数量月度趋势(件)"),
        kind="line",
        categories=[_month_tick(row.month.start, trend) for row in trend],
        series=[
            (_("诉求数"), [row.requests.total for row in trend]),
            (_("已办结"), [row.requests.resolved for row in trend]),
        ],
    )
    return Section(
        sheet=_("诉求考核"),
        tables=[summary, _ranking_table(scope, period), trend_table],
        charts=[chart],
    )


# --- 超期与重办 -----------------------------------------------------------------


def _place(request) -> str:
    parts = [request.community.name if request.community_id else _("未指定社区")]
    if request.grid_id:
        parts.append(request.grid.name)
    return " ".join(parts)


def _lists_section(scope: Scope, period) -> Section:
    lists = selectors.overdue_and_reopened_requests(scope, period)
    overdue = Table(
        title=_("超期未办结诉求"),
        columns=[
            Column(_("受理编号"), TEXT, 16),
            Column(_("类别"), TEXT, 12),
            Column(_("社区/网格"), TEXT, 18),
            Column(_("提交时间"), DATETIME, 18),
            Column(_("办理时限"), DATETIME, 18),
            Column(_("状态"), TEXT, 10),
            Column(_("承办单位"), TEXT, 14),
        ],
        rows=[
            [
                r.tracking_code,
                r.category.name,
                _place(r),
                r.submitted_at,
                r.due_at,
                r.get_status_display(),
                r.handler_unit,
            ]
            for r in lists.overdue
        ],
        note=_("截至报表生成时仍未办结且已过办理时限(含批准延期)的诉求。不含居民姓名和联系方式。"),
    )
    reopened = Table(
        title=_("本期重办诉求"),
        columns=[
            Column(_("受理编号"), TEXT, 16),
            Column(_("类别"), TEXT, 12),
            Column(_("社区/网格"), TEXT, 18),
            Column(_("重办时间"), DATETIME, 18),
            Column(_("重办次数"), INT, 8),
            Column(_("办理时限"), DATETIME, 18),
            Column(_("状态"), TEXT, 10),
        ],
        rows=[
            [
                r.tracking_code,
                r.category.name,
                _place(r),
                r.reopened_at,
                r.reopen_count,
                r.due_at,
                r.get_status_display(),
            ]
            for r in lists.reopened
        ],
        note=_("回访不满意后在本期重新办理的诉求。"),
    )
    return Section(sheet=_("超期与重办"), tables=[overdue, reopened])


# --- 微实事 ---------------------------------------------------------------------


def _projects_section(scope: Scope, period) -> Section:
    summary = selectors.project_summary(scope, period)
    by_state = Table(
        title=_("项目按状态"),
        columns=[
            Column(_("状态"), TEXT, 14),
            Column(_("项目数"), INT, 10),
            Column(_("预算(元)"), MONEY, 16),
        ],
        rows=[[row.label, row.count, row.budget] for row in summary.by_state]
        + [
            [
                _("合计"),
                summary.total,
                sum((row.budget for row in summary.by_state), Decimal(0)),
            ]
        ],
        note=_("截至期末已登记的项目,按当前状态统计。"),
    )
    funding = Table(
        title=_("预算与筹资"),
        columns=[Column(_("指标"), TEXT, 22), Column(_("数值"), TEXT, 16)],
        rows=[
            [_("立项项目预算合计(元)"), Cell(summary.budget, MONEY)],
            [_("已筹资金(元)"), Cell(summary.funded, MONEY)],
            [_("本期筹资(元)"), Cell(summary.funded_in_period, MONEY)],
            [
                _("筹资比例"),
                Cell(
                    None if summary.funding_percent is None else Decimal(summary.funding_percent) / 100,
                    PERCENT,
                ),
            ],
        ],
    )
    under_way = Table(
        title=_("实施中项目进度"),
        columns=[
            Column(_("项目名称"), TEXT, 26),
            Column(_("社区"), TEXT, 12),
            Column(_("状态"), TEXT, 10),
            Column(_("进度"), PERCENT, 8),
            Column(_("预算(元)"), MONEY, 12),
            Column(_("已筹(元)"), MONEY, 12),
            Column(_("筹资比例"), PERCENT, 8),
            Column(_("计划完成"), DATE, 14),
        ],
        rows=[
            [
                row.project.title,
                row.communities,
                row.project.get_status_display(),
                None if row.figures.progress_percent is None else Decimal(row.figures.progress_percent) / 100,
                row.figures.budget,
                row.figures.funded,
                None if row.figures.funding_percent is None else Decimal(row.figures.funding_percent) / 100,
                row.project.planned_end,
            ]
            for row in summary.under_way
        ],
    )
    chart = Chart(
        title=_("项目按状态(个)"),
        kind="bar",
        categories=[row.label for row in summary.by_state],
        series=[(_("项目数"), [row.count for row in summary.by_state])],
    )
    return Section(
        sheet=_("微实事"),
        tables=[by_state, funding, under_way],
        charts=[chart] if summary.by_state else [],
    )


# --- 志愿服务 -------------------------------------------------------------------


def _volunteers_section(scope: Scope, period) -> Section:
    summary = selectors.volunteer_summary(scope, period)
    totals = Table(
        title=_("志愿服务概况"),
        columns=[Column(_("指标"), TEXT, 22), Column(_("数值"), TEXT, 12)],
        rows=[
            [_("志愿服务时长(小时)"), Cell(_hours(summary.hours), DECIMAL)],
            [_("服务人次"), Cell(summary.people_served, INT)],
            [_("活跃队伍(支)"), Cell(summary.active_teams, INT)],
            [_("队伍总数(支)"), Cell(summary.teams, INT)],
            [_("注册志愿者(人)"), Cell(summary.volunteers, INT)],
            [_("本期参与服务的志愿者(人)"), Cell(summary.volunteers_served, INT)],
        ],
        note=summary.note,
    )
    by_month = Table(
        title=_("按月份"),
        columns=[
            Column(_("月份"), TEXT, 12),
            Column(_("服务时长(小时)"), DECIMAL, 14),
            Column(_("服务人次"), INT, 10),
        ],
        rows=[[row.month.label, _hours(row.hours), row.people_served] for row in summary.by_month],
    )
    by_type = Table(
        title=_("按队伍类型(本期)"),
        columns=[
            Column(_("队伍类型"), TEXT, 16),
            Column(_("服务时长(小时)"), DECIMAL, 14),
            Column(_("服务人次"), INT, 10),
        ],
        rows=[[row.label, _hours(row.hours), row.people_served] for row in summary.by_type],
    )
    return Section(sheet=_("志愿服务"), tables=[totals, by_month, by_type])


# --- The whole report ------------------------------------------------------------


def build_report(run: ReportRun, *, progress: Callable[[int, str], None] | None = None) -> ReportDocument:
    """The run's content; `progress(percent, step)` is told as each section is read (10 → 40)."""
    step = progress or (lambda percent, text: None)
    scope = Scope.for_community(run.community) if run.community_id else Scope.street()
    period = report_period(run.period_kind, run.period_start)
    title = report_title(run)
    generated_at = timezone.now()
    sections = [_overview(scope, period, run, title, generated_at)]
    step(16, _("汇总诉求考核数据"))
    sections.append(_requests_section(scope, period))
    step(22, _("整理超期与重办诉求"))
    sections.append(_lists_section(scope, period))
    step(28, _("汇总微实事项目"))
    sections.append(_projects_section(scope, period))
    step(34, _("汇总志愿服务"))
    sections.append(_volunteers_section(scope, period))
    return ReportDocument(
        title=title,
        scope_label=scope_name(run.community),
        period_label=period.label,
        period_start=period.start,
        period_end=period.end,
        generated_at=generated_at,
        sections=sections,
    )
