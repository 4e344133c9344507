"""Indonesia's administrative areas and, later, what village officers record.

Areas are keyed by their official dotted code (province ``53``, regency
``53.01``, district ``53.01.01``, village ``53.01.01.2001``): stable across
imports, readable in URLs and foreign keys, and hierarchical, so "inside this
regency" is a prefix match.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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


class VillageReport(models.Model):
    """What a village officer saw or heard, recorded for the red-flag engine and officials."""

    village = models.ForeignKey(Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind"), max_length=24, choices=VillageReportKind.choices)
    person_nik = models.CharField(_("person's NIK"), max_length=16, blank=True)
    person_name = models.CharField(_("person's name"), max_length=150, blank=True)
    occurred_on = models.DateField(_("date"))
    details = models.TextField(_("details"), blank=True)
    reported_by = models.ForeignKey(
        "accounts.User", verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="village_reports"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(area="village__code")

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("village report")
        verbose_name_plural = _("village reports")
        indexes = [models.Index(fields=["kind", "occurred_on"], name="village_report_kind_date_idx")]
        constraints = [
            models.CheckConstraint(
                name="village_report_names_someone",
                condition=Q(kind="suspected_recruiter") | ~Q(person_nik="") | ~Q(person_name=""),
                violation_error_message=_("Give the person's NIK or name."),
            ),
            models.CheckConstraint(
                name="village_report_nik_digits",
                condition=Q(person_nik="") | Q(person_nik__regex=r"^[0-9]{16}$"),
                violation_error_message=_("A NIK must be exactly 16 digits."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.village} ({self.occurred_on})"
