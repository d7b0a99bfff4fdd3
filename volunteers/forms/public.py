"""Forms of the public volunteer pages (no account). They only clean input.

Residents are often elderly (DOMAIN.md §10): big checkboxes with words, messages
that say what to do, the mobile accepted with spaces or +86.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.validators import validate_mobile
from resident_requests.forms_public import PublicForm, normalise_mobile
from volunteers.selectors.activities import shift_when, spots_label


class ShiftChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        label = f"{obj.label} " if obj.label else ""
        return f"{label}{shift_when(obj)} · {spots_label(obj)}"


class PublicSignupForm(PublicForm):
    name = forms.CharField(
        label=_("姓名"), max_length=30, error_messages={"required": _("请填写您的姓名。")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    mobile = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("用于活动前一天的短信提醒和查询报名;不会公开。"),
        error_messages={"required": _("请填写手机号。")},
    )
    shifts = ShiftChoiceField(
        label=_("选择班次(可多选)"),
        queryset=None,
        error_messages={"required": _("请至少选择一个班次。")},
    )
    confirm_overlap = forms.BooleanField(label=_("我知道时间冲突,仍要报名"), required=False)
    consent = forms.BooleanField(
        label=_("我同意社区为组织本次志愿服务、记录服务时长使用我的姓名和手机号;志愿服务记录按规定保存。"),
        error_messages={"required": _("请阅读并勾选同意,才能报名。")},
    )

    def __init__(self, *args, shifts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shifts"].queryset = shifts

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_mobile(self) -> str:
        mobile = normalise_mobile(self.cleaned_data["mobile"])
        validate_mobile(mobile)
        return mobile


class SignupLookupForm(PublicForm):
    code = forms.CharField(
        label=_("报名确认码"), max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"required": _("请填写 6 位报名确认码。"), "min_length": _("报名确认码是 6 位。")},
    )
    mobile_tail = forms.CharField(
        label=_("手机号后 4 位"), max_length=4, min_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("请填写手机号后 4 位。"), "min_length": _("请填写手机号后 4 位。")},
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


class CheckInForm(PublicForm):
    code = forms.CharField(
        label=_("报名确认码或手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("请填写报名确认码或手机号。")},
    )

    def clean_code(self) -> str:
        value = self.cleaned_data["code"].strip()
        digits = normalise_mobile(value)
        return digits if digits.isdigit() else value.upper()
