from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.choices import AuditAction


class ExportKind(models.TextChoices):
    WORKERS = "workers", _("Workers")
    PLACEMENTS = "placements", _("Placements")
    JOB_ORDERS = "job_orders", _("Job orders")
    COMPANIES = "companies", _("Placement companies")
    FLAGS = "flags", _("Red flags")
    VILLAGE_REPORTS = "village_reports", _("Village reports")
    COMPLAINTS = "complaints", _("Complaints")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX (Excel)"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


# Written to accounts' audit trail when an export carries full NIK or passport numbers.
AUDIT_PERSONAL_DATA_EXPORTED = AuditAction.PERSONAL_DATA_EXPORTED
