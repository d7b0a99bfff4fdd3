"""/api/v1/teams/ and /api/v1/volunteers/: scoped like the pages, written through the same services.

Rows come from `<Model>.objects.visible_to(user)` (out of scope → 404); lists take the pages'
FilterSets (volunteers/filters.py). Mobiles are masked in lists and shown whole on one
volunteer (staff call volunteers); ID numbers are always masked (the audited reveal is a page).
PermissionDenied → 403 (checked before the body is read), ValidationError → 400 {field: [messages]}.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from communities.api.serializers import VisibleRelatedField
from communities.api.views import service_validation_errors
from communities.models import CoBuildingUnit, Community, Resident
from volunteers.filters import TeamFilter, VolunteerFilter
from volunteers.models import IdType, Team, TeamType, Volunteer, VolunteerKind
from volunteers.permissions import can_manage_any, can_manage_community
from volunteers.selectors import teams as selectors
from volunteers.services import teams as services


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


class TeamSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True, allow_null=True, label=_("社区名称"))
    leader_name = serializers.CharField(source="leader.name", read_only=True, allow_null=True, label=_("队长"))
    member_count = serializers.IntegerField(read_only=True, label=_("队员数"))

    class Meta:
        model = Team
        fields = [
            "id",
            "name",
            "team_type",
            "community",
            "community_name",
            "leader",
            "leader_name",
            "member_count",
            "description",
            "founded_on",
            "co_building_unit",
            "is_public",
            "is_active",
            "created_at",
        ]
        read_only_fields = fields


class TeamWriteSerializer(serializers.Serializer):
    community = VisibleRelatedField(
        queryset=Community.objects.all(), required=False, allow_null=True, default=None, label=_("所属社区"),
        help_text=_("留空表示街道级队伍(仅街道管理员);创建后不可修改"),
    )
    name = serializers.CharField(max_length=60, label=_("队伍名称"))
    team_type = serializers.ChoiceField(choices=TeamType.choices, label=_("队伍类型"))
    description = serializers.CharField(required=False, allow_blank=True, label=_("队伍简介"))
    founded_on = serializers.DateField(required=False, allow_null=True, label=_("成立日期"))
    co_building_unit = VisibleRelatedField(
        queryset=CoBuildingUnit.objects.all(), required=False, allow_null=True, label=_("共建单位")
    )
    is_public = serializers.BooleanField(required=False, label=_("在公开页面展示"))
    is_active = serializers.BooleanField(required=False, label=_("活跃"))


class _ScopedViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    write_serializer_class: type[serializers.Serializer]

    def read_input(self, *, partial: bool = False) -> dict:
        serializer = self.write_serializer_class(data=self.request.data, partial=partial, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def fresh(self, pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data, status=status_code)


@extend_schema_view(
    list=extend_schema(summary="志愿服务队伍", description="筛选条件与队伍列表页相同。"),
    retrieve=extend_schema(summary="队伍详情"),
    create=extend_schema(summary="新建队伍", request=TeamWriteSerializer),
    update=extend_schema(summary="修改队伍", request=TeamWriteSerializer),
    partial_update=extend_schema(summary="修改队伍(部分字段)", request=TeamWriteSerializer),
)
class TeamViewSet(_ScopedViewSet):
    serializer_class = TeamSerializer
    write_serializer_class = TeamWriteSerializer
    filterset_class = TeamFilter

    def get_queryset(self) -> QuerySet[Team]:
        return selectors.teams_for_list(Team.objects.visible_to(self.request.user)).order_by("community_id", "name", "pk")

    def create(self, request: Request, *args, **kwargs) -> Response:
        _require(can_manage_any(request.user))
        data = self.read_input()
        with service_validation_errors():
            team = services.team_create(acting_user=request.user, **data)
        return self.fresh(team.pk, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        team = self.get_object()
        _require(can_manage_community(request.user, team.community_id))
        data = self.read_input(partial=kwargs.get("partial", False))
        data.pop("community", None)
        with service_validation_errors():
            services.team_update(acting_user=request.user, team=team, **data)
        return self.fresh(team.pk)


class VolunteerSerializer(serializers.ModelSerializer):
    """A volunteer in a list: mobile and ID number masked."""

    community_name = serializers.CharField(source="community.name", read_only=True, label=_("登记社区名称"))
    mobile = serializers.CharField(source="masked_mobile", read_only=True, label=_("手机号(脱敏)"))
    id_number = serializers.CharField(source="masked_id_number", read_only=True, label=_("证件号码(脱敏)"))

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "number",
            "name",
            "mobile",
            "community",
            "community_name",
            "resident",
            "kind",
            "affiliation",
            "co_building_unit",
            "id_type",
            "id_number",
            "is_party_member",
            "skills",
            "availability",
            "registered_on",
            "is_active",
            "points_balance",
        ]
        read_only_fields = fields


class VolunteerDetailSerializer(VolunteerSerializer):
    """One volunteer: the full mobile (staff call volunteers); the ID number stays masked."""

    mobile = serializers.CharField(read_only=True, label=_("手机号"))


class VolunteerWriteSerializer(serializers.Serializer):
    community = VisibleRelatedField(queryset=Community.objects.all(), label=_("登记社区"), help_text=_("创建后不可修改"))
    resident = VisibleRelatedField(queryset=Resident.objects.all(), required=False, allow_null=True, label=_("对应居民"))
    name = serializers.CharField(max_length=30, required=False, allow_blank=True, label=_("姓名"))
    mobile = serializers.CharField(max_length=11, required=False, allow_blank=True, label=_("手机号"))
    kind = serializers.ChoiceField(choices=VolunteerKind.choices, required=False, label=_("身份"))
    affiliation = serializers.CharField(max_length=60, required=False, allow_blank=True, label=_("单位/学校"))
    co_building_unit = VisibleRelatedField(
        queryset=CoBuildingUnit.objects.all(), required=False, allow_null=True, label=_("共建单位")
    )
    id_type = serializers.ChoiceField(choices=IdType.choices, required=False, label=_("证件类型"))
    id_number = serializers.CharField(
        max_length=30, required=False, allow_blank=True, write_only=True, label=_("证件号码"), help_text=_("只写;留空表示不修改")
    )
    is_party_member = serializers.BooleanField(required=False, label=_("党员"))
    skills = serializers.CharField(max_length=200, required=False, allow_blank=True, label=_("技能特长"))
    availability = serializers.CharField(max_length=100, required=False, allow_blank=True, label=_("可服务时间"))
    is_active = serializers.BooleanField(required=False, label=_("有效"))


@extend_schema_view(
    list=extend_schema(summary="志愿者", description="手机号、证件号为脱敏值;`q` 按姓名、编号或手机尾号查找。"),
    retrieve=extend_schema(summary="志愿者详情", description="含完整手机号;证件号为脱敏值。", responses=VolunteerDetailSerializer),
    create=extend_schema(summary="登记志愿者", request=VolunteerWriteSerializer, responses={201: VolunteerDetailSerializer}),
    update=extend_schema(summary="修改志愿者", request=VolunteerWriteSerializer, responses=VolunteerDetailSerializer),
    partial_update=extend_schema(summary="修改志愿者(部分字段)", request=VolunteerWriteSerializer, responses=VolunteerDetailSerializer),
)
class VolunteerViewSet(_ScopedViewSet):
    write_serializer_class = VolunteerWriteSerializer
    filterset_class = VolunteerFilter

    def get_queryset(self) -> QuerySet[Volunteer]:
        return selectors.volunteers_for_list(Volunteer.objects.visible_to(self.request.user)).order_by("pk")

    def get_serializer_class(self):
        return VolunteerSerializer if self.action == "list" else VolunteerDetailSerializer

    def create(self, request: Request, *args, **kwargs) -> Response:
        _require(can_manage_any(request.user))
        data = self.read_input()
        data.pop("is_active", None)
        with service_validation_errors():
            volunteer = services.volunteer_register(acting_user=request.user, **data)
        return self.fresh(volunteer.pk, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        volunteer = self.get_object()
        _require(can_manage_community(request.user, volunteer.community_id))
        data = self.read_input(partial=kwargs.get("partial", False))
        for fixed in ("community", "resident"):
            data.pop(fixed, None)
        with service_validation_errors():
            services.volunteer_update(acting_user=request.user, volunteer=volunteer, **data)
        return self.fresh(volunteer.pk)
