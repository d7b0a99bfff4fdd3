"""Staff pages for the new employment groups (/new-employment/): the registry of couriers,
riders and drivers with counts by company and kind, 暖心驿站 with their amenities, care
activities, and enlisting a worker as a 随手拍 reporter. DOMAIN.md §7.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import staff_required
from communities.models import PositionType, ServicePosition
from volunteers.filters import WorkerFilter, page_filter
from volunteers.forms.new_employment import AmenityForm, WorkerForm
from volunteers.models import NewEmploymentWorker
from volunteers.permissions import can_manage_any, can_manage_community
from volunteers.selectors import new_employment as selectors
from volunteers.services import new_employment as services
from xietang.forms import add_service_errors
from xietang.lists import paginate, query_without_page
from xietang.scoping import get_visible_or_404

FORM_TEMPLATE = "volunteers/teams/form.html"


def _form_page(request: HttpRequest, form, heading: str, back: str, status: int = 200) -> HttpResponse:
    context = {"form": form, "heading": heading, "back": back, "action": request.path}
    return render(request, FORM_TEMPLATE, context, status=status)


@staff_required
@require_GET
def worker_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible = NewEmploymentWorker.objects.visible_to(user)
    filterset = page_filter(WorkerFilter, request, selectors.workers_for_list(visible))
    return render(
        request,
        "volunteers/new_employment/list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "query": query_without_page(request),
            "by_company": selectors.counts_by_company(filterset.qs),
            "by_kind": selectors.counts_by_kind(filterset.qs),
            "total": filterset.qs.count(),
            "care_activities": selectors.care_activities(user),
            "can_add": can_manage_any(user),
        },
    )


def _worker_data(form: WorkerForm) -> dict:
    return {name: form.cleaned_data[name] for name in services.WORKER_FIELDS}


@staff_required
@require_http_methods(["GET", "POST"])
def worker_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_manage_any(user):
        raise PermissionDenied
    form = WorkerForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            worker = services.worker_register(acting_user=user, community=form.cleaned_data["community"], **_worker_data(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记 %(name)s。") % {"name": worker.name})
            return redirect("volunteers:worker_detail", pk=worker.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, _("登记新就业群体"), reverse("volunteers:worker_list"), status)


def _worker(request: HttpRequest, pk: int) -> NewEmploymentWorker:
    return get_visible_or_404(selectors.workers_for_list(NewEmploymentWorker.objects.all()), request.user, pk=pk)


@staff_required
@require_GET
def worker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    worker = _worker(request, pk)
    snap_url = None
    if worker.reporter_id and worker.reporter.is_active:
        snap_url = request.build_absolute_uri(reverse("requests:snap", args=[worker.reporter.token]))
    return render(
        request,
        "volunteers/new_employment/detail.html",
        {"worker": worker, "snap_url": snap_url, "can_edit": can_manage_community(request.user, worker.community_id)},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def worker_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    worker = _worker(request, pk)
    if not can_manage_community(user, worker.community_id):
        raise PermissionDenied
    back = reverse("volunteers:worker_detail", args=[worker.pk])
    heading = _("修改登记:%(name)s") % {"name": worker.name}
    if request.method == "GET":
        initial = {name: getattr(worker, name) for name in services.WORKER_FIELDS}
        return _form_page(request, WorkerForm(initial=initial, user=user, editing=True), heading, back)
    form = WorkerForm(request.POST, user=user, editing=True)
    if form.is_valid():
        try:
            services.worker_update(acting_user=user, worker=worker, **_worker_data(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect(back)
    return _form_page(request, form, heading, back, 400)


@staff_required
@require_POST
def worker_enlist(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    worker = _worker(request, pk)
    if not can_manage_community(user, worker.community_id):
        raise PermissionDenied
    try:
        worker = services.worker_enlist_reporter(acting_user=user, worker=worker)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(name)s 已登记为随手拍报告人,请把下方的专属链接发给本人。") % {"name": worker.name}
        )
    return redirect("volunteers:worker_detail", pk=worker.pk)


# 暖心驿站


@staff_required
@require_GET
def station_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    stations = [(station, can_manage_community(user, station.community_id)) for station in selectors.warm_stations(user)]
    return render(request, "volunteers/new_employment/stations.html", {"stations": stations, "amenity_form": AmenityForm()})


def _station_for_edit(request: HttpRequest, pk: int) -> ServicePosition:
    station = get_visible_or_404(
        ServicePosition.objects.filter(position_type=PositionType.WARM_STATION), request.user, pk=pk
    )
    if not can_manage_community(request.user, station.community_id):
        raise PermissionDenied
    return station


@staff_required
@require_POST
def amenity_add(request: HttpRequest, pk: int) -> HttpResponse:
    station = _station_for_edit(request, pk)
    form = AmenityForm(request.POST)
    if form.is_valid():
        try:
            services.amenity_add(acting_user=request.user, station=station, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已为「%(name)s」添加服务。") % {"name": station.name})
            return redirect("volunteers:station_list")
    heading = _("添加驿站服务:%(name)s") % {"name": station.name}
    return _form_page(request, form, heading, reverse("volunteers:station_list"), 400)


@staff_required
@require_POST
def amenity_remove(request: HttpRequest, pk: int, amenity_pk: int) -> HttpResponse:
    station = _station_for_edit(request, pk)
    amenity = get_object_or_404(station.amenities.all(), pk=amenity_pk)
    services.amenity_remove(acting_user=request.user, amenity=amenity)
    messages.success(request, _("已移除「%(name)s」的%(amenity)s服务。") % {"name": station.name, "amenity": amenity.get_amenity_display()})
    return redirect("volunteers:station_list")
