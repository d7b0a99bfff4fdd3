from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Need, NeedStatus


class NeedEvidenceForm(forms.Form):
    """Mark requests as evidence: pick an open need of the community or name a new one."""

    need = forms.ModelChoiceField(label=_("已有需求"), queryset=Need.objects.none(), required=False, empty_label=_("(新建需求)"))
    new_title = forms.CharField(label=_("新需求名称"), max_length=100, required=False)
    beneficiaries = forms.CharField(label=_("受益对象"), max_length=100, required=False, help_text=_("如 39幢 80户"))

    def __init__(self, *args, needs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = needs if needs is not None else Need.objects.none()

    def clean(self):
        data = super().clean()
        if not data.get("need") and not (data.get("new_title") or "").strip():
            raise forms.ValidationError(_("请选择已有需求,或填写新需求名称。"))
        return data


def open_needs(queryset):
    return queryset.filter(status__in=(NeedStatus.OPEN, NeedStatus.PLANNED))
