"""The placement case: one worker on one job order, its stage, documents and timeline."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from agencies.choices import Sector
from core.fields import EncryptedCharField
from core.models import EventRow
from core.personal_data import DOCUMENT_VISIBLE_DIGITS, mask_number
from core.scoping import ScopedQuerySet, Scoping
from recruitment.choices import Sex

from .choices import ACTIVE_STAGES, DEPARTED_STAGES, DocumentKind, EmbarkationKind, EventKind, ReturnReason, Stage


class EmbarkationPoint(models.Model):
    """An airport, seaport or land crossing; only official ones have immigration and BP3MI desks."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)  # IATA for airports
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=8, choices=EmbarkationKind.choices)
    regency = models.ForeignKey("villages.Regency", verbose_name=_("regency/city"), on_delete=models.PROTECT)
    # An official embarkation point for migrant workers (with immigration and BP3MI desks).
    official = models.BooleanField(_("official embarkation point"), default=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(reference=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("embarkation point")
        verbose_name_plural = _("embarkation points")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Placement(models.Model):
    """One worker on one job order: the case that moves through the stages of placement/choices.py.

    Its table also has ``reached_stages``, the stages its timeline reached as a bit set, which
    triggers on the events keep (migration 0006) and the red-flag re-check reads; not a field here,
    so no save() writes back a value read before a later event."""

    worker = models.ForeignKey(
        "recruitment.Worker", verbose_name=_("worker"), on_delete=models.PROTECT, related_name="placements"
    )
    job_order = models.ForeignKey(
        "recruitment.JobOrder", verbose_name=_("job order"), on_delete=models.PROTECT, related_name="placements"
    )
    application = models.OneToOneField(
        "recruitment.Application", verbose_name=_("application"), on_delete=models.PROTECT, null=True, blank=True
    )
    # Copied from the job order at creation (it never changes): scoping without a join.
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("company"), on_delete=models.PROTECT, related_name="placements"
    )
    # Copied from the worker at creation (neither ever changes: recruitment.services): the dashboard
    # counts a million placements by village and sex, and an official's scope filters them, without
    # joining them to their workers.
    village = models.ForeignKey(
        "villages.Village",
        verbose_name=_("worker's village"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # placement_village_stage_idx starts with it
    )
    worker_sex = models.CharField(_("worker's sex"), max_length=1, choices=Sex.choices)
    # Copied from the job order at creation, likewise (neither ever changes: recruitment.services).
    country = models.ForeignKey(
        "recruitment.Country",
        verbose_name=_("destination country"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # scoped through the job order; counted by the dashboard from its index
    )
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices, default=Stage.REGISTERED)
    stage_changed_at = models.DateTimeField(_("stage reached at"))
    planned_departure_on = models.DateField(_("planned departure"), null=True, blank=True)
    agreement_signed_on = models.DateField(_("placement agreement signed on"), null=True, blank=True)
    agreement_worker_costs = models.DecimalField(
        _("worker-borne costs in the agreement (IDR)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    contract_signed_on = models.DateField(_("employment contract signed on"), null=True, blank=True)
    contract_salary = models.DecimalField(_("contract salary"), max_digits=12, decimal_places=2, null=True, blank=True)
    departed_on = models.DateField(_("departed on"), null=True, blank=True)
    embarkation_point = models.ForeignKey(
        EmbarkationPoint, verbose_name=_("embarkation point"), on_delete=models.PROTECT, null=True, blank=True
    )
    flight = models.CharField(_("flight or crossing"), max_length=40, blank=True)
    arrived_on = models.DateField(_("arrived on"), null=True, blank=True)
    arrival_reported_on = models.DateField(_("arrival reported to the mission on"), null=True, blank=True)
    # The mission's confirmation that the worker reported (lapor diri) in person or online.
    arrival_confirmed_at = models.DateTimeField(_("arrival report confirmed by the mission at"), null=True, blank=True)
    arrival_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("arrival report confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    return_reason = models.CharField(_("reason for return"), max_length=24, choices=ReturnReason.choices, blank=True)
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)
    # Bumped on every change: the API's ETag, and a guard against lost updates.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(agency="agency_id", area="village__code", country="job_order__country_id")

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=Q(stage__in=[int(s) for s in ACTIVE_STAGES]),
                name="one_active_placement_per_worker",
                violation_error_message=_("This worker is already in another active placement."),
            ),
            models.CheckConstraint(
                name="placement_departed_has_departure",
                condition=Q(stage__lt=Stage.DEPARTED)
                | Q(stage=Stage.CANCELLED)
                | Q(departed_on__isnull=False, embarkation_point__isnull=False),
                violation_error_message=_("A departed placement needs its departure date and embarkation point."),
            ),
            models.CheckConstraint(
                name="placement_returned_has_reason",
                condition=~Q(stage=Stage.RETURNED) | (Q(returned_on__isnull=False) & ~Q(return_reason="")),
                violation_error_message=_("A returned placement needs its return date and reason."),
            ),
        ]
        indexes = [
            models.Index(fields=["job_order", "stage"], name="placement_job_order_stage_idx"),
            models.Index(fields=["agency", "stage"], name="placement_agency_stage_idx"),
            # The dashboard counts placements by village and stage, and the departures by month,
            # country, sector and sex, from these two indexes alone (dashboard.services.village_tally_select).
            models.Index(fields=["village", "stage"], name="placement_village_stage_idx"),
            models.Index(
                fields=["departed_on"],
                include=["stage", "village", "worker_sex", "country", "sector"],
                name="placement_departures_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.worker} – {self.get_stage_display()}"

    @staticmethod
    def columns_of(worker, job_order) -> dict:
        """A new placement's worker and job order, with what it copies from them (never changed)."""
        return {
            "worker": worker,
            "village_id": worker.village_id,
            "worker_sex": worker.sex,
            "job_order": job_order,
            "agency_id": job_order.agency_id,
            "country_id": job_order.country_id,
            "sector": job_order.sector,
        }

    @property
    def is_cancelled(self) -> bool:
        return self.stage == Stage.CANCELLED

    @property
    def has_departed(self) -> bool:
        """Departed, working abroad or returned (placement.choices.DEPARTED_STAGES)."""
        return self.stage in DEPARTED_STAGES


class Document(models.Model):
    """A document of a placement (certificate, passport, visa, contract...) with its validity and uploaded file."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    # Encrypted at rest (core.fields): passport numbers above all. The keyed hash finds duplicates,
    # the last three characters mask it in lists without decrypting.
    number = EncryptedCharField(_("number"), max_length=60)
    number_hash = models.CharField(_("number keyed hash"), max_length=64, editable=False, db_index=True)
    number_last3 = models.CharField(_("last characters of the number"), max_length=3, editable=False)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    issuer = models.CharField(_("issuer"), max_length=150)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/", blank=True)
    content_type = models.CharField(_("file type"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("file size"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(
        agency="placement__agency_id",
        area="placement__village__code",
        country="placement__job_order__country_id",
    )

    class Meta:
        ordering = ["kind", "-issued_on"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                name="document_expires_after_issue",
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("issued_on")),
                violation_error_message=_("A document must expire after it was issued."),
            )
        ]
        indexes = [
            # With the dates it covers, the red-flag facts learn which documents were valid on the day
            # of departure from this index alone, without reading the wide rows (oversight/facts.py).
            models.Index(
                fields=["placement", "kind"], include=["issued_on", "expires_on"], name="document_validity_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.masked_number}"

    @property
    def masked_number(self) -> str:
        return mask_number("*" * 6 + self.number_last3, DOCUMENT_VISIBLE_DIGITS)

    def is_valid_on(self, day) -> bool:
        return self.issued_on <= day and (self.expires_on is None or self.expires_on >= day)


class Fee(models.Model):
    """Money the worker paid, for whatever reason it was asked."""

    placement = models.ForeignKey(Placement, verbose_name=_("placement"), on_delete=models.PROTECT, related_name="fees")
    amount_idr = models.DecimalField(_("amount (IDR)"), max_digits=14, decimal_places=0)
    description = models.CharField(_("what for"), max_length=200)
    paid_on = models.DateField(_("paid on"))
    paid_to = models.CharField(_("paid to"), max_length=150, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(
        agency="placement__agency_id",
        area="placement__village__code",
        country="placement__job_order__country_id",
    )

    class Meta:
        ordering = ["-paid_on"]
        verbose_name = _("fee paid by the worker")
        verbose_name_plural = _("fees paid by the worker")
        constraints = [
            models.CheckConstraint(
                name="fee_amount_positive",
                condition=Q(amount_idr__gt=0),
                violation_error_message=_("The amount must be positive."),
            )
        ]

    def __str__(self) -> str:
        return f"Rp {self.amount_idr:,.0f} – {self.description}"


class PlacementEvent(EventRow):
    """Append-only: one row per change of a placement. The timeline and the audit trail.

    Partitioned by month on ``at`` in PostgreSQL (migration 0004, core.partitions): the database's
    primary key is (id, at), and the job siskop2mi.tasks.create_month_partitions makes the coming
    months' partitions."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.PROTECT, related_name="events"
    )
    at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("event"), max_length=24, choices=EventKind.choices)
    from_stage = models.PositiveSmallIntegerField(_("from stage"), choices=Stage.choices, null=True)
    to_stage = models.PositiveSmallIntegerField(_("to stage"), choices=Stage.choices, null=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(
        agency="placement__agency_id",
        area="placement__village__code",
        country="placement__job_order__country_id",
    )

    class Meta(EventRow.Meta):
        verbose_name = _("placement event")
        verbose_name_plural = _("placement events")
        indexes = [
            models.Index(fields=["placement", "at"], name="event_placement_at_idx"),
            # The stages each placement's timeline reached, from this index alone: the red-flag scan
            # reads it for every placement (oversight/facts.py), the reached_stages triggers for a few.
            models.Index(
                fields=["placement"],
                include=["to_stage"],
                condition=Q(to_stage__isnull=False),
                name="event_placement_stage_idx",
            ),
        ]
