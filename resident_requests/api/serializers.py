"""Serialisers for /api/v1/requests/ and /api/v1/request-categories/.

They only shape data: every write goes through `resident_requests.services`
(see `resident_requests.api.views.ResidentRequestViewSet`). Contact data is
personal information, shown as on the pages: the mobile is masked in lists;
the full mobile, and the name when the resident asked to hide it from
handlers, only to the community's coordinators (and the mobile to the handler).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from communities.api.serializers import StaffBriefSerializer, VisibleRelatedField
from communities.models import Building, Community, Compound, Resident
from communities.validators import validate_mobile
from resident_requests import permissions, selectors
from resident_requests.models import (
    Channel,
    HandlerKind,
    RequestCategory,
    RequestEvent,
    RequestPhoto,
    ResidentRequest,
    Satisfaction,
)
from resident_requests.permissions import available_actions

# The detail page names the 延期 steps its own way; the API has one endpoint to ask and one to decide.
# Workflow actions whose API name differs (the rest are named alike).
API_ACTION_FOR_EVENT = {
    "extend_request": "extension-request",
    "extend_approve": "extension-decide",
    "extend_refuse": "extension-decide",
    "supervise": "urge",
}
# The last path segment of POST requests/{id}/{action}/.
API_ACTIONS = [
    "accept",
    "reject",
    "merge",
    "dispatch",
    "return",
    "sign",
    "resolve",
    "callback",
    "reopen",
    "archive",
    "extension-request",
    "extension-decide",
    "urge",
]


def allowed_api_actions(user: User, request: ResidentRequest) -> list[str]:
    """What the user may do now, as API actions: the same rule as the detail page's buttons."""
    events = available_actions(user, request)
    return list(dict.fromkeys(API_ACTION_FOR_EVENT.get(event, event) for event in events))


# Reference data


class RequestCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = RequestCategory
        fields = (
            "id",
            "code",
            "name",
            "description",
            "urgency",
            "time_limit_hours",
            "default_handler_kind",
            "is_dispute",
            "is_active",
        )


class RequestNamedRefSerializer(serializers.Serializer):
    """A related row as a list shows it: id and its full name."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True, label=_("名称"))


# Reading


class RequestListSerializer(serializers.ModelSerializer):
    """A request as the inbox shows it.

    `contact_mobile_masked` (139****5678) is always masked here;
    `contact_name` is null when the resident asked to hide it from handlers and
    the user is not one of the community's coordinators. `seconds_left` is
    null unless the request is open (negative once overdue).
    """

    category = RequestNamedRefSerializer(read_only=True, label=_("类别"))
    status_display = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))
    community = RequestNamedRefSerializer(read_only=True, allow_null=True, label=_("社区"))
    compound = RequestNamedRefSerializer(read_only=True, allow_null=True, label=_("小区"))
    building = RequestNamedRefSerializer(read_only=True, allow_null=True, label=_("楼栋"))
    grid = RequestNamedRefSerializer(read_only=True, allow_null=True, label=_("网格"))
    contact_name = serializers.SerializerMethodField(label=_("联系人"))
    contact_mobile_masked = serializers.CharField(source="masked_mobile", read_only=True, label=_("联系电话(脱敏)"))
    handler = StaffBriefSerializer(read_only=True, allow_null=True, label=_("承办人"))
    owner = StaffBriefSerializer(read_only=True, allow_null=True, label=_("首接责任人"))
    is_overdue = serializers.SerializerMethodField(label=_("是否超期"))
    seconds_left = serializers.SerializerMethodField(label=_("剩余秒数"))

    class Meta:
        model = ResidentRequest
        fields = (
            "id",
            "tracking_code",
            "category",
            "channel",
            "status",
            "status_display",
            "description",
            "community",
            "compound",
            "building",
            "grid",
            "address",
            "contact_name",
            "contact_mobile_masked",
            "handler",
            "handler_kind",
            "handler_unit",
            "owner",
            "submitted_at",
            "accepted_at",
            "due_at",
            "resolved_at",
            "is_overdue",
            "seconds_left",
            "callback_at",
            "callback_contacted",
            "callback_solved",
            "callback_satisfaction",
            "reopen_count",
            "urge_count",
            "extension_until",
        )
        read_only_fields = fields

    @property
    def user(self) -> User:
        return self.context["request"].user

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_contact_name(self, request: ResidentRequest) -> str | None:
        if request.hide_name_from_handlers and not permissions.is_coordinator(self.user, request.community_id):
            return None
        return request.contact_name

    @extend_schema_field(serializers.BooleanField())
    def get_is_overdue(self, request: ResidentRequest) -> bool:
        return request.is_overdue()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_seconds_left(self, request: ResidentRequest) -> int | None:
        left = request.time_left()
        return None if left is None else int(left.total_seconds())


class RequestEventSerializer(serializers.ModelSerializer):
    action_display = serializers.CharField(source="get_action_display", read_only=True, label=_("操作名称"))
    actor = serializers.CharField(source="actor_label", read_only=True, label=_("操作人"))

    class Meta:
        model = RequestEvent
        fields = ("action", "action_display", "actor", "at", "from_status", "to_status", "note")
        read_only_fields = fields


class RequestPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(label=_("原图地址"))
    thumbnail_url = serializers.SerializerMethodField(label=_("缩略图地址"))

    class Meta:
        model = RequestPhoto
        fields = ("id", "kind", "url", "thumbnail_url")
        read_only_fields = fields

    def _url(self, photo: RequestPhoto, size: str) -> str:
        # Served by a view that checks the request's scope: never the storage URL.
        return self.context["request"].build_absolute_uri(reverse("requests:photo", args=[photo.pk, size]))

    @extend_schema_field(serializers.URLField())
    def get_url(self, photo: RequestPhoto) -> str:
        return self._url(photo, "full")

    @extend_schema_field(serializers.URLField())
    def get_thumbnail_url(self, photo: RequestPhoto) -> str:
        return self._url(photo, "thumb")


class RequestDetailSerializer(RequestListSerializer):
    """One request: the list row plus contact, result, timeline, photos and what the user may do now.

    `contact_mobile` is the full number for the community's coordinators and
    the handler, null for everyone else (read `contact_mobile_masked`).
    `allowed_actions` names the POST requests/{id}/{action}/ endpoints this
    user may call in the current state.
    """

    contact_mobile = serializers.SerializerMethodField(label=_("联系电话"))
    merged_into = serializers.SlugRelatedField(
        slug_field="tracking_code", read_only=True, allow_null=True, label=_("合并到")
    )
    timeline = serializers.SerializerMethodField(label=_("办理记录"))
    photos = RequestPhotoSerializer(many=True, read_only=True, label=_("照片"))
    allowed_actions = serializers.SerializerMethodField(label=_("可执行的操作"))

    class Meta(RequestListSerializer.Meta):
        fields = (
            *RequestListSerializer.Meta.fields,
            "contact_mobile",
            "hide_name_from_handlers",
            "referral_number",
            "rejection_reason",
            "merged_into",
            "result",
            "dispatched_at",
            "signed_at",
            "archived_at",
            "extension_reason",
            "resident_rated_at",
            "resident_comment",
            "timeline",
            "photos",
            "allowed_actions",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_contact_mobile(self, request: ResidentRequest) -> str | None:
        if permissions.is_coordinator(self.user, request.community_id) or permissions.is_handler(self.user, request):
            return request.contact_mobile
        return None

    @extend_schema_field(RequestEventSerializer(many=True))
    def get_timeline(self, request: ResidentRequest) -> list[dict]:
        return RequestEventSerializer(selectors.timeline(request), many=True, context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=API_ACTIONS)))
    def get_allowed_actions(self, request: ResidentRequest) -> list[str]:
        return allowed_api_actions(self.user, request)


# Writing: staff intake


# ONLINE is the residents' own page; PARTNER requests arrive over Open311 (open311/).
STAFF_CHANNELS = [(value, label) for value, label in Channel.choices if value not in (Channel.ONLINE, Channel.PARTNER)]


class RequestCreateSerializer(serializers.Serializer):
    """Staff intake (走访、热线、民情站、随手拍、上级交办).

    Give `contact_mobile`, or a `resident` whose mobile is used (and whose name
    and community fill `contact_name` and `community` when omitted). Places and
    the resident must be ones the user can see. Photos are not accepted here:
    attach them on the staff page.
    """

    channel = serializers.ChoiceField(choices=STAFF_CHANNELS, label=_("来源渠道"))
    category = serializers.PrimaryKeyRelatedField(
        queryset=RequestCategory.objects.filter(is_active=True), label=_("类别")
    )
    description = serializers.CharField(max_length=2000, label=_("诉求内容"))
    community = VisibleRelatedField(queryset=Community.objects.all(), required=False, allow_null=True, label=_("社区"))
    compound = VisibleRelatedField(queryset=Compound.objects.all(), required=False, allow_null=True, label=_("小区"))
    building = VisibleRelatedField(queryset=Building.objects.all(), required=False, allow_null=True, label=_("楼栋"))
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", label=_("详细地址"))
    resident = VisibleRelatedField(
        queryset=Resident.objects.all(), required=False, allow_null=True, label=_("居民档案")
    )
    contact_name = serializers.CharField(max_length=30, required=False, allow_blank=True, label=_("联系人"))
    contact_mobile = serializers.CharField(
        max_length=11, required=False, allow_blank=True, validators=[validate_mobile], label=_("联系电话")
    )
    hide_name_from_handlers = serializers.BooleanField(required=False, default=False, label=_("不向承办人显示姓名"))
    referral_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", label=_("交办单号")
    )

    def validate(self, data: dict) -> dict:
        resident = data.get("resident")
        if resident is not None:
            data["contact_name"] = data.get("contact_name") or resident.name
            data["contact_mobile"] = data.get("contact_mobile") or resident.mobile
            if not any(data.get(place) for place in ("community", "compound", "building")):
                data["community"] = resident.community
        errors = {}
        if not data.get("contact_name"):
            errors["contact_name"] = _("请填写联系人,或选择居民档案。")
        if not data.get("contact_mobile"):
            errors["contact_mobile"] = _("请填写联系电话,或选择有手机号的居民档案。")
        if errors:
            raise serializers.ValidationError(errors)
        return data


# Writing: workflow actions


class RequestNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", label=_("说明"))


class RequestReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("理由"))


class RequestMergeSerializer(RequestNoteSerializer):
    target_tracking_code = serializers.SlugRelatedField(
        source="target",
        slug_field="tracking_code",
        queryset=ResidentRequest.objects.all(),
        label=_("合并到(受理编号)"),
        error_messages={"does_not_exist": _("没有找到受理编号为 {value} 的诉求。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only requests the user can see: another community's code reads as unknown.
        request = self.context.get("request")
        user = request.user if request is not None else None
        self.fields["target_tracking_code"].queryset = ResidentRequest.objects.visible_to(user)


class RequestDispatchSerializer(RequestNoteSerializer):
    handler_kind = serializers.ChoiceField(choices=HandlerKind.choices, label=_("承办方类型"))
    handler = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        required=False,
        allow_null=True,
        label=_("承办人"),
        help_text=_("网格员或社区工作人员承办时必填"),
    )
    handler_unit = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        default="",
        label=_("承办单位"),
        help_text=_("街道职能部门或物业公司承办时必填"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the request's community's staff: an account elsewhere reads as unknown.
        request = self.context.get("resident_request")
        if request is not None:
            self.fields["handler"].queryset = User.objects.filter(community_id=request.community_id)


class RequestResolveSerializer(serializers.Serializer):
    result = serializers.CharField(label=_("办理结果"), help_text=_("居民在查询页能看到"))


class RequestCallbackSerializer(RequestNoteSerializer):
    contacted = serializers.BooleanField(label=_("是否联系"))
    solved = serializers.BooleanField(label=_("是否解决"))
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, label=_("满意度"))


class RequestExtensionAskSerializer(RequestReasonSerializer):
    until = serializers.DateTimeField(label=_("申请延期至"))


class RequestExtensionDecideSerializer(RequestNoteSerializer):
    approve = serializers.BooleanField(label=_("是否同意"))


class RequestErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True)
