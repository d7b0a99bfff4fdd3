"""Forms for consultation meetings, representative votes and polls; and the meeting list's FilterSet,
shared by the page and the API. Forms only clean input: the services in
projects/services/meetings.py check who may write and what is consistent."""

import datetime as dt
import re
from typing import ClassVar

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from communities.filters import _visible
from communities.models import CoBuildingUnit, Community
from communities.validators import validate_mobile
from projects.models import (
    FollowUpAction,
    Meeting,
    MeetingType,
    MenuItem,
    MenuPoll,
    Need,
    Opinion,
    Participant,
    Project,
    VoteChoice,
)
from resident_requests.forms_public import PublicForm, normalise_mobile
from resident_requests.models import ResidentRequest
from resident_requests.stats import Period
from xietang.images import MultipleImageField

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
MAX_PHOTOS_PER_UPLOAD = 6
# XT + yymmdd + serial, as resident_requests.services.next_tracking_code writes them.
TRACKING_CODE = re.compile(r"XT\d{10,14}", re.IGNORECASE)


def _datetime_field(label, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        **kwargs,
    )


# The list filter


class PeriodChoice:
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


PERIOD_CHOICES = [
    (PeriodChoice.MONTH, _("本月")),
    (PeriodChoice.QUARTER, _("本季度")),
    (PeriodChoice.HALF, _("本半年")),
    (PeriodChoice.YEAR, _("本年")),
]


def period_of(choice: str, today: dt.date) -> Period:
    if choice == PeriodChoice.MONTH:
        return Period.month(today)
    if choice == PeriodChoice.QUARTER:
        return Period.quarter(today)
    if choice == PeriodChoice.HALF:
        # 上半年 / 下半年: reports go up half-yearly ("半年来开展议事10余次").
        first = today.month <= 6
        return Period(dt.date(today.year, 1 if first else 7, 1), dt.date(today.year, 6 if first else 12, 30 if first else 31))
    return Period.year(today)


class MeetingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("议题/内容"), method="search")
    meeting_type = django_filters.ChoiceFilter(label=_("会议类型"), choices=MeetingType.choices)
    community = django_filters.ModelChoiceFilter(label=_("社区"), queryset=_visible(Community))
    project = django_filters.ModelChoiceFilter(
        label=_("相关项目"), field_name="projects", queryset=_visible(Project)
    )
    need = django_filters.ModelChoiceFilter(label=_("相关需求"), field_name="needs", queryset=_visible(Need))
    period = django_filters.ChoiceFilter(label=_("期间"), choices=PERIOD_CHOICES, method="filter_period")
    held_from = django_filters.DateFilter(label=_("日期从"), field_name="held_at", lookup_expr="date__gte")
    held_to = django_filters.DateFilter(label=_("日期至"), field_name="held_at", lookup_expr="date__lte")

    class Meta:
        model = Meeting
        fields = ["q", "meeting_type", "community", "project", "need", "period", "held_from", "held_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(topic__icontains=value)
            | Q(background__icontains=value)
            | Q(decision__icontains=value)
            | Q(place__icontains=value)
            | Q(host__icontains=value)
        )

    def filter_period(self, queryset, name, value):
        if not value:
            return queryset
        start, end = period_of(value, timezone.localdate()).bounds()
        return queryset.filter(held_at__gte=start, held_at__lt=end)


# The meeting record


# The model forms below are bound without an instance (edits pass `initial`): they validate
# a fresh copy, so a refused edit never changes the object the page shows again.


class MeetingForm(forms.ModelForm):
    """The basic record. `communities` (street staff creating a meeting) adds the community choice."""

    held_at = _datetime_field(_("时间"))

    class Meta:
        model = Meeting
        fields = ["meeting_type", "topic", "topic_source", "held_at", "place", "host", "background"]
        widgets: ClassVar[dict] = {"background": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if communities is not None:
            self.fields["community"] = forms.ModelChoiceField(label=_("社区"), queryset=communities)
            self.order_fields(["community", *self.Meta.fields])

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "decision",
            "decision_whether",
            "decision_how",
            "decision_who",
            "minutes",
            "feedback",
            "public_summary",
        ]
        widgets: ClassVar[dict] = {
            "decision": forms.Textarea(attrs={"rows": 3}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
            "feedback": forms.Textarea(attrs={"rows": 3}),
            "public_summary": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts: ClassVar[dict] = {
            "decision_whether": _("项目类议题:改不改"),
            "decision_how": _("怎么改"),
            "decision_who": _("谁来改(出资、施工、管护)"),
            "feedback": _("向居民反馈了什么、通过什么方式(公示栏、楼道群、上门)"),
            "public_summary": _("居民在项目公开页上看到的内容,请勿写参会人员姓名。"),
        }


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["role", "name", "organisation", "unit", "can_vote"]
        help_texts: ClassVar[dict] = {"can_vote": _("居民代表等有表决权的人员,参加实事菜单票决")}

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else CoBuildingUnit.objects.none()
        self.fields["unit"].empty_label = _("(无)")


class OpinionForm(forms.ModelForm):
    class Meta:
        model = Opinion
        fields = ["role", "content", "adopted"]
        widgets: ClassVar[dict] = {"content": forms.Textarea(attrs={"rows": 3})}


class FollowUpForm(forms.ModelForm):
    due_on = forms.DateField(label=_("完成期限"), widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = FollowUpAction
        fields = ["description", "owner_name", "owner", "due_on"]
        help_texts: ClassVar[dict] = {
            "owner_name": _("如 物业公司、业委会;选了责任人账号时可不填"),
            "owner": _("选填。选了账号,提醒发给本人;否则发给社区书记和社区工作者。"),
        }

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        owner.queryset = owners if owners is not None else owner.queryset.none()
        owner.label_from_instance = lambda user: f"{user.display_name}({user.get_role_display()})"
        owner.empty_label = _("(无账号)")
        # With an account chosen, the service names the owner after it.
        self.fields["owner_name"].required = False


class FollowUpDoneForm(forms.Form):
    result = forms.CharField(label=_("完成情况"), max_length=300)


class PhotoForm(forms.Form):
    photos = MultipleImageField(
        label=_("会议照片"),
        max_count=MAX_PHOTOS_PER_UPLOAD,
        help_text=_("最多 6 张;照片中的拍摄地点等信息会被去除。"),
    )
    is_public = forms.BooleanField(
        label=_("公开"),
        required=False,
        help_text=_("勾选后,照片会随公开摘要出现在项目公开页上;有居民正脸的照片请不要公开。"),
    )


class PhotoPublicForm(forms.Form):
    is_public = forms.BooleanField(required=False)


class AdoptForm(forms.Form):
    adopted = forms.BooleanField(required=False)


class LinksForm(forms.Form):
    """Needs and projects from the community's scoped lists; requests by tracking code (a year holds hundreds)."""

    needs = forms.ModelMultipleChoiceField(
        label=_("相关需求"), queryset=Need.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("相关项目"), queryset=Project.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    request_codes = forms.CharField(
        label=_("相关诉求编号"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("受理编号,多个用空格或逗号分隔,例如 XT2611210042"),
    )

    def __init__(self, *args, needs, projects, requests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = needs
        self.fields["projects"].queryset = projects
        self.requests = requests

    def clean_request_codes(self) -> list[ResidentRequest]:
        text = self.cleaned_data["request_codes"]
        codes = sorted({code.upper() for code in TRACKING_CODE.findall(text)})
        leftover = TRACKING_CODE.sub("", text)
        if re.sub(r"[\s,,、;;]", "", leftover):
            raise forms.ValidationError(_("请只填写受理编号(XT 加数字),用空格或逗号分隔。"))
        found = {r.tracking_code: r for r in self.requests.filter(tracking_code__in=codes)}
        missing = [code for code in codes if code not in found]
        if missing:
            raise forms.ValidationError(
                _("未找到本社区的诉求 %(codes)s,请核对编号。") % {"codes": "、".join(missing)}
            )
        return [found[code] for code in codes]


class BallotForm(forms.Form):
    """One shortlisted item and a 赞成/反对/弃权 choice per voting participant (fields vote_<id>)."""

    menu_item = forms.ModelChoiceField(label=_("表决项目(入选菜单)"), queryset=MenuItem.objects.none())

    def __init__(self, *args, items, voters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["menu_item"].queryset = items
        self.voters = list(voters)
        for voter in self.voters:
            self.fields[f"vote_{voter.pk}"] = forms.ChoiceField(
                label=str(voter),
                choices=VoteChoice.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("请记录 %(name)s 的表决。") % {"name": voter.name}},
            )

    def choices(self) -> dict[int, str]:
        return {voter.pk: self.cleaned_data[f"vote_{voter.pk}"] for voter in self.voters}


# Polls


class PollForm(forms.ModelForm):
    opens_at = _datetime_field(_("开始时间"))
    closes_at = _datetime_field(_("结束时间"))
    items = forms.ModelMultipleChoiceField(
        label=_("候选项目"),
        queryset=MenuItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("只能选择本社区入选菜单的项目,至少 2 项。"),
    )

    class Meta:
        model = MenuPoll
        fields = ["title", "description", "items", "max_choices", "opens_at", "closes_at"]
        widgets: ClassVar[dict] = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, items, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items
        self.fields["items"].label_from_instance = lambda item: f"{item.title}({item.community})"
        self.fields["max_choices"].min_value = 1
        if communities is not None:
            self.fields["community"] = forms.ModelChoiceField(label=_("社区"), queryset=communities)
            self.order_fields(["community", *self.Meta.fields])

    def clean(self):
        data = super().clean()
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("结束时间须晚于开始时间。"))
        return data

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PollVoteForm(PublicForm):
    """/polls/<pk>/: a resident picks up to max_choices items and gives a mobile number."""

    items = forms.ModelMultipleChoiceField(
        label=_("您支持的项目"),
        queryset=MenuItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一项。")},
    )
    mobile = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("11 位手机号。每个手机号只能投一次。"),
        error_messages={"required": _("请填写手机号。")},
    )
    consent = forms.BooleanField(
        label=_(
            "我同意斜塘街道用我的手机号核对“每个手机号只投一次”。手机号不保存原文,"
            "只保存一个无法还原成号码的校验码,随本次征集的记录保存。"
        ),
        error_messages={"required": _("请阅读并勾选同意,我们才能计入您的投票。")},
    )

    def __init__(self, *args, poll: MenuPoll, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_choices = poll.max_choices
        field = self.fields["items"]
        field.queryset = poll.items.order_by("title", "pk")
        # The description goes into the label: a resident reads what they choose where they choose it.
        field.label_from_instance = lambda item: f"{item.title}:{Truncator(item.description).chars(80)}" if item.description else item.title
        if poll.max_choices == 1:
            # One choice: round buttons say "only one" better than any help text.
            single = forms.ModelChoiceField(
                label=_("您支持的项目"),
                queryset=field.queryset,
                widget=forms.RadioSelect,
                empty_label=None,
                error_messages={"required": _("请选择一项。")},
            )
            single.label_from_instance = field.label_from_instance
            self.fields["items"] = single
        else:
            field.help_text = _("最多选 %(n)s 项。") % {"n": poll.max_choices}

    def clean_items(self) -> list[MenuItem]:
        value = self.cleaned_data["items"]
        items = [value] if isinstance(value, MenuItem) else list(value)
        if len(items) > self.max_choices:
            raise forms.ValidationError(_("最多只能选 %(n)s 项,请去掉几项。") % {"n": self.max_choices})
        return items

    def clean_mobile(self) -> str:
        value = normalise_mobile(self.cleaned_data["mobile"])
        validate_mobile(value)
        return value
