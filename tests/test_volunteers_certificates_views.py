"""Certificate pages: list, issue, detail, PDF download, 重新生成, and the public verification page.

Every staff view: happy path, wrong method (405), outsider (404), a role
without the right (403), anonymous (login redirect). The public page: right
and wrong code, the same answer for a wrong number, the rate limit, no extra data.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditLog
from communities.validators import build_id_number
from tests.queries import assert_queries_do_not_grow
from tests.volunteer_factories import (
    ActivityFactory,
    CertificateFactory,
    ServiceHoursFactory,
    SignupFactory,
    VolunteerFactory,
)
from volunteers import certificates_pdf
from volunteers.models import Certificate, CertificateStatus, HoursStatus

pytestmark = pytest.mark.django_db

ID_NUMBER = build_id_number(region="320571", birth=dt.date(1972, 9, 30), serial=77, gender="male")


def volunteer_in(community, **kwargs):
    defaults = {"name": "陈建华", "id_number": ID_NUMBER}
    return VolunteerFactory(community=community, **(defaults | kwargs))


def confirmed(volunteer, community, *, days_ago=3, minutes=120):
    activity = ActivityFactory(community=community)
    signup = SignupFactory(shift__activity=activity, volunteer=volunteer)
    return ServiceHoursFactory(
        signup=signup,
        served_on=timezone.localdate() - dt.timedelta(days=days_ago),
        minutes=minutes,
        status=HoursStatus.CONFIRMED,
    )


def ready_certificate(volunteer, **kwargs):
    """A READY certificate with a real PDF, drawn the way the task draws it."""
    certificate = CertificateFactory(volunteer=volunteer, status=CertificateStatus.PENDING, **kwargs)
    from volunteers.services.certificates import certificate_render

    certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    return certificate


def issue_url(volunteer):
    return f"{reverse('volunteers:certificate_issue')}?volunteer={volunteer.pk}"


# List


def test_list_shows_the_community_s_certificates_only(cast, login):
    mine = CertificateFactory(volunteer=volunteer_in(cast.community), holder_name="陈建华")
    theirs = CertificateFactory(volunteer=volunteer_in(cast.other_community, name="外区人", mobile="13790000001"))

    response = login(cast.worker).get(reverse("volunteers:certificate_list"))

    assert response.status_code == 200
    assert mine.number in response.text and "陈建华" in response.text
    assert theirs.number not in response.text
    street = login(cast.street_reviewer).get(reverse("volunteers:certificate_list"))
    assert mine.number in street.text and theirs.number in street.text


def test_list_filters_by_search_and_status(cast, login):
    volunteer = volunteer_in(cast.community)
    ready = CertificateFactory(volunteer=volunteer, status=CertificateStatus.READY, holder_name="陈建华")
    failed = CertificateFactory(volunteer=volunteer, status=CertificateStatus.FAILED, holder_name="陈建华")
    client = login(cast.worker)
    response = client.get(reverse("volunteers:certificate_list"), {"status": "failed"})
    assert failed.number in response.text and ready.number not in response.text
    response = client.get(reverse("volunteers:certificate_list"), {"q": ready.number})
    assert ready.number in response.text and failed.number not in response.text


def test_list_query_count_does_not_grow(cast, login, django_assert_max_num_queries):
    client = login(cast.street_admin)
    url = reverse("volunteers:certificate_list")

    def add_rows():
        for index in range(6):
            CertificateFactory(volunteer=volunteer_in(cast.community, mobile=f"1378000{index:04d}"))
            CertificateFactory(volunteer=volunteer_in(cast.other_community, mobile=f"1378100{index:04d}"))

    CertificateFactory(volunteer=volunteer_in(cast.community, mobile="13782000000"))
    assert_queries_do_not_grow(lambda: client.get(url), add_rows, ceiling=12)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_list_needs_a_staff_role_and_get(cast, login, client):
    url = reverse("volunteers:certificate_list")
    assert client.get(url).status_code == 302  # anonymous → login
    assert client.get(url).url.startswith(reverse("login"))
    assert login(cast.no_role).get(url).status_code == 403
    assert login(cast.worker).post(url).status_code == 405


# Issue


def test_issue_page_shows_the_preview_and_issuing_makes_the_pdf(cast, login, django_capture_on_commit_callbacks):
    volunteer = volunteer_in(cast.community)
    confirmed(volunteer, cast.community, minutes=150)
    client = login(cast.secretary)

    page = client.get(issue_url(volunteer))
    assert page.status_code == 200
    assert "2.5 小时" in page.text and "斜塘街道莲香社区居民委员会" in page.text

    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            issue_url(volunteer), {"period_start": f"{today.year}-01-01", "period_end": today.isoformat()}
        )

    certificate = Certificate.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("volunteers:certificate_detail", args=[certificate.pk])
    assert certificate.status == CertificateStatus.READY  # in-process Celery
    assert certificate.total_minutes == 150
    detail = client.get(response.url)
    assert certificate.number in detail.text and "下载 PDF" in detail.text


def test_issue_without_id_number_shows_where_to_add_it(cast, login):
    volunteer = volunteer_in(cast.community, id_number="")
    confirmed(volunteer, cast.community)
    client = login(cast.worker)

    page = client.get(issue_url(volunteer))
    assert "去补录证件号码" in page.text
    assert reverse("volunteers:volunteer_update", args=[volunteer.pk]) in page.text

    today = timezone.localdate()
    response = client.post(
        issue_url(volunteer), {"period_start": f"{today.year}-01-01", "period_end": today.isoformat()}
    )
    assert response.status_code == 400
    assert "尚未登记证件号码" in response.text
    assert not Certificate.objects.exists()


def test_issue_without_confirmed_hours_is_refused_on_the_form(cast, login):
    volunteer = volunteer_in(cast.community)
    today = timezone.localdate()
    response = login(cast.worker).post(
        issue_url(volunteer), {"period_start": f"{today.year}-01-01", "period_end": today.isoformat()}
    )
    assert response.status_code == 400
    assert "没有已确认的服务时长" in response.text
    assert not Certificate.objects.exists()


def test_issue_without_a_volunteer_offers_a_search(cast, login):
    volunteer_in(cast.community, name="陈建华")
    volunteer_in(cast.other_community, name="陈外区", mobile="13790000002")
    response = login(cast.worker).get(reverse("volunteers:certificate_issue"), {"q": "陈"})
    assert response.status_code == 200
    assert "陈建华" in response.text and "陈外区" not in response.text
    assert ID_NUMBER not in response.text  # masked


def test_issue_scoping_and_roles(cast, login, client):
    volunteer = volunteer_in(cast.community)
    confirmed(volunteer, cast.community)
    url = issue_url(volunteer)
    assert client.get(url).status_code == 302
    assert login(cast.other_worker).get(url).status_code == 404  # another community's volunteer
    assert login(cast.street_reviewer).get(url).status_code == 403  # reads, does not issue
    assert login(cast.grid_worker).get(url).status_code == 403
    assert login(cast.no_role).get(url).status_code == 403
    assert login(cast.worker).put(url).status_code == 405
    assert not Certificate.objects.exists()


# Detail, download, retry


def test_download_is_the_pdf_and_is_audited(cast, login):
    certificate = ready_certificate(volunteer_in(cast.community))

    response = login(cast.worker).get(reverse("volunteers:certificate_pdf", args=[certificate.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    audit = AuditLog.objects.get(action=AuditAction.EXPORT, object_type="volunteers.certificate")
    assert (audit.actor, audit.object_id) == (cast.worker, str(certificate.pk))


def test_download_and_detail_scoping(cast, login, client):
    certificate = ready_certificate(volunteer_in(cast.community))
    for name in ("certificate_pdf", "certificate_detail"):
        url = reverse(f"volunteers:{name}", args=[certificate.pk])
        client.logout()  # `login` logs in this same client
        assert client.get(url).status_code == 302
        assert login(cast.other_worker).get(url).status_code == 404
        assert login(cast.no_role).get(url).status_code == 403
        assert login(cast.worker).post(url).status_code == 405
        assert login(cast.street_reviewer).get(url).status_code == 200
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT, actor=cast.other_worker).exists()


def test_a_pending_certificate_has_no_download_yet(cast, login):
    certificate = CertificateFactory(volunteer=volunteer_in(cast.community), status=CertificateStatus.PENDING)
    client = login(cast.worker)
    assert client.get(reverse("volunteers:certificate_pdf", args=[certificate.pk])).status_code == 404
    detail = client.get(reverse("volunteers:certificate_detail", args=[certificate.pk]))
    assert "正在生成" in detail.text and 'http-equiv="refresh"' in detail.text


def test_a_failed_certificate_shows_the_reason_and_retry_regenerates_it(
    cast, login, monkeypatch, django_capture_on_commit_callbacks
):
    volunteer = volunteer_in(cast.community)
    confirmed(volunteer, cast.community)
    monkeypatch.setattr(
        certificates_pdf, "draw_certificate", lambda *a, **k: (_ for _ in ()).throw(OSError("存储不可用"))
    )
    client = login(cast.worker)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(issue_url(volunteer), {"period_start": f"{today.year}-01-01", "period_end": today.isoformat()})
    certificate = Certificate.objects.get()
    assert certificate.status == CertificateStatus.FAILED

    detail = client.get(reverse("volunteers:certificate_detail", args=[certificate.pk]))
    assert "OSError: 存储不可用" in detail.text and "重新生成" in detail.text

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("volunteers:certificate_retry", args=[certificate.pk]))
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.READY and certificate.error == ""
    assert client.get(reverse("volunteers:certificate_pdf", args=[certificate.pk])).status_code == 200


def test_retry_scoping_roles_and_method(cast, login, client):
    certificate = CertificateFactory(volunteer=volunteer_in(cast.community), status=CertificateStatus.FAILED, error="x")
    url = reverse("volunteers:certificate_retry", args=[certificate.pk])
    assert client.post(url).status_code == 302 and client.post(url).url.startswith(reverse("login"))
    assert login(cast.other_worker).post(url).status_code == 404
    assert login(cast.street_reviewer).post(url).status_code == 403
    assert login(cast.no_role).post(url).status_code == 403
    assert login(cast.worker).get(url).status_code == 405
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.FAILED


def test_retry_of_a_ready_certificate_says_why_not(cast, login):
    certificate = ready_certificate(volunteer_in(cast.community))
    client = login(cast.worker)
    response = client.post(reverse("volunteers:certificate_retry", args=[certificate.pk]), follow=True)
    assert "只有生成失败的证明可以重新生成" in response.text


# Public verification


def verify(client, **params):
    return client.get(reverse("volunteers:certificate_verify"), params)


def test_verify_shows_valid_with_the_name_masked_and_nothing_else_personal(cast, client):
    volunteer = volunteer_in(cast.community, name="张小华", mobile="13755556666")
    certificate = ready_certificate(
        volunteer, holder_name="张小华", total_minutes=120, id_number_masked="3205**********0031"
    )

    response = verify(client, number=certificate.number, code=certificate.verification_code)

    assert response.status_code == 200
    text = response.text
    assert "有效" in text and "张*华" in text
    assert "张小华" not in text
    assert certificate.volunteer_number in text and "2.0 小时" in text
    assert certificate.issuer in text
    assert f"{certificate.issued_on.year}年{certificate.issued_on.month}月{certificate.issued_on.day}日" in text
    for private in (
        "3205**********0031",
        "13755556666",
        "5556666",
        certificate.service_content,
        certificate.handling_officer,
    ):
        assert private not in text


def test_verify_accepts_lower_case_and_spaces(cast, client):
    certificate = ready_certificate(volunteer_in(cast.community))
    response = verify(client, number=f" {certificate.number.lower()} ", code=certificate.verification_code.lower())
    assert "有效" in response.text


def test_wrong_code_and_wrong_number_get_the_same_answer(cast, client):
    certificate = ready_certificate(volunteer_in(cast.community))
    wrong_code = verify(client, number=certificate.number, code="AAAAAAAA")
    wrong_number = verify(client, number="XTZM2026999999", code=certificate.verification_code)
    for response in (wrong_code, wrong_number):
        assert response.status_code == 200
        assert "未找到" in response.text and "有效" not in response.text
        assert certificate.holder_name not in response.text
    strip = lambda text: text.replace(certificate.number, "").replace("XTZM2026999999", "")  # noqa: E731
    strip_code = lambda text: strip(text).replace("AAAAAAAA", "").replace(certificate.verification_code, "")  # noqa: E731
    assert strip_code(wrong_code.text) == strip_code(wrong_number.text)


def test_a_certificate_not_ready_is_not_found(cast, client):
    for status in (CertificateStatus.PENDING, CertificateStatus.FAILED):
        certificate = CertificateFactory(
            volunteer=volunteer_in(cast.community, mobile=f"1379{len(status):07d}"), status=status
        )
        assert "未找到" in verify(client, number=certificate.number, code=certificate.verification_code).text


def test_verify_form_without_parameters(client):
    response = verify(client)
    assert response.status_code == 200
    assert "证明编号" in response.text and "未找到" not in response.text


def test_verify_is_rate_limited_per_ip_every_attempt_counted(cast, client, settings):
    settings.CERTIFICATE_VERIFY_RATE_IP = "3/h"
    certificate = ready_certificate(volunteer_in(cast.community))
    for _attempt in range(2):
        assert verify(client, number=certificate.number, code="WRONG123").status_code == 200
    assert "有效" in verify(client, number=certificate.number, code=certificate.verification_code).text
    blocked = verify(client, number=certificate.number, code=certificate.verification_code)
    assert blocked.status_code == 429
    assert certificate.holder_name not in blocked.text
    # Another address still gets its answer.
    other = client.get(
        reverse("volunteers:certificate_verify"),
        {"number": certificate.number, "code": certificate.verification_code},
        REMOTE_ADDR="203.0.113.9",
    )
    assert other.status_code == 200


def test_verify_only_answers_get(client):
    assert client.post(reverse("volunteers:certificate_verify")).status_code == 405
