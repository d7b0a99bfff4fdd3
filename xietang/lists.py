"""What every staff list page shares: pagination, the query string kept by the pager links, and
the list's filter form (no community choice for community staff; 是/否/全部 for yes-no filters)."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

PAGE_SIZE = 50
BOOLEAN_CHOICES = [("unknown", _("全部")), ("true", _("是")), ("false", _("否"))]


def paginate(request: HttpRequest, queryset, size: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The current filters, for the pager's links to add their own page number to."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def page_filter(filter_class, request: HttpRequest, queryset, *, yes_no: tuple[str, ...] = ()):
    """The list page's filter: no community choice for community staff (a choice of one is noise);
    the `yes_no` filters read 全部/是/否 rather than django-filter's 未知."""
    filterset = filter_class(request.GET, queryset=queryset, request=request)
    if not request.user.is_street_level:
        filterset.filters.pop("community", None)
    for name in yes_no:
        if name in filterset.form.fields:
            filterset.form.fields[name].widget.choices = BOOLEAN_CHOICES
    return filterset
