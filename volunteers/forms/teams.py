"""Forms for teams, volunteers, their records, points and the 积分超市. They clean input only."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from communities.models import CoBuildingUnit, Community, Resident
from volunteers.models import (
    EvaluationGrade,
    IdType,
    MemberRole,
    PriceType,
    RewardItem,
    TeamService,
    TeamType,
    Volunteer,
    VolunteerKind,
)
from volunteers.permissions import can_manage_community


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def managed_communities(user: User):
    """The communities the user writes volunteer data for: all for the street admin, else their own."""
    communities = Community.objects.visible_to(user)
    if can_manage_community(user, None):
        return communities
    return communities.filter(pk=user.community_id)


class TeamForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("所属社区"), queryset=Community.objects.none(), required=False, empty_label=_("(街道级队伍)")
    )
    name = forms.CharField(label=_("队伍名称"), max_length=60)
    team_type = forms.ChoiceField(label=_("队伍类型"), choices=TeamType.choices)
    description = forms.CharField(label=_("队伍简介"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    founded_on = forms.DateField(label=_("成立日期"), required=False, widget=DateInput())
    co_building_unit = forms.ModelChoiceField(label=_("共建单位"), queryset=CoBuildingUnit.objects.none(), required=False)
    is_public = forms.BooleanField(label=_("在公开页面展示"), required=False, initial=True)
    is_active = forms.BooleanField(label=_("活跃"), required=False, initial=True)

    def __init__(self, *args, user: User, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_building_unit"].queryset = CoBuildingUnit.objects.visible_to(user)
        if editing:
            del self.fields["community"]
            return
        self.fields["community"].queryset = managed_communities(user)
        if not can_manage_community(user, None):
            # Community staff create teams of their community only.
            self.fields["community"].required = True
            self.fields["community"].empty_label = None
            self.fields["community"].initial = user.community_id


class MemberAddForm(forms.Form):
    volunteer = forms.CharField(label=_("志愿者编号或手机号"), max_length=20)
    role = forms.ChoiceField(label=_("队内职务"), choices=MemberRole.choices, initial=MemberRole.MEMBER)
    joined_on = forms.DateField(label=_("加入日期"), required=False, widget=DateInput())

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_volunteer(self) -> Volunteer:
        return find_volunteer(self.user, self.cleaned_data["volunteer"])


def find_volunteer(user: User, value: str) -> Volunteer:
    """A volunteer the user may see, by number (XT…) or full mobile."""
    value = (value or "").strip().upper()
    found = Volunteer.objects.visible_to(user).filter(Q(number=value) | Q(mobile=value)).first()
    if found is None:
        raise forms.ValidationError(_("没有找到该志愿者,请核对编号或手机号。"))
    return found


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("队内职务"), choices=MemberRole.choices)


class TeamServiceForm(forms.ModelForm):
    class Meta:
        model = TeamService
        fields = ["title", "description", "beneficiaries", "schedule", "price_type", "price", "unit", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "price_type": forms.RadioSelect}

    def clean(self):
        data = super().clean()
        if data.get("price_type") == PriceType.FREE:
            data["price"] = None
        return data

    def _post_clean(self):
        # The service checks the price rule and saves; the form only cleans fields.
        pass


class DeliveryForm(forms.Form):
    delivered_on = forms.DateField(label=_("服务日期"), widget=DateInput())
    quantity = forms.IntegerField(label=_("数量"), min_value=0)
    people_served = forms.IntegerField(label=_("服务人次"), min_value=0)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class VolunteerForm(forms.Form):
    """Register (with community and an optional resident) or edit a volunteer's basics."""

    community = forms.ModelChoiceField(label=_("登记社区"), queryset=Community.objects.none(), empty_label=None)
    resident = forms.ModelChoiceField(queryset=Resident.objects.none(), required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("姓名"), max_length=30, required=False)
    mobile = forms.CharField(label=_("手机号"), max_length=11, required=False)
    kind = forms.ChoiceField(label=_("身份"), choices=VolunteerKind.choices, initial=VolunteerKind.RESIDENT)
    affiliation = forms.CharField(label=_("单位/学校"), max_length=60, required=False, help_text=_("学生填写学校"))
    co_building_unit = forms.ModelChoiceField(label=_("共建单位"), queryset=CoBuildingUnit.objects.none(), required=False)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices, initial=IdType.RESIDENT_ID)
    id_number = forms.CharField(
        label=_("证件号码"), max_length=30, required=False, help_text=_("仅出具服务证明时需要;修改时留空表示不变")
    )
    is_party_member = forms.BooleanField(label=_("党员"), required=False)
    skills = forms.CharField(label=_("技能特长"), max_length=200, required=False)
    availability = forms.CharField(label=_("可服务时间"), max_length=100, required=False)
    is_active = forms.BooleanField(label=_("有效"), required=False, initial=True)

    def __init__(self, *args, user: User, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_building_unit"].queryset = CoBuildingUnit.objects.visible_to(user)
        if editing:
            for name in ("community", "resident"):
                del self.fields[name]
            self.fields["name"].required = True
            self.fields["mobile"].required = True
            return
        del self.fields["is_active"]
        self.fields["community"].queryset = managed_communities(user)
        self.fields["community"].initial = user.community_id
        self.fields["resident"].queryset = Resident.objects.visible_to(user).filter(volunteer__isnull=True)

    def clean(self):
        data = super().clean()
        if "resident" in self.fields and not data.get("resident"):
            for name in ("name", "mobile"):
                if not (data.get(name) or "").strip() and name not in self.errors:
                    self.add_error(name, _("未关联居民时必填。"))
        return data


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("培训内容"), max_length=100)
    provider = forms.CharField(label=_("培训组织方"), max_length=60, required=False)
    held_on = forms.DateField(label=_("培训日期"), widget=DateInput())
    hours = forms.DecimalField(label=_("培训学时"), max_digits=5, decimal_places=1, min_value=0, required=False)


class AwardForm(forms.Form):
    title = forms.CharField(label=_("表彰奖励"), max_length=100)
    awarded_by = forms.CharField(label=_("授予单位"), max_length=60, required=False)
    awarded_on = forms.DateField(label=_("授予日期"), widget=DateInput())


class EvaluationForm(forms.Form):
    period = forms.CharField(label=_("评价期间"), max_length=30, help_text=_("如 2026年上半年"))
    grade = forms.ChoiceField(label=_("评价等级"), choices=EvaluationGrade.choices)
    comment = forms.CharField(label=_("评语"), max_length=200, required=False)


class PointsAdjustForm(forms.Form):
    delta = forms.IntegerField(label=_("积分变动"), help_text=_("正数为增加,负数为扣减"))
    reason = forms.CharField(label=_("事由"), max_length=200)

    def clean_delta(self):
        delta = self.cleaned_data["delta"]
        if delta == 0:
            raise forms.ValidationError(_("积分变动不能为 0。"))
        return delta


class RewardItemForm(forms.ModelForm):
    class Meta:
        model = RewardItem
        fields = ["community", "name", "points_cost", "stock", "is_active"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["community"]
        else:
            self.fields["community"].queryset = managed_communities(user)
            self.fields["community"].initial = user.community_id
            self.fields["community"].empty_label = None

    def _post_clean(self):
        # The service validates and saves.
        pass


class RedeemForm(forms.Form):
    volunteer = forms.CharField(label=_("志愿者编号或手机号"), max_length=20)
    quantity = forms.IntegerField(label=_("数量"), min_value=1, initial=1)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_volunteer(self) -> Volunteer:
        return find_volunteer(self.user, self.cleaned_data["volunteer"])
