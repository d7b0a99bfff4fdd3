"""API for micro-projects: /api/v1/projects/ list, detail, create, update and one POST per
lifecycle step.

Rows come from `Project.objects.visible_to(request.user)`: an out-of-scope id answers
404 on the detail and on every step, before any input is read. The list takes the
page's `ProjectFilter` and carries the progress and funding figures
(projects.selectors.progress). Writes parse, call projects.services.projects and
answer the fresh detail. Errors: 400 field errors, 403 not your role, 404 out of
scope, 409 the project's state does not allow it (workflow.WorkflowError).
"""

from contextlib import contextmanager

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

from accounts.models import User
from communities.api.serializers import StaffBriefSerializer, VisibleRelatedField
from communities.api.views import service_validation_errors
from communities.models import Community, PartyOrganisation
from projects import workflow
from projects.models import (
    MenuItem,
    Need,
    Project,
    ProjectAction,
    ProjectCategory,
    ProjectEvent,
    ProjectType,
)
from projects.selectors import projects as selectors
from projects.selectors.progress import figures
from projects.selectors.projects import ProjectFilter
from projects.services.projects import (
    project_create,
    project_transition,
    project_update,
)

TAGS = ["微实事项目"]
# The last path segment of POST projects/{id}/{action}/: the ProjectAction value, except
# 公示结束, which only the system takes.
API_ACTIONS = [a for a in workflow.TRANSITIONS if workflow.TRANSITIONS[a].actor != "system"]


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("该项目当前状态不允许这项操作。")
    default_code = "conflict"


@contextmanager
def service_errors():
    """A service's refusal as the API answers it: 409 for the state, 400 per field; 403 is DRF's own."""
    try:
        with service_validation_errors():
            yield
    except workflow.WorkflowError as exc:
        raise Conflict(str(exc)) from exc


# Reading


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True, label=_("名称"))


class FiguresSerializer(serializers.Serializer):
    """Progress and funding, computed in one place (projects.selectors.progress)."""

    progress_percent = serializers.IntegerField(
        allow_null=True, label=_("进度(%)"), help_text=_("尚无计划数量或节点时为 null")
    )
    delivered = serializers.IntegerField(allow_null=True, label=_("完成数量"), help_text=_("仅按数量计算进度的项目"))
    planned = serializers.IntegerField(allow_null=True, label=_("计划数量"))
    funded = serializers.DecimalField(max_digits=14, decimal_places=2, label=_("已筹资金(元)"))
    budget = serializers.DecimalField(max_digits=12, decimal_places=2, label=_("预算(元)"))
    funding_percent = serializers.IntegerField(
        allow_null=True, label=_("筹资比例(%)"), help_text=_("预算为 0 时为 null")
    )


class ProjectListSerializer(serializers.ModelSerializer):
    communities = NamedRefSerializer(many=True, read_only=True, label=_("所属社区"))
    status_display = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))
    lead_organisation = NamedRefSerializer(read_only=True, allow_null=True, label=_("牵头党组织"))
    responsible = StaffBriefSerializer(read_only=True, allow_null=True, label=_("负责人"))
    figures = serializers.SerializerMethodField(label=_("进度与筹资"))

    class Meta:
        model = Project
        fields = (
            "id",
            "title",
            "communities",
            "project_type",
            "category",
            "status",
            "status_display",
            "is_secretary_project",
            "lead_organisation",
            "responsible",
            "planned_quantity",
            "quantity_unit",
            "budget",
            "planned_start",
            "planned_end",
            "figures",
            "created_at",
        )
        read_only_fields = fields

    @extend_schema_field(FiguresSerializer)
    def get_figures(self, project: Project) -> dict:
        fig = figures(project)
        return FiguresSerializer(
            {
                "progress_percent": fig.progress_percent,
                "delivered": fig.delivered,
                "planned": fig.planned,
                "funded": fig.funded,
                "budget": fig.budget,
                "funding_percent": fig.funding_percent,
            }
        ).data


class ProjectEventSerializer(serializers.ModelSerializer):
    action_display = serializers.CharField(source="get_action_display", read_only=True, label=_("操作名称"))
    actor = serializers.SerializerMethodField(label=_("操作人"))

    class Meta:
        model = ProjectEvent
        fields = ("action", "action_display", "actor", "created_at", "from_status", "to_status", "note")
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_actor(self, event: ProjectEvent) -> str:
        return event.actor.display_name if event.actor_id else str(_("系统"))


class NeedRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Need
        fields = ("id", "title", "community", "status")
        read_only_fields = fields


class ProjectDetailSerializer(ProjectListSerializer):
    """One project: the plan, the needs, the timeline and the steps this user may POST now."""

    needs = NeedRefSerializer(many=True, read_only=True, label=_("对应需求"))
    menu_item = NamedRefSerializer(read_only=True, allow_null=True, label=_("来源菜单项"))
    approved_by = StaffBriefSerializer(read_only=True, allow_null=True, label=_("立项审批人"))
    timeline = serializers.SerializerMethodField(label=_("项目进程"))
    allowed_actions = serializers.SerializerMethodField(label=_("可执行的操作"))

    class Meta(ProjectListSerializer.Meta):
        fields = (
            *ProjectListSerializer.Meta.fields,
            "description",
            "needs",
            "menu_item",
            "beneficiaries",
            "beneficiary_count",
            "approved_at",
            "approved_by",
            "accepted_at",
            "notice_until",
            "completed_at",
            "timeline",
            "allowed_actions",
        )
        read_only_fields = fields

    @extend_schema_field(ProjectEventSerializer(many=True))
    def get_timeline(self, project: Project) -> list[dict]:
        return ProjectEventSerializer(selectors.timeline(project), many=True, context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=API_ACTIONS)))
    def get_allowed_actions(self, project: Project) -> list[str]:
        return selectors.available_actions(self.context["request"].user, project)


# Writing


class ProjectUpdateSerializer(serializers.Serializer):
    """The plan of a project; the service checks who may write it and for which communities."""

    communities = VisibleRelatedField(queryset=Community.objects.all(), many=True, label=_("所属社区"))
    title = serializers.CharField(max_length=100, label=_("项目名称"))
    project_type = serializers.ChoiceField(choices=ProjectType.choices, label=_("项目类型"))
    category = serializers.ChoiceField(choices=ProjectCategory.choices, label=_("类别"))
    description = serializers.CharField(label=_("项目内容"))
    budget = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, label=_("预算(元)"))
    needs = VisibleRelatedField(queryset=Need.objects.all(), many=True, required=False, label=_("对应需求"))
    lead_organisation = VisibleRelatedField(
        queryset=PartyOrganisation.objects.all(), required=False, allow_null=True, label=_("牵头党组织")
    )
    is_secretary_project = serializers.BooleanField(required=False, label=_("书记项目"))
    responsible = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, label=_("负责人")
    )
    planned_quantity = serializers.IntegerField(min_value=0, required=False, allow_null=True, label=_("计划数量"))
    quantity_unit = serializers.CharField(max_length=10, required=False, allow_blank=True, label=_("数量单位"))
    beneficiaries = serializers.CharField(max_length=100, required=False, allow_blank=True, label=_("受益对象"))
    beneficiary_count = serializers.IntegerField(min_value=0, required=False, allow_null=True, label=_("受益人数"))
    planned_start = serializers.DateField(required=False, allow_null=True, label=_("计划开始"))
    planned_end = serializers.DateField(required=False, allow_null=True, label=_("计划完成"))


class ProjectCreateSerializer(ProjectUpdateSerializer):
    menu_item = VisibleRelatedField(
        queryset=MenuItem.objects.all(),
        required=False,
        allow_null=True,
        label=_("来源菜单项"),
        help_text=_("入选菜单的候选项目;其对应需求一并列入项目"),
    )


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=1000, label=_("说明"), help_text=_("退回、终止时必填(理由)")
    )


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="输入有误:{字段名: [错误信息]}"),
    403: OpenApiResponse(OpenApiTypes.OBJECT, description="当前用户无权执行该操作"),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="项目不存在或不在当前用户的范围内"),
    409: OpenApiResponse(OpenApiTypes.OBJECT, description="项目当前状态不允许该操作(如已被他人立项)"),
}


def step_schema(summary: str, description: str):
    return extend_schema(
        summary=summary,
        description=description,
        tags=TAGS,
        request=NoteSerializer,
        responses={200: ProjectDetailSerializer, **ERRORS},
    )


@extend_schema_view(
    list=extend_schema(
        summary="项目列表",
        description="当前用户范围内的微实事项目,筛选条件与项目列表页相同;`figures` 为进度和筹资。",
        tags=TAGS,
    ),
    retrieve=extend_schema(
        summary="项目详情",
        description="含项目进程(`timeline`)和当前用户现在可执行的操作(`allowed_actions`,即 POST projects/{id}/{操作}/)。",
        tags=TAGS,
        responses={200: ProjectDetailSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary="登记项目",
        description="新项目处于征集阶段。由入选菜单的候选项目转来时填 `menu_item`。须为各所属社区的书记/工作者或街道管理员。",
        tags=TAGS,
        request=ProjectCreateSerializer,
        responses={201: ProjectDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    ),
    update=extend_schema(
        summary="修改项目方案",
        description="仅征集、评议阶段可改;立项后为 409。",
        tags=TAGS,
        request=ProjectUpdateSerializer,
        responses={200: ProjectDetailSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="修改项目方案(部分字段)",
        tags=TAGS,
        request=ProjectUpdateSerializer,
        responses={200: ProjectDetailSerializer, **ERRORS},
    ),
)
class ProjectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    filterset_class = ProjectFilter

    def get_queryset(self) -> QuerySet[Project]:
        visible = Project.objects.visible_to(self.request.user)
        if self.action == "list":
            return selectors.projects_for_list(visible)
        return selectors.project_for_detail(visible).prefetch_related("needs")

    def get_serializer_class(self):
        if self.action == "list":
            return ProjectListSerializer
        if self.action == "create":
            return ProjectCreateSerializer
        if self.action in ("update", "partial_update"):
            return ProjectUpdateSerializer
        return ProjectDetailSerializer

    def detail_response(self, pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
        project = selectors.project_for_detail(Project.objects.visible_to(self.request.user)).get(pk=pk)
        return Response(
            ProjectDetailSerializer(project, context=self.get_serializer_context()).data, status=status_code
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            project = project_create(acting_user=request.user, **serializer.validated_data)
        return self.detail_response(project.pk, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        project = self.get_object()
        serializer = self.get_serializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        with service_errors():
            project_update(acting_user=request.user, project=project, **serializer.validated_data)
        return self.detail_response(project.pk)

    def step(self, step: str) -> Response:
        """Fetch (404 outside the scope), read the note, call the one lifecycle service."""
        project = self.get_object()
        serializer = NoteSerializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            project_transition(acting_user=self.request.user, project=project, action=step, **serializer.validated_data)
        return self.detail_response(project.pk)

    @step_schema("提交评议", "征集 → 评议:交居民议事会/居民代表评议。社区书记、工作者。")
    @action(detail=True, methods=["post"])
    def deliberate(self, request: Request, pk: str | None = None) -> Response:
        return self.step(ProjectAction.DELIBERATE)

    @step_schema("提请立项", "评议 → 待立项:报街道审批。社区书记、工作者。")
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self.step(ProjectAction.SUBMIT)

    @step_schema("立项", "待立项 → 认领筹资。街道审阅、街道管理员。")
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self.step(ProjectAction.APPROVE)

    @step_schema(
        "退回",
        "退回上一步,`note` 必填:评议 → 征集(社区),待立项 → 评议、待验收 → 实施(街道)。",
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        return self.step(ProjectAction.RETURN)

    @step_schema("开始实施", "认领筹资 → 实施。社区书记、工作者。")
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str | None = None) -> Response:
        return self.step(ProjectAction.START)

    @step_schema("申请验收", "实施 → 待验收。社区书记、工作者。")
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        return self.step(ProjectAction.COMPLETE)

    @step_schema(
        "验收通过", "待验收 → 公示:公示期为 PROJECT_NOTICE_DAYS 天(至少 7 天),期满自动进入评价。街道审阅、街道管理员。"
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self.step(ProjectAction.ACCEPT)

    @step_schema("结项", "评价 → 已完成:对应需求标记为已满足。社区书记、工作者。")
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self.step(ProjectAction.CLOSE)

    @step_schema("终止", "征集至认领筹资阶段可终止,`note` 必填;对应需求如无其他项目承接则回到待办。")
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self.step(ProjectAction.CANCEL)
