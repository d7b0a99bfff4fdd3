"""The report's .xlsx and PDF, read back: the figures of a hand-counted fixture
(tests/reports_factories.py), sheet names, frozen header rows, number formats,
the Chinese text and vector charts of the PDF, and no resident's personal data."""

import io
from decimal import Decimal

import openpyxl
import pypdf
import pytest

from dashboards.reports import content, pdf, xlsx
from dashboards.reports.document import Cell, Column, Table, display
from tests.reports_factories import ReportRunFactory, october_fixture

SHEETS = ["概览", "诉求考核", "超期与重办", "微实事", "志愿服务"]


@pytest.fixture
def october(cast):
    return october_fixture(cast)


def _workbook(run):
    return openpyxl.load_workbook(io.BytesIO(xlsx.render(content.build_report(run))))


def _rows_of(sheet):
    return {row[0].value: row for row in sheet.iter_rows() if row[0].value is not None}


def _table(sheet, title):
    """The rows of the table titled `title` (its header row first), up to the next empty row."""
    rows = list(sheet.iter_rows())
    start = next(i for i, row in enumerate(rows) if row[0].value == title) + 1
    found = []
    for row in rows[start:]:
        if row[0].value is None or row[0].font.i:  # an empty row, or the table's note in italics
            break
        found.append(row)
    return found


def _pdf_text(run) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf.render(content.build_report(run))))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_community_workbook_holds_the_hand_computed_figures(cast, october):
    run = ReportRunFactory(community=cast.community, requested_by=cast.secretary)
    book = _workbook(run)
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.b for cell in sheet[1] if cell.value is not None)

    overview = _rows_of(book["概览"])
    label, value, previous, change, unit, _note = overview["民意收集"]
    assert (value.value, previous.value, change.value, unit.value) == (4, 1, 3, "件")
    assert value.number_format == "#,##0"
    assert change.number_format == "+#,##0;-#,##0;0"
    assert overview["报表"][1].value == "莲香社区 2026年10月 月报"

    rates = _rows_of(book["诉求考核"])
    assert rates["诉求数"][1].value == 4
    assert rates["有效回访"][1].value == 3
    assert rates["响应率"][1].value == 1
    assert rates["解决率"][1].value == pytest.approx(2 / 3)
    assert rates["满意率"][1].value == pytest.approx(1.9 / 3)
    assert rates["满意率"][1].number_format == "0.0%"
    assert rates["综合成绩"][1].value == pytest.approx(100 * (0.1 + 0.5 * 2 / 3 + 0.4 * 1.9 / 3))
    assert rates["综合成绩"][1].number_format == "0.0"
    assert rates["当前超期"][1].value == 1

    # A community's report ranks its grids: everything happened in the first grid.
    header, *grids = _table(book["诉求考核"], "网格排名")
    assert [c.value for c in header[:4]] == ["排名", "网格", "诉求数", "已办结"]
    first = {c.value: r[i].value for r in grids for i, c in enumerate(header) if r[1].value == "莲香第一网格"}
    assert (first["排名"], first["诉求数"], first["满意率"]) == (
        1,
        4,
        pytest.approx(1.9 / 3),
    )
    assert [r[1].value for r in grids] == ["莲香第一网格", "莲香第二网格"]

    lists = book["超期与重办"]
    overdue = [[c.value for c in row] for row in lists.iter_rows(min_row=2, max_row=2)][0]
    assert overdue[0] == october["r4"].tracking_code
    assert overdue[1] == october["r4"].category.name
    assert overdue[2] == "莲香 莲香第一网格"
    assert overdue[4].strftime("%Y-%m-%d %H:%M") == "2026-10-20 10:00"  # local time, no time zone in Excel
    assert overdue[5] == "办理中"
    header, *reopened = _table(lists, "本期重办诉求")
    assert [r[0].value for r in reopened] == [october["r3"].tracking_code]
    assert reopened[0][4].value == 1

    projects = book["微实事"]
    by_state = _rows_of(projects)
    assert by_state["实施中"][1].value == 1
    assert by_state["实施中"][2].value == Decimal("300000.00") or by_state["实施中"][2].value == 300000
    assert by_state["实施中"][2].number_format == "#,##0.00"
    header, *under_way = _table(projects, "实施中项目进度")
    row = {c.value: under_way[0][i].value for i, c in enumerate(header)}
    assert row["项目名称"] == "百凳为百姓"
    assert row["已筹(元)"] == 120000
    assert row["筹资比例"] == pytest.approx(0.4)
    funding = {r[0].value: r[1] for r in _table(projects, "预算与筹资")[1:]}
    assert funding["本期筹资(元)"].value == 120000

    # No resident's name or mobile anywhere in the workbook.
    every_value = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value]
    assert not [v for v in every_value if "王秀英" in v or "13912345678" in v]


def test_street_workbook_ranks_the_communities(cast, october):
    book = _workbook(ReportRunFactory(community=None))
    assert _rows_of(book["概览"])["报表"][1].value == "斜塘街道 2026年10月 月报"
    assert _rows_of(book["诉求考核"])["诉求数"][1].value == 5  # both communities
    header, *communities = _table(book["诉求考核"], "社区排名")
    # 淞渔's single request has no callback: no score, so no rank, listed last.
    assert [(r[0].value, r[1].value) for r in communities] == [
        (1, "莲香"),
        ("—", "淞渔"),
    ]
    assert [c.value for c in header][-1] == "志愿服务时长(小时)"


def test_quarter_report_covers_the_quarter(cast, october):
    run = ReportRunFactory(
        community=cast.community,
        period_kind="quarter",
        period_end=october["r1"].submitted_at.date().replace(month=12, day=31),
    )
    book = _workbook(run)
    overview = _rows_of(book["概览"])
    assert overview["报表"][1].value == "莲香社区 2026年第四季度 季报"
    # Q4 so far: the four October requests; Q3 before it: the September one.
    assert (overview["民意收集"][1].value, overview["民意收集"][2].value) == (4, 1)


def test_pdf_reads_back_with_figures_and_chinese_text(cast, october):
    run = ReportRunFactory(community=cast.community, requested_by=cast.secretary)
    data = pdf.render(content.build_report(run))
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4
    for expected in (
        "莲香社区 2026年10月 月报",
        "民意收集",
        "▲ 比上期增加 3",  # the dashboard's own words for the change
        "满意率",
        "63.3%",
        "66.7%",
        "68.7",
        "网格排名",
        "超期未办结诉求",
        october["r4"].tracking_code,
        october["r3"].tracking_code,
        "百凳为百姓",
        "300000.00",
        "诉求数量月度趋势",
        "第 1 页",
        "生成时间",
    ):
        assert expected in text, expected
    assert "王秀英" not in text and "13912345678" not in text
    # The font is embedded (a TrueType subset), and the charts are drawn, not pasted as pictures.
    fonts = [f for page in reader.pages for f in page["/Resources"]["/Font"].values()]
    assert any("/FontFile2" in f.get_object()["/FontDescriptor"] for f in fonts if "/FontDescriptor" in f.get_object())
    assert all(not page.images for page in reader.pages)


def test_text_that_looks_like_a_formula_stays_text(cast):
    from django.utils import timezone

    from dashboards.reports.document import ReportDocument, Section

    document = ReportDocument(
        title="t",
        scope_label="s",
        period_label="p",
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
        generated_at=timezone.now(),
        sections=[Section("概览", [Table("x", [Column("项目名称")], [['=HYPERLINK("http://x")']])])],
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.render(document)))["概览"]
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == '=HYPERLINK("http://x")'


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        (Decimal("0.875"), "percent", "87.5%"),
        (None, "percent", "—"),
        (Decimal("12.25"), "decimal", "12.3"),
        (3, "int_change", "▲ 增加 3"),
        (Decimal("-0.015"), "percent_change", "▼ 减少 1.5 个百分点"),
        (0, "int_change", "持平"),
    ],
)
def test_pdf_display_of_values(value, kind, shown):
    assert display(value, kind) == shown


def test_cell_words_override_the_number_only_in_the_pdf():
    cell = Cell(3, "int_change", text="▲ 比上期增加 3件")
    from dashboards.reports.document import text_of

    assert text_of(cell, Column("变化")) == "▲ 比上期增加 3件"
