"""Enqueue Celery tasks without ever losing the data that caused them.

Tasks are enqueued after the transaction commits (a worker must find the rows
it is given). If the broker is down at that moment the error is logged and
swallowed: the saved data stays saved, and the periodic sweeps that look at
the database (reminders, pending notifications) pick the work up when Redis
is back.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    transaction.on_commit(lambda: enqueue_now(task, *args, **kwargs))


def enqueue_now(task, *args, **kwargs) -> bool:
    """Send the task; return False (and log) instead of raising when the broker is unreachable."""
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=True, retry_policy={"max_retries": 2, "interval_start": 0.2})
    except Exception:  # kombu/redis raise several connection error types; none may lose the caller's data
        logger.exception("could not enqueue %s%s; the periodic sweep will retry", task.name, args)
        return False
    return True
