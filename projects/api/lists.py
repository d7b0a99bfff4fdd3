"""/api/v1/needs/, /api/v1/resources/, /api/v1/menu-items/: the three lists (三张清单), scoped like the pages.

Rows come from `<Model>.objects.visible_to(user)`, so an out-of-scope id answers 404;
ids in a body (community, compound, buildings, units, needs) must name rows the user
may see, or answer 400 as if missing. Lists take the pages' FilterSets
(projects/forms/lists.py). Writes call `projects.services.lists`, like the pages:
PermissionDenied → 403 (checked before the body is read, so a reader gets 403, not 400),
WorkflowError → 409, ValidationError → 400 {field: [messages]}.
"""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from communities.api.serializers import StaffBriefSerializer, VisibleRelatedField
from communities.api.views import service_validation_errors
from communities.models import Building, CoBuildingUnit, Community, Compound
from projects.forms.lists import MenuItemFilter, NeedFilter, ResourceFilter
from projects.models import (
    MenuItem,
    Need,
    NeedSource,
    ProjectCategory,
    ProjectType,
    Resource,
    ResourceKind,
)
from projects.permissions import can_manage_community
from projects.selectors import lists as selectors
from projects.services import lists as services
from projects.workflow import WorkflowError
from resident_requests.models import ResidentRequest


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("当前状态不允许这项操作。")
    default_code = "conflict"


@contextmanager
def service_errors():
    try:
        with service_validation_errors():
            yield
    except WorkflowError as exc:
        raise Conflict(str(exc)) from exc


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True)


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="输入有误:{字段名: [错误信息]}"),
    403: OpenApiResponse(ErrorSerializer, description="当前用户无权执行该操作(网格员、街道审阅只读)"),
    404: OpenApiResponse(ErrorSerializer, description="不存在或不在当前用户的范围内"),
    409: OpenApiResponse(ErrorSerializer, description="当前状态不允许该操作"),
}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# Needs (需求清单)


class EvidenceRequestSerializer(serializers.ModelSerializer):
    """A linked resident request: code, category and status only, no contact data."""

    category = serializers.CharField(source="category.name", read_only=True, label=_("类别"))
    status_display = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))

    class Meta:
        model = ResidentRequest
        fields = ["id", "tracking_code", "category", "status", "status_display", "submitted_at"]
        read_only_fields = fields


class NeedSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True, label=_("社区名称"))
    status_display = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))
    evidence_count = serializers.IntegerField(read_only=True, label=_("诉求依据件数"))
    has_project = serializers.BooleanField(read_only=True, label=_("已有项目"))

    class Meta:
        model = Need
        fields = [
            "id",
            "title",
            "community",
            "community_name",
            "compound",
            "buildings",
            "category",
            "description",
            "source",
            "beneficiaries",
            "evidence_notes",
            "status",
            "status_display",
            "decline_reason",
            "evidence_count",
            "has_project",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class NeedDetailSerializer(NeedSerializer):
    """A need with its evidence: the linked requests the user may open, meetings, menu items, projects."""

    evidence_requests = serializers.SerializerMethodField(label=_("相关居民诉求"))
    meetings = serializers.SerializerMethodField(label=_("相关会议 id"))
    menu_items = serializers.PrimaryKeyRelatedField(many=True, read_only=True, label=_("实事菜单 id"))
    projects = serializers.SerializerMethodField(label=_("项目 id"))

    class Meta(NeedSerializer.Meta):
        fields = [*NeedSerializer.Meta.fields, "evidence_requests", "meetings", "menu_items", "projects"]
        read_only_fields = fields

    @property
    def user(self):
        return self.context["request"].user

    @extend_schema_field(EvidenceRequestSerializer(many=True))
    def get_evidence_requests(self, need: Need) -> list[dict]:
        return EvidenceRequestSerializer(selectors.need_evidence(need, self.user), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_meetings(self, need: Need) -> list[int]:
        return list(need.meetings.visible_to(self.user).values_list("pk", flat=True))

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_projects(self, need: Need) -> list[int]:
        return list(need.projects.visible_to(self.user).values_list("pk", flat=True))


class NeedWriteSerializer(serializers.Serializer):
    """A need to register or change. `community` is given on creation and cannot change."""

    title = serializers.CharField(max_length=100, label=_("需求"))
    community = VisibleRelatedField(queryset=Community.objects.all(), label=_("社区"))
    compound = VisibleRelatedField(queryset=Compound.objects.all(), required=False, allow_null=True, label=_("小区"))
    buildings = VisibleRelatedField(
        queryset=Building.objects.all(), many=True, required=False, label=_("楼栋"), help_text=_("须属于所选小区")
    )
    category = serializers.ChoiceField(choices=ProjectCategory.choices, required=False, label=_("类别"))
    description = serializers.CharField(required=False, allow_blank=True, label=_("需求说明"))
    source = serializers.ChoiceField(choices=NeedSource.choices, required=False, label=_("来源"))
    beneficiaries = serializers.CharField(max_length=100, required=False, allow_blank=True, label=_("受益对象"))
    evidence_notes = serializers.CharField(required=False, allow_blank=True, label=_("其他依据"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            self.fields["community"].read_only = True


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, label=_("不予采纳理由"))


# Resources (资源清单)


class ResourceSerializer(serializers.ModelSerializer):
    """An offer with what is left of it: `remaining` is yuan for money, `unit` for the other kinds,
    null when the offer has no measurable size."""

    provider_name = serializers.CharField(read_only=True, label=_("提供方"))
    community_name = serializers.CharField(source="community.name", read_only=True, allow_null=True, label=_("面向社区"))
    allocated_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, label=_("已分配金额"))
    allocated_quantity = serializers.DecimalField(max_digits=12, decimal_places=1, read_only=True, label=_("已分配数量"))
    remaining_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True, label=_("未分配金额")
    )
    remaining_quantity = serializers.DecimalField(
        max_digits=12, decimal_places=1, read_only=True, allow_null=True, label=_("未分配数量")
    )
    remaining = serializers.SerializerMethodField(label=_("未分配"))

    class Meta:
        model = Resource
        fields = [
            "id",
            "title",
            "kind",
            "category",
            "provider_unit",
            "provider_department",
            "provider_name",
            "community",
            "community_name",
            "description",
            "amount",
            "quantity",
            "unit",
            "valid_from",
            "valid_until",
            "withdrawn",
            "allocated_amount",
            "allocated_quantity",
            "remaining_amount",
            "remaining_quantity",
            "remaining",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True))
    def get_remaining(self, resource: Resource) -> str | None:
        value = selectors.remaining(resource)
        return None if value is None else str(value)


class ResourceWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100, label=_("资源"))
    kind = serializers.ChoiceField(choices=ResourceKind.choices, label=_("资源类型"))
    category = serializers.ChoiceField(
        choices=ProjectCategory.choices, required=False, allow_blank=True, default="", label=_("适用类别"), help_text=_("留空表示不限")
    )
    provider_unit = VisibleRelatedField(
        queryset=CoBuildingUnit.objects.all(), required=False, allow_null=True, default=None, label=_("提供单位")
    )
    provider_department = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", label=_("提供部门")
    )
    community = VisibleRelatedField(
        queryset=Community.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        label=_("面向社区"),
        help_text=_("留空表示全街道可用(仅街道管理员)"),
    )
    description = serializers.CharField(required=False, allow_blank=True, default="", label=_("说明"))
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None, label=_("金额(元)")
    )
    quantity = serializers.DecimalField(
        max_digits=10, decimal_places=1, required=False, allow_null=True, default=None, label=_("数量")
    )
    unit = serializers.CharField(max_length=10, required=False, allow_blank=True, default="", label=_("单位"))
    valid_from = serializers.DateField(required=False, allow_null=True, default=None, label=_("有效期自"))
    valid_until = serializers.DateField(required=False, allow_null=True, default=None, label=_("有效期至"))


# The project menu (实事菜单)


class MenuItemSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True, label=_("社区名称"))
    status_display = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))
    screened_by = StaffBriefSerializer(read_only=True, allow_null=True, label=_("筛选人"))
    project = serializers.SerializerMethodField(label=_("转为的项目 id"))

    class Meta:
        model = MenuItem
        fields = [
            "id",
            "title",
            "community",
            "community_name",
            "needs",
            "category",
            "project_type",
            "description",
            "estimated_budget",
            "status",
            "status_display",
            "need_reasonable",
            "feasible",
            "screening_note",
            "screened_by",
            "screened_at",
            "project",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_project(self, item: MenuItem) -> int | None:
        project = getattr(item, "project", None)
        return project.pk if project is not None else None


class MenuItemWriteSerializer(serializers.Serializer):
    """A candidate drawn from open needs of one community. `title` and `category` default to the first need's."""

    needs = VisibleRelatedField(queryset=Need.objects.all(), many=True, label=_("对应需求"))
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, label=_("候选项目"))
    category = serializers.ChoiceField(choices=ProjectCategory.choices, required=False, allow_blank=True, label=_("类别"))
    project_type = serializers.ChoiceField(choices=ProjectType.choices, required=False, allow_blank=True, label=_("项目类型"))
    description = serializers.CharField(required=False, allow_blank=True, label=_("内容"))
    estimated_budget = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0, label=_("估算金额(元)")
    )


class ScreenSerializer(serializers.Serializer):
    need_reasonable = serializers.BooleanField(label=_("需求合理"))
    feasible = serializers.BooleanField(label=_("切实可行"))
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="", label=_("筛选意见"))


# Viewsets


class ListViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Shared shape: read with the read serialiser, write with the input one, answer the fresh row."""

    read_serializer_class: type[serializers.Serializer]
    write_serializer_class: type[serializers.Serializer]

    def get_serializer_class(self):
        return self.read_serializer_class

    def fresh(self, pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
        row = self.get_queryset().get(pk=pk)
        return Response(self.get_serializer(row).data, status=status_code)

    def read_input(self, instance=None, *, partial: bool = False) -> dict:
        serializer = self.write_serializer_class(
            instance, data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


@extend_schema_view(
    list=extend_schema(summary="需求清单", description="当前用户范围内的需求,筛选条件与需求清单页相同(`no_project=true`:尚无项目)。"),
    retrieve=extend_schema(
        summary="需求详情",
        description="含相关居民诉求(仅编号、类别、状态,不含联系人信息)、会议、菜单项和项目。",
        responses={200: NeedDetailSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary="登记需求",
        request=NeedWriteSerializer,
        responses={201: NeedDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    ),
    update=extend_schema(
        summary="修改需求",
        description="社区不可修改;已满足或不予采纳的需求不能再修改(409)。",
        request=NeedWriteSerializer,
        responses={200: NeedDetailSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="修改需求(部分字段)", request=NeedWriteSerializer, responses={200: NeedDetailSerializer, **ERRORS}
    ),
)
class NeedViewSet(ListViewSet):
    filterset_class = NeedFilter
    read_serializer_class = NeedSerializer
    write_serializer_class = NeedWriteSerializer

    def get_queryset(self) -> QuerySet[Need]:
        return selectors.needs_for_list(Need.objects.visible_to(self.request.user)).prefetch_related("buildings")

    def get_serializer_class(self):
        return NeedSerializer if self.action == "list" else NeedDetailSerializer

    def create(self, request: Request, *args, **kwargs) -> Response:
        _require(can_manage_community(request.user, request.user.community_id) or can_manage_community(request.user, None))
        data = self.read_input()
        with service_errors():
            need = services.need_create(acting_user=request.user, **data)
        return self.fresh(need.pk, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        need = self.get_object()
        _require(can_manage_community(request.user, need.community_id))
        data = self.read_input(need, partial=kwargs.get("partial", False))
        data.pop("community", None)
        with service_errors():
            services.need_update(acting_user=request.user, need=need, **data)
        return self.fresh(need.pk)

    @extend_schema(
        summary="不予采纳",
        description="仅待办的需求;理由必填。",
        request=ReasonSerializer,
        responses={200: NeedDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        need = self.get_object()
        _require(can_manage_community(request.user, need.community_id))
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.need_decline(acting_user=request.user, need=need, **serializer.validated_data)
        return self.fresh(need.pk)

    @extend_schema(summary="标记为已满足", request=None, responses={200: NeedDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def met(self, request: Request, pk: str | None = None) -> Response:
        need = self.get_object()
        _require(can_manage_community(request.user, need.community_id))
        with service_errors():
            services.need_mark_met(acting_user=request.user, need=need)
        return self.fresh(need.pk)

    @extend_schema(
        summary="可匹配的资源",
        description="本社区或全街道、同类别或不限类别、今天有效、未撤回且尚有余量的资源;本社区、同类别在前。",
        responses={200: ResourceSerializer(many=True), 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def suggestions(self, request: Request, pk: str | None = None) -> Response:
        need = self.get_object()
        rows = selectors.suggest_resources(need, request.user)
        return Response(ResourceSerializer(rows, many=True, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(
        summary="资源清单",
        description="当前用户范围内(本社区及全街道)的资源,含未分配余量;筛选条件与资源清单页相同(`unused=true`:尚未使用)。",
    ),
    retrieve=extend_schema(summary="资源详情", responses={200: ResourceSerializer, 404: ERRORS[404]}),
    create=extend_schema(
        summary="登记资源",
        description="共建单位(`provider_unit`)或街道部门(`provider_department`)提供;资金填 `amount`,其他类型填 `quantity` 和 `unit`。",
        request=ResourceWriteSerializer,
        responses={201: ResourceSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    ),
    update=extend_schema(
        summary="修改资源",
        description="金额或数量不能少于已分配的部分;已撤回的资源不能修改(409)。",
        request=ResourceWriteSerializer,
        responses={200: ResourceSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="修改资源(部分字段)", request=ResourceWriteSerializer, responses={200: ResourceSerializer, **ERRORS}
    ),
)
class ResourceViewSet(ListViewSet):
    filterset_class = ResourceFilter
    read_serializer_class = ResourceSerializer
    write_serializer_class = ResourceWriteSerializer

    def get_queryset(self) -> QuerySet[Resource]:
        return selectors.resources_for_list(Resource.objects.visible_to(self.request.user))

    def create(self, request: Request, *args, **kwargs) -> Response:
        _require(can_manage_community(request.user, request.user.community_id) or can_manage_community(request.user, None))
        data = self.read_input()
        with service_errors():
            resource = services.resource_create(acting_user=request.user, **data)
        return self.fresh(resource.pk, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        resource = self.get_object()
        _require(can_manage_community(request.user, resource.community_id))
        # A PATCH leaves out what was not sent (DRF skips defaults on partial input).
        data = self.read_input(resource, partial=kwargs.get("partial", False))
        with service_errors():
            services.resource_update(acting_user=request.user, resource=resource, **data)
        return self.fresh(resource.pk)

    @extend_schema(summary="撤回资源", description="已分配的部分不受影响。", request=None, responses={200: ResourceSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        resource = self.get_object()
        _require(can_manage_community(request.user, resource.community_id))
        with service_errors():
            services.resource_withdraw(acting_user=request.user, resource=resource)
        return self.fresh(resource.pk)


@extend_schema_view(
    list=extend_schema(summary="实事菜单", description="筛选条件与实事菜单页相同。"),
    retrieve=extend_schema(summary="候选项目详情", responses={200: MenuItemSerializer, 404: ERRORS[404]}),
    create=extend_schema(
        summary="提出候选项目",
        description="从同一社区的一项或多项待办需求提出;`title`、`category` 不填则取第一项需求的。",
        request=MenuItemWriteSerializer,
        responses={201: MenuItemSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    ),
    update=extend_schema(
        summary="修改候选项目",
        description="已筛选的候选项目修改后回到“待筛选”;已转为项目的不能修改(409)。",
        request=MenuItemWriteSerializer,
        responses={200: MenuItemSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="修改候选项目(部分字段)", request=MenuItemWriteSerializer, responses={200: MenuItemSerializer, **ERRORS}
    ),
)
class MenuItemViewSet(ListViewSet):
    filterset_class = MenuItemFilter
    read_serializer_class = MenuItemSerializer
    write_serializer_class = MenuItemWriteSerializer

    def get_queryset(self) -> QuerySet[MenuItem]:
        return (
            MenuItem.objects.visible_to(self.request.user)
            .select_related("community", "screened_by", "project")
            .prefetch_related("needs")
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        _require(can_manage_community(request.user, request.user.community_id) or can_manage_community(request.user, None))
        data = self.read_input()
        with service_errors():
            item = services.menu_item_create(acting_user=request.user, **data)
        return self.fresh(item.pk, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        item = self.get_object()
        _require(can_manage_community(request.user, item.community_id))
        data = self.read_input(item, partial=kwargs.get("partial", False))
        with service_errors():
            services.menu_item_update(acting_user=request.user, item=item, **data)
        return self.fresh(item.pk)

    @extend_schema(
        summary="筛选",
        description=(
            "需求合理、切实可行两项均为 true 即入选菜单,否则未入选且须写 `note`。"
            "社区书记、社区工作者和街道(街道审阅、街道管理员)可筛选;已转为项目的不能再筛选(409)。"
        ),
        request=ScreenSerializer,
        responses={200: MenuItemSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def screen(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        _require(services.can_screen(request.user, item))
        serializer = ScreenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.menu_item_screen(acting_user=request.user, item=item, **serializer.validated_data)
        return self.fresh(item.pk)

    @extend_schema(
        summary="可匹配的资源",
        description="与需求的匹配规则相同,按候选项目的社区和类别。",
        responses={200: ResourceSerializer(many=True), 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def suggestions(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        rows = selectors.suggest_resources(item, request.user)
        return Response(ResourceSerializer(rows, many=True, context=self.get_serializer_context()).data)

