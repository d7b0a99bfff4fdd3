import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditAction, AuditLog


class AuditLogFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(label=_("操作"), choices=AuditAction.choices)
    actor = django_filters.CharFilter(label=_("操作人"), field_name="actor__username", lookup_expr="icontains")
    object_repr = django_filters.CharFilter(label=_("对象"), lookup_expr="icontains")
    date_from = django_filters.DateFilter(label=_("起始日期"), field_name="at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label=_("截止日期"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditLog
        fields = ["action", "actor", "object_repr", "date_from", "date_to"]
