import datetime as dt
import logging

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from accounts.notifications import MAX_DELIVERY_ATTEMPTS, deliver, notify
from accounts.tasks import deliver_notification, deliver_pending_notifications
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

EMAIL = "accounts.notifications.EmailNotificationBackend"
SMS = "accounts.notifications.LoggingSmsBackend"
FAILING = "tests.test_notifications.FailingBackend"


class FailingBackend:
    """Stands in for an SMS provider that is down."""

    calls = 0

    def send(self, notification):
        FailingBackend.calls += 1
        raise ConnectionError("provider unreachable")


@pytest.fixture(autouse=True)
def backends(settings):
    settings.NOTIFICATION_BACKENDS = [EMAIL, SMS]
    settings.SITE_URL = "https://portal.example.cn"
    FailingBackend.calls = 0


@pytest.fixture
def staff(cast):
    """The secretary has email and mobile; the worker has neither."""
    cast.secretary.email = "secretary@example.cn"
    cast.secretary.phone = "13812345678"
    cast.secretary.save(update_fields=["email", "phone"])
    return cast


def notify_request_42(*users, **overrides):
    fields = {
        "key": "request:42:due-reminder",
        "title": "诉求 XT2611210042 即将到期",
        "body": "请在今天内处理。",
        "link": "/requests/42/",
    }
    return notify(recipients=users, **{**fields, **overrides})


def old(notification, minutes=10):
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes)
    )


# --- notify --------------------------------------------------------------


def test_notify_creates_one_row_per_recipient_and_is_idempotent(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = notify_request_42(staff.secretary, staff.worker)
    assert {row.recipient for row in created} == {staff.secretary, staff.worker}
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 1  # the worker has no email

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = notify_request_42(staff.secretary, staff.worker, title="另一个标题")
    assert again == [] and callbacks == []
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 1


def test_notify_only_adds_recipients_missing_the_key(staff, django_capture_on_commit_callbacks):
    notify_request_42(staff.worker)
    with django_capture_on_commit_callbacks(execute=True):
        created = notify_request_42(staff.secretary, staff.worker, staff.secretary)
    assert [row.recipient for row in created] == [staff.secretary]
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 1


def test_notify_skips_inactive_users(staff):
    staff.secretary.is_active = False
    staff.secretary.save(update_fields=["is_active"])
    assert notify_request_42(staff.secretary) == []
    assert not Notification.objects.exists()


def test_notify_refuses_a_title_that_does_not_fit(staff):
    with pytest.raises(ValidationError):
        notify_request_42(staff.worker, title="长" * 201)
    assert not Notification.objects.exists()


def test_same_key_for_another_request_is_a_new_notification(staff):
    notify_request_42(staff.worker)
    assert len(notify_request_42(staff.worker, key="request:43:due-reminder")) == 1


# --- delivery ------------------------------------------------------------


def test_delivery_emails_and_logs_a_masked_sms(staff, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.INFO, logger="accounts.notifications")
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify_request_42(staff.secretary)

    (message,) = mail.outbox
    assert message.to == ["secretary@example.cn"]
    assert message.subject == "诉求 XT2611210042 即将到期"
    assert message.body == "请在今天内处理。\n\nhttps://portal.example.cn/requests/42/"
    assert "SMS to 138****5678: 诉求 XT2611210042 即将到期" in caplog.messages
    assert "13812345678" not in caplog.text
    row.refresh_from_db()
    assert row.delivered_at is not None and row.delivery_attempts == 1 and row.last_error == ""


def test_email_has_no_link_without_site_url(staff, settings):
    settings.SITE_URL = ""
    (row,) = notify_request_42(staff.secretary)
    deliver(row.pk)
    assert mail.outbox[0].body == "请在今天内处理。"


def test_an_account_closed_before_delivery_gets_no_email(staff):
    (row,) = notify_request_42(staff.secretary)
    staff.secretary.is_active = False
    staff.secretary.save(update_fields=["is_active"])
    assert deliver(row.pk) is True
    assert mail.outbox == []


def test_delivering_twice_sends_once(staff):
    (row,) = notify_request_42(staff.secretary)
    assert deliver_notification.delay(row.pk).get() is True
    assert deliver_notification.delay(row.pk).get() is False
    assert len(mail.outbox) == 1


def test_a_failing_backend_leaves_the_row_undelivered_with_the_error(
    staff, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_BACKENDS = [EMAIL, FAILING]
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify_request_42(staff.secretary)

    row.refresh_from_db()
    assert row.delivered_at is None and row.delivery_attempts == 1
    assert row.last_error == f"{FAILING}: ConnectionError: provider unreachable"
    assert len(mail.outbox) == 1  # the email backend is not held back by the failing one


@pytest.fixture
def eager_retries():
    """Eager tasks retry in place only when errors do not propagate (as in a worker)."""
    from xietang.celery import app

    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = saved


def test_retries_run_only_the_failing_backend_and_stop_at_the_cap(staff, settings, eager_retries):
    settings.NOTIFICATION_BACKENDS = [EMAIL, FAILING]
    (row,) = notify_request_42(staff.secretary)
    assert deliver_notification.delay(row.pk).failed()

    row.refresh_from_db()
    assert row.delivered_at is None
    assert row.delivery_attempts == MAX_DELIVERY_ATTEMPTS == FailingBackend.calls
    assert len(mail.outbox) == 1
    # Given up: the sweep leaves it to a person (the admin shows last_error).
    old(row)
    assert deliver_pending_notifications() == 0
    assert FailingBackend.calls == MAX_DELIVERY_ATTEMPTS


def test_sweep_delivers_old_undelivered_rows_and_leaves_fresh_ones(staff):
    (stale,) = notify_request_42(staff.secretary)
    (fresh,) = notify_request_42(staff.secretary, key="request:43:due-reminder")
    old(stale)

    assert deliver_pending_notifications() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.delivered_at is not None and fresh.delivered_at is None
    assert len(mail.outbox) == 1
    assert deliver_pending_notifications() == 0


def test_sweep_counts_a_failure_and_tries_again_next_time(staff, settings):
    settings.NOTIFICATION_BACKENDS = [FAILING]
    (row,) = notify_request_42(staff.secretary)
    old(row)
    assert deliver_pending_notifications() == 0
    row.refresh_from_db()
    assert row.delivery_attempts == 1 and row.delivered_at is None

    settings.NOTIFICATION_BACKENDS = [EMAIL]
    assert deliver_pending_notifications() == 1
    row.refresh_from_db()
    assert row.delivered_at is not None and row.last_error == ""


def test_broker_down_keeps_the_notification_and_the_sweep_sends_it(
    staff, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(deliver_notification, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify_request_42(staff.secretary)

    row.refresh_from_db()
    assert row.delivered_at is None
    assert mail.outbox == []

    old(row)
    assert deliver_pending_notifications() == 1
    assert len(mail.outbox) == 1


# --- pages ---------------------------------------------------------------


def test_list_shows_only_own_notifications(staff, login):
    notify_request_42(staff.worker)
    notify_request_42(staff.secretary, key="request:7:assigned", title="别人的通知")
    content = login(staff.worker).get(reverse("notifications")).content.decode()
    assert "诉求 XT2611210042 即将到期" in content and "未读" in content
    assert "别人的通知" not in content


def test_notification_list_query_count_is_fixed(staff, login):
    client = login(staff.worker)
    notify_request_42(staff.worker)

    def add_rows():
        for n in range(10):
            notify_request_42(staff.worker, key=f"request:{n}:assigned")

    assert_queries_do_not_grow(lambda: client.get(reverse("notifications")), add_rows, ceiling=9)


def test_read_marks_read_and_follows_the_link(staff, login):
    (row,) = notify_request_42(staff.worker)
    response = login(staff.worker).post(reverse("notification_read", args=[row.pk]))
    assert response.status_code == 302 and response.url == "/requests/42/"
    row.refresh_from_db()
    first_read = row.read_at
    assert first_read is not None

    login(staff.worker).post(reverse("notification_read", args=[row.pk]))
    row.refresh_from_db()
    assert row.read_at == first_read


@pytest.mark.parametrize("link", ["//evil.com", "https://evil.com/", "/\\evil.com", "javascript:alert(1)", ""])
def test_read_does_not_follow_links_off_the_site(staff, login, link):
    (row,) = notify_request_42(staff.worker, link=link)
    response = login(staff.worker).post(reverse("notification_read", args=[row.pk]))
    assert response.status_code == 302 and response.url == reverse("notifications")


def test_reading_another_users_notification_is_404(staff, login):
    (row,) = notify_request_42(staff.secretary)
    assert login(staff.worker).post(reverse("notification_read", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_read_all_marks_only_own_notifications(staff, login):
    notify_request_42(staff.worker)
    notify_request_42(staff.worker, key="request:43:due-reminder")
    notify_request_42(staff.secretary)
    response = login(staff.worker).post(reverse("notifications_read_all"))
    assert response.status_code == 302 and response.url == reverse("notifications")
    assert not staff.worker.notifications.filter(read_at__isnull=True).exists()
    assert staff.secretary.notifications.filter(read_at__isnull=True).count() == 1


def test_read_urls_refuse_get(staff, login):
    (row,) = notify_request_42(staff.worker)
    client = login(staff.worker)
    assert client.get(reverse("notification_read", args=[row.pk])).status_code == 405
    assert client.get(reverse("notifications_read_all")).status_code == 405


def test_anonymous_is_sent_to_login(staff, client):
    (row,) = notify_request_42(staff.worker)
    for response in (
        client.get(reverse("notifications")),
        client.post(reverse("notification_read", args=[row.pk])),
        client.post(reverse("notifications_read_all")),
    ):
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_user_without_role_is_403(staff, login):
    client = login(staff.no_role)
    assert client.get(reverse("notifications")).status_code == 403
    assert client.post(reverse("notifications_read_all")).status_code == 403


def test_admin_lists_notifications_read_only(staff, client):
    from tests.factories import UserFactory

    notify_request_42(staff.worker)
    superuser = UserFactory(role="", is_superuser=True, is_staff=True)
    client.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")
    content = client.get(reverse("admin:accounts_notification_changelist")).content.decode()
    assert "诉求 XT2611210042 即将到期" in content
    assert client.get(reverse("admin:accounts_notification_add")).status_code == 403


def test_nav_shows_the_unread_count(staff, login):
    client = login(staff.worker)
    assert "通知 (" not in client.get(reverse("home")).content.decode()
    (row, *_) = notify_request_42(staff.worker)
    notify_request_42(staff.worker, key="request:43:due-reminder")
    notify_request_42(staff.secretary, key="request:44:due-reminder")
    assert "通知 (2)" in client.get(reverse("home")).content.decode()
    client.post(reverse("notification_read", args=[row.pk]))
    assert "通知 (1)" in client.get(reverse("home")).content.decode()

