"""Resident import (.xlsx with a dry run) and export of the filtered list."""

from django.http import HttpRequest, HttpResponse

from accounts.permissions import staff_required


@staff_required
def resident_export(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError  # being written: import/export helper


@staff_required
def resident_import(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


@staff_required
def resident_import_review(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError
