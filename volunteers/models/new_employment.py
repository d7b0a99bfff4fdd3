"""New employment groups (新就业群体): couriers, riders and drivers, and their 暖心驿站. DOMAIN.md §7."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from communities.validators import mask_mobile, validate_mobile
from xietang.scoping import ScopedQuerySet


class WorkerKind(models.TextChoices):
    COURIER = "courier", _("快递员")
    RIDER = "rider", _("外卖骑手")
    DRIVER = "driver", _("网约车司机")
    OTHER = "other", _("其他")


class WorkerQuerySet(ScopedQuerySet):
    pass


class NewEmploymentWorker(models.Model):
    """A courier, rider or driver working in a community (彭山: 48 SF, 7 ZTO couriers, 8 Dingdong riders)."""

    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("工作所在社区"),
        on_delete=models.PROTECT,
        related_name="new_employment_workers",
    )
    name = models.CharField(_("姓名"), max_length=30)
    mobile = models.CharField(_("手机号"), max_length=11, validators=[validate_mobile])
    kind = models.CharField(_("职业"), max_length=10, choices=WorkerKind.choices)
    company = models.CharField(_("企业/平台"), max_length=60, help_text=_("如 顺丰速运、中通快递、叮咚买菜"))
    station = models.CharField(_("站点"), max_length=60, blank=True)
    is_party_member = models.BooleanField(_("党员"), default=False)
    # A 随手拍 reporter link (resident_requests) and a volunteer profile (points)
    # when the worker has enlisted as a mobile grid reporter.
    reporter = models.OneToOneField(
        "resident_requests.Reporter",
        verbose_name=_("随手拍报告人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="worker",
    )
    volunteer = models.OneToOneField(
        "volunteers.Volunteer",
        verbose_name=_("志愿者档案"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="worker",
    )
    registered_on = models.DateField(_("登记日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("新就业群体")
        verbose_name_plural = _("新就业群体")
        ordering = ["community", "company", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "mobile"],
                name="worker_mobile_unique_in_community",
                violation_error_message=_("本社区已登记该手机号。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.company})"

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)


class Amenity(models.TextChoices):
    REST = "rest", _("休息")
    WATER = "water", _("饮水")
    CHARGING = "charging", _("充电")
    MICROWAVE = "microwave", _("热饭")
    TOILET = "toilet", _("如厕")
    FIRST_AID = "first_aid", _("应急药箱")
    RAIN_GEAR = "rain_gear", _("雨具")
    WIFI = "wifi", _("无线网络")


class StationAmenityQuerySet(ScopedQuerySet):
    community_lookup = "position__community"
    street_rows_public = True


class StationAmenity(models.Model):
    """What a 暖心驿站 (a communities.ServicePosition) offers, and when."""

    position = models.ForeignKey(
        "communities.ServicePosition",
        verbose_name=_("暖心驿站"),
        on_delete=models.CASCADE,
        related_name="amenities",
    )
    amenity = models.CharField(_("服务"), max_length=12, choices=Amenity.choices)
    hours = models.CharField(_("时间"), max_length=40, blank=True, help_text=_("如 全天、8:00–20:00"))

    objects = StationAmenityQuerySet.as_manager()

    class Meta:
        verbose_name = _("驿站服务")
        verbose_name_plural = _("驿站服务")
        ordering = ["position", "amenity"]
        constraints = [
            models.UniqueConstraint(fields=["position", "amenity"], name="station_amenity_once"),
        ]

    def __str__(self) -> str:
        return self.get_amenity_display()
