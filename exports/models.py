"""An export too large to stream at once: a job a Celery worker writes to a file."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ExportFormat, ExportKind, ExportStatus


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ExportJobQuerySet":
        """An export holds what its owner could see: only the owner sees it (others get a 404)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user)


class ExportJob(models.Model):
    """An export of a filtered list to CSV or XLSX, run by a Celery worker that reports its progress."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(_("list"), max_length=16, choices=ExportKind.choices)
    format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    # The list page's query string (filters and sort), replayed by the worker.
    query = models.TextField(_("filters"), blank=True)
    # The headers follow the language the owner used when asking.
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(
        _("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED, db_index=True
    )
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in total"), null=True, blank=True)
    # Relative to settings.EXPORT_DIR; empty until the file is complete.
    file_path = models.CharField(_("file"), max_length=255, blank=True)
    full_numbers = models.BooleanField(_("personal numbers in full"), default=False)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    # When the job was last sent to a worker (the sweeper may send it again).
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # The Celery task that owns the job: only a delivery of this task id claims it, so a
    # redelivery after a worker died restarts the job and a stray duplicate does nothing.
    task_id = models.CharField(_("task id"), max_length=64, blank=True, db_index=True)
    # How often the sweeper sent a stuck job again under a new task id (at most once).
    requeues = models.PositiveSmallIntegerField(_("times re-queued"), default=0)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        constraints = [
            models.CheckConstraint(
                name="export_done_has_file",
                condition=~Q(status=ExportStatus.DONE) | ~Q(file_path=""),
                violation_error_message=_("A finished export needs its file."),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} ({self.get_format_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)

    @property
    def filename(self) -> str:
        return f"{self.kind}-{self.created_at:%Y%m%d-%H%M}-{self.pk}.{self.format}"
