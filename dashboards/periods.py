"""Statistical periods of the dashboard and the reports: 本月, 本季度, 本年 and custom ranges.

A period is a range of whole days (both ends inclusive) in Asia/Shanghai time.
The rule for what falls in it is the assessment's (`resident_requests.stats.Period.bounds`):
from the first day 00:00 up to, not including, 00:00 of the day after the last day.

`previous()` is the period the dashboard compares against: the calendar month,
quarter or year before, or for a custom range the same number of days just before it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.models import PeriodKind
from resident_requests import stats

# Longest custom period: five years, as on the request summary page. The queries cost the same
# whatever the length; the limit keeps typing mistakes (year 2062) from producing nonsense.
MAX_CUSTOM_DAYS = 5 * 366

QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _full_date(day: dt.date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


@dataclass(frozen=True)
class Period:
    kind: str  # a PeriodKind value
    start: dt.date
    end: dt.date  # inclusive

    # --- Construction -------------------------------------------------------

    @classmethod
    def month(cls, day: dt.date) -> Period:
        return cls(PeriodKind.MONTH, day.replace(day=1), _month_end(day.year, day.month))

    @classmethod
    def quarter(cls, day: dt.date) -> Period:
        first = 3 * ((day.month - 1) // 3) + 1
        return cls(PeriodKind.QUARTER, dt.date(day.year, first, 1), _month_end(day.year, first + 2))

    @classmethod
    def year(cls, day: dt.date) -> Period:
        return cls(PeriodKind.YEAR, dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))

    @classmethod
    def custom(cls, start: dt.date, end: dt.date) -> Period:
        if end < start:
            raise ValueError("a period cannot end before it starts")
        return cls(PeriodKind.CUSTOM, start, end)

    @classmethod
    def of_kind(cls, kind: str, *, today: dt.date, start: dt.date | None = None, end: dt.date | None = None) -> Period:
        """The period of `kind` containing `today`; a custom one from `start`–`end`."""
        if kind == PeriodKind.CUSTOM:
            if start is None or end is None:
                raise ValueError("a custom period needs both dates")
            return cls.custom(start, end)
        if kind == PeriodKind.QUARTER:
            return cls.quarter(today)
        if kind == PeriodKind.YEAR:
            return cls.year(today)
        return cls.month(today)

    # --- Reading ------------------------------------------------------------

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        """2026年11月 / 2026年第四季度 / 2026年 / 2026年10月1日—11月21日."""
        if self.kind == PeriodKind.MONTH:
            return _("%(y)d年%(m)d月") % {"y": self.start.year, "m": self.start.month}
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}年{_(QUARTER_NAMES[(self.start.month - 1) // 3 + 1])}"
        if self.kind == PeriodKind.YEAR:
            return _("%(y)d年") % {"y": self.start.year}
        if self.start.year == self.end.year:
            tail = _("%(m)d月%(d)d日") % {"m": self.end.month, "d": self.end.day}
        else:
            tail = _full_date(self.end)
        return f"{_full_date(self.start)}—{tail}"

    def __str__(self) -> str:
        return self.label

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[first day 00:00, day after the last 00:00) in Asia/Shanghai: the assessment's rule."""
        return self.as_stats().bounds()

    def as_stats(self) -> stats.Period:
        return stats.Period(self.start, self.end)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Period:
        """The period compared against: the calendar month/quarter/year before, or as many days just before."""
        if self.kind == PeriodKind.MONTH:
            return Period.month(self.start - dt.timedelta(days=1))
        if self.kind == PeriodKind.QUARTER:
            return Period.quarter(self.start - dt.timedelta(days=1))
        if self.kind == PeriodKind.YEAR:
            return Period.year(self.start - dt.timedelta(days=1))
        end = self.start - dt.timedelta(days=1)
        return Period.custom(end - dt.timedelta(days=self.days - 1), end)

    def months(self) -> list[Period]:
        """The calendar months the period touches, each cut to the period (a custom range's first
        and last months may be partial)."""
        result = []
        first = self.start.replace(day=1)
        while first <= self.end:
            month = Period.month(first)
            start, end = max(month.start, self.start), min(month.end, self.end)
            if (start, end) == (month.start, month.end):
                result.append(month)
            else:
                result.append(Period.custom(start, end))
            first = _add_months(first, 1)
        return result

    def trend_window(self, minimum_months: int = 6) -> Period:
        """The range a month-by-month trend shows: the period's months, and if they are fewer than
        `minimum_months`, the whole months before it up to that many (a month alone is no trend)."""
        touched = len(self.months())
        first = min(self.start, _add_months(self.end.replace(day=1), -(minimum_months - 1)))
        if touched >= minimum_months:
            first = self.start
        return Period.custom(first, self.end)

    # --- Query strings -------------------------------------------------------

    def query(self) -> dict[str, str]:
        """GET parameters that reproduce the period (for links between dashboard pages)."""
        if self.kind == PeriodKind.CUSTOM:
            return {"period": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat()}
        return {"period": self.kind}

    def request_filter_query(self) -> dict[str, str]:
        """The request list's own date filter (resident_requests.filters.RequestFilter) for this period."""
        return {"submitted_from": self.start.isoformat(), "submitted_to": self.end.isoformat()}


def month_label(day: dt.date) -> str:
    return _("%(y)d年%(m)d月") % {"y": day.year, "m": day.month}


class PeriodForm(forms.Form):
    """The period selector: 本月 / 本季度 / 本年 / 自定义 with two dates. A GET form."""

    period = forms.ChoiceField(label=gettext_lazy("统计周期"), choices=PeriodKind.choices, required=False)
    start = forms.DateField(
        label=gettext_lazy("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=gettext_lazy("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("period") == PeriodKind.CUSTOM:
            start, end = data.get("start"), data.get("end")
            if start is None or end is None:
                raise forms.ValidationError(_("自定义周期请填写起始日期和截止日期。"))
            if start > end:
                raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
            if (end - start).days >= MAX_CUSTOM_DAYS:
                raise forms.ValidationError(_("自定义周期最长五年。"))
        return data

    @property
    def has_choice(self) -> bool:
        """Whether the request carried a valid explicit period choice."""
        return self.is_bound and self.is_valid() and bool(self.cleaned_data.get("period"))

    def chosen(self, today: dt.date) -> Period | None:
        if not self.has_choice:
            return None
        data = self.cleaned_data
        return Period.of_kind(data["period"], today=today, start=data.get("start"), end=data.get("end"))


def period_from_params(params, *, today: dt.date | None = None) -> Period | None:
    """The period the GET parameters (period, start, end) ask for, or None when they ask for none
    or are invalid (the caller then falls back to the remembered or default period)."""
    form = PeriodForm(params)
    return form.chosen(today or timezone.localdate())
