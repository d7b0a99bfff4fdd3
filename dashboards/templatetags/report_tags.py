"""{% report_start_allowed scope as can_start_report %}: whether the dashboard shows 生成报表."""

from django import template

from dashboards.services import can_request_report

register = template.Library()


@register.simple_tag(takes_context=True)
def report_start_allowed(context, scope) -> bool:
    request = context.get("request")
    if request is None or scope is None:
        return False
    return can_request_report(request.user, getattr(scope, "community", None))
