"""Tables of the shared base: they belong to no domain app."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventRow(models.Model):
    """What every append-only history row has: when, who, why and the facts of the change
    (the placement, job-order and licence timelines; written through core.events)."""

    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


class IdempotencyRecord(models.Model):
    """The first successful response to a POST sent with an ``Idempotency-Key``.

    A retry with the same key and the same request gets this response back and
    creates nothing; the same key with a different request is refused (422). Without
    a ``status_code`` the record is a claim: its first request is still running
    (since ``created_at``), and a retry meanwhile is told so at once (409).
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.TextField(blank=True)
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "siskop2mi_idempotencyrecord"  # created by the project package before core existed
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_key_unique_per_owner")]

    def __str__(self) -> str:
        return f"{self.key} ({self.owner_id})"


class OutboundMessage(models.Model):
    """A notice waiting to be sent (e-mail or SMS): written in the same transaction as the change
    it announces, sent afterwards by a task that retries a failure later, so a mail server or SMS
    gateway that is down never blocks or loses the work it announces (core.outbox)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Gave up after retries")

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("message"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_error = models.TextField(_("last error"), blank=True)
    # What the notice is about ("complaint:42"), for the timeline and to find it again.
    about = models.CharField(_("about"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [
            models.Index(fields=["next_attempt_at"], name="outbox_due_idx", condition=models.Q(status="pending"))
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}"
