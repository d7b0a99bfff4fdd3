"""Residents' ratings of accepted projects (评价, DOMAIN.md §4) and their moderation.

A rating comes from the public project page (no account): one per mobile per
project, kept as a keyed digest plus the last four digits, never the number.
It is shown only after a staff member of the project's scope publishes it.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditAction, Role, User
from communities.validators import validate_mobile
from projects.models import RATEABLE_STATES, Project, ProjectRating, RatingStatus
from projects.permissions import can_moderate_ratings
from xietang.digests import mobile_digest

logger = logging.getLogger(__name__)

COMMENT_MAX = 500
NOTE_MAX = 200


def _duplicate_message() -> str:
    return _("该手机号已评价过这个项目,每个手机号只能评价一次。")


def _moderators(project: Project) -> list[User]:
    """Who hears of a new rating: the project's responsible staff member, else its communities' 书记/工作者."""
    if project.responsible_id and project.responsible.is_active and project.responsible.has_staff_role:
        return [project.responsible]
    return list(
        User.objects.filter(
            community__in=project.communities.all(),
            role__in=(Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER),
            is_active=True,
        ).distinct()
    )


@transaction.atomic
def rating_submit(
    *, project: Project, mobile: str, stars: int, comment: str = "", acting_user: User | None = None
) -> ProjectRating:
    """A resident rates an accepted project (验收通过: 公示中, 评价中 or 已完成); it waits for moderation.

    `acting_user` is None: residents have no account. The unique constraint on
    (project, mobile digest) is the final guard when the same mobile submits twice at once.
    """
    if acting_user is not None:
        raise PermissionDenied(_("项目评价由居民在公开页面提交。"))
    # A fresh read: the page the resident saw may be older than the project's state.
    project = Project.objects.select_related("responsible").get(pk=project.pk)
    if project.status not in RATEABLE_STATES:
        raise ValidationError(_("项目验收通过后才能评价,请耐心等待。"), code="not_rateable")
    mobile = (mobile or "").strip()
    try:
        validate_mobile(mobile)
    except ValidationError as error:
        raise ValidationError({"mobile": error.messages}) from error
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": _("评价最多 500 字,请删减一些。")})

    digest = mobile_digest(mobile)
    if ProjectRating.objects.filter(project=project, mobile_digest=digest).exists():
        raise ValidationError({"mobile": _duplicate_message()}, code="duplicate")
    rating = ProjectRating(project=project, mobile_digest=digest, mobile_tail=mobile[-4:], stars=stars, comment=comment)
    rating.full_clean()
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as error:
        # The same mobile, a second time at the same moment: the constraint decided.
        raise ValidationError({"mobile": _duplicate_message()}, code="duplicate") from error

    recipients = _moderators(project)
    if recipients:
        from accounts.notifications import notify

        # notify() enqueues email/SMS on commit; the in-app row commits with the rating.
        notify(
            recipients=recipients,
            key=f"project:{project.pk}:rating:{rating.pk}",
            title=_("新的项目评价待审核:%(title)s") % {"title": project.title},
            body=_("%(stars)s 星。%(comment)s") % {"stars": stars, "comment": comment[:100]},
            link=reverse("projects:rating_list"),
        )
    logger.info("project %s: rating %s submitted (%s stars), pending", project.pk, rating.pk, stars)
    return rating


@transaction.atomic
def rating_moderate(*, acting_user: User, rating: ProjectRating, publish: bool, note: str = "") -> ProjectRating:
    """公开 or 不公开 a rating; the moderator and time are stored on it, the note in the audit log.

    A decision may be changed later (a published comment turns out to name a neighbour),
    but the same decision twice is refused, so two staff pressing at once see who was first.
    """
    rating = ProjectRating.objects.select_for_update().get(pk=rating.pk)
    community_ids = list(rating.project.communities.values_list("pk", flat=True))
    visible = Project.objects.visible_to(acting_user).filter(pk=rating.project_id).exists()
    if not visible or not can_moderate_ratings(acting_user, community_ids):
        raise PermissionDenied(_("您不能审核该项目的评价。"))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("审核说明最多 200 字。")})
    target = RatingStatus.PUBLISHED if publish else RatingStatus.HIDDEN
    if rating.status == target:
        raise ValidationError(
            _("这条评价已经是「%(status)s」,不需要再次操作。") % {"status": RatingStatus(target).label},
            code="unchanged",
        )
    previous = rating.status
    rating.status = target
    rating.moderated_by = acting_user
    rating.moderated_at = timezone.now()
    rating.full_clean(exclude={"mobile_digest"})
    rating.save(update_fields=["status", "moderated_by", "moderated_at"])
    # ProjectRating has no note column (models are fixed); the audit row keeps who, when, what and why.
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=rating,
        changes={"status": [previous, target], **({"note": note} if note else {})},
        object_repr=_("%(project)s 的评价(尾号%(tail)s)")
        % {"project": rating.project.title, "tail": rating.mobile_tail},
    )
    return rating


__all__ = ["rating_moderate", "rating_submit"]
