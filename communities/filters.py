"""One FilterSet per list, shared by the page, the export and the API (netbox style)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import (
    Building,
    CoBuildingUnit,
    CoBuildingUnitType,
    Compound,
    PositionLevel,
    PositionType,
    ResidenceType,
    Resident,
    ResidentTag,
    ServicePosition,
)


def _visible(model, *related: str):
    """Choices limited to what the requesting user may see, with what their labels read."""

    def queryset(request):
        if request is None:
            return model.objects.none()
        return model.objects.visible_to(request.user).select_related(*related)

    return queryset


class ResidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名/手机尾号/地址"), method="search")
    tags = django_filters.ModelMultipleChoiceFilter(
        label=_("标签"), queryset=ResidentTag.objects.all(), conjoined=False
    )
    compound = django_filters.ModelChoiceFilter(
        label=_("小区"), queryset=_visible(Compound), field_name="household__stairwell__building__compound"
    )
    building = django_filters.ModelChoiceFilter(
        label=_("楼栋"), queryset=_visible(Building, "compound"), field_name="household__stairwell__building"
    )
    residence_type = django_filters.ChoiceFilter(label=_("居住类型"), choices=ResidenceType.choices)

    class Meta:
        model = Resident
        fields = ["q", "tags", "compound", "building", "residence_type"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(name__icontains=value) | Q(address__icontains=value)
        if value.isdigit() and len(value) <= 11:
            # Staff usually ask for "the one whose mobile ends in 1234".
            condition |= Q(mobile__endswith=value)
        condition |= Q(household__stairwell__building__compound__name__icontains=value)
        return queryset.filter(condition)

    @property
    def qs(self):
        # tags with conjoined=False joins the tag table: keep one row per resident.
        queryset = super().qs
        return queryset.distinct() if self.form.cleaned_data.get("tags") else queryset


class CoBuildingUnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称"), field_name="name", lookup_expr="icontains")
    unit_type = django_filters.ChoiceFilter(label=_("单位类型"), choices=CoBuildingUnitType.choices)

    class Meta:
        model = CoBuildingUnit
        fields = ["q", "unit_type"]


class ServicePositionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称"), field_name="name", lookup_expr="icontains")
    position_type = django_filters.ChoiceFilter(label=_("阵地类型"), choices=PositionType.choices)
    level = django_filters.ChoiceFilter(label=_("层级"), choices=PositionLevel.choices)

    class Meta:
        model = ServicePosition
        fields = ["q", "position_type", "level"]
