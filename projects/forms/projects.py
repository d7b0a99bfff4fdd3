"""Forms of the staff project pages. They only clean input; projects.services.projects decides."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from communities.models import Community, PartyOrganisation
from projects.models import (
    Need,
    NeedStatus,
    Project,
    ProjectAction,
)
from projects.permissions import can_manage_community
from projects.workflow import TRANSITIONS

PLAN_FIELDS = [
    "title",
    "communities",
    "project_type",
    "category",
    "description",
    "needs",
    "lead_organisation",
    "is_secretary_project",
    "responsible",
    "planned_quantity",
    "quantity_unit",
    "budget",
    "beneficiaries",
    "beneficiary_count",
    "planned_start",
    "planned_end",
]


class DateInput(forms.DateInput):
    input_type = "date"


class ProjectForm(forms.ModelForm):
    """The plan of a project (征集/评议). Choices are limited to what the user may see and use."""

    class Meta:
        model = Project
        fields = PLAN_FIELDS
        widgets = {
            "communities": forms.CheckboxSelectMultiple,
            "needs": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 5}),
            "planned_start": DateInput(format="%Y-%m-%d"),
            "planned_end": DateInput(format="%Y-%m-%d"),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        current = list(self.instance.communities.all()) if self.instance.pk else []
        # Communities the user coordinates (all of them for 街道管理员), plus those the
        # project already spans so an edit never drops one silently.
        manageable = [c.pk for c in Community.objects.visible_to(user) if can_manage_community(user, c.pk)]
        community_ids = {*manageable, *(c.pk for c in current)}
        fields = self.fields
        fields["communities"].queryset = Community.objects.filter(pk__in=community_ids).order_by("code", "pk")
        if len(community_ids) == 1 and not self.instance.pk:
            fields["communities"].initial = list(community_ids)
        fields["needs"].queryset = (
            Need.objects.visible_to(user)
            .filter(Q(status__in=(NeedStatus.OPEN, NeedStatus.PLANNED)) | Q(projects=self.instance.pk or 0))
            .filter(community__in=community_ids)
            .select_related("community")
            .distinct()
            .order_by("community__code", "-created_at")
        )
        fields["needs"].label_from_instance = lambda need: (
            f"{need.title}({need.community} · {need.get_status_display()})"
        )
        fields["lead_organisation"].queryset = (
            PartyOrganisation.objects.visible_to(user)
            .filter(Q(community__isnull=True) | Q(community__in=community_ids))
            .select_related("tier")
            .order_by("tier__level", "name")
        )
        fields["responsible"].queryset = (
            User.objects.filter(is_active=True)
            .filter(Q(community__in=community_ids) | Q(role__in=(Role.STREET_ADMIN, Role.STREET_REVIEWER)))
            .exclude(role="")
            .order_by("role", "username")
        )
        fields["responsible"].label_from_instance = lambda u: f"{u.display_name}({u.get_role_display()})"
        fields["responsible"].help_text = _("留空则为登记人")

    def _post_clean(self):
        # The model checks run in the service, on the whole project (communities and
        # needs included); a form-side full_clean would also mutate the instance being edited.
        pass

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("计划完成日期不能早于计划开始日期。"))
        if data.get("planned_quantity") is not None and not (data.get("quantity_unit") or "").strip():
            self.add_error("quantity_unit", _("填写计划数量时须注明单位。"))
        return data

    def service_fields(self) -> dict:
        """The cleaned plan as keyword arguments of project_create / project_update."""
        return dict(self.cleaned_data)


class ProjectActionForm(forms.Form):
    """The note of one lifecycle step; a reason where the step needs one (退回, 终止)."""

    note = forms.CharField(label=_("说明"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        if TRANSITIONS[action].needs_note:
            self.fields["note"].required = True
            self.fields["note"].label = _("理由")
            self.fields["note"].error_messages["required"] = _("「%(action)s」须填写理由。") % {
                "action": ProjectAction(action).label
            }
