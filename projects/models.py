"""The three lists (三张清单) and micro-projects (微实事). DOMAIN.md §4.

For now only the needs list (需求清单) exists, so that resident requests can be
marked as evidence for a need; the micro-project issue builds the rest on it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xietang.scoping import ScopedQuerySet


class NeedStatus(models.TextChoices):
    OPEN = "open", _("待办")
    PLANNED = "planned", _("已列入计划")
    MET = "met", _("已满足")
    DECLINED = "declined", _("不予采纳")


class NeedQuerySet(ScopedQuerySet):
    pass


class Need(models.Model):
    """An item of the 需求清单: what residents need, with the evidence for it."""

    title = models.CharField(_("需求"), max_length=100)
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="needs"
    )
    beneficiaries = models.CharField(_("受益对象"), max_length=100, blank=True, help_text=_("如 39幢 80户"))
    status = models.CharField(_("状态"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    decline_reason = models.CharField(_("不予采纳理由"), max_length=200, blank=True)
    evidence_requests = models.ManyToManyField(
        "resident_requests.ResidentRequest", verbose_name=_("相关居民诉求"), blank=True, related_name="needs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("需求清单")
        verbose_name_plural = _("需求清单")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="need_declined_needs_reason",
                violation_error_message=_("不予采纳必须说明理由。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title
