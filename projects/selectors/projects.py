"""Reads of micro-projects for the staff pages, the API and the export.

`ProjectFilter` is the one list filter (page, export and API); `projects_for_list`
adds the progress and funding sums (projects.selectors.progress) so a page of
projects costs one query plus one for their communities. Who may take which
lifecycle step now is `available_actions`, for page buttons and the API alike;
the services check the same rule (`can_act`) under the row lock.
"""

from collections.abc import Iterable

import django_filters
from django import forms
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from communities.filters import _visible
from communities.models import Community
from projects import workflow
from projects.models import (
    Meeting,
    Project,
    ProjectCategory,
    ProjectEvent,
    ProjectStatus,
    ProjectType,
)
from projects.permissions import can_decide, can_manage_project
from projects.selectors.progress import with_figures


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("项目名称/内容"), method="search")
    community = django_filters.ModelChoiceFilter(
        label=_("社区"), field_name="communities", queryset=_visible(Community)
    )
    project_type = django_filters.ChoiceFilter(label=_("项目类型"), choices=ProjectType.choices)
    category = django_filters.ChoiceFilter(label=_("类别"), choices=ProjectCategory.choices)
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=ProjectStatus.choices)
    year = django_filters.NumberFilter(
        label=_("年度"),
        method="filter_year",
        widget=forms.NumberInput(attrs={"min": 2000, "max": 2100, "placeholder": "2026"}),
    )
    is_secretary_project = django_filters.BooleanFilter(label=_("书记项目"))

    class Meta:
        model = Project
        fields = ["q", "community", "project_type", "category", "status", "year", "is_secretary_project"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_year(self, queryset, name, value):
        # A project belongs to the year it is planned to start; one with no dates yet
        # to the year it was registered (local time, Asia/Shanghai).
        if value is None:
            return queryset
        year = int(value)
        return queryset.filter(Q(planned_start__year=year) | Q(planned_start__isnull=True, created_at__year=year))


def project_filter(data, *, user: User, request=None) -> ProjectFilter:
    """The filter over the user's projects; community staff see one community, so no choice of one."""
    project_filter = ProjectFilter(data, queryset=projects_for_list(Project.objects.visible_to(user)), request=request)
    if not user.is_street_level:
        project_filter.filters.pop("community", None)
    fields = project_filter.form.fields
    if "is_secretary_project" in fields:
        fields["is_secretary_project"].widget.choices = [("unknown", _("全部")), ("true", _("是")), ("false", _("否"))]
    return project_filter


def projects_for_list(queryset: QuerySet[Project]) -> QuerySet[Project]:
    return (
        with_figures(queryset)
        .select_related("lead_organisation", "responsible")
        .prefetch_related(Prefetch("communities", queryset=Community.objects.order_by("code", "pk")))
    )


def project_for_detail(queryset: QuerySet[Project]) -> QuerySet[Project]:
    return projects_for_list(queryset).select_related(
        "menu_item", "approved_by", "created_by", "lead_organisation__tier"
    )


def timeline(project: Project) -> list[ProjectEvent]:
    return list(project.events.select_related("actor").order_by("created_at", "id"))


def meetings_about(project: Project, user: User) -> list[Meeting]:
    """Meetings held about the project (莲香: 7), oldest first, as far as the user may see them."""
    return list(Meeting.objects.visible_to(user).filter(projects=project).order_by("held_at", "id"))


def community_ids(project: Project) -> list[int]:
    # Uses the prefetched communities when the page or the API loaded them.
    return [community.pk for community in project.communities.all()]


def can_act(user: User | None, action: str, status: str, community_ids: Iterable[int]) -> bool:
    """The role rule of one lifecycle step, given that the state allows it.

    "system" steps (公示 ends) are taken by nobody; "street" ones by 街道审阅/管理员;
    "manager" ones by the coordinators of any of the project's communities.
    """
    actor = workflow.actor_of(action, status)
    if actor == "system":
        return user is None
    if user is None:
        return False
    if actor == "street":
        return can_decide(user)
    return can_manage_project(user, community_ids)


def available_actions(user: User, project: Project) -> list[str]:
    """The lifecycle steps (ProjectAction values) the user may take on the project now."""
    ids = community_ids(project)
    return [action for action in workflow.allowed_actions(project.status) if can_act(user, action, project.status, ids)]


def can_edit(user: User, project: Project) -> bool:
    return project.status in workflow.EDITABLE_STATES and can_manage_project(user, community_ids(project))
