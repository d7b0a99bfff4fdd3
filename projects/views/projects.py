"""Staff pages of micro-projects (微实事): list, create (blank or from the menu), edit,
detail with one form per lifecycle step, the steps themselves, and the .xlsx export.

Each view: role check → visible_to(user) → form → service → redirect. Out-of-scope
projects answer 404; the lifecycle rules are projects/workflow.py, checked again by
projects.services.projects.project_transition under the row lock.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.audit import audit_record
from accounts.models import AuditAction, User
from accounts.permissions import staff_required
from communities import sheets
from communities.views_sheets import _filter_label, _xlsx_response
from projects import workflow
from projects.forms.projects import ProjectActionForm, ProjectForm
from projects.models import MenuItem, MenuStatus, Project, ProjectAction
from projects.permissions import can_manage_community, can_manage_project
from projects.selectors import projects as selectors
from projects.selectors.progress import figures
from projects.selectors.public import pending_ratings_count
from projects.selectors.work import work_context
from projects.services.projects import project_create as create_project
from projects.services.projects import project_transition, project_update
from xietang.forms import add_service_errors
from xietang.scoping import get_visible_or_404

PAGE_SIZE = 50

# Page slug → lifecycle step, with the words of the button and of the message after it.
ACTIONS: dict[str, tuple[str, str, str]] = {
    "deliberate": (ProjectAction.DELIBERATE, gettext_lazy("提交评议"), gettext_lazy("已提交居民议事评议。")),
    "submit": (ProjectAction.SUBMIT, gettext_lazy("提请立项"), gettext_lazy("已提请街道立项审批。")),
    "approve": (ProjectAction.APPROVE, gettext_lazy("立项"), gettext_lazy("已立项,进入认领筹资。")),
    "return": (ProjectAction.RETURN, gettext_lazy("退回"), gettext_lazy("已退回上一步。")),
    "start": (ProjectAction.START, gettext_lazy("开始实施"), gettext_lazy("已开始实施。")),
    "complete": (ProjectAction.COMPLETE, gettext_lazy("申请验收"), gettext_lazy("已申请验收,等待街道验收。")),
    "accept": (ProjectAction.ACCEPT, gettext_lazy("验收通过"), gettext_lazy("验收通过,进入公示。")),
    "close": (ProjectAction.CLOSE, gettext_lazy("结项"), gettext_lazy("已结项,对应需求已满足。")),
    "cancel": (ProjectAction.CANCEL, gettext_lazy("终止项目"), gettext_lazy("项目已终止。")),
}
SLUG_OF = {action: slug for slug, (action, _label, _done) in ACTIONS.items()}
DANGER = ("return", "cancel")


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _can_create(user: User) -> bool:
    return can_manage_community(user, user.community_id)


def _url_or_none(name: str, pk: int) -> str | None:
    """Links to pages other areas own, shown once their route exists."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


# List


@staff_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    project_filter = selectors.project_filter(request.GET, user=request.user, request=request)
    page = Paginator(project_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for row in rows:
        row.figures = figures(row)
    return render(
        request,
        "projects/projects/list.html",
        {
            "filter": project_filter,
            "page": page,
            "rows": rows,
            "query": _query_without(request, "page"),
            "can_create": _can_create(request.user),
            "pending_ratings": pending_ratings_count(request.user),
        },
    )


# Create and edit


def _menu_item_initial(item: MenuItem) -> dict:
    return {
        "title": item.title,
        "communities": [item.community_id],
        "project_type": item.project_type,
        "category": item.category,
        "description": item.description,
        "needs": [need.pk for need in item.needs.all()],
        "budget": item.estimated_budget or Decimal("0"),
    }


@staff_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _can_create(user):
        raise PermissionDenied
    menu_item = None
    menu_item_pk = request.POST.get("menu_item") if request.method == "POST" else request.GET.get("menu_item")
    if menu_item_pk:
        if not str(menu_item_pk).isdigit():
            raise Http404
        menu_item = get_visible_or_404(MenuItem.objects.prefetch_related("needs"), user, pk=menu_item_pk)
        if menu_item.status != MenuStatus.SHORTLISTED:
            messages.error(
                request, _("「%(title)s」不是入选菜单的候选项目,不能转为项目。") % {"title": menu_item.title}
            )
            return redirect("projects:project_create")
    if request.method == "POST":
        form = ProjectForm(request.POST, user=user)
        if form.is_valid():
            try:
                project = create_project(acting_user=user, menu_item=menu_item, **form.service_fields())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("项目已登记,处于征集阶段。"))
                return redirect("projects:project_detail", pk=project.pk)
    else:
        form = ProjectForm(initial=_menu_item_initial(menu_item) if menu_item else None, user=user)
    return render(request, "projects/projects/form.html", {"form": form, "menu_item": menu_item, "project": None})


@staff_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    project = get_visible_or_404(Project.objects.prefetch_related("communities"), user, pk=pk)
    if not can_manage_project(user, selectors.community_ids(project)):
        raise PermissionDenied
    if project.status not in workflow.EDITABLE_STATES:
        messages.error(
            request,
            _("项目当前状态为「%(status)s」,立项审批后不能再修改项目方案。") % {"status": project.get_status_display()},
        )
        return redirect("projects:project_detail", pk=project.pk)
    form = ProjectForm(request.POST or None, instance=project, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            project_update(acting_user=user, project=project, **form.service_fields())
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("projects:project_detail", pk=project.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("项目方案已保存。"))
            return redirect("projects:project_detail", pk=project.pk)
    return render(request, "projects/projects/form.html", {"form": form, "menu_item": None, "project": project})


# Detail and lifecycle steps


def _detail_context(request: HttpRequest, project: Project, bound: tuple[str, ProjectActionForm] | None = None) -> dict:
    user = request.user
    slugs = [SLUG_OF[action] for action in selectors.available_actions(user, project)]
    forms = {slug: ProjectActionForm(prefix=slug, action=ACTIONS[slug][0]) for slug in slugs}
    if bound is not None:
        forms[bound[0]] = bound[1]
        if bound[0] not in slugs:
            slugs.append(bound[0])
    needs = list(project.needs.select_related("community").order_by("community__code", "pk"))
    for need in needs:
        need.url = _url_or_none("projects:need_detail", need.pk)
    meetings = selectors.meetings_about(project, user)
    for meeting in meetings:
        meeting.url = _url_or_none("projects:meeting_detail", meeting.pk)
    context = {
        "project": project,
        "communities": list(project.communities.all()),
        "figures": figures(project),
        "needs": needs,
        "meetings": meetings,
        "events": selectors.timeline(project),
        "actions": [(slug, ACTIONS[slug][1], forms[slug], slug in DANGER) for slug in slugs],
        "can_edit": selectors.can_edit(user, project),
        "menu_item_url": _url_or_none("projects:menu_item_detail", project.menu_item_id)
        if project.menu_item_id
        else None,
    }
    # The work on the ground (funding, batches, milestones, photos) comes from its own area.
    context.update(work_context(project, user))
    return context


def _get_project(request: HttpRequest, pk: int) -> Project:
    return get_visible_or_404(selectors.project_for_detail(Project.objects.all()), request.user, pk=pk)


@staff_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project(request, pk)
    return render(request, "projects/projects/detail.html", _detail_context(request, project))


@staff_required
@require_POST
def project_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    step, _label, done = spec
    user = request.user
    project = _get_project(request, pk)
    try:
        # The service's order, state then role, so "already approved" wins over "not yours".
        workflow.check_allowed(step, project.status)
        if not selectors.can_act(user, step, project.status, selectors.community_ids(project)):
            raise PermissionDenied
        form = ProjectActionForm(request.POST, prefix=action, action=step)
        if form.is_valid():
            project_transition(acting_user=user, project=project, action=step, note=form.cleaned_data["note"])
            messages.success(request, str(done))
            return redirect("projects:project_detail", pk=project.pk)
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("projects:project_detail", pk=project.pk)
    except ValidationError as exc:
        add_service_errors(form, exc)
    return render(
        request, "projects/projects/detail.html", _detail_context(request, project, bound=(action, form)), status=400
    )


# Export

EXPORT_COLUMNS = (
    # (header, width)
    ("项目名称", 30),
    ("所属社区", 16),
    ("项目类型", 8),
    ("类别", 12),
    ("状态", 10),
    ("预算(元)", 12),
    ("已筹资金(元)", 12),
    ("筹资比例(%)", 10),
    ("进度(%)", 8),
    ("计划开始", 12),
    ("计划完成", 12),
    ("牵头党组织", 24),
    ("书记项目", 8),
)


def _export_row(project: Project) -> list:
    fig = figures(project)
    return [
        project.title,
        "、".join(str(community) for community in project.communities.all()),
        project.get_project_type_display(),
        project.get_category_display(),
        project.get_status_display(),
        project.budget,
        fig.funded,
        fig.funding_percent,
        fig.progress_percent,
        project.planned_start,
        project.planned_end,
        project.lead_organisation.name if project.lead_organisation_id else "",
        _("是") if project.is_secretary_project else "",
    ]


@staff_required
@require_GET
def project_export(request: HttpRequest) -> HttpResponse:
    """The list as .xlsx: same filter, same scope, so the file matches the screen."""
    queryset = selectors.project_filter(request.GET, user=request.user, request=request).qs
    count = queryset.count()
    if count > sheets.EXPORT_MAX_ROWS:
        messages.error(
            request,
            _("当前筛选结果有 %(count)s 个项目,超过单次导出上限 %(max)s 个,请先缩小筛选范围。")
            % {"count": count, "max": sheets.EXPORT_MAX_ROWS},
        )
        query = _query_without(request, "page")
        return redirect(reverse("projects:project_list") + (f"?{query}" if query else ""))
    content, row_count = sheets.write_workbook(
        title="微实事项目",
        headers=[header for header, _width in EXPORT_COLUMNS],
        widths=[width for _header, width in EXPORT_COLUMNS],
        rows=(_export_row(project) for project in queryset),
    )
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=Project,
        object_repr="微实事项目",
        changes={"筛选": _filter_label(request.GET) or "无", "行数": str(row_count)},
    )
    today = timezone.localdate()
    return _xlsx_response(
        sheets.SheetFile(
            content=content,
            filename=f"微实事项目_{today:%Y%m%d}.xlsx",
            ascii_filename=f"projects_{today:%Y%m%d}.xlsx",
            row_count=row_count,
        )
    )
