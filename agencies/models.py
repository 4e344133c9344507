"""Placement companies (P3MI) with their licence, branches, sanctions and field
recruiters; the foreign employers that issue job orders."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedCharField
from core.models import EventRow
from core.scoping import ScopedQuerySet, Scoping

from .choices import LicenceEventKind, LicenceStatus, SanctionKind, Sector


class Agency(models.Model):
    """A licensed placement company (P3MI); its licence is the SIP3MI."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    licence_number = models.CharField(_("SIP3MI number"), max_length=60, unique=True, null=True, blank=True)
    licence_issued_on = models.DateField(_("licence issued on"), null=True, blank=True)
    licence_expires_on = models.DateField(_("licence expires on"), null=True, blank=True)
    licence_status = models.CharField(
        _("licence status"), max_length=16, choices=LicenceStatus.choices, default=LicenceStatus.ACTIVE, db_index=True
    )
    head_office_regency = models.ForeignKey(
        "villages.Regency", verbose_name=_("head office"), on_delete=models.PROTECT, null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    # Officials supervise companies nationally; a company sees itself.
    scoping = Scoping(agency="id", reference=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("placement company")
        verbose_name_plural = _("placement companies")
        constraints = [
            models.CheckConstraint(
                name="agency_licence_dates_ordered",
                condition=Q(licence_expires_on__isnull=True)
                | Q(licence_issued_on__isnull=True)
                | Q(licence_expires_on__gt=F("licence_issued_on")),
                violation_error_message=_("The licence must expire after it was issued."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def licence_is_active(self) -> bool:
        return self.licence_status == LicenceStatus.ACTIVE


class Branch(models.Model):
    """A company's branch office in one regency (at most one per regency)."""

    agency = models.ForeignKey(Agency, verbose_name=_("company"), on_delete=models.CASCADE, related_name="branches")
    regency = models.ForeignKey("villages.Regency", verbose_name=_("regency/city"), on_delete=models.PROTECT)
    address = models.CharField(_("address"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(agency="agency_id", reference=True)

    class Meta:
        verbose_name = _("branch office")
        verbose_name_plural = _("branch offices")
        constraints = [models.UniqueConstraint(fields=["agency", "regency"], name="one_branch_per_regency")]

    def __str__(self) -> str:
        return f"{self.agency} – {self.regency}"


class Sanction(models.Model):
    """A warning, suspension or licence revocation imposed on a company, with its reason, period and author."""

    agency = models.ForeignKey(Agency, verbose_name=_("company"), on_delete=models.CASCADE, related_name="sanctions")
    kind = models.CharField(_("kind"), max_length=16, choices=SanctionKind.choices)
    reason = models.TextField(_("reason"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    imposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imposed by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(agency="agency_id", reference=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        constraints = [
            models.CheckConstraint(
                name="sanction_period_ordered",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                violation_error_message=_("A sanction cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.agency}"


class LicenceEvent(EventRow):
    """Append-only: one row per change of a company's licence. Its history with the ministry."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("company"), on_delete=models.PROTECT, related_name="licence_events"
    )
    kind = models.CharField(_("event"), max_length=16, choices=LicenceEventKind.choices)
    from_status = models.CharField(_("from status"), max_length=16, choices=LicenceStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, choices=LicenceStatus.choices, blank=True)
    sanction = models.ForeignKey(
        Sanction, verbose_name=_("sanction"), on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(agency="agency_id", reference=True)

    class Meta(EventRow.Meta):
        verbose_name = _("licence event")
        verbose_name_plural = _("licence events")
        indexes = [models.Index(fields=["agency", "at"], name="event_agency_at_idx")]


class FieldRecruiter(models.Model):
    """A person who brings candidates to a company. Without a company they are unregistered (a calo)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("company"), on_delete=models.PROTECT, null=True, blank=True, related_name="recruiters"
    )
    full_name = models.CharField(_("full name"), max_length=150)
    nik = EncryptedCharField(_("NIK"), max_length=16, blank=True)  # encrypted at rest (core.fields)
    nik_hash = models.CharField(_("NIK keyed hash"), max_length=64, blank=True, editable=False, db_index=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    village = models.ForeignKey(
        "villages.Village", verbose_name=_("village"), on_delete=models.PROTECT, null=True, blank=True
    )
    registered_on = models.DateField(_("registered on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(agency="agency_id", area="village__code")

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("field recruiter")
        verbose_name_plural = _("field recruiters")

    def __str__(self) -> str:
        return self.full_name


class Employer(models.Model):
    """A foreign employer (pemberi kerja) issuing job orders."""

    name = models.CharField(_("name"), max_length=200)
    country = models.ForeignKey("recruitment.Country", verbose_name=_("country"), on_delete=models.PROTECT)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    registration_number = models.CharField(_("registration number"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    blacklisted = models.BooleanField(_("blacklisted"), default=False)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(reference=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("foreign employer")
        verbose_name_plural = _("foreign employers")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "registration_number"],
                condition=~Q(registration_number=""),
                name="employer_registration_unique_per_country",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country_id})"
