"""Forms of the staff activity pages. They only clean input; rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from communities.models import Community, ServicePosition
from volunteers.models import (
    ActivityType,
    Audience,
    Recurrence,
    StallService,
    Team,
    Volunteer,
)
from xietang.images import MultipleImageField

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _datetime_field(label, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        **kwargs,
    )


class DateInput(forms.DateInput):
    input_type = "date"


class ActivityForm(forms.Form):
    """Create (with the first shift and its recurrence) or edit (`editing=True`: no shift fields)."""

    community = forms.ModelChoiceField(label=_("社区"), queryset=Community.objects.none())
    title = forms.CharField(label=_("活动名称"), max_length=80)
    activity_type = forms.ChoiceField(label=_("活动类型"), choices=ActivityType.choices)
    team = forms.ModelChoiceField(label=_("组织队伍"), queryset=Team.objects.none(), required=False)
    position = forms.ModelChoiceField(
        label=_("服务阵地"), queryset=ServicePosition.objects.none(), required=False, help_text=_("或在下面填写地址")
    )
    address = forms.CharField(label=_("活动地点"), max_length=200, required=False, help_text=_("不在服务阵地时填写"))
    description = forms.CharField(label=_("活动内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    audience = forms.ChoiceField(label=_("招募范围"), choices=Audience.choices, initial=Audience.PUBLIC)
    target_group = forms.CharField(label=_("服务对象"), max_length=60, required=False, help_text=_("如 独居老人、快递小哥"))
    first_start = _datetime_field(_("第一个班次开始时间"))
    first_end = _datetime_field(_("第一个班次结束时间"))
    capacity = forms.IntegerField(label=_("每班招募人数"), min_value=1, max_value=999, initial=10)
    label = forms.CharField(label=_("班次名称"), max_length=30, required=False, help_text=_("如 晚班"))
    recurrence = forms.ChoiceField(
        label=_("重复"),
        choices=Recurrence.choices,
        initial=Recurrence.NONE,
        help_text=_("每天或每周按第一个班次的时间生成班次,最多 120 个"),
    )
    recurrence_until = forms.DateField(label=_("重复至"), required=False, widget=DateInput)

    SHIFT_FIELDS = ("first_start", "first_end", "capacity", "label", "recurrence", "recurrence_until")

    def __init__(self, *args, user: User, editing: bool = False, community_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        communities = Community.objects.visible_to(user).order_by("code")
        self.fields["community"].queryset = communities
        teams = Team.objects.visible_to(user).filter(is_active=True)
        positions = ServicePosition.objects.visible_to(user).select_related("community")
        if editing:
            for name in (*self.SHIFT_FIELDS, "community"):
                del self.fields[name]
            teams = teams.filter(community_id__in=[community_id, None]) if community_id else teams
            positions = positions.filter(community_id=community_id)
        elif not user.is_street_level:
            self.fields["community"].initial = user.community_id
        self.fields["team"].queryset = teams
        self.fields["position"].queryset = positions

    def clean(self):
        data = super().clean()
        if data.get("recurrence") and data["recurrence"] != Recurrence.NONE and not data.get("recurrence_until"):
            self.add_error("recurrence_until", _("重复活动须填写重复至哪一天。"))
        return data


class ShiftForm(forms.Form):
    label = forms.CharField(label=_("班次名称"), max_length=30, required=False)
    starts_at = _datetime_field(_("开始时间"))
    ends_at = _datetime_field(_("结束时间"))
    capacity = forms.IntegerField(label=_("招募人数"), min_value=1, max_value=999, initial=10)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200, help_text=_("会以短信告知已报名的志愿者"))


class StallForm(forms.Form):
    service = forms.ChoiceField(label=_("摊位服务"), choices=StallService.choices)
    name = forms.CharField(label=_("摊位名称"), max_length=40, required=False)
    provider = forms.CharField(label=_("提供方"), max_length=60, required=False)
    people_served = forms.IntegerField(label=_("服务人次"), min_value=0, initial=0)


class PeopleServedForm(forms.Form):
    people_served = forms.IntegerField(label=_("服务人次"), min_value=0)


class PhotoForm(forms.Form):
    photos = MultipleImageField(label=_("活动照片"), max_count=6)
    caption = forms.CharField(label=_("说明"), max_length=100, required=False)


class VolunteerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Volunteer) -> str:
        return f"{obj.name}({obj.masked_mobile})"


class StaffSignupForm(forms.Form):
    """Staff sign a team member up (members-only activities) or any volunteer of the street."""

    shift = forms.ModelChoiceField(label=_("班次"), queryset=None, empty_label=None)
    volunteer = VolunteerChoiceField(label=_("志愿者"), queryset=Volunteer.objects.none())
    confirm_overlap = forms.BooleanField(label=_("我知道时间冲突,仍要报名"), required=False)

    def __init__(self, *args, shifts, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shift"].queryset = shifts
        self.fields["volunteer"].queryset = volunteers


class AttendanceForm(forms.Form):
    at = _datetime_field(_("时间"), required=False, help_text=_("留空为现在"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class CorrectForm(forms.Form):
    minutes = forms.IntegerField(label=_("服务时长(分钟)"), min_value=0, max_value=24 * 60)
    reason = forms.CharField(label=_("更正原因"), max_length=200)


class ConfirmForm(forms.Form):
    """Confirm has nothing to fill in; the form keeps the view's shape."""
