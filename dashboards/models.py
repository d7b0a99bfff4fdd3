"""Dashboard preferences and report runs. DOMAIN.md §9.

Dashboards own no domain data: they read requests, projects and volunteers
through those apps' selectors. What is stored here is what a user chose
(period and scope, remembered) and what Celery produced (report files).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xietang.scoping import ScopedQuerySet


class PeriodKind(models.TextChoices):
    MONTH = "month", _("本月")
    QUARTER = "quarter", _("本季度")
    YEAR = "year", _("本年")
    CUSTOM = "custom", _("自定义")


class DashboardPreference(models.Model):
    """The period and scope a user last looked at, so the dashboard opens where they left it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dashboard_preference")
    period = models.CharField(_("统计周期"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.MONTH)
    custom_start = models.DateField(_("起始日期"), null=True, blank=True)
    custom_end = models.DateField(_("截止日期"), null=True, blank=True)
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("社区"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    grid = models.ForeignKey(
        "communities.Grid", verbose_name=_("网格"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("看板偏好")
        verbose_name_plural = _("看板偏好")
        constraints = [
            models.CheckConstraint(
                condition=~Q(period="custom") | Q(custom_start__isnull=False, custom_end__isnull=False),
                name="dashboard_custom_period_has_dates",
            ),
        ]


class ReportPeriod(models.TextChoices):
    MONTH = "month", _("月报")
    QUARTER = "quarter", _("季报")
    YEAR = "year", _("年报")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ReportRunQuerySet(ScopedQuerySet):
    # Street reports (no community) are the street's: community staff see only their own.
    pass


class ReportRun(models.Model):
    """One generation of one report (scope × period), with its progress and files."""

    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("社区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_runs",
        help_text=_("留空为全街道报表"),
    )
    period_kind = models.CharField(_("报表类型"), max_length=10, choices=ReportPeriod.choices)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    step = models.CharField(_("当前步骤"), max_length=60, blank=True)
    xlsx = models.FileField(upload_to="reports/%Y/", blank=True)
    pdf = models.FileField(upload_to="reports/%Y/", blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    # Null when beat scheduled it.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("报表")
        verbose_name_plural = _("报表")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "period_kind", "period_start"], name="report_run_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="report_period_ordered"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_period_kind_display()} {self.period_start}"
