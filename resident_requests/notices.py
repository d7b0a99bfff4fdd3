"""Who hears about what happens to a request. All sending goes through accounts.notifications.

Keys include the event id, so a notice is sent once per event however often
the code path runs (tasks may run twice).
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from resident_requests.models import RequestEvent, ResidentRequest


def _send(recipients, request: ResidentRequest, event: RequestEvent, title: str, body: str = "") -> None:
    from accounts.notifications import notify

    recipients = [user for user in recipients if user is not None and user.pk != event.actor_id]
    if not recipients:
        return
    notify(
        recipients=recipients,
        key=f"request:{request.pk}:event:{event.pk}",
        title=title,
        body=body,
        link=reverse("requests:detail", args=[request.pk]),
    )


def coordinators(request: ResidentRequest):
    """The community's secretary and workers (they accept and dispatch)."""
    if request.community_id is None:
        return street_staff(Role.STREET_ADMIN)
    return User.objects.filter(
        community_id=request.community_id,
        role__in=(Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER),
        is_active=True,
    )


def secretaries(request: ResidentRequest):
    return User.objects.filter(community_id=request.community_id, role=Role.COMMUNITY_SECRETARY, is_active=True)


def street_staff(*roles: str):
    return User.objects.filter(role__in=roles or (Role.STREET_ADMIN, Role.STREET_REVIEWER), is_active=True)


def responsible(request: ResidentRequest) -> list[User]:
    """Who must act now: the handler, or the owner (首接负责) when no person handles it."""
    return [request.handler or request.owner] if (request.handler_id or request.owner_id) else list(coordinators(request))


def _title(request: ResidentRequest, what: str) -> str:
    return f"{what}:{request.tracking_code} {request.category}"


def request_submitted(request: ResidentRequest, event: RequestEvent) -> None:
    _send(coordinators(request), request, event, _title(request, _("新诉求待受理")), request.description[:100])


def request_dispatched(request: ResidentRequest, event: RequestEvent) -> None:
    if request.handler_id:
        _send([request.handler], request, event, _title(request, _("新派单请签收")), request.description[:100])


def request_returned(request: ResidentRequest, event: RequestEvent) -> None:
    _send(coordinators(request), request, event, _title(request, _("诉求被退单,请重新派单")), event.note)


def request_extension_asked(request: ResidentRequest, event: RequestEvent) -> None:
    _send(street_staff(), request, event, _title(request, _("延期申请待审批")), event.note)


def request_extension_decided(request: ResidentRequest, event: RequestEvent) -> None:
    _send(responsible(request), request, event, _title(request, event.get_action_display()), event.note)


def request_urged(request: ResidentRequest, event: RequestEvent) -> None:
    _send(responsible(request), request, event, _title(request, event.get_action_display()), event.note)


def request_dissatisfied(request: ResidentRequest, event: RequestEvent) -> None:
    recipients = {user.pk: user for user in [request.owner, *secretaries(request)] if user is not None}
    _send(recipients.values(), request, event, _title(request, _("回访不满意,请研判是否重办")), event.note)


# From the Celery sweeps (resident_requests.tasks): the system is the actor.


def request_due_soon(request: ResidentRequest, event: RequestEvent) -> None:
    _send(responsible(request), request, event, _title(request, _("诉求即将到期")), event.note)


def request_overdue(request: ResidentRequest, event: RequestEvent) -> None:
    """First escalation (催办): the community secretary and whoever must act."""
    recipients = {user.pk: user for user in [*responsible(request), *secretaries(request)] if user is not None}
    _send(recipients.values(), request, event, _title(request, _("诉求已超期,系统催办")), event.note)


def request_supervised(request: ResidentRequest, event: RequestEvent) -> None:
    """Second escalation (督办): the street (管理员 and 审阅)."""
    _send(street_staff(), request, event, _title(request, _("诉求超期未办结,请街道督办")), event.note)


def request_callback_due(request: ResidentRequest) -> None:
    """回访 reminder the day after 办结: the owner (首接负责), else the community's coordinators.

    No timeline event for a reminder, so the key names the resolution instead:
    a case resolved again after 重办 earns a new reminder, the same one never twice.
    """
    from accounts.notifications import notify

    recipients = [request.owner] if request.owner_id else list(coordinators(request))
    notify(
        recipients=recipients,
        key=f"request:{request.pk}:callback-reminder:{request.resolved_at:%Y%m%d%H%M%S%f}",
        title=_title(request, _("请回访")),
        body=_("该诉求已于 %(date)s 办结,请联系居民回访。") % {"date": f"{timezone.localdate(request.resolved_at):%Y-%m-%d}"},
        link=reverse("requests:detail", args=[request.pk]),
    )
