"""Run tasks through a real Celery worker on Redis (CI sets REDIS_URL).

Use with `@pytest.mark.celery_worker`, `@needs_redis` and
`@pytest.mark.django_db(transaction=True)`:

    def test_x(redis_celery_app):
        with real_worker(redis_celery_app):
            result = my_task.delay()
            assert result.get(timeout=30) == ...
"""

from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections

from tests.markers import redis_url
from xietang.celery import app


@pytest.fixture
def redis_celery_app():
    """The project's Celery app pointed at Redis, not eager; restored afterwards."""
    url = redis_url()
    overrides = {"broker_url": url, "result_backend": url, "task_always_eager": False}
    saved = {key: app.conf.get(key) for key in overrides}
    app.conf.update(overrides)
    # Registers the `celery.ping` task that start_worker uses to wait for the worker.
    import celery.contrib.testing.tasks  # noqa: F401

    try:
        yield app
    finally:
        app.conf.update(saved)


def _close_worker_connections(**kwargs):
    # Runs in the worker thread after each task: its database connection must
    # not outlive the test, or PostgreSQL refuses to drop the test database.
    connections.close_all()


@contextmanager
def real_worker(celery_app):
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(celery_app, pool="solo", concurrency=1, perform_ping_check=True, shutdown_timeout=30):
            yield
    finally:
        task_postrun.disconnect(_close_worker_connections)
