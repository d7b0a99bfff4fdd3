"""Issue 6's "Done when", in a real browser (Debian's Chromium via Playwright): the street
reviewer opens the dashboard, switches the period, drills into a community, starts a
report, watches the progress bar move and finish, and downloads both files.

The report task runs in a thread of its own here (as a worker would), slowed a little
at each step so the bar can be seen moving; the real-worker path is
tests/test_reports_celery.py.
"""

import io
import re
import threading
import time
from unittest import mock

import openpyxl
import pypdf
import pytest
from django.db import connections
from django.utils import timezone

from dashboards import services
from dashboards.models import ReportRun, ReportStatus
from dashboards.periods import Period
from dashboards.tasks import generate_report
from tests.markers import needs_browser
from tests.reports_factories import month_fixture
from tests.test_browser import allow_orm_beside_playwright, browser, log_in  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    needs_browser,
    pytest.mark.django_db(transaction=True),
]


def _slow_worker(run_id: int) -> threading.Thread:
    real = services.report_progress

    def slow(*args, **kwargs):
        time.sleep(0.6)
        return real(*args, **kwargs)

    def work():
        try:
            with mock.patch.object(services, "report_progress", side_effect=slow):
                generate_report(run_id)
        finally:
            connections.close_all()

    return threading.Thread(target=work)


def test_street_reviewer_starts_a_report_from_the_dashboard_and_downloads_it(
    cast,
    live_server,
    browser,  # noqa: F811 (fixture)
    allow_orm_beside_playwright,  # noqa: F811 (fixture)
    tmp_path,
):
    # The dashboard's 本季度 is today's quarter: put the hand-counted month at its start, so the
    # figures below hold whatever day the suite runs.
    today = timezone.localdate()
    month_fixture(cast, today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1))
    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    log_in(page, live_server, cast.street_reviewer.username)

    page.get_by_role("navigation").get_by_role("link", name="统计看板").click()
    page.wait_for_url(re.compile(r"/dashboard/"))
    page.get_by_label("统计周期", exact=True).select_option("quarter")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(re.compile(r"period=quarter"))
    page.get_by_role("link", name="莲香", exact=True).first.click()
    page.wait_for_url(re.compile(rf"/dashboard/communities/{cast.community.pk}/"))
    assert "莲香" in page.get_by_role("heading", level=1).inner_text()

    # Queued only: the test plays the worker below, so the bar has something to show.
    with mock.patch.object(services, "_enqueue"):
        page.get_by_role("button", name="生成报表").click()
        page.wait_for_url(re.compile(r"/reports/\d+/$"))
    run = ReportRun.objects.get()
    assert (run.community, run.period_kind, run.requested_by) == (
        cast.community,
        "quarter",
        cast.street_reviewer,
    )
    title = f"莲香社区 {Period.quarter(timezone.localdate()).label} 季报"
    assert page.get_by_role("heading", level=1).inner_text() == title
    bar = page.locator("#report-bar")
    assert bar.get_attribute("value") == "0"

    worker = _slow_worker(run.pk)
    worker.start()
    # The bar moves while the run is under way (JavaScript polls status.json every second) ...
    page.wait_for_function("() => { const v = document.getElementById('report-bar').value; return v > 0 && v < 100; }")
    # ... and when it is done the page shows the two files.
    page.get_by_role("link", name="下载 Excel 文件(.xlsx)").wait_for(timeout=30_000)
    worker.join(30)
    assert ReportRun.objects.get().status == ReportStatus.DONE
    assert page.locator("#report-bar").get_attribute("value") == "100"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 Excel 文件(.xlsx)").click()
    xlsx_path = tmp_path / "report.xlsx"
    download_info.value.save_as(xlsx_path)
    assert download_info.value.suggested_filename == f"{title.replace(' ', '_')}.xlsx"
    book = openpyxl.load_workbook(xlsx_path)
    assert {row[0].value: row[1].value for row in book["概览"].iter_rows() if row[0].value}["民意收集"] == 4

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 PDF 文件").click()
    pdf_path = tmp_path / "report.pdf"
    download_info.value.save_as(pdf_path)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
    assert title in text and "63.3%" in text
    context.close()
