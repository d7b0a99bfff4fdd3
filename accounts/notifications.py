"""Notifications to staff: one call, an in-app row, then email and SMS from a task.

    notify(recipients=[...], key="request:42:due-reminder", title=..., body=..., link="/requests/42/")

The row is the in-app copy: it is written inside the caller's transaction and
shows in the recipient's list as soon as that commits. Email and SMS go out
from `accounts.tasks.deliver_notification`, enqueued on commit; if the broker
is down, `deliver_pending_notifications` (every five minutes from beat) sends
them later. `key` makes notify idempotent: calling it again for the same
recipient and key creates and sends nothing.

The outbound channels are the classes listed in settings.NOTIFICATION_BACKENDS.
"""

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string

from accounts.models import Notification, User
from communities.validators import mask_mobile
from xietang.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

# A row that failed this many delivery runs is left for a person to look at (admin: 最近一次发送错误).
MAX_DELIVERY_ATTEMPTS = 5


def notify(
    *, recipients: Iterable[User], key: str, title: str, body: str = "", link: str = ""
) -> list[Notification]:
    """Notify each active recipient once per `key`; return the notifications this call created.

    Recipients who already have a notification with this key get nothing new
    (no row, no email, no SMS). Inactive accounts are skipped.
    """
    users = {user.pk: user for user in recipients if user.is_active}
    if not users:
        return []
    existing = set(
        Notification.objects.filter(recipient_id__in=list(users), key=key).values_list("recipient_id", flat=True)
    )
    new = [
        Notification(recipient=user, key=key, title=title, body=body, link=link)
        for pk, user in users.items()
        if pk not in existing
    ]
    if not new:
        return []
    for row in new:
        row.full_clean(exclude={"recipient"}, validate_unique=False, validate_constraints=False)
    # ignore_conflicts: a concurrent notify() for the same key may have inserted
    # some of these rows since the select above. Both calls may then enqueue the
    # same row; the delivery task's claim sends it once.
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    created = list(
        Notification.objects.filter(recipient_id__in=[row.recipient_id for row in new], key=key)
        .select_related("recipient")
        .order_by("pk")
    )

    # Imported here: accounts.tasks imports this module.
    from accounts.tasks import deliver_notification

    for row in created:
        enqueue_on_commit(deliver_notification, row.pk)
    logger.info("notify %s: %s new notifications", key, len(created))
    return created


def notification_mark_read(*, notification: Notification, acting_user: User) -> None:
    """Mark one of the acting user's notifications read; the first reading time is kept."""
    if notification.recipient_id != acting_user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)


def notifications_mark_all_read(*, acting_user: User) -> int:
    return Notification.objects.visible_to(acting_user).unread().update(read_at=timezone.now())


def is_local_path(link: str) -> bool:
    """A path on this site ("/requests/42/"), never another host ("//evil.com", "/\\evil.com")."""
    return (
        link.startswith("/")
        and not link.startswith("//")
        and url_has_allowed_host_and_scheme(link, allowed_hosts=None)
    )


def absolute_link(notification: Notification) -> str:
    """The notification's link as a full URL for email and SMS; empty when there is none to give."""
    if notification.link and settings.SITE_URL and is_local_path(notification.link):
        return settings.SITE_URL.rstrip("/") + notification.link
    return ""


# --- Delivery --------------------------------------------------------------


class DeliveryFailed(Exception):
    """Some backends raised; `errors` maps each backend's dotted path to its error."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors

    def __str__(self) -> str:
        return "; ".join(f"{path}: {error}" for path, error in self.errors.items())


def deliver(notification_id: int, *, backend_paths: Sequence[str] | None = None) -> bool:
    """Send one notification through the backends; False when another run has it or it is gone.

    The conditional update is the claim: only one run finds `delivered_at`
    empty. A backend failure gives the row back (delivered_at empty again),
    counts the attempt and raises DeliveryFailed so the caller can retry.
    A run killed between claim and finish leaves the row claimed: it is not
    sent again automatically (at most once beats a flood of duplicates).
    """
    claimed = Notification.objects.filter(pk=notification_id, delivered_at__isnull=True).update(
        delivered_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    # An account closed since notify() gets no email or SMS; the claim stays as "done".
    paths = list(backend_paths or settings.NOTIFICATION_BACKENDS) if notification.recipient.is_active else []
    errors = {}
    for path in paths:
        try:
            import_string(path)().send(notification)
        except Exception as exc:  # one channel failing must not stop the others
            logger.exception("notification %s: backend %s failed", notification_id, path)
            errors[path] = f"{type(exc).__name__}: {exc}"
    finished = Notification.objects.filter(pk=notification_id)
    if errors:
        error = DeliveryFailed(errors)
        finished.update(
            delivered_at=None,
            delivery_attempts=F("delivery_attempts") + 1,
            last_error=str(error)[: Notification._meta.get_field("last_error").max_length],
        )
        raise error
    finished.update(delivered_at=timezone.now(), delivery_attempts=F("delivery_attempts") + 1, last_error="")
    logger.info("notification %s delivered to user %s via %s", notification_id, notification.recipient_id, paths)
    return True


# --- Backends ----------------------------------------------------------------


class NotificationBackend(ABC):
    """One channel outside the portal. `send` raises on failure; the task retries."""

    @abstractmethod
    def send(self, notification: Notification) -> None:
        """Deliver one notification through this channel."""


class EmailNotificationBackend(NotificationBackend):
    """Plain-text email to the recipient's address; nothing when the account has none."""

    def send(self, notification: Notification) -> None:
        address = notification.recipient.email
        if not address:
            return
        text = "\n\n".join(part for part in (notification.body, absolute_link(notification)) if part)
        # A newline in a subject is a header injection to Django (BadHeaderError).
        subject = " ".join(notification.title.split())
        send_mail(subject, text, None, [address])


class SmsBackend(NotificationBackend):
    """The SMS interface a deployment fills in with its provider.

    Subclass it, implement `send_sms(phone, text)` with the provider's client
    (raise on failure so the task retries), optionally override `text()` to
    fit the provider's approved template, and list the subclass in
    NOTIFICATION_BACKENDS in place of LoggingSmsBackend. Recipients without a
    mobile number (User.phone) are skipped.
    """

    def send(self, notification: Notification) -> None:
        phone = notification.recipient.phone
        if not phone:
            return
        self.send_sms(phone, self.text(notification))

    def text(self, notification: Notification) -> str:
        return notification.title

    @abstractmethod
    def send_sms(self, phone: str, text: str) -> None:
        """Send `text` to the mainland mobile `phone` with the provider's client."""


class LoggingSmsBackend(SmsBackend):
    """Development stand-in: logs the SMS it would send, with the mobile number masked."""

    def send_sms(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_mobile(phone), text)


def send_sms_to(phone: str, text: str) -> bool:
    """SMS to someone without an account (a volunteer, a resident); True when a backend sent it.

    Uses the SmsBackend subclasses listed in settings.NOTIFICATION_BACKENDS, logs
    the number masked, and never raises: a failed SMS must not undo the sign-up,
    cancellation or reminder that caused it.
    """
    if not phone:
        return False
    sent = False
    for path in settings.NOTIFICATION_BACKENDS:
        try:
            backend = import_string(path)
        except ImportError:
            logger.exception("SMS backend %s cannot be imported", path)
            continue
        if not (isinstance(backend, type) and issubclass(backend, SmsBackend)):
            continue
        try:
            backend().send_sms(phone, text)
        except Exception:  # the provider failing must not reach the caller
            logger.exception("SMS to %s via %s failed", mask_mobile(phone), path)
        else:
            sent = True
    logger.info("send_sms_to %s: %s", mask_mobile(phone), "sent" if sent else "not sent")
    return sent
