"""Forms only clean input; services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import (
    CoBuildingUnit,
    Community,
    Grid,
    Household,
    PositionLevel,
    Resident,
    ResidentTag,
    ServicePosition,
)
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


class CoBuildingUnitForm(forms.ModelForm):
    class Meta:
        model = CoBuildingUnit
        fields = [
            "name",
            "unit_type",
            "party_organisation_name",
            "contact_name",
            "contact_phone",
            "address",
            "communities",
            "joined_on",
            "description",
        ]
        widgets = {
            "communities": forms.CheckboxSelectMultiple,
            "joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communities"].queryset = Community.objects.visible_to(user)
        if not user.is_street_level:
            self.fields["communities"].help_text = _("新增的单位会自动与本社区结对;与其他社区的结对保持不变。")


class ServicePositionForm(forms.ModelForm):
    class Meta:
        model = ServicePosition
        fields = [
            "name",
            "position_type",
            "level",
            "community",
            "grid",
            "address",
            "opening_hours",
            "area_sqm",
            "phone",
            "services",
        ]
        widgets = {"services": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.visible_to(user)
        self.fields["grid"].queryset = Grid.objects.visible_to(user).select_related("community")
        if not user.is_street_level:
            # Street-level positions are the street's to maintain.
            self.fields["level"].choices = [c for c in PositionLevel.choices if c[0] != PositionLevel.STREET]
            self.fields["community"].initial = user.community_id
