"""Forms of the certificate pages: the issue form (a period) and the public verification form.

They only clean input; the rules (ID number recorded, confirmed hours in the
period, who may issue) are the service's, shown on the form by add_service_errors.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from volunteers.selectors.certificates import normalise_number


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CertificateIssueForm(forms.Form):
    period_start = forms.DateField(label=_("服务起始日期"), widget=DateInput())
    period_end = forms.DateField(
        label=_("服务截止日期"), widget=DateInput(), help_text=_("只统计此期间内已确认的服务时长,含首尾两天。")
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("截止日期不能早于起始日期。"))
        return cleaned


class CertificateVerifyForm(forms.Form):
    number = forms.CharField(
        label=_("证明编号"),
        max_length=24,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": "XTZM2026000001", "autocapitalize": "characters"}
        ),
    )
    code = forms.CharField(
        label=_("验证码"),
        max_length=12,
        help_text=_("证明右下方的 8 位验证码"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_number(self) -> str:
        return normalise_number(self.cleaned_data["number"])

    def clean_code(self) -> str:
        return normalise_number(self.cleaned_data["code"])
