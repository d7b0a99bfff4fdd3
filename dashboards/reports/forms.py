"""Forms of the report pages: start a report (scope, kind, month, regenerate)."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.models import Community
from dashboards.models import ReportPeriod
from dashboards.reports.periods import previous_start

STREET = "street"


def scope_choices(user) -> list[tuple[str, str]]:
    """What the user may generate: street roles the street and every community; 书记/工作者 their own."""
    from dashboards.services import can_request_report

    choices = [(STREET, _("全街道"))] if user.is_street_level else []
    communities = Community.objects.visible_to(user).order_by("code").only("pk", "name")
    choices += [(str(c.pk), str(c)) for c in communities if can_request_report(user, c)]
    return choices


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        if isinstance(value, dt.date):
            return f"{value:%Y-%m}"
        return value


class MonthField(forms.DateField):
    """A calendar month as YYYY-MM (the browser's month picker), cleaned to its first day."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class ReportStartForm(forms.Form):
    scope = forms.ChoiceField(label=gettext_lazy("范围"))
    period_kind = forms.ChoiceField(label=gettext_lazy("报表类型"), choices=ReportPeriod.choices)
    month = MonthField(
        label=gettext_lazy("统计月份"),
        help_text=gettext_lazy("季报、年报取该月所在的季度、年度。"),
        error_messages={"invalid": gettext_lazy("请按“2026-10”的格式填写年月。")},
    )
    regenerate = forms.BooleanField(
        label=gettext_lazy("重新生成"),
        required=False,
        help_text=gettext_lazy("已有生成好的同期报表时,仍生成一份新的(旧报表保留在列表中)。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scope_choices(user)
        if not self.is_bound:
            self.initial.setdefault("period_kind", ReportPeriod.MONTH)
            self.initial.setdefault("month", previous_start(ReportPeriod.MONTH, timezone.localdate()))

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month > timezone.localdate():
            raise forms.ValidationError(_("统计月份不能晚于本月。"))
        return month
