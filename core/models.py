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
    creates nothing; the same key with a different request is refused (422).
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
