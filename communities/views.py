"""Staff pages for places, the party tree, residents, co-building units and positions.

Each view: role check → visible_to(user) → form → service → redirect.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import can_reveal_id_number, can_write_residents, staff_required
from communities import selectors, services
from communities.filters import CoBuildingUnitFilter, ResidentFilter, ServicePositionFilter
from communities.forms import CoBuildingUnitForm, ResidentForm, ServicePositionForm
from communities.models import (
    Building,
    CoBuildingUnit,
    Community,
    Compound,
    Grid,
    Household,
    Resident,
    ServicePosition,
)
from communities.permissions import (
    can_edit_co_building_unit,
    can_edit_resident,
    can_edit_service_position,
    can_import_residents,
)
from xietang.lists import paginate, query_without_page
from xietang.scoping import get_visible_or_404

# Places: community → grid → compound → building → household


@staff_required
def community_list(request: HttpRequest) -> HttpResponse:
    communities = selectors.community_list(user=request.user)
    if not request.user.is_street_level and len(communities) == 1:
        return redirect("communities:community_detail", pk=communities[0].pk)
    return render(request, "communities/community_list.html", {"communities": communities})


@staff_required
def community_detail(request: HttpRequest, pk: int) -> HttpResponse:
    community = get_visible_or_404(Community.objects.select_related("street"), request.user, pk=pk)
    return render(
        request,
        "communities/community_detail.html",
        {
            "community": community,
            "grids": selectors.grid_list(user=request.user, community=community),
            "compounds": selectors.compound_list(user=request.user, community=community),
            "coverage": selectors.party_coverage(user=request.user, community=community),
            "organisations": selectors.party_organisations(user=request.user).filter(community=community)[:50],
        },
    )


@staff_required
def grid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grid = get_visible_or_404(Grid.objects.select_related("community", "leader"), request.user, pk=pk)
    return render(
        request,
        "communities/grid_detail.html",
        {
            "grid": grid,
            "workers": grid.workers.all(),
            "buildings": selectors.building_list(user=request.user, grid=grid),
        },
    )


@staff_required
def compound_detail(request: HttpRequest, pk: int) -> HttpResponse:
    compound = get_visible_or_404(Compound.objects.select_related("community"), request.user, pk=pk)
    return render(
        request,
        "communities/compound_detail.html",
        {
            "compound": compound,
            "buildings": selectors.building_list(user=request.user, compound=compound),
            "branches": compound.party_branches.select_related("tier"),
        },
    )


@staff_required
def building_detail(request: HttpRequest, pk: int) -> HttpResponse:
    building = get_visible_or_404(
        Building.objects.select_related("compound__community", "grid", "leader"), request.user, pk=pk
    )
    return render(
        request,
        "communities/building_detail.html",
        {
            "building": building,
            "stairwells": selectors.stairwells_with_households(user=request.user, building=building),
        },
    )


@staff_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(
        Household.objects.select_related("stairwell__building__compound__community", "stairwell__building__grid"),
        request.user,
        pk=pk,
    )
    residents = selectors.residents_for_list(household.residents.visible_to(request.user))
    return render(request, "communities/household_detail.html", {"household": household, "residents": residents})


# Residents


@staff_required
def resident_list(request: HttpRequest) -> HttpResponse:
    visible = Resident.objects.visible_to(request.user)
    resident_filter = ResidentFilter(request.GET, queryset=visible, request=request)
    page = paginate(request, selectors.residents_for_list(resident_filter.qs))
    return render(
        request,
        "communities/resident_list.html",
        {
            "filter": resident_filter,
            "page": page,
            "query": query_without_page(request),
            "can_write": can_write_residents(request.user),
            "can_import": can_import_residents(request.user),
        },
    )


@staff_required
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_visible_or_404(
        selectors.residents_for_list(Resident.objects.select_related("party_member__organisation")),
        request.user,
        pk=pk,
    )
    return render(
        request,
        "communities/resident_detail.html",
        {
            "resident": resident,
            "can_edit": can_edit_resident(request.user, resident),
            "can_reveal": can_reveal_id_number(request.user) and bool(resident.id_number),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def resident_create(request: HttpRequest) -> HttpResponse:
    if not can_write_residents(request.user):
        raise PermissionDenied
    initial = {}
    household_id = request.GET.get("household")
    if household_id and household_id.isdigit():
        household = Household.objects.visible_to(request.user).filter(pk=household_id).first()
        if household:
            initial = {"household": household, "community": household.stairwell.building.compound.community_id}
    form = ResidentForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            resident = services.resident_create(
                acting_user=request.user, tags=list(form.cleaned_data["tags"]), **form.service_fields()
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已登记居民 {resident.name}。")
            return redirect("communities:resident_detail", pk=resident.pk)
    return render(request, "communities/resident_form.html", {"form": form})


@staff_required
@require_http_methods(["GET", "POST"])
def resident_update(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_visible_or_404(Resident.objects.all(), request.user, pk=pk)
    if not can_edit_resident(request.user, resident):
        raise PermissionDenied
    form = ResidentForm(request.POST or None, instance=resident, user=request.user)
    if request.method == "POST" and form.is_valid():
        # The form wrote the cleaned values onto `resident`; reload so the service sees the old ones.
        original = get_visible_or_404(Resident.objects.all(), request.user, pk=pk)
        try:
            services.resident_update(
                acting_user=request.user,
                resident=original,
                tags=list(form.cleaned_data["tags"]),
                **form.service_fields(),
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已保存。")
            return redirect("communities:resident_detail", pk=resident.pk)
    return render(request, "communities/resident_form.html", {"form": form, "resident": resident})


@staff_required
@require_http_methods(["GET", "POST"])
def resident_delete(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_visible_or_404(Resident.objects.all(), request.user, pk=pk)
    if not can_edit_resident(request.user, resident):
        raise PermissionDenied
    if request.method == "POST":
        services.resident_delete(acting_user=request.user, resident=resident)
        messages.success(request, f"已删除居民 {resident.name}。")
        return redirect("communities:resident_list")
    return render(request, "communities/resident_confirm_delete.html", {"resident": resident})


@staff_required
@require_POST
def resident_reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_visible_or_404(
        selectors.residents_for_list(Resident.objects.select_related("party_member__organisation")),
        request.user,
        pk=pk,
    )
    id_number = services.resident_reveal_id_number(acting_user=request.user, resident=resident)
    return render(
        request,
        "communities/resident_detail.html",
        {
            "resident": resident,
            "revealed_id_number": id_number,
            "can_edit": can_edit_resident(request.user, resident),
            "can_reveal": False,
        },
    )


# Party tree


@staff_required
def party_tree(request: HttpRequest) -> HttpResponse:
    organisations = list(selectors.party_organisations(user=request.user))
    children: dict[int | None, list] = {}
    for organisation in organisations:
        children.setdefault(organisation.parent_id, []).append(organisation)
    visible_ids = {o.pk for o in organisations}
    # Roots of the visible forest: no parent, or a parent outside the user's scope.
    roots = [o for o in organisations if o.parent_id is None or o.parent_id not in visible_ids]
    return render(
        request,
        "communities/party_tree.html",
        {"roots": roots, "children": children, "coverage": selectors.party_coverage(user=request.user)},
    )


@staff_required
def party_organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_visible_or_404(
        selectors.party_organisations(user=request.user), request.user, pk=pk
    )
    positions = organisation.positions.select_related("member__resident")
    members = organisation.members.select_related("resident")
    children = selectors.party_organisations(user=request.user).filter(parent=organisation)
    return render(
        request,
        "communities/party_organisation_detail.html",
        {"organisation": organisation, "positions": positions, "members": members, "children": children},
    )


# Co-building units and service positions


@staff_required
def co_building_unit_list(request: HttpRequest) -> HttpResponse:
    units = CoBuildingUnit.objects.visible_to(request.user).prefetch_related("communities")
    unit_filter = CoBuildingUnitFilter(request.GET, queryset=units)
    return render(
        request,
        "communities/co_building_unit_list.html",
        {
            "filter": unit_filter,
            "page": paginate(request, unit_filter.qs),
            "query": query_without_page(request),
            "can_add": can_edit_co_building_unit(request.user, None),
        },
    )


@staff_required
def co_building_unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Imported here: the projects app builds on communities, not the other way round.
    from projects.selectors.lists import unit_resources
    from projects.selectors.work import unit_sponsorships

    unit = get_visible_or_404(CoBuildingUnit.objects.prefetch_related("communities"), request.user, pk=pk)
    return render(
        request,
        "communities/co_building_unit_detail.html",
        {
            "unit": unit,
            "can_edit": can_edit_co_building_unit(request.user, unit),
            # What the unit sponsored (认领), within the projects the user may see.
            "sponsorships": unit_sponsorships(unit, request.user),
            # What it offers on the 资源清单, with the unallocated remainder.
            "unit_resources": unit_resources(unit, request.user),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def co_building_unit_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    unit = get_visible_or_404(CoBuildingUnit.objects.all(), request.user, pk=pk) if pk else None
    if not can_edit_co_building_unit(request.user, unit):
        raise PermissionDenied
    form = CoBuildingUnitForm(request.POST or None, instance=unit, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = services.co_building_unit_save(
            acting_user=request.user, unit=form.instance, communities=list(form.cleaned_data["communities"])
        )
        messages.success(request, f"已保存共建单位 {saved.name}。")
        return redirect("communities:co_building_unit_detail", pk=saved.pk)
    title = f"修改共建单位:{unit.name}" if unit else "新增共建单位"
    return render(request, "communities/object_form.html", {"form": form, "title": title, "cancel_url": (
        reverse("communities:co_building_unit_detail", args=[unit.pk]) if unit
        else reverse("communities:co_building_unit_list"))})


@staff_required
def service_position_list(request: HttpRequest) -> HttpResponse:
    positions = ServicePosition.objects.visible_to(request.user).select_related("community", "grid")
    position_filter = ServicePositionFilter(request.GET, queryset=positions)
    return render(
        request,
        "communities/service_position_list.html",
        {
            "filter": position_filter,
            "page": paginate(request, position_filter.qs),
            "query": query_without_page(request),
            "can_add": can_edit_service_position(request.user, None),
        },
    )


@staff_required
def service_position_detail(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_visible_or_404(ServicePosition.objects.select_related("community", "grid"), request.user, pk=pk)
    return render(
        request,
        "communities/service_position_detail.html",
        {"position": position, "can_edit": can_edit_service_position(request.user, position)},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def service_position_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    position = get_visible_or_404(ServicePosition.objects.all(), request.user, pk=pk) if pk else None
    if not can_edit_service_position(request.user, position):
        raise PermissionDenied
    form = ServicePositionForm(request.POST or None, instance=position, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.service_position_save(acting_user=request.user, position=form.instance)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已保存党群服务阵地 {saved.name}。")
            return redirect("communities:service_position_detail", pk=saved.pk)
    title = f"修改党群服务阵地:{position.name}" if position else "新增党群服务阵地"
    return render(request, "communities/object_form.html", {"form": form, "title": title, "cancel_url": (
        reverse("communities:service_position_detail", args=[position.pk]) if position
        else reverse("communities:service_position_list"))})
