import logging

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task
def clear_expired_sessions() -> int:
    """Delete expired staff sessions (what `manage.py clearsessions` does), daily from beat."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    logger.info("clear_expired_sessions deleted %s sessions", deleted)
    return deleted
