from accounts.models import Notification
from accounts.permissions import can_browse_audit, is_staff_member


def navigation(request) -> dict:
    """What the base template needs to draw the navigation for the user's role."""
    user = getattr(request, "user", None)
    staff = is_staff_member(user) if user else False
    return {
        "nav_staff": staff,
        "nav_can_audit": staff and can_browse_audit(user),
        "nav_scope_label": _scope_label(user) if staff else "",
        # One COUNT per staff page (index recipient, read_at).
        "nav_unread_notifications": Notification.objects.visible_to(user).unread().count() if staff else 0,
    }


def _scope_label(user) -> str:
    if user.is_street_level:
        return "斜塘街道"
    return str(user.community) if user.community_id else ""
