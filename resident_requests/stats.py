"""Assessment (考核) of resident requests per community, grid and category (DOMAIN.md §3).

Period rule: a request counts in a period when its `submitted_at` falls on one
of the period's days in Asia/Shanghai time (first day 00:00 inclusive, the
day after the last day 00:00 exclusive). Every figure of a row is about those
requests; 超期 is how many of them are overdue now (open and past due_at).

Over valid callbacks (a request with `callback_at` set: the staff 回访 or the
resident's own rating, which replaces it):

    响应率 = contacted ÷ valid callbacks
    解决率 = solved ÷ valid callbacks
    满意率 = (满意 + w × 基本满意) ÷ valid callbacks       w = 基本满意折算, default 0.9
    综合成绩 = a × 响应率 + b × 解决率 + c × 满意率          a/b/c default 0.1/0.5/0.4

Weights come from `AssessmentWeights.current()` (admin). Also:

    按时办结率 = resolved_at ≤ due_at ÷ requests with resolved_at (due_at includes an approved 延期)
    平均办理时长 = mean of resolved_at − accepted_at, in hours

A rate whose denominator is 0 is None (shown as "—"). Counts come from one
aggregate query per grouping (Count with filter=Q(...)), never from rows
loaded into Python, so the cost does not grow with the number of requests.
"""

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Community, Grid
from resident_requests.models import (
    DONE_STATES,
    OPEN_STATES,
    AssessmentWeights,
    RequestCategory,
    ResidentRequest,
    Satisfaction,
    Status,
)

# --- Periods ---------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @classmethod
    def month(cls, day: dt.date) -> "Period":
        return cls(day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1]))

    @classmethod
    def quarter(cls, day: dt.date) -> "Period":
        first_month = 3 * ((day.month - 1) // 3) + 1
        last_month = first_month + 2
        return cls(
            dt.date(day.year, first_month, 1),
            dt.date(day.year, last_month, calendar.monthrange(day.year, last_month)[1]),
        )

    @classmethod
    def year(cls, day: dt.date) -> "Period":
        return cls(dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start 00:00, day after end 00:00) in the portal's time zone (Asia/Shanghai)."""
        zone = timezone.get_default_timezone()
        return (
            dt.datetime.combine(self.start, dt.time.min, tzinfo=zone),
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
        )


# --- Figures ---------------------------------------------------------------


def _decimal(value) -> Decimal:
    # An unsaved AssessmentWeights() holds the float defaults: go through str, not binary float.
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True)
class Weights:
    response: Decimal
    solution: Decimal
    satisfaction: Decimal
    basically_satisfied: Decimal

    @classmethod
    def current(cls) -> "Weights":
        row = AssessmentWeights.current()
        return cls(
            response=_decimal(row.response_weight),
            solution=_decimal(row.solution_weight),
            satisfaction=_decimal(row.satisfaction_weight),
            basically_satisfied=_decimal(row.basically_satisfied_weight),
        )


def _ratio(numerator, denominator: int) -> Decimal | None:
    return Decimal(numerator) / Decimal(denominator) if denominator else None


@dataclass(frozen=True)
class Figures:
    """The assessment of one group (a community, grid or category) or of the whole scope."""

    key: int | None
    label: str
    weights: Weights
    total: int = 0
    resolved: int = 0  # 已办结: in 已办结/已回访/已归档
    overdue: int = 0  # open and past due_at now
    callbacks: int = 0  # valid callbacks
    contacted: int = 0
    solved: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    dissatisfied: int = 0
    with_result: int = 0  # resolved_at set (denominator of the on-time rate)
    on_time: int = 0
    avg_handling: dt.timedelta | None = None
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def response_rate(self) -> Decimal | None:
        return _ratio(self.contacted, self.callbacks)

    @property
    def solution_rate(self) -> Decimal | None:
        return _ratio(self.solved, self.callbacks)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return _ratio(self.satisfied + self.weights.basically_satisfied * self.basically_satisfied, self.callbacks)

    @property
    def score(self) -> Decimal | None:
        """综合成绩, 0–1 (the page shows it on a 100-point scale)."""
        if not self.callbacks:
            return None
        return (
            self.weights.response * self.response_rate
            + self.weights.solution * self.solution_rate
            + self.weights.satisfaction * self.satisfaction_rate
        )

    @property
    def on_time_rate(self) -> Decimal | None:
        return _ratio(self.on_time, self.with_result)

    @property
    def avg_handling_hours(self) -> float | None:
        if self.avg_handling is None:
            return None
        return self.avg_handling.total_seconds() / 3600

    def status_counts(self) -> list[tuple[str, int]]:
        """(label, count) for every state, in workflow order."""
        return [(str(status.label), self.by_status.get(status.value, 0)) for status in Status]


_STATUS_PREFIX = "status__"


def _metrics(now: dt.datetime) -> dict:
    answered = Q(callback_at__isnull=False)
    done = Q(resolved_at__isnull=False, due_at__isnull=False)
    return {
        "total": Count("pk"),
        "resolved": Count("pk", filter=Q(status__in=DONE_STATES)),
        "overdue": Count("pk", filter=Q(status__in=OPEN_STATES, due_at__lt=now)),
        "callbacks": Count("pk", filter=answered),
        "contacted": Count("pk", filter=answered & Q(callback_contacted=True)),
        "solved": Count("pk", filter=answered & Q(callback_solved=True)),
        "satisfied": Count("pk", filter=answered & Q(callback_satisfaction=Satisfaction.SATISFIED)),
        "basically_satisfied": Count("pk", filter=answered & Q(callback_satisfaction=Satisfaction.BASICALLY)),
        "dissatisfied": Count("pk", filter=answered & Q(callback_satisfaction=Satisfaction.DISSATISFIED)),
        "with_result": Count("pk", filter=done),
        "on_time": Count("pk", filter=done & Q(resolved_at__lte=F("due_at"))),
        # Works on SQLite (microseconds) and PostgreSQL (interval) alike.
        "avg_handling": Avg(
            ExpressionWrapper(F("resolved_at") - F("accepted_at"), output_field=DurationField()),
            filter=Q(resolved_at__isnull=False, accepted_at__isnull=False),
        ),
        **{f"{_STATUS_PREFIX}{status.value}": Count("pk", filter=Q(status=status)) for status in Status},
    }


def _figures(key: int | None, label: str, weights: Weights, values: dict | None) -> Figures:
    if values is None:
        return Figures(key=key, label=label, weights=weights)
    by_status = {name.removeprefix(_STATUS_PREFIX): n for name, n in values.items() if name.startswith(_STATUS_PREFIX)}
    plain = {name: v for name, v in values.items() if name in Figures.__dataclass_fields__ and name != "key"}
    return Figures(key=key, label=label, weights=weights, by_status=by_status, **plain)


def requests_in_period(user, period: Period) -> QuerySet[ResidentRequest]:
    """The user's requests (their scope) submitted in the period."""
    start, end = period.bounds()
    return ResidentRequest.objects.visible_to(user).filter(submitted_at__gte=start, submitted_at__lt=end)


def total(queryset: QuerySet[ResidentRequest], *, label: str, weights: Weights, now: dt.datetime | None = None) -> Figures:
    """One row for everything in `queryset` (one query)."""
    values = queryset.order_by().aggregate(**_metrics(now or timezone.now()))
    return _figures(None, label, weights, values)


def grouped(
    queryset: QuerySet[ResidentRequest],
    *,
    by: str,
    groups: list[tuple[int, str]],
    weights: Weights,
    unassigned_label: str = "",
    now: dt.datetime | None = None,
) -> list[Figures]:
    """One row per group, in the order of `groups` (one query).

    `by` is the foreign key to group on ("community", "grid", "category").
    Groups without requests get a row of zeros, so a community with nothing
    to show still appears in the ranking. Requests whose `by` is empty get a
    last row labelled `unassigned_label` when there are any.
    """
    found = {
        row.pop(by): row
        for row in queryset.order_by().values(by).annotate(**_metrics(now or timezone.now())).order_by()
    }
    rows = [_figures(key, label, weights, found.get(key)) for key, label in groups]
    if found.get(None):
        rows.append(_figures(None, unassigned_label, weights, found[None]))
    return rows


@dataclass(frozen=True)
class Assessment:
    period: Period
    weights: Weights
    group_name: str  # 社区 or 网格
    rows: list[Figures]
    total: Figures
    categories: list[Figures]


def assessment(*, user, period: Period, by: str | None = None, now: dt.datetime | None = None) -> Assessment:
    """The summary page's figures: rows per community (street level) or per grid (a community's staff),
    the scope's total and rows per category. A fixed number of queries whatever the data."""
    now = now or timezone.now()
    weights = Weights.current()
    queryset = requests_in_period(user, period)
    by = by or ("community" if user.is_street_level else "grid")
    if by == "community":
        groups = [(c.pk, str(c)) for c in Community.objects.visible_to(user).order_by("code")]
        group_name, unassigned = _("社区"), _("未指定社区")
    elif by == "grid":
        grids = Grid.objects.visible_to(user).select_related("community")
        multi = user.is_street_level
        groups = [(g.pk, f"{g.community.name} {g.name}" if multi else g.name) for g in grids]
        group_name, unassigned = _("网格"), _("未划入网格")
    else:
        raise ValueError(f"cannot group by {by!r}")
    rows = grouped(queryset, by=by, groups=groups, weights=weights, unassigned_label=unassigned, now=now)
    categories = [
        row
        for row in grouped(
            queryset,
            by="category",
            groups=[(c.pk, c.name) for c in RequestCategory.objects.all()],
            weights=weights,
            now=now,
        )
        if row.total
    ]
    scope_total = total(queryset, label=_("合计"), weights=weights, now=now)
    return Assessment(
        period=period, weights=weights, group_name=group_name, rows=rows, total=scope_total, categories=categories
    )


# --- Display ---------------------------------------------------------------

NOTHING = "—"


def percent(rate: Decimal | None) -> str:
    """0.875 → "87.5%"; None → "—"."""
    if rate is None:
        return NOTHING
    return f"{(rate * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def points(score: Decimal | None) -> str:
    """综合成绩 on a 100-point scale: 0.802 → "80.2"."""
    if score is None:
        return NOTHING
    return str((score * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def hours(value: float | None) -> str:
    if value is None:
        return NOTHING
    return str(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
