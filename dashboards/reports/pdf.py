"""The report as a printable A4 document (ReportLab platypus).

The font is the embedded WenQuanYi Micro Hei (`xietang.pdf.chinese_font`), so
the file reads the same on any machine and its text can be copied. Charts are
ReportLab drawings — vector graphics, sharp when printed — and every chart's
numbers are also in a table next to it. Each page carries its number and the
generation time in the footer.
"""

import io
import math
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from dashboards.reports.document import (
    TEXT,
    Chart,
    ReportDocument,
    Table,
    display,
    kind_of,
    text_of,
)
from xietang.pdf import chinese_font

MARGIN = 18 * mm
FRAME_WIDTH = A4[0] - 2 * MARGIN
# Distinct in grey print too: each series also differs by marker and dash.
PALETTE = [
    colors.HexColor("#b71c1c"),
    colors.HexColor("#1565c0"),
    colors.HexColor("#2e7d32"),
    colors.HexColor("#6a1b9a"),
]
DASHES = [None, (4, 2), (1, 2), (6, 2, 1, 2)]
MARKERS = ["FilledCircle", "FilledSquare", "FilledTriangle", "FilledDiamond"]


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontSize=18,
            leading=24,
            alignment=TA_CENTER,
            spaceAfter=4,
        ),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10, leading=14, alignment=TA_CENTER),
        "h2": ParagraphStyle("h2", parent=base, fontSize=14, leading=20, spaceBefore=10, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=base, fontSize=11, leading=16, spaceBefore=6, spaceAfter=3),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "head": ParagraphStyle("head", parent=base, fontSize=8, leading=10, textColor=colors.white),
        "note": ParagraphStyle(
            "note",
            parent=base,
            fontSize=8,
            leading=11,
            textColor=colors.HexColor("#555555"),
        ),
    }


def _table(table: Table, styles: dict[str, ParagraphStyle]) -> list:
    total = sum(column.width for column in table.columns) or 1
    widths = [FRAME_WIDTH * column.width / total for column in table.columns]
    data = [[Paragraph(escape(column.label), styles["head"]) for column in table.columns]]
    for values in table.rows:
        row = []
        for column, raw in zip(table.columns, values, strict=True):
            _value, kind = kind_of(raw, column)
            text = text_of(raw, column)
            style = styles["cell"]
            if kind != TEXT:
                style = ParagraphStyle("num", parent=style, alignment=2)  # right-aligned figures
            row.append(Paragraph(escape(text), style))
        data.append(row)
    if not table.rows:
        data.append([Paragraph(_("(无)"), styles["cell"])] + [""] * (len(table.columns) - 1))
    flowable = PdfTable(data, colWidths=widths, repeatRows=1)
    flowable.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#8b1a1a")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                (
                    "ROWBACKGROUNDS",
                    (0, 1),
                    (-1, -1),
                    [colors.white, colors.HexColor("#f5f0ee")],
                ),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    parts = [Paragraph(escape(table.title), styles["h3"]), flowable]
    if table.note:
        parts.append(Paragraph(escape(table.note), styles["note"]))
    return parts


def _number(value) -> float | None:
    return None if value is None else float(value)


def _chart(chart: Chart, font: str) -> Drawing:
    height = 190
    drawing = Drawing(FRAME_WIDTH, height)
    drawing.add(String(0, height - 12, chart.title, fontName=font, fontSize=10))
    data = [tuple(_number(v) for v in values) for _name, values in chart.series]
    plot = HorizontalLineChart() if chart.kind == "line" else VerticalBarChart()
    plot.x, plot.y = 40, 45
    plot.width, plot.height = FRAME_WIDTH - 60, height - 80
    plot.data = data or [(0,)]
    plot.categoryAxis.categoryNames = chart.categories or [""]
    plot.categoryAxis.labels.fontName = font
    plot.categoryAxis.labels.fontSize = 7
    if len(chart.categories) > 8:
        plot.categoryAxis.labels.angle = 30
        plot.categoryAxis.labels.boxAnchor = "ne"
    plot.valueAxis.labels.fontName = font
    plot.valueAxis.labels.fontSize = 7
    plot.valueAxis.valueMin = 0
    values = [v for series in data for v in series if v is not None]
    top = max(values, default=0)
    if not top:
        plot.valueAxis.valueMax = 1  # an empty period still draws a readable axis
    elif all(float(v).is_integer() for v in values):
        plot.valueAxis.valueStep = max(1, math.ceil(top / 5))  # counts: whole-number ticks
    for index in range(len(data)):
        colour = PALETTE[index % len(PALETTE)]
        if chart.kind == "line":
            plot.lines[index].strokeColor = colour
            plot.lines[index].strokeWidth = 1.5
            if DASHES[index % len(DASHES)]:
                plot.lines[index].strokeDashArray = DASHES[index % len(DASHES)]
            plot.lines[index].symbol = makeMarker(MARKERS[index % len(MARKERS)], fillColor=colour, size=4)
        else:
            plot.bars[index].fillColor = colour
    if chart.kind == "bar":
        plot.barLabelFormat = "%d"
        plot.barLabels.fontName = font
        plot.barLabels.fontSize = 7
        plot.barLabels.nudge = 6
    drawing.add(plot)
    if len(chart.series) > 1 or chart.kind == "line":
        legend = Legend()
        legend.x, legend.y = FRAME_WIDTH - 10, height - 10
        legend.alignment = "right"
        legend.fontName = font
        legend.fontSize = 8
        legend.boxAnchor = "ne"
        legend.columnMaximum = 1
        legend.deltax = 70
        legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], name) for i, (name, _v) in enumerate(chart.series)]
        drawing.add(legend)
    return drawing


def render(document: ReportDocument) -> bytes:
    font = chinese_font()
    styles = _styles(font)
    buffer = io.BytesIO()
    generated = timezone.localtime(document.generated_at)
    footer_time = _("生成时间:%(time)s") % {"time": display(generated, "datetime")}

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(MARGIN, 10 * mm, f"{document.title} · {footer_time}")
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, _("第 %(page)s 页") % {"page": doc.page})
        canvas.restoreState()

    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=document.title,
        author="斜塘街道基层治理平台",
    )
    story: list = [
        Paragraph(escape(document.title), styles["title"]),
        Paragraph(
            escape(
                _("统计周期:%(start)s—%(end)s  ·  %(time)s")
                % {
                    "start": display(document.period_start, "date"),
                    "end": display(document.period_end, "date"),
                    "time": footer_time,
                }
            ),
            styles["subtitle"],
        ),
        Spacer(1, 6 * mm),
    ]
    for section in document.sections:
        story.append(Paragraph(escape(section.sheet), styles["h2"]))
        for chart in section.charts:
            story.append(KeepTogether([_chart(chart, font), Spacer(1, 3 * mm)]))
        for table in section.tables:
            story.extend(_table(table, styles))
            story.append(Spacer(1, 3 * mm))
    pdf.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
