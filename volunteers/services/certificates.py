"""Writes for service certificates (志愿服务记录证明). DOMAIN.md §6.

民政部《志愿服务记录与证明出具办法(试行)》: a certificate carries name, ID type
and number, volunteer number, hours, content, issuer, handling officer,
certificate number and date; "谁记录谁证明": the issuer is the residents'
committee of the community that recorded the hours (the volunteer's community;
hours recorded by other communities are theirs to certify).

`certificate_issue` takes a snapshot (the figures never change afterwards) and
enqueues the PDF on commit; `certificate_render` (run by the Celery task) draws
it once: a READY certificate is never redrawn. `certificate_retry` puts a
FAILED one back in the queue.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditAction, Role, User
from volunteers.models import Certificate, CertificateStatus, IdType, Volunteer
from volunteers.selectors.hours_totals import (
    confirmed_minutes,
    format_hours,
    service_summary,
)
from xietang.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

NUMBER_PREFIX = "XTZM"
# Attempts at a fresh number when another issue took the same one meanwhile.
NUMBER_ATTEMPTS = 5


class CertificateRenderError(Exception):
    """Drawing or saving the PDF failed; the certificate is FAILED with the reason."""


# Who may issue


def can_issue_certificate(user: User, volunteer: Volunteer) -> bool:
    """社区书记/社区工作者 of the volunteer's community, or 街道管理员 (街道审阅 and 网格员 only read)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.role == Role.STREET_ADMIN:
        return True
    return (
        user.role in (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER) and user.community_id == volunteer.community_id
    )


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """This year to date."""
    today = today or timezone.localdate()
    return dt.date(today.year, 1, 1), today


def format_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def issuer_for(volunteer: Volunteer) -> str:
    return settings.CERTIFICATE_ISSUER_PATTERN.format(community=volunteer.community.name)[:80]


def verification_path(certificate: Certificate) -> str:
    query = urlencode({"number": certificate.number, "code": certificate.verification_code})
    return f"{reverse('volunteers:certificate_verify')}?{query}"


def verification_url(certificate: Certificate) -> str:
    """Absolute when SITE_URL is set (a QR code on paper needs a host), else the path."""
    return f"{settings.SITE_URL}{verification_path(certificate)}"


def verification_page_url() -> str:
    return f"{settings.SITE_URL}{reverse('volunteers:certificate_verify')}"


# Issue


def _check_volunteer(volunteer: Volunteer) -> None:
    if not volunteer.id_number.strip():
        raise ValidationError(
            {
                "volunteer": _(
                    "该志愿者尚未登记证件号码,证明须载明证件类型和号码。请先在志愿者档案中点“修改”补录证件类型和证件号码,再出具证明。"
                )
            }
        )
    if not volunteer.number:
        raise ValidationError({"volunteer": _("该志愿者还没有志愿者编号,请先在志愿者档案中完成注册。")})


def _check_period(period_start: dt.date, period_end: dt.date, today: dt.date) -> None:
    if period_end < period_start:
        raise ValidationError({"period_end": _("截止日期不能早于起始日期。")})
    if period_end > today:
        raise ValidationError({"period_end": _("截止日期不能晚于今天:证明只记载已经发生的服务。")})


def _next_number(year: int) -> str:
    prefix = f"{NUMBER_PREFIX}{year}"
    last = (
        Certificate.objects.filter(number__startswith=prefix, number__regex=rf"^{prefix}\d{{6}}$")
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{serial:06d}"


@transaction.atomic
def certificate_issue(
    *, volunteer: Volunteer, period_start: dt.date, period_end: dt.date, acting_user: User
) -> Certificate:
    """Issue a certificate of the volunteer's confirmed hours in the period; the PDF follows from Celery."""
    volunteer = Volunteer.objects.select_related("community").select_for_update(of=("self",)).get(pk=volunteer.pk)
    if not can_issue_certificate(acting_user, volunteer):
        raise PermissionDenied(_("只有志愿者所在社区的书记、社区工作者或街道管理员可以出具证明。"))
    today = timezone.localdate()
    _check_period(period_start, period_end, today)
    _check_volunteer(volunteer)
    community_id = volunteer.community_id
    minutes = confirmed_minutes(volunteer, period_start, period_end, community_id=community_id)
    if minutes <= 0:
        elsewhere = confirmed_minutes(volunteer, period_start, period_end)
        if elsewhere:
            message = _(
                "%(start)s至%(end)s期间,本社区没有记录该志愿者已确认的服务时长;另有 %(hours)s 小时由其他社区记录,"
                "请由记录的社区出具证明(谁记录谁证明)。"
            ) % {"start": format_date(period_start), "end": format_date(period_end), "hours": format_hours(elsewhere)}
        else:
            message = _("%(start)s至%(end)s期间,该志愿者没有已确认的服务时长(待确认的时长须先由活动组织者确认)。") % {
                "start": format_date(period_start),
                "end": format_date(period_end),
            }
        raise ValidationError({"period_start": message})
    certificate = Certificate(
        volunteer=volunteer,
        period_start=period_start,
        period_end=period_end,
        holder_name=volunteer.name,
        id_type=str(IdType(volunteer.id_type).label) if volunteer.id_type in IdType.values else volunteer.id_type,
        id_number_masked=volunteer.masked_id_number,
        volunteer_number=volunteer.number,
        total_minutes=minutes,
        service_content=service_summary(volunteer, period_start, period_end, community_id=community_id),
        issuer=issuer_for(volunteer),
        handling_officer=acting_user.display_name[:30],
        issued_on=today,
        status=CertificateStatus.PENDING,
        requested_by=acting_user,
    )
    _save_with_fresh_number(certificate, today.year)
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=certificate,
        object_repr=f"志愿服务记录证明 {certificate.number} {volunteer.name}",
        changes={
            "期间": f"{format_date(period_start)}至{format_date(period_end)}",
            "时长": f"{format_hours(minutes)} 小时",
        },
    )
    from volunteers.tasks.certificates import render_certificate_pdf

    enqueue_on_commit(render_certificate_pdf, certificate.pk)
    logger.info("certificate %s issued for volunteer %s by %s", certificate.number, volunteer.pk, acting_user.pk)
    return certificate


def _save_with_fresh_number(certificate: Certificate, year: int) -> None:
    """Take the next free number; if a concurrent issue took it first, the unique index says so: try the next."""
    for attempt in range(NUMBER_ATTEMPTS):
        certificate.number = _next_number(year)
        certificate.full_clean(validate_unique=False, validate_constraints=True)
        try:
            with transaction.atomic():
                certificate.save(force_insert=True)
            return
        except IntegrityError:
            logger.info("certificate number %s taken meanwhile (attempt %s)", certificate.number, attempt + 1)
            certificate.pk = None
    raise ValidationError({"__all__": _("证明编号生成冲突,请稍后重试。")})


# Render (Celery)


@transaction.atomic
def _claim_for_render(certificate_id: int) -> Certificate | None:
    certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
    if certificate.status == CertificateStatus.READY:
        return None
    return certificate


def certificate_render(*, certificate_id: int) -> str:
    """Draw and store the PDF; "ready" when drawn, "skipped" when it already was.

    On failure the certificate is left FAILED with the reason (shown to staff,
    who may press 重新生成) and CertificateRenderError is raised for the task to retry.
    """
    from volunteers.certificates_pdf import draw_certificate

    failure: str | None = None
    with transaction.atomic():
        certificate = _claim_for_render(certificate_id)
        if certificate is None:
            logger.info("certificate %s already rendered; nothing to do", certificate_id)
            return "skipped"
        try:
            content = draw_certificate(certificate, verify_url=verification_url(certificate))
            certificate.pdf.save(f"{certificate.number}.pdf", ContentFile(content), save=False)
        except Exception as exc:  # any drawing or storage error: recorded, never swallowed silently
            failure = f"{type(exc).__name__}: {exc}"[:200]
            logger.exception("certificate %s could not be rendered", certificate.number)
        else:
            certificate.status = CertificateStatus.READY
            certificate.error = ""
            certificate.save(update_fields=["pdf", "status", "error"])
    if failure is not None:
        Certificate.objects.filter(pk=certificate_id).exclude(status=CertificateStatus.READY).update(
            status=CertificateStatus.FAILED, error=failure
        )
        raise CertificateRenderError(failure)
    logger.info("certificate %s rendered", certificate.number)
    return "ready"


@transaction.atomic
def certificate_retry(*, certificate: Certificate, acting_user: User) -> Certificate:
    """重新生成: a FAILED certificate goes back to PENDING and to the queue (same number, same snapshot)."""
    certificate = Certificate.objects.select_for_update().select_related("volunteer").get(pk=certificate.pk)
    if not can_issue_certificate(acting_user, certificate.volunteer):
        raise PermissionDenied(_("只有志愿者所在社区的书记、社区工作者或街道管理员可以重新生成证明。"))
    if certificate.status != CertificateStatus.FAILED:
        raise ValidationError(
            {
                "__all__": _("只有生成失败的证明可以重新生成(当前:%(status)s)。")
                % {"status": CertificateStatus(certificate.status).label}
            }
        )
    certificate.status = CertificateStatus.PENDING
    certificate.error = ""
    certificate.save(update_fields=["status", "error"])
    from volunteers.tasks.certificates import render_certificate_pdf

    enqueue_on_commit(render_certificate_pdf, certificate.pk)
    logger.info("certificate %s re-queued by %s", certificate.number, acting_user.pk)
    return certificate


def certificate_record_download(*, certificate: Certificate, acting_user: User) -> None:
    """A download hands personal data (name, masked ID) out of the system: audited as an export."""
    audit_record(
        actor=acting_user,
        action=AuditAction.EXPORT,
        obj=certificate,
        object_repr=f"志愿服务记录证明 {certificate.number} {certificate.holder_name}",
    )
