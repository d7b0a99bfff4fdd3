"""Public project pages (no account): the list of 身边实事, one project's page with its rating form, photos.

DOMAIN.md §4 (公示, 评价) and §10 (elderly-friendly). Only projects in PUBLIC_STATES
exist here: anything else, and any photo of it, answers 404 as if it did not exist.
Progress and funding figures come from `projects.selectors.progress` via the public
selectors; nothing is computed in this module.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from projects.forms.public import ProjectRatingForm, PublicProjectFilter
from projects.models import APPROVED_STATES, Project
from projects.selectors import public as selectors
from projects.selectors.progress import figures
from projects.services.ratings import rating_submit
from xietang.forms import add_service_errors
from xietang.images import stream_photo
from xietang.public import HONEYPOT, over_limit, public_page

PAGE_SIZE = 20
RATING_GROUP_IP = "projects:rating-ip"
PHOTO_SIZES = ("thumb", "full")
# A withdrawn photo (staff untick 公开) must not linger long in a browser or proxy.
PHOTO_MAX_AGE = 600


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "projects/public/not_found.html", status=404)


# The list


@public_page
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    filterset = PublicProjectFilter(request.GET, queryset=selectors.public_projects(), years=selectors.public_years())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/public/list.html",
        {
            "filter_form": filterset.form,
            "page": page,
            "cards": selectors.project_cards(page.object_list),
            "query": query.urlencode(),
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
        },
    )


# One project


def _detail_context(project: Project, rating_form: ProjectRatingForm | None) -> dict:
    result = figures(project)
    batches, loose_pairs = selectors.public_batches_and_pairs(project)
    rateable = selectors.is_rateable(project)
    return {
        "project": project,
        "communities": list(project.communities.all()),
        "figures": result,
        "progress_label": selectors.progress_label(project, result),
        "under_way": project.status in APPROVED_STATES,
        "budget_text": selectors.format_yuan(result.budget),
        "funded_text": selectors.format_yuan(result.funded),
        "needs": selectors.public_needs(project),
        "contributions": selectors.public_contributions(project),
        "batches": batches,
        "milestones": [] if project.measures_quantity else selectors.public_milestones(project),
        "loose_pairs": loose_pairs,
        "meetings": selectors.public_meetings(project),
        "steps": selectors.public_steps(project),
        "ratings": selectors.rating_summary(project),
        "rateable": rateable,
        "rating_form": (rating_form or ProjectRatingForm()) if rateable else None,
        "honeypot": HONEYPOT,
    }


def _too_many(request: HttpRequest, project: Project) -> HttpResponse:
    return render(request, "projects/public/rate_limited.html", {"project": project}, status=429)


@never_cache
@public_page
@require_http_methods(["GET", "POST"])
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The project page; POST is the resident's rating (once accepted), shown after moderation."""
    project = selectors.public_project(pk)
    if project is None:
        return _not_found(request)
    rating_form = None
    if request.method == "POST":
        page_url = reverse("projects:public_detail", args=[project.pk])
        if not selectors.is_rateable(project):
            messages.error(request, _("项目验收通过后才能评价,请耐心等待。"))
            return redirect(page_url)
        if request.POST.get(HONEYPOT):
            # Filled only by bots: nothing is saved, and the answer gives nothing away.
            return render(request, "projects/public/refused.html", {"project": project}, status=400)
        rating_form = ProjectRatingForm(request.POST)
        if rating_form.is_valid():
            # Only valid ratings count: a resident correcting a typo is not a flood.
            if over_limit(request, group=RATING_GROUP_IP, rate=settings.PROJECT_RATING_RATE_IP):
                return _too_many(request, project)
            try:
                rating_submit(
                    project=project,
                    mobile=rating_form.cleaned_data["mobile"],
                    stars=rating_form.cleaned_data["stars"],
                    comment=rating_form.cleaned_data["comment"],
                )
            except ValidationError as error:
                add_service_errors(rating_form, error)
            else:
                messages.success(request, _("感谢您的评价!工作人员审核后会在本页公开。"))
                return redirect(f"{page_url}#ratings")
    status = 400 if rating_form is not None and rating_form.errors else 200
    return render(request, "projects/public/detail.html", _detail_context(project, rating_form), status=status)


# Photos


def _stream(stored) -> FileResponse:
    return stream_photo(stored, public=True, max_age=PHOTO_MAX_AGE)


@require_GET
def pair_photo(request: HttpRequest, pk: int, side: str, size: str) -> FileResponse:
    """A before or after photo of a public project, streamed by Django (media is never served directly)."""
    if side not in ("before", "after") or size not in PHOTO_SIZES:
        raise Http404
    pair = selectors.public_pair(pk)
    if pair is None:
        raise Http404
    return _stream(getattr(pair, f"{side}_image" if size == "full" else f"{side}_thumbnail"))


@require_GET
def meeting_photo(request: HttpRequest, pk: int, size: str) -> FileResponse:
    """A meeting photo staff marked public, shown with the meeting's public summary on a public project."""
    if size not in PHOTO_SIZES:
        raise Http404
    photo = selectors.public_meeting_photo(pk)
    if photo is None:
        raise Http404
    return _stream(photo.image if size == "full" else photo.thumbnail)
