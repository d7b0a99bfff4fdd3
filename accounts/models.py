from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STREET_ADMIN = "street_admin", _("街道管理员")
    STREET_REVIEWER = "street_reviewer", _("街道审阅")
    COMMUNITY_SECRETARY = "community_secretary", _("社区书记")
    COMMUNITY_WORKER = "community_worker", _("社区工作者")
    GRID_WORKER = "grid_worker", _("网格员")


STREET_ROLES = (Role.STREET_ADMIN, Role.STREET_REVIEWER)
COMMUNITY_ROLES = (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER, Role.GRID_WORKER)


class User(AbstractUser):
    """A staff account. Residents never log in; their pages are public."""

    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, blank=True)
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("所属社区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    phone = models.CharField(_("手机号"), max_length=11, blank=True)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in COMMUNITY_ROLES], community__isnull=False)
                | ~Q(role__in=[r.value for r in COMMUNITY_ROLES]),
                name="community_role_needs_community",
                violation_error_message=_("社区书记、社区工作者和网格员必须指定所属社区。"),
            ),
        ]

    @property
    def is_street_level(self) -> bool:
        return self.is_superuser or self.role in STREET_ROLES

    @property
    def has_staff_role(self) -> bool:
        return self.is_superuser or bool(self.role)

    def get_full_name(self) -> str:
        # Chinese order, no space: 周婷, not "婷 周".
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class AuditAction(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    REVEAL_ID = "reveal_id", _("查看完整证件号")
    IMPORT = "import", _("导入")
    EXPORT = "export", _("导出")


class AuditLog(models.Model):
    """Who did what to personal data, from where. Rows are never edited."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    action = models.CharField(_("操作"), max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200)
    changes = models.JSONField(_("变更字段"), default=dict, blank=True)
    source_ip = models.GenericIPAddressField(_("来源IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()} {self.object_repr}"


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NotificationQuerySet":
        """A staff member sees only their own notifications, whatever their role."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one staff member.

    The row itself is the in-app copy, visible as soon as the caller's
    transaction commits; email and SMS go out from `accounts.tasks`.
    `delivered_at` is set when a delivery run claims the row and again when it
    finishes, so two runs never send the same notification twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(_("去重键"), max_length=200)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("邮件短信发送时间"), null=True, blank=True)
    delivery_attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    last_error = models.CharField(_("最近一次发送错误"), max_length=500, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                name="notification_once_per_recipient_key",
                violation_error_message=_("这位工作人员已收到过同一事项的通知。"),
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
