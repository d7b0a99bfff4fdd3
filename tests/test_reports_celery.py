"""Report generation through a real Celery worker on Redis: asked for on a page, enqueued
on commit, run by the worker, DONE with both files and the requester notified."""

import io
import time

import openpyxl
import pypdf
import pytest

from accounts.models import Notification
from dashboards import services
from dashboards.models import ReportRun, ReportStatus
from dashboards.tasks import generate_report
from tests.celery_helpers import real_worker
from tests.conftest import build_cast
from tests.markers import needs_redis
from tests.reports_factories import OCTOBER, october_fixture


@pytest.mark.celery_worker
@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_requested_report_is_generated_by_a_real_worker(redis_celery_app, client):
    cast = build_cast()
    october = october_fixture(cast)
    client.force_login(cast.secretary, backend="django.contrib.auth.backends.ModelBackend")

    with real_worker(redis_celery_app):
        response = client.post(
            "/reports/start/",
            {"scope": cast.community.pk, "period_kind": "month", "month": "2026-10"},
        )
        run = ReportRun.objects.get()
        assert response["Location"] == f"/reports/{run.pk}/"
        # The page enqueued it on commit; the worker picks it up. Wait for the run to finish.
        for _attempt in range(120):
            run.refresh_from_db()
            if run.status in (ReportStatus.DONE, ReportStatus.FAILED):
                break
            time.sleep(0.5)
        # A second delivery of the same run (beat's sweep, a retry by the broker) changes nothing.
        again = generate_report.delay(run.pk)
        assert again.get(timeout=30) == "skipped"
        assert again.backend.__class__.__name__ == "RedisBackend"

    assert (run.status, run.progress, run.error) == (ReportStatus.DONE, 100, "")
    book = openpyxl.load_workbook(io.BytesIO(run.xlsx.read()))
    rates = {row[0].value: row[1].value for row in book["诉求考核"].iter_rows() if row[0].value}
    assert rates["满意率"] == pytest.approx(1.9 / 3)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(run.pdf.read())).pages)
    assert "莲香社区 2026年10月 月报" in text and october["r4"].tracking_code in text
    assert Notification.objects.filter(recipient=cast.secretary, key=f"report:{run.pk}:done").exists()
    status = client.get(f"/reports/{run.pk}/status.json").json()
    assert (status["status"], status["finished"]) == ("done", True)


@pytest.mark.celery_worker
@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_failing_report_through_a_real_worker_is_failed_with_its_reason(redis_celery_app, monkeypatch):
    cast = build_cast()
    run, _created = services.report_request(
        community=cast.community,
        period_kind="month",
        period_start=OCTOBER,
        acting_user=None,
    )  # committed at once (no atomic block around it here), and enqueued: run it in the worker below
    ReportRun.objects.filter(pk=run.pk).update(period_kind="week")  # a kind no code knows: the task must fail

    with real_worker(redis_celery_app):
        result = generate_report.delay(run.pk)
        assert result.get(timeout=30) in (ReportStatus.FAILED, "skipped")
    run.refresh_from_db()
    assert run.status == ReportStatus.FAILED
    assert run.error.startswith("生成报表时出错:")
