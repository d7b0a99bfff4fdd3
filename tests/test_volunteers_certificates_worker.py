"""The certificate PDF task through a real Celery worker on Redis (CI sets REDIS_URL).

Issue → the task is sent on commit → the worker draws the PDF; a failing draw
is retried with backoff and, when it keeps failing, left FAILED with the reason.
"""

import datetime as dt
import io
import time

import pypdf
import pytest
from django.utils import timezone

from communities.validators import build_id_number
from tests.celery_helpers import real_worker
from tests.conftest import build_cast
from tests.markers import needs_redis
from tests.volunteer_factories import (
    ActivityFactory,
    ServiceHoursFactory,
    SignupFactory,
    VolunteerFactory,
)
from volunteers import certificates_pdf
from volunteers.models import Certificate, CertificateStatus, HoursStatus
from volunteers.services.certificates import certificate_issue
from volunteers.tasks import certificates as tasks

pytestmark = [pytest.mark.celery_worker, needs_redis, pytest.mark.django_db(transaction=True)]


def setup_volunteer():
    cast = build_cast()
    volunteer = VolunteerFactory(
        community=cast.community,
        name="刘桂芳",
        id_number=build_id_number(region="320571", birth=dt.date(1959, 2, 3), serial=8, gender="female"),
    )
    activity = ActivityFactory(community=cast.community)
    ServiceHoursFactory(
        signup=SignupFactory(shift__activity=activity, volunteer=volunteer),
        served_on=timezone.localdate() - dt.timedelta(days=2),
        minutes=120,
        status=HoursStatus.CONFIRMED,
    )
    return cast, volunteer


def wait_for(certificate_id: int, statuses: set[str], timeout: float = 30) -> Certificate:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        certificate = Certificate.objects.get(pk=certificate_id)
        if certificate.status in statuses:
            return certificate
        time.sleep(0.2)
    raise AssertionError(f"certificate {certificate_id} still {certificate.status}")


def issue(cast, volunteer) -> Certificate:
    today = timezone.localdate()
    return certificate_issue(
        volunteer=volunteer, period_start=dt.date(today.year, 1, 1), period_end=today, acting_user=cast.worker
    )


def test_issuing_sends_the_pdf_to_the_worker(redis_celery_app):
    cast, volunteer = setup_volunteer()
    with real_worker(redis_celery_app):
        certificate = issue(cast, volunteer)  # committed at once (no test transaction): on_commit sends the task
        certificate = wait_for(certificate.pk, {CertificateStatus.READY, CertificateStatus.FAILED})
        again = tasks.render_certificate_pdf.delay(certificate.pk).get(timeout=30)

    assert certificate.status == CertificateStatus.READY, certificate.error
    assert again == "skipped"  # idempotent: a second message draws nothing
    with certificate.pdf.open("rb") as handle:
        text = pypdf.PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
    assert "刘桂芳" in text and "2.0 小时" in text and certificate.number in text


def test_a_failing_draw_is_retried_by_the_worker_then_succeeds(redis_celery_app, monkeypatch):
    cast, volunteer = setup_volunteer()
    real = certificates_pdf.draw_certificate
    attempts = []

    def flaky(certificate, **kwargs):
        attempts.append(time.monotonic())
        if len(attempts) < 3:
            raise OSError("存储暂时不可用")
        return real(certificate, **kwargs)

    monkeypatch.setattr(certificates_pdf, "draw_certificate", flaky)
    monkeypatch.setattr(tasks, "retry_countdown", lambda retries: 0)  # backoff is tested on its own; no waiting here
    with real_worker(redis_celery_app):
        certificate = issue(cast, volunteer)
        certificate = wait_for(certificate.pk, {CertificateStatus.READY})

    assert len(attempts) == 3
    assert certificate.error == ""


def test_a_draw_that_keeps_failing_ends_failed_with_the_reason(redis_celery_app, monkeypatch):
    cast, volunteer = setup_volunteer()
    attempts = []

    def broken(certificate, **kwargs):
        attempts.append(1)
        raise OSError("磁盘已满")

    monkeypatch.setattr(certificates_pdf, "draw_certificate", broken)
    monkeypatch.setattr(tasks, "retry_countdown", lambda retries: 0)
    with real_worker(redis_celery_app):
        certificate = issue(cast, volunteer)
        deadline = time.monotonic() + 30
        while len(attempts) < 4 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)  # let the last attempt record its outcome

    certificate.refresh_from_db()
    assert len(attempts) == 4  # first try + 3 retries
    assert certificate.status == CertificateStatus.FAILED
    assert certificate.error == "OSError: 磁盘已满"
