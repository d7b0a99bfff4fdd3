"""Serialisers for /api/v1/: the grid tree, the party tree, residents, units and positions.

Labels and help texts come from the models' verbose names; computed fields
name theirs here. Serialisers only shape data: resident writes go through
`communities.services` (see `communities.api.views.ResidentViewSet`).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from communities.models import (
    Building,
    CoBuildingUnit,
    Community,
    Compound,
    Grid,
    Household,
    PartyMember,
    PartyOrganisation,
    PartyTier,
    Resident,
    ResidentTag,
    ServicePosition,
    Stairwell,
)
from communities.validators import normalise_id_number, validate_id_number


def constraint_message(model, name: str) -> str:
    """The readable message a model constraint declares, so the API answers with the same words."""
    return next(c.violation_error_message for c in model._meta.constraints if c.name == name)


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key that must name a row the requesting user may see.

    An out-of-scope pk is rejected exactly like a missing one, so a write
    never hints that a row exists in another community.
    """

    def get_queryset(self):
        return self.queryset.model.objects.visible_to(self.context["request"].user)


# The grid tree


class CommunitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Community
        fields = ["id", "street", "name", "code", "community_type", "address", "phone"]


class StaffBriefSerializer(serializers.Serializer):
    """A staff account as shown next to a grid: who, not how to log in."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="display_name", read_only=True, label=_("姓名"))


class GridSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True, label=_("网格编码"), help_text=_("社区统计代码加两位序号"))
    leader = StaffBriefSerializer(read_only=True, allow_null=True, label=_("网格长"))
    workers = StaffBriefSerializer(many=True, read_only=True, label=_("网格员"))

    class Meta:
        model = Grid
        fields = ["id", "community", "serial", "code", "name", "leader", "workers"]


class CompoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Compound
        fields = ["id", "community", "name", "address"]


class BuildingSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True, label=_("楼栋全称"))

    class Meta:
        model = Building
        fields = ["id", "compound", "grid", "number", "code", "name", "leader"]


class StairwellSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True, label=_("单元全称"))

    class Meta:
        model = Stairwell
        fields = ["id", "building", "number", "name"]


class HouseholdSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True, label=_("房屋全称"))

    class Meta:
        model = Household
        fields = ["id", "stairwell", "room", "name"]


# The party tree


class PartyTierSerializer(serializers.ModelSerializer):
    class Meta:
        model = PartyTier
        fields = ["id", "level", "name"]


class PartyOrganisationSerializer(serializers.ModelSerializer):
    tier = PartyTierSerializer(read_only=True)
    covered_place = serializers.SerializerMethodField(label=_("覆盖范围"))
    member_count = serializers.IntegerField(read_only=True, label=_("党员人数"))

    class Meta:
        model = PartyOrganisation
        fields = [
            "id",
            "tier",
            "parent",
            "name",
            "covered_place",
            "street",
            "covered_communities",
            "compound",
            "building",
            "stairwell",
            "community",
            "founded_on",
            "member_count",
        ]

    @extend_schema_field(serializers.CharField())
    def get_covered_place(self, organisation: PartyOrganisation) -> str:
        """The narrowest place the organisation covers, by tier (see the model)."""
        if organisation.stairwell_id:
            return str(organisation.stairwell)
        if organisation.building_id:
            return str(organisation.building)
        if organisation.compound_id:
            return organisation.compound.name
        communities = organisation.covered_communities.all()
        if communities:
            return "、".join(str(community) for community in communities)
        return str(organisation.street) if organisation.street_id else ""


class PartyMemberSerializer(serializers.ModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True, label=_("姓名"))

    class Meta:
        model = PartyMember
        fields = [
            "id",
            "resident",
            "resident_name",
            "organisation",
            "status",
            "joined_on",
            "dual_report",
            "dual_reported_on",
            "work_unit",
            "haitang_vanguard",
        ]


# Co-building units and service positions


class CoBuildingUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = CoBuildingUnit
        fields = [
            "id",
            "street",
            "name",
            "unit_type",
            "party_organisation_name",
            "contact_name",
            "contact_phone",
            "address",
            "communities",
            "joined_on",
            "description",
        ]


class ServicePositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServicePosition
        fields = [
            "id",
            "name",
            "position_type",
            "level",
            "community",
            "grid",
            "address",
            "opening_hours",
            "area_sqm",
            "services",
            "phone",
        ]


# Residents


class IdNumberField(serializers.CharField):
    """An ID number, stripped and upper-cased before it is validated, as the page form does."""

    def to_internal_value(self, data) -> str:
        return normalise_id_number(super().to_internal_value(data))


class ResidentListSerializer(serializers.ModelSerializer):
    """A resident row as the list page shows it.

    Personal numbers are masked here: `mobile_masked` (139****1234) and
    `id_number_masked` (3205**********1234). The full mobile is only in the
    detail view (`ResidentSerializer`), as on the page; the full ID number is
    never in any response except `POST residents/{id}/reveal-id/`, which is
    audited.
    """

    full_address = serializers.CharField(read_only=True, label=_("住址"))
    mobile_masked = serializers.CharField(source="masked_mobile", read_only=True, label=_("手机号(脱敏)"))
    id_number_masked = serializers.CharField(source="masked_id_number", read_only=True, label=_("身份证号(脱敏)"))
    tag_names = serializers.SerializerMethodField(label=_("标签名称"))

    class Meta:
        model = Resident
        fields = [
            "id",
            "name",
            "gender",
            "birth_date",
            "mobile_masked",
            "id_number_masked",
            "community",
            "household",
            "full_address",
            "residence_type",
            "tags",
            "tag_names",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tag_names(self, resident: Resident) -> list[str]:
        return [tag.name for tag in resident.tags.all()]


class ResidentSerializer(ResidentListSerializer):
    """One resident, for the detail view and for writes.

    Output: everything in the list row plus the full `mobile` (the detail
    page shows it too), `address`, `note` and timestamps. `id_number` is
    write-only: it is accepted on create/update and never returned; read
    `id_number_masked`, or call `reveal-id` (audited, 社区书记 and
    街道管理员 only).

    On update an omitted or empty `id_number` keeps the stored one, like the
    edit page. `community` and `household` must be places the user can see.
    Writes are checked and audited by `communities.services`.
    """

    community = VisibleRelatedField(queryset=Community.objects.all(), label=_("社区"))
    household = VisibleRelatedField(
        queryset=Household.objects.all(), allow_null=True, required=False, label=_("户")
    )
    tags = serializers.PrimaryKeyRelatedField(
        queryset=ResidentTag.objects.all(), many=True, required=False, label=_("标签")
    )
    id_number = IdNumberField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=18,
        label=_("身份证号"),
        validators=[
            validate_id_number,
            UniqueValidator(
                queryset=Resident.objects.exclude(id_number=""),
                message=constraint_message(Resident, "resident_id_number_unique"),
            ),
        ],
    )

    class Meta(ResidentListSerializer.Meta):
        fields = [
            *ResidentListSerializer.Meta.fields,
            "mobile",
            "id_number",
            "address",
            "note",
            "created_at",
            "updated_at",
        ]

    def validate_id_number(self, value: str) -> str:
        # Editing never shows the stored number, so an empty one means "keep it".
        if not value and self.instance is not None:
            return self.instance.id_number
        return value


class RevealedIdNumberSerializer(serializers.Serializer):
    id_number = serializers.CharField(read_only=True, label=_("身份证号"))
