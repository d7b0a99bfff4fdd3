"""诉求统计: the assessment table (DOMAIN.md §3) for a period, sortable by any column without JavaScript.

Street-level users see one row per community (the street's ranking);
community staff see one row per grid of their community. Figures come from
`stats.assessment`, a fixed number of queries whatever the number of rows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.permissions import staff_required
from resident_requests import stats
from resident_requests.stats import Figures, Period

# Longest custom period: five years keeps the date inputs honest; the query cost does not depend on it.
MAX_CUSTOM_DAYS = 5 * 366


class PeriodChoice:
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    CUSTOM = "custom"


PERIOD_CHOICES = [
    (PeriodChoice.MONTH, _("本月")),
    (PeriodChoice.QUARTER, _("本季度")),
    (PeriodChoice.YEAR, _("本年")),
    (PeriodChoice.CUSTOM, _("自定义")),
]


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("统计期间"), choices=PERIOD_CHOICES, required=False)
    start = forms.DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("period") == PeriodChoice.CUSTOM:
            start, end = data.get("start"), data.get("end")
            if start is None or end is None:
                raise forms.ValidationError(_("自定义期间请填写开始日期和结束日期。"))
            if start > end:
                raise forms.ValidationError(_("开始日期不能晚于结束日期。"))
            if (end - start).days > MAX_CUSTOM_DAYS:
                raise forms.ValidationError(_("自定义期间最长五年。"))
        return data

    def period_for(self, today) -> Period:
        """The chosen period; this month (Asia/Shanghai) when nothing valid was chosen."""
        choice = self.cleaned_data.get("period") if self.is_valid() else PeriodChoice.MONTH
        if choice == PeriodChoice.CUSTOM:
            return Period(self.cleaned_data["start"], self.cleaned_data["end"])
        if choice == PeriodChoice.QUARTER:
            return Period.quarter(today)
        if choice == PeriodChoice.YEAR:
            return Period.year(today)
        return Period.month(today)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    value: Callable[[Figures], object]  # what sorting compares
    show: Callable[[Figures], str]


COLUMNS = [
    Column("total", _("诉求数"), lambda f: f.total, lambda f: str(f.total)),
    Column("resolved", _("已办结"), lambda f: f.resolved, lambda f: str(f.resolved)),
    Column("overdue", _("超期"), lambda f: f.overdue, lambda f: str(f.overdue)),
    Column("on_time", _("按时办结率"), lambda f: f.on_time_rate, lambda f: stats.percent(f.on_time_rate)),
    Column(
        "hours",
        _("平均办理时长(小时)"),
        lambda f: f.avg_handling_hours,
        lambda f: stats.hours(f.avg_handling_hours),
    ),
    Column("callbacks", _("有效回访"), lambda f: f.callbacks, lambda f: str(f.callbacks)),
    Column("response", _("响应率"), lambda f: f.response_rate, lambda f: stats.percent(f.response_rate)),
    Column("solution", _("解决率"), lambda f: f.solution_rate, lambda f: stats.percent(f.solution_rate)),
    Column(
        "satisfaction",
        _("满意率"),
        lambda f: f.satisfaction_rate,
        lambda f: stats.percent(f.satisfaction_rate),
    ),
    Column("score", _("综合成绩"), lambda f: f.score, lambda f: stats.points(f.score)),
]
SORT_KEYS = {"name", *(column.key for column in COLUMNS)}


def _sorted(rows: list[Figures], sort: str) -> list[Figures]:
    """`key` ascending, `-key` descending; rows without a figure ("—") always last; else the given order."""
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    if key not in SORT_KEYS:
        return rows
    if key == "name":
        return sorted(rows, key=lambda f: f.label, reverse=descending)
    column = next(column for column in COLUMNS if column.key == key)
    present = [row for row in rows if column.value(row) is not None]
    missing = [row for row in rows if column.value(row) is None]
    return sorted(present, key=column.value, reverse=descending) + missing


def _weight(value: Decimal) -> str:
    """Decimal("0.10") → "0.1"."""
    return f"{value.normalize():f}"


def _cells(figures: Figures) -> list[tuple[str, str]]:
    """(column label, shown value) per column; the label is the cell's caption on narrow screens."""
    return [(column.label, column.show(figures)) for column in COLUMNS]


def _headers(request: HttpRequest, sort: str, group_name: str) -> list[dict]:
    """One link per column: a first click sorts descending (the ranking), a second ascending."""
    headers = []
    for key, label in [("name", group_name), *((column.key, column.label) for column in COLUMNS)]:
        query = request.GET.copy()
        first = key if key == "name" else f"-{key}"
        current = sort if sort.removeprefix("-") == key else ""
        query["sort"] = (key if current == f"-{key}" else f"-{key}") if current else first
        headers.append(
            {
                "label": label,
                "query": query.urlencode(),
                "aria_sort": ("descending" if current.startswith("-") else "ascending") if current else "",
            }
        )
    return headers


@require_GET
@staff_required
def summary(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    period = form.period_for(timezone.localdate())
    result = stats.assessment(user=request.user, period=period)
    sort = request.GET.get("sort", "")
    return render(
        request,
        "resident_requests/summary.html",
        {
            "form": form,
            "period": period,
            "group_name": result.group_name,
            "headers": _headers(request, sort, result.group_name),
            "rows": [(row.label, _cells(row)) for row in _sorted(result.rows, sort)],
            "total": _cells(result.total),
            "status_counts": result.total.status_counts(),
            "categories": [(row.label, _cells(row)) for row in result.categories],
            "column_labels": [column.label for column in COLUMNS],
            "weights": {
                "response": _weight(result.weights.response),
                "solution": _weight(result.weights.solution),
                "satisfaction": _weight(result.weights.satisfaction),
                "basically": _weight(result.weights.basically_satisfied),
            },
        },
    )
