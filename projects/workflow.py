"""The micro-project lifecycle as one table (DOMAIN.md §4):

征集 → 评议 → 立项 (the street approves) → 认领/筹资 → 实施 → 验收 → 公示 (≥ 7 days) → 评价.

Services check `check_allowed` under a row lock, then the role; pages and the API
offer only `allowed_actions`. There is no path from 评议 to 认领/筹资 except 立项.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from projects.models import ProjectAction as A
from projects.models import ProjectStatus as S


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    # "manager": the project's community coordinators; "street": 街道审阅/管理员;
    # "system": Celery only (the notice period ends by itself).
    actor: str
    needs_note: bool = False


TRANSITIONS: dict[str, Transition] = {
    A.DELIBERATE: Transition((S.COLLECTING,), S.DELIBERATING, "manager"),
    A.SUBMIT: Transition((S.DELIBERATING,), S.PENDING_APPROVAL, "manager"),
    A.APPROVE: Transition((S.PENDING_APPROVAL,), S.FUNDING, "street"),
    # 退回: one step back from each review step, always with a reason.
    A.RETURN: Transition((S.DELIBERATING, S.PENDING_APPROVAL, S.PENDING_ACCEPTANCE), "", "street", needs_note=True),
    A.START: Transition((S.FUNDING,), S.IMPLEMENTING, "manager"),
    A.COMPLETE: Transition((S.IMPLEMENTING,), S.PENDING_ACCEPTANCE, "manager"),
    A.ACCEPT: Transition((S.PENDING_ACCEPTANCE,), S.PUBLICISING, "street"),
    A.END_NOTICE: Transition((S.PUBLICISING,), S.EVALUATING, "system"),
    A.CLOSE: Transition((S.EVALUATING,), S.COMPLETED, "manager"),
    A.CANCEL: Transition(
        (S.COLLECTING, S.DELIBERATING, S.PENDING_APPROVAL, S.FUNDING), S.CANCELLED, "manager", needs_note=True
    ),
}

RETURN_TARGETS = {
    S.DELIBERATING: S.COLLECTING,
    S.PENDING_APPROVAL: S.DELIBERATING,
    S.PENDING_ACCEPTANCE: S.IMPLEMENTING,
}
# 评议 is returned to 征集 by the community itself (the residents' council sent it back);
# the street returns what was sent up to it.
RETURN_ACTOR = {S.DELIBERATING: "manager", S.PENDING_APPROVAL: "street", S.PENDING_ACCEPTANCE: "street"}

# Work on the ground (funding, batches, milestones, photos) is recorded once approved
# and until acceptance; after it, the record is what residents rate.
WORK_STATES = (S.FUNDING, S.IMPLEMENTING, S.PENDING_ACCEPTANCE)
# The plan (title, budget, quantity…) may be edited until the street approves it.
EDITABLE_STATES = (S.COLLECTING, S.DELIBERATING)


class WorkflowError(Exception):
    """The action is not possible in the project's current state (API: 409)."""


def target_of(action: str, status: str) -> str:
    if action == A.RETURN:
        return RETURN_TARGETS[status]
    return TRANSITIONS[action].target


def actor_of(action: str, status: str) -> str:
    if action == A.RETURN:
        return RETURN_ACTOR[status]
    return TRANSITIONS[action].actor


def check_allowed(action: str, status: str) -> None:
    transition = TRANSITIONS.get(action)
    if transition is None or status not in transition.sources:
        raise WorkflowError(
            _("项目当前状态为「%(status)s」,不能执行「%(action)s」。")
            % {"status": S(status).label, "action": A(action).label if action in A.values else action}
        )


def allowed_actions(status: str) -> list[str]:
    return [action for action, t in TRANSITIONS.items() if status in t.sources and t.actor != "system"]
