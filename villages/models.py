"""Indonesia's administrative areas and, later, what village officers record.

Areas are keyed by their official dotted code (province ``53``, regency
``53.01``, district ``53.01.01``, village ``53.01.01.2001``): stable across
imports, readable in URLs and foreign keys, and hierarchical, so "inside this
regency" is a prefix match.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedCharField
from core.models import EventRow
from core.scoping import ScopedQuerySet, Scoping


class Area(models.Model):
    """An administrative area keyed by its official dotted code; the four levels below share it."""

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(area="code", reference=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def nik_prefix(self) -> str:
        return self.code.replace(".", "")


class Province(Area):
    """A province (provinsi), e.g. 52 Nusa Tenggara Barat."""

    class Meta(Area.Meta):
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class Regency(Area):
    """A regency or city (kabupaten/kota) inside a province."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="regencies")

    class Meta(Area.Meta):
        verbose_name = _("regency/city")
        verbose_name_plural = _("regencies/cities")


class District(Area):
    """A district (kecamatan) inside a regency; a NIK's first six digits name the one it was issued in."""

    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="districts")

    class Meta(Area.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Village(Area):
    """A village (desa/kelurahan): a worker's domicile and a village officer's jurisdiction."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="villages")

    class Meta(Area.Meta):
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        indexes = [models.Index(fields=["name"], name="village_name_idx")]


AREA_MODELS_BY_DEPTH = {1: Province, 2: Regency, 3: District, 4: Village}


def area_for_code(code: str) -> Area | None:
    """The area a dotted code names, or None."""
    model = AREA_MODELS_BY_DEPTH.get(len(code.split(".")))
    return model.objects.filter(code=code).first() if model else None


class VillageReportKind(models.TextChoices):
    INTENT = "intent", _("Intends to work abroad")
    DEPARTURE_SEEN = "departure_seen", _("Departure seen")
    RETURN_SEEN = "return_seen", _("Return seen")
    SUSPECTED_RECRUITER = "suspected_recruiter", _("Suspected illegal recruiter")
    DEATH_OR_REPATRIATION = "death_or_repatriation", _("Death or repatriation")


# Reports about one person's movement: two officers reporting it are one event with two sources.
PERSON_EVENT_KINDS = (
    VillageReportKind.DEPARTURE_SEEN,
    VillageReportKind.RETURN_SEEN,
    VillageReportKind.DEATH_OR_REPATRIATION,
)


class ReturnNeed(models.TextChoices):
    """What a returned worker needs, as the village officer heard it."""

    UNPAID_WAGES = "unpaid_wages", _("Wages not paid")
    HEALTH = "health", _("Health care")
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    WORK = "work", _("Work or a small business")


class VillageReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class VillageReport(models.Model):
    """What a village officer saw or heard, recorded for the red-flag engine and officials.

    Entries are often made on a phone without signal and sent later: ``client_id`` is made on the
    phone, so a resend never makes a second row, and ``version`` grows with each edit, so an edit
    made on a stale copy is refused as a conflict instead of overwriting a colleague's."""

    village = models.ForeignKey(Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind"), max_length=24, choices=VillageReportKind.choices)
    # Encrypted at rest (core.fields); the keyed hash matches reports to workers without decrypting.
    person_nik = EncryptedCharField(_("person's NIK"), max_length=16, blank=True)
    person_nik_hash = models.CharField(_("NIK keyed hash"), max_length=64, blank=True, editable=False)
    person_name = models.CharField(_("person's name"), max_length=150, blank=True)
    occurred_on = models.DateField(_("date"))
    details = models.TextField(_("details"), blank=True)
    # Intends to work abroad: where and what (the person and the family's consent are in the registry).
    destination_country = models.CharField(_("destination hoped for"), max_length=2, blank=True)
    hoped_work = models.CharField(_("work hoped for"), max_length=120, blank=True)
    # Return seen: what the returned worker needs.
    needs = ArrayField(
        models.CharField(max_length=16, choices=ReturnNeed.choices), verbose_name=_("needs"), default=list, blank=True
    )
    # Death or repatriation: whom in the family to contact.
    contact_name = models.CharField(_("family contact"), max_length=150, blank=True)
    contact_phone = models.CharField(_("family contact's phone"), max_length=30, blank=True)
    # Suspected broker (calo, tekong): who, how to reach them, where, whom they approached.
    broker_name = models.CharField(_("broker's name"), max_length=150, blank=True)
    broker_nickname = models.CharField(_("nickname"), max_length=80, blank=True)
    # Normalised (digits, national form 08...) so the rules compare them with recruiters' phones.
    broker_phones = ArrayField(
        models.CharField(max_length=20), verbose_name=_("phone numbers"), default=list, blank=True
    )
    broker_vehicle = models.CharField(_("vehicle"), max_length=120, blank=True)
    seen_at_place = models.CharField(_("where seen"), max_length=200, blank=True)
    approached = models.TextField(_("whom they approached"), blank=True)
    claimed_company = models.CharField(_("company they claim"), max_length=200, blank=True)
    # The first report of the same event by another officer (this one is a second source).
    same_event_as = models.ForeignKey(
        "self",
        verbose_name=_("same event as"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="other_sources",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=VillageReportStatus.choices, default=VillageReportStatus.OPEN
    )
    closing_note = models.TextField(_("closing note"), blank=True)
    client_id = models.UUIDField(_("entry id made on the phone"), unique=True, null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    # When the officer wrote it down (on the phone, perhaps offline), as opposed to when it arrived.
    recorded_at = models.DateTimeField(_("written down at"), null=True, blank=True)
    reported_by = models.ForeignKey(
        "accounts.User", verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="village_reports"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(area="village__code")

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("village report")
        verbose_name_plural = _("village reports")
        indexes = [
            models.Index(fields=["kind", "occurred_on"], name="village_report_kind_date_idx"),
            models.Index(fields=["village", "kind", "occurred_on"], name="village_report_village_idx"),
            models.Index(
                fields=["person_nik_hash"], name="village_report_nik_hash_idx", condition=~Q(person_nik_hash="")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="village_report_names_someone",
                condition=Q(kind="suspected_recruiter") | ~Q(person_nik="") | ~Q(person_name=""),
                violation_error_message=_("Give the person's NIK or name."),
            ),
            models.CheckConstraint(
                name="village_report_nik_hashed",
                condition=Q(person_nik="", person_nik_hash="") | Q(person_nik_hash__regex=r"^[0-9a-f]{64}$"),
                violation_error_message=_("A NIK must be exactly 16 digits."),
            ),
            models.CheckConstraint(
                name="village_report_not_its_own_source",
                condition=~Q(same_event_as=models.F("id")),
                violation_error_message=_("A report cannot be a second source of itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.village} ({self.occurred_on})"


class VillageReportEventKind(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    EDITED = "edited", _("Edited")
    SECOND_SOURCE = "second_source", _("Reported again by another officer")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


class VillageReportEvent(EventRow):
    """The timeline of a village report: recorded, edited (with what changed), closed."""

    report = models.ForeignKey(VillageReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=16, choices=VillageReportEventKind.choices)

    class Meta(EventRow.Meta):
        verbose_name = _("village report event")
        verbose_name_plural = _("village report events")
