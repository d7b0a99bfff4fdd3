"""/api/v1/contributions/: funding (认领/筹资) of micro-projects, scoped like the pages.

Rows come from `Contribution.objects.visible_to(user)` (through the project's
communities), so an out-of-scope id answers 404; ids in the body (project, unit,
resource) name rows the user may see, or answer 400 as if missing. Writes call
`projects.services.work` like the project page: PermissionDenied → 403,
WorkflowError (not approved yet, or already accepted) → 409, ValidationError → 400.
"""

from contextlib import contextmanager

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from communities.api.serializers import VisibleRelatedField
from communities.api.views import service_validation_errors
from communities.models import CoBuildingUnit
from projects.forms.work import ContributionFilter
from projects.models import Contribution, Project, Resource
from projects.services import work as services
from projects.workflow import WorkflowError

TAGS = ["认领与筹资"]


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("项目当前状态不允许这项操作。")
    default_code = "conflict"


@contextmanager
def service_errors():
    try:
        with service_validation_errors():
            yield
    except WorkflowError as exc:
        raise Conflict(str(exc)) from exc


class ContributionSerializer(serializers.ModelSerializer):
    project = VisibleRelatedField(queryset=Project.objects.all(), help_text=_("项目 id"))
    project_title = serializers.CharField(source="project.title", read_only=True)
    unit = VisibleRelatedField(
        queryset=CoBuildingUnit.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("共建单位 id(共建单位认领时必填)"),
    )
    resource = VisibleRelatedField(
        queryset=Resource.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("资源清单 id(可选;按资源剩余额度核对,提供单位自动带出)"),
    )
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    contributor_name = serializers.CharField(read_only=True)

    class Meta:
        model = Contribution
        fields = [
            "id",
            "project",
            "project_title",
            "source",
            "source_label",
            "unit",
            "resource",
            "contributor_name",
            "amount",
            "quantity",
            "in_kind",
            "contributed_on",
            "note",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class ContributionRemoveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text=_("撤销原因,记入项目进程"))


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="输入有误:{字段名: [错误信息]}"),
    403: OpenApiResponse(OpenApiTypes.OBJECT, description="当前用户无权执行该操作"),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="记录不存在或不在当前用户的范围内"),
    409: OpenApiResponse(OpenApiTypes.OBJECT, description="项目当前状态不允许(立项前或验收后)"),
}


@extend_schema_view(
    list=extend_schema(
        summary="认领与筹资列表",
        description="当前用户范围内项目的出资与认领记录,可按项目、共建单位、来源筛选。实物和服务不折算金额。",
        tags=TAGS,
    ),
    retrieve=extend_schema(
        summary="认领与筹资详情", tags=TAGS, responses={200: ContributionSerializer, 404: ERRORS[404]}
    ),
    create=extend_schema(
        summary="登记认领与筹资",
        description=(
            "项目所在社区的书记、社区工作者或街道管理员登记;仅限立项后至验收前。"
            "共建单位须与项目所在社区结对;从资源清单调用时不得超过资源剩余额度。"
        ),
        tags=TAGS,
        responses={201: ContributionSerializer, 400: ERRORS[400], 403: ERRORS[403], 409: ERRORS[409]},
    ),
)
class ContributionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ContributionSerializer
    filterset_class = ContributionFilter

    def get_queryset(self) -> QuerySet[Contribution]:
        return (
            Contribution.objects.visible_to(self.request.user)
            .select_related("project", "unit", "resource")
            .order_by("-contributed_on", "-pk")
        )

    def perform_create(self, serializer: ContributionSerializer) -> None:
        data = serializer.validated_data
        with service_errors():
            serializer.instance = services.contribution_add(
                acting_user=self.request.user,
                project=data["project"],
                source=data["source"],
                unit=data.get("unit"),
                resource=data.get("resource"),
                amount=data.get("amount") or 0,
                quantity=data.get("quantity"),
                in_kind=data.get("in_kind", ""),
                contributed_on=data.get("contributed_on"),
                note=data.get("note", ""),
            )

    @extend_schema(
        summary="撤销认领与筹资记录",
        description="仅街道管理员,须说明原因(记入项目进程);更正金额即撤销后重新登记。",
        tags=TAGS,
        request=ContributionRemoveSerializer,
        responses={204: None, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def remove(self, request: Request, pk=None) -> Response:
        contribution = self.get_object()
        serializer = ContributionRemoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.contribution_remove(
                acting_user=request.user, contribution=contribution, reason=serializer.validated_data["reason"]
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
