"""Staff pages of the work on the ground, under /manage/projects/<pk>/…: funding,
batches, milestones, before/after photos, and the photos themselves.

The forms live on the project page (`_work.html`) and post here; each view is
POST only: scope (404 outside it) → state, then role, in the service's order,
before any upload is decoded → form → service → back to the project page. A
form with errors comes back on a page of its own (400) with what was typed.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.permissions import staff_required
from projects.forms.work import (
    BatchForm,
    ContributionForm,
    ContributionRemoveForm,
    DeliveryForm,
    MilestoneForm,
    MilestoneProgressForm,
    PhotoAfterForm,
    PhotoPairForm,
)
from projects.models import Project
from projects.selectors.projects import project_for_detail
from projects.selectors.work import community_ids, resources_for, units_for
from projects.services import work as services
from projects.workflow import WorkflowError
from xietang.forms import add_service_errors
from xietang.images import stream_photo
from xietang.scoping import get_visible_or_404


def _project(request: HttpRequest, pk: int) -> Project:
    return get_visible_or_404(project_for_detail(Project.objects.all()), request.user, pk=pk)


def _back(project: Project) -> HttpResponse:
    return redirect(reverse("projects:project_detail", args=[project.pk]) + "#work")


def _manager_check(user: User, project: Project) -> None:
    # The service's order: the state first (it tells more than "no permission"), then the role.
    services.check_work_state(project)
    if not services.can_record_work(user, project, community_ids(project)):
        raise PermissionDenied


def _handle(
    request: HttpRequest,
    project: Project,
    *,
    check: Callable[[], None],
    make_form: Callable[[], BaseForm],
    run: Callable[[dict], object],
    done: str,
    heading: str,
    action: str,
) -> HttpResponse:
    try:
        check()
        form = make_form()
        if form.is_valid():
            run(form.cleaned_data)
            messages.success(request, done)
            return _back(project)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return _back(project)
    except ValidationError as exc:
        add_service_errors(form, exc)
    context = {
        "project": project,
        "form": form,
        "heading": heading,
        "action": action,
        # Browsers never send a chosen file twice: say so when one came with a refused form.
        "photos_dropped": bool(request.FILES),
    }
    return render(request, "projects/work/form.html", context, status=400)


# Funding


@staff_required
@require_POST
def contribution_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    project = _project(request, pk)
    ids = community_ids(project)

    def run(data: dict) -> None:
        services.contribution_add(
            acting_user=user,
            project=project,
            source=data["source"],
            unit=data["unit"],
            resource=data["resource"],
            amount=data["amount"] or 0,
            quantity=data["quantity"],
            in_kind=data["in_kind"],
            contributed_on=data["contributed_on"],
            note=data["note"],
        )

    return _handle(
        request,
        project,
        check=lambda: _manager_check(user, project),
        make_form=lambda: ContributionForm(
            request.POST, units=units_for(project, user, ids), resources=resources_for(project, user, ids)
        ),
        run=run,
        done=_("已登记认领与筹资。"),
        heading=_("登记认领与筹资"),
        action=request.path,
    )


@staff_required
@require_POST
def contribution_remove(request: HttpRequest, pk: int, contribution_pk: int) -> HttpResponse:
    user = request.user
    project = _project(request, pk)
    contribution = get_object_or_404(project.contributions.select_related("unit"), pk=contribution_pk)

    def check() -> None:
        services.check_work_state(project)
        if not services.can_remove_contribution(user, project):
            raise PermissionDenied

    return _handle(
        request,
        project,
        check=check,
        make_form=lambda: ContributionRemoveForm(request.POST, prefix=f"remove-{contribution.pk}"),
        run=lambda data: services.contribution_remove(
            acting_user=user, contribution=contribution, reason=data["reason"]
        ),
        done=_("已撤销该认领与筹资记录。"),
        heading=_("撤销认领与筹资记录:%(who)s") % {"who": contribution.contributor_name},
        action=request.path,
    )


# Batches and milestones


@staff_required
@require_POST
def batch_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    project = _project(request, pk)
    return _handle(
        request,
        project,
        check=lambda: _manager_check(user, project),
        make_form=lambda: BatchForm(request.POST),
        run=lambda data: services.batch_add(acting_user=user, project=project, **data),
        done=_("已添加实施批次。"),
        heading=_("添加实施批次"),
        action=request.path,
    )


@staff_required
@require_POST
def batch_delivery(request: HttpRequest, pk: int, batch_pk: int) -> HttpResponse:
    user = request.user
    project = _project(request, pk)
    batch = get_object_or_404(project.batches.all(), pk=batch_pk)
    return _handle(
        request,
        project,
        check=lambda: _manager_check(user, project),
        make_form=lambda: DeliveryForm(request.POST, prefix=f"delivery-{batch.pk}"),
        run=lambda data: services.batch_record_delivery(acting_user=user, batch=batch, **data),
        done=_("已登记%(batch)s完成情况。") % {"batch": batch},
        heading=_("登记%(batch)s完成情况") % {"batch": batch},
        action=request.path,
    )


@staff_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    project = _project(request, pk)
    return _handle(
        request,
        project,
        check=lambda: _manager_check(user, project),
        make_form=lambda: MilestoneForm(request.POST),
        run=lambda data: services.milestone_add(acting_user=user, project=project, **data),
        done=_("已添加实施节点。"),
        heading=_("添加实施节点"),
        action=request.path,
    )


@staff_required
@require_POST
def milestone_progress(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    user = request.user
    project = _project(request, pk)
    milestone = get_object_or_404(project.milestones.all(), pk=milestone_pk)
    return _handle(
        request,
        project,
        check=lambda: _manager_check(user, project),
        make_form=lambda: MilestoneProgressForm(request.POST, prefix=f"progress-{milestone.pk}"),
        run=lambda data: services.milestone_update(acting_user=user, milestone=milestone, **data),
        done=_("已更新节点「%(title)s」进度。") % {"title": milestone.title},
        heading=_("更新节点「%(title)s」进度") % {"title": milestone.title},
        action=request.path,
    )


# Before/after photos


@staff_required
@require_POST
def photo_pair_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    project = _project(request, pk)
    return _handle(
        request,
        project,
        check=lambda: _manager_check(user, project),
        make_form=lambda: PhotoPairForm(request.POST, request.FILES, project=project),
        run=lambda data: services.photo_pair_add(
            acting_user=user,
            project=project,
            caption=data["caption"],
            before=data["before"],
            after=data["after"],
            batch=data.get("batch"),
            milestone=data.get("milestone"),
        ),
        done=_("已上传前后对比照片。"),
        heading=_("上传前后对比照片"),
        action=request.path,
    )


@staff_required
@require_POST
def photo_pair_after(request: HttpRequest, pk: int, pair_pk: int) -> HttpResponse:
    user = request.user
    project = _project(request, pk)
    pair = get_object_or_404(project.photo_pairs.all(), pk=pair_pk)
    return _handle(
        request,
        project,
        check=lambda: _manager_check(user, project),
        make_form=lambda: PhotoAfterForm(request.POST, request.FILES, prefix=f"after-{pair.pk}"),
        run=lambda data: services.photo_pair_add_after(acting_user=user, pair=pair, after=data["after"]),
        done=_("已上传「%(caption)s」实施后照片。") % {"caption": pair.caption},
        heading=_("上传「%(caption)s」实施后照片") % {"caption": pair.caption},
        action=request.path,
    )


@staff_required
@require_POST
def photo_pair_remove(request: HttpRequest, pk: int, pair_pk: int) -> HttpResponse:
    user = request.user
    project = _project(request, pk)
    pair = get_object_or_404(project.photo_pairs.all(), pk=pair_pk)
    try:
        _manager_check(user, project)
        services.photo_pair_remove(acting_user=user, pair=pair)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已删除「%(caption)s」前后对比照片。") % {"caption": pair.caption})
    return _back(project)


PHOTO_FIELDS = {
    ("before", "full"): "before_image",
    ("before", "thumb"): "before_thumbnail",
    ("after", "full"): "after_image",
    ("after", "thumb"): "after_thumbnail",
}


@staff_required
@require_GET
def photo_pair_image(request: HttpRequest, pk: int, pair_pk: int, side: str, size: str) -> FileResponse:
    """Stream a project photo to staff in scope: media is never served directly."""
    name = PHOTO_FIELDS.get((side, size))
    if name is None:
        raise Http404
    project = get_visible_or_404(Project.objects.all(), request.user, pk=pk)
    pair = get_object_or_404(project.photo_pairs.all(), pk=pair_pk)
    return stream_photo(getattr(pair, name))
