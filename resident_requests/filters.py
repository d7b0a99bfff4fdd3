"""The request list filter, shared by the inbox, the export and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.filters import _visible
from communities.models import Community, Compound, Grid
from resident_requests.models import (
    OPEN_STATES,
    Channel,
    RequestCategory,
    ResidentRequest,
    Status,
)


class RequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("编号/内容/手机尾号"), method="search")
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=Status.choices)
    category = django_filters.ModelChoiceFilter(label=_("类别"), queryset=RequestCategory.objects.all())
    channel = django_filters.ChoiceFilter(label=_("来源渠道"), choices=Channel.choices)
    overdue = django_filters.BooleanFilter(label=_("只看超期"), method="filter_overdue")
    community = django_filters.ModelChoiceFilter(label=_("社区"), queryset=_visible(Community))
    grid = django_filters.ModelChoiceFilter(label=_("网格"), queryset=_visible(Grid, "community"))
    compound = django_filters.ModelChoiceFilter(label=_("小区"), queryset=_visible(Compound))
    submitted_from = django_filters.DateFilter(label=_("提交日期从"), field_name="submitted_at", lookup_expr="date__gte")
    submitted_to = django_filters.DateFilter(label=_("提交日期至"), field_name="submitted_at", lookup_expr="date__lte")

    class Meta:
        model = ResidentRequest
        fields = ["q", "status", "category", "channel", "overdue", "community", "grid", "compound"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(tracking_code__iexact=value) | Q(description__icontains=value) | Q(address__icontains=value)
        if value.isdigit() and len(value) <= 11:
            condition |= Q(contact_mobile__endswith=value)
        return queryset.filter(condition)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        now = timezone.now()
        overdue = Q(status__in=OPEN_STATES, due_at__lt=now)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
