"""The dashboard's summary: one row of figures per area, rebuilt as a whole by a refresh.

A million workers cannot be counted on every page view, so a refresh (Celery, every
REFRESH_MINUTES) aggregates the live tables once with set-based SQL into a snapshot:
one ``Figure`` row per area that has anything to count (the nation, each province,
regency, district and village), its figures in one JSON document. The page reads the
row of its area and the rows of the areas one level down: two index lookups.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """One complete refresh. The page reads the newest and shows its time; the one before it is
    kept until the next refresh, for pages that were reading it while the newest committed."""

    # The figures count what the database held at this moment.
    taken_at = models.DateTimeField(_("figures as of"))
    # The month "departures this month" and the 12-month trends end with (local time).
    month = models.DateField(_("month"))
    seconds = models.FloatField(_("duration (seconds)"))
    areas = models.PositiveIntegerField(_("areas"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-taken_at"]
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")

    def __str__(self) -> str:
        return f"{self.taken_at:%Y-%m-%d %H:%M}"


class Figure(models.Model):
    """The figures of one area in one snapshot.

    ``area_code`` is "" for the whole country; ``parent_code`` is the area one level
    up ("" for a province, NULL for the country). ``data`` maps a metric to
    ``{key: count}``, e.g. ``{"stage": {"1": 12, "10": 3}, "departures": {"2026-03": 3}}``
    (see dashboard/services.py for the metrics).
    """

    id = models.BigAutoField(primary_key=True)
    # Rows are deleted with their snapshot by the refresh, in SQL, never one by one.
    snapshot = models.ForeignKey(Snapshot, on_delete=models.DO_NOTHING, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"))
    area_code = models.CharField(_("area"), max_length=13)
    # NULL, not "": "" is the country's own code, the parent of every province.
    parent_code = models.CharField(_("parent area"), max_length=13, null=True)  # noqa: DJ001
    data = models.JSONField(_("figures"), default=dict)

    class Meta:
        verbose_name = _("dashboard figure")
        verbose_name_plural = _("dashboard figures")
        constraints = [models.UniqueConstraint(fields=["snapshot", "area_code"], name="one_figure_per_area")]
        indexes = [models.Index(fields=["snapshot", "parent_code"], name="figure_snapshot_parent_idx")]

    def __str__(self) -> str:
        return self.area_code or "ID"
