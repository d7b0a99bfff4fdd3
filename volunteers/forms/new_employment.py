"""Forms for the new employment registry and 暖心驿站 amenities. They clean input only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from communities.models import Community
from volunteers.forms.teams import managed_communities
from volunteers.models import Amenity, WorkerKind


class WorkerForm(forms.Form):
    community = forms.ModelChoiceField(label=_("工作所在社区"), queryset=Community.objects.none(), empty_label=None)
    name = forms.CharField(label=_("姓名"), max_length=30)
    mobile = forms.CharField(label=_("手机号"), max_length=11)
    kind = forms.ChoiceField(label=_("职业"), choices=WorkerKind.choices)
    company = forms.CharField(label=_("企业/平台"), max_length=60, help_text=_("如 顺丰速运、中通快递、叮咚买菜"))
    station = forms.CharField(label=_("站点"), max_length=60, required=False)
    is_party_member = forms.BooleanField(label=_("党员"), required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, user: User, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["community"]
        else:
            self.fields["community"].queryset = managed_communities(user)
            self.fields["community"].initial = user.community_id


class AmenityForm(forms.Form):
    amenity = forms.ChoiceField(label=_("服务"), choices=Amenity.choices)
    hours = forms.CharField(label=_("时间"), max_length=40, required=False, help_text=_("如 全天、8:00–20:00"))
