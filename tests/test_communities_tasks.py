import datetime as dt

import pytest
from django.utils import timezone

from communities.models import ResidentImport
from communities.models.residents import ResidentImportStatus
from communities.tasks import purge_stale_resident_imports

pytestmark = pytest.mark.django_db


def make_import(cast, *, days_old: int, status=ResidentImportStatus.CHECKED) -> ResidentImport:
    resident_import = ResidentImport.objects.create(
        created_by=cast.worker, community=cast.community, file_name="a.xlsx", status=status,
        rows=[{"id_number": cast.resident.id_number}],
    )
    ResidentImport.objects.filter(pk=resident_import.pk).update(created_at=timezone.now() - dt.timedelta(days=days_old))
    return resident_import


def test_stale_unconfirmed_imports_are_purged_and_others_kept(cast, settings):
    settings.RESIDENT_IMPORT_RETENTION_DAYS = 7
    stale = make_import(cast, days_old=8)
    fresh = make_import(cast, days_old=1)
    applied = make_import(cast, days_old=30, status=ResidentImportStatus.APPLIED)
    assert purge_stale_resident_imports.delay().get() == 1
    assert set(ResidentImport.objects.values_list("pk", flat=True)) == {fresh.pk, applied.pk}
    assert not ResidentImport.objects.filter(pk=stale.pk).exists()
    assert purge_stale_resident_imports() == 0  # running again deletes nothing more
