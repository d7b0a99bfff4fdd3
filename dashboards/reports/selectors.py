"""Reads of the report pages: the scoped, filtered list of report runs."""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from dashboards.models import ReportPeriod, ReportRun, ReportStatus

STREET = "street"


class ReportRunFilter(django_filters.FilterSet):
    scope = django_filters.ChoiceFilter(label=_("范围"), method="filter_scope", empty_label=_("全部"))
    period_kind = django_filters.ChoiceFilter(label=_("报表类型"), choices=ReportPeriod.choices, empty_label=_("全部"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ReportStatus.choices, empty_label=_("全部"))
    year = django_filters.NumberFilter(
        label=_("年度"),
        field_name="period_start__year",
        widget=forms.NumberInput(attrs={"min": 2000, "max": 2100, "placeholder": "2026"}),
    )

    class Meta:
        model = ReportRun
        fields = ["scope", "period_kind", "status", "year"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_street_level:
            communities = Community.objects.visible_to(user).order_by("code").only("pk", "name")
            self.filters["scope"].extra["choices"] = [(STREET, _("全街道"))] + [
                (str(c.pk), str(c)) for c in communities
            ]
        else:
            # Community staff see one community's reports: nothing to choose.
            self.filters.pop("scope")

    def filter_scope(self, queryset, name, value):
        if value == STREET:
            return queryset.filter(community__isnull=True)
        return queryset.filter(community_id=value)


def runs_for_list(queryset: QuerySet[ReportRun]) -> QuerySet[ReportRun]:
    return queryset.select_related("community", "requested_by").order_by("-created_at", "-pk")


def report_filter(data, *, user) -> ReportRunFilter:
    return ReportRunFilter(data, queryset=runs_for_list(ReportRun.objects.visible_to(user)), user=user)
