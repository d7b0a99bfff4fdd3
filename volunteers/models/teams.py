"""Teams, volunteers and their service records. DOMAIN.md §6.

A volunteer's record holds what 民政部《志愿服务记录与证明出具办法(试行)》
asks for: personal basics, service (hours, in activities.py), training,
awards and evaluations.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.validators import mask_id_number, mask_mobile, validate_mobile
from xietang.scoping import ScopedQuerySet


class TeamType(models.TextChoices):
    RED_STEWARD = "red_steward", _("红管先锋")
    GOOD_NEIGHBOUR = "good_neighbour", _("友邻先锋")
    HAITANG = "haitang", _("海棠先锋")
    SILVER = "silver", _("银龄先锋")
    RED_BUTLER = "red_butler", _("红色管家")
    RESIDENT_SERVICE = "resident_service", _("居民服务团队")
    UNIT = "unit", _("共建单位志愿队")
    STUDENT = "student", _("大学生志愿队")
    OTHER = "other", _("其他")


class TeamQuerySet(ScopedQuerySet):
    # Street-level teams (no community, e.g. a university team serving the
    # whole street) are visible to every staff user.
    street_rows_public = True


class Team(models.Model):
    street = models.ForeignKey("communities.Street", verbose_name=_("街道"), on_delete=models.PROTECT)
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("所属社区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_teams",
        help_text=_("留空表示街道级队伍"),
    )
    name = models.CharField(_("队伍名称"), max_length=60)
    team_type = models.CharField(_("队伍类型"), max_length=20, choices=TeamType.choices)
    leader = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("队长"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
    )
    co_building_unit = models.ForeignKey(
        "communities.CoBuildingUnit",
        verbose_name=_("共建单位"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer_teams",
    )
    party_organisation = models.ForeignKey(
        "communities.PartyOrganisation",
        verbose_name=_("所属党组织"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer_teams",
    )
    description = models.TextField(_("队伍简介"), blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    is_public = models.BooleanField(_("在公开页面展示"), default=True)
    is_active = models.BooleanField(_("活跃"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿服务队伍")
        verbose_name_plural = _("志愿服务队伍")
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                name="team_name_unique_in_community",
                violation_error_message=_("本社区已有同名队伍。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VolunteerKind(models.TextChoices):
    RESIDENT = "resident", _("社区居民")
    UNIT_STAFF = "unit_staff", _("共建单位职工")
    STUDENT = "student", _("学生")
    NEW_EMPLOYMENT = "new_employment", _("新就业群体")
    OTHER = "other", _("其他")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    HK_MO_TW = "hk_mo_tw", _("港澳台居民居住证")
    PASSPORT = "passport", _("护照")
    OTHER = "other", _("其他证件")


class VolunteerQuerySet(ScopedQuerySet):
    pass


class Volunteer(models.Model):
    """One person, street-wide, registered by their home community (scope).

    Linked to a resident of the directory when they are one; outside people
    (a co-building unit's staff, a student) carry their own basics.
    """

    community = models.ForeignKey(
        "communities.Community", verbose_name=_("登记社区"), on_delete=models.PROTECT, related_name="volunteers"
    )
    resident = models.OneToOneField(
        "communities.Resident",
        verbose_name=_("对应居民"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
    )
    # Filled once the row exists (from its id): see volunteer_register.
    number = models.CharField(_("志愿者编号"), max_length=20, unique=True, null=True, blank=True)
    name = models.CharField(_("姓名"), max_length=30)
    mobile = models.CharField(_("手机号"), max_length=11, validators=[validate_mobile])
    kind = models.CharField(_("身份"), max_length=16, choices=VolunteerKind.choices, default=VolunteerKind.RESIDENT)
    affiliation = models.CharField(_("单位/学校"), max_length=60, blank=True)
    co_building_unit = models.ForeignKey(
        "communities.CoBuildingUnit",
        verbose_name=_("共建单位"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteers",
    )
    id_type = models.CharField(_("证件类型"), max_length=16, choices=IdType.choices, default=IdType.RESIDENT_ID)
    # Sensitive (PIPL): asked only for a certificate, shown masked.
    id_number = models.CharField(_("证件号码"), max_length=30, blank=True)
    is_party_member = models.BooleanField(_("党员"), default=False)
    skills = models.CharField(_("技能特长"), max_length=200, blank=True)
    availability = models.CharField(_("可服务时间"), max_length=100, blank=True)
    registered_on = models.DateField(_("注册日期"))
    is_active = models.BooleanField(_("有效"), default=True)
    # Cached sum of the points ledger, kept by volunteers.services.points only.
    points_balance = models.IntegerField(_("积分余额"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["mobile"], name="volunteer_mobile_unique", violation_error_message=_("该手机号已登记为志愿者。")
            ),
            models.CheckConstraint(
                condition=Q(points_balance__gte=0),
                name="volunteer_points_not_negative",
                violation_error_message=_("积分余额不能为负。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def masked_id_number(self) -> str:
        if self.id_type == IdType.RESIDENT_ID:
            return mask_id_number(self.id_number)
        if len(self.id_number) <= 4:
            return "*" * len(self.id_number)
        return "*" * (len(self.id_number) - 4) + self.id_number[-4:]


class MemberRole(models.TextChoices):
    LEADER = "leader", _("队长")
    DEPUTY = "deputy", _("副队长")
    MEMBER = "member", _("队员")


class Membership(models.Model):
    team = models.ForeignKey(Team, verbose_name=_("队伍"), on_delete=models.CASCADE, related_name="memberships")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("队内职务"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    joined_on = models.DateField(_("加入日期"))
    left_on = models.DateField(_("退出日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("队员")
        verbose_name_plural = _("队员")
        ordering = ["team", "role", "joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "volunteer"],
                name="membership_once_per_team",
                violation_error_message=_("该志愿者已在本队伍中。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.volunteer}"


class Training(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="trainings")
    title = models.CharField(_("培训内容"), max_length=100)
    provider = models.CharField(_("培训组织方"), max_length=60, blank=True)
    held_on = models.DateField(_("培训日期"))
    hours = models.DecimalField(_("培训学时"), max_digits=5, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return self.title


class Award(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="awards")
    title = models.CharField(_("表彰奖励"), max_length=100)
    awarded_by = models.CharField(_("授予单位"), max_length=60, blank=True)
    awarded_on = models.DateField(_("授予日期"))

    class Meta:
        verbose_name = _("表彰奖励")
        verbose_name_plural = _("表彰奖励")
        ordering = ["-awarded_on"]

    def __str__(self) -> str:
        return self.title


class EvaluationGrade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class Evaluation(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="evaluations")
    period = models.CharField(_("评价期间"), max_length=30, help_text=_("如 2026年上半年"))
    grade = models.CharField(_("评价等级"), max_length=10, choices=EvaluationGrade.choices)
    comment = models.CharField(_("评语"), max_length=200, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评价人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    evaluated_on = models.DateField(_("评价日期"))

    class Meta:
        verbose_name = _("服务评价")
        verbose_name_plural = _("服务评价")
        ordering = ["-evaluated_on"]

    def __str__(self) -> str:
        return f"{self.period} {self.get_grade_display()}"


class PriceType(models.TextChoices):
    FREE = "free", _("免费")
    LOW = "low", _("低偿")


class TeamServiceQuerySet(ScopedQuerySet):
    community_lookup = "team__community"
    street_rows_public = True


class TeamService(models.Model):
    """What a resident service team provides under the 产消者计划 (e.g. breakfast for couriers twice a week)."""

    team = models.ForeignKey(Team, verbose_name=_("队伍"), on_delete=models.CASCADE, related_name="services")
    title = models.CharField(_("服务项目"), max_length=60)
    description = models.TextField(_("服务内容"), blank=True)
    beneficiaries = models.CharField(_("服务对象"), max_length=60, help_text=_("如 快递小哥、外卖骑手"))
    schedule = models.CharField(_("服务频次"), max_length=60, help_text=_("如 每周二、周四 7:00–8:30"))
    price_type = models.CharField(_("收费方式"), max_length=8, choices=PriceType.choices, default=PriceType.FREE)
    price = models.DecimalField(_("单价(元)"), max_digits=8, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=10, default="份")
    is_active = models.BooleanField(_("提供中"), default=True)

    objects = TeamServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("产消者服务")
        verbose_name_plural = _("产消者服务")
        ordering = ["team", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_type="free", price__isnull=True) | Q(price_type="low", price__gt=0),
                name="team_service_price_matches_type",
                violation_error_message=_("免费服务不填单价;低偿服务须填写大于 0 的单价。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ServiceDeliveryQuerySet(ScopedQuerySet):
    community_lookup = "service__team__community"
    street_rows_public = True


class ServiceDelivery(models.Model):
    """One delivery of a team service: the log that shows the community what it bought."""

    service = models.ForeignKey(TeamService, verbose_name=_("服务项目"), on_delete=models.CASCADE, related_name="deliveries")
    delivered_on = models.DateField(_("服务日期"))
    quantity = models.PositiveIntegerField(_("数量"))
    people_served = models.PositiveIntegerField(_("服务人次"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ServiceDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["-delivered_on", "-id"]
        indexes = [models.Index(fields=["delivered_on"], name="service_delivery_date")]

    def __str__(self) -> str:
        return f"{self.service} {self.delivered_on}"
