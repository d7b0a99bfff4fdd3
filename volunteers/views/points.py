"""Staff pages for points: the manual adjustment (on the volunteer page) and the community
积分超市 (/volunteers/rewards/): items, redeeming at the counter, the redemption history.

Every change of a balance goes through `volunteers.services.points`; its errors
(余额不足, 库存不足) come back under the form's fields.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import staff_required
from communities.models import Community
from volunteers.forms.teams import PointsAdjustForm, RedeemForm, RewardItemForm
from volunteers.models import RewardItem, Volunteer
from volunteers.permissions import (
    can_adjust_points,
    can_manage_any,
    can_manage_community,
)
from volunteers.selectors import points as selectors
from volunteers.services import points as services
from xietang.forms import add_service_errors
from xietang.scoping import get_visible_or_404

FORM_TEMPLATE = "volunteers/teams/form.html"
HISTORY_SIZE = 50


@staff_required
@require_POST
def points_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    volunteer = get_visible_or_404(Volunteer.objects.all(), user, pk=pk)
    if not can_adjust_points(user, volunteer.community_id):
        raise PermissionDenied
    form = PointsAdjustForm(request.POST)
    if form.is_valid():
        try:
            services.points_adjust(volunteer=volunteer, acting_user=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已调整积分,当前余额 %(balance)s 分。") % {"balance": volunteer.points_balance})
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    context = {
        "form": form,
        "heading": _("调整积分:%(name)s(当前 %(balance)s 分)") % {"name": volunteer.name, "balance": volunteer.points_balance},
        "back": volunteer_url(volunteer),
        "action": request.path,
    }
    return render(request, FORM_TEMPLATE, context, status=400)


def volunteer_url(volunteer: Volunteer) -> str:
    return reverse("volunteers:volunteer_detail", args=[volunteer.pk])


@staff_required
@require_GET
def reward_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    history = Paginator(selectors.redemptions_visible_to(user), HISTORY_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/rewards/list.html",
        {
            "items": selectors.reward_items_for_list(user),
            "page": history,
            "query": "",
            "can_add": can_manage_any(user),
            "managed": set(_managed_ids(user)),
        },
    )


def _managed_ids(user) -> list[int]:
    return [pk for pk in Community.objects.visible_to(user).values_list("pk", flat=True) if can_manage_community(user, pk)]


def _item_fields(form: RewardItemForm) -> dict:
    return {name: form.cleaned_data[name] for name in services.REWARD_ITEM_FIELDS}


@staff_required
@require_http_methods(["GET", "POST"])
def reward_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_manage_any(user):
        raise PermissionDenied
    form = RewardItemForm(request.POST or None, user=user, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            item = services.reward_item_save(
                acting_user=user, item=RewardItem(community=form.cleaned_data["community"]), **_item_fields(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已上架「%(name)s」。") % {"name": item.name})
            return redirect("volunteers:reward_list")
    return _item_page(request, form, _("新增积分超市物品"), 400 if request.method == "POST" else 200)


def _item_page(request: HttpRequest, form, heading: str, status: int) -> HttpResponse:
    context = {"form": form, "heading": heading, "back": reverse("volunteers:reward_list"), "action": request.path}
    return render(request, FORM_TEMPLATE, context, status=status)


def _item_for_edit(request: HttpRequest, pk: int) -> RewardItem:
    item = get_visible_or_404(RewardItem.objects.select_related("community"), request.user, pk=pk)
    if not can_manage_community(request.user, item.community_id):
        raise PermissionDenied
    return item


@staff_required
@require_http_methods(["GET", "POST"])
def reward_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = _item_for_edit(request, pk)
    form = RewardItemForm(request.POST or None, instance=item, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.reward_item_save(acting_user=user, item=item, **_item_fields(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("volunteers:reward_list")
    return _item_page(request, form, _("修改物品:%(name)s") % {"name": item.name}, 400 if request.method == "POST" else 200)


@staff_required
@require_http_methods(["GET", "POST"])
def reward_redeem(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = _item_for_edit(request, pk)
    form = RedeemForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        volunteer = form.cleaned_data["volunteer"]
        try:
            services.reward_redeem(item=item, volunteer=volunteer, quantity=form.cleaned_data["quantity"], acting_user=user)
        except ValidationError as error:
            # 积分余额不足 is the ledger's "delta": show it under the volunteer.
            if hasattr(error, "error_dict") and "delta" in error.error_dict:
                error = ValidationError({"volunteer": error.error_dict["delta"]})
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s 已兑换「%(item)s」× %(quantity)s,剩余积分 %(balance)s 分。")
                % {
                    "name": volunteer.name,
                    "item": item.name,
                    "quantity": form.cleaned_data["quantity"],
                    "balance": volunteer.points_balance,
                },
            )
            return redirect("volunteers:reward_list")
    heading = _("兑换「%(name)s」(%(cost)s 分/件,库存 %(stock)s)") % {
        "name": item.name,
        "cost": item.points_cost,
        "stock": item.stock,
    }
    return _item_page(request, form, heading, 400 if request.method == "POST" else 200)
