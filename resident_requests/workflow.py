"""The request state machine in one table (DOMAIN.md §3, after 12345 hotlines).

待受理 → 已受理 (or 不予受理, or 合并) → 已派单 → 办理中 → 已办结 → 已回访 → 已归档,
with 退单 (back to 已受理 for re-dispatch) and 重办 (a 不满意 callback reopens it).
Actions that do not move the state (催办, 延期) name the states they are allowed in.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from resident_requests.models import EventAction, Status


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    # None: the action keeps the state (催办, 延期, 备注).
    target: str | None


TRANSITIONS: dict[str, Transition] = {
    EventAction.ACCEPT: Transition((Status.SUBMITTED,), Status.ACCEPTED),
    EventAction.REJECT: Transition((Status.SUBMITTED,), Status.REJECTED),
    EventAction.MERGE: Transition((Status.SUBMITTED, Status.ACCEPTED), Status.MERGED),
    EventAction.DISPATCH: Transition((Status.ACCEPTED,), Status.DISPATCHED),
    EventAction.RETURN: Transition((Status.DISPATCHED, Status.IN_PROGRESS), Status.ACCEPTED),
    EventAction.SIGN: Transition((Status.DISPATCHED,), Status.IN_PROGRESS),
    EventAction.RESOLVE: Transition((Status.IN_PROGRESS,), Status.RESOLVED),
    EventAction.CALLBACK: Transition((Status.RESOLVED,), Status.CALLED_BACK),
    EventAction.REOPEN: Transition((Status.CALLED_BACK,), Status.ACCEPTED),
    EventAction.ARCHIVE: Transition((Status.CALLED_BACK,), Status.ARCHIVED),
    EventAction.EXTEND_REQUEST: Transition((Status.DISPATCHED, Status.IN_PROGRESS), None),
    EventAction.EXTEND_APPROVE: Transition((Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS), None),
    EventAction.EXTEND_REFUSE: Transition((Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS), None),
    EventAction.URGE: Transition((Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS), None),
    EventAction.SUPERVISE: Transition((Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS), None),
    EventAction.REMIND: Transition((Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS), None),
    # The resident rates once the work is done; a first rating is the callback.
    EventAction.RATE: Transition((Status.RESOLVED, Status.CALLED_BACK, Status.ARCHIVED), None),
}


class WorkflowError(Exception):
    """An action the request's current state does not allow. The message is for the user."""


def check_allowed(action: str, status: str) -> Transition:
    transition = TRANSITIONS[action]
    if status not in transition.sources:
        raise WorkflowError(
            _("该诉求当前状态为「%(status)s」,不能%(action)s。")
            % {"status": Status(status).label, "action": EventAction(action).label}
        )
    return transition


def allowed_actions(status: str) -> list[str]:
    return [action for action, transition in TRANSITIONS.items() if status in transition.sources]
