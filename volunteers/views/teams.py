"""Staff pages for teams (/volunteers/teams/) and volunteers (/volunteers/), and the public
team pages (/serve/teams/). DOMAIN.md §6.

Each view: role check → visible_to(user) → form → service → redirect. Out-of-scope rows
answer 404 (`get_visible_or_404`), a role that only reads (网格员, 街道审阅) 403 on writes.
Forms posted from a detail page come back on a page of their own (400) when refused.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can_reveal_id_number, staff_required
from communities.models import Resident
from volunteers.calendars import volunteer_calendar_url
from volunteers.filters import TeamFilter, VolunteerFilter, page_filter
from volunteers.forms.teams import (
    AwardForm,
    DeliveryForm,
    EvaluationForm,
    MemberAddForm,
    MemberRoleForm,
    PointsAdjustForm,
    TeamForm,
    TeamServiceForm,
    TrainingForm,
    VolunteerForm,
)
from volunteers.models import Certificate, Team, TeamService, Volunteer
from volunteers.permissions import (
    can_adjust_points,
    can_manage_any,
    can_manage_community,
)
from volunteers.selectors import points as point_selectors
from volunteers.selectors import teams as selectors
from volunteers.services import teams as services
from volunteers.services.certificates import can_issue_certificate
from xietang.forms import add_service_errors
from xietang.lists import paginate, query_without_page
from xietang.public import public_page
from xietang.scoping import get_visible_or_404

PUBLIC_PAGE_SIZE = 20
FORM_TEMPLATE = "volunteers/teams/form.html"




def _back_url(back) -> str:
    if isinstance(back, Team):
        return reverse("volunteers:team_detail", args=[back.pk])
    if isinstance(back, Volunteer):
        return reverse("volunteers:volunteer_detail", args=[back.pk])
    return reverse(back)


def _form_page(request: HttpRequest, form, *, heading: str, back, status: int = 200, **extra) -> HttpResponse:
    """The page of one form: a create/edit page, or a refused form posted from a detail page."""
    context = {"form": form, "heading": heading, "back": _back_url(back), "action": request.path, **extra}
    return render(request, FORM_TEMPLATE, context, status=status)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# Teams


@staff_required
@require_GET
def team_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset = page_filter(TeamFilter, request, selectors.teams_for_list(Team.objects.visible_to(user)))
    return render(
        request,
        "volunteers/teams/list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "query": query_without_page(request),
            "can_add": can_manage_any(user),
        },
    )


def _team_data(form: TeamForm) -> dict:
    return {name: form.cleaned_data[name] for name in services.TEAM_FIELDS if name in form.cleaned_data}


@staff_required
@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require(can_manage_any(user))
    form = TeamForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(acting_user=user, community=form.cleaned_data["community"], **_team_data(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已新建队伍「%(name)s」。") % {"name": team.name})
            return redirect("volunteers:team_detail", pk=team.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, heading=_("新建队伍"), back="volunteers:team_list", status=status)


@staff_required
@require_GET
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    team = get_visible_or_404(selectors.teams_for_list(Team.objects.all()), user, pk=pk)
    can_edit = can_manage_community(user, team.community_id)
    return render(
        request,
        "volunteers/teams/detail.html",
        {
            "team": team,
            "members": selectors.team_members(team),
            "former_members": selectors.team_former_members(team),
            "services": [(service, selectors.price_label(service)) for service in team.services.all()],
            "monthly": selectors.monthly_delivery_totals(team),
            "deliveries": selectors.recent_deliveries(team),
            "can_edit": can_edit,
            "member_form": MemberAddForm(user=user),
            "delivery_form": DeliveryForm(),
            "role_form": MemberRoleForm(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def team_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    team = get_visible_or_404(Team.objects.all(), user, pk=pk)
    _require(can_manage_community(user, team.community_id))
    if request.method == "GET":
        initial = {name: getattr(team, name) for name in services.TEAM_FIELDS}
        form = TeamForm(initial=initial, user=user, editing=True)
        return _form_page(request, form, heading=_("修改队伍:%(name)s") % {"name": team.name}, back=team)
    form = TeamForm(request.POST, user=user, editing=True)
    if form.is_valid():
        try:
            services.team_update(acting_user=user, team=team, **_team_data(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("volunteers:team_detail", pk=team.pk)
    return _form_page(request, form, heading=_("修改队伍:%(name)s") % {"name": team.name}, back=team, status=400)


def _team_for_edit(request: HttpRequest, pk: int) -> Team:
    team = get_visible_or_404(Team.objects.all(), request.user, pk=pk)
    _require(can_manage_community(request.user, team.community_id))
    return team


@staff_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    team = _team_for_edit(request, pk)
    form = MemberAddForm(request.POST, user=user)
    if form.is_valid():
        try:
            membership = services.membership_add(acting_user=user, team=team, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已将 %(name)s 加入队伍。") % {"name": membership.volunteer.name})
            return redirect("volunteers:team_detail", pk=team.pk)
    return _form_page(request, form, heading=_("添加队员:%(name)s") % {"name": team.name}, back=team, status=400)


@staff_required
@require_POST
def member_role(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    user = request.user
    team = _team_for_edit(request, pk)
    membership = get_object_or_404(team.memberships.select_related("volunteer"), pk=membership_pk)
    form = MemberRoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set_role(acting_user=user, membership=membership, role=form.cleaned_data["role"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已更新 %(name)s 的队内职务。") % {"name": membership.volunteer.name})
    else:
        messages.error(request, _("请选择队内职务。"))
    return redirect("volunteers:team_detail", pk=team.pk)


@staff_required
@require_POST
def member_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    user = request.user
    team = _team_for_edit(request, pk)
    membership = get_object_or_404(team.memberships.select_related("volunteer"), pk=membership_pk)
    try:
        services.membership_remove(acting_user=user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s 已退出队伍。") % {"name": membership.volunteer.name})
    return redirect("volunteers:team_detail", pk=team.pk)


SERVICE_FORM_FIELDS = ("title", "description", "beneficiaries", "schedule", "price_type", "price", "unit", "is_active")


@staff_required
@require_http_methods(["GET", "POST"])
def service_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    team = _team_for_edit(request, pk)
    form = TeamServiceForm(request.POST or None, initial={"unit": "份", "is_active": True})
    heading = _("新增产消者服务:%(name)s") % {"name": team.name}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.team_service_create(
                acting_user=user,
                team=team,
                title=data.pop("title"),
                beneficiaries=data.pop("beneficiaries"),
                schedule=data.pop("schedule"),
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已新增服务项目。"))
            return redirect("volunteers:team_detail", pk=team.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, heading=heading, back=team, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def service_update(request: HttpRequest, pk: int, service_pk: int) -> HttpResponse:
    user = request.user
    team = _team_for_edit(request, pk)
    service = get_object_or_404(TeamService.objects.filter(team=team), pk=service_pk)
    form = TeamServiceForm(request.POST or None, instance=service if request.method == "GET" else None)
    heading = _("修改服务项目:%(title)s") % {"title": service.title}
    if request.method == "POST" and form.is_valid():
        try:
            services.team_service_update(acting_user=user, service=service, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("volunteers:team_detail", pk=team.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, heading=heading, back=team, status=status)


@staff_required
@require_POST
def delivery_add(request: HttpRequest, pk: int, service_pk: int) -> HttpResponse:
    user = request.user
    team = _team_for_edit(request, pk)
    service = get_object_or_404(TeamService.objects.filter(team=team).select_related("team"), pk=service_pk)
    form = DeliveryForm(request.POST)
    if form.is_valid():
        try:
            services.service_delivery_add(acting_user=user, service=service, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记「%(title)s」的服务记录。") % {"title": service.title})
            return redirect("volunteers:team_detail", pk=team.pk)
    return _form_page(request, form, heading=_("登记服务记录:%(title)s") % {"title": service.title}, back=team, status=400)


# Volunteers


@staff_required
@require_GET
def volunteer_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset = page_filter(VolunteerFilter, request, selectors.volunteers_for_list(Volunteer.objects.visible_to(user)))
    return render(
        request,
        "volunteers/volunteers/list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "query": query_without_page(request),
            "can_add": can_manage_any(user),
        },
    )


def _resident_matches(request: HttpRequest):
    """The register page's resident search (name or mobile), residents not yet volunteers."""
    term = (request.GET.get("find") or "").strip()
    if not term:
        return term, []
    residents = Resident.objects.visible_to(request.user).filter(volunteer__isnull=True)
    residents = residents.filter(Q(name__icontains=term) | Q(mobile__endswith=term)).select_related("community")
    return term, list(residents.order_by("name")[:20])


@staff_required
@require_http_methods(["GET", "POST"])
def volunteer_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require(can_manage_any(user))
    resident = None
    if request.method == "GET":
        initial = {}
        if request.GET.get("resident", "").isdigit():
            resident = get_visible_or_404(Resident.objects.all(), user, pk=int(request.GET["resident"]))
            initial = {"resident": resident.pk, "community": resident.community_id, "name": resident.name, "mobile": resident.mobile}
        form = VolunteerForm(initial=initial, user=user)
    else:
        form = VolunteerForm(request.POST, user=user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            resident = data.get("resident")
            try:
                volunteer = services.volunteer_register(acting_user=user, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("已登记志愿者 %(name)s,编号 %(number)s。") % {"name": volunteer.name, "number": volunteer.number}
                )
                return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    term, matches = _resident_matches(request)
    return render(
        request,
        "volunteers/volunteers/register.html",
        {"form": form, "resident": resident, "find": term, "matches": matches},
        status=400 if request.method == "POST" else 200,
    )


def _volunteer_context(request: HttpRequest, volunteer: Volunteer, **extra) -> dict:
    user = request.user
    can_edit = can_manage_community(user, volunteer.community_id)
    return {
        "volunteer": volunteer,
        "memberships": selectors.volunteer_memberships(volunteer),
        "trainings": volunteer.trainings.all(),
        "awards": volunteer.awards.all(),
        "evaluations": volunteer.evaluations.select_related("evaluated_by"),
        "hours": selectors.hours_summary(volunteer),
        "recent_hours": selectors.recent_hours(volunteer),
        "ledger": point_selectors.ledger(volunteer),
        "certificates": Certificate.objects.filter(volunteer=volunteer).order_by("-created_at"),
        "can_edit": can_edit,
        "can_reveal": bool(volunteer.id_number) and can_reveal_id_number(user),
        "can_adjust": can_adjust_points(user, volunteer.community_id),
        "can_certify": can_issue_certificate(user, volunteer),
        "calendar_url": volunteer_calendar_url(volunteer),
        "training_form": TrainingForm(),
        "award_form": AwardForm(),
        "evaluation_form": EvaluationForm(),
        "adjust_form": PointsAdjustForm(),
        **extra,
    }


def _volunteer(request: HttpRequest, pk: int) -> Volunteer:
    return get_visible_or_404(Volunteer.objects.select_related("community", "resident", "co_building_unit"), request.user, pk=pk)


@staff_required
@require_GET
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = _volunteer(request, pk)
    return render(request, "volunteers/volunteers/detail.html", _volunteer_context(request, volunteer))


@never_cache
@staff_required
@require_POST
def volunteer_reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = _volunteer(request, pk)
    id_number = services.volunteer_reveal_id_number(acting_user=request.user, volunteer=volunteer)
    context = _volunteer_context(request, volunteer, revealed_id_number=id_number, can_reveal=False)
    return render(request, "volunteers/volunteers/detail.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def volunteer_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    volunteer = _volunteer(request, pk)
    _require(can_manage_community(user, volunteer.community_id))
    heading = _("修改志愿者:%(name)s") % {"name": volunteer.name}
    if request.method == "GET":
        initial = {name: getattr(volunteer, name) for name in services.VOLUNTEER_FIELDS if name != "id_number"}
        return _form_page(request, VolunteerForm(initial=initial, user=user, editing=True), heading=heading, back=volunteer)
    form = VolunteerForm(request.POST, user=user, editing=True)
    if form.is_valid():
        try:
            services.volunteer_update(acting_user=user, volunteer=volunteer, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return _form_page(request, form, heading=heading, back=volunteer, status=400)


def _record_add(request: HttpRequest, pk: int, form_class, service, *, heading: str, done: str) -> HttpResponse:
    user = request.user
    volunteer = _volunteer(request, pk)
    _require(can_manage_community(user, volunteer.community_id))
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(acting_user=user, volunteer=volunteer, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return _form_page(request, form, heading=f"{heading}:{volunteer.name}", back=volunteer, status=400)


@staff_required
@require_POST
def training_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_add(request, pk, TrainingForm, services.training_add, heading=_("登记培训"), done=_("已登记培训记录。"))


@staff_required
@require_POST
def award_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_add(request, pk, AwardForm, services.award_add, heading=_("登记表彰奖励"), done=_("已登记表彰奖励。"))


@staff_required
@require_POST
def evaluation_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_add(request, pk, EvaluationForm, services.evaluation_add, heading=_("登记服务评价"), done=_("已登记服务评价。"))


# Public team pages (no account)


@public_page
@require_GET
def public_team_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.public_teams(), PUBLIC_PAGE_SIZE)
    return render(
        request,
        "volunteers/public_teams/list.html",
        {"page": page, "cards": [(team, selectors.leader_label(team)) for team in page.object_list], "query": ""},
    )


@public_page
@require_GET
def public_team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = selectors.public_team(pk)
    if team is None:
        return render(request, "volunteers/public_teams/not_found.html", status=404)
    return render(
        request,
        "volunteers/public_teams/detail.html",
        {
            "team": team,
            "leader": selectors.leader_label(team),
            "services": selectors.public_services(team),
            "activities": selectors.upcoming_public_activities(team),
        },
    )
