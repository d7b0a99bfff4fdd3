"""API viewsets for community data.

Every viewset starts from `Model.objects.visible_to(request.user)`, so an
out-of-scope pk answers 404 just like the pages. Lists use the same FilterSet
as their page where there is one, and select/prefetch what the serialiser
reads so a list costs a fixed number of queries. Resident writes call
`communities.services`, which check the role, validate and audit.
"""

from contextlib import contextmanager

import django_filters
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings

from communities import selectors, services
from communities.api import serializers
from communities.filters import CoBuildingUnitFilter, ResidentFilter, ServicePositionFilter
from communities.models import (
    Building,
    CoBuildingUnit,
    Community,
    Compound,
    Grid,
    Household,
    PartyMember,
    PartyMemberStatus,
    PartyOrganisation,
    PartyTier,
    Resident,
    ServicePosition,
    Stairwell,
)

# Filters for the place tree. There is no list page for these, so they live
# here; a parent pk is taken as a plain number: one outside the user's scope
# simply matches nothing, as a pk that does not exist.


class GridFilter(django_filters.FilterSet):
    community = django_filters.NumberFilter(label=_("社区"))

    class Meta:
        model = Grid
        fields = ["community"]


class CompoundFilter(django_filters.FilterSet):
    community = django_filters.NumberFilter(label=_("社区"))

    class Meta:
        model = Compound
        fields = ["community"]


class BuildingFilter(django_filters.FilterSet):
    compound = django_filters.NumberFilter(label=_("小区"))
    grid = django_filters.NumberFilter(label=_("网格"))

    class Meta:
        model = Building
        fields = ["compound", "grid"]


class StairwellFilter(django_filters.FilterSet):
    building = django_filters.NumberFilter(label=_("楼栋"))

    class Meta:
        model = Stairwell
        fields = ["building"]


class HouseholdFilter(django_filters.FilterSet):
    stairwell = django_filters.NumberFilter(label=_("单元/楼道"))

    class Meta:
        model = Household
        fields = ["stairwell"]


class PartyOrganisationFilter(django_filters.FilterSet):
    tier = django_filters.NumberFilter(field_name="tier__level", label=_("层级"))
    parent = django_filters.NumberFilter(label=_("上级组织"))
    community = django_filters.NumberFilter(label=_("所属社区"))

    class Meta:
        model = PartyOrganisation
        fields = ["tier", "parent", "community"]


class PartyMemberFilter(django_filters.FilterSet):
    organisation = django_filters.NumberFilter(label=_("所在党组织"))
    status = django_filters.ChoiceFilter(choices=PartyMemberStatus.choices, label=_("党员类别"))

    class Meta:
        model = PartyMember
        fields = ["organisation", "status"]


# The grid tree


class CommunityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.CommunitySerializer

    def get_queryset(self) -> QuerySet[Community]:
        return Community.objects.visible_to(self.request.user)


class GridViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.GridSerializer
    filterset_class = GridFilter

    def get_queryset(self) -> QuerySet[Grid]:
        return (
            Grid.objects.visible_to(self.request.user)
            .select_related("community", "leader")
            .prefetch_related("workers")
        )


class CompoundViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.CompoundSerializer
    filterset_class = CompoundFilter

    def get_queryset(self) -> QuerySet[Compound]:
        return Compound.objects.visible_to(self.request.user)


class BuildingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.BuildingSerializer
    filterset_class = BuildingFilter

    def get_queryset(self) -> QuerySet[Building]:
        return Building.objects.visible_to(self.request.user).select_related("compound")


class StairwellViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.StairwellSerializer
    filterset_class = StairwellFilter

    def get_queryset(self) -> QuerySet[Stairwell]:
        return Stairwell.objects.visible_to(self.request.user).select_related("building__compound")


class HouseholdViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.HouseholdSerializer
    filterset_class = HouseholdFilter

    def get_queryset(self) -> QuerySet[Household]:
        return Household.objects.visible_to(self.request.user).select_related("stairwell__building__compound")


# The party tree


class PartyTierViewSet(viewsets.ReadOnlyModelViewSet):
    """Tier names are street-wide reference data: every staff member reads all five."""

    serializer_class = serializers.PartyTierSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[PartyTier]:
        return PartyTier.objects.all()


class PartyOrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.PartyOrganisationSerializer
    filterset_class = PartyOrganisationFilter

    def get_queryset(self) -> QuerySet[PartyOrganisation]:
        return (
            selectors.party_organisations(user=self.request.user)
            .select_related("street", "stairwell__building__compound", "building__compound")
            .prefetch_related("covered_communities")
        )


class PartyMemberViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.PartyMemberSerializer
    filterset_class = PartyMemberFilter

    def get_queryset(self) -> QuerySet[PartyMember]:
        return PartyMember.objects.visible_to(self.request.user).select_related("resident").order_by("pk")


# Co-building units and service positions


class CoBuildingUnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.CoBuildingUnitSerializer
    filterset_class = CoBuildingUnitFilter

    def get_queryset(self) -> QuerySet[CoBuildingUnit]:
        return CoBuildingUnit.objects.visible_to(self.request.user).prefetch_related("communities")


class ServicePositionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ServicePositionSerializer
    filterset_class = ServicePositionFilter

    def get_queryset(self) -> QuerySet[ServicePosition]:
        return ServicePosition.objects.visible_to(self.request.user)


# Residents


@contextmanager
def service_validation_errors():
    """Turn a model ValidationError raised by a service into a 400 with field messages.

    Services raise django's PermissionDenied, which DRF already answers with 403.
    """
    try:
        yield
    except DjangoValidationError as exc:
        detail = as_serializer_error(exc)
        if NON_FIELD_ERRORS in detail:
            detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
        raise ValidationError(detail) from exc


@extend_schema_view(
    list=extend_schema(summary="居民列表", description="身份证号和手机号均为脱敏值。"),
    retrieve=extend_schema(summary="居民详情", description="含完整手机号;身份证号为脱敏值。"),
    create=extend_schema(summary="登记居民", description="`id_number` 只写;写入会记录审计日志。"),
    update=extend_schema(summary="修改居民", description="`id_number` 留空或不传表示不修改。"),
    partial_update=extend_schema(summary="修改居民(部分字段)"),
    destroy=extend_schema(summary="删除居民"),
)
class ResidentViewSet(viewsets.ModelViewSet):
    filterset_class = ResidentFilter

    def get_queryset(self) -> QuerySet[Resident]:
        return selectors.residents_for_list(Resident.objects.visible_to(self.request.user))

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.ResidentListSerializer
        return serializers.ResidentSerializer

    def perform_create(self, serializer: serializers.ResidentSerializer) -> None:
        fields = dict(serializer.validated_data)
        tags = fields.pop("tags", None)
        with service_validation_errors():
            serializer.instance = services.resident_create(acting_user=self.request.user, tags=tags, **fields)

    def perform_update(self, serializer: serializers.ResidentSerializer) -> None:
        fields = dict(serializer.validated_data)
        tags = fields.pop("tags", None)
        with service_validation_errors():
            serializer.instance = services.resident_update(
                acting_user=self.request.user, resident=serializer.instance, tags=tags, **fields
            )

    def perform_destroy(self, instance: Resident) -> None:
        services.resident_delete(acting_user=self.request.user, resident=instance)

    @extend_schema(
        summary="查看完整身份证号",
        description="仅社区书记和街道管理员可用;每次查看都写入审计日志。",
        request=None,
        responses=serializers.RevealedIdNumberSerializer,
    )
    @action(detail=True, methods=["post"], url_path="reveal-id")
    def reveal_id(self, request: Request, pk: str | None = None) -> Response:
        resident = self.get_object()
        id_number = services.resident_reveal_id_number(acting_user=request.user, resident=resident)
        return Response(serializers.RevealedIdNumberSerializer({"id_number": id_number}).data)
