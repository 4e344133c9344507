"""Notices to people outside the portal (e-mail, SMS) through an outbox.

A service queues a message in its own transaction (:func:`queue_message`); the ``core.deliver_outbox``
task sends what is due, each message in its own short transaction claimed with
``SELECT ... FOR UPDATE SKIP LOCKED`` so several workers can share the work. A failed send is
retried later with a growing wait and given up after ``MAX_ATTEMPTS``; it never blocks or rolls
back the change it announces.

Senders are pluggable: e-mail goes through Django's mail backend; SMS through the class named by
``settings.SMS_SENDER`` (one method, ``send(phone, text)``), the console sender in development.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.module_loading import import_string

from . import clock
from .models import OutboundMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BATCH = 100
DELIVER_TASK = "core.deliver_outbox"


class SmsSender:
    """What an SMS gateway adapter provides."""

    def send(self, phone: str, text: str) -> None:  # pragma: no cover - the interface
        raise NotImplementedError


class ConsoleSmsSender(SmsSender):
    """Development: the SMS is written to the log instead of a gateway."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


class FailingSmsSender(SmsSender):
    """Tests and drills: every send fails, as a gateway that is down would."""

    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("SMS gateway unreachable")


def sms_sender() -> SmsSender:
    return import_string(getattr(settings, "SMS_SENDER", "core.outbox.ConsoleSmsSender"))()


def queue_message(
    *, channel: str, recipient: str, body: str, subject: str = "", about: str = ""
) -> OutboundMessage | None:
    """Queue a notice (in the caller's transaction) and ask for delivery once it commits. No
    recipient, no message: a complainant who left no contact simply gets none."""
    recipient = (recipient or "").strip()
    if not recipient:
        return None
    message = OutboundMessage.objects.create(
        channel=channel,
        recipient=recipient,
        subject=subject[:200],
        body=body,
        about=about,
        next_attempt_at=clock.now(),
    )
    transaction.on_commit(_request_delivery)
    return message


def queue_messages(messages: list[dict]) -> int:
    """Many notices at once (one INSERT, one delivery request): ``queue_message``'s keywords per item."""
    rows = [
        OutboundMessage(
            channel=item["channel"],
            recipient=item["recipient"].strip(),
            subject=item.get("subject", "")[:200],
            body=item["body"],
            about=item.get("about", ""),
            next_attempt_at=clock.now(),
        )
        for item in messages
        if (item.get("recipient") or "").strip()
    ]
    if rows:
        OutboundMessage.objects.bulk_create(rows)
        transaction.on_commit(_request_delivery)
    return len(rows)


def _request_delivery() -> None:
    from celery import current_app

    task = current_app.tasks.get(DELIVER_TASK)
    try:
        if task is not None:
            task.apply_async()
        else:
            current_app.send_task(DELIVER_TASK)
    except Exception:  # the beat schedule delivers it anyway; a broker hiccup must not fail the request
        logger.warning("could not ask for outbox delivery now; the periodic run will send it", exc_info=True)


def _send(message: OutboundMessage) -> None:
    if message.channel == OutboundMessage.Channel.EMAIL:
        send_mail(message.subject or "SISKOP2MI", message.body, None, [message.recipient], fail_silently=False)
    else:
        sms_sender().send(message.recipient, message.body)


def deliver_due(*, limit: int = BATCH) -> dict:
    """Send the messages that are due; return how many were sent, retried later and given up."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for _round in range(limit):
        with transaction.atomic():
            message = (
                OutboundMessage.objects.select_for_update(skip_locked=True)
                .filter(status=OutboundMessage.Status.PENDING, next_attempt_at__lte=clock.now())
                .order_by("next_attempt_at", "id")
                .first()
            )
            if message is None:
                break
            message.attempts += 1
            try:
                _send(message)
            except Exception as error:  # any sender failure: keep the message, try later
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
                if message.attempts >= MAX_ATTEMPTS:
                    message.status = OutboundMessage.Status.FAILED
                    counts["failed"] += 1
                else:
                    message.next_attempt_at = clock.now() + timedelta(minutes=2**message.attempts)
                    counts["retry"] += 1
            else:
                message.status, message.sent_at = OutboundMessage.Status.SENT, clock.now()
                counts["sent"] += 1
            message.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at", "last_error"])
    return counts
