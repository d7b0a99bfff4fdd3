"""Reads for the points ledger and the 积分超市."""

from django.db.models import QuerySet

from accounts.models import User
from volunteers.models import PointsEntry, Redemption, RewardItem, Volunteer


def ledger(volunteer: Volunteer, limit: int = 50) -> QuerySet[PointsEntry]:
    """The latest lines of the volunteer's ledger, like a bank statement (newest first)."""
    return volunteer.points_entries.select_related("actor", "report")[:limit]


def reward_items_for_list(user: User) -> QuerySet[RewardItem]:
    return RewardItem.objects.visible_to(user).select_related("community")


def redemptions_visible_to(user: User) -> QuerySet[Redemption]:
    """Redemptions of the items the user may see (the 积分超市 belongs to a community)."""
    items = RewardItem.objects.visible_to(user)
    return (
        Redemption.objects.filter(item__in=items)
        .select_related("item", "item__community", "volunteer", "handled_by")
        .order_by("-created_at", "-id")
    )
