"""The dashboard's summary: one row of figures per area, kept up to date by a refresh.

A million workers cannot be counted on every page view, so a refresh (Celery, every
REFRESH_MINUTES) aggregates the live tables with set-based SQL into a snapshot: one
``Figure`` row per area above the villages that has anything to count (the nation, each
province, regency and district), its figures in one JSON document; a village's figures are
its tally and counts, decoded when read. The page reads the row of its area and the rows of
the areas one level down: index lookups.

A full rebuild (nightly, or ``manage.py refresh_dashboard --full``) writes a new snapshot
from scratch. The frequent refresh is incremental: it recounts only the areas whose rows
changed since the snapshot was taken and adds the differences to the areas above. For that
the counts behind the figures are kept as tallies (``VillageTally``, ``AreaTally``, ``BaseCount``, ``AreaCount``,
``JobOrderShare``), which only the refresh writes. They are unlogged: after a crash empties them,
the villages' figures are missing until the next refresh, which rebuilds them in full.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """One complete refresh. The page reads the newest and shows its time; the one before it is
    kept until the next refresh, for pages that were reading it while the newest committed."""

    # The figures count what the database held at this moment; the next incremental refresh
    # recounts the areas of rows changed since (dashboard.services.LOOKBACK before it).
    taken_at = models.DateTimeField(_("figures as of"))
    # When the full rebuild these figures build on ran (NULL: before tallies were kept, so the
    # next refresh must be a full one).
    rebuilt_at = models.DateTimeField(_("fully rebuilt at"), null=True, blank=True)
    # How many areas the last refresh recomputed (all of them after a full rebuild).
    changed_areas = models.PositiveIntegerField(_("areas recomputed"), default=0)
    # {event table: [highest id the refresh before this one saw, highest id this one saw]}, where
    # the next refresh starts looking for changes (dashboard.services.ID_WATERMARKED).
    watermarks = models.JSONField(_("event watermarks"), default=dict)
    # The [metric, key] of each position of the tallies' counts (dashboard.services.tally_keys), as
    # the full rebuild laid them out; a refresh that would lay them out otherwise rebuilds in full.
    tally_keys = models.JSONField(_("tally layout"), default=list)
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
    """The figures of one area above the villages in one snapshot.

    ``area_code`` is "" for the whole country; ``parent_code`` is the area one level
    up ("" for a province, NULL for the country). ``data`` maps a metric to
    ``{key: count}``, e.g. ``{"stage": {"1": 12, "10": 3}, "departures": {"2026-03": 3}}``
    (see dashboard/services.py for the metrics).
    """

    id = models.BigAutoField(primary_key=True)
    # Rows are written and deleted with their snapshot by the refresh alone, in SQL, never one by
    # one. No foreign key in the database: checking it queued a trigger for every row written and
    # ran them all at commit (a tenth of a second per 70,000 figures); nor an index of its own, as
    # the unique one below starts with the snapshot (a page reads its areas and their children by code).
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    level = models.PositiveSmallIntegerField(_("level"))
    area_code = models.CharField(_("area"), max_length=13)
    # NULL, not "": "" is the country's own code, the parent of every province.
    parent_code = models.CharField(_("parent area"), max_length=13, null=True)  # noqa: DJ001
    data = models.JSONField(_("figures"), default=dict)

    class Meta:
        verbose_name = _("dashboard figure")
        verbose_name_plural = _("dashboard figures")
        constraints = [models.UniqueConstraint(fields=["snapshot", "area_code"], name="one_figure_per_area")]

    def __str__(self) -> str:
        return self.area_code or "ID"


class VillageTally(models.Model):
    """The counts of one village's workers and placements, one row per village: position i counts
    the [metric, key] at position i of its snapshot's ``tally_keys`` (0 where nothing). A million
    workers make 70,000 of these rows where one row per metric and key made 900,000."""

    area_code = models.CharField(_("village"), max_length=13, primary_key=True)
    counts = ArrayField(models.IntegerField(), verbose_name=_("counts"))

    class Meta:
        verbose_name = _("dashboard village tally")
        verbose_name_plural = _("dashboard village tallies")

    def __str__(self) -> str:
        return self.area_code


class AreaTally(models.Model):
    """The village tallies summed for one district, regency, province or the country (``level`` 3
    to 0), position by position."""

    area_code = models.CharField(_("area"), max_length=13, primary_key=True)
    level = models.PositiveSmallIntegerField(_("level"))
    counts = ArrayField(models.BigIntegerField(), verbose_name=_("counts"))

    class Meta:
        verbose_name = _("dashboard area tally")
        verbose_name_plural = _("dashboard area tallies")

    def __str__(self) -> str:
        return self.area_code or "ID"


class BaseCount(models.Model):
    """A count of the flags or complaints that sit in one area (a village, or the regency or
    province a flag or a complaint names), one row per metric and key: few rows, with keys no fixed
    layout knows in advance (rule codes). Summed upward into ``AreaCount``."""

    pk = models.CompositePrimaryKey("area_code", "metric", "key")
    area_code = models.CharField(_("area"), max_length=13)
    metric = models.TextField(_("metric"))
    key = models.TextField(_("key"))
    value = models.BigIntegerField(_("value"))

    class Meta:
        verbose_name = _("dashboard base count")
        verbose_name_plural = _("dashboard base counts")

    def __str__(self) -> str:
        return f"{self.area_code or 'ID'} {self.metric}[{self.key}] = {self.value}"


class AreaCount(models.Model):
    """A figure of one district, regency, province or the country (``level`` 3 to 0): the sum of
    the flag and complaint base counts below it; and the figures that are not sums (vacancies per distinct job order,
    complaint medians, at the levels they are shown)."""

    pk = models.CompositePrimaryKey("area_code", "metric", "key")
    level = models.PositiveSmallIntegerField(_("level"))
    area_code = models.CharField(_("area"), max_length=13)
    metric = models.TextField(_("metric"))
    key = models.TextField(_("key"))
    value = models.BigIntegerField(_("value"))

    class Meta:
        verbose_name = _("dashboard area count")
        verbose_name_plural = _("dashboard area counts")

    def __str__(self) -> str:
        return f"{self.area_code or 'ID'} {self.metric}[{self.key}] = {self.value}"


class JobOrderShare(models.Model):
    """What one published job order adds to the vacancies of the country and of each province and
    regency it recruits in, kept so that a change of the job order can take its old share out."""

    job_order_id = models.BigIntegerField(_("job order"), primary_key=True)
    positions = models.BigIntegerField(_("positions"))
    filled = models.BigIntegerField(_("filled"))
    in_process = models.BigIntegerField(_("in process"))
    open = models.BigIntegerField(_("open"))
    regencies = ArrayField(models.CharField(max_length=5), verbose_name=_("regencies"))

    class Meta:
        verbose_name = _("dashboard job order share")
        verbose_name_plural = _("dashboard job order shares")

    def __str__(self) -> str:
        return f"job order {self.job_order_id}: {self.open} open of {self.positions}"
