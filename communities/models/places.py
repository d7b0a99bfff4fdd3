"""The grid tree (治理网格): 街道 → 社区 → 网格 → 小区 → 楼栋 → 单元/楼道 → 户. DOMAIN.md §1."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from xietang.scoping import ScopedQuerySet


class CommunityType(models.TextChoices):
    RESETTLEMENT = "resettlement", _("动迁安置")
    COMMERCIAL = "commercial", _("城市商品房")
    TALENT = "talent", _("人才集宿区")


class Street(models.Model):
    name = models.CharField(_("名称"), max_length=50, unique=True)
    code = models.CharField(
        _("统计代码"), max_length=9, unique=True, validators=[RegexValidator(r"^\d{9}$", _("街道统计代码为9位数字。"))]
    )

    class Meta:
        verbose_name = _("街道")
        verbose_name_plural = _("街道")

    def __str__(self) -> str:
        return self.name


class CommunityQuerySet(ScopedQuerySet):
    community_lookup = "pk"


class Community(models.Model):
    street = models.ForeignKey(Street, verbose_name=_("街道"), on_delete=models.PROTECT, related_name="communities")
    name = models.CharField(_("名称"), max_length=50, unique=True)
    # 12-digit statistical area code: 6 county + 3 street + 3 community.
    code = models.CharField(
        _("统计代码"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{12}$", _("社区统计代码为12位数字。"))],
    )
    community_type = models.CharField(_("社区类型"), max_length=16, choices=CommunityType.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("社区")
        verbose_name_plural = _("社区")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}社区"


class Grid(models.Model):
    community = models.ForeignKey(Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="grids")
    # Serial inside the community; the code is the community code plus the serial.
    serial = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("名称"), max_length=50)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("网格长"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_grids",
    )
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("网格员"), blank=True, related_name="grids"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["community__code", "serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "serial"],
                name="grid_serial_unique_in_community",
                violation_error_message=_("该社区已有这个序号的网格。"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        return f"{self.community.code}{self.serial:02d}"


class Compound(models.Model):
    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="compounds"
    )
    name = models.CharField(_("名称"), max_length=50)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        ordering = ["community__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                name="compound_name_unique_in_community",
                violation_error_message=_("该社区已有同名小区。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class BuildingQuerySet(ScopedQuerySet):
    community_lookup = "compound__community"


class Building(models.Model):
    """A building belongs to one compound and one grid (of the same community)."""

    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="buildings"
    )
    grid = models.ForeignKey(Grid, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="buildings")
    number = models.CharField(_("楼栋号"), max_length=20, help_text=_("如 39幢"))
    # Building codes are used by partners (Open311 address_id) to name a building.
    code = models.CharField(_("楼栋编码"), max_length=24, unique=True)
    leader = models.ForeignKey(
        "communities.Resident",
        verbose_name=_("楼栋长"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_buildings",
    )

    objects = BuildingQuerySet.as_manager()

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["compound__name", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "number"],
                name="building_number_unique_in_compound",
                violation_error_message=_("该小区已有这个楼栋号。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.compound.name}{self.number}"

    def clean(self) -> None:
        if self.compound_id and self.grid_id and self.compound.community_id != self.grid.community_id:
            raise ValidationError({"grid": _("楼栋所在网格必须与小区属于同一社区。")})


class StairwellQuerySet(ScopedQuerySet):
    community_lookup = "building__compound__community"


class Stairwell(models.Model):
    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="stairwells"
    )
    number = models.CharField(_("单元"), max_length=20, help_text=_("如 1单元"))

    objects = StairwellQuerySet.as_manager()

    class Meta:
        verbose_name = _("单元/楼道")
        verbose_name_plural = _("单元/楼道")
        ordering = ["building_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "number"],
                name="stairwell_unique_in_building",
                violation_error_message=_("该楼栋已有这个单元。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.building}{self.number}"


class HouseholdQuerySet(ScopedQuerySet):
    community_lookup = "stairwell__building__compound__community"


class Household(models.Model):
    stairwell = models.ForeignKey(
        Stairwell, verbose_name=_("单元/楼道"), on_delete=models.PROTECT, related_name="households"
    )
    room = models.CharField(_("户号"), max_length=20, help_text=_("如 301"))

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        ordering = ["stairwell_id", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["stairwell", "room"],
                name="household_unique_in_stairwell",
                violation_error_message=_("该单元已有这个户号。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.stairwell}{self.room}室"
