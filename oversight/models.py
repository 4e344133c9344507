"""Red flags: what the rules found, its triage, and the scans that found it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet, Scoping

from .choices import FlagStatus, ScanStatus, Severity, SubjectType


class RuleSetting(models.Model):
    """An administrator's say over one rule: on or off, and its thresholds."""

    code = models.CharField(_("rule"), max_length=40, primary_key=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    thresholds = models.JSONField(_("thresholds"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("rule setting")
        verbose_name_plural = _("rule settings")

    def __str__(self) -> str:
        return self.code


class Flag(models.Model):
    """A red flag: one rule broken by one subject, with the evidence and its triage status."""

    rule_code = models.CharField(_("rule"), max_length=40, db_index=True)
    subject_type = models.CharField(_("subject type"), max_length=16, choices=SubjectType.choices)
    subject_id = models.BigIntegerField(_("subject"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    status = models.CharField(_("status"), max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    # Where the subject is (a village, regency or province code), so officials see their own.
    area_code = models.CharField(_("area"), max_length=13, blank=True, db_index=True)
    evidence = models.JSONField(_("evidence"), default=dict)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_flags",
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    objects = ScopedQuerySet.as_manager()
    # Flags are for officials: a company never sees them.
    scoping = Scoping(area="area_code")

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = _("red flag")
        verbose_name_plural = _("red flags")
        constraints = [
            models.UniqueConstraint(
                fields=["rule_code", "subject_type", "subject_id"],
                condition=~Q(status="resolved"),
                name="one_unresolved_flag_per_rule_and_subject",
            ),
            models.CheckConstraint(
                name="flag_decision_has_reason",
                condition=~Q(status="dismissed") | ~Q(decision_reason=""),
                violation_error_message=_("A dismissal needs a reason."),
            ),
        ]
        indexes = [models.Index(fields=["status", "severity"], name="flag_status_severity_idx")]

    def __str__(self) -> str:
        return f"{self.rule_code} {self.subject_type}#{self.subject_id}"


class FlagEvent(models.Model):
    """Append-only history of a flag: opened, assigned, confirmed, dismissed, resolved."""

    flag = models.ForeignKey(Flag, verbose_name=_("flag"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_status = models.CharField(_("from"), max_length=16, choices=FlagStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=FlagStatus.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("flag event")
        verbose_name_plural = _("flag events")

    def __str__(self) -> str:
        return f"{self.flag} {self.from_status}→{self.to_status}"


class ScanRun(models.Model):
    """One full scan by the red-flag engine: when, who asked, and per-rule counts and timings."""

    kind = models.CharField(_("kind"), max_length=16, default="full")
    status = models.CharField(_("status"), max_length=16, choices=ScanStatus.choices, default=ScanStatus.RUNNING)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    # {rule code: {"seconds": s, "new": n, "still_open": n, "resolved": n}}
    results = models.JSONField(_("results"), default=dict)
    error = models.TextField(_("error"), blank=True)
    # The Celery task running the scan: its redelivery after a worker died restarts this run.
    task_id = models.CharField(_("task id"), max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("scan run")
        verbose_name_plural = _("scan runs")

    def __str__(self) -> str:
        return f"{self.kind} scan {self.started_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """An in-app notice to one user (a new high-severity flag in their jurisdiction)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, null=True, related_name="notifications")
    message = models.CharField(_("message"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["user", "flag"], name="one_notification_per_user_and_flag")]

    def __str__(self) -> str:
        return self.message
