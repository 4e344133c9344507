from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


# Most severe first: the order of every list of flags.
SEVERITY_ORDER = (Severity.HIGH, Severity.MEDIUM, Severity.LOW)


class SubjectType(models.TextChoices):
    WORKER = "worker", _("Worker")
    PLACEMENT = "placement", _("Placement")
    JOB_ORDER = "job_order", _("Job order")
    AGENCY = "agency", _("Placement company")
    RECRUITER = "recruiter", _("Field recruiter")
    VILLAGE_REPORT = "village_report", _("Village report")
    EMPLOYER = "employer", _("Foreign employer")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_REVIEW = "in_review", _("In review")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")
    RESOLVED = "resolved", _("Resolved")


# A flag is "open" (counted on every page, the dashboard and by the engine) while it is in
# one of these; the engine closes these itself when the condition no longer holds, and a
# dismissal stands.
OPEN_FLAG_STATUSES = (FlagStatus.OPEN, FlagStatus.IN_REVIEW, FlagStatus.CONFIRMED)
AUTO_RESOLVABLE = OPEN_FLAG_STATUSES


class ScanStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")
