"""The one place audit rows are written."""

from django.db import models

from accounts.models import AuditAction, AuditLog, User
from xietang.middleware import current_source_ip


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    obj: models.Model | type[models.Model],
    changes: dict | None = None,
    object_repr: str | None = None,
) -> AuditLog:
    """Write one audit row. `obj` is a row, or a model class for actions on a whole list (export)."""
    is_row = isinstance(obj, models.Model)
    return AuditLog.objects.create(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk or "") if is_row else "",
        object_repr=(object_repr or str(obj if is_row else obj._meta.verbose_name))[:200],
        changes=changes or {},
        source_ip=current_source_ip(),
    )
