"""Forms for the staff request pages. They only clean input; services do the writing."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from communities.models import Building, Community, Compound, Resident
from communities.validators import validate_mobile
from resident_requests.models import (
    Channel,
    HandlerKind,
    RequestCategory,
    ResidentRequest,
    Satisfaction,
)
from resident_requests.services import MAX_PHOTOS_PER_KIND
from xietang.images import MultipleImageField

SNAP_MAX_PHOTOS = 3
RESIDENT_MATCHES = 20
HANDLER_UNIT_SUGGESTIONS = 30
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _new_token() -> str:
    return uuid.uuid4().hex


def _token_field() -> forms.CharField:
    # Sent again by a double click or a refresh: the service then returns the first request.
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=64, initial=_new_token)


def _categories():
    return RequestCategory.objects.filter(is_active=True)


def _building_choices(user: User, community_id: int | None):
    if community_id is None:
        return Building.objects.none()
    return (
        Building.objects.visible_to(user)
        .filter(compound__community_id=community_id)
        .select_related("compound")
        .order_by("compound__name", "number")
    )


def _resident_label(resident: Resident) -> str:
    parts = [resident.name, resident.full_address or "—", resident.masked_mobile or str(_("未登记手机号"))]
    return " · ".join(parts)


class RequestIntakeForm(forms.Form):
    """Staff intake (热线、走访、民情站、上级交办 …).

    Without JavaScript, the place and resident choices depend on what is already
    typed: the page posts back with 「查找居民」 or 「更新小区楼栋」 and is shown again
    with the choices for the chosen community and search (the view passes the
    posted values as `initial` then, so nothing is validated or saved).
    """

    # 第三方平台 requests arrive over Open311 only (open311/), never typed in by staff.
    channel = forms.ChoiceField(
        label=_("来源渠道"), choices=[choice for choice in Channel.choices if choice[0] != Channel.PARTNER]
    )
    referral_number = forms.CharField(
        label=_("交办单号"), max_length=40, required=False, help_text=_("上级交办(如 12345 转办)时必填")
    )
    category = forms.ModelChoiceField(label=_("类别"), queryset=RequestCategory.objects.none())
    description = forms.CharField(label=_("诉求内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    community = forms.ModelChoiceField(label=_("社区"), queryset=Community.objects.none())
    compound = forms.ModelChoiceField(label=_("小区"), queryset=Compound.objects.none(), required=False)
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=Building.objects.none(), required=False)
    address = forms.CharField(
        label=_("详细地址"), max_length=200, required=False, help_text=_("单元、门牌号,或不在楼栋登记中的地点")
    )
    resident_q = forms.CharField(
        label=_("查找居民"), max_length=30, required=False, help_text=_("输入姓名或手机尾号,再点「查找居民」")
    )
    resident = forms.ModelChoiceField(
        label=_("居民档案"),
        queryset=Resident.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=_("不关联居民档案"),
        blank=True,
    )
    contact_name = forms.CharField(
        label=_("联系人"), max_length=30, required=False, help_text=_("选择了居民档案时可不填,自动使用档案中的姓名")
    )
    contact_mobile = forms.CharField(
        label=_("联系电话"),
        max_length=11,
        required=False,
        validators=[validate_mobile],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("选择了居民档案时可不填,自动使用档案中的手机号"),
    )
    hide_name_from_handlers = forms.BooleanField(label=_("不向承办人显示姓名"), required=False)
    photos = MultipleImageField(
        label=_("现场照片"),
        max_count=MAX_PHOTOS_PER_KIND,
        required=False,
    )
    submission_token = _token_field()

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["category"].queryset = _categories()
        self.fields["photos"].help_text = gettext("选填,最多 %(n)s 张") % {"n": MAX_PHOTOS_PER_KIND}
        communities = Community.objects.visible_to(user)
        if not user.is_street_level:
            # Community staff log requests of their own community only.
            communities = communities.filter(pk=user.community_id)
            self.fields["community"].initial = user.community_id
            self.fields["community"].empty_label = None
        self.fields["community"].queryset = communities
        self.fields["channel"].initial = Channel.VISIT if user.role == Role.GRID_WORKER else Channel.HOTLINE

        community_id = self._chosen_community_id()
        self.fields["compound"].queryset = (
            Compound.objects.visible_to(user).filter(community_id=community_id)
            if community_id
            else Compound.objects.none()
        )
        self.fields["building"].queryset = _building_choices(user, community_id)
        if community_id is None:
            hint = _("请先选择社区,再点「更新小区楼栋」")
            self.fields["compound"].help_text = self.fields["building"].help_text = hint
        self.resident_query = ""
        self.resident_matches = 0
        self._set_resident_choices(community_id)

    def _value(self, name: str):
        if self.is_bound:
            return self.data.get(self.add_prefix(name))
        return self.initial.get(name, self.fields[name].initial)

    def _chosen_community_id(self) -> int | None:
        if not self.user.is_street_level:
            return self.user.community_id
        value = str(self._value("community") or "")
        if value.isdigit() and self.fields["community"].queryset.filter(pk=value).exists():
            return int(value)
        return None

    def _set_resident_choices(self, community_id: int | None) -> None:
        query = str(self._value("resident_q") or "").strip()
        self.resident_query = query
        if not query:
            return
        residents = Resident.objects.visible_to(self.user)
        if community_id:
            residents = residents.filter(community_id=community_id)
        condition = Q(name__icontains=query)
        if query.isdigit():
            condition |= Q(mobile__endswith=query)
        ids = list(residents.filter(condition).order_by("name", "id").values_list("pk", flat=True)[:RESIDENT_MATCHES])
        field = self.fields["resident"]
        field.queryset = Resident.objects.filter(pk__in=ids).select_related(
            "household__stairwell__building__compound"
        ).order_by("name", "id")
        field.label_from_instance = _resident_label
        self.resident_matches = len(ids)

    def clean(self):
        data = super().clean()
        if data.get("channel") == Channel.REFERRAL and not data.get("referral_number"):
            self.add_error("referral_number", _("上级交办的诉求请填写交办单号。"))
        compound, building = data.get("compound"), data.get("building")
        if compound and building and building.compound_id != compound.pk:
            self.add_error("building", _("所选楼栋不属于所选小区。"))
        resident = data.get("resident")
        if resident is not None:
            # Left empty: taken from the resident's record. Typed: kept (a relative may call for them).
            data["contact_name"] = data.get("contact_name") or resident.name
            if not data.get("contact_mobile") and "contact_mobile" not in self.errors:
                data["contact_mobile"] = resident.mobile
        if not data.get("contact_name"):
            self.add_error("contact_name", _("请填写联系人,或查找并选择居民档案。"))
        if not data.get("contact_mobile") and "contact_mobile" not in self.errors:
            message = (
                _("所选居民档案没有手机号,请填写联系电话。") if resident is not None else _("请填写联系电话。")
            )
            self.add_error("contact_mobile", message)
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "channel",
                "referral_number",
                "category",
                "description",
                "community",
                "compound",
                "building",
                "address",
                "resident",
                "contact_name",
                "contact_mobile",
                "hide_name_from_handlers",
                "photos",
                "submission_token",
            )
        }


class SnapForm(forms.Form):
    """随手拍 by staff on a phone: photos first, then one line."""

    photos = MultipleImageField(
        label=_("照片"),
        max_count=SNAP_MAX_PHOTOS,
    )
    category = forms.ModelChoiceField(label=_("类别"), queryset=RequestCategory.objects.none())
    community = forms.ModelChoiceField(label=_("社区"), queryset=Community.objects.none())
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=Building.objects.none(), required=False)
    address = forms.CharField(label=_("地点"), max_length=200, required=False, help_text=_("没有楼栋时写清地点"))
    description = forms.CharField(label=_("一句话说明"), max_length=200)
    submission_token = _token_field()

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["photos"].help_text = gettext("1–%(n)s 张,可直接拍照") % {"n": SNAP_MAX_PHOTOS}
        self.fields["category"].queryset = _categories()
        if user.community_id:
            del self.fields["community"]
            self.fields["building"].queryset = _building_choices(user, user.community_id)
        else:
            # Street staff have no community of their own: they name it, and the place in words.
            del self.fields["building"]
            self.fields["community"].queryset = Community.objects.visible_to(user)

    def clean(self):
        data = super().clean()
        if not data.get("building") and not data.get("address") and "address" not in self.errors:
            self.add_error("address", _("请选择楼栋或填写地点。"))
        if not self.user.phone:
            raise ValidationError(
                _("您的账号没有登记手机号,随手拍要用它作联系电话。请联系管理员补充,或改用「登记诉求」。")
            )
        return data


# One small form per workflow action on the detail page. Required text (reasons, results)
# is checked by the services, so the message is the same for the page and the API.


class ActionForm(forms.Form):
    def __init__(self, *args, user: User, resident_request: ResidentRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.resident_request = resident_request


class NoteForm(ActionForm):
    note = forms.CharField(label=_("备注"), max_length=500, required=False)


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("理由"), max_length=200, required=False)


class RejectForm(ReasonForm):
    reason = forms.CharField(label=_("不予受理理由"), max_length=200, required=False, help_text=_("居民在查询页能看到"))


class ReturnForm(ReasonForm):
    reason = forms.CharField(label=_("退单理由"), max_length=200, required=False)


class ReopenForm(ReasonForm):
    reason = forms.CharField(label=_("重办原因"), max_length=200, required=False)


class MergeForm(ActionForm):
    target = forms.CharField(
        label=_("合并到(受理编号)"), max_length=16, help_text=_("与之重复、继续办理的那件诉求,如 XT2611210001")
    )
    note = forms.CharField(label=_("备注"), max_length=500, required=False)

    def clean_target(self) -> ResidentRequest:
        code = self.cleaned_data["target"].strip().upper()
        # Only requests the user may see: a code from another community is "not found".
        target = ResidentRequest.objects.visible_to(self.user).filter(tracking_code=code).first()
        if target is None:
            raise ValidationError(_("找不到受理编号为 %(code)s 的诉求。"), params={"code": code})
        return target


class DispatchForm(ActionForm):
    handler_kind = forms.ChoiceField(label=_("承办方类型"), choices=HandlerKind.choices)
    handler = forms.ModelChoiceField(
        label=_("承办人"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("派给网格员或社区工作人员时选择"),
    )
    handler_unit = forms.CharField(
        label=_("承办单位"),
        max_length=60,
        required=False,
        help_text=_("派给街道职能部门或物业公司时填写"),
        widget=forms.TextInput(attrs={"list": "handler-units", "autocomplete": "off"}),
    )
    note = forms.CharField(label=_("派单说明"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.resident_request
        self.fields["handler"].queryset = User.objects.filter(
            community_id=request.community_id,
            is_active=True,
            role__in=(Role.GRID_WORKER, Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER),
        ).order_by("role", "last_name", "first_name", "username")
        self.fields["handler"].label_from_instance = lambda user: f"{user.display_name}({user.get_role_display()})"
        self.fields["handler_kind"].initial = request.category.default_handler_kind
        if request.grid_id and request.category.default_handler_kind == HandlerKind.GRID_WORKER:
            # The worker of the request's own grid is the usual choice.
            self.fields["handler"].initial = request.grid.workers.filter(is_active=True).values_list(
                "pk", flat=True
            ).first()

    def unit_suggestions(self) -> list[str]:
        """Departments and property companies dispatched to before, for the datalist."""
        return list(
            ResidentRequest.objects.visible_to(self.user)
            .exclude(handler_unit="")
            .order_by("handler_unit")
            .values_list("handler_unit", flat=True)
            .distinct()[:HANDLER_UNIT_SUGGESTIONS]
        )


class ResolveForm(ActionForm):
    result = forms.CharField(label=_("办理结果"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleImageField(
        label=_("办结照片"),
        max_count=MAX_PHOTOS_PER_KIND,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = gettext("选填,最多 %(n)s 张") % {"n": MAX_PHOTOS_PER_KIND}


YES_NO = [("yes", _("是")), ("no", _("否"))]


class CallbackForm(ActionForm):
    contacted = forms.TypedChoiceField(
        label=_("是否联系上居民"), choices=YES_NO, coerce=lambda value: value == "yes", widget=forms.RadioSelect
    )
    solved = forms.TypedChoiceField(
        label=_("问题是否解决"), choices=YES_NO, coerce=lambda value: value == "yes", widget=forms.RadioSelect
    )
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("回访记录"), max_length=500, required=False)


class ExtensionAskForm(ActionForm):
    until = forms.DateTimeField(
        label=_("申请延期至"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    reason = forms.CharField(label=_("延期理由"), max_length=200, required=False)
