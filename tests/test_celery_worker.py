"""Tasks run through a real Celery worker on Redis, and in process without Redis."""

import json
import os
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import Notification
from resident_requests.models import (
    EventAction,
    RequestEvent,
    ResidentRequest,
    Status,
)
from resident_requests.tasks import escalate_overdue
from tests.celery_helpers import real_worker
from tests.factories import make_request
from tests.markers import needs_redis
from xietang.tasks import clear_expired_sessions

BASE_DIR = Path(__file__).resolve().parent.parent


def make_session(expire_date) -> str:
    store = SessionStore()
    store["who"] = "test"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=expire_date)
    return store.session_key


@pytest.mark.celery_worker
@needs_redis
@pytest.mark.django_db(transaction=True)
def test_clear_expired_sessions_through_a_real_worker(redis_celery_app):
    expired = make_session(timezone.now() - timedelta(days=1))
    live = make_session(timezone.now() + timedelta(days=1))

    with real_worker(redis_celery_app):
        result = clear_expired_sessions.delay()
        deleted = result.get(timeout=30)

    # Not an EagerResult: the task went through the broker and came back from the result backend.
    assert result.backend.__class__.__name__ == "RedisBackend"
    assert deleted == 1
    assert not Session.objects.filter(session_key=expired).exists()
    assert Session.objects.filter(session_key=live).exists()


@pytest.mark.celery_worker
@needs_redis
@pytest.mark.django_db(transaction=True)
def test_escalate_overdue_through_a_real_worker_acts_once(redis_celery_app, cast):
    request = make_request(community=cast.community, building=cast.building)
    ResidentRequest.objects.filter(pk=request.pk).update(
        status=Status.IN_PROGRESS,
        owner=cast.worker,
        handler=cast.grid_worker,
        accepted_at=timezone.now() - timedelta(days=8),
        due_at=timezone.now() - timedelta(hours=1),
    )

    with real_worker(redis_celery_app):
        result = escalate_overdue.delay()
        raised = result.get(timeout=30)
        raised_again = escalate_overdue.delay().get(timeout=30)

    assert result.backend.__class__.__name__ == "RedisBackend"
    assert (raised, raised_again) == (1, 0)
    [urge] = RequestEvent.objects.filter(request=request, action=EventAction.URGE)
    assert urge.actor is None
    notified = Notification.objects.filter(key=f"request:{request.pk}:event:{urge.pk}")
    assert sorted(notified.values_list("recipient__username", flat=True)) == ["gridworker", "secretary"]
    assert ResidentRequest.objects.get(pk=request.pk).escalation_level == 1


EAGER_SCRIPT = textwrap.dedent(
    """
    import json
    from datetime import timedelta

    import django

    django.setup()

    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.utils import timezone

    from xietang.celery import app
    from xietang.tasks import clear_expired_sessions

    call_command("migrate", "sessions", verbosity=0)
    now = timezone.now()
    Session.objects.create(session_key="expired", session_data="", expire_date=now - timedelta(days=1))
    Session.objects.create(session_key="live", session_data="", expire_date=now + timedelta(days=1))
    result = clear_expired_sessions.delay()
    print(json.dumps({
        "setting_eager": settings.CELERY_TASK_ALWAYS_EAGER,
        "app_eager": app.conf.task_always_eager,
        "broker": settings.CELERY_BROKER_URL,
        "result_class": type(result).__name__,
        "deleted": result.get(),
        "left": sorted(Session.objects.values_list("session_key", flat=True)),
    }))
    """
)


def test_without_redis_tasks_run_eagerly_in_process(tmp_path):
    # A subprocess with no REDIS_URL, so this runs the same in CI (where the
    # test process itself has REDIS_URL set) as on a laptop.
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "xietang.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'eager.sqlite3'}",
        "LOG_LEVEL": "WARNING",
    }
    result = subprocess.run(
        [sys.executable, "-c", EAGER_SCRIPT],
        check=False,
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {
        "setting_eager": True,
        "app_eager": True,
        "broker": "memory://",
        "result_class": "EagerResult",
        "deleted": 1,
        "left": ["live"],
    }
