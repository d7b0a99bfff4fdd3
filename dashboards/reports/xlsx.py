"""The report as a workbook (openpyxl): one sheet per section, Chinese headers,
column widths, number formats, bold and frozen header rows.

A sheet holds its section's tables one under the other: the first table's
header row is row 1 and stays frozen when scrolling; each further table is
set off by an empty row and its title in bold. Text never becomes a formula
(the idea of `communities.sheets._export_cells`): titles and names typed by
staff may start with "=".
"""

import datetime as dt
import io

import openpyxl
from django.utils import timezone
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dashboards.reports.document import (
    NUMBER_FORMATS,
    TEXT,
    ReportDocument,
    Table,
    kind_of,
)

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=12)


def _value(value):
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        # Excel has no time zones: write the portal's local time (Asia/Shanghai).
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _write_table(sheet, table: Table, first_row: int, *, with_title: bool) -> int:
    """Write one table from `first_row`; return the row after it."""
    row = first_row
    if with_title:
        sheet.cell(row=row, column=1, value=table.title).font = TITLE
        row += 1
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=row, column=index, value=column.label)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    row += 1
    for values in table.rows:
        for index, (column, raw) in enumerate(zip(table.columns, values, strict=True), start=1):
            value, kind = kind_of(raw, column)
            cell = sheet.cell(row=row, column=index)
            if value is None:
                cell.value = "—"
                cell.alignment = Alignment(horizontal="right")
                continue
            cell.value = _value(value)
            if kind == TEXT or isinstance(value, str):
                cell.data_type = "s"  # never a formula, even when the text starts with "="
            elif kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[kind]
        row += 1
    if not table.rows:
        sheet.cell(row=row, column=1, value="(无)")
        row += 1
    if table.note:
        sheet.cell(row=row, column=1, value=table.note).font = Font(italic=True, color="555555")
        row += 1
    return row


def render(document: ReportDocument) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = document.title
    workbook.properties.creator = "斜塘街道基层治理平台"
    for section in document.sections:
        sheet = workbook.create_sheet(section.sheet[:31])
        widths: dict[int, int] = {}
        row = 1
        for position, table in enumerate(section.tables):
            if position:
                row += 1  # an empty row between tables
            row = _write_table(sheet, table, row, with_title=position > 0)
            for index, column in enumerate(table.columns, start=1):
                widths[index] = max(widths.get(index, 0), column.width)
        # The first table's header row stays in view while scrolling.
        sheet.freeze_panes = "A2"
        for index, width in widths.items():
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
