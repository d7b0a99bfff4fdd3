"""/api/v1/activities/ (with their shifts and the `signup`, `publish`, `cancel` actions) and
/api/v1/service-hours/ (`confirm`, `reject`, `correct`, `reopen`), scoped like the pages.

Rows come from `visible_to(user)`, so an out-of-scope id answers 404. Every write calls
the same service as the page: PermissionDenied → 403, a field error → 400, a state
error (already published, not pending …) → 409.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from communities.api.serializers import VisibleRelatedField
from communities.api.views import service_validation_errors
from volunteers.models import Activity, ServiceHours, Shift, SignupSource, Volunteer
from volunteers.selectors.activities import (
    ActivityFilter,
    activities_for_list,
    people_served_total,
    with_counts,
)
from volunteers.services import activities as activity_services
from volunteers.services import attendance as hours_services


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("当前状态不允许这项操作。")
    default_code = "conflict"


@contextmanager
def service_errors():
    """Field errors → 400 (service_validation_errors); a service's plain message is about state → 409."""
    with service_validation_errors():
        try:
            yield
        except DjangoValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise Conflict(" ".join(exc.messages)) from exc
            raise


class ShiftSerializer(serializers.ModelSerializer):
    confirmed_count = serializers.IntegerField(read_only=True)
    waiting_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Shift
        fields = ["id", "label", "starts_at", "ends_at", "capacity", "confirmed_count", "waiting_count"]


class ActivitySerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True, default=None)
    place = serializers.CharField(read_only=True)
    next_start = serializers.DateTimeField(read_only=True)
    shift_total = serializers.IntegerField(read_only=True)
    signup_total = serializers.IntegerField(read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id", "community", "community_name", "team", "team_name", "title", "activity_type", "place",
            "audience", "status", "target_group", "description", "recurrence", "recurrence_until",
            "next_start", "shift_total", "signup_total", "published_at", "cancel_reason",
        ]
        read_only_fields = fields


class SignupInputSerializer(serializers.Serializer):
    shift = serializers.IntegerField(help_text=_("本活动的班次 id"))
    volunteer = VisibleRelatedField(queryset=Volunteer.objects.all(), help_text=_("志愿者 id"))
    confirm_overlap = serializers.BooleanField(default=False)


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class ActivityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter

    def get_queryset(self) -> QuerySet[Activity]:
        return activities_for_list(Activity.objects.visible_to(self.request.user)).order_by("-created_at", "-pk")

    @extend_schema(summary="活动的班次", responses=ShiftSerializer(many=True))
    @action(detail=True, methods=["get"])
    def shifts(self, request: Request, pk=None) -> Response:
        activity = self.get_object()
        return Response(ShiftSerializer(with_counts(activity.shifts.all()), many=True).data)

    @extend_schema(summary="为志愿者报名", request=SignupInputSerializer)
    @action(detail=True, methods=["post"])
    def signup(self, request: Request, pk=None) -> Response:
        activity = self.get_object()
        data = SignupInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        shift = activity.shifts.filter(pk=data.validated_data["shift"]).first()
        if shift is None:
            raise serializers.ValidationError({"shift": [_("该活动没有这个班次。")]})
        with service_errors():
            result = activity_services.signup_create(
                shift=shift,
                volunteer=data.validated_data["volunteer"],
                source=SignupSource.STAFF,
                acting_user=request.user,
                confirm_overlap=data.validated_data["confirm_overlap"],
            )
        body = {
            "id": result.signup.pk,
            "status": result.signup.status,
            "code": result.signup.code,
            "waiting_position": result.waiting_position,
        }
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(summary="发布活动", request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk=None) -> Response:
        activity = self.get_object()
        with service_errors():
            activity_services.activity_publish(activity=activity, acting_user=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=activity.pk)).data)

    @extend_schema(summary="取消活动", request=CancelInputSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk=None) -> Response:
        activity = self.get_object()
        data = CancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            activity_services.activity_cancel(activity=activity, reason=data.validated_data["reason"], acting_user=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=activity.pk)).data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        activity = self.get_object()
        body = self.get_serializer(activity).data
        body["people_served"] = people_served_total(activity)
        return Response(body)


class ServiceHoursSerializer(serializers.ModelSerializer):
    volunteer_name = serializers.CharField(source="volunteer.name", read_only=True)
    activity_title = serializers.CharField(source="activity.title", read_only=True)

    class Meta:
        model = ServiceHours
        fields = [
            "id", "volunteer", "volunteer_name", "activity", "activity_title", "served_on", "minutes",
            "content", "status", "reject_reason", "decided_by", "decided_at",
        ]
        read_only_fields = fields


class HoursReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class CorrectSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=0, max_value=24 * 60)
    reason = serializers.CharField(max_length=200)


class ServiceHoursViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ServiceHoursSerializer
    filterset_fields = ["status", "activity"]

    def get_queryset(self) -> QuerySet[ServiceHours]:
        return ServiceHours.objects.visible_to(self.request.user).select_related("volunteer", "activity").order_by(
            "served_on", "id"
        )

    def _done(self, record) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=record.pk)).data)

    @extend_schema(summary="确认服务时长", request=None)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk=None) -> Response:
        record = self.get_object()
        with service_errors():
            hours_services.hours_confirm(record=record, acting_user=request.user)
        return self._done(record)

    @extend_schema(summary="不予确认", request=HoursReasonSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk=None) -> Response:
        record = self.get_object()
        data = HoursReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            hours_services.hours_reject(record=record, reason=data.validated_data["reason"], acting_user=request.user)
        return self._done(record)

    @extend_schema(summary="重新打开", request=HoursReasonSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk=None) -> Response:
        record = self.get_object()
        data = HoursReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            hours_services.hours_reopen(record=record, reason=data.validated_data["reason"], acting_user=request.user)
        return self._done(record)

    @extend_schema(summary="更正服务时长", request=CorrectSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk=None) -> Response:
        record = self.get_object()
        data = CorrectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            hours_services.hours_correct(record=record, acting_user=request.user, **data.validated_data)
        return self._done(record)
