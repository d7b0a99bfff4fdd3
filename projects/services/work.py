"""Writes for the work on the ground: funding (认领/筹资), batches, milestones,
before/after photos, and the reminders Celery sends about them. DOMAIN.md §4.

Every write locks the project row first (`select_for_update`), then checks the
state (work is recorded from 立项 until 验收: `workflow.WORK_STATES`), then the
actor against the fresh copy, so a project returned or accepted meanwhile
refuses the write instead of recording it. Each write adds a `ProjectEvent`
to the project's timeline. Progress and funding figures are never stored:
`projects.selectors.progress` derives them from these rows.
"""

import datetime as dt
import logging
import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from communities.models import CoBuildingUnit
from projects.models import (
    Batch,
    Contribution,
    FundingSource,
    Milestone,
    PhotoPair,
    Project,
    ProjectAction,
    ProjectEvent,
    ProjectStatus,
    Resource,
    ResourceKind,
)
from projects.permissions import can_manage_project
from projects.selectors.lists import remaining
from projects.workflow import WORK_STATES, WorkflowError
from xietang.images import ProcessedImage

logger = logging.getLogger(__name__)

def format_yuan(amount: Decimal) -> str:
    # No thousands separator, as the zh-hans number format (and so the pages) writes amounts.
    return _("%(amount)s 元") % {"amount": f"{amount:.2f}"}


def format_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def project_link(project_id: int) -> str:
    return reverse("projects:project_detail", args=[project_id])


# Locks and checks


def _lock(project: Project) -> tuple[Project, list[int]]:
    locked = Project.objects.select_for_update().get(pk=project.pk)
    return locked, list(locked.communities.values_list("pk", flat=True))


def check_work_state(project: Project) -> None:
    if project.status not in WORK_STATES:
        if project.status in (ProjectStatus.COLLECTING, ProjectStatus.DELIBERATING, ProjectStatus.PENDING_APPROVAL):
            message = _("项目尚未立项(当前「%(status)s」),立项后才能登记认领、筹资和实施进度。")
        else:
            message = _("项目当前状态为「%(status)s」,只有立项后至验收前可以登记认领、筹资和实施进度。")
        raise WorkflowError(message % {"status": ProjectStatus(project.status).label})


def _check_manager(user: User, community_ids: list[int]) -> None:
    if not can_manage_project(user, community_ids):
        raise PermissionDenied(_("您不能登记该项目的认领、筹资和实施进度。"))


def _begin(project: Project, acting_user: User) -> tuple[Project, list[int]]:
    """Lock, then state (it tells the user more than "no permission" when nobody could), then role."""
    locked, community_ids = _lock(project)
    check_work_state(locked)
    _check_manager(acting_user, community_ids)
    return locked, community_ids


def can_record_work(user: User, project: Project, community_ids: list[int]) -> bool:
    """Whether the project's work forms apply to this user now (pages and the API offer them only then)."""
    return project.status in WORK_STATES and can_manage_project(user, community_ids)


def can_remove_contribution(user: User, project: Project) -> bool:
    # A recorded sponsorship is what the unit and the residents see on the project
    # page: only the street corrects it, and says why (decision of the work area).
    return project.status in WORK_STATES and (user.is_superuser or user.role == Role.STREET_ADMIN)


def _event(project: Project, action: str, actor: User | None, note: str) -> ProjectEvent:
    return ProjectEvent.objects.create(
        project=project, action=action, actor=actor, from_status=project.status, to_status=project.status, note=note
    )


def _save(instance) -> None:
    instance.full_clean()
    instance.save()


# Funding (认领/筹资)


def _check_unit(unit: CoBuildingUnit, acting_user: User, community_ids: list[int]) -> None:
    paired = unit.communities.filter(pk__in=community_ids)
    if not CoBuildingUnit.objects.visible_to(acting_user).filter(pk=unit.pk).exists() or not paired.exists():
        raise ValidationError({"unit": _("「%(unit)s」不是本项目所在社区的共建单位。") % {"unit": unit.name}})


def _check_resource(resource: Resource, acting_user: User, community_ids: list[int], on: dt.date) -> None:
    if not Resource.objects.visible_to(acting_user).filter(pk=resource.pk).exists() or (
        resource.community_id is not None and resource.community_id not in community_ids
    ):
        raise ValidationError({"resource": _("资源「%(title)s」不面向本项目所在社区。") % {"title": resource.title}})
    if resource.withdrawn:
        raise ValidationError({"resource": _("资源「%(title)s」已撤回。") % {"title": resource.title}})
    if (resource.valid_from and on < resource.valid_from) or (resource.valid_until and on > resource.valid_until):
        raise ValidationError(
            {
                "resource": _("资源「%(title)s」在 %(date)s 不在有效期内。")
                % {"title": resource.title, "date": format_date(on)}
            }
        )


def _allocation_of(resource: Resource, amount: Decimal, quantity: Decimal | None) -> tuple[str, Decimal] | None:
    """Which figure of the contribution draws on the resource: money in yuan, others in `quantity`."""
    # The same rule as projects.selectors.lists.remaining: money counts yuan, any other kind its quantity.
    if resource.kind == ResourceKind.MONEY:
        return "amount", amount
    if resource.quantity is not None:
        return "quantity", quantity or Decimal(0)
    return None  # a venue or a service offered without a measure: nothing to run out of


def _check_remaining(resource: Resource, amount: Decimal, quantity: Decimal | None) -> None:
    allocation = _allocation_of(resource, amount, quantity)
    if allocation is None:
        return
    field, drawn = allocation
    if drawn <= 0:
        message = _("从资金类资源认领须填写金额。") if field == "amount" else _("请填写从该资源调用的数量。")
        raise ValidationError({field: message})
    left = remaining(resource)
    if left is not None and drawn > left:
        shown = format_yuan(left) if field == "amount" else f"{left.normalize():f} {resource.unit}".strip()
        raise ValidationError(
            {
                field: _("超出资源「%(title)s」尚未分配的部分(剩余 %(left)s)。")
                % {"title": resource.title, "left": shown}
            }
        )


def _contribution_summary(contribution: Contribution) -> str:
    parts = [format_yuan(contribution.amount)] if contribution.amount else []
    if contribution.in_kind:
        parts.append(contribution.in_kind)
    return "、".join(parts)


@transaction.atomic
def contribution_add(
    *,
    acting_user: User,
    project: Project,
    source: str,
    unit: CoBuildingUnit | None = None,
    resource: Resource | None = None,
    amount: Decimal | int = 0,
    quantity: Decimal | None = None,
    in_kind: str = "",
    contributed_on: dt.date | None = None,
    note: str = "",
) -> Contribution:
    """Record money or in-kind support: a co-building unit 认领 the project, street or community funds.

    From a 资源清单 item the resource row is locked while its remaining part is
    checked, so two allocations at once cannot both take the last of it.
    """
    project, community_ids = _begin(project, acting_user)
    amount = Decimal(amount or 0)
    in_kind = (in_kind or "").strip()
    contributed_on = contributed_on or timezone.localdate()
    if amount < 0:
        raise ValidationError({"amount": _("金额不能为负数。")})
    if quantity is not None and quantity <= 0:
        raise ValidationError({"quantity": _("数量须大于 0。")})

    if resource is not None:
        # No select_related: PostgreSQL refuses FOR UPDATE on the nullable side of the join.
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        _check_resource(resource, acting_user, community_ids, contributed_on)
        if resource.provider_unit_id is not None:
            if unit is not None and unit.pk != resource.provider_unit_id:
                raise ValidationError(
                    {
                        "unit": _("资源「%(title)s」由「%(provider)s」提供。")
                        % {"title": resource.title, "provider": resource.provider_name}
                    }
                )
            if source != FundingSource.UNIT:
                raise ValidationError(
                    {
                        "source": _("资源「%(title)s」由共建单位「%(provider)s」提供,来源应为「共建单位认领」。")
                        % {"title": resource.title, "provider": resource.provider_name}
                    }
                )
            unit = resource.provider_unit
        _check_remaining(resource, amount, quantity)
        if not amount and not in_kind:
            # A materials or volunteers offer taken as it stands: its description is the support.
            measure = f" {quantity.normalize():f} {resource.unit}".rstrip() if quantity else ""
            in_kind = f"{resource.title}{measure}"[:200]

    if source != FundingSource.UNIT and unit is not None:
        raise ValidationError({"unit": _("只有「共建单位认领」需要选择共建单位。")})
    if unit is not None:
        _check_unit(unit, acting_user, community_ids)

    contribution = Contribution(
        project=project,
        source=source,
        unit=unit,
        resource=resource,
        amount=amount,
        quantity=quantity,
        in_kind=in_kind,
        contributed_on=contributed_on,
        note=(note or "").strip(),
        created_by=acting_user,
    )
    _save(contribution)
    verb = _("认领") if source == FundingSource.UNIT else _("出资")
    event = _event(
        project,
        ProjectAction.CONTRIBUTE,
        acting_user,
        _("%(who)s %(verb)s:%(what)s")
        % {"who": contribution.contributor_name, "verb": verb, "what": _contribution_summary(contribution)},
    )
    _notify_responsible(project, event, acting_user, _("新的认领与筹资:%(title)s") % {"title": project.title})
    return contribution


@transaction.atomic
def contribution_remove(*, acting_user: User, contribution: Contribution, reason: str) -> None:
    """Correct a wrong record: the street admin removes it with a reason, kept on the timeline.

    A wrong amount is corrected by removing the row and recording the right one."""
    project, _community_ids = _lock(contribution.project)
    check_work_state(project)
    if not can_remove_contribution(acting_user, project):
        raise PermissionDenied(_("认领与筹资记录只能由街道管理员撤销。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请说明撤销原因。")})
    contribution = Contribution.objects.select_related("unit").get(pk=contribution.pk, project=project)
    summary = _("%(who)s %(what)s(%(date)s)") % {
        "who": contribution.contributor_name,
        "what": _contribution_summary(contribution),
        "date": format_date(contribution.contributed_on),
    }
    contribution.delete()
    _event(
        project,
        ProjectAction.CONTRIBUTE,
        acting_user,
        _("撤销认领与筹资记录:%(summary)s。原因:%(reason)s") % {"summary": summary, "reason": reason},
    )


# Batches (quantity projects)


def _quantity(project: Project, value: int) -> str:
    return f"{value} {project.quantity_unit}".strip()


@transaction.atomic
def batch_add(
    *,
    acting_user: User,
    project: Project,
    planned_quantity: int,
    title: str = "",
    planned_start: dt.date | None = None,
    planned_end: dt.date | None = None,
    note: str = "",
) -> Batch:
    """Plan the next batch (第N批, numbered in order); all batches together stay within the project's plan."""
    project, _community_ids = _begin(project, acting_user)
    if not project.measures_quantity:
        raise ValidationError(_("该项目不按数量计算进度,请添加实施节点。"))
    if planned_quantity is None or planned_quantity < 1:
        raise ValidationError({"planned_quantity": _("本批计划数量至少为 1。")})
    batches = list(project.batches.values_list("number", "planned_quantity"))
    already = sum(plan for _number, plan in batches)
    if already + planned_quantity > project.planned_quantity:
        raise ValidationError(
            {
                "planned_quantity": _("各批计划合计不能超过项目计划 %(plan)s(已安排 %(already)s,尚可安排 %(left)s)。")
                % {
                    "plan": _quantity(project, project.planned_quantity),
                    "already": _quantity(project, already),
                    "left": _quantity(project, project.planned_quantity - already),
                }
            }
        )
    batch = Batch(
        project=project,
        number=max((number for number, _plan in batches), default=0) + 1,
        title=(title or "").strip(),
        planned_quantity=planned_quantity,
        planned_start=planned_start,
        planned_end=planned_end,
        note=(note or "").strip(),
    )
    _save(batch)
    when = _(",计划 %(date)s 完成") % {"date": format_date(planned_end)} if planned_end else ""
    _event(
        project,
        ProjectAction.BATCH,
        acting_user,
        _("安排%(batch)s:计划 %(quantity)s%(when)s")
        % {"batch": batch, "quantity": _quantity(project, planned_quantity), "when": when},
    )
    return batch


@transaction.atomic
def batch_record_delivery(
    *, acting_user: User, batch: Batch, delivered_quantity: int, delivered_on: dt.date | None = None, note: str = ""
) -> Batch:
    """Record how many of the batch are delivered so far (a running total, not an increment)."""
    project, _community_ids = _begin(batch.project, acting_user)
    batch = Batch.objects.select_for_update().get(pk=batch.pk, project=project)
    if delivered_quantity is None or delivered_quantity < 0:
        raise ValidationError({"delivered_quantity": _("完成数量不能为负数。")})
    if delivered_quantity > batch.planned_quantity:
        raise ValidationError(
            {
                "delivered_quantity": _("完成数量不能超过本批计划 %(plan)s。")
                % {"plan": _quantity(project, batch.planned_quantity)}
            }
        )
    today = timezone.localdate()
    delivered_on = delivered_on or today
    if delivered_on > today:
        raise ValidationError({"delivered_on": _("完成日期不能晚于今天。")})
    batch.delivered_quantity = delivered_quantity
    batch.delivered_on = delivered_on if delivered_quantity else None
    note = (note or "").strip()
    if note:
        batch.note = note
    batch.full_clean()
    batch.save(update_fields=["delivered_quantity", "delivered_on", "note"])
    if delivered_quantity == batch.planned_quantity:
        summary = _("%(batch)s完成 %(quantity)s") % {
            "batch": batch,
            "quantity": _quantity(project, delivered_quantity),
        }
    else:
        summary = _("%(batch)s已完成 %(done)s/%(plan)s") % {
            "batch": batch,
            "done": delivered_quantity,
            "plan": _quantity(project, batch.planned_quantity),
        }
    _event(project, ProjectAction.BATCH, acting_user, f"{summary}。{note}" if note else summary)
    return batch


# Milestones (other projects: weighted roll-up)


@transaction.atomic
def milestone_add(
    *, acting_user: User, project: Project, title: str, weight: int = 1, due_on: dt.date | None = None, note: str = ""
) -> Milestone:
    project, _community_ids = _begin(project, acting_user)
    if project.measures_quantity:
        raise ValidationError(_("该项目按数量计算进度,请添加实施批次。"))
    milestone = Milestone(
        project=project, title=(title or "").strip(), weight=weight, due_on=due_on, note=(note or "").strip()
    )
    _save(milestone)
    when = _(",计划 %(date)s 完成") % {"date": format_date(due_on)} if due_on else ""
    _event(
        project,
        ProjectAction.MILESTONE,
        acting_user,
        _("新增节点「%(title)s」,权重 %(weight)s%(when)s") % {"title": milestone.title, "weight": weight, "when": when},
    )
    return milestone


@transaction.atomic
def milestone_update(
    *, acting_user: User, milestone: Milestone, percent: int, done_on: dt.date | None = None, note: str = ""
) -> Milestone:
    """Set how far the milestone is (0–100 %); at 100 % it is done, on `done_on` (default today)."""
    project, _community_ids = _begin(milestone.project, acting_user)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk, project=project)
    if percent is None or not 0 <= percent <= 100:
        raise ValidationError({"percent": _("完成比例为 0 至 100。")})
    today = timezone.localdate()
    if percent < 100 and done_on is not None:
        raise ValidationError({"done_on": _("完成比例达到 100% 时才填写实际完成日期。")})
    if done_on is not None and done_on > today:
        raise ValidationError({"done_on": _("实际完成日期不能晚于今天。")})
    milestone.percent = percent
    milestone.done_on = (done_on or today) if percent == 100 else None
    note = (note or "").strip()
    if note:
        milestone.note = note
    milestone.full_clean()
    milestone.save(update_fields=["percent", "done_on", "note"])
    if percent == 100:
        summary = _("节点「%(title)s」已完成(%(date)s)") % {
            "title": milestone.title,
            "date": format_date(milestone.done_on),
        }
    else:
        summary = _("节点「%(title)s」完成 %(percent)s%%") % {"title": milestone.title, "percent": percent}
    _event(project, ProjectAction.MILESTONE, acting_user, f"{summary}。{note}" if note else summary)
    return milestone


# Before/after photos


def _store(pair: PhotoPair, side: str, processed: ProcessedImage) -> None:
    stem = uuid.uuid4().hex
    getattr(pair, f"{side}_image").save(f"{stem}.jpg", processed.full, save=False)
    getattr(pair, f"{side}_thumbnail").save(f"{stem}_thumb.jpg", processed.thumbnail, save=False)


def _delete_files_on_commit(files) -> None:
    names = [(f.storage, f.name) for f in files if f]

    def delete():
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def photo_pair_add(
    *,
    acting_user: User,
    project: Project,
    caption: str,
    before: ProcessedImage | None = None,
    after: ProcessedImage | None = None,
    batch: Batch | None = None,
    milestone: Milestone | None = None,
) -> PhotoPair:
    """A spot photographed before the work (the after photo usually follows later).

    Photos arrive already checked and re-encoded by xietang.images (no EXIF/GPS)."""
    project, _community_ids = _begin(project, acting_user)
    if before is None and after is None:
        raise ValidationError({"before": _("请至少上传一张照片。")})
    if batch is not None and batch.project_id != project.pk:
        raise ValidationError({"batch": _("该批次不属于本项目。")})
    if milestone is not None and milestone.project_id != project.pk:
        raise ValidationError({"milestone": _("该节点不属于本项目。")})
    pair = PhotoPair(
        project=project, caption=(caption or "").strip(), batch=batch, milestone=milestone, uploaded_by=acting_user
    )
    if before is not None:
        _store(pair, "before", before)
    if after is not None:
        _store(pair, "after", after)
    _save(pair)
    sides = "、".join(label for label, photo in ((_("实施前"), before), (_("实施后"), after)) if photo is not None)
    _event(
        project,
        ProjectAction.PHOTO,
        acting_user,
        _("上传%(sides)s照片:%(caption)s") % {"sides": sides, "caption": pair.caption},
    )
    return pair


@transaction.atomic
def photo_pair_add_after(*, acting_user: User, pair: PhotoPair, after: ProcessedImage) -> PhotoPair:
    """The after photo of the same spot; a pair takes one (remove the pair to start again)."""
    project, _community_ids = _begin(pair.project, acting_user)
    pair = PhotoPair.objects.select_for_update().get(pk=pair.pk, project=project)
    if pair.after_image:
        raise ValidationError({"after": _("「%(caption)s」已有实施后照片。") % {"caption": pair.caption}})
    _store(pair, "after", after)
    pair.full_clean()
    pair.save(update_fields=["after_image", "after_thumbnail"])
    _event(project, ProjectAction.PHOTO, acting_user, _("上传实施后照片:%(caption)s") % {"caption": pair.caption})
    return pair


@transaction.atomic
def photo_pair_remove(*, acting_user: User, pair: PhotoPair) -> None:
    """Remove a wrong or unsuitable pair; its files go once the removal is committed."""
    project, _community_ids = _begin(pair.project, acting_user)
    pair = PhotoPair.objects.select_for_update().get(pk=pair.pk, project=project)
    files = [pair.before_image, pair.before_thumbnail, pair.after_image, pair.after_thumbnail]
    caption = pair.caption
    pair.delete()
    _delete_files_on_commit(files)
    _event(project, ProjectAction.PHOTO, acting_user, _("删除前后对比照片:%(caption)s") % {"caption": caption})


# Notifications


def project_recipients(project: Project) -> list[User]:
    """The responsible staff member and the coordinators (社区书记、社区工作者) of the project's communities."""
    coordinators = User.objects.filter(
        community__in=project.communities.all(),
        role__in=(Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER),
        is_active=True,
    ).order_by("pk")
    users = {user.pk: user for user in coordinators}
    if project.responsible_id and project.responsible.is_active:
        users.setdefault(project.responsible_id, project.responsible)
    return list(users.values())


def _notify_responsible(project: Project, event: ProjectEvent, actor: User, title: str) -> None:
    from accounts.notifications import notify

    if project.responsible_id is None or project.responsible_id == actor.pk:
        return
    notify(
        recipients=[project.responsible],
        key=f"project:{project.pk}:event:{event.pk}",
        title=title,
        body=event.note,
        link=project_link(project.pk),
    )


def _notify_team(project: Project, key: str, title: str, body: str) -> int:
    from accounts.notifications import notify

    return len(
        notify(recipients=project_recipients(project), key=key, title=title, body=body, link=project_link(project.pk))
    )


# System actions (Celery)
#
# The sweeps in projects/tasks/work.py hand each due row to one of these. Each
# claims its row with a conditional UPDATE of `reminded_at` / `late_notified_at`
# / `notice_reminded_at` inside the transaction and notifies only when its
# UPDATE matched, so a sweep run twice, or two at once, notifies once. A failure
# rolls the claim back with the rest and the next run tries again. Reminders
# change nothing about the project: no timeline row.


def _open_milestones():
    return Milestone.objects.filter(
        done_on__isnull=True, percent__lt=100, due_on__isnull=False, project__status__in=WORK_STATES
    )


def _open_batches():
    return Batch.objects.filter(
        delivered_quantity__lt=models.F("planned_quantity"), planned_end__isnull=False, project__status__in=WORK_STATES
    )


def milestones_due_soon(today: dt.date, days: int):
    return _open_milestones().filter(
        reminded_at__isnull=True, due_on__gte=today, due_on__lte=today + dt.timedelta(days=days)
    )


def milestones_late(today: dt.date):
    return _open_milestones().filter(late_notified_at__isnull=True, due_on__lt=today)


def batches_due_soon(today: dt.date, days: int):
    return _open_batches().filter(
        reminded_at__isnull=True, planned_end__gte=today, planned_end__lte=today + dt.timedelta(days=days)
    )


def batches_late(today: dt.date):
    return _open_batches().filter(late_notified_at__isnull=True, planned_end__lt=today)


def _days_late(due: dt.date, today: dt.date) -> int:
    return (today - due).days


@transaction.atomic
def milestone_remind_due(*, milestone_id: int, days: int) -> bool:
    """节点到期提醒, once: due within `days` (PROJECT_REMINDER_DAYS) and not done."""
    today = timezone.localdate()
    if not milestones_due_soon(today, days).filter(pk=milestone_id).update(reminded_at=timezone.now()):
        return False
    milestone = Milestone.objects.select_related("project__responsible").get(pk=milestone_id)
    project = milestone.project
    _notify_team(
        project,
        f"project:{project.pk}:milestone:{milestone.pk}:due",
        _("节点即将到期:%(project)s「%(title)s」") % {"project": project.title, "title": milestone.title},
        _("计划 %(date)s 完成,目前完成 %(percent)s%%。")
        % {"date": format_date(milestone.due_on), "percent": milestone.percent},
    )
    return True


@transaction.atomic
def milestone_notify_late(*, milestone_id: int) -> bool:
    """节点逾期, once: past its due date and not done."""
    today = timezone.localdate()
    if not milestones_late(today).filter(pk=milestone_id).update(late_notified_at=timezone.now()):
        return False
    milestone = Milestone.objects.select_related("project__responsible").get(pk=milestone_id)
    project = milestone.project
    _notify_team(
        project,
        f"project:{project.pk}:milestone:{milestone.pk}:late",
        _("节点已逾期:%(project)s「%(title)s」") % {"project": project.title, "title": milestone.title},
        _("计划 %(date)s 完成,已逾期 %(days)s 天,目前完成 %(percent)s%%。")
        % {
            "date": format_date(milestone.due_on),
            "days": _days_late(milestone.due_on, today),
            "percent": milestone.percent,
        },
    )
    return True


@transaction.atomic
def batch_remind_due(*, batch_id: int, days: int) -> bool:
    """批次到期提醒, once: planned to end within `days` and not fully delivered."""
    today = timezone.localdate()
    if not batches_due_soon(today, days).filter(pk=batch_id).update(reminded_at=timezone.now()):
        return False
    batch = Batch.objects.select_related("project__responsible").get(pk=batch_id)
    project = batch.project
    _notify_team(
        project,
        f"project:{project.pk}:batch:{batch.pk}:due",
        _("批次即将到期:%(project)s %(batch)s") % {"project": project.title, "batch": batch},
        _("计划 %(date)s 完成,已完成 %(done)s/%(plan)s。")
        % {
            "date": format_date(batch.planned_end),
            "done": batch.delivered_quantity,
            "plan": _quantity(project, batch.planned_quantity),
        },
    )
    return True


@transaction.atomic
def batch_notify_late(*, batch_id: int) -> bool:
    """批次逾期, once: past its planned end and not fully delivered."""
    today = timezone.localdate()
    if not batches_late(today).filter(pk=batch_id).update(late_notified_at=timezone.now()):
        return False
    batch = Batch.objects.select_related("project__responsible").get(pk=batch_id)
    project = batch.project
    _notify_team(
        project,
        f"project:{project.pk}:batch:{batch.pk}:late",
        _("批次已逾期:%(project)s %(batch)s") % {"project": project.title, "batch": batch},
        _("计划 %(date)s 完成,已逾期 %(days)s 天,已完成 %(done)s/%(plan)s。")
        % {
            "date": format_date(batch.planned_end),
            "days": _days_late(batch.planned_end, today),
            "done": batch.delivered_quantity,
            "plan": _quantity(project, batch.planned_quantity),
        },
    )
    return True


# 公示 reminder: the day before the notice period ends.
NOTICE_REMINDER_BEFORE = dt.timedelta(days=1)


def notices_ending_soon(now: dt.datetime):
    return Project.objects.filter(
        status=ProjectStatus.PUBLICISING,
        notice_reminded_at__isnull=True,
        notice_until__gt=now,
        notice_until__lte=now + NOTICE_REMINDER_BEFORE,
    )


def notices_ended(now: dt.datetime):
    return Project.objects.filter(status=ProjectStatus.PUBLICISING, notice_until__lte=now)


@transaction.atomic
def project_remind_notice_end(*, project_id: int) -> bool:
    """公示将结束, once: the day before `notice_until`; then residents may rate the project."""
    now = timezone.now()
    if not notices_ending_soon(now).filter(pk=project_id).update(notice_reminded_at=now):
        return False
    project = Project.objects.select_related("responsible").get(pk=project_id)
    until = timezone.localtime(project.notice_until)
    _notify_team(
        project,
        f"project:{project.pk}:notice-ending",
        _("公示即将结束:%(project)s") % {"project": project.title},
        _("公示期至 %(date)s %(time)s,结束后项目进入居民评价。")
        % {"date": format_date(until.date()), "time": f"{until:%H:%M}"},
    )
    return True
