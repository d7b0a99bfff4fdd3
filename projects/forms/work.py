"""Forms of the work on the ground: funding, batches, milestones, before/after photos.

They only clean input; the rules (state, role, Σ of batch plans, a resource's
remainder) are the services' (projects/services/work.py). Each form has a prefix,
so the several forms of the project page keep distinct field ids.
"""

import django_filters
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from communities.filters import _visible
from communities.models import CoBuildingUnit
from projects.models import Contribution, FundingSource, Project, Resource, ResourceKind
from xietang.images import ProcessedImage, process_image_upload


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PhotoField(forms.FileField):
    """One photo, checked and re-encoded by the shared pipeline (no EXIF/GPS); cleans to a ProcessedImage."""

    widget = forms.FileInput(attrs={"accept": "image/*"})

    def clean(self, data, initial=None) -> ProcessedImage | None:
        upload = super().clean(data, initial)
        if not isinstance(upload, UploadedFile):
            return None
        return process_image_upload(upload)


class ResourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, resource: Resource) -> str:
        left = getattr(
            resource, "remaining_amount" if resource.kind == ResourceKind.MONEY else "remaining_quantity", None
        )
        if left is None:
            return f"{resource.provider_name} · {resource.title}"
        shown = (
            f"{left:.2f} 元" if resource.kind == ResourceKind.MONEY else f"{left.normalize():f} {resource.unit}".strip()
        )
        return _("%(provider)s · %(title)s(剩余 %(left)s)") % {
            "provider": resource.provider_name,
            "title": resource.title,
            "left": shown,
        }


class ContributionForm(forms.Form):
    source = forms.ChoiceField(label=_("来源"), choices=FundingSource.choices, initial=FundingSource.UNIT)
    unit = forms.ModelChoiceField(
        label=_("共建单位"),
        queryset=CoBuildingUnit.objects.none(),
        required=False,
        help_text=_("共建单位认领时选择;只列出与本项目所在社区结对的单位"),
    )
    resource = ResourceChoiceField(
        label=_("从资源清单调用"),
        queryset=Resource.objects.none(),
        required=False,
        help_text=_("可选;调用时核对资源剩余额度,提供单位自动带出"),
    )
    amount = forms.DecimalField(label=_("金额(元)"), min_value=0, max_digits=12, decimal_places=2, required=False)
    quantity = forms.DecimalField(
        label=_("数量"),
        min_value=0,
        max_digits=10,
        decimal_places=1,
        required=False,
        help_text=_("从物资、志愿者等资源调用时填写"),
    )
    in_kind = forms.CharField(
        label=_("实物或服务"), max_length=200, required=False, help_text=_("如 提供设计方案、50 名志愿者")
    )
    contributed_on = forms.DateField(label=_("日期"), required=False, widget=DateInput, help_text=_("留空为今天"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, units=None, resources=None, **kwargs):
        kwargs.setdefault("prefix", "contribution")
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
        if resources is not None:
            self.fields["resource"].queryset = resources


class ContributionRemoveForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)


class BatchForm(forms.Form):
    planned_quantity = forms.IntegerField(label=_("本批计划数量"), min_value=1)
    title = forms.CharField(label=_("名称"), max_length=100, required=False, help_text=_("留空为 第N批"))
    planned_start = forms.DateField(label=_("计划开始"), required=False, widget=DateInput)
    planned_end = forms.DateField(label=_("计划完成"), required=False, widget=DateInput)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "batch")
        super().__init__(*args, **kwargs)


class DeliveryForm(forms.Form):
    delivered_quantity = forms.IntegerField(label=_("累计完成数量"), min_value=0)
    delivered_on = forms.DateField(label=_("完成日期"), required=False, widget=DateInput, help_text=_("留空为今天"))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("节点"), max_length=100)
    weight = forms.IntegerField(label=_("权重"), min_value=1, max_value=100, initial=1, help_text=_("占整个项目的比重"))
    due_on = forms.DateField(label=_("计划完成"), required=False, widget=DateInput)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "milestone")
        super().__init__(*args, **kwargs)


class MilestoneProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("完成比例(%)"), min_value=0, max_value=100)
    done_on = forms.DateField(
        label=_("实际完成日期"), required=False, widget=DateInput, help_text=_("达到 100% 时填写,留空为今天")
    )
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PhotoPairForm(forms.Form):
    caption = forms.CharField(label=_("位置或说明"), max_length=100, help_text=_("如 3幢楼道口"))
    before = PhotoField(label=_("实施前照片"), required=False)
    after = PhotoField(label=_("实施后照片"), required=False, help_text=_("可稍后补传"))
    batch = forms.ModelChoiceField(label=_("所属批次"), queryset=None, required=False)
    milestone = forms.ModelChoiceField(label=_("所属节点"), queryset=None, required=False)

    def __init__(self, *args, project: Project, **kwargs):
        kwargs.setdefault("prefix", "photo")
        super().__init__(*args, **kwargs)
        # One kind of progress per project: batches for quantity projects, milestones otherwise.
        if project.measures_quantity:
            self.fields["batch"].queryset = project.batches.all()
            del self.fields["milestone"]
        else:
            self.fields["milestone"].queryset = project.milestones.all()
            del self.fields["batch"]

    def clean(self):
        data = super().clean()
        if not self.errors and data.get("before") is None and data.get("after") is None:
            raise forms.ValidationError(_("请至少上传一张照片。"))
        return data


class PhotoAfterForm(forms.Form):
    after = PhotoField(label=_("实施后照片"))


def _visible_projects(request):
    if request is None:
        return Project.objects.none()
    return Project.objects.visible_to(request.user)


class ContributionFilter(django_filters.FilterSet):
    """The filter of the contributions API list (project, unit, source), scoped choices."""

    project = django_filters.ModelChoiceFilter(label=_("项目"), queryset=_visible_projects)
    unit = django_filters.ModelChoiceFilter(label=_("共建单位"), queryset=_visible(CoBuildingUnit))
    source = django_filters.ChoiceFilter(label=_("来源"), choices=FundingSource.choices)

    class Meta:
        model = Contribution
        fields = ["project", "unit", "source"]
