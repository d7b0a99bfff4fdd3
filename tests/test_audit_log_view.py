import pytest
from django.urls import reverse

from accounts.models import AuditAction, AuditLog
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db


def test_street_admin_browses_and_filters_the_audit_log(cast, login):
    login(cast.secretary).post(reverse("communities:resident_reveal_id", args=[cast.resident.pk]))
    client = login(cast.street_admin)
    content = client.get(reverse("audit_log")).content.decode()
    assert "查看完整证件号" in content and "王秀英" in content and "secretary" in content
    assert "王秀英" not in client.get(reverse("audit_log"), {"action": AuditAction.DELETE}).content.decode()


@pytest.mark.parametrize("role", ["street_reviewer", "secretary", "worker", "grid_worker"])
def test_other_roles_cannot_browse_the_audit_log(cast, login, role):
    assert login(getattr(cast, role)).get(reverse("audit_log")).status_code == 403


def test_audit_log_query_count_is_fixed(cast, login):
    client = login(cast.street_admin)
    reveal = reverse("communities:resident_reveal_id", args=[cast.resident.pk])
    client.post(reveal)

    def add_rows():
        for _ in range(10):
            client.post(reveal)

    assert_queries_do_not_grow(lambda: client.get(reverse("audit_log")), add_rows, ceiling=12)
    assert AuditLog.objects.count() == 11


def test_plain_and_before_after_changes_both_read_well(cast, login):
    from accounts.audit import audit_record
    from communities.models import Resident

    audit_record(actor=cast.worker, action=AuditAction.EXPORT, obj=Resident, object_repr="居民名单",
                 changes={"行数": "12"})
    audit_record(actor=cast.worker, action=AuditAction.UPDATE, obj=cast.resident,
                 changes={"标签": [["老年人"], ["老年人", "独居"]]})
    content = login(cast.street_admin).get(reverse("audit_log")).content.decode()
    assert "行数:12" in content
    assert "标签:老年人 → 老年人、独居" in content
