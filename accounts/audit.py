"""The one place audit rows are written."""

from django.db import models

from accounts.models import AuditAction, AuditLog, User
from xietang.middleware import current_source_ip


def audit_record(
    *, actor: User | None, action: AuditAction, obj: models.Model, changes: dict | None = None
) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk or ""),
        object_repr=str(obj)[:200],
        changes=changes or {},
        source_ip=current_source_ip(),
    )
