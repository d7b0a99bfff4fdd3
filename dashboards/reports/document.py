"""What a report holds, as plain data: sections of tables and charts.

`content.build_report` fills it from the dashboard selectors (the one place the
figures are computed); `xlsx.render` and `pdf.render` only lay it out, each in
its own format, so the spreadsheet and the printable document always agree.

Cell values keep their type for the spreadsheet: a rate is a fraction (0.875,
shown 87.5%), a count an int, hours a Decimal; None means "no figure" (—).
A column has one kind; a cell that differs (the 概览 sheet mixes counts, hours
and rates in one column) is wrapped in `Cell(value, kind)`.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

NOTHING = "—"

# kind → (spreadsheet number format, how the PDF writes it)
TEXT, INT, PERCENT, DECIMAL, MONEY, DATE, DATETIME, POINTS = (
    "text",
    "int",
    "percent",
    "decimal",
    "money",
    "date",
    "datetime",
    "points",
)
# A change against the previous period: signed, in the unit of its row (percentage points for rates).
INT_CHANGE, PERCENT_CHANGE, DECIMAL_CHANGE = (
    "int_change",
    "percent_change",
    "decimal_change",
)

NUMBER_FORMATS = {
    INT: "#,##0",
    PERCENT: "0.0%",
    DECIMAL: "0.0",
    POINTS: "0.0",
    MONEY: "#,##0.00",
    DATE: 'yyyy"年"m"月"d"日"',
    DATETIME: 'yyyy"年"m"月"d"日" hh:mm',
    INT_CHANGE: "+#,##0;-#,##0;0",
    # Percentage points: the difference of two fractions, shown ×100 with "个百分点" in words on the PDF.
    PERCENT_CHANGE: "+0.0%;-0.0%;0.0%",
    DECIMAL_CHANGE: "+0.0;-0.0;0.0",
}


@dataclass(frozen=True)
class Cell:
    value: object
    kind: str
    text: str | None = None  # the PDF's words when they say more than the number (▲ 比上期增加 3件)


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT
    width: int = 14  # spreadsheet characters; the PDF shares widths in proportion


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list]
    note: str = ""  # under the table: what a "—" means, where the figures come from


@dataclass
class Chart:
    """A vector chart in the PDF (the spreadsheet carries the same numbers as a table)."""

    title: str
    kind: str  # "line" or "bar"
    categories: list[str]
    series: list[tuple[str, list]]  # (name, one value per category; None = no figure)


@dataclass
class Section:
    sheet: str  # the spreadsheet's sheet name (≤ 31 characters) and the PDF heading
    tables: list[Table]
    charts: list[Chart] = field(default_factory=list)


@dataclass
class ReportDocument:
    title: str  # 斜塘街道 2026年10月 月报
    scope_label: str
    period_label: str
    period_start: dt.date
    period_end: dt.date
    generated_at: dt.datetime
    sections: list[Section]


def kind_of(value, column: Column) -> tuple[object, str]:
    if isinstance(value, Cell):
        return value.value, value.kind
    return value, column.kind


def text_of(value, column: Column) -> str:
    """What the PDF writes in the cell."""
    if isinstance(value, Cell) and value.text is not None:
        return value.text
    return display(*kind_of(value, column))


def _quantize(value, places: str = "0.1") -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def display(value, kind: str) -> str:
    """The PDF's text for a value (the pages' conventions: 87.5%, no thousands separator, —)."""
    if value is None or value == "":
        return NOTHING if kind != TEXT else ""
    if kind == PERCENT:
        return f"{_quantize(Decimal(str(value)) * 100)}%"
    if kind in (DECIMAL, POINTS):
        return str(_quantize(value))
    if kind == MONEY:
        return str(_quantize(value, "0.01"))
    if kind == INT:
        return str(int(value))
    if kind == DATETIME:
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{_date(local)} {local:%H:%M}"
    if kind == DATE:
        return _date(value)
    if kind in (INT_CHANGE, PERCENT_CHANGE, DECIMAL_CHANGE):
        return change_words(value, kind)
    return str(value)


def change_words(value, kind: str) -> str:
    """▲ 3 / ▼ 1.5 个百分点 / 持平: the arrow and the words, never colour alone."""
    number = Decimal(str(value))
    if kind == PERCENT_CHANGE:
        shown, unit = _quantize(abs(number) * 100), _(" 个百分点")
    elif kind == DECIMAL_CHANGE:
        shown, unit = _quantize(abs(number)), ""
    else:
        shown, unit = int(abs(number)), ""
    if not shown:
        return _("持平")
    words = _("▲ 增加") if number > 0 else _("▼ 减少")
    return f"{words} {shown}{unit}"
