"""Certificate pages: staff list, issue, detail, PDF download, 重新生成; the public verification page.

Staff pages: scope first (get_visible_or_404: another community's certificate
or volunteer is 404), then the role (403), then form → service → redirect.
The public page (/certificates/verify/, no account) counts every attempt per
IP and answers a wrong number and a wrong code alike.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import staff_required
from volunteers.forms.certificates import CertificateIssueForm, CertificateVerifyForm
from volunteers.models import Certificate, CertificateStatus, Volunteer
from volunteers.selectors import certificates as selectors
from volunteers.selectors.hours_totals import (
    confirmed_minutes,
    format_hours,
    service_breakdown,
)
from volunteers.services import certificates as services
from xietang.forms import add_service_errors
from xietang.lists import paginate, query_without_page
from xietang.public import over_limit, public_page
from xietang.scoping import get_visible_or_404

PAGE_SIZE = 20
VERIFY_GROUP_IP = "volunteers:certificate-verify-ip"


def _volunteer_page(volunteer: Volunteer, view: str = "volunteer_detail") -> str | None:
    """The volunteer's page, or its edit form where the ID number is added (teams area); None if absent."""
    try:
        return reverse(f"volunteers:{view}", args=[volunteer.pk])
    except NoReverseMatch:
        return None


def _certificate(request: HttpRequest, pk: int) -> Certificate:
    return get_visible_or_404(selectors.certificates_for_list(Certificate.objects.all()), request.user, pk=pk)


# The list


@staff_required
@require_GET
def certificate_list(request: HttpRequest) -> HttpResponse:
    certificate_filter = selectors.certificate_filter(request.GET, user=request.user, request=request)
    page = paginate(request, certificate_filter.qs, PAGE_SIZE)
    return render(
        request,
        "volunteers/certificates/list.html",
        {"filter": certificate_filter, "page": page, "query": query_without_page(request)},
    )


# Issue


def _issue_context(request: HttpRequest, volunteer: Volunteer, form: CertificateIssueForm) -> dict:
    start = form.initial.get("period_start") if not form.is_bound else form.cleaned_data.get("period_start")
    end = form.initial.get("period_end") if not form.is_bound else form.cleaned_data.get("period_end")
    preview = None
    if start and end and start <= end:
        preview = {
            "start": start,
            "end": end,
            "hours": format_hours(confirmed_minutes(volunteer, start, end, community_id=volunteer.community_id)),
            "lines": service_breakdown(volunteer, start, end, community_id=volunteer.community_id),
        }
    return {
        "volunteer": volunteer,
        "form": form,
        "preview": preview,
        "missing_id": not volunteer.id_number.strip(),
        "volunteer_edit_page": _volunteer_page(volunteer, "volunteer_update"),
        "issuer": services.issuer_for(volunteer),
        "certificates": selectors.certificates_of(volunteer),
    }


@staff_required
@require_http_methods(["GET", "POST"])
def certificate_issue(request: HttpRequest) -> HttpResponse:
    """/certificates/new/?volunteer=<pk>; without a volunteer, a search to pick one."""
    volunteer_id = request.GET.get("volunteer", "")
    if not volunteer_id.isdigit():
        if request.method == "POST":
            raise Http404
        query = request.GET.get("q", "")
        return render(
            request,
            "volunteers/certificates/choose.html",
            {"q": query, "volunteers": selectors.volunteers_to_certify(request.user, query)},
        )
    volunteer = get_visible_or_404(Volunteer.objects.select_related("community"), request.user, pk=int(volunteer_id))
    if not services.can_issue_certificate(request.user, volunteer):
        raise PermissionDenied
    if request.method == "GET":
        start, end = services.default_period()
        form = CertificateIssueForm(initial={"period_start": start, "period_end": end})
        return render(request, "volunteers/certificates/issue.html", _issue_context(request, volunteer, form))
    form = CertificateIssueForm(request.POST)
    if form.is_valid():
        try:
            certificate = services.certificate_issue(
                volunteer=volunteer,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("已出具证明 %(number)s,PDF 正在生成,稍候刷新本页即可下载。") % {"number": certificate.number},
            )
            return redirect("volunteers:certificate_detail", pk=certificate.pk)
    return render(request, "volunteers/certificates/issue.html", _issue_context(request, volunteer, form), status=400)


# One certificate


@staff_required
@require_GET
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _certificate(request, pk)
    return render(
        request,
        "volunteers/certificates/detail.html",
        {
            "certificate": certificate,
            "hours": format_hours(certificate.total_minutes),
            "can_retry": certificate.status == CertificateStatus.FAILED
            and services.can_issue_certificate(request.user, certificate.volunteer),
            "volunteer_page": _volunteer_page(certificate.volunteer),
            "verify_path": services.verification_path(certificate),
        },
    )


@staff_required
@require_GET
def certificate_pdf(request: HttpRequest, pk: int) -> FileResponse:
    certificate = _certificate(request, pk)
    if certificate.status != CertificateStatus.READY or not certificate.pdf:
        raise Http404
    try:
        handle = certificate.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    services.certificate_record_download(certificate=certificate, acting_user=request.user)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"志愿服务记录证明_{certificate.number}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_POST
def certificate_retry(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _certificate(request, pk)
    if not services.can_issue_certificate(request.user, certificate.volunteer):
        raise PermissionDenied
    try:
        services.certificate_retry(certificate=certificate, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已重新提交生成,稍候刷新本页即可下载。"))
    return redirect("volunteers:certificate_detail", pk=certificate.pk)


# Public verification


@never_cache
@public_page
@require_GET
def certificate_verify(request: HttpRequest) -> HttpResponse:
    """Number + code (typed, or from the certificate's QR code) → 有效 with the few facts it states, or 未找到."""
    if not request.GET.get("number") and not request.GET.get("code"):
        return render(request, "volunteers/certificates/verify.html", {"form": CertificateVerifyForm()})
    # Every attempt counts, right or wrong: it is the guessing of codes that is limited.
    if over_limit(request, group=VERIFY_GROUP_IP, rate=settings.CERTIFICATE_VERIFY_RATE_IP):
        return render(request, "volunteers/certificates/verify_limited.html", status=429)
    form = CertificateVerifyForm(request.GET)
    certificate = None
    if form.is_valid():
        certificate = selectors.verified_certificate(form.cleaned_data["number"], form.cleaned_data["code"])
    context = {"form": form, "checked": form.is_valid(), "certificate": certificate}
    if certificate is not None:
        context |= {
            "masked_name": selectors.mask_name(certificate.holder_name),
            "hours": format_hours(certificate.total_minutes),
        }
    return render(request, "volunteers/certificates/verify.html", context)
