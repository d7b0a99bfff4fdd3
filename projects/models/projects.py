"""Micro-projects (微实事): lifecycle, funding, batches, milestones, photos, ratings. DOMAIN.md §4."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models.lists import ProjectCategory, ProjectType
from xietang.scoping import ScopedQuerySet


class ProjectStatus(models.TextChoices):
    """征集 → 评议 → 立项 → 认领/筹资 → 实施 → 验收 → 公示 → 评价 (DOMAIN.md §4)."""

    COLLECTING = "collecting", _("征集中")
    DELIBERATING = "deliberating", _("评议中")
    PENDING_APPROVAL = "pending_approval", _("待立项")
    FUNDING = "funding", _("认领筹资")
    IMPLEMENTING = "implementing", _("实施中")
    PENDING_ACCEPTANCE = "pending_acceptance", _("待验收")
    PUBLICISING = "publicising", _("公示中")
    EVALUATING = "evaluating", _("评价中")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已终止")


# Residents see a project once it is put up for deliberation; drafts and
# cancelled ones stay internal.
PUBLIC_STATES = (
    ProjectStatus.DELIBERATING,
    ProjectStatus.PENDING_APPROVAL,
    ProjectStatus.FUNDING,
    ProjectStatus.IMPLEMENTING,
    ProjectStatus.PENDING_ACCEPTANCE,
    ProjectStatus.PUBLICISING,
    ProjectStatus.EVALUATING,
    ProjectStatus.COMPLETED,
)
# Approved by the street (立项) and not cancelled.
APPROVED_STATES = PUBLIC_STATES[2:]
UNDER_WAY_STATES = (ProjectStatus.FUNDING, ProjectStatus.IMPLEMENTING, ProjectStatus.PENDING_ACCEPTANCE)
# Accepted (验收通过): residents may rate the result.
RATEABLE_STATES = (ProjectStatus.PUBLICISING, ProjectStatus.EVALUATING, ProjectStatus.COMPLETED)


class ProjectAction(models.TextChoices):
    CREATE = "create", _("征集登记")
    EDIT = "edit", _("修改")
    DELIBERATE = "deliberate", _("提交评议")
    SUBMIT = "submit", _("提请立项")
    APPROVE = "approve", _("立项")
    RETURN = "return", _("退回")
    START = "start", _("开始实施")
    COMPLETE = "complete", _("申请验收")
    ACCEPT = "accept", _("验收通过")
    END_NOTICE = "end_notice", _("公示结束")
    CLOSE = "close", _("结项")
    CANCEL = "cancel", _("终止")
    CONTRIBUTE = "contribute", _("认领/出资")
    BATCH = "batch", _("批次进度")
    MILESTONE = "milestone", _("节点进度")
    PHOTO = "photo", _("上传照片")


class ProjectQuerySet(ScopedQuerySet):
    # A project may span several communities; the (project, community) pair is
    # unique in the link table, so the join never duplicates rows.
    community_lookup = "communities"

    def public(self) -> "ProjectQuerySet":
        return self.filter(status__in=PUBLIC_STATES)


class Project(models.Model):
    title = models.CharField(_("项目名称"), max_length=100)
    communities = models.ManyToManyField(
        "communities.Community", verbose_name=_("所属社区"), related_name="projects"
    )
    project_type = models.CharField(_("项目类型"), max_length=16, choices=ProjectType.choices)
    category = models.CharField(_("类别"), max_length=16, choices=ProjectCategory.choices)
    description = models.TextField(_("项目内容"), help_text=_("做什么、为什么做"))
    needs = models.ManyToManyField("projects.Need", verbose_name=_("对应需求"), blank=True, related_name="projects")
    menu_item = models.OneToOneField(
        "projects.MenuItem",
        verbose_name=_("来源菜单项"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project",
    )
    lead_organisation = models.ForeignKey(
        "communities.PartyOrganisation",
        verbose_name=_("牵头党组织"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    is_secretary_project = models.BooleanField(_("书记项目"), default=False)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_projects",
    )
    # Quantity projects (300 张长椅) measure progress by batches; the others by weighted milestones.
    planned_quantity = models.PositiveIntegerField(_("计划数量"), null=True, blank=True)
    quantity_unit = models.CharField(_("数量单位"), max_length=10, blank=True, help_text=_("如 张、个、处"))
    budget = models.DecimalField(_("预算(元)"), max_digits=12, decimal_places=2, default=0)
    beneficiaries = models.CharField(_("受益对象"), max_length=100, blank=True)
    beneficiary_count = models.PositiveIntegerField(_("受益人数"), null=True, blank=True)
    planned_start = models.DateField(_("计划开始"), null=True, blank=True)
    planned_end = models.DateField(_("计划完成"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=24, choices=ProjectStatus.choices, default=ProjectStatus.COLLECTING
    )
    approved_at = models.DateTimeField(_("立项时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("立项审批人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    # 公示 lasts at least PROJECT_NOTICE_DAYS (≥ 7 days, DOMAIN.md §4).
    notice_until = models.DateTimeField(_("公示截止"), null=True, blank=True)
    notice_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(_("结项时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("微实事项目")
        verbose_name_plural = _("微实事项目")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=0), name="project_budget_not_negative", violation_error_message=_("预算不能为负数。")
            ),
            models.CheckConstraint(
                condition=Q(planned_quantity__isnull=True) | ~Q(quantity_unit=""),
                name="project_quantity_needs_unit",
                violation_error_message=_("填写计划数量时须注明单位。"),
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="project_planned_dates_order",
                violation_error_message=_("计划完成日期不能早于计划开始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATES

    @property
    def measures_quantity(self) -> bool:
        return self.planned_quantity is not None


class ProjectEvent(models.Model):
    """The project's timeline: every step with actor and note."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("动作"), max_length=16, choices=ProjectAction.choices)
    from_status = models.CharField(max_length=24, choices=ProjectStatus.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=ProjectStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("项目进程")
        verbose_name_plural = _("项目进程")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["project", "created_at"])]

    def __str__(self) -> str:
        return f"{self.project} {self.get_action_display()}"


class FundingSource(models.TextChoices):
    UNIT = "unit", _("共建单位认领")
    STREET = "street", _("街道资金")
    COMMUNITY = "community", _("社区资金")
    OTHER = "other", _("其他")


class ContributionQuerySet(ScopedQuerySet):
    community_lookup = "project__communities"


class Contribution(models.Model):
    """Money or in-kind support for a project (认领/筹资)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="contributions")
    source = models.CharField(_("来源"), max_length=16, choices=FundingSource.choices)
    unit = models.ForeignKey(
        "communities.CoBuildingUnit",
        verbose_name=_("共建单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
    )
    # When the support was offered on the 资源清单, it is allocated from that resource.
    resource = models.ForeignKey(
        "projects.Resource",
        verbose_name=_("对应资源"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
    )
    amount = models.DecimalField(_("金额(元)"), max_digits=12, decimal_places=2, default=0)
    quantity = models.DecimalField(_("数量"), max_digits=10, decimal_places=1, null=True, blank=True)
    in_kind = models.CharField(_("实物或服务"), max_length=200, blank=True, help_text=_("如 提供设计方案、50 名志愿者"))
    contributed_on = models.DateField(_("日期"), default=timezone.localdate)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("认领与筹资")
        verbose_name_plural = _("认领与筹资")
        ordering = ["contributed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) | ~Q(in_kind=""),
                name="contribution_has_content",
                violation_error_message=_("请填写金额或实物/服务内容。"),
            ),
            models.CheckConstraint(
                condition=~Q(source="unit") | Q(unit__isnull=False),
                name="contribution_unit_named",
                violation_error_message=_("共建单位认领须选择单位。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.get_source_display()}"

    @property
    def contributor_name(self) -> str:
        return self.unit.name if self.unit_id else self.get_source_display()


_DIGITS = "零一二三四五六七八九"


def chinese_ordinal(number: int) -> str:
    """第二批, not 第2批: how the street writes batches (第一批 100 张, 第二批 120 张)."""
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    if tens == 0:
        return _DIGITS[ones]
    return f"{_DIGITS[tens] if tens > 1 else ''}十{_DIGITS[ones] if ones else ''}"


class Batch(models.Model):
    """A delivery batch of a quantity project (第一批 100 张)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveSmallIntegerField(_("批次"))
    title = models.CharField(_("名称"), max_length=100, blank=True)
    planned_quantity = models.PositiveIntegerField(_("计划数量"))
    delivered_quantity = models.PositiveIntegerField(_("完成数量"), default=0)
    planned_start = models.DateField(_("计划开始"), null=True, blank=True)
    planned_end = models.DateField(_("计划完成"), null=True, blank=True)
    delivered_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    late_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("实施批次")
        verbose_name_plural = _("实施批次")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="batch_number_unique", violation_error_message=_("批次编号重复。")
            ),
            models.CheckConstraint(
                condition=Q(delivered_quantity__lte=models.F("planned_quantity")),
                name="batch_delivered_within_plan",
                violation_error_message=_("完成数量不能超过本批计划数量。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title or _("第%(n)s批") % {"n": chinese_ordinal(self.number)}


class Milestone(models.Model):
    """A step of a non-quantity project; progress is the weighted roll-up of `percent`."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=100)
    weight = models.PositiveSmallIntegerField(
        _("权重"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    percent = models.PositiveSmallIntegerField(_("完成比例(%)"), default=0, validators=[MaxValueValidator(100)])
    due_on = models.DateField(_("计划完成"), null=True, blank=True)
    done_on = models.DateField(_("实际完成"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    late_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        ordering = ["project", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__lte=100), name="milestone_percent_max", violation_error_message=_("完成比例不能超过 100%。")
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1), name="milestone_weight_min", violation_error_message=_("权重至少为 1。")
            ),
        ]

    def __str__(self) -> str:
        return self.title


def _project_photo_path(instance, filename: str) -> str:
    return f"projects/{timezone.now():%Y/%m}/{filename}"


class PhotoPair(models.Model):
    """A before/after pair of one spot (e.g. 3幢楼道口), re-encoded by xietang.images.

    The after photo arrives later, when the batch is delivered."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="photo_pairs")
    batch = models.ForeignKey(Batch, on_delete=models.SET_NULL, null=True, blank=True, related_name="photo_pairs")
    milestone = models.ForeignKey(
        Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="photo_pairs"
    )
    caption = models.CharField(_("位置或说明"), max_length=100)
    before_image = models.FileField(_("实施前"), upload_to=_project_photo_path, blank=True)
    before_thumbnail = models.FileField(upload_to=_project_photo_path, blank=True)
    after_image = models.FileField(_("实施后"), upload_to=_project_photo_path, blank=True)
    after_thumbnail = models.FileField(upload_to=_project_photo_path, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("前后对比照片")
        verbose_name_plural = _("前后对比照片")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(before_image="") | ~Q(after_image=""),
                name="photo_pair_has_a_photo",
                violation_error_message=_("请至少上传一张照片。"),
            ),
        ]

    def __str__(self) -> str:
        return self.caption


class RatingStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    PUBLISHED = "published", _("已公开")
    HIDDEN = "hidden", _("不公开")


class ProjectRating(models.Model):
    """A resident's rating of an accepted project: one per mobile, shown after moderation."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ratings")
    # Keyed HMAC of the mobile: enforces one rating per number without storing it.
    mobile_digest = models.CharField(max_length=64, editable=False)
    mobile_tail = models.CharField(_("手机尾号"), max_length=4)
    stars = models.PositiveSmallIntegerField(_("评分"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.CharField(_("评价"), max_length=500, blank=True)
    status = models.CharField(_("审核"), max_length=16, choices=RatingStatus.choices, default=RatingStatus.PENDING)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目评价")
        verbose_name_plural = _("项目评价")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "mobile_digest"],
                name="project_rating_one_per_mobile",
                violation_error_message=_("该手机号已评价过这个项目。"),
            ),
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="project_rating_stars_range", violation_error_message=_("评分为 1 至 5 星。")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.stars}★"
