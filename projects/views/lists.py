"""Staff pages for the three lists (三张清单): 需求清单 /needs/, 资源清单 /resources/, 实事菜单 /menu/.

Each view: role check → visible_to(user) → form → service → redirect. Out-of-scope
rows answer 404 (`get_visible_or_404`), a role that may only read answers 403 on
writes. Coordinators of the community write, the street admin anywhere; 网格员 and
街道审阅 read (街道审阅 may also screen the menu, see services.lists.can_screen).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.permissions import staff_required
from projects.forms.lists import (
    DeclineForm,
    MenuItemFilter,
    MenuItemForm,
    NeedEvidenceForm,
    NeedFilter,
    NeedForm,
    ResourceFilter,
    ResourceForm,
    ScreenForm,
    open_needs,
    page_filter,
)
from projects.models import (
    Contribution,
    Meeting,
    MenuItem,
    MenuStatus,
    Need,
    NeedStatus,
    Project,
    Resource,
)
from projects.permissions import can_manage_community
from projects.selectors import lists as selectors
from projects.services import lists as list_services
from projects.workflow import WorkflowError
from resident_requests.models import ResidentRequest
from resident_requests.permissions import is_coordinator
from xietang.forms import add_service_errors
from xietang.lists import paginate, query_without_page
from xietang.scoping import get_visible_or_404

# The place picker posts the form back to refresh its choices; nothing is saved then.
REFRESH_BUTTON = "refresh_places"


def writes_lists(user: User) -> bool:
    """Whether the user writes any community's lists: its coordinators, the street admin."""
    return can_manage_community(user, None) or can_manage_community(user, user.community_id)


def _refused(request: HttpRequest, error: WorkflowError, to: str, pk: int) -> HttpResponse:
    messages.error(request, str(error))
    return redirect(to, pk=pk)


# Needs (需求清单)


@staff_required
@require_GET
def need_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    needs_filter = page_filter(NeedFilter, request, selectors.needs_for_list(Need.objects.visible_to(user)))
    return render(
        request,
        "projects/lists/need_list.html",
        {
            "filter": needs_filter,
            "page": paginate(request, needs_filter.qs),
            "query": query_without_page(request),
            "counts": selectors.open_without_project_counts(user),
            "can_add": writes_lists(user),
            "can_draw_menu": writes_lists(user),
        },
    )


@staff_required
@require_GET
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    need = get_visible_or_404(Need.objects.select_related("community", "compound", "created_by"), user, pk=pk)
    can_edit = can_manage_community(user, need.community_id)
    return render(
        request,
        "projects/lists/need_detail.html",
        {
            "need": need,
            "buildings": need.buildings.select_related("compound").order_by("code"),
            "evidence": selectors.need_evidence(need, user),
            "meetings": Meeting.objects.visible_to(user).filter(needs=need).order_by("-held_at", "-id"),
            "menu_items": MenuItem.objects.visible_to(user).filter(needs=need).order_by("-created_at"),
            "projects": Project.objects.visible_to(user).filter(needs=need).order_by("-created_at"),
            "suggestions": selectors.suggest_resources(need, user),
            "can_edit": can_edit and need.status in list_services.NEED_EDITABLE_STATES,
            "can_decline": can_edit and need.status == NeedStatus.OPEN,
            "can_mark_met": can_edit and need.status in (NeedStatus.OPEN, NeedStatus.PLANNED),
            "can_draw_menu": can_edit and need.status == NeedStatus.OPEN,
            "decline_form": DeclineForm(),
        },
    )


def _need_form_page(request: HttpRequest, form: NeedForm, need: Need | None, status: int = 200) -> HttpResponse:
    return render(request, "projects/lists/need_form.html", {"form": form, "need": need}, status=status)


def _need_fields(form: NeedForm) -> dict:
    data = form.cleaned_data
    return {name: data[name] for name in list_services.NEED_FIELDS}


@staff_required
@require_http_methods(["GET", "POST"])
def need_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not writes_lists(user):
        raise PermissionDenied
    if request.method == "GET" or REFRESH_BUTTON in request.POST:
        initial = {key: request.POST.getlist(key) if key == "buildings" else value for key, value in request.POST.items()}
        return _need_form_page(request, NeedForm(initial=initial, user=user), None)
    form = NeedForm(request.POST, user=user)
    if form.is_valid():
        try:
            need = list_services.need_create(acting_user=user, community=form.cleaned_data["community"], **_need_fields(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记需求「%(title)s」。") % {"title": need.title})
            return redirect("projects:need_detail", pk=need.pk)
    return _need_form_page(request, form, None, status=400)


@staff_required
@require_http_methods(["GET", "POST"])
def need_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    need = get_visible_or_404(Need.objects.select_related("community"), user, pk=pk)
    if not can_manage_community(user, need.community_id):
        raise PermissionDenied
    if need.status not in list_services.NEED_EDITABLE_STATES:
        messages.error(request, _("需求已「%(status)s」,不能再修改。") % {"status": need.get_status_display()})
        return redirect("projects:need_detail", pk=need.pk)
    if request.method == "GET":
        return _need_form_page(request, NeedForm(initial=NeedForm.initial_for(need), user=user, need=need), need)
    if REFRESH_BUTTON in request.POST:
        initial = {key: request.POST.getlist(key) if key == "buildings" else value for key, value in request.POST.items()}
        return _need_form_page(request, NeedForm(initial=initial, user=user, need=need), need)
    form = NeedForm(request.POST, user=user, need=need)
    if form.is_valid():
        try:
            list_services.need_update(acting_user=user, need=need, **_need_fields(form))
        except WorkflowError as error:
            return _refused(request, error, "projects:need_detail", need.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("projects:need_detail", pk=need.pk)
    return _need_form_page(request, form, need, status=400)


@staff_required
@require_http_methods(["GET", "POST"])
def need_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """不予采纳 with a reason; the detail page carries the same form."""
    user = request.user
    need = get_visible_or_404(Need.objects.select_related("community"), user, pk=pk)
    if not can_manage_community(user, need.community_id):
        raise PermissionDenied
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            list_services.need_decline(acting_user=user, need=need, reason=form.cleaned_data["reason"])
        except WorkflowError as error:
            return _refused(request, error, "projects:need_detail", need.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已将需求「%(title)s」标记为不予采纳。") % {"title": need.title})
            return redirect("projects:need_detail", pk=need.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/lists/need_decline.html", {"need": need, "form": form}, status=status)


@staff_required
@require_POST
def need_mark_met(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    need = get_visible_or_404(Need.objects.all(), user, pk=pk)
    if not can_manage_community(user, need.community_id):
        raise PermissionDenied
    try:
        list_services.need_mark_met(acting_user=user, need=need)
    except WorkflowError as error:
        return _refused(request, error, "projects:need_detail", need.pk)
    messages.success(request, _("已将需求「%(title)s」标记为已满足。") % {"title": need.title})
    return redirect("projects:need_detail", pk=need.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def need_evidence(request: HttpRequest) -> HttpResponse:
    """From the request inbox: GET ?ids=1&ids=2 shows the chosen requests and the form; POST links them to a need."""
    ids = [value for value in request.POST.getlist("ids") or request.GET.getlist("ids") if value.isdigit()]
    chosen = list(ResidentRequest.objects.visible_to(request.user).filter(pk__in=ids).select_related("category", "community"))
    communities = {r.community_id for r in chosen}
    if not chosen:
        messages.error(request, _("请先在诉求列表中勾选要列为需求证据的诉求。"))
        return redirect("requests:inbox")
    if len(communities) != 1:
        messages.error(request, _("一次只能把同一社区的诉求列入该社区的需求清单。"))
        return redirect("requests:inbox")
    community = chosen[0].community
    if not is_coordinator(request.user, community.pk if community else None):
        raise PermissionDenied
    needs = open_needs(Need.objects.visible_to(request.user).filter(community=community))
    form = NeedEvidenceForm(request.POST or None, needs=needs)
    if request.method == "POST" and form.is_valid():
        try:
            need = form.cleaned_data["need"] or list_services.need_create(
                acting_user=request.user,
                community=community,
                title=form.cleaned_data["new_title"],
                beneficiaries=form.cleaned_data["beneficiaries"],
            )
            count = list_services.need_add_evidence(acting_user=request.user, need=need, requests=chosen)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("已将 %(count)s 件诉求列为需求「%(title)s」的依据。") % {"count": count, "title": need.title}
            )
            return redirect("requests:inbox")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "projects/need_evidence.html", {"form": form, "chosen": chosen, "community": community}, status=status
    )


# Resources (资源清单)


@staff_required
@require_GET
def resource_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    resources_filter = page_filter(
        ResourceFilter, request, selectors.resources_for_list(Resource.objects.visible_to(user))
    )
    unit = resources_filter.form.cleaned_data.get("provider_unit") if resources_filter.is_valid() else None
    return render(
        request,
        "projects/lists/resource_list.html",
        {
            "filter": resources_filter,
            "page": paginate(request, resources_filter.qs),
            "query": query_without_page(request),
            "unit": unit,
            "can_add": writes_lists(user),
        },
    )


@staff_required
@require_GET
def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    resource = get_visible_or_404(selectors.resources_for_list(Resource.objects.all()), user, pk=pk)
    can_edit = can_manage_community(user, resource.community_id) and not resource.withdrawn
    return render(
        request,
        "projects/lists/resource_detail.html",
        {
            "resource": resource,
            "remaining": selectors.remaining(resource),
            # Allocations to projects the user can see; the remainder counts them all.
            "allocations": Contribution.objects.visible_to(user)
            .filter(resource=resource)
            .select_related("project")
            .order_by("contributed_on", "pk"),
            "can_edit": can_edit,
        },
    )


def _resource_fields(form: ResourceForm) -> dict:
    return {name: form.cleaned_data[name] for name in list_services.RESOURCE_FIELDS}


@staff_required
@require_http_methods(["GET", "POST"])
def resource_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not writes_lists(user):
        raise PermissionDenied
    initial = {"provider_unit": request.GET.get("provider_unit")} if request.GET.get("provider_unit", "").isdigit() else {}
    form = ResourceForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            resource = list_services.resource_create(acting_user=user, **_resource_fields(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记资源「%(title)s」。") % {"title": resource.title})
            return redirect("projects:resource_detail", pk=resource.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/lists/resource_form.html", {"form": form, "resource": None}, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def resource_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    resource = get_visible_or_404(Resource.objects.select_related("provider_unit"), user, pk=pk)
    if not can_manage_community(user, resource.community_id):
        raise PermissionDenied
    if resource.withdrawn:
        messages.error(request, _("资源已撤回,不能再修改。"))
        return redirect("projects:resource_detail", pk=resource.pk)
    form = ResourceForm(request.POST or None, initial=ResourceForm.initial_for(resource), user=user, resource=resource)
    if request.method == "POST" and form.is_valid():
        try:
            list_services.resource_update(acting_user=user, resource=resource, **_resource_fields(form))
        except WorkflowError as error:
            return _refused(request, error, "projects:resource_detail", resource.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("projects:resource_detail", pk=resource.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/lists/resource_form.html", {"form": form, "resource": resource}, status=status)


@staff_required
@require_POST
def resource_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    resource = get_visible_or_404(Resource.objects.all(), user, pk=pk)
    if not can_manage_community(user, resource.community_id):
        raise PermissionDenied
    try:
        list_services.resource_withdraw(acting_user=user, resource=resource)
    except WorkflowError as error:
        return _refused(request, error, "projects:resource_detail", resource.pk)
    messages.success(request, _("已撤回资源「%(title)s」,已分配的部分不受影响。") % {"title": resource.title})
    return redirect("projects:resource_detail", pk=resource.pk)


# The project menu (实事菜单)


@staff_required
@require_GET
def menu_item_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    menu_filter = page_filter(MenuItemFilter, request, selectors.menu_items_for_list(MenuItem.objects.visible_to(user)))
    return render(
        request,
        "projects/lists/menu_item_list.html",
        {
            "filter": menu_filter,
            "page": paginate(request, menu_filter.qs),
            "query": query_without_page(request),
            "can_add": writes_lists(user),
        },
    )


def _project_of(item: MenuItem) -> Project | None:
    try:
        return item.project
    except Project.DoesNotExist:
        return None


@staff_required
@require_GET
def menu_item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = get_visible_or_404(MenuItem.objects.select_related("community", "screened_by", "created_by"), user, pk=pk)
    can_edit = can_manage_community(user, item.community_id)
    project = _project_of(item)
    return render(
        request,
        "projects/lists/menu_item_detail.html",
        {
            "item": item,
            "needs": item.needs.order_by("-created_at"),
            "project": project if project and Project.objects.visible_to(user).filter(pk=project.pk).exists() else None,
            "suggestions": selectors.suggest_resources(item, user),
            "can_edit": can_edit and item.status != MenuStatus.ADOPTED,
            "can_screen": list_services.can_screen(user, item) and item.status in list_services.SCREENABLE_STATES,
            "can_make_project": can_edit and item.status == MenuStatus.SHORTLISTED,
            "screen_form": ScreenForm(),
        },
    )


def _menu_fields(form: MenuItemForm) -> dict:
    return {name: form.cleaned_data[name] for name in list_services.MENU_ITEM_FIELDS}


def _menu_initial(request: HttpRequest, form_needs) -> dict:
    """?needs=1&needs=2 from a need page or the needs list: ticked, title and category from the first."""
    ids = [int(value) for value in request.GET.getlist("needs") if value.isdigit()]
    chosen = {need.pk: need for need in form_needs.filter(pk__in=ids)}
    ordered = [chosen[pk] for pk in dict.fromkeys(ids) if pk in chosen]
    if not ordered:
        return {}
    return {"needs": [need.pk for need in ordered], "title": ordered[0].title, "category": ordered[0].category}


@staff_required
@require_http_methods(["GET", "POST"])
def menu_item_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not writes_lists(user):
        raise PermissionDenied
    form = MenuItemForm(request.POST or None, user=user)
    if request.method == "GET":
        form = MenuItemForm(initial=_menu_initial(request, form.fields["needs"].queryset), user=user)
    elif form.is_valid():
        try:
            item = list_services.menu_item_create(acting_user=user, **_menu_fields(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已将「%(title)s」列入实事菜单,待筛选。") % {"title": item.title})
            return redirect("projects:menu_item_detail", pk=item.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/lists/menu_item_form.html", {"form": form, "item": None}, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def menu_item_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = get_visible_or_404(MenuItem.objects.select_related("community"), user, pk=pk)
    if not can_manage_community(user, item.community_id):
        raise PermissionDenied
    if item.status == MenuStatus.ADOPTED:
        messages.error(request, _("候选项目已转为项目,请在项目中修改。"))
        return redirect("projects:menu_item_detail", pk=item.pk)
    form = MenuItemForm(request.POST or None, initial=MenuItemForm.initial_for(item), user=user, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            list_services.menu_item_update(acting_user=user, item=item, **_menu_fields(form))
        except WorkflowError as error:
            return _refused(request, error, "projects:menu_item_detail", item.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("projects:menu_item_detail", pk=item.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/lists/menu_item_form.html", {"form": form, "item": item}, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def menu_item_screen(request: HttpRequest, pk: int) -> HttpResponse:
    """需求合理、切实可行: both yes → 入选菜单, otherwise 未入选 with the reason."""
    user = request.user
    item = get_visible_or_404(MenuItem.objects.select_related("community"), user, pk=pk)
    if not list_services.can_screen(user, item):
        raise PermissionDenied
    form = ScreenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = list_services.menu_item_screen(acting_user=user, item=item, **form.cleaned_data)
        except WorkflowError as error:
            return _refused(request, error, "projects:menu_item_detail", item.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("筛选结果:%(status)s。") % {"status": item.get_status_display()})
            return redirect("projects:menu_item_detail", pk=item.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/lists/menu_item_screen.html", {"item": item, "form": form}, status=status)
