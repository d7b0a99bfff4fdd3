"""The dashboard remembers, per user, the period and scope last chosen (DashboardPreference).

A preference is not domain data (no audit row): it is what the user last looked
at, so /dashboard/ opens where they left it.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from dashboards.models import DashboardPreference, PeriodKind
from dashboards.periods import Period
from dashboards.scope import Scope


def preference_of(user) -> DashboardPreference | None:
    """The stored choice, with what the scope needs loaded (one query)."""
    return (
        DashboardPreference.objects.select_related("community", "grid__community").filter(user=user).first()
    )


def stored_period(preference: DashboardPreference | None, *, today) -> Period | None:
    if preference is None:
        return None
    if preference.period == PeriodKind.CUSTOM:
        if preference.custom_start is None or preference.custom_end is None:
            return None
        if preference.custom_end < preference.custom_start:
            return None
        return Period.custom(preference.custom_start, preference.custom_end)
    return Period.of_kind(preference.period, today=today)


def preference_remember(*, user, period: Period, scope: Scope) -> None:
    """Store the choice: one UPDATE, or an INSERT the first time.

    A relative period (本月/本季度/本年) is stored as its kind, so next month
    "本月" is next month; a custom one keeps its dates."""
    custom = period.kind == PeriodKind.CUSTOM
    values = {
        "period": period.kind,
        "custom_start": period.start if custom else None,
        "custom_end": period.end if custom else None,
        "community": scope.community,
        "grid": scope.grid,
    }
    if DashboardPreference.objects.filter(user=user).update(**values, updated_at=timezone.now()):
        return
    try:
        with transaction.atomic():
            DashboardPreference.objects.create(user=user, **values)
    except IntegrityError:
        # Two tabs opened at once: the other request created the row first.
        DashboardPreference.objects.filter(user=user).update(**values, updated_at=timezone.now())
