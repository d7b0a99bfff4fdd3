"""The three lists (三张清单): needs, resources and the project menu. DOMAIN.md §4."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xietang.scoping import ScopedQuerySet


class ProjectCategory(models.TextChoices):
    """What a need, a resource or a project is about; matching pairs the same category."""

    ENVIRONMENT = "environment", _("环境整治")
    PARKING = "parking", _("停车与充电")
    ELDERLY = "elderly", _("适老与助老")
    FACILITIES = "facilities", _("公共设施")
    GREENING = "greening", _("绿化与口袋公园")
    SAFETY = "safety", _("平安与消防")
    CULTURE = "culture", _("文化与活动")
    CONVENIENCE = "convenience", _("便民服务")
    OTHER = "other", _("其他")


class ProjectType(models.TextChoices):
    WORKS = "works", _("工程类")
    SERVICE = "service", _("服务类")
    GOODS = "goods", _("货物类")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("待办")
    PLANNED = "planned", _("已列入计划")
    MET = "met", _("已满足")
    DECLINED = "declined", _("不予采纳")


class NeedSource(models.TextChoices):
    REQUESTS = "requests", _("居民诉求")
    VISIT = "visit", _("网格走访")
    MEETING = "meeting", _("协商议事")
    DATA = "data", _("数据筛查")
    OTHER = "other", _("其他")


class NeedQuerySet(ScopedQuerySet):
    pass


class Need(models.Model):
    """An item of the 需求清单: what residents need, with the evidence for it."""

    title = models.CharField(_("需求"), max_length=100)
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="needs"
    )
    compound = models.ForeignKey(
        "communities.Compound", verbose_name=_("小区"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    buildings = models.ManyToManyField("communities.Building", verbose_name=_("楼栋"), blank=True, related_name="+")
    category = models.CharField(
        _("类别"), max_length=16, choices=ProjectCategory.choices, default=ProjectCategory.OTHER
    )
    description = models.TextField(_("需求说明"), blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=NeedSource.choices, default=NeedSource.REQUESTS)
    beneficiaries = models.CharField(_("受益对象"), max_length=100, blank=True, help_text=_("如 39幢 80户"))
    # Evidence other than linked requests: visit notes, meeting opinions, data screening.
    evidence_notes = models.TextField(_("其他依据"), blank=True, help_text=_("走访记录、议事意见、数据筛查结果等"))
    status = models.CharField(_("状态"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    decline_reason = models.CharField(_("不予采纳理由"), max_length=200, blank=True)
    evidence_requests = models.ManyToManyField(
        "resident_requests.ResidentRequest", verbose_name=_("相关居民诉求"), blank=True, related_name="needs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("需求清单")
        verbose_name_plural = _("需求清单")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="need_declined_needs_reason",
                violation_error_message=_("不予采纳必须说明理由。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ResourceKind(models.TextChoices):
    MONEY = "money", _("资金")
    MATERIALS = "materials", _("物资")
    SERVICES = "services", _("服务")
    VOLUNTEERS = "volunteers", _("志愿者")
    VENUE = "venue", _("场地")


class ResourceQuerySet(ScopedQuerySet):
    # A resource with no community is offered street-wide: every community may use it.
    street_rows_public = True


class Resource(models.Model):
    """An item of the 资源清单: what a co-building unit or a street department offers."""

    title = models.CharField(_("资源"), max_length=100)
    kind = models.CharField(_("资源类型"), max_length=16, choices=ResourceKind.choices)
    category = models.CharField(
        _("适用类别"), max_length=16, choices=ProjectCategory.choices, blank=True, help_text=_("留空表示不限")
    )
    provider_unit = models.ForeignKey(
        "communities.CoBuildingUnit",
        verbose_name=_("提供单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
    )
    provider_department = models.CharField(_("提供部门"), max_length=100, blank=True, help_text=_("街道部门等"))
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("面向社区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        help_text=_("留空表示全街道可用"),
    )
    description = models.TextField(_("说明"), blank=True)
    # Money is counted in yuan; other kinds in `quantity` of `unit` (20 名志愿者, 50 箱).
    amount = models.DecimalField(_("金额(元)"), max_digits=12, decimal_places=2, null=True, blank=True)
    quantity = models.DecimalField(_("数量"), max_digits=10, decimal_places=1, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=10, blank=True)
    valid_from = models.DateField(_("有效期自"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    withdrawn = models.BooleanField(_("已撤回"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("资源清单")
        verbose_name_plural = _("资源清单")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="money") | Q(amount__gt=0),
                name="resource_money_needs_amount",
                violation_error_message=_("资金类资源必须填写金额。"),
            ),
            models.CheckConstraint(
                condition=~Q(provider_unit__isnull=True, provider_department=""),
                name="resource_needs_provider",
                violation_error_message=_("请填写提供单位或提供部门。"),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="resource_valid_period_order",
                violation_error_message=_("有效期结束日期不能早于开始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def provider_name(self) -> str:
        return self.provider_unit.name if self.provider_unit_id else self.provider_department


class MenuStatus(models.TextChoices):
    CANDIDATE = "candidate", _("待筛选")
    SHORTLISTED = "shortlisted", _("入选菜单")
    REJECTED = "rejected", _("未入选")
    ADOPTED = "adopted", _("已转为项目")


class MenuItemQuerySet(ScopedQuerySet):
    pass


class MenuItem(models.Model):
    """An item of the 实事菜单: a candidate project drawn from needs, screened on
    需求合理 (a reasonable need) and 切实可行 (feasible) before residents vote on it."""

    title = models.CharField(_("候选项目"), max_length=100)
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="menu_items"
    )
    needs = models.ManyToManyField(Need, verbose_name=_("对应需求"), blank=True, related_name="menu_items")
    category = models.CharField(
        _("类别"), max_length=16, choices=ProjectCategory.choices, default=ProjectCategory.OTHER
    )
    project_type = models.CharField(_("项目类型"), max_length=16, choices=ProjectType.choices, blank=True)
    description = models.TextField(_("内容"), blank=True)
    estimated_budget = models.DecimalField(_("估算金额(元)"), max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=MenuStatus.choices, default=MenuStatus.CANDIDATE)
    need_reasonable = models.BooleanField(_("需求合理"), null=True)
    feasible = models.BooleanField(_("切实可行"), null=True)
    screening_note = models.CharField(_("筛选意见"), max_length=300, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("筛选人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    screened_at = models.DateTimeField(_("筛选时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = MenuItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("实事菜单")
        verbose_name_plural = _("实事菜单")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["shortlisted", "adopted"]) | Q(need_reasonable=True, feasible=True),
                name="menu_item_shortlist_needs_screening",
                violation_error_message=_("入选菜单须经筛选确认需求合理、切实可行。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(screening_note=""),
                name="menu_item_rejected_needs_note",
                violation_error_message=_("未入选须写明筛选意见。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title
