"""Needs list (需求清单) pages: for now, marking resident requests as evidence for a need."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import staff_required
from projects import services
from projects.forms.lists import NeedEvidenceForm, open_needs
from projects.models import Need
from resident_requests.models import ResidentRequest
from resident_requests.permissions import is_coordinator
from xietang.forms import add_service_errors


@staff_required
@require_http_methods(["GET", "POST"])
def need_evidence(request: HttpRequest) -> HttpResponse:
    """GET ?ids=1&ids=2 shows the chosen requests and the form; POST links them to a need."""
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
            need = form.cleaned_data["need"] or services.need_create(
                acting_user=request.user,
                community=community,
                title=form.cleaned_data["new_title"],
                beneficiaries=form.cleaned_data["beneficiaries"],
            )
            count = services.need_add_evidence(acting_user=request.user, need=need, requests=chosen)
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
