"""Service certificates (志愿服务记录证明): the issue rules, the snapshot, the PDF read back, the task.

DOMAIN.md §6: only confirmed hours in the period count, the certificate
carries ID type and masked number, and the community that recorded the hours
issues it (谁记录谁证明).
"""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pypdf
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditAction, AuditLog
from communities.validators import build_id_number
from tests.volunteer_factories import (
    ActivityFactory,
    CertificateFactory,
    ServiceHoursFactory,
    SignupFactory,
    VolunteerFactory,
)
from volunteers import certificates_pdf
from volunteers.models import (
    ActivityType,
    Certificate,
    CertificateStatus,
    HoursStatus,
    IdType,
)
from volunteers.selectors.hours_totals import (
    confirmed_minutes,
    format_hours,
    service_breakdown,
    service_summary,
)
from volunteers.services.certificates import (
    CertificateRenderError,
    certificate_issue,
    certificate_render,
    certificate_retry,
    default_period,
)
from volunteers.tasks.certificates import (
    render_certificate_pdf,
    render_pending_certificates,
    retry_countdown,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 21, 10, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()
ID_NUMBER = build_id_number(region="320571", birth=dt.date(1968, 5, 12), serial=123, gender="female")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """run(fn, **kwargs): call a service and run what it enqueued on commit (the PDF task, eager)."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def make_volunteer(community, **kwargs):
    defaults = {"name": "张晓华", "id_number": ID_NUMBER, "registered_on": dt.date(2025, 3, 1)}
    return VolunteerFactory(community=community, **(defaults | kwargs))


def hours(
    volunteer,
    *,
    community,
    served_on,
    minutes=120,
    status=HoursStatus.CONFIRMED,
    activity_type=ActivityType.PARTY_LESSON,
):
    activity = ActivityFactory(community=community, activity_type=activity_type)
    signup = SignupFactory(shift__activity=activity, volunteer=volunteer)
    reason = "未到岗" if status == HoursStatus.REJECTED else ""
    return ServiceHoursFactory(signup=signup, served_on=served_on, minutes=minutes, status=status, reject_reason=reason)


def pdf_text(certificate: Certificate) -> str:
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


# The one place that totals hours


def test_only_confirmed_hours_inside_the_period_count(cast):
    volunteer = make_volunteer(cast.community)
    hours(volunteer, community=cast.community, served_on=dt.date(2026, 1, 1), minutes=120)  # first day: in
    hours(volunteer, community=cast.community, served_on=dt.date(2026, 6, 30), minutes=90)  # last day: in
    hours(volunteer, community=cast.community, served_on=dt.date(2026, 3, 3), minutes=60, status=HoursStatus.PENDING)
    hours(volunteer, community=cast.community, served_on=dt.date(2026, 3, 4), minutes=45, status=HoursStatus.REJECTED)
    hours(volunteer, community=cast.community, served_on=dt.date(2025, 12, 31), minutes=30)  # before
    hours(volunteer, community=cast.community, served_on=dt.date(2026, 7, 1), minutes=15)  # after
    other = make_volunteer(cast.community, name="李四", mobile="13711112222")
    hours(other, community=cast.community, served_on=dt.date(2026, 2, 2), minutes=600)

    assert confirmed_minutes(volunteer, dt.date(2026, 1, 1), dt.date(2026, 6, 30)) == 210
    assert confirmed_minutes(volunteer, dt.date(2026, 1, 2), dt.date(2026, 6, 29)) == 0


def test_service_summary_names_activity_types_with_hours_most_first(cast):
    volunteer = make_volunteer(cast.community)
    for day in (1, 2, 3):
        hours(
            volunteer,
            community=cast.community,
            served_on=dt.date(2026, 5, day),
            minutes=240,
            activity_type=ActivityType.PERSUASION,
        )
    hours(
        volunteer,
        community=cast.community,
        served_on=dt.date(2026, 5, 9),
        minutes=240,
        activity_type=ActivityType.MARKET,
    )
    hours(
        volunteer,
        community=cast.community,
        served_on=dt.date(2026, 5, 10),
        minutes=100,
        activity_type=ActivityType.VISIT,
    )

    summary = service_summary(volunteer, dt.date(2026, 1, 1), TODAY)

    assert summary == "宣传劝导 12.0 小时；公益市集 4.0 小时；探访慰问 1.7 小时"
    lines = service_breakdown(volunteer, dt.date(2026, 1, 1), TODAY)
    assert [(line.label, line.minutes, line.records) for line in lines] == [
        ("宣传劝导", 720, 3),
        ("公益市集", 240, 1),
        ("探访慰问", 100, 1),
    ]


@pytest.mark.parametrize(
    ("minutes", "text"), [(0, "0.0"), (90, "1.5"), (100, "1.7"), (3, "0.1"), (2, "0.0"), (720, "12.0")]
)
def test_hours_are_written_with_one_decimal_rounded_half_up(minutes, text):
    assert format_hours(minutes) == text


# Issue: the rules


def test_issue_snapshots_the_record_and_the_pdf_carries_it(cast, on_commit):
    cast.worker.last_name, cast.worker.first_name = "周", "婷"
    cast.worker.save()
    volunteer = make_volunteer(cast.community)
    hours(volunteer, community=cast.community, served_on=dt.date(2026, 3, 8), minutes=120)

    certificate = on_commit(
        certificate_issue,
        volunteer=volunteer,
        period_start=dt.date(2026, 1, 1),
        period_end=TODAY,
        acting_user=cast.worker,
    )

    certificate.refresh_from_db()
    assert certificate.number == "XTZM2026000001"
    assert len(certificate.verification_code) == 8
    assert certificate.holder_name == "张晓华"
    assert certificate.id_type == "居民身份证"
    assert certificate.id_number_masked == f"3205**********{ID_NUMBER[-4:]}"
    assert certificate.volunteer_number == volunteer.number
    assert certificate.total_minutes == 120
    assert certificate.service_content == "楼道微党课 2.0 小时"
    assert certificate.issuer == "斜塘街道莲香社区居民委员会"
    assert certificate.handling_officer == "周婷"
    assert certificate.issued_on == TODAY
    assert certificate.requested_by == cast.worker
    # The task ran in process (eager): the PDF is drawn.
    assert certificate.status == CertificateStatus.READY
    assert certificate.error == ""

    text = pdf_text(certificate)
    for expected in (
        "志愿服务记录证明",
        "张晓华",
        "居民身份证",
        f"3205**********{ID_NUMBER[-4:]}",
        volunteer.number,
        "2.0 小时",
        "楼道微党课",
        "斜塘街道莲香社区居民委员会",
        "经办人:周婷",
        "XTZM2026000001",
        "2026年11月21日",
        "2026年1月1日至2026年11月21日",
        certificate.verification_code,
        "可扫描二维码或访问 /certificates/verify/ 核验",
    ):
        assert expected in text, expected
    assert ID_NUMBER not in text  # never the full number
    audit = AuditLog.objects.get(object_type="volunteers.certificate", action=AuditAction.CREATE)
    assert audit.actor == cast.worker and audit.object_id == str(certificate.pk)


def test_the_qr_code_and_text_use_site_url_when_set(cast, settings, monkeypatch, on_commit):
    settings.SITE_URL = "https://portal.example.cn"
    seen = {}
    real = certificates_pdf.draw_qr

    def spy(canvas, data, *args, **kwargs):
        seen["data"] = data
        return real(canvas, data, *args, **kwargs)

    monkeypatch.setattr(certificates_pdf, "draw_qr", spy)
    volunteer = make_volunteer(cast.community)
    hours(volunteer, community=cast.community, served_on=dt.date(2026, 3, 8))

    certificate = on_commit(
        certificate_issue,
        volunteer=volunteer,
        period_start=dt.date(2026, 1, 1),
        period_end=TODAY,
        acting_user=cast.secretary,
    )

    assert seen["data"] == (
        f"https://portal.example.cn/certificates/verify/?number={certificate.number}&code={certificate.verification_code}"
    )
    assert "可扫描二维码或访问 https://portal.example.cn/certificates/verify/ 核验" in pdf_text(certificate)


def test_the_qr_code_decodes_to_the_verification_link():
    """The vector QR drawn from segno's matrix: redraw the same matrix as pixels and compare with segno's own."""
    import segno

    data = "/certificates/verify/?number=XTZM2026000001&code=ABCDEFGH"
    rects = []

    class Recorder:
        def saveState(self): ...
        def restoreState(self): ...
        def setFillColor(self, colour):
            self.colour = colour

        def rect(self, x, y, w, h, stroke=0, fill=1):
            rects.append((self.colour, x, y, w, h))

    matrix = segno.make(data, error="m").matrix
    size = float(len(matrix) + 4)  # modules + 2 × 2 quiet zone: one unit per module
    certificates_pdf.draw_qr(Recorder(), data, 0, 0, size)
    dark = set()
    for colour, x, y, w, h in rects[1:]:  # the first is the white background
        row = int(round(size - y - h)) - 2
        for column in range(int(round(x)) - 2, int(round(x + w)) - 2):
            dark.add((row, column))
    expected = {(r, c) for r, line in enumerate(matrix) for c, value in enumerate(line) if value}
    assert dark == expected


def test_no_id_number_is_refused_with_where_to_add_it(cast, on_commit):
    volunteer = make_volunteer(cast.community, id_number="")
    hours(volunteer, community=cast.community, served_on=dt.date(2026, 3, 8))

    with pytest.raises(ValidationError) as error:
        on_commit(
            certificate_issue,
            volunteer=volunteer,
            period_start=dt.date(2026, 1, 1),
            period_end=TODAY,
            acting_user=cast.worker,
        )

    message = error.value.message_dict["volunteer"][0]
    assert "证件号码" in message and "志愿者档案" in message and "修改" in message
    assert not Certificate.objects.exists()


def test_no_confirmed_hours_in_the_period_is_refused(cast, on_commit):
    volunteer = make_volunteer(cast.community)
    hours(volunteer, community=cast.community, served_on=dt.date(2026, 3, 8), status=HoursStatus.PENDING)
    hours(volunteer, community=cast.community, served_on=dt.date(2025, 12, 8))  # confirmed, but last year

    with pytest.raises(ValidationError) as error:
        on_commit(
            certificate_issue,
            volunteer=volunteer,
            period_start=dt.date(2026, 1, 1),
            period_end=TODAY,
            acting_user=cast.worker,
        )

    assert "没有已确认的服务时长" in error.value.message_dict["period_start"][0]
    assert not Certificate.objects.exists()


def test_hours_recorded_by_another_community_are_that_community_s_to_certify(cast, on_commit):
    volunteer = make_volunteer(cast.community)
    hours(volunteer, community=cast.community, served_on=dt.date(2026, 3, 8), minutes=60)
    hours(volunteer, community=cast.other_community, served_on=dt.date(2026, 3, 9), minutes=180)

    certificate = on_commit(
        certificate_issue,
        volunteer=volunteer,
        period_start=dt.date(2026, 1, 1),
        period_end=TODAY,
        acting_user=cast.worker,
    )
    assert certificate.total_minutes == 60  # 谁记录谁证明: only 莲香's record

    only_elsewhere = make_volunteer(cast.community, name="王五", mobile="13722223333")
    hours(only_elsewhere, community=cast.other_community, served_on=dt.date(2026, 3, 9), minutes=180)
    with pytest.raises(ValidationError) as error:
        on_commit(
            certificate_issue,
            volunteer=only_elsewhere,
            period_start=dt.date(2026, 1, 1),
            period_end=TODAY,
            acting_user=cast.worker,
        )
    assert "3.0 小时由其他社区记录" in error.value.message_dict["period_start"][0]


def test_the_period_must_be_ordered_and_not_in_the_future(cast, on_commit):
    volunteer = make_volunteer(cast.community)
    hours(volunteer, community=cast.community, served_on=dt.date(2026, 3, 8))
    with pytest.raises(ValidationError) as error:
        on_commit(
            certificate_issue,
            volunteer=volunteer,
            period_start=dt.date(2026, 5, 1),
            period_end=dt.date(2026, 4, 1),
            acting_user=cast.worker,
        )
    assert "period_end" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        on_commit(
            certificate_issue,
            volunteer=volunteer,
            period_start=dt.date(2026, 1, 1),
            period_end=TODAY + dt.timedelta(days=1),
            acting_user=cast.worker,
        )
    assert "不能晚于今天" in error.value.message_dict["period_end"][0]


def test_default_period_is_this_year_to_date():
    assert default_period() == (dt.date(2026, 1, 1), TODAY)


@pytest.mark.parametrize("who", ["street_reviewer", "grid_worker", "other_worker", "no_role"])
def test_only_the_community_s_coordinators_and_the_street_admin_issue(cast, who, on_commit):
    volunteer = make_volunteer(cast.community)
    hours(volunteer, community=cast.community, served_on=dt.date(2026, 3, 8))
    with pytest.raises(PermissionDenied):
        on_commit(
            certificate_issue,
            volunteer=volunteer,
            period_start=dt.date(2026, 1, 1),
            period_end=TODAY,
            acting_user=getattr(cast, who),
        )


def test_street_admin_issues_in_the_name_of_the_recording_community(cast, on_commit):
    volunteer = make_volunteer(cast.other_community)
    hours(volunteer, community=cast.other_community, served_on=dt.date(2026, 3, 8))
    certificate = on_commit(
        certificate_issue,
        volunteer=volunteer,
        period_start=dt.date(2026, 1, 1),
        period_end=TODAY,
        acting_user=cast.street_admin,
    )
    assert certificate.issuer == "斜塘街道淞渔社区居民委员会"


def test_a_passport_is_masked_to_its_last_four(cast, on_commit):
    volunteer = make_volunteer(cast.community, id_type=IdType.PASSPORT, id_number="E12345678")
    hours(volunteer, community=cast.community, served_on=dt.date(2026, 3, 8))
    certificate = on_commit(
        certificate_issue,
        volunteer=volunteer,
        period_start=dt.date(2026, 1, 1),
        period_end=TODAY,
        acting_user=cast.worker,
    )
    assert (certificate.id_type, certificate.id_number_masked) == ("护照", "*****5678")


def test_numbers_run_on_within_the_year_and_skip_one_taken_meanwhile(cast, monkeypatch, on_commit):
    CertificateFactory(
        volunteer=make_volunteer(cast.community, name="甲", mobile="13733334444"), number="XTZM2026000007"
    )
    CertificateFactory(
        volunteer=make_volunteer(cast.community, name="乙", mobile="13733335555"), number="XTZM2025000099"
    )
    volunteer = make_volunteer(cast.community)
    hours(volunteer, community=cast.community, served_on=dt.date(2026, 3, 8))

    first = on_commit(
        certificate_issue,
        volunteer=volunteer,
        period_start=dt.date(2026, 1, 1),
        period_end=TODAY,
        acting_user=cast.worker,
    )
    assert first.number == "XTZM2026000008"

    # A concurrent issue took 000009 between our read and our insert: the unique index refuses, we take 000010.
    from volunteers.services import certificates as services

    real = services._next_number
    calls = []

    def racing(year):
        number = real(year)
        if not calls:
            CertificateFactory(volunteer=volunteer, number=number)
        calls.append(number)
        return number

    monkeypatch.setattr(services, "_next_number", racing)
    second = on_commit(
        certificate_issue,
        volunteer=volunteer,
        period_start=dt.date(2026, 1, 1),
        period_end=TODAY,
        acting_user=cast.worker,
    )
    assert calls == ["XTZM2026000009", "XTZM2026000010"]
    assert second.number == "XTZM2026000010"


# Rendering: idempotent, failures recorded, retry


def test_a_ready_certificate_is_not_redrawn(cast, monkeypatch, on_commit):
    volunteer = make_volunteer(cast.community)
    hours(volunteer, community=cast.community, served_on=dt.date(2026, 3, 8))
    certificate = on_commit(
        certificate_issue,
        volunteer=volunteer,
        period_start=dt.date(2026, 1, 1),
        period_end=TODAY,
        acting_user=cast.worker,
    )
    certificate.refresh_from_db()
    name = certificate.pdf.name

    def boom(*args, **kwargs):
        raise AssertionError("drawn twice")

    monkeypatch.setattr(certificates_pdf, "draw_certificate", boom)
    assert render_certificate_pdf.delay(certificate.pk).get() == "skipped"
    certificate.refresh_from_db()
    assert (certificate.status, certificate.pdf.name) == (CertificateStatus.READY, name)


def test_a_failure_leaves_it_failed_with_the_reason_and_retry_works(
    cast, monkeypatch, on_commit
):
    volunteer = make_volunteer(cast.community)
    hours(volunteer, community=cast.community, served_on=dt.date(2026, 3, 8))
    attempts = []
    real = certificates_pdf.draw_certificate

    def broken(certificate, **kwargs):
        attempts.append(certificate.pk)
        raise OSError("磁盘已满")

    monkeypatch.setattr(certificates_pdf, "draw_certificate", broken)
    certificate = on_commit(
        certificate_issue,
        volunteer=volunteer,
        period_start=dt.date(2026, 1, 1),
        period_end=TODAY,
        acting_user=cast.worker,
    )

    certificate.refresh_from_db()
    assert len(attempts) == 1  # in process: no retry later (a real worker retries, see the worker tests)
    assert certificate.status == CertificateStatus.FAILED
    assert certificate.error == "OSError: 磁盘已满"
    assert not certificate.pdf

    monkeypatch.setattr(certificates_pdf, "draw_certificate", real)
    on_commit(certificate_retry, certificate=certificate, acting_user=cast.secretary)
    certificate.refresh_from_db()
    assert (certificate.status, certificate.error) == (CertificateStatus.READY, "")
    assert "张晓华" in pdf_text(certificate)


def test_render_reports_the_failure_to_the_task(cast, monkeypatch):
    certificate = CertificateFactory(volunteer=make_volunteer(cast.community))
    monkeypatch.setattr(certificates_pdf, "draw_certificate", lambda *a, **k: 1 / 0)
    with pytest.raises(CertificateRenderError, match="ZeroDivisionError"):
        certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.FAILED


def test_only_a_failed_certificate_can_be_retried(cast, on_commit):
    certificate = CertificateFactory(volunteer=make_volunteer(cast.community), status=CertificateStatus.PENDING)
    with pytest.raises(ValidationError):
        on_commit(certificate_retry, certificate=certificate, acting_user=cast.worker)
    failed = CertificateFactory(volunteer=certificate.volunteer, status=CertificateStatus.FAILED, error="x")
    with pytest.raises(PermissionDenied):
        on_commit(certificate_retry, certificate=failed, acting_user=cast.street_reviewer)


def test_backoff_grows():
    assert [retry_countdown(n) for n in range(3)] == [30, 120, 480]


def test_the_sweep_sends_certificates_left_pending_again(cast):
    volunteer = make_volunteer(cast.community)
    stale = CertificateFactory(volunteer=volunteer, status=CertificateStatus.PENDING)
    Certificate.objects.filter(pk=stale.pk).update(created_at=NOW - dt.timedelta(minutes=30))
    fresh = CertificateFactory(volunteer=volunteer, status=CertificateStatus.PENDING)  # its task may still be queued
    done = CertificateFactory(volunteer=volunteer, status=CertificateStatus.READY)
    Certificate.objects.filter(pk=done.pk).update(created_at=NOW - dt.timedelta(minutes=30))

    assert render_pending_certificates() == 1
    assert Certificate.objects.get(pk=stale.pk).status == CertificateStatus.READY
    assert Certificate.objects.get(pk=fresh.pk).status == CertificateStatus.PENDING
    assert render_pending_certificates() == 0


def test_a_missing_certificate_is_not_an_error():
    assert render_certificate_pdf.delay(987654).get() == "missing"
