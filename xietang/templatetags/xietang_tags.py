from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key, ())


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


@register.filter
def audit_change(value) -> str:
    """An audit change is [old, new] for an edit, or a plain value (file name, row count)."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        old, new = ("、".join(v) if isinstance(v, list) else v for v in value)
        return f"{old or '(空)'} → {new or '(空)'}"
    return str(value)
