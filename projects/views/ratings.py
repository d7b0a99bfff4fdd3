"""Staff moderation of residents' project ratings (/manage/ratings/).

A rating is shown on the public page only after a staff member publishes it.
Scope: ratings of `Project.objects.visible_to(user)` (others answer 404); who may
decide: `projects.permissions.can_moderate_ratings` (others get 403).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import staff_required
from projects.forms.public import RatingModerationForm
from projects.models import RatingStatus
from projects.permissions import can_moderate_ratings
from projects.selectors import public as selectors
from projects.services.ratings import rating_moderate

PAGE_SIZE = 50


def _tab(value: str | None) -> str:
    return value if value in RatingStatus.values else RatingStatus.PENDING


def _list_url(tab: str) -> str:
    return f"{reverse('projects:rating_list')}?{urlencode({'status': tab})}"


@staff_required
@require_GET
def rating_list(request: HttpRequest) -> HttpResponse:
    """Tabs 待审核 / 已公开 / 不公开; pending ones oldest first, so nobody waits longest."""
    if not selectors.moderates_somewhere(request.user):
        raise PermissionDenied
    tab = _tab(request.GET.get("status"))
    ratings = (
        selectors.ratings_for_moderation(request.user)
        .filter(status=tab)
        .select_related("project", "moderated_by")
        .prefetch_related("project__communities")
        .order_by(*(("created_at", "id") if tab == RatingStatus.PENDING else ("-moderated_at", "-id")))
    )
    page = Paginator(ratings, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.rating_status_counts(request.user)
    return render(
        request,
        "projects/ratings/list.html",
        {
            "page": page,
            "tab": tab,
            "tabs": [(status, label, counts[status]) for status, label in RatingStatus.choices],
            "query": urlencode({"status": tab}),
            "form": RatingModerationForm(),
        },
    )


@staff_required
@require_POST
def rating_moderate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """公开 or 不公开 one rating, with an optional note; back to the tab the user came from."""
    rating = get_object_or_404(selectors.ratings_for_moderation(request.user).select_related("project"), pk=pk)
    if not can_moderate_ratings(request.user, rating.project.communities.values_list("pk", flat=True)):
        raise PermissionDenied
    back = _list_url(_tab(request.POST.get("tab")))
    form = RatingModerationForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(back)
    try:
        rating_moderate(acting_user=request.user, rating=rating, publish=form.publish, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if form.publish:
            messages.success(request, _("已公开「%(title)s」的一条评价。") % {"title": rating.project.title})
        else:
            messages.success(request, _("已设为不公开:「%(title)s」的一条评价。") % {"title": rating.project.title})
    return redirect(back)
