"""Resident import (.xlsx with a dry run) and export of the filtered list.

Each view: role check → form or filter → service in communities.sheets → response.
"""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import staff_required
from communities import sheets
from communities.filters import ResidentFilter
from communities.forms_sheets import XLSX_MIME, ResidentImportForm
from communities.models import Resident, ResidentImport
from communities.permissions import can_import_residents
from xietang.scoping import get_visible_or_404


def _content_disposition(sheet_file: sheets.SheetFile) -> str:
    """RFC 6266: an ASCII fallback for old clients, the Chinese name in filename*."""
    return f"attachment; filename=\"{sheet_file.ascii_filename}\"; filename*=UTF-8''{quote(sheet_file.filename)}"


def _xlsx_response(sheet_file: sheets.SheetFile) -> HttpResponse:
    response = HttpResponse(sheet_file.content, content_type=XLSX_MIME)
    response["Content-Disposition"] = _content_disposition(sheet_file)
    return response


def _filter_label(query: QueryDict) -> str:
    """The list filter as people read it (q=王&tags=1), for the audit row."""
    return "&".join(
        f"{key}={value}" for key, values in query.lists() if key != "page" for value in values if value
    )


def _require_import_rights(user) -> None:
    if not can_import_residents(user):
        raise PermissionDenied


@staff_required
@require_GET
def resident_export(request: HttpRequest) -> HttpResponse:
    # The same FilterSet over the same scope as the list page, so the file matches the screen.
    visible = Resident.objects.visible_to(request.user)
    resident_filter = ResidentFilter(request.GET, queryset=visible, request=request)
    try:
        sheet_file = sheets.resident_export(
            acting_user=request.user, residents=resident_filter.qs, filter_label=_filter_label(request.GET)
        )
    except sheets.SheetError as exc:
        messages.error(request, str(exc))
        query = request.GET.urlencode()
        return redirect(reverse("communities:resident_list") + (f"?{query}" if query else ""))
    return _xlsx_response(sheet_file)


@staff_required
@require_GET
def resident_import_template(request: HttpRequest) -> HttpResponse:
    _require_import_rights(request.user)
    return _xlsx_response(sheets.import_template(user=request.user))


@staff_required
@require_http_methods(["GET", "POST"])
def resident_import(request: HttpRequest) -> HttpResponse:
    _require_import_rights(request.user)
    form = ResidentImportForm(request.POST, request.FILES) if request.method == "POST" else ResidentImportForm()
    if request.method == "POST" and form.is_valid():
        try:
            resident_import = sheets.resident_import_check(
                acting_user=request.user, uploaded_file=form.cleaned_data["file"]
            )
        except sheets.SheetError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("communities:resident_import_review", pk=resident_import.pk)
    return render(
        request,
        "communities/resident_import.html",
        {"form": form, "recent_imports": sheets.recent_imports(request.user)},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def resident_import_review(request: HttpRequest, pk: int) -> HttpResponse:
    _require_import_rights(request.user)
    # Only the uploader reviews an import: it holds unmasked ID numbers until applied.
    resident_import = get_visible_or_404(ResidentImport.objects.filter(created_by=request.user), request.user, pk=pk)
    if request.method == "POST":
        try:
            applied = sheets.resident_import_apply(acting_user=request.user, resident_import=resident_import)
        except sheets.SheetError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已导入 %(count)s 名居民。") % {"count": applied.created_count})
        return redirect("communities:resident_import_review", pk=resident_import.pk)
    return render(
        request,
        "communities/resident_import_review.html",
        {
            "resident_import": resident_import,
            "summary": sheets.import_summary(resident_import),
            "preview": sheets.import_preview(resident_import),
            "preview_limit": sheets.PREVIEW_ROWS,
        },
    )
