"""Writes to micro-projects (微实事): create, edit and every lifecycle step.

One service moves a project through its lifecycle (`project_transition`), so the
pages, the API and the Celery task that ends the notice period share the same
rules: it locks the row (`select_for_update`), checks the state in
`projects/workflow.py` against the fresh copy, then the actor, saves, writes a
`ProjectEvent` and notifies. Two reviewers pressing 立项 at once: the second waits
for the lock, then finds the project already in 认领筹资 and gets a WorkflowError.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from communities.models import Community, PartyOrganisation
from projects import workflow
from projects.models import (
    MenuItem,
    MenuStatus,
    Need,
    NeedStatus,
    Project,
    ProjectAction,
    ProjectEvent,
    ProjectStatus,
)
from projects.permissions import can_manage_community, can_manage_project
from projects.selectors.projects import can_act

logger = logging.getLogger(__name__)

# A need stays 已列入计划 while any of these projects answers it.
ACTIVE_STATES = tuple(s for s in ProjectStatus.values if s not in (ProjectStatus.CANCELLED, ProjectStatus.COMPLETED))
# Needs that may be attached to a project: a declined or already met need is not planned again.
ATTACHABLE_NEED_STATES = (NeedStatus.OPEN, NeedStatus.PLANNED)

# `created_by` is emptied when the creator's account is deleted (SET_NULL): an old row
# must still move on, so the check of a saved row leaves that field out.
SET_NULL_CREATOR = ["created_by"]

# Plan fields staff may edit until the street approves the project (workflow.EDITABLE_STATES).
EDITABLE_FIELDS = (
    "title",
    "project_type",
    "category",
    "description",
    "lead_organisation",
    "is_secretary_project",
    "responsible",
    "planned_quantity",
    "quantity_unit",
    "budget",
    "beneficiaries",
    "beneficiary_count",
    "planned_start",
    "planned_end",
)


# Checks shared by create and update


def _community_ids(communities: Iterable[Community]) -> list[int]:
    return sorted({community.pk for community in communities})


def _check_communities(acting_user: User, community_ids: list[int]) -> None:
    if not community_ids:
        raise ValidationError({"communities": _("请至少选择一个社区。")})
    # A project spanning communities commits each of them: every one must agree (DOMAIN.md §4).
    if not all(can_manage_community(acting_user, pk) for pk in community_ids):
        raise PermissionDenied(_("只能为您负责的社区登记项目。"))


def _check_needs(needs: list[Need], community_ids: list[int]) -> None:
    foreign = [need.title for need in needs if need.community_id not in community_ids]
    if foreign:
        raise ValidationError({"needs": _("需求「%(titles)s」不属于项目所在社区。") % {"titles": "」「".join(foreign)}})
    closed = [need.title for need in needs if need.status not in ATTACHABLE_NEED_STATES]
    if closed:
        raise ValidationError(
            {"needs": _("需求「%(titles)s」已满足或不予采纳,不能列入项目。") % {"titles": "」「".join(closed)}}
        )


def _check_lead_and_responsible(
    *, lead_organisation: PartyOrganisation | None, responsible: User | None, community_ids: list[int]
) -> None:
    errors = {}
    # Street and neighbourhood organisations (no community) may lead any community's project.
    if lead_organisation is not None and lead_organisation.community_id not in (None, *community_ids):
        errors["lead_organisation"] = _("牵头党组织须属于项目所在社区或街道。")
    if responsible is not None:
        in_place = responsible.is_street_level or responsible.community_id in community_ids
        if not (responsible.is_active and responsible.has_staff_role and in_place):
            errors["responsible"] = _("负责人须为项目所在社区或街道的在岗工作人员。")
    if errors:
        raise ValidationError(errors)


def _check_plan(project: Project) -> None:
    """The plan's own rules, under the field they concern (the model's constraints say the same
    without a field, so pages and the API could not show them next to the input)."""
    errors = {}
    if project.planned_quantity is not None and not project.quantity_unit:
        errors["quantity_unit"] = _("填写计划数量时须注明单位。")
    if project.planned_start and project.planned_end and project.planned_end < project.planned_start:
        errors["planned_end"] = _("计划完成日期不能早于计划开始日期。")
    if errors:
        raise ValidationError(errors)


def _planned_needs(needs: Iterable[Need]) -> None:
    Need.objects.filter(pk__in=[n.pk for n in needs], status=NeedStatus.OPEN).update(
        status=NeedStatus.PLANNED, updated_at=timezone.now()
    )


def _release_needs(project: Project, need_ids: Iterable[int]) -> int:
    """Needs planned for `project` go back to 待办 unless another active project still answers them."""
    covered_elsewhere = Q(projects__status__in=ACTIVE_STATES) & ~Q(projects__pk=project.pk)
    still_covered = Need.objects.filter(pk__in=list(need_ids)).filter(covered_elsewhere).values("pk")
    return (
        Need.objects.filter(pk__in=list(need_ids), status=NeedStatus.PLANNED)
        .exclude(pk__in=still_covered)
        .update(status=NeedStatus.OPEN, updated_at=timezone.now())
    )


def _record(
    project: Project, action: str, actor: User | None, from_status: str, to_status: str, note: str = ""
) -> ProjectEvent:
    event = ProjectEvent(
        project=project, action=action, actor=actor, from_status=from_status, to_status=to_status, note=note
    )
    event.full_clean()
    event.save()
    return event


# Create and edit


@transaction.atomic
def project_create(
    *,
    acting_user: User,
    communities: Iterable[Community],
    title: str,
    project_type: str,
    category: str,
    description: str,
    budget: Decimal,
    needs: Iterable[Need] = (),
    menu_item: MenuItem | None = None,
    lead_organisation: PartyOrganisation | None = None,
    is_secretary_project: bool = False,
    responsible: User | None = None,
    planned_quantity: int | None = None,
    quantity_unit: str = "",
    beneficiaries: str = "",
    beneficiary_count: int | None = None,
    planned_start: dt.date | None = None,
    planned_end: dt.date | None = None,
) -> Project:
    """Register a project in 征集 (collecting), blank or from a shortlisted menu item.

    The menu item becomes 已转为项目 and its needs are attached; attached needs become
    已列入计划. The creator is the responsible staff unless someone else is named.
    """
    community_ids = _community_ids(communities)
    _check_communities(acting_user, community_ids)
    needs = list(needs)
    if menu_item is not None:
        # Locked: two coordinators adopting the same item at once get one project.
        menu_item = MenuItem.objects.select_for_update().get(pk=menu_item.pk)
        if menu_item.status != MenuStatus.SHORTLISTED:
            raise ValidationError({"menu_item": _("只有入选菜单的候选项目可以转为项目。")})
        if menu_item.community_id not in community_ids:
            raise ValidationError({"menu_item": _("候选项目不属于项目所在社区。")})
        known = {need.pk for need in needs}
        needs += [need for need in menu_item.needs.all() if need.pk not in known]
    _check_needs(needs, community_ids)
    responsible = responsible or acting_user
    _check_lead_and_responsible(
        lead_organisation=lead_organisation, responsible=responsible, community_ids=community_ids
    )

    project = Project(
        title=title.strip(),
        project_type=project_type,
        category=category,
        description=description.strip(),
        menu_item=menu_item,
        lead_organisation=lead_organisation,
        is_secretary_project=is_secretary_project,
        responsible=responsible,
        planned_quantity=planned_quantity,
        quantity_unit=quantity_unit.strip(),
        budget=budget,
        beneficiaries=beneficiaries.strip(),
        beneficiary_count=beneficiary_count,
        planned_start=planned_start,
        planned_end=planned_end,
        status=ProjectStatus.COLLECTING,
        created_by=acting_user,
    )
    _check_plan(project)
    project.full_clean()
    project.save()
    project.communities.set(community_ids)
    project.needs.set(needs)
    _planned_needs(needs)
    if menu_item is not None:
        menu_item.status = MenuStatus.ADOPTED
        menu_item.full_clean(exclude=SET_NULL_CREATOR)
        menu_item.save(update_fields=["status"])
    _record(project, ProjectAction.CREATE, acting_user, "", ProjectStatus.COLLECTING)
    return project


@transaction.atomic
def project_update(
    *,
    acting_user: User,
    project: Project,
    communities: Iterable[Community] | None = None,
    needs: Iterable[Need] | None = None,
    **fields,
) -> Project:
    """Edit the plan while it is still a proposal (征集, 评议): after 立项 the street's
    approval covers this budget and quantity, so they no longer change.

    `fields` are any of EDITABLE_FIELDS; `communities` and `needs` replace the sets.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"project_update() got unexpected fields: {', '.join(sorted(unknown))}")
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.status not in workflow.EDITABLE_STATES:
        raise workflow.WorkflowError(
            _("项目当前状态为「%(status)s」,立项审批后不能再修改项目方案。") % {"status": locked.get_status_display()}
        )
    old_community_ids = sorted(locked.communities.values_list("pk", flat=True))
    if not can_manage_project(acting_user, old_community_ids):
        raise PermissionDenied(_("您没有权限修改该项目。"))
    community_ids = old_community_ids if communities is None else _community_ids(communities)
    if community_ids != old_community_ids:
        _check_communities(acting_user, community_ids)
        # Taking a community off a shared project is that community's decision too.
        _check_communities(acting_user, sorted(set(old_community_ids) | set(community_ids)))

    old_need_ids = set(locked.needs.values_list("pk", flat=True))
    if needs is None:
        needs = list(Need.objects.filter(pk__in=old_need_ids))
    else:
        needs = list(needs)
    # Needs already on the project stay valid even if met meanwhile; only new ones are checked.
    _check_needs([n for n in needs if n.pk not in old_need_ids], community_ids)
    foreign = [n.title for n in needs if n.community_id not in community_ids]
    if foreign:
        raise ValidationError({"needs": _("需求「%(titles)s」不属于项目所在社区。") % {"titles": "」「".join(foreign)}})

    changed = []
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    _check_lead_and_responsible(
        lead_organisation=locked.lead_organisation, responsible=locked.responsible, community_ids=community_ids
    )
    _check_plan(locked)
    locked.full_clean(exclude=SET_NULL_CREATOR)
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    if community_ids != old_community_ids:
        locked.communities.set(community_ids)
        changed.append("communities")
    new_need_ids = {n.pk for n in needs}
    if new_need_ids != old_need_ids:
        locked.needs.set(needs)
        _planned_needs([n for n in needs if n.pk not in old_need_ids])
        _release_needs(locked, old_need_ids - new_need_ids)
        changed.append("needs")
    if changed:
        labels = "、".join(str(Project._meta.get_field(name).verbose_name) for name in changed)
        _record(
            locked, ProjectAction.EDIT, acting_user, locked.status, locked.status, _("修改了:%(f)s") % {"f": labels}
        )
    return locked


# The lifecycle


def _check_actor(acting_user: User | None, action: str, status: str, community_ids: list[int]) -> None:
    if can_act(acting_user, action, status, community_ids):
        return
    label = ProjectAction(action).label
    if acting_user is not None and workflow.actor_of(action, status) == "system":
        # 公示 ends by itself when the period is over; nobody presses a button for it.
        raise PermissionDenied(_("「%(action)s」由系统自动执行。") % {"action": label})
    raise PermissionDenied(_("您没有权限对该项目执行「%(action)s」。") % {"action": label})


@transaction.atomic
def project_transition(*, acting_user: User | None, project: Project, action: str, note: str = "") -> Project:
    """Take one lifecycle step (workflow.TRANSITIONS); return the saved project.

    Raises workflow.WorkflowError when the state does not allow it, PermissionDenied
    when the role does not, ValidationError when a required reason is missing.
    """
    locked = Project.objects.select_for_update().get(pk=project.pk)
    # State first: "already approved" tells the user more than "no permission" when nobody could.
    workflow.check_allowed(action, locked.status)
    from_status = locked.status
    community_ids = list(locked.communities.values_list("pk", flat=True))
    _check_actor(acting_user, action, from_status, community_ids)
    note = (note or "").strip()
    if workflow.TRANSITIONS[action].needs_note and not note:
        raise ValidationError({"note": _("「%(action)s」须填写理由。") % {"action": ProjectAction(action).label}})

    now = timezone.now()
    if action == ProjectAction.END_NOTICE and (locked.notice_until is None or locked.notice_until > now):
        raise workflow.WorkflowError(_("公示期尚未结束。"))
    to_status = workflow.target_of(action, from_status)
    locked.status = to_status
    update_fields = ["status", "updated_at"]
    if action == ProjectAction.APPROVE:
        locked.approved_at, locked.approved_by = now, acting_user
        update_fields += ["approved_at", "approved_by"]
    elif action == ProjectAction.ACCEPT:
        locked.accepted_at = now
        locked.notice_until = now + dt.timedelta(days=settings.PROJECT_NOTICE_DAYS)
        update_fields += ["accepted_at", "notice_until"]
    elif action == ProjectAction.CLOSE:
        locked.completed_at = now
        update_fields += ["completed_at"]
    locked.full_clean(exclude=SET_NULL_CREATOR)
    locked.save(update_fields=update_fields)

    if action == ProjectAction.CLOSE:
        locked.needs.filter(status__in=ATTACHABLE_NEED_STATES).update(status=NeedStatus.MET, updated_at=now)
    elif action == ProjectAction.CANCEL:
        _release_needs(locked, locked.needs.values_list("pk", flat=True))
    event = _record(locked, action, acting_user, from_status, to_status, note)
    _notify(locked, event, community_ids)
    return locked


def project_end_notice(project_id: int) -> bool:
    """公示 → 评价 once `notice_until` has passed; called by the reminders task.

    Idempotent: False when the project is gone, not in 公示, or its period is not over
    (including a second run, or a concurrent one that lost the row lock).
    """
    if not Project.objects.filter(
        pk=project_id, status=ProjectStatus.PUBLICISING, notice_until__lte=timezone.now()
    ).exists():
        return False
    try:
        project_transition(acting_user=None, project=Project(pk=project_id), action=ProjectAction.END_NOTICE)
    except (workflow.WorkflowError, Project.DoesNotExist):
        return False
    logger.info("project %s: notice period ended, now open for rating", project_id)
    return True


# Notifications


def _street_deciders():
    return User.objects.filter(role__in=(Role.STREET_ADMIN, Role.STREET_REVIEWER), is_active=True)


def _coordinators(community_ids: list[int]):
    return User.objects.filter(
        community_id__in=community_ids,
        role__in=(Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER),
        is_active=True,
    )


NOTICE_TITLES = {
    ProjectAction.SUBMIT: gettext_lazy("项目提请立项,待审批"),
    ProjectAction.COMPLETE: gettext_lazy("项目申请验收,待验收"),
    ProjectAction.APPROVE: gettext_lazy("项目已立项"),
    ProjectAction.RETURN: gettext_lazy("项目被退回"),
    ProjectAction.ACCEPT: gettext_lazy("项目验收通过,进入公示"),
}


def _notify(project: Project, event: ProjectEvent, community_ids: list[int]) -> None:
    """Who must act next hears of it: the street when asked to decide, the community when it has decided.

    notify() writes the in-app rows in this transaction (gone on rollback) and sends
    email/SMS on commit; the key per event keeps a retried step from notifying twice."""
    from accounts.notifications import notify

    if event.action in (ProjectAction.SUBMIT, ProjectAction.COMPLETE):
        recipients = list(_street_deciders())
    elif event.action in (ProjectAction.APPROVE, ProjectAction.RETURN, ProjectAction.ACCEPT):
        recipients = list(_coordinators(community_ids))
        if project.responsible_id and project.responsible not in recipients:
            recipients.append(project.responsible)
    else:
        return
    recipients = [user for user in recipients if user.pk != event.actor_id]
    if not recipients:
        return
    notify(
        recipients=recipients,
        key=f"project:{project.pk}:event:{event.pk}",
        title=f"{NOTICE_TITLES[event.action]}:{project.title}",
        body=event.note[:200],
        link=reverse("projects:project_detail", args=[project.pk]),
    )
