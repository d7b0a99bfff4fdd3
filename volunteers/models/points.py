"""Points ledger (志愿积分), the community 积分超市 and service certificates (志愿服务记录证明)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xietang.scoping import ScopedQuerySet


class PointsKind(models.TextChoices):
    HOURS = "hours", _("服务时长")
    REPORT = "report", _("随手拍")
    REDEEM = "redeem", _("积分兑换")
    ADJUST = "adjust", _("人工调整")
    REVERSAL = "reversal", _("冲正")


class PointsEntryQuerySet(ScopedQuerySet):
    community_lookup = "volunteer__community"


class PointsEntry(models.Model):
    """One line of a volunteer's ledger; never edited: a mistake is reversed by a new line.

    `balance_after` is written under a lock on the volunteer row, so the
    ledger reads like a bank statement and can never go below zero.
    """

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="points_entries")
    kind = models.CharField(_("类型"), max_length=10, choices=PointsKind.choices)
    delta = models.IntegerField(_("积分变动"))
    balance_after = models.IntegerField(_("变动后余额"))
    reason = models.CharField(_("事由"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # What earned or spent the points; each source earns once (constraints below).
    hours = models.ForeignKey(
        "volunteers.ServiceHours", on_delete=models.PROTECT, null=True, blank=True, related_name="points_entries"
    )
    report = models.ForeignKey(
        "resident_requests.ResidentRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="points_entries",
    )
    redemption = models.OneToOneField(
        "volunteers.Redemption", on_delete=models.PROTECT, null=True, blank=True, related_name="points_entry"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = PointsEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_after__gte=0),
                name="points_balance_after_not_negative",
                violation_error_message=_("积分余额不足。"),
            ),
            models.CheckConstraint(condition=~Q(delta=0), name="points_delta_not_zero"),
            models.UniqueConstraint(
                fields=["hours"], condition=Q(kind="hours"), name="points_once_per_hours_record"
            ),
            models.UniqueConstraint(
                fields=["report"], condition=Q(kind="report"), name="points_once_per_report"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.delta:+d}"


class RewardItemQuerySet(ScopedQuerySet):
    pass


class RewardItem(models.Model):
    """An item of a community's 积分超市."""

    community = models.ForeignKey(
        "communities.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="reward_items"
    )
    name = models.CharField(_("物品"), max_length=60)
    points_cost = models.PositiveIntegerField(_("所需积分"))
    stock = models.PositiveIntegerField(_("库存"), default=0)
    is_active = models.BooleanField(_("上架"), default=True)

    objects = RewardItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分超市物品")
        verbose_name_plural = _("积分超市物品")
        ordering = ["community", "points_cost", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points_cost__gte=1),
                name="reward_item_costs_points",
                violation_error_message=_("所需积分至少为 1。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    item = models.ForeignKey(RewardItem, verbose_name=_("物品"), on_delete=models.PROTECT, related_name="redemptions")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="redemptions")
    quantity = models.PositiveSmallIntegerField(_("数量"), default=1)
    points = models.PositiveIntegerField(_("消耗积分"))
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("积分兑换")
        verbose_name_plural = _("积分兑换")
        ordering = ["-created_at"]


class CertificateStatus(models.TextChoices):
    PENDING = "pending", _("生成中")
    READY = "ready", _("已生成")
    FAILED = "failed", _("生成失败")


def new_verification_code() -> str:
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class CertificateQuerySet(ScopedQuerySet):
    community_lookup = "volunteer__community"


class Certificate(models.Model):
    """志愿服务记录证明. Its figures are a snapshot taken when it is issued.

    "谁记录谁证明": the issuer is the community that kept the record; the PDF
    is drawn by a Celery task and verified publicly by number + code.
    """

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField(_("证明编号"), max_length=24, unique=True)
    verification_code = models.CharField(
        _("验证码"), max_length=8, default=new_verification_code, editable=False
    )
    period_start = models.DateField(_("服务起始日期"))
    period_end = models.DateField(_("服务截止日期"))
    # Snapshot: the certificate says what the record said on the day of issue.
    holder_name = models.CharField(_("姓名"), max_length=30)
    id_type = models.CharField(_("证件类型"), max_length=16)
    id_number_masked = models.CharField(_("证件号码"), max_length=30)
    volunteer_number = models.CharField(_("志愿者编号"), max_length=20)
    total_minutes = models.PositiveIntegerField(_("服务时长(分钟)"))
    service_content = models.TextField(_("服务内容"))
    issuer = models.CharField(_("出具单位"), max_length=80)
    handling_officer = models.CharField(_("经办人"), max_length=30)
    issued_on = models.DateField(_("出具日期"))
    status = models.CharField(_("状态"), max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.PENDING)
    pdf = models.FileField(upload_to="certificates/%Y/", blank=True)
    error = models.CharField(_("失败原因"), max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿服务记录证明")
        verbose_name_plural = _("志愿服务记录证明")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="certificate_period_ordered",
                violation_error_message=_("截止日期不能早于起始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def hours(self) -> float:
        return round(self.total_minutes / 60, 1)
