"""/api/v1/meetings/: consultation meetings (协商议事) with participants, opinions, the decision,
follow-up actions and 票决 ballots, scoped like the pages.

Rows come from `Meeting.objects.visible_to(user)`: an out-of-scope id answers 404. The
list takes the page's `MeetingFilter`. Writes call `projects.services.meetings`, like
the pages; the role is checked before the body is read (a reader gets 403, not 400),
and a service's ValidationError answers 400 {field: [messages]}.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
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
from rest_framework.request import Request
from rest_framework.response import Response

from communities.api.serializers import StaffBriefSerializer, VisibleRelatedField
from communities.api.views import service_validation_errors
from communities.models import Community
from projects.forms.meetings import MeetingFilter
from projects.models import (
    FollowUpAction,
    Meeting,
    MeetingPhoto,
    MeetingType,
    MenuBallot,
    MenuItem,
    Opinion,
    Participant,
    TopicSource,
    Vote,
    VoteChoice,
)
from projects.permissions import can_manage_community
from projects.selectors import meetings as selectors
from projects.services import meetings as services

TAGS = ["协商议事"]


class MeetingErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True)


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="输入有误:{字段名: [错误信息]}"),
    403: OpenApiResponse(MeetingErrorSerializer, description="当前用户无权执行该操作(网格员、街道审阅只读)"),
    404: OpenApiResponse(MeetingErrorSerializer, description="会议不存在或不在当前用户的范围内"),
}


# Serializers (read)


class ParticipantSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True, label=_("身份"))

    class Meta:
        model = Participant
        fields = ["id", "role", "role_label", "name", "organisation", "unit", "can_vote"]


class OpinionSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True, label=_("提出方"))

    class Meta:
        model = Opinion
        fields = ["id", "role", "role_label", "content", "adopted"]


class FollowUpSerializer(serializers.ModelSerializer):
    owner = StaffBriefSerializer(read_only=True, allow_null=True, label=_("责任人账号"))
    late = serializers.SerializerMethodField(label=_("已逾期"))

    class Meta:
        model = FollowUpAction
        fields = ["id", "description", "owner_name", "owner", "due_on", "done_at", "result", "late"]

    def get_late(self, follow_up: FollowUpAction) -> bool:
        return follow_up.done_at is None and follow_up.due_on < timezone.localdate()


class VoteSerializer(serializers.ModelSerializer):
    participant_name = serializers.CharField(source="participant.name", read_only=True, label=_("姓名"))

    class Meta:
        model = Vote
        fields = ["participant", "participant_name", "choice"]


class BallotSerializer(serializers.ModelSerializer):
    menu_item_title = serializers.CharField(source="menu_item.title", read_only=True, label=_("表决项目"))
    votes = VoteSerializer(many=True, read_only=True)

    class Meta:
        model = MenuBallot
        fields = [
            "id",
            "menu_item",
            "menu_item_title",
            "votes_for",
            "votes_against",
            "votes_abstain",
            "eligible",
            "passed",
            "recorded_at",
            "votes",
        ]


class PhotoSerializer(serializers.ModelSerializer):
    thumbnail_url = serializers.SerializerMethodField()
    full_url = serializers.SerializerMethodField()

    class Meta:
        model = MeetingPhoto
        fields = ["id", "is_public", "width", "height", "thumbnail_url", "full_url"]

    def get_thumbnail_url(self, photo: MeetingPhoto) -> str:
        return reverse("projects:meeting_photo", args=[photo.pk, "thumb"])

    def get_full_url(self, photo: MeetingPhoto) -> str:
        return reverse("projects:meeting_photo", args=[photo.pk, "full"])


class MeetingListSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True, label=_("社区"))
    meeting_type_label = serializers.CharField(source="get_meeting_type_display", read_only=True, label=_("会议类型"))
    participant_count = serializers.IntegerField(read_only=True, label=_("参会人数"))
    opinion_count = serializers.IntegerField(read_only=True, label=_("意见条数"))
    open_follow_up_count = serializers.IntegerField(read_only=True, label=_("未完成跟进事项"))

    class Meta:
        model = Meeting
        fields = [
            "id",
            "community",
            "community_name",
            "meeting_type",
            "meeting_type_label",
            "topic",
            "topic_source",
            "held_at",
            "place",
            "host",
            "participant_count",
            "opinion_count",
            "open_follow_up_count",
        ]


class MeetingDetailSerializer(MeetingListSerializer):
    participants = ParticipantSerializer(many=True, read_only=True)
    opinions = OpinionSerializer(many=True, read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)
    ballots = BallotSerializer(many=True, read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)
    request_codes = serializers.SerializerMethodField(label=_("相关诉求编号"))
    created_by = StaffBriefSerializer(read_only=True, allow_null=True, label=_("记录人"))

    class Meta(MeetingListSerializer.Meta):
        fields = [
            *MeetingListSerializer.Meta.fields,
            "background",
            "decision",
            "decision_whether",
            "decision_how",
            "decision_who",
            "minutes",
            "feedback",
            "public_summary",
            "participants",
            "opinions",
            "follow_ups",
            "ballots",
            "photos",
            "needs",
            "requests",
            "request_codes",
            "projects",
            "created_by",
            "created_at",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_request_codes(self, meeting: Meeting) -> list[str]:
        return [request.tracking_code for request in meeting.requests.all()]


# Serializers (write)


class MeetingCreateSerializer(serializers.Serializer):
    community = VisibleRelatedField(
        queryset=Community.objects.all(),
        required=False,
        label=_("社区"),
        help_text=_("街道工作人员必填;社区工作人员不填时为本社区"),
    )
    meeting_type = serializers.ChoiceField(choices=MeetingType.choices, label=_("会议类型"))
    topic = serializers.CharField(max_length=150, label=_("议题"))
    topic_source = serializers.ChoiceField(choices=TopicSource.choices, label=_("议题来源"))
    background = serializers.CharField(required=False, allow_blank=True, default="", label=_("背景"))
    held_at = serializers.DateTimeField(label=_("时间"))
    place = serializers.CharField(max_length=100, label=_("地点"))
    host = serializers.CharField(max_length=50, label=_("主持人"))

    def validate(self, data: dict) -> dict:
        user = self.context["request"].user
        if "community" not in data:
            if user.community_id is None:
                raise serializers.ValidationError({"community": [_("请选择社区。")]})
            data["community"] = user.community
        return data


class VoteInputSerializer(serializers.Serializer):
    participant = serializers.IntegerField(label=_("参会人员 id"))
    choice = serializers.ChoiceField(choices=VoteChoice.choices, label=_("表决"))


class BallotInputSerializer(serializers.Serializer):
    menu_item = VisibleRelatedField(queryset=MenuItem.objects.all(), label=_("表决项目(入选菜单)"))
    votes = VoteInputSerializer(many=True, label=_("每位有表决权人员的表决"))

    def validate_votes(self, votes: list[dict]) -> list[dict]:
        ids = [vote["participant"] for vote in votes]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError(_("每位代表只能投一票。"))
        return votes


# Viewset


@extend_schema_view(
    list=extend_schema(
        summary="协商议事列表",
        description="当前用户范围内的会议,筛选条件与协商议事列表页相同(q、meeting_type、community、project、need、period、held_from、held_to)。",
        tags=TAGS,
    ),
    retrieve=extend_schema(
        summary="协商议事详情",
        description="含参会人员、收集的意见、议定事项(改不改、怎么改、谁来改)、跟进事项、票决结果和照片链接。",
        tags=TAGS,
        responses={200: MeetingDetailSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary="登记协商议事",
        description="社区书记、社区工作者为本社区登记,街道管理员须指定社区。参会人员、意见等请在会议页面登记。",
        tags=TAGS,
        request=MeetingCreateSerializer,
        responses={201: MeetingDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    ),
)
class MeetingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    filterset_class = MeetingFilter

    def get_queryset(self) -> QuerySet[Meeting]:
        queryset = selectors.meetings_for_list(Meeting.objects.visible_to(self.request.user))
        if self.action == "list":
            return queryset
        return selectors.meeting_detail_queryset(queryset)

    def get_serializer_class(self):
        return MeetingListSerializer if self.action == "list" else MeetingDetailSerializer

    def _detail(self, pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
        meeting = self.get_queryset().get(pk=pk)
        return Response(MeetingDetailSerializer(meeting, context=self.get_serializer_context()).data, status=status_code)

    def create(self, request: Request, *args, **kwargs) -> Response:
        if not can_manage_community(request.user, request.user.community_id):
            raise PermissionDenied
        serializer = MeetingCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_validation_errors():
            meeting = services.meeting_create(acting_user=request.user, **serializer.validated_data)
        return self._detail(meeting.pk, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="实事菜单票决",
        description=(
            "为本社区一个入选菜单的项目登记票决:本次会议每位有表决权的参会人员各一票(赞成、反对、弃权),"
            "不能缺,也不能有其他人。赞成票超过应到表决人数的一半为通过。同一项目在同一会议再次登记会替换之前的结果。"
        ),
        tags=TAGS,
        request=BallotInputSerializer,
        responses={200: MeetingDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def ballots(self, request: Request, pk: str | None = None) -> Response:
        meeting = self.get_object()
        if not services.can_write_meeting(request.user, meeting):
            raise PermissionDenied
        serializer = BallotInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_validation_errors():
            services.ballot_record(
                acting_user=request.user,
                meeting=meeting,
                menu_item=serializer.validated_data["menu_item"],
                choices={vote["participant"]: vote["choice"] for vote in serializer.validated_data["votes"]},
            )
        return self._detail(meeting.pk)

