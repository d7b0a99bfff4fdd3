"""The periods a report covers: a calendar month, quarter or year (DOMAIN.md §9).

A report run stores its kind and first day; the rest (last day, label) comes
from the dashboard's `dashboards.periods.Period`, so a report of 2026年10月
covers exactly the days the dashboard shows for 2026年10月.
"""

import datetime as dt

from dashboards.models import ReportPeriod
from dashboards.periods import Period

_BUILDERS = {
    ReportPeriod.MONTH: Period.month,
    ReportPeriod.QUARTER: Period.quarter,
    ReportPeriod.YEAR: Period.year,
}


def report_period(kind: str, day: dt.date) -> Period:
    """The month, quarter or year that holds `day`."""
    try:
        return _BUILDERS[kind](day)
    except KeyError as exc:
        raise ValueError(f"unknown report period kind {kind!r}") from exc


def normalise_start(kind: str, day: dt.date) -> dt.date:
    return report_period(kind, day).start


def period_end(kind: str, start: dt.date) -> dt.date:
    return report_period(kind, start).end


def previous_start(kind: str, today: dt.date) -> dt.date:
    """The first day of the last complete period before `today` (what beat reports on)."""
    return report_period(kind, today).previous().start


def period_label(kind: str, start: dt.date) -> str:
    """2026年10月 / 2026年第四季度 / 2026年, as the street writes them."""
    return report_period(kind, start).label
