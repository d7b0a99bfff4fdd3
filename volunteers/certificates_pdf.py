"""Draw a 志愿服务记录证明 as an A4 PDF with ReportLab (called by the Celery task).

The layout follows the model certificate of 民政部《志愿服务记录与证明出具办法(试行)》:
title, certificate number, a sentence stating the service, the record fields
(name, ID type and masked number, volunteer number, period, hours, content),
the issuing organisation, the handling officer and the date, and a QR code
pointing at the public verification page. Text is drawn with the embedded
Chinese font (xietang.pdf), so it renders and copies on any reader; the QR code
is vector rectangles from segno's matrix, sharp at any print size.
"""

import io

import segno
from reportlab.lib.colors import HexColor, black, white
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from volunteers.models import Certificate
from volunteers.selectors.hours_totals import format_hours
from xietang.pdf import chinese_font

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 56
RED = HexColor("#b3001b")
GREY = HexColor("#555555")
LABEL_WIDTH = 104
ROW_PADDING = 8
BODY_SIZE = 12.5
LINE_GAP = 7
QR_SIZE = 96


def format_date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break text into lines no wider than `width`, character by character (CJK has no spaces)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for char in paragraph:
            if line and stringWidth(line + char, font, size) > width:
                lines.append(line)
                line = char.lstrip() if char == " " else char
            else:
                line += char
        lines.append(line)
    return lines


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """A QR code of `data` with its lower-left corner at (x, y): one rectangle per run of dark modules."""
    qr = segno.make(data, error="m")
    matrix = qr.matrix
    border = 2
    modules = len(matrix) + 2 * border
    cell = size / modules
    canvas.saveState()
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(black)
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + border + 1) * cell
        column = 0
        while column < len(row):
            if row[column]:
                start = column
                while column < len(row) and row[column]:
                    column += 1
                canvas.rect(x + (start + border) * cell, top, (column - start) * cell, cell, stroke=0, fill=1)
            else:
                column += 1
    canvas.restoreState()


def _centred(canvas: Canvas, text: str, font: str, size: float, y: float) -> None:
    canvas.setFont(font, size)
    canvas.drawCentredString(PAGE_WIDTH / 2, y, text)


def _frame(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(2.2)
    canvas.rect(MARGIN - 22, MARGIN - 22, PAGE_WIDTH - 2 * (MARGIN - 22), PAGE_HEIGHT - 2 * (MARGIN - 22))
    canvas.setLineWidth(0.6)
    canvas.rect(MARGIN - 16, MARGIN - 16, PAGE_WIDTH - 2 * (MARGIN - 16), PAGE_HEIGHT - 2 * (MARGIN - 16))
    canvas.restoreState()


def _fields(certificate: Certificate) -> list[tuple[str, str]]:
    return [
        ("姓名", certificate.holder_name),
        ("证件类型", certificate.id_type),
        ("证件号码", certificate.id_number_masked),
        ("志愿者编号", certificate.volunteer_number),
        ("服务期间", f"{format_date(certificate.period_start)}至{format_date(certificate.period_end)}"),
        ("服务时长", f"{format_hours(certificate.total_minutes)} 小时"),
        ("服务内容", certificate.service_content),
        ("出具单位", certificate.issuer),
    ]


def _table(canvas: Canvas, font: str, rows: list[tuple[str, str]], top: float) -> float:
    """Draw the record fields as a ruled two-column table; return the y of its bottom edge."""
    left, right = MARGIN, PAGE_WIDTH - MARGIN
    value_width = right - left - LABEL_WIDTH - 2 * ROW_PADDING
    leading = BODY_SIZE + LINE_GAP
    canvas.setLineWidth(0.6)
    canvas.setStrokeColor(GREY)
    y = top
    canvas.line(left, y, right, y)
    for label, value in rows:
        lines = wrap(value, font, BODY_SIZE, value_width)
        height = len(lines) * leading + ROW_PADDING * 2 - LINE_GAP
        canvas.setFillColor(HexColor("#f6efe9"))
        canvas.rect(left, y - height, LABEL_WIDTH, height, stroke=0, fill=1)
        canvas.setFillColor(black)
        canvas.setFont(font, BODY_SIZE)
        canvas.drawString(left + ROW_PADDING, y - ROW_PADDING - BODY_SIZE + 2, label)
        for index, line in enumerate(lines):
            canvas.drawString(left + LABEL_WIDTH + ROW_PADDING, y - ROW_PADDING - BODY_SIZE + 2 - index * leading, line)
        y -= height
        canvas.line(left, y, right, y)
    canvas.line(left, top, left, y)
    canvas.line(left + LABEL_WIDTH, top, left + LABEL_WIDTH, y)
    canvas.line(right, top, right, y)
    return y


def draw_certificate(certificate: Certificate, *, verify_url: str) -> bytes:
    """The certificate as PDF bytes; `verify_url` is what the QR code encodes."""
    font = chinese_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"志愿服务记录证明 {certificate.number}")
    canvas.setAuthor(certificate.issuer)
    canvas.setSubject("志愿服务记录证明")
    canvas.setCreator("斜塘街道基层治理平台")
    _frame(canvas)

    canvas.setFillColor(RED)
    _centred(canvas, "志愿服务记录证明", font, 28, PAGE_HEIGHT - MARGIN - 48)
    canvas.setFillColor(black)
    canvas.setFont(font, 11)
    canvas.drawRightString(PAGE_WIDTH - MARGIN, PAGE_HEIGHT - MARGIN - 80, f"证明编号:{certificate.number}")

    hours = format_hours(certificate.total_minutes)
    sentence = (
        f"兹证明 {certificate.holder_name}(志愿者编号 {certificate.volunteer_number})于"
        f"{format_date(certificate.period_start)}至{format_date(certificate.period_end)}期间参加志愿服务,"
        f"经活动组织方确认的服务时长累计 {hours} 小时。服务记录如下:"
    )
    y = PAGE_HEIGHT - MARGIN - 118
    canvas.setFont(font, 13)
    for line in wrap(sentence, font, 13, PAGE_WIDTH - 2 * MARGIN):
        canvas.drawString(MARGIN, y, line)
        y -= 22
    y = _table(canvas, font, _fields(certificate), y - 6)

    # Signature block, right-aligned like a letter: issuer (seal), officer, date.
    y -= 42
    canvas.setFont(font, 13)
    right = PAGE_WIDTH - MARGIN
    canvas.drawRightString(right, y, f"出具单位(盖章):{certificate.issuer}")
    canvas.drawRightString(right, y - 26, f"经办人:{certificate.handling_officer}")
    canvas.drawRightString(right, y - 52, f"出具日期:{format_date(certificate.issued_on)}")

    # Verification: QR code bottom left, how to check beside it.
    qr_y = MARGIN + 18
    draw_qr(canvas, verify_url, MARGIN, qr_y, QR_SIZE)
    page = verify_url.split("?", 1)[0]
    text_x = MARGIN + QR_SIZE + 14
    text_width = PAGE_WIDTH - MARGIN - text_x
    canvas.setFont(font, 10.5)
    lines = wrap(f"可扫描二维码或访问 {page} 核验", font, 10.5, text_width)
    lines += [f"证明编号:{certificate.number}", f"验证码:{certificate.verification_code}"]
    line_y = qr_y + QR_SIZE - 14
    for line in lines:
        canvas.drawString(text_x, line_y, line)
        line_y -= 17
    canvas.setFillColor(GREY)
    canvas.setFont(font, 9)
    note = "依据民政部《志愿服务记录与证明出具办法(试行)》出具;服务时长为实际服务时间,不含往返交通时间。"
    for index, line in enumerate(reversed(wrap(note, font, 9, text_width))):
        canvas.drawString(text_x, qr_y + 2 + index * 12, line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
