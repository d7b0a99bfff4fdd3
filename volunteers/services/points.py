"""The points ledger (志愿积分): the only code that changes a volunteer's balance.

Every change locks the volunteer row, computes the new balance, refuses to go
below zero and writes one PointsEntry with its reason and actor. The database
backs this with CHECK constraints (balance ≥ 0) and one entry per source
(an hours record or a report earns once), so a retried task cannot pay twice.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from volunteers.models import (
    PointsEntry,
    PointsKind,
    Redemption,
    RewardItem,
    ServiceHours,
    Volunteer,
)
from volunteers.permissions import can_adjust_points, can_manage_community


def points_for_minutes(minutes: int) -> int:
    """Points earned for confirmed service time: pro rata by minute, rounded down."""
    return minutes * settings.VOLUNTEER_POINTS_PER_HOUR // 60


@transaction.atomic
def points_change(
    *,
    volunteer: Volunteer,
    delta: int,
    kind: PointsKind,
    reason: str,
    acting_user: User | None,
    hours: ServiceHours | None = None,
    report=None,
    redemption: Redemption | None = None,
) -> PointsEntry:
    """Add (delta > 0) or take (delta < 0) points; ValidationError if the balance would go negative."""
    if delta == 0:
        raise ValidationError({"delta": _("积分变动不能为 0。")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写积分变动的事由。")})
    locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    balance = locked.points_balance + delta
    if balance < 0:
        raise ValidationError(
            {"delta": _("积分余额不足:当前 %(balance)s 分,需要 %(need)s 分。") % {"balance": locked.points_balance, "need": -delta}}
        )
    entry = PointsEntry.objects.create(
        volunteer=locked,
        kind=kind,
        delta=delta,
        balance_after=balance,
        reason=reason[:200],
        actor=acting_user,
        hours=hours,
        report=report,
        redemption=redemption,
    )
    locked.points_balance = balance
    locked.save(update_fields=["points_balance"])
    volunteer.points_balance = balance
    return entry


def points_award_once(
    *,
    volunteer: Volunteer,
    points: int,
    kind: PointsKind,
    reason: str,
    acting_user: User | None,
    hours: ServiceHours | None = None,
    report=None,
) -> PointsEntry | None:
    """Award points for a source that may earn only once (an hours record, a report).

    Returns None when it already earned (a retried task, a double click) or
    when there is nothing to award.
    """
    if points <= 0:
        return None
    source = {"hours": hours} if hours is not None else {"report": report}
    if PointsEntry.objects.filter(kind=kind, **source).exists():
        return None
    try:
        with transaction.atomic():
            return points_change(
                volunteer=volunteer,
                delta=points,
                kind=kind,
                reason=reason,
                acting_user=acting_user,
                hours=hours,
                report=report,
            )
    except IntegrityError:
        # Lost a race with another award of the same source: it earned once.
        return None


@transaction.atomic
def points_redeem(*, item: RewardItem, volunteer: Volunteer, quantity: int, acting_user: User) -> Redemption:
    """积分超市: spend points on an item of the volunteer's community, taking it from stock."""
    if quantity < 1:
        raise ValidationError({"quantity": _("数量至少为 1。")})
    item = RewardItem.objects.select_for_update().get(pk=item.pk)
    if not item.is_active:
        raise ValidationError({"item": _("该物品已下架。")})
    if item.stock < quantity:
        raise ValidationError({"quantity": _("库存不足:仅剩 %(stock)s 件。") % {"stock": item.stock}})
    cost = item.points_cost * quantity
    redemption = Redemption.objects.create(
        item=item, volunteer=volunteer, quantity=quantity, points=cost, handled_by=acting_user
    )
    points_change(
        volunteer=volunteer,
        delta=-cost,
        kind=PointsKind.REDEEM,
        reason=_("兑换 %(item)s × %(quantity)s") % {"item": item.name, "quantity": quantity},
        acting_user=acting_user,
        redemption=redemption,
    )
    item.stock -= quantity
    item.save(update_fields=["stock"])
    return redemption


# Entry points for pages and the API: the role checks on top of the ledger.


def points_adjust(*, volunteer: Volunteer, delta: int, reason: str, acting_user: User) -> PointsEntry:
    """人工调整 by 街道管理员 or the volunteer's community secretary; reason required, never below zero."""
    if not can_adjust_points(acting_user, volunteer.community_id):
        raise PermissionDenied(_("只有街道管理员和本社区书记可以调整积分。"))
    return points_change(
        volunteer=volunteer, delta=delta, kind=PointsKind.ADJUST, reason=reason, acting_user=acting_user
    )


REWARD_ITEM_FIELDS = ("name", "points_cost", "stock", "is_active")


@transaction.atomic
def reward_item_save(*, acting_user: User, item: RewardItem, **fields) -> RewardItem:
    """Create (item without pk) or change an item of a community's 积分超市."""
    unknown = set(fields) - set(REWARD_ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")
    if item.pk is not None:
        item = RewardItem.objects.select_for_update().get(pk=item.pk)
    if not can_manage_community(acting_user, item.community_id):
        raise PermissionDenied(_("不能修改该社区的积分超市。"))
    for name, value in fields.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    item.full_clean()
    item.save()
    return item


def reward_redeem(*, item: RewardItem, volunteer: Volunteer, quantity: int, acting_user: User) -> Redemption:
    """积分超市 at the counter: the item's community staff hand it to a volunteer of the same community."""
    if not can_manage_community(acting_user, item.community_id):
        raise PermissionDenied(_("不能办理该社区积分超市的兑换。"))
    if volunteer.community_id != item.community_id:
        raise ValidationError({"volunteer": _("只能兑换本社区积分超市的物品。")})
    if not volunteer.is_active:
        raise ValidationError({"volunteer": _("该志愿者已注销。")})
    return points_redeem(item=item, volunteer=volunteer, quantity=quantity, acting_user=acting_user)
