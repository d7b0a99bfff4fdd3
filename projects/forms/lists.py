"""Forms and list filters for the three lists (三张清单). Forms only clean input; the
services in projects/services/lists.py check roles and write.

The FilterSets are shared by the list pages and the API (one filter per list), so
`?no_project=true` means the same on /needs/ and /api/v1/needs/.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from communities.filters import _visible
from communities.models import Building, CoBuildingUnit, Community, Compound
from projects.models import (
    MenuItem,
    MenuStatus,
    Need,
    NeedSource,
    NeedStatus,
    ProjectCategory,
    ProjectType,
    Resource,
    ResourceKind,
)
from projects.permissions import can_manage_community
from projects.selectors import lists as selectors
from xietang import lists

YES_NO = [("yes", _("是")), ("no", _("否"))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# The request inbox hook (existing): list ticked requests as evidence for a need.


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


def managed_communities(user: User):
    """The communities the user writes lists for: all for the street admin, else their own."""
    communities = Community.objects.visible_to(user)
    if user.is_superuser or can_manage_community(user, None):
        return communities
    return communities.filter(pk=user.community_id)


# Filters, shared by pages and API


class NeedFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("需求/说明/受益对象"), method="search")
    community = django_filters.ModelChoiceFilter(label=_("社区"), queryset=_visible(Community))
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=NeedStatus.choices)
    category = django_filters.ChoiceFilter(label=_("类别"), choices=ProjectCategory.choices)
    source = django_filters.ChoiceFilter(label=_("来源"), choices=NeedSource.choices)
    no_project = django_filters.BooleanFilter(label=_("尚无项目"), method="filter_no_project")

    class Meta:
        model = Need
        fields = ["q", "community", "status", "category", "source", "no_project"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(description__icontains=value) | Q(beneficiaries__icontains=value)
        )

    def filter_no_project(self, queryset, name, value):
        if value is None:
            return queryset
        return selectors.without_project(queryset) if value else queryset.filter(selectors.has_project())


class ResourceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("资源/提供方"), method="search")
    community = django_filters.ModelChoiceFilter(label=_("面向社区"), queryset=_visible(Community))
    kind = django_filters.ChoiceFilter(label=_("资源类型"), choices=ResourceKind.choices)
    category = django_filters.ChoiceFilter(label=_("适用类别"), choices=ProjectCategory.choices, method="filter_category")
    provider_unit = django_filters.ModelChoiceFilter(label=_("提供单位"), queryset=_visible(CoBuildingUnit))
    valid_now = django_filters.BooleanFilter(label=_("当前有效"), method="filter_valid_now")
    unused = django_filters.BooleanFilter(label=_("尚未使用"), method="filter_unused")
    withdrawn = django_filters.BooleanFilter(label=_("已撤回"))

    class Meta:
        model = Resource
        fields = ["q", "community", "kind", "category", "provider_unit", "valid_now", "unused", "withdrawn"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(provider_department__icontains=value) | Q(provider_unit__name__icontains=value)
        )

    def filter_category(self, queryset, name, value):
        # A resource with no category (不限) serves every category.
        return queryset.filter(Q(category=value) | Q(category="")) if value else queryset

    def filter_valid_now(self, queryset, name, value):
        if value is None:
            return queryset
        valid = selectors.valid_on(queryset)
        return valid if value else queryset.exclude(pk__in=valid.values("pk"))

    def filter_unused(self, queryset, name, value):
        if value is None:
            return queryset
        return selectors.unused(queryset) if value else queryset.filter(selectors.has_allocations())


class MenuItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("候选项目"), field_name="title", lookup_expr="icontains")
    community = django_filters.ModelChoiceFilter(label=_("社区"), queryset=_visible(Community))
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=MenuStatus.choices)
    category = django_filters.ChoiceFilter(label=_("类别"), choices=ProjectCategory.choices)

    class Meta:
        model = MenuItem
        fields = ["q", "community", "status", "category"]


def page_filter(filter_class, request, queryset):
    """The lists' filter form (xietang.lists.page_filter) with their yes-no filters."""
    return lists.page_filter(
        filter_class, request, queryset, yes_no=("no_project", "valid_now", "unused", "withdrawn")
    )


# Needs


class NeedForm(forms.Form):
    """A need, new or edited. Without JavaScript, 「更新小区楼栋」 posts the form back to
    show the compounds of the chosen community and the buildings of the chosen compound."""

    title = forms.CharField(label=_("需求"), max_length=100)
    community = forms.ModelChoiceField(label=_("社区"), queryset=Community.objects.none())
    compound = forms.ModelChoiceField(label=_("小区"), queryset=Compound.objects.none(), required=False)
    buildings = forms.ModelMultipleChoiceField(
        label=_("楼栋"), queryset=Building.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    category = forms.ChoiceField(label=_("类别"), choices=ProjectCategory.choices, initial=ProjectCategory.OTHER)
    description = forms.CharField(label=_("需求说明"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    source = forms.ChoiceField(label=_("来源"), choices=NeedSource.choices, initial=NeedSource.VISIT)
    beneficiaries = forms.CharField(
        label=_("受益对象"), max_length=100, required=False, help_text=_("如 39幢 80户,或 30个老人集中的单元")
    )
    evidence_notes = forms.CharField(
        label=_("其他依据"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("走访记录、议事意见、数据筛查结果等;相关居民诉求请在诉求列表中勾选后列入"),
    )

    def __init__(self, *args, user: User, need: Need | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.need = user, need
        if need is not None:
            # The community of a need is fixed: its evidence and meetings belong there.
            del self.fields["community"]
            community_id = need.community_id
        else:
            communities = managed_communities(user)
            self.fields["community"].queryset = communities
            if not user.is_street_level:
                self.fields["community"].initial = user.community_id
                self.fields["community"].empty_label = None
            community_id = self._chosen_id("community", communities)
        compounds = Compound.objects.visible_to(user).filter(community_id=community_id) if community_id else Compound.objects.none()
        self.fields["compound"].queryset = compounds
        compound_id = self._chosen_id("compound", compounds)
        self.fields["buildings"].queryset = (
            Building.objects.visible_to(user).filter(compound_id=compound_id).select_related("compound").order_by("code")
            if compound_id
            else Building.objects.none()
        )
        self.fields["buildings"].label_from_instance = lambda building: building.number
        if community_id is None:
            self.fields["compound"].help_text = _("请先选择社区,再点「更新小区楼栋」")
        if compound_id is None:
            self.fields["buildings"].help_text = _("选择小区后点「更新小区楼栋」即可勾选楼栋")

    def _chosen_id(self, name: str, queryset) -> int | None:
        if self.is_bound:
            value = self.data.get(self.add_prefix(name))
        else:
            value = self.initial.get(name, self.fields[name].initial)
        value = getattr(value, "pk", value)
        if value is not None and str(value).isdigit() and queryset.filter(pk=value).exists():
            return int(value)
        return None

    @staticmethod
    def initial_for(need: Need) -> dict:
        return {
            "title": need.title,
            "compound": need.compound_id,
            "buildings": list(need.buildings.values_list("pk", flat=True)),
            "category": need.category,
            "description": need.description,
            "source": need.source,
            "beneficiaries": need.beneficiaries,
            "evidence_notes": need.evidence_notes,
        }


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("不予采纳理由"), max_length=200, widget=forms.Textarea(attrs={"rows": 3}))


# Resources


class ResourceForm(forms.Form):
    title = forms.CharField(label=_("资源"), max_length=100, help_text=_("如 共建资金、50 名志愿者、活动场地"))
    kind = forms.ChoiceField(label=_("资源类型"), choices=ResourceKind.choices)
    category = forms.ChoiceField(
        label=_("适用类别"), choices=[("", _("不限"))] + ProjectCategory.choices, required=False
    )
    provider_unit = forms.ModelChoiceField(
        label=_("提供单位"), queryset=CoBuildingUnit.objects.none(), required=False, help_text=_("共建单位提供时选择")
    )
    provider_department = forms.CharField(
        label=_("提供部门"), max_length=100, required=False, help_text=_("街道部门等提供时填写,与提供单位只填一项")
    )
    community = forms.ModelChoiceField(label=_("面向社区"), queryset=Community.objects.none(), required=False)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    amount = forms.DecimalField(label=_("金额(元)"), max_digits=12, decimal_places=2, required=False, help_text=_("资金类必填"))
    quantity = forms.DecimalField(
        label=_("数量"), max_digits=10, decimal_places=1, required=False, help_text=_("物资、服务、志愿者、场地的数量")
    )
    unit = forms.CharField(label=_("单位"), max_length=10, required=False, help_text=_("如 名、箱、次、小时"))
    valid_from = forms.DateField(label=_("有效期自"), required=False, widget=DateInput())
    valid_until = forms.DateField(label=_("有效期至"), required=False, widget=DateInput())

    def __init__(self, *args, user: User, resource: Resource | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        units = CoBuildingUnit.objects.visible_to(user)
        if resource is not None and resource.provider_unit_id:
            # The offer's own unit stays choosable, even when paired elsewhere by the street.
            units = CoBuildingUnit.objects.filter(Q(pk__in=units.values("pk")) | Q(pk=resource.provider_unit_id))
        self.fields["provider_unit"].queryset = units.order_by("name")
        communities = managed_communities(user)
        self.fields["community"].queryset = communities
        if user.is_superuser or can_manage_community(user, None):
            self.fields["community"].empty_label = _("全街道可用")
            self.fields["community"].help_text = _("留空表示全街道各社区都可使用")
        else:
            self.fields["community"].required = True
            self.fields["community"].empty_label = None
            self.fields["community"].initial = user.community_id

    def clean(self):
        data = super().clean()
        if data.get("kind") == ResourceKind.MONEY and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("资金类资源必须填写金额。"))
        if not data.get("provider_unit") and not (data.get("provider_department") or "").strip():
            self.add_error("provider_unit", _("请填写提供单位或提供部门。"))
        return data

    @staticmethod
    def initial_for(resource: Resource) -> dict:
        return {name: getattr(resource, name) for name in (
            "title", "kind", "category", "provider_department", "description", "amount", "quantity", "unit",
            "valid_from", "valid_until",
        )} | {"provider_unit": resource.provider_unit_id, "community": resource.community_id}


# The project menu


def _need_label(need: Need) -> str:
    return f"{need.community.name} · {need.title}"


class MenuItemForm(forms.Form):
    needs = forms.ModelMultipleChoiceField(
        label=_("对应需求"),
        queryset=Need.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("同一社区的一项或多项待办需求"),
    )
    title = forms.CharField(label=_("候选项目"), max_length=100, required=False, help_text=_("留空则使用第一项需求的名称"))
    category = forms.ChoiceField(
        label=_("类别"), choices=[("", _("同第一项需求"))] + ProjectCategory.choices, required=False
    )
    project_type = forms.ChoiceField(label=_("项目类型"), choices=[("", "—")] + ProjectType.choices, required=False)
    description = forms.CharField(label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    estimated_budget = forms.DecimalField(
        label=_("估算金额(元)"), max_digits=12, decimal_places=2, required=False, min_value=0
    )

    def __init__(self, *args, user: User, item: MenuItem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        needs = selectors.open_needs_for_menu(user)
        if item is not None:
            # The item's own needs stay choosable even once they moved on (已列入计划).
            needs = Need.objects.filter(
                Q(pk__in=item.needs.values("pk")) | Q(pk__in=needs.filter(community_id=item.community_id).values("pk"))
            ).select_related("community").order_by("-created_at", "-id")
        self.fields["needs"].queryset = needs
        self.fields["needs"].label_from_instance = _need_label if user.is_street_level else (lambda need: need.title)

    @staticmethod
    def initial_for(item: MenuItem) -> dict:
        return {
            "needs": list(item.needs.values_list("pk", flat=True)),
            "title": item.title,
            "category": item.category,
            "project_type": item.project_type,
            "description": item.description,
            "estimated_budget": item.estimated_budget,
        }


class ScreenForm(forms.Form):
    need_reasonable = forms.TypedChoiceField(
        label=_("需求合理"), choices=YES_NO, coerce=lambda value: value == "yes", widget=forms.RadioSelect
    )
    feasible = forms.TypedChoiceField(
        label=_("切实可行"), choices=YES_NO, coerce=lambda value: value == "yes", widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("筛选意见"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("未入选时必填"),
    )

    def clean(self):
        data = super().clean()
        rejected = data.get("need_reasonable") is False or data.get("feasible") is False
        if rejected and not (data.get("note") or "").strip():
            self.add_error("note", _("未入选须写明筛选意见。"))
        return data
