"""The ONE place for dashboard and report figures (DOMAIN.md §9; issue 6).

Pages, the Celery reports and their tests all read these functions; none of
them takes a user: the caller has already turned the user's choice into a
`Scope` (dashboards/scope.py decides who may open what) and a `Period`
(dashboards/periods.py).

Counting rules, beside the request assessment's own (resident_requests/stats.py,
reused as is):
- 民意收集: requests submitted in the period; 纠纷排查: those of a category
  marked 属于矛盾纠纷 (`RequestCategory.is_dispute`, the seeded 矛盾纠纷).
- 实事项目完成: projects accepted (验收通过) in the period; 实施中: projects
  approved (立项) and not yet accepted at the period's end, not terminated.
- 服务人次: published activities' people served (a 公益市集 sums its stalls),
  counted in the period of the activity's first shift, plus 产消者 service
  deliveries on their date. 志愿服务时长: confirmed service hours by service date.
- 活跃队伍: teams with a shift of one of their activities, or a service
  delivery, in the period. 共建单位参与: units with a contribution to a project,
  or a shift of one of their unit teams' activities, in the period.
- Stock figures (楼道党小组, 服务阵地, 小区党支部覆盖率) are values at the period's
  end; where the data keeps no history (阵地, 覆盖率) there is no comparison.
- Grid scope: requests carry their grid (from the building). Activities,
  hours, projects and co-building work are recorded per community, so those
  figures are "—" at grid level with a note rather than a guess.

Every block is a fixed number of aggregate queries (conditional aggregation,
grouped by month/type/community in the database), never a loop of queries per
row, so the cost does not grow with years of data or the number of communities.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Trunc, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import (
    CoBuildingUnit,
    Community,
    Grid,
    PartyOrganisation,
    PartyTier,
    ServicePosition,
)
from communities.selectors import party_coverage_of
from dashboards.periods import Period
from dashboards.scope import Scope
from projects.models import UNDER_WAY_STATES as PROJECT_UNDER_WAY_STATES
from projects.models import Contribution, Project, ProjectStatus
from projects.selectors.progress import figures as project_figures
from projects.selectors.progress import with_figures
from resident_requests import stats
from resident_requests.models import (
    EventAction,
    RequestCategory,
    RequestEvent,
    ResidentRequest,
)
from volunteers.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    HoursStatus,
    MarketStall,
    ServiceDelivery,
    ServiceHours,
    Shift,
    Team,
    TeamType,
    Volunteer,
)

NOTHING = stats.NOTHING
# Literal paths: the volunteers pages (issue 5) are being built beside this app.
ACTIVITIES_URL = "/activities/"
VOLUNTEERS_URL = "/volunteers/"
PROJECT_DONE_STATES = (ProjectStatus.PUBLICISING, ProjectStatus.EVALUATING, ProjectStatus.COMPLETED)


def url_with(path: str, query: dict | None = None) -> str:
    query = {key: value for key, value in (query or {}).items() if value not in (None, "", [])}
    return f"{path}?{urlencode(query, doseq=True)}" if query else path


# --- Figures ---------------------------------------------------------------


def _quantize(value, places: str = "0.1") -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def format_number(value, *, percent: bool = False) -> str:
    if value is None:
        return NOTHING
    if percent:
        return stats.percent(Decimal(str(value)))
    if isinstance(value, int):
        return f"{value:,}"
    shown = _quantize(value)
    return f"{shown:,}" if shown != shown.to_integral() else f"{int(shown):,}"


@dataclass(frozen=True)
class Figure:
    """One headline figure and its comparison with the previous period.

    `value`/`previous` are numbers (a ratio 0–1 when `percent`), None when the
    scope has no such figure ("—"). `change` = value − previous (in percentage
    points for a ratio), None when either side is missing."""

    key: str
    label: str
    value: int | float | Decimal | None
    previous: int | float | Decimal | None
    change: int | float | Decimal | None
    unit: str
    link_url: str
    note: str = ""
    percent: bool = False
    stock: bool = False  # a level at the period's end, not a flow during it

    @property
    def value_display(self) -> str:
        return format_number(self.value, percent=self.percent)

    @property
    def previous_display(self) -> str:
        return format_number(self.previous, percent=self.percent)

    @property
    def direction(self) -> str:
        """up / down / same, or "" when there is nothing to compare."""
        if self.change is None:
            return ""
        if self.change > 0:
            return "up"
        if self.change < 0:
            return "down"
        return "same"

    @property
    def change_display(self) -> str:
        """The comparison in words with an arrow, never by colour alone: ▲ 比上期增加 3."""
        if self.change is None:
            return _("无上期数据,不作比较") if self.value is not None else ""
        if self.percent:
            amount = _quantize(abs(Decimal(str(self.change))) * 100)
            if self.change > 0:
                return _("▲ 比上期上升 %(n)s 个百分点") % {"n": amount}
            if self.change < 0:
                return _("▼ 比上期下降 %(n)s 个百分点") % {"n": amount}
            return _("● 与上期持平")
        amount = format_number(abs(self.change))
        unit = self.unit
        if self.change > 0:
            return _("▲ 比上期增加 %(n)s %(unit)s") % {"n": amount, "unit": unit}
        if self.change < 0:
            return _("▼ 比上期减少 %(n)s %(unit)s") % {"n": amount, "unit": unit}
        return _("● 与上期持平")


def _figure(key, label, unit, value, previous, link_url, *, note="", percent=False, stock=False) -> Figure:
    change = None if value is None or previous is None else value - previous
    return Figure(key, label, value, previous, change, unit, link_url, note=note, percent=percent, stock=stock)


# --- Scoped querysets (one place for "what belongs to this scope") ---------


def scoped_requests(scope: Scope) -> QuerySet[ResidentRequest]:
    queryset = ResidentRequest.objects.all()
    if scope.is_grid:
        return queryset.filter(grid=scope.grid)
    if scope.is_community:
        return queryset.filter(community=scope.community)
    return queryset


def requests_in(scope: Scope, period: Period) -> QuerySet[ResidentRequest]:
    """Requests of the scope submitted in the period (the assessment's rule)."""
    start, end = period.bounds()
    return scoped_requests(scope).filter(submitted_at__gte=start, submitted_at__lt=end)


def _scoped_projects(scope: Scope) -> QuerySet[Project]:
    if scope.community is None:
        return Project.objects.all()
    return Project.objects.filter(communities=scope.community)


def _scoped_activities(scope: Scope) -> QuerySet[Activity]:
    queryset = Activity.objects.filter(status=ActivityStatus.PUBLISHED)
    return queryset.filter(community=scope.community) if scope.community is not None else queryset


def _scoped_hours(scope: Scope) -> QuerySet[ServiceHours]:
    queryset = ServiceHours.objects.filter(status=HoursStatus.CONFIRMED)
    return queryset.filter(activity__community=scope.community) if scope.community is not None else queryset


def _scoped_deliveries(scope: Scope) -> QuerySet[ServiceDelivery]:
    # A street-level team's deliveries belong to the street figure only.
    queryset = ServiceDelivery.objects.all()
    return queryset.filter(service__team__community=scope.community) if scope.community is not None else queryset


def _first_shift_start():
    return Subquery(Shift.objects.filter(activity=OuterRef("pk")).order_by("starts_at").values("starts_at")[:1])


def _activity_served():
    """服务人次 of one activity: a market sums its stalls, any other activity says it itself."""
    stalls = (
        MarketStall.objects.filter(activity=OuterRef("pk"))
        .order_by()
        .values("activity")
        .annotate(total=Sum("people_served"))
        .values("total")[:1]
    )
    return Case(
        When(activity_type=ActivityType.MARKET, then=Coalesce(Subquery(stalls), Value(0))),
        default="people_served",
        output_field=IntegerField(),
    )


def _dated_activities(scope: Scope, window: Period) -> QuerySet[Activity]:
    """Published activities of the scope whose first shift starts in `window`, with `first_start` and `served`."""
    start, end = window.bounds()
    return (
        _scoped_activities(scope)
        .annotate(first_start=_first_shift_start(), served=_activity_served())
        .filter(first_start__gte=start, first_start__lt=end)
    )


def _hours(minutes) -> float:
    return round((minutes or 0) / 60, 1)


def _grid_note() -> str:
    return _("按社区统计,网格层面不单列")


# --- Headline figures ------------------------------------------------------


def headline_figures(scope: Scope, period: Period, *, now: dt.datetime | None = None) -> list[Figure]:
    """The street's headline figures for the scope, each against the previous period. About a dozen queries."""
    previous = period.previous()
    current_q = _window_q(period)
    previous_q = _window_q(previous)
    figures: list[Figure] = []

    # 民意收集 / 纠纷排查 (one query for both periods)
    window = Period.custom(previous.start, period.end)
    counts = requests_in(scope, window).aggregate(
        collected=Count("pk", filter=current_q("submitted_at")),
        collected_before=Count("pk", filter=previous_q("submitted_at")),
        disputes=Count("pk", filter=current_q("submitted_at") & Q(category__is_dispute=True)),
        disputes_before=Count("pk", filter=previous_q("submitted_at") & Q(category__is_dispute=True)),
    )
    request_query = {**scope.request_filter_query(), **period.request_filter_query()}
    inbox = reverse("requests:inbox")
    figures.append(
        _figure("requests", _("民意收集"), _("件"), counts["collected"], counts["collected_before"], url_with(inbox, request_query))
    )
    dispute_ids = list(RequestCategory.objects.filter(is_dispute=True).values_list("pk", flat=True))
    dispute_query = {**request_query, "category": dispute_ids[0]} if len(dispute_ids) == 1 else request_query
    figures.append(
        _figure(
            "disputes",
            _("纠纷排查"),
            _("件"),
            counts["disputes"],
            counts["disputes_before"],
            url_with(inbox, dispute_query),
            note=_("矛盾纠纷类诉求"),
        )
    )

    # 实事项目: completed in the period, under way at its end
    projects_url = reverse("projects:project_list")
    if scope.is_grid:
        figures.append(_figure("projects_done", _("实事项目完成"), _("个"), None, None, "", note=_grid_note()))
        figures.append(_figure("projects_under_way", _("实事项目实施中"), _("个"), None, None, "", note=_grid_note()))
    else:
        done = _project_counts(scope, period, previous)
        figures.append(
            _figure(
                "projects_done",
                _("实事项目完成"),
                _("个"),
                done["done"],
                done["done_before"],
                url_with(projects_url, {**scope.community_query(), "status": [s.value for s in PROJECT_DONE_STATES]}),
                note=_("本期验收通过"),
            )
        )
        figures.append(
            _figure(
                "projects_under_way",
                _("实事项目实施中"),
                _("个"),
                done["under_way"],
                done["under_way_before"],
                url_with(projects_url, {**scope.community_query(), "status": [s.value for s in PROJECT_UNDER_WAY_STATES]}),
                note=_("期末已立项、未验收"),
                stock=True,
            )
        )

    # 服务人次 / 志愿服务时长 / 活跃队伍 / 共建单位参与
    if scope.is_grid:
        for key, label, unit in (
            ("people_served", _("服务人次"), _("人次")),
            ("volunteer_hours", _("志愿服务时长"), _("小时")),
            ("active_teams", _("活跃队伍"), _("支")),
            ("units_engaged", _("共建单位参与"), _("家")),
        ):
            figures.append(_figure(key, label, unit, None, None, "", note=_grid_note()))
    else:
        served = _people_served(scope, period, previous)
        activities_url = url_with(ACTIVITIES_URL, scope.community_query())
        figures.append(
            _figure(
                "people_served",
                _("服务人次"),
                _("人次"),
                served["current"],
                served["previous"],
                activities_url,
                note=_("活动、公益市集摊位与产消者服务"),
            )
        )
        minutes = _scoped_hours(scope).aggregate(
            current=Sum("minutes", filter=_date_q(period, "served_on")),
            previous=Sum("minutes", filter=_date_q(previous, "served_on")),
        )
        figures.append(
            _figure(
                "volunteer_hours",
                _("志愿服务时长"),
                _("小时"),
                _hours(minutes["current"]),
                _hours(minutes["previous"]),
                activities_url,
                note=_("已确认的服务时长"),
            )
        )
        teams = _active_team_counts(scope, period, previous)
        figures.append(
            _figure(
                "active_teams",
                _("活跃队伍"),
                _("支"),
                teams["current"],
                teams["previous"],
                url_with(VOLUNTEERS_URL, scope.community_query()),
                note=_("本期有活动或服务记录"),
            )
        )
        units = _units_engaged(scope, period, previous)
        figures.append(
            _figure(
                "units_engaged",
                _("共建单位参与"),
                _("家"),
                units["current"],
                units["previous"],
                reverse("communities:co_building_unit_list"),
                note=_("本期有出资认领或志愿活动"),
            )
        )

    # 楼道党小组 (at the period's end: founded by then, or of unknown date)
    groups = PartyOrganisation.objects.filter(tier__level=PartyTier.STAIRWELL)
    if scope.is_grid:
        groups = groups.filter(Q(building__grid=scope.grid) | Q(stairwell__building__grid=scope.grid))
    elif scope.is_community:
        groups = groups.filter(community=scope.community)
    group_counts = groups.aggregate(
        current=Count("pk", filter=Q(founded_on__isnull=True) | Q(founded_on__lte=period.end)),
        previous=Count("pk", filter=Q(founded_on__isnull=True) | Q(founded_on__lte=previous.end)),
    )
    party_url = reverse("communities:party_tree")
    figures.append(
        _figure(
            "stairwell_groups",
            _("楼道党小组"),
            _("个"),
            group_counts["current"],
            group_counts["previous"],
            party_url,
            note=_("期末数"),
            stock=True,
        )
    )

    # 小区党支部覆盖率 (communities.selectors.party_coverage_of: compounds are not split by grid)
    if scope.is_grid:
        figures.append(
            _figure("branch_coverage", _("小区党支部覆盖率"), "", None, None, "", note=_("小区不按网格划分"), percent=True)
        )
    else:
        coverage = party_coverage_of(scope.community)
        figures.append(
            _figure(
                "branch_coverage",
                _("小区党支部覆盖率"),
                "",
                coverage.branch_rate,
                None,
                party_url,
                note=_("%(a)d/%(b)d 个小区;当前值") % {"a": coverage.compounds_with_branch, "b": coverage.compounds},
                percent=True,
                stock=True,
            )
        )

    # 服务阵地 (no opening dates are kept: the current count, no comparison)
    positions = ServicePosition.objects.all()
    if scope.is_grid:
        positions = positions.filter(grid=scope.grid)
    elif scope.is_community:
        positions = positions.filter(community=scope.community)
    figures.append(
        _figure(
            "service_positions",
            _("服务阵地"),
            _("个"),
            positions.count(),
            None,
            reverse("communities:service_position_list"),
            note=_("当前数"),
            stock=True,
        )
    )
    return figures


def _window_q(period: Period):
    start, end = period.bounds()

    def condition(field_name: str) -> Q:
        return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})

    return condition


def _date_q(period: Period, field_name: str) -> Q:
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lte": period.end})


def _project_counts(scope: Scope, period: Period, previous: Period) -> dict:
    _start, end = period.bounds()
    _previous_start, previous_end = previous.bounds()

    def under_way_at(moment: dt.datetime) -> Q:
        return Q(approved_at__lt=moment) & (Q(accepted_at__isnull=True) | Q(accepted_at__gte=moment))

    return _scoped_projects(scope).exclude(status=ProjectStatus.CANCELLED).aggregate(
        done=Count("pk", filter=_window_q(period)("accepted_at")),
        done_before=Count("pk", filter=_window_q(previous)("accepted_at")),
        under_way=Count("pk", filter=under_way_at(end)),
        under_way_before=Count("pk", filter=under_way_at(previous_end)),
    )


def _people_served(scope: Scope, period: Period, previous: Period) -> dict:
    window = Period.custom(previous.start, period.end)
    activities = _dated_activities(scope, window).aggregate(
        current=Sum("served", filter=_window_q(period)("first_start")),
        previous=Sum("served", filter=_window_q(previous)("first_start")),
    )
    deliveries = _scoped_deliveries(scope).aggregate(
        current=Sum("people_served", filter=_date_q(period, "delivered_on")),
        previous=Sum("people_served", filter=_date_q(previous, "delivered_on")),
    )
    return {
        "current": (activities["current"] or 0) + (deliveries["current"] or 0),
        "previous": (activities["previous"] or 0) + (deliveries["previous"] or 0),
    }


def _active_team_condition(scope: Scope, period: Period) -> Q:
    start, end = period.bounds()
    shifts = Shift.objects.filter(
        activity__team=OuterRef("pk"),
        activity__status=ActivityStatus.PUBLISHED,
        starts_at__gte=start,
        starts_at__lt=end,
    )
    if scope.community is not None:
        shifts = shifts.filter(activity__community=scope.community)
    deliveries = ServiceDelivery.objects.filter(
        service__team=OuterRef("pk"), delivered_on__gte=period.start, delivered_on__lte=period.end
    )
    delivered = Q(Exists(deliveries))
    if scope.community is not None:
        delivered &= Q(community=scope.community)
    return Q(Exists(shifts)) | delivered


def _active_team_counts(scope: Scope, period: Period, previous: Period) -> dict:
    return Team.objects.aggregate(
        current=Count("pk", filter=_active_team_condition(scope, period)),
        previous=Count("pk", filter=_active_team_condition(scope, previous)),
    )


def _unit_condition(scope: Scope, period: Period) -> Q:
    start, end = period.bounds()
    contributions = Contribution.objects.filter(
        unit=OuterRef("pk"), contributed_on__gte=period.start, contributed_on__lte=period.end
    )
    shifts = Shift.objects.filter(
        activity__team__co_building_unit=OuterRef("pk"),
        activity__status=ActivityStatus.PUBLISHED,
        starts_at__gte=start,
        starts_at__lt=end,
    )
    if scope.community is not None:
        contributions = contributions.filter(project__communities=scope.community)
        shifts = shifts.filter(activity__community=scope.community)
    return Q(Exists(contributions)) | Q(Exists(shifts))


def _units_engaged(scope: Scope, period: Period, previous: Period) -> dict:
    return CoBuildingUnit.objects.aggregate(
        current=Count("pk", filter=_unit_condition(scope, period)),
        previous=Count("pk", filter=_unit_condition(scope, previous)),
    )


# --- Request performance ----------------------------------------------------


def request_rates(
    scope: Scope, period: Period, *, now: dt.datetime | None = None, weights: stats.Weights | None = None
) -> stats.Figures:
    """响应率, 解决率, 满意率, 综合成绩, 按时办结率, 平均办理时长, 超期 of the scope: the
    assessment's own figures (resident_requests.stats.total), two queries."""
    weights = weights or stats.Weights.current()
    return stats.total(requests_in(scope, period), label=scope.label, weights=weights, now=now)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    value: object  # Callable[[RankingRow], comparable | None]
    show: object  # Callable[[RankingRow], str]


def _f(getter):
    return lambda row: getter(row.figures)


RANKING_COLUMNS = [
    Column("total", _("诉求数"), _f(lambda f: f.total), _f(lambda f: str(f.total))),
    Column("resolved", _("已办结"), _f(lambda f: f.resolved), _f(lambda f: str(f.resolved))),
    Column("overdue", _("超期"), _f(lambda f: f.overdue), _f(lambda f: str(f.overdue))),
    Column("on_time", _("按时办结率"), _f(lambda f: f.on_time_rate), _f(lambda f: stats.percent(f.on_time_rate))),
    Column(
        "hours",
        _("平均办理时长(小时)"),
        _f(lambda f: f.avg_handling_hours),
        _f(lambda f: stats.hours(f.avg_handling_hours)),
    ),
    Column("callbacks", _("有效回访"), _f(lambda f: f.callbacks), _f(lambda f: str(f.callbacks))),
    Column("response", _("响应率"), _f(lambda f: f.response_rate), _f(lambda f: stats.percent(f.response_rate))),
    Column("solution", _("解决率"), _f(lambda f: f.solution_rate), _f(lambda f: stats.percent(f.solution_rate))),
    Column(
        "satisfaction", _("满意率"), _f(lambda f: f.satisfaction_rate), _f(lambda f: stats.percent(f.satisfaction_rate))
    ),
    Column("score", _("综合成绩"), _f(lambda f: f.score), _f(lambda f: stats.points(f.score))),
]
VOLUNTEER_HOURS_COLUMN = Column(
    "volunteer_hours",
    _("志愿服务时长(小时)"),
    lambda row: row.volunteer_hours,
    lambda row: format_number(row.volunteer_hours),
)
DEFAULT_ORDER = "-score"


def ranking_columns(*, with_volunteer_hours: bool) -> list[Column]:
    return [*RANKING_COLUMNS, VOLUNTEER_HOURS_COLUMN] if with_volunteer_hours else list(RANKING_COLUMNS)


@dataclass
class RankingRow:
    key: int
    label: str
    figures: stats.Figures
    link_url: str = ""
    volunteer_hours: float | None = None
    rank: int | None = None  # None: no figure to rank by ("—")
    cells: list[tuple[str, str]] = field(default_factory=list)  # (column label, shown value)


def _rank(rows: list[RankingRow], order_by: str, columns: list[Column]) -> list[RankingRow]:
    """Sort by `order_by` (`key` ascending, `-key` descending; rows without the figure last)
    and number the rows 1, 2, 2, 4 … (equal values share a rank)."""
    descending = order_by.startswith("-")
    key = order_by.removeprefix("-")
    if key == "name":
        ordered = sorted(rows, key=lambda row: row.label, reverse=descending)
        for position, row in enumerate(ordered, start=1):
            row.rank = position
        return ordered
    column = next((c for c in columns if c.key == key), None)
    if column is None:
        return _rank(rows, DEFAULT_ORDER, columns)
    present = [row for row in rows if column.value(row) is not None]
    missing = [row for row in rows if column.value(row) is None]
    present.sort(key=column.value, reverse=descending)
    previous_value, previous_rank = object(), 0
    for position, row in enumerate(present, start=1):
        value = column.value(row)
        row.rank = previous_rank if value == previous_value else position
        previous_value, previous_rank = value, row.rank
    for row in missing:
        row.rank = None
    return present + missing


def valid_order(order_by: str | None, *, with_volunteer_hours: bool) -> str:
    keys = {"name", *(c.key for c in ranking_columns(with_volunteer_hours=with_volunteer_hours))}
    return order_by if order_by and order_by.removeprefix("-") in keys else DEFAULT_ORDER


def community_ranking(
    period: Period,
    order_by: str = DEFAULT_ORDER,
    *,
    now: dt.datetime | None = None,
    link_query: dict | None = None,
    weights: stats.Weights | None = None,
) -> list[RankingRow]:
    """One row per community of the street, ranked by `order_by` (a column key, `-` for descending).
    Requests without a community are left out (they are in the street's total). Four queries."""
    order_by = valid_order(order_by, with_volunteer_hours=True)
    communities = [(c.pk, c.name) for c in Community.objects.order_by("code").only("pk", "name")]
    figures = stats.grouped(
        requests_in(Scope.street(), period),
        by="community",
        groups=communities,
        weights=weights or stats.Weights.current(),
        now=now,
    )
    minutes = dict(
        ServiceHours.objects.filter(status=HoursStatus.CONFIRMED, served_on__gte=period.start, served_on__lte=period.end)
        .order_by()
        .values_list("activity__community")
        .annotate(total=Sum("minutes"))
    )
    rows = [
        RankingRow(
            key=row.key,
            label=row.label,
            figures=row,
            volunteer_hours=_hours(minutes.get(row.key)),
            link_url=url_with(reverse("dashboards:community", args=[row.key]), link_query or period.query()),
        )
        for row in figures
        if row.key is not None
    ]
    return _ranked_with_cells(rows, order_by, with_volunteer_hours=True)


def _ranked_with_cells(rows: list["RankingRow"], order_by: str, *, with_volunteer_hours: bool) -> list["RankingRow"]:
    """Rank the rows and give each the cells of the ranking table, in column order."""
    columns = ranking_columns(with_volunteer_hours=with_volunteer_hours)
    ranked = _rank(rows, order_by, columns)
    for row in ranked:
        row.cells = [(c.label, c.show(row)) for c in columns]
    return ranked


def grid_ranking(
    community: Community,
    period: Period,
    order_by: str = DEFAULT_ORDER,
    *,
    now: dt.datetime | None = None,
    link_query: dict | None = None,
    weights: stats.Weights | None = None,
) -> list[RankingRow]:
    """One row per grid of the community, ranked like the communities. Requests with no grid
    (no building given) are left out: they are in the community's total. Three queries."""
    order_by = valid_order(order_by, with_volunteer_hours=False)
    grids = [(g.pk, g.name) for g in Grid.objects.filter(community=community).order_by("serial").only("pk", "name")]
    figures = stats.grouped(
        requests_in(Scope.for_community(community), period),
        by="grid",
        groups=grids,
        weights=weights or stats.Weights.current(),
        now=now,
    )
    rows = [
        RankingRow(
            key=row.key,
            label=row.label,
            figures=row,
            link_url=url_with(reverse("dashboards:grid", args=[row.key]), link_query or period.query()),
        )
        for row in figures
        if row.key is not None
    ]
    return _ranked_with_cells(rows, order_by, with_volunteer_hours=False)


# --- Trend by month ----------------------------------------------------------


def _month_key(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def _local_month(field_name: str):
    """The month (its first day) of a datetime in Asia/Shanghai, as a date."""
    return Trunc(field_name, "month", output_field=DateField(), tzinfo=timezone.get_default_timezone())


@dataclass(frozen=True)
class TrendRow:
    month: Period
    requests: stats.Figures
    volunteer_hours: float | None
    people_served: int | None

    @property
    def label(self) -> str:
        return self.month.label


def _months_begun(window: Period, now: dt.datetime | None = None) -> list[Period]:
    """The window's months that have begun: December, in November's 本年, would plot as zeros."""
    today = timezone.localdate(now) if now else timezone.localdate()
    months = window.months()
    return [month for month in months if month.start <= today] or months[:1]


def monthly_trend(
    scope: Scope,
    period: Period,
    *,
    now: dt.datetime | None = None,
    weights: stats.Weights | None = None,
    volunteer: VolunteerBreakdown | None = None,
) -> list[TrendRow]:
    """Month by month over `period.trend_window()` (at least six months): requests and their rates,
    volunteer hours and people served (None at grid scope). Five queries; one when the caller passes
    the weights and the `volunteer_summary(...).breakdown` it already has."""
    window = period.trend_window()
    months = _months_begun(window, now)
    groups = [(month.start.replace(day=1), month.label) for month in months]
    requests = stats.grouped(
        requests_in(scope, window).annotate(month=_local_month("submitted_at")),
        by="month",
        groups=groups,
        weights=weights or stats.Weights.current(),
        now=now,
    )
    by_month = {_month_key(row.key): row for row in requests if row.key is not None}
    if scope.is_grid:
        hours, served = {}, {}
    else:
        volunteer = volunteer or volunteer_by_month_and_type(scope, window)
        hours, served = volunteer.hours_by_month, volunteer.served_by_month
    rows = []
    for month in months:
        key = month.start.replace(day=1)
        rows.append(
            TrendRow(
                month=month,
                requests=by_month[key],
                volunteer_hours=None if scope.is_grid else hours.get(key, 0.0),
                people_served=None if scope.is_grid else served.get(key, 0),
            )
        )
    return rows


# --- Volunteers ---------------------------------------------------------------


@dataclass
class VolunteerBreakdown:
    """Hours (confirmed) and people served, by month (first day) and by team type, in a window."""

    hours_by_month: dict[dt.date, float] = field(default_factory=dict)
    served_by_month: dict[dt.date, int] = field(default_factory=dict)
    minutes_by_type: dict[str, int] = field(default_factory=dict)
    served_by_type: dict[str, int] = field(default_factory=dict)


NO_TEAM = "none"


def volunteer_by_month_and_type(scope: Scope, window: Period, *, period: Period | None = None) -> VolunteerBreakdown:
    """Three grouped queries. By-type totals count only `period` (default: the whole window)."""
    period = period or window
    result = VolunteerBreakdown()
    minutes_by_month: dict[dt.date, int] = {}
    hours_rows = (
        _scoped_hours(scope)
        .filter(served_on__gte=window.start, served_on__lte=window.end)
        .annotate(month=TruncMonth("served_on"))
        .order_by()
        .values("month", "activity__team__team_type")
        .annotate(total=Sum("minutes"), in_period=Sum("minutes", filter=_date_q(period, "served_on")))
    )
    for row in hours_rows:
        month = _month_key(row["month"])
        team_type = row["activity__team__team_type"] or NO_TEAM
        minutes_by_month[month] = minutes_by_month.get(month, 0) + (row["total"] or 0)
        result.minutes_by_type[team_type] = result.minutes_by_type.get(team_type, 0) + (row["in_period"] or 0)
    result.hours_by_month = {month: _hours(minutes) for month, minutes in minutes_by_month.items()}

    period_start, period_end = period.bounds()
    activity_rows = (
        _dated_activities(scope, window)
        .annotate(month=_local_month("first_start"))
        .order_by()
        .values("month", "team__team_type")
        .annotate(
            total=Sum("served"),
            in_period=Sum("served", filter=Q(first_start__gte=period_start, first_start__lt=period_end)),
        )
    )
    delivery_rows = (
        _scoped_deliveries(scope)
        .filter(delivered_on__gte=window.start, delivered_on__lte=window.end)
        .annotate(month=TruncMonth("delivered_on"))
        .order_by()
        .values("month", "service__team__team_type")
        .annotate(total=Sum("people_served"), in_period=Sum("people_served", filter=_date_q(period, "delivered_on")))
    )
    for rows, type_field in ((activity_rows, "team__team_type"), (delivery_rows, "service__team__team_type")):
        for row in rows:
            month = _month_key(row["month"])
            team_type = row[type_field] or NO_TEAM
            result.served_by_month[month] = result.served_by_month.get(month, 0) + (row["total"] or 0)
            result.served_by_type[team_type] = result.served_by_type.get(team_type, 0) + (row["in_period"] or 0)
    return result


@dataclass(frozen=True)
class TypeRow:
    team_type: str
    label: str
    hours: float
    people_served: int


@dataclass(frozen=True)
class MonthRow:
    month: Period
    hours: float
    people_served: int


@dataclass(frozen=True)
class VolunteerSummary:
    available: bool  # False at grid scope (activities are recorded per community)
    by_month: list[MonthRow]
    by_type: list[TypeRow]
    hours: float
    people_served: int
    active_teams: int
    teams: int
    volunteers: int  # registered and active at the period's end
    volunteers_served: int  # distinct volunteers with confirmed hours in the period
    note: str = ""
    breakdown: VolunteerBreakdown | None = None  # by month over the trend window: monthly_trend can reuse it


def volunteer_summary(scope: Scope, period: Period) -> VolunteerSummary:
    """Hours and people served by month (over the trend window) and by team type (the period),
    active teams, teams and volunteers. Six queries; none at grid scope."""
    if scope.is_grid:
        return VolunteerSummary(False, [], [], 0.0, 0, 0, 0, 0, 0, note=_grid_note())
    window = period.trend_window()
    breakdown = volunteer_by_month_and_type(scope, window, period=period)
    by_month = [
        MonthRow(
            month=month,
            hours=breakdown.hours_by_month.get(month.start.replace(day=1), 0.0),
            people_served=breakdown.served_by_month.get(month.start.replace(day=1), 0),
        )
        for month in _months_begun(window)
    ]
    labels = dict(TeamType.choices)
    labels[NO_TEAM] = _("未指定队伍")
    order = [*TeamType.values, NO_TEAM]
    by_type = [
        TypeRow(
            team_type=key,
            label=str(labels[key]),
            hours=_hours(breakdown.minutes_by_type.get(key, 0)),
            people_served=breakdown.served_by_type.get(key, 0),
        )
        for key in order
        if breakdown.minutes_by_type.get(key) or breakdown.served_by_type.get(key)
    ]
    teams = Team.objects.filter(is_active=True)
    volunteers = Volunteer.objects.filter(is_active=True, registered_on__lte=period.end)
    if scope.community is not None:
        teams = teams.filter(community=scope.community)
        volunteers = volunteers.filter(community=scope.community)
    team_counts = Team.objects.aggregate(active=Count("pk", filter=_active_team_condition(scope, period)))
    served_volunteers = (
        _scoped_hours(scope).filter(_date_q(period, "served_on")).aggregate(n=Count("volunteer", distinct=True))["n"]
    )
    return VolunteerSummary(
        available=True,
        by_month=by_month,
        by_type=by_type,
        hours=_hours(sum(breakdown.minutes_by_type.values())),
        people_served=sum(breakdown.served_by_type.values()),
        active_teams=team_counts["active"],
        teams=teams.count(),
        volunteers=volunteers.count(),
        volunteers_served=served_volunteers,
        breakdown=breakdown,
    )


# --- Projects -------------------------------------------------------------------


@dataclass(frozen=True)
class StateRow:
    status: str
    label: str
    count: int
    budget: Decimal


@dataclass(frozen=True)
class ProjectRow:
    project: Project
    figures: object  # projects.selectors.progress.Figures
    communities: str


@dataclass(frozen=True)
class ProjectSummary:
    available: bool
    by_state: list[StateRow]
    total: int
    budget: Decimal  # of approved projects (立项, not terminated)
    funded: Decimal  # money contributed to them, all time
    funded_in_period: Decimal
    under_way: list[ProjectRow]
    note: str = ""

    @property
    def funding_percent(self) -> int | None:
        return int(self.funded * 100 // self.budget) if self.budget else None


def project_summary(scope: Scope, period: Period) -> ProjectSummary:
    """Projects registered by the period's end, by their current state; budget and funding;
    progress of each project under way (projects.selectors.progress, one query for all). Four queries."""
    if scope.is_grid:
        return ProjectSummary(False, [], 0, Decimal(0), Decimal(0), Decimal(0), [], note=_grid_note())
    _start, end = period.bounds()
    projects = _scoped_projects(scope).filter(created_at__lt=end)
    counts = {
        row["status"]: row
        for row in projects.order_by().values("status").annotate(n=Count("pk"), budget=Sum("budget"))
    }
    by_state = [
        StateRow(status.value, str(status.label), counts[status]["n"], counts[status]["budget"] or Decimal(0))
        for status in ProjectStatus
        if status in counts
    ]
    approved = [row for row in by_state if row.status not in _NOT_APPROVED]
    contributions = Contribution.objects.filter(project__created_at__lt=end).exclude(
        project__status__in=_NOT_APPROVED
    )
    if scope.community is not None:
        contributions = contributions.filter(project__communities=scope.community)
    money = contributions.aggregate(
        funded=Sum("amount"), in_period=Sum("amount", filter=_date_q(period, "contributed_on"))
    )
    under_way = list(
        with_figures(projects.filter(status__in=PROJECT_UNDER_WAY_STATES))
        .prefetch_related("communities")
        .order_by(F("planned_end").asc(nulls_last=True), "title", "pk")
    )
    return ProjectSummary(
        available=True,
        by_state=by_state,
        total=sum(row.count for row in by_state),
        budget=sum((row.budget for row in approved), Decimal(0)),
        funded=money["funded"] or Decimal(0),
        funded_in_period=money["in_period"] or Decimal(0),
        under_way=[
            ProjectRow(
                project=project,
                figures=project_figures(project),
                communities="、".join(c.name for c in project.communities.all()),
            )
            for project in under_way
        ],
    )


_NOT_APPROVED = (
    ProjectStatus.COLLECTING,
    ProjectStatus.DELIBERATING,
    ProjectStatus.PENDING_APPROVAL,
    ProjectStatus.CANCELLED,
)


# --- Lists for the reports ------------------------------------------------------


@dataclass(frozen=True)
class RequestLists:
    overdue: list[ResidentRequest]
    reopened: list[ResidentRequest]


def overdue_and_reopened_requests(scope: Scope, period: Period, *, now: dt.datetime | None = None) -> RequestLists:
    """For the report's lists. Two queries.

    overdue: requests of the scope submitted by the period's end that are open and past
    their time limit now (`due_at` includes an approved 延期), most overdue first;
    reopened: requests re-opened (重办) during the period, with `reopened_at` (the last time)."""
    now = now or timezone.now()
    start, end = period.bounds()
    related = ("category", "community", "grid", "building", "handler", "owner")
    overdue = list(
        scoped_requests(scope)
        .overdue(now)
        .filter(submitted_at__lt=end)
        .select_related(*related)
        .order_by("due_at", "pk")
    )
    reopen_events = RequestEvent.objects.filter(
        request=OuterRef("pk"), action=EventAction.REOPEN, at__gte=start, at__lt=end
    )
    reopened = list(
        scoped_requests(scope)
        .annotate(reopened_at=Subquery(reopen_events.order_by("-at").values("at")[:1]))
        .filter(reopened_at__isnull=False)
        .select_related(*related)
        .order_by("-reopened_at", "pk")
    )
    return RequestLists(overdue=overdue, reopened=reopened)
