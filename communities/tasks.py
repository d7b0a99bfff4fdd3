import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from communities.models import ResidentImport
from communities.models.residents import ResidentImportStatus

logger = logging.getLogger(__name__)


@shared_task
def purge_stale_resident_imports() -> int:
    """Delete dry-run imports never confirmed: they hold full ID numbers (PIPL: delete when the purpose ends)."""
    cutoff = timezone.now() - dt.timedelta(days=settings.RESIDENT_IMPORT_RETENTION_DAYS)
    deleted, _ = ResidentImport.objects.filter(status=ResidentImportStatus.CHECKED, created_at__lt=cutoff).delete()
    logger.info("purge_stale_resident_imports deleted %s imports", deleted)
    return deleted
