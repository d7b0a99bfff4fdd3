"""Co-building units (共建单位) and service positions (党群服务阵地). DOMAIN.md §4, §8."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xietang.scoping import ScopedQuerySet


class CoBuildingUnitType(models.TextChoices):
    GOVERNMENT = "government", _("机关事业单位")
    STATE_OWNED = "state_owned", _("国有企业")
    FINANCIAL = "financial", _("金融机构")
    PRIVATE = "private", _("民营企业")
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医疗机构")
    SOCIAL = "social", _("社会组织")
    PROPERTY = "property", _("物业企业")


class CoBuildingUnitQuerySet(ScopedQuerySet):
    # A unit is visible to each community it works with; the (unit, community)
    # pair is unique in the link table, so the join never duplicates rows.
    community_lookup = "communities"


class CoBuildingUnit(models.Model):
    street = models.ForeignKey("communities.Street", verbose_name=_("街道"), on_delete=models.PROTECT)
    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    unit_type = models.CharField(_("单位类型"), max_length=16, choices=CoBuildingUnitType.choices)
    party_organisation_name = models.CharField(_("单位党组织"), max_length=100, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    communities = models.ManyToManyField(
        "communities.Community", verbose_name=_("结对社区"), blank=True, related_name="co_building_units"
    )
    joined_on = models.DateField(_("共建起始日期"), null=True, blank=True)
    description = models.TextField(_("共建内容"), blank=True)

    objects = CoBuildingUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("共建单位")
        verbose_name_plural = _("共建单位")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PositionType(models.TextChoices):
    SERVICE_CENTRE = "service_centre", _("党群服务中心")
    LIVING_ROOM = "living_room", _("党群会客厅")
    OPINION_STATION = "opinion_station", _("海棠先锋民情站")
    HAPPINESS_STATION = "happiness_station", _("幸福驿站")
    WARM_STATION = "warm_station", _("暖心驿站")
    HEALTH_HUT = "health_hut", _("健康小屋")
    SHARED_GARDEN = "shared_garden", _("共享花圃")
    NEW_ECONOMY_CENTRE = "new_economy_centre", _("新业态党群服务中心")


class PositionLevel(models.TextChoices):
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")


class ServicePositionQuerySet(ScopedQuerySet):
    # Street-level positions serve every community.
    street_rows_public = True


class ServicePosition(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    position_type = models.CharField(_("阵地类型"), max_length=24, choices=PositionType.choices)
    level = models.CharField(_("层级"), max_length=10, choices=PositionLevel.choices)
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("社区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_positions",
    )
    grid = models.ForeignKey(
        "communities.Grid",
        verbose_name=_("网格"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_positions",
    )
    address = models.CharField(_("地址"), max_length=200)
    opening_hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    area_sqm = models.PositiveIntegerField(_("面积(平方米)"), null=True, blank=True)
    services = models.TextField(_("服务内容"), blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    objects = ServicePositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("党群服务阵地")
        verbose_name_plural = _("党群服务阵地")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="street", community__isnull=True) | (~Q(level="street") & Q(community__isnull=False)),
                name="position_level_matches_community",
                violation_error_message=_("街道级阵地不属于某个社区;社区级和网格级阵地必须指定社区。"),
            ),
            models.CheckConstraint(
                condition=~Q(level="grid") | Q(grid__isnull=False),
                name="grid_position_needs_grid",
                violation_error_message=_("网格级阵地必须指定网格。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.grid_id and self.community_id and self.grid.community_id != self.community_id:
            raise ValidationError({"grid": _("所选网格不在该社区内。")})
