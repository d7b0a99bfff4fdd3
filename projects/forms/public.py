"""Forms of the public project pages and of rating moderation. They only clean input.

Residents are often elderly (DOMAIN.md §10): plain selects in a GET form for the
list filter, big radio buttons with words for the stars, messages that say what to do.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from communities.validators import validate_mobile
from projects.models import PUBLIC_STATES, Project, ProjectStatus, ProjectType
from projects.selectors.public import STAR_WORDS
from resident_requests.forms_public import PublicForm, normalise_mobile

COMMENT_MAX = 500
NOTE_MAX = 200


class PublicProjectFilter(django_filters.FilterSet):
    """/projects/?community=&project_type=&status=&year=: the public list's filter.

    The queryset it gets is already public-only, so a hand-typed status outside
    PUBLIC_STATES is refused by the choices and can show nothing internal."""

    community = django_filters.ModelChoiceFilter(
        label=_("社区"),
        field_name="communities",
        queryset=Community.objects.order_by("code").only("id", "name"),
        empty_label=_("全部社区"),
    )
    project_type = django_filters.ChoiceFilter(label=_("类型"), choices=ProjectType.choices, empty_label=_("全部类型"))
    status = django_filters.ChoiceFilter(
        label=_("进展"),
        choices=[(status.value, status.label) for status in map(ProjectStatus, PUBLIC_STATES)],
        empty_label=_("全部进展"),
    )
    # `public_year` is annotated by projects.selectors.public.public_projects().
    year = django_filters.ChoiceFilter(label=_("年度"), field_name="public_year", empty_label=_("全部年度"))

    class Meta:
        model = Project
        fields = ["community", "project_type", "status", "year"]

    def __init__(self, *args, years: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = [(str(year), _("%(year)s年") % {"year": year}) for year in years]


class ProjectRatingForm(PublicForm):
    mobile = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("每个手机号对每个项目只能评价一次。公开时只显示尾号。"),
        error_messages={"required": _("请填写手机号,每个手机号只能评价一次。")},
    )
    stars = forms.TypedChoiceField(
        label=_("您对这个项目满意吗?"),
        choices=[(n, _("%(n)s 星 · %(word)s") % {"n": n, "word": word}) for n, word in STAR_WORDS.items()],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择 1 到 5 星。"), "invalid_choice": _("请选择 1 到 5 星。")},
    )
    comment = forms.CharField(
        label=_("还想说的话(选填)"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX}),
        help_text=_("最多 500 字。请不要写姓名、电话等个人信息。"),
        error_messages={"max_length": _("评价最多 500 字,请删减一些。")},
    )
    consent = forms.BooleanField(
        label=_(
            "我同意斜塘街道保存我手机号的加密摘要和后四位,用于防止重复评价;"
            "评价经工作人员审核后公开,公开时只显示手机尾号。"
        ),
        error_messages={"required": _("请阅读并勾选同意,我们才能收下您的评价。")},
    )

    def clean_mobile(self) -> str:
        value = normalise_mobile(self.cleaned_data["mobile"])
        validate_mobile(value)
        return value

    def clean_comment(self) -> str:
        return self.cleaned_data["comment"].strip()


class RatingModerationForm(forms.Form):
    """The two buttons (name="decision") and an optional note for the record."""

    decision = forms.ChoiceField(
        choices=[("publish", _("公开")), ("hide", _("不公开"))],
        error_messages={"required": _("请选择公开或不公开。"), "invalid_choice": _("请选择公开或不公开。")},
    )
    note = forms.CharField(
        label=_("审核说明(选填)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.TextInput(attrs={"maxlength": NOTE_MAX}),
    )

    @property
    def publish(self) -> bool:
        return self.cleaned_data["decision"] == "publish"


__all__ = ["COMMENT_MAX", "ProjectRatingForm", "PublicProjectFilter", "RatingModerationForm"]
