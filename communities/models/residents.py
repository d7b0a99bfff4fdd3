"""Residents (居民). ID numbers are personal information under PIPL: stored whole,
shown masked, revealed only through an audited service. DOMAIN.md §2."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.validators import (
    id_birth_date,
    id_gender,
    mask_id_number,
    mask_mobile,
    validate_id_number,
    validate_mobile,
)
from xietang.scoping import ScopedQuerySet


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class ResidenceType(models.TextChoices):
    HUKOU = "hukou", _("户籍")
    PERMANENT = "permanent", _("常住")
    FLOATING = "floating", _("流动")
    TENANT = "tenant", _("租户")


class ResidentTag(models.Model):
    name = models.CharField(_("标签"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("居民标签")
        verbose_name_plural = _("居民标签")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Resident(models.Model):
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="residents"
    )
    household = models.ForeignKey(
        "communities.Household",
        verbose_name=_("户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="residents",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True, help_text=_("不在本社区房屋登记中的居民填写"))
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    mobile = models.CharField(_("手机号"), max_length=11, blank=True, validators=[validate_mobile])
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, validators=[validate_id_number])
    residence_type = models.CharField(_("居住类型"), max_length=16, choices=ResidenceType.choices)
    tags = models.ManyToManyField(ResidentTag, verbose_name=_("标签"), blank=True, related_name="residents")
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(id_number=""),
                name="resident_id_number_unique",
                violation_error_message=_("已有居民登记了这个身份证号。"),
            )
        ]
        indexes = [models.Index(fields=["community", "name"]), models.Index(fields=["mobile"])]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def full_address(self) -> str:
        return str(self.household) if self.household_id else self.address

    def clean(self) -> None:
        errors = {}
        if self.id_number and len(self.id_number) == 18:
            birth = id_birth_date(self.id_number)
            if self.birth_date and birth and birth != self.birth_date:
                errors["birth_date"] = _("出生日期与身份证号中的出生日期(%(date)s)不一致。") % {
                    "date": birth.strftime("%Y-%m-%d")
                }
            if self.gender and id_gender(self.id_number) != self.gender:
                errors["gender"] = _("性别与身份证号第17位不一致。")
        if self.household_id and self.community_id:
            household_community = self.household.stairwell.building.compound.community_id
            if household_community != self.community_id:
                errors["household"] = _("所选房屋不在该居民的社区内。")
        if not self.household_id and not self.address:
            errors["address"] = _("请选择房屋或填写地址。")
        if errors:
            raise ValidationError(errors)


class ResidentImportStatus(models.TextChoices):
    CHECKED = "checked", _("已预检")
    APPLIED = "applied", _("已导入")


class ResidentImport(models.Model):
    """A resident sheet checked in a dry run; nothing is created until `applied`."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT)
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("社区"), on_delete=models.PROTECT, null=True, blank=True
    )
    file_name = models.CharField(_("文件名"), max_length=200)
    rows = models.JSONField(_("有效行"), default=list)
    errors = models.JSONField(_("错误"), default=list)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=ResidentImportStatus.choices, default=ResidentImportStatus.CHECKED
    )
    created_count = models.PositiveIntegerField(_("已创建"), default=0)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    applied_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民导入")
        verbose_name_plural = _("居民导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
