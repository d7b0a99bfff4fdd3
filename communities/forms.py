"""Forms only clean input; services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import Community, Household, Resident, ResidentTag
from communities.validators import normalise_id_number


class ResidentForm(forms.ModelForm):
    tags = forms.ModelMultipleChoiceField(
        label=_("标签"), queryset=ResidentTag.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Resident
        fields = [
            "name",
            "gender",
            "birth_date",
            "mobile",
            "id_number",
            "residence_type",
            "community",
            "household",
            "address",
            "tags",
            "note",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "mobile": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "id_number": forms.TextInput(attrs={"autocomplete": "off"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.visible_to(user)
        households = Household.objects.visible_to(user).select_related("stairwell__building__compound")
        if not user.is_street_level:
            self.fields["community"].initial = user.community_id
        self.fields["household"].queryset = households
        self.fields["household"].required = False
        if self.instance.pk:
            # Editing never shows the stored ID number; leaving it empty keeps it.
            self.fields["id_number"].help_text = _("当前:%(masked)s。留空表示不修改。") % {
                "masked": self.instance.masked_id_number or "未登记"
            }
            self.initial["id_number"] = ""

    def clean_id_number(self):
        value = normalise_id_number(self.cleaned_data.get("id_number", ""))
        if not value and self.instance.pk:
            return self.instance.id_number
        return value

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("tags", None)
        return data
