"""API for resident requests: the inbox, staff intake and one POST per workflow step.

Every row comes from `ResidentRequest.objects.visible_to(request.user)`, so an
out-of-scope id answers 404 on the detail and on every action, before any
input is read. The list takes the inbox's `RequestFilter`. Writes only parse,
call `resident_requests.services` and return the fresh detail; the services
check the role and the state table. Their errors map to:
PermissionDenied → 403, WorkflowError → 409 {"detail": …},
django ValidationError → 400 {field: [messages]}.
"""

from collections.abc import Callable
from contextlib import contextmanager

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from communities.api.views import service_validation_errors
from resident_requests import selectors, services
from resident_requests.api import serializers
from resident_requests.filters import RequestFilter
from resident_requests.models import RequestCategory, ResidentRequest
from resident_requests.selectors import InboxScope
from resident_requests.workflow import WorkflowError

TAGS = ["居民诉求"]
SCOPES = [InboxScope.MINE, InboxScope.GRID, InboxScope.COMMUNITY, InboxScope.ALL]


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("该诉求当前状态不允许这项操作。")
    default_code = "conflict"


@contextmanager
def service_errors(**renames: str):
    """Answer a service's refusal as the API does; `renames` maps service field names to API ones.

    ValidationError → 400 per field, as for residents; PermissionDenied needs
    nothing here: DRF answers it with 403.
    """
    try:
        with service_validation_errors():
            yield
    except WorkflowError as exc:
        raise Conflict(str(exc)) from exc
    except ValidationError as exc:
        exc.detail = {renames.get(field, field): messages for field, messages in exc.detail.items()}
        raise


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="输入有误:{字段名: [错误信息]}"),
    403: OpenApiResponse(serializers.RequestErrorSerializer, description="当前用户无权执行该操作"),
    404: OpenApiResponse(serializers.RequestErrorSerializer, description="诉求不存在或不在当前用户的范围内"),
    409: OpenApiResponse(serializers.RequestErrorSerializer, description="诉求当前状态不允许该操作(如已被他人受理)"),
}


def step_schema(summary: str, request_serializer, description: str = ""):
    return extend_schema(
        summary=summary,
        description=description or None,
        tags=TAGS,
        request=request_serializer,
        responses={200: serializers.RequestDetailSerializer, **ERRORS},
    )


@extend_schema_view(
    list=extend_schema(
        summary="诉求类别",
        description="全部类别及办理时限;登记诉求时只能选用启用的类别。",
        tags=TAGS,
    )
)
class RequestCategoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Categories are street-wide reference data: every staff member reads all of them."""

    serializer_class = serializers.RequestCategorySerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[RequestCategory]:
        return RequestCategory.objects.all()


@extend_schema_view(
    list=extend_schema(
        summary="诉求列表",
        description=(
            "当前用户范围内的诉求,筛选条件与诉求列表页相同。联系电话为脱敏值;"
            "居民要求不向承办人显示姓名时,非社区受理人员看到的 `contact_name` 为 null。"
        ),
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "scope",
                str,
                enum=SCOPES,
                description=(
                    "mine:待我办理(我承办或我首接且未结束);grid:我的网格;"
                    "community:本社区;all:我能看到的全部(默认)"
                ),
            )
        ],
    ),
    retrieve=extend_schema(
        summary="诉求详情",
        description=(
            "含办理记录、照片和当前用户可执行的操作(`allowed_actions`,即 POST requests/{id}/{操作}/)。"
            "完整联系电话仅社区受理人员和承办人可见,其他人为 null。"
        ),
        tags=TAGS,
        responses={200: serializers.RequestDetailSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary="登记诉求",
        description=(
            "工作人员代居民登记(走访、热线、民情站、随手拍、上级交办)。填写 `contact_mobile`,"
            "或选择居民档案 `resident`(使用其姓名和手机号)。本接口不接收照片,请在诉求页面上传。"
        ),
        tags=TAGS,
        request=serializers.RequestCreateSerializer,
        responses={201: serializers.RequestDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    ),
)
class ResidentRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    filterset_class = RequestFilter

    def get_queryset(self) -> QuerySet[ResidentRequest]:
        if self.action == "list":
            scope = self.request.query_params.get("scope") or InboxScope.ALL
            if scope not in SCOPES:
                raise ValidationError({"scope": [_("范围只能是 %(scopes)s。") % {"scopes": "、".join(SCOPES)}]})
            queryset = selectors.inbox(user=self.request.user, scope=scope)
        else:
            queryset = selectors.for_list(ResidentRequest.objects.visible_to(self.request.user))
        # The building's name reads its compound's.
        return queryset.select_related("building__compound")

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.RequestListSerializer
        return serializers.RequestDetailSerializer

    def detail_response(self, pk, *, status_code: int = status.HTTP_200_OK) -> Response:
        """The request as it is now, after a service changed it."""
        resident_request = self.get_queryset().get(pk=pk)
        serializer = serializers.RequestDetailSerializer(resident_request, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = serializers.RequestCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            new_request, _created = services.request_create(acting_user=request.user, **serializer.validated_data)
        return self.detail_response(new_request.pk, status_code=status.HTTP_201_CREATED)

    def step(self, input_serializer_class, service: Callable[..., ResidentRequest], **renames: str) -> Response:
        """Fetch (404 outside the scope), validate the input, call the service, answer the fresh detail.

        The input serialiser's validated data are the service's keyword arguments.
        """
        resident_request = self.get_object()
        context = {**self.get_serializer_context(), "resident_request": resident_request}
        serializer = input_serializer_class(data=self.request.data, context=context)
        serializer.is_valid(raise_exception=True)
        with service_errors(**renames):
            service(request=resident_request, acting_user=self.request.user, **serializer.validated_data)
        return self.detail_response(resident_request.pk)

    @step_schema("受理", serializers.RequestNoteSerializer, "受理人成为首接责任人,办理时限从此刻起算。")
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self.step(serializers.RequestNoteSerializer, services.request_accept)

    @step_schema("不予受理", serializers.RequestReasonSerializer, "理由会在居民查询页显示。")
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self.step(serializers.RequestReasonSerializer, services.request_reject)

    @step_schema("合并重复诉求", serializers.RequestMergeSerializer, "合并到同一社区内仍在办理的另一件诉求。")
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        return self.step(serializers.RequestMergeSerializer, services.request_merge, target="target_tracking_code")

    # `dispatch` is APIView's own method: the action needs another Python name.
    @step_schema(
        "派单",
        serializers.RequestDispatchSerializer,
        "网格员或社区工作人员承办时填 `handler`;街道职能部门或物业公司承办时填 `handler_unit`。",
    )
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_(self, request: Request, pk: str | None = None) -> Response:
        return self.step(serializers.RequestDispatchSerializer, services.request_dispatch)

    @step_schema("退单", serializers.RequestReasonSerializer, "退回已受理状态,重新派单;办理时限不变。")
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        return self.step(serializers.RequestReasonSerializer, services.request_return)

    @step_schema("签收", serializers.RequestNoteSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        return self.step(serializers.RequestNoteSerializer, services.request_sign)

    @step_schema("办结", serializers.RequestResolveSerializer, "办结照片请在诉求页面上传,本接口不接收照片。")
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        return self.step(serializers.RequestResolveSerializer, services.request_resolve)

    @step_schema("回访", serializers.RequestCallbackSerializer, "回访不满意时通知首接责任人和社区书记研判是否重办。")
    @action(detail=True, methods=["post"])
    def callback(self, request: Request, pk: str | None = None) -> Response:
        return self.step(serializers.RequestCallbackSerializer, services.request_callback)

    @step_schema("重办", serializers.RequestReasonSerializer, "仅回访不满意的诉求;回到已受理状态并重新计算时限。")
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        return self.step(serializers.RequestReasonSerializer, services.request_reopen)

    @step_schema("归档", serializers.RequestNoteSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str | None = None) -> Response:
        return self.step(serializers.RequestNoteSerializer, services.request_archive)

    @step_schema("申请延期", serializers.RequestExtensionAskSerializer, "由承办人申请,街道审批。")
    @action(detail=True, methods=["post"], url_path="extension-request")
    def extension_request(self, request: Request, pk: str | None = None) -> Response:
        return self.step(serializers.RequestExtensionAskSerializer, services.request_extension_ask)

    @step_schema("审批延期", serializers.RequestExtensionDecideSerializer, "街道管理员和街道审阅可审批;同意后办理时限改为申请的时间。")
    @action(detail=True, methods=["post"], url_path="extension-decide")
    def extension_decide(self, request: Request, pk: str | None = None) -> Response:
        return self.step(serializers.RequestExtensionDecideSerializer, services.request_extension_decide)

    @step_schema("催办/督办", serializers.RequestNoteSerializer, "社区书记催办,街道督办;通知当前承办人或首接责任人。")
    @action(detail=True, methods=["post"])
    def urge(self, request: Request, pk: str | None = None) -> Response:
        return self.step(serializers.RequestNoteSerializer, services.request_urge)
