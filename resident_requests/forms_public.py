"""Forms for the public pages (no account). They only clean input; services do the writing.

Residents are often elderly (DOMAIN.md §10): messages say what to do, mobile
numbers may be typed with spaces, and every choice is a big radio button or a
plain select.
"""

import re
from typing import ClassVar

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from communities.models import Building, Community, Compound
from communities.validators import validate_mobile
from resident_requests.models import RequestCategory, Satisfaction
from resident_requests.services import MAX_PHOTOS_PER_KIND
from xietang.images import MultipleImageField

SNAP_MAX_PHOTOS = 3
DESCRIPTION_MAX = 2000
SNAP_LINE_MAX = 200
COMMENT_MAX = 500
# Separators people type inside a number ("139 1234 5678", "139-1234-5678").
_NUMBER_SEPARATORS = re.compile(r"[\s\-]")
# XT + yymmdd + a serial of at least 4 digits (services.next_tracking_code).
_TRACKING_CODE = re.compile(r"^XT\d{10,14}$")


def normalise_mobile(value: str) -> str:
    return _NUMBER_SEPARATORS.sub("", value or "").removeprefix("+86")


def _as_id(value) -> int | None:
    """The pk in a select's raw value (a POSTed string, or an initial pk or instance)."""
    if isinstance(value, (Community, Compound)):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class PublicForm(forms.Form):
    @property
    def has_field_errors(self) -> bool:
        """Errors shown next to fields (the page then says "look below"); non-field ones stand alone."""
        return any(name != NON_FIELD_ERRORS for name in self.errors)


class CategoryChoiceField(forms.ModelChoiceField):
    """Radio buttons; the template shows each category's description under its name."""

    widget = forms.RadioSelect

    def label_from_instance(self, obj: RequestCategory) -> str:
        return obj.name


class CompoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Compound) -> str:
        return obj.name


class BuildingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Building) -> str:
        return obj.number


class PlaceForm(PublicForm):
    """Community → compound → building, or a free address.

    Without JavaScript the page reloads after each level ("下一步选小区"), so
    the compound and building choices are those of the community and compound
    already sent (or given as initial values on that reload).
    """

    community = forms.ModelChoiceField(
        label=_("社区"),
        queryset=Community.objects.all(),
        required=False,
        empty_label=_("请选择社区"),
    )
    compound = CompoundChoiceField(
        label=_("小区"),
        queryset=Compound.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("所选小区不属于所选社区,请重新选择小区。")},
    )
    building = BuildingChoiceField(
        label=_("楼栋"),
        queryset=Building.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("所选楼栋不属于所选小区,请重新选择楼栋。")},
    )
    address = forms.CharField(
        label=_("详细地址"),
        max_length=200,
        required=False,
        help_text=_("可写明单元、门牌或附近的标志物;找不到小区时,请在这里写清楚位置。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        community_id = _as_id(self._raw("community"))
        compound_id = _as_id(self._raw("compound")) if community_id else None
        compound = self.fields["compound"]
        building = self.fields["building"]
        if community_id:
            compound.queryset = Compound.objects.filter(community_id=community_id)
            compound.empty_label = _("不选小区")
        else:
            compound.empty_label = _("请先选择社区")
        if compound_id:
            building.queryset = Building.objects.filter(compound_id=compound_id, compound__community_id=community_id)
            building.empty_label = _("不选楼栋")
        else:
            building.empty_label = _("请先选择小区")

    def _raw(self, name: str):
        if self.is_bound:
            return self.data.get(self.add_prefix(name))
        return self.initial.get(name)

    def clean(self):
        cleaned = super().clean()
        place_errors = {"community", "address"} & set(self.errors)
        if not place_errors and not cleaned.get("community") and not cleaned.get("address", "").strip():
            raise forms.ValidationError(_("请选择社区,或在“详细地址”中写明位置。"), code="no_place")
        return cleaned

    def place_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "community": data["community"],
            "compound": data["compound"],
            "building": data["building"],
            "address": data["address"].strip(),
        }


class _TokenMixin(forms.Form):
    # uuid4 issued with the empty form: the same form sent twice finds the first request.
    submission_token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("页面已过期,请刷新页面后重新填写。"),
            "invalid": _("页面已过期,请刷新页面后重新填写。"),
        },
    )


class SubmitForm(_TokenMixin, PlaceForm):
    """/report/: a resident's request, with contact details and consent (PIPL)."""

    category = CategoryChoiceField(
        label=_("诉求类别"),
        queryset=RequestCategory.objects.filter(is_active=True),
        empty_label=None,
        error_messages={"required": _("请选择诉求类别。")},
    )
    description = forms.CharField(
        label=_("诉求内容"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": DESCRIPTION_MAX}),
        help_text=_("请写明发生了什么、在哪里、从什么时候开始。最多 2000 字。"),
        error_messages={"required": _("请填写诉求内容。")},
    )
    photos = MultipleImageField(
        label=_("照片"),
        max_count=MAX_PHOTOS_PER_KIND,
        required=False,
        help_text=_("选填,最多 6 张,可以拍照或从相册选择。照片中的拍摄地点等信息会被去除。"),
    )
    contact_name = forms.CharField(
        label=_("您的姓名"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("请填写您的姓名,方便工作人员与您联系。")},
    )
    contact_mobile = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("11 位手机号。查询进度时要用到手机号后四位。"),
        error_messages={"required": _("请填写手机号,方便工作人员与您联系。")},
    )
    hide_name_from_handlers = forms.BooleanField(label=_("不向处理人员显示我的姓名"), required=False)
    consent = forms.BooleanField(
        error_messages={"required": _("请阅读并勾选同意,我们才能受理您的诉求。")},
    )

    field_order: ClassVar[list[str]] = [
        "category",
        "description",
        "community",
        "compound",
        "building",
        "address",
        "photos",
        "contact_name",
        "contact_mobile",
        "hide_name_from_handlers",
        "consent",
        "submission_token",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # PIPL: say the purpose and how long we keep it, where consent is given.
        self.fields["consent"].label = _(
            "我同意斜塘街道为办理本诉求收集我的姓名、手机号和照片;"
            "办结归档后保留%(days)s天,期满自动删除联系信息。"
        ) % {"days": settings.REQUEST_CONTACT_RETENTION_DAYS}

    def clean_contact_name(self) -> str:
        return self.cleaned_data["contact_name"].strip()

    def clean_contact_mobile(self) -> str:
        value = normalise_mobile(self.cleaned_data["contact_mobile"])
        validate_mobile(value)
        return value


class SnapForm(_TokenMixin, PlaceForm):
    """/snap/<token>/: a registered reporter's 随手拍; contact details come from the reporter."""

    category = CategoryChoiceField(
        label=_("问题类别"),
        queryset=RequestCategory.objects.filter(is_active=True),
        empty_label=None,
        error_messages={"required": _("请选择问题类别。")},
    )
    description = forms.CharField(
        label=_("一句话说明"),
        max_length=SNAP_LINE_MAX,
        widget=forms.TextInput(attrs={"maxlength": SNAP_LINE_MAX}),
        help_text=_("例如:39幢楼道口电动车充电,堵住通道。最多 200 字。"),
        error_messages={"required": _("请用一句话说明问题。")},
    )
    photos = MultipleImageField(
        label=_("现场照片"),
        max_count=SNAP_MAX_PHOTOS,
        help_text=_("1 至 3 张,可以直接拍照。"),
    )

    field_order: ClassVar[list[str]] = [
        "category",
        "community",
        "compound",
        "building",
        "address",
        "description",
        "photos",
        "submission_token",
    ]


class TrackForm(PublicForm):
    code = forms.CharField(
        label=_("受理编号"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        help_text=_("提交成功时显示的编号,例如 XT2611210042。"),
        error_messages={"required": _("请填写受理编号。")},
    )
    mobile_tail = forms.CharField(
        label=_("手机号后四位"),
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 4}),
        error_messages={"required": _("请填写提交时所留手机号的后四位。")},
    )

    def clean_code(self) -> str:
        value = _NUMBER_SEPARATORS.sub("", self.cleaned_data["code"]).upper()
        if not _TRACKING_CODE.match(value):
            raise forms.ValidationError(_("受理编号是 XT 加 10 位数字,例如 XT2611210042。"), code="code_format")
        return value

    def clean_mobile_tail(self) -> str:
        value = self.cleaned_data["mobile_tail"].strip()
        if not re.fullmatch(r"\d{4}", value):
            raise forms.ValidationError(_("请填写 4 位数字。"), code="tail_format")
        return value


YES_NO = [("yes", _("是")), ("no", _("否"))]


def _yes(value: str) -> bool:
    return value == "yes"


class RatingForm(PublicForm):
    contacted = forms.TypedChoiceField(
        label=_("办理人员联系过您吗?"),
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择“是”或“否”。")},
    )
    solved = forms.TypedChoiceField(
        label=_("问题解决了吗?"),
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择“是”或“否”。")},
    )
    satisfaction = forms.ChoiceField(
        label=_("您对办理结果满意吗?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意、基本满意或不满意。")},
    )
    comment = forms.CharField(
        label=_("还想说的话(选填)"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX}),
        help_text=_("最多 500 字。"),
    )
