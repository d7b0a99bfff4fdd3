"""Writes to the needs list."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Community
from projects.models import Need
from resident_requests.models import ResidentRequest
from resident_requests.permissions import is_coordinator


@transaction.atomic
def need_create(*, acting_user: User, community: Community, title: str, beneficiaries: str = "") -> Need:
    if not is_coordinator(acting_user, community.pk):
        raise PermissionDenied(_("不能为该社区登记需求。"))
    need = Need(community=community, title=title.strip(), beneficiaries=beneficiaries.strip(), created_by=acting_user)
    need.full_clean()
    need.save()
    return need


@transaction.atomic
def need_add_evidence(*, acting_user: User, need: Need, requests: Iterable[ResidentRequest]) -> int:
    """Mark requests as evidence for a need (the micro-project issue turns needs into projects)."""
    if not is_coordinator(acting_user, need.community_id):
        raise PermissionDenied(_("不能修改该社区的需求清单。"))
    requests = list(requests)
    foreign = [r.tracking_code for r in requests if r.community_id != need.community_id]
    if foreign:
        raise ValidationError(_("诉求 %(codes)s 不属于该需求所在社区。") % {"codes": "、".join(foreign)})
    need.evidence_requests.add(*requests)
    return len(requests)
