"""The five-tier party tree (党组织), each organisation covering a place. DOMAIN.md §1.

街道大工委 → 邻里大党委 → 社区党组织 → 小区党支部 → 楼道党小组. Tier names live
in `PartyTier` so a street that says 区域大党委 can rename tier 2 in admin.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from xietang.scoping import ScopedQuerySet


class PartyTier(models.Model):
    # 1 = street, 2 = neighbourhood, 3 = community, 4 = compound, 5 = stairwell.
    STREET, NEIGHBOURHOOD, COMMUNITY, COMPOUND, STAIRWELL = 1, 2, 3, 4, 5

    level = models.PositiveSmallIntegerField(_("层级"), unique=True)
    name = models.CharField(_("层级名称"), max_length=30)

    class Meta:
        verbose_name = _("党组织层级")
        verbose_name_plural = _("党组织层级")
        ordering = ["level"]

    def __str__(self) -> str:
        return self.name


class PartyOrganisationQuerySet(ScopedQuerySet):
    # Tiers 1–2 span several communities: every staff member sees them.
    street_rows_public = True


class PartyOrganisation(models.Model):
    tier = models.ForeignKey(PartyTier, verbose_name=_("层级"), on_delete=models.PROTECT, related_name="organisations")
    parent = models.ForeignKey(
        "self", verbose_name=_("上级组织"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("名称"), max_length=100)
    # What the organisation covers, by tier: the street (1), a set of
    # communities (2, 3), a compound (4), a building or one stairwell (5).
    street = models.ForeignKey(
        "communities.Street", verbose_name=_("覆盖街道"), on_delete=models.PROTECT, null=True, blank=True
    )
    covered_communities = models.ManyToManyField(
        "communities.Community", verbose_name=_("覆盖社区"), blank=True, related_name="covering_organisations"
    )
    compound = models.ForeignKey(
        "communities.Compound",
        verbose_name=_("覆盖小区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_branches",
    )
    building = models.ForeignKey(
        "communities.Building",
        verbose_name=_("覆盖楼栋"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_groups",
    )
    stairwell = models.ForeignKey(
        "communities.Stairwell",
        verbose_name=_("覆盖楼道"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_groups",
    )
    # The community the organisation lies in (tiers 3–5); empty above. Kept
    # so scoping is one indexed filter, set by the party services.
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("所属社区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_organisations",
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)

    objects = PartyOrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["tier__level", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.tier_id and self.parent.tier.level >= self.tier.level:
            raise ValidationError({"parent": _("上级组织的层级必须高于本组织。")})
        level = self.tier.level if self.tier_id else None
        if level == PartyTier.COMPOUND and not self.compound_id:
            raise ValidationError({"compound": _("小区党支部必须指定覆盖的小区。")})
        if level == PartyTier.STAIRWELL and not (self.building_id or self.stairwell_id):
            raise ValidationError({"building": _("楼道党小组必须指定覆盖的楼栋或楼道。")})


class PartyMemberStatus(models.TextChoices):
    EMPLOYED = "employed", _("在职党员")
    RETIRED = "retired", _("退休党员")
    FLOATING = "floating", _("流动党员")
    NEW_EMPLOYMENT = "new_employment", _("新就业群体党员")


class DualReportStatus(models.TextChoices):
    NOT_APPLICABLE = "n/a", _("不适用")
    PENDING = "pending", _("未报到")
    REPORTED = "reported", _("已报到")


class PartyMemberQuerySet(ScopedQuerySet):
    community_lookup = "resident__community"


class PartyMember(models.Model):
    """The party member profile of a resident."""

    resident = models.OneToOneField(
        "communities.Resident", verbose_name=_("居民"), on_delete=models.CASCADE, related_name="party_member"
    )
    organisation = models.ForeignKey(
        PartyOrganisation,
        verbose_name=_("所在党组织"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    status = models.CharField(_("党员类别"), max_length=16, choices=PartyMemberStatus.choices)
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)
    # 双报到: employed members report to their home community as well as their employer.
    dual_report = models.CharField(
        _("双报到"), max_length=10, choices=DualReportStatus.choices, default=DualReportStatus.NOT_APPLICABLE
    )
    dual_reported_on = models.DateField(_("报到日期"), null=True, blank=True)
    work_unit = models.CharField(_("工作单位"), max_length=100, blank=True)
    haitang_vanguard = models.BooleanField(_("海棠先锋"), default=False)

    objects = PartyMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")

    def __str__(self) -> str:
        return self.resident.name


class PositionTitle(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY = "deputy", _("副书记")
    MEMBER = "member", _("委员")
    GROUP_LEADER = "group_leader", _("组长")


class PartyPosition(models.Model):
    organisation = models.ForeignKey(
        PartyOrganisation, verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="positions"
    )
    member = models.ForeignKey(
        PartyMember, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="positions"
    )
    title = models.CharField(_("职务"), max_length=16, choices=PositionTitle.choices)
    since = models.DateField(_("任职日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("党内职务")
        verbose_name_plural = _("党内职务")
        ordering = ["organisation_id", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "member", "title"],
                name="position_unique",
                violation_error_message=_("该党员已担任此职务。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_title_display()} {self.member}"
