"""FilterSets for the volunteers lists, shared by the pages and the API (one definition each)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.filters import _visible
from communities.models import Community
from volunteers.models import (
    NewEmploymentWorker,
    Team,
    TeamType,
    Volunteer,
    VolunteerKind,
    WorkerKind,
)
from xietang import lists


def page_filter(filter_class, request, queryset):
    """The volunteers lists' filter form (xietang.lists.page_filter) with their yes-no filters."""
    return lists.page_filter(filter_class, request, queryset, yes_no=("is_active", "is_party_member", "enlisted"))


class TeamFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("队伍名称"), field_name="name", lookup_expr="icontains")
    team_type = django_filters.ChoiceFilter(label=_("队伍类型"), choices=TeamType.choices)
    community = django_filters.ModelChoiceFilter(label=_("社区"), queryset=_visible(Community))
    street_level = django_filters.BooleanFilter(label=_("街道级"), field_name="community", lookup_expr="isnull")
    is_active = django_filters.BooleanFilter(label=_("活跃"))

    class Meta:
        model = Team
        fields = ["q", "team_type", "community", "is_active"]


def _visible_teams(request):
    if request is None:
        return Team.objects.none()
    return Team.objects.visible_to(request.user).select_related("community")


class VolunteerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名/编号/手机尾号"), method="search")
    kind = django_filters.ChoiceFilter(label=_("身份"), choices=VolunteerKind.choices)
    team = django_filters.ModelChoiceFilter(
        label=_("队伍"), queryset=_visible_teams, field_name="memberships__team", method="filter_team"
    )
    community = django_filters.ModelChoiceFilter(label=_("社区"), queryset=_visible(Community))
    is_active = django_filters.BooleanFilter(label=_("有效"))

    class Meta:
        model = Volunteer
        fields = ["q", "kind", "team", "community", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(name__icontains=value) | Q(number__icontains=value)
        if value.isdigit() and len(value) >= 4:
            condition |= Q(mobile__endswith=value)
        return queryset.filter(condition)

    def filter_team(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(memberships__team=value, memberships__left_on__isnull=True)


class WorkerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名/手机尾号/站点"), method="search")
    kind = django_filters.ChoiceFilter(label=_("职业"), choices=WorkerKind.choices)
    company = django_filters.CharFilter(label=_("企业/平台"), lookup_expr="icontains")
    community = django_filters.ModelChoiceFilter(label=_("社区"), queryset=_visible(Community))
    is_party_member = django_filters.BooleanFilter(label=_("党员"))
    enlisted = django_filters.BooleanFilter(label=_("随手拍报告人"), field_name="reporter", lookup_expr="isnull", exclude=True)

    class Meta:
        model = NewEmploymentWorker
        fields = ["q", "kind", "company", "community", "is_party_member"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(name__icontains=value) | Q(station__icontains=value)
        if value.isdigit() and len(value) >= 4:
            condition |= Q(mobile__endswith=value)
        return queryset.filter(condition)
