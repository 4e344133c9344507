"""Job orders and their permits, workers (candidates), applications, training."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from agencies.choices import Sector
from core.fields import EncryptedCharField
from core.models import EventRow
from core.personal_data import masked_nik_from_last_digits
from core.scoping import ScopedQuerySet, Scoping

from .choices import (
    ApplicationStatus,
    ConsentRelation,
    Education,
    JobOrderDocumentKind,
    JobOrderEventKind,
    JobOrderStatus,
    MaritalStatus,
    MissionKind,
    PermitStatus,
    ProviderKind,
    RegistrationChannel,
    Sex,
    TrainingKind,
    TrainingResult,
)


class Country(models.Model):
    """A destination country (ISO 3166-1 alpha-2), with the rules that depend on it."""

    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    requires_language_test = models.BooleanField(_("requires a language test"), default=False)
    # The most a worker may be charged for placement there, in rupiah; None when no cap is set.
    worker_cost_cap_idr = models.DecimalField(
        _("cap on worker-borne costs (IDR)"), max_digits=14, decimal_places=0, null=True, blank=True
    )

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(reference=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name


class Mission(models.Model):
    """An Indonesian mission abroad (KBRI, KJRI, KDEI Taipei) and the destination countries it
    answers for: it verifies their job orders and employers and receives their arrival reports."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=MissionKind.choices)
    city = models.CharField(_("city"), max_length=100)
    countries = models.ManyToManyField(Country, verbose_name=_("jurisdiction (countries)"), related_name="missions")

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(reference=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mission abroad")
        verbose_name_plural = _("missions abroad")

    def __str__(self) -> str:
        return self.name


class Occupation(models.Model):
    """An occupation job orders recruit for; ``zero_cost`` ones charge the worker nothing (Peraturan BP2MI 9/2020)."""

    code = models.CharField(_("code"), max_length=32, primary_key=True)
    name = models.CharField(_("name"), max_length=150)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    # Peraturan BP2MI 9/2020: the employer pays; the worker may be charged nothing.
    zero_cost = models.BooleanField(_("zero cost for the worker"), default=False)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(reference=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")

    def __str__(self) -> str:
        return self.name


class Moratorium(models.Model):
    """Placements to a country in a sector are stopped (e.g. Kepmenaker 260/2015)."""

    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.CASCADE)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(reference=True)

    class Meta:
        ordering = ["country", "sector"]
        verbose_name = _("moratorium")
        verbose_name_plural = _("moratoria")

    def __str__(self) -> str:
        return f"{self.country} – {self.get_sector_display()}"


class JobOrder(models.Model):
    """An employer's request for workers, brought by a company: quota, salary, validity, the mission's check."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("company"), on_delete=models.PROTECT, related_name="job_orders"
    )
    employer = models.ForeignKey("agencies.Employer", verbose_name=_("employer"), on_delete=models.PROTECT)
    country = models.ForeignKey(Country, verbose_name=_("destination country"), on_delete=models.PROTECT)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    occupation = models.ForeignKey(Occupation, verbose_name=_("occupation"), on_delete=models.PROTECT)
    reference = models.CharField(_("demand letter reference"), max_length=80, blank=True)
    quota = models.PositiveIntegerField(_("positions"))
    quota_female = models.PositiveIntegerField(_("positions for women"), null=True, blank=True)
    quota_male = models.PositiveIntegerField(_("positions for men"), null=True, blank=True)
    salary = models.DecimalField(_("monthly salary"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    contract_months = models.PositiveSmallIntegerField(_("contract length (months)"))
    worker_costs = models.DecimalField(_("costs borne by the worker (IDR)"), max_digits=14, decimal_places=0, default=0)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=16, choices=JobOrderStatus.choices, default=JobOrderStatus.DRAFT, db_index=True
    )
    mission_reference = models.CharField(_("mission verification reference"), max_length=80, blank=True)
    mission_verified_on = models.DateField(_("verified by the mission on"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()
    # Officials see every job order (they verify and supervise nationally); a mission those of its countries.
    scoping = Scoping(agency="agency_id", country="country_id", reference=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("job order")
        verbose_name_plural = _("job orders")
        constraints = [
            models.CheckConstraint(
                name="job_order_quota_positive",
                condition=Q(quota__gt=0),
                violation_error_message=_("Quota must be positive."),
            ),
            models.CheckConstraint(
                name="job_order_quota_by_sex_within_total",
                condition=Q(quota_female__isnull=True, quota_male__isnull=True)
                | Q(quota_female__isnull=True, quota_male__lte=F("quota"))
                | Q(quota_male__isnull=True, quota_female__lte=F("quota"))
                | Q(quota__gte=F("quota_female") + F("quota_male")),
                violation_error_message=_("Positions by sex cannot exceed the total."),
            ),
            models.CheckConstraint(
                name="job_order_validity_ordered",
                condition=Q(valid_until__gte=F("valid_from")),
                violation_error_message=_("A job order cannot end before it starts."),
            ),
            models.CheckConstraint(
                name="job_order_salary_positive",
                condition=Q(salary__gt=0),
                violation_error_message=_("Salary must be positive."),
            ),
            models.CheckConstraint(
                name="job_order_verified_has_reference",
                condition=~Q(status__in=["verified", "published", "closed"])
                | (Q(mission_verified_on__isnull=False) & ~Q(mission_reference="")),
                violation_error_message=_("A verified job order needs the mission's reference and date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occupation} – {self.employer} ({self.country_id}) #{self.pk}"

    @property
    def is_verified(self) -> bool:
        return self.status in {"verified", "published", "closed"}


class JobOrderEvent(EventRow):
    """Append-only: one row per change of a job order. Its timeline and audit trail."""

    job_order = models.ForeignKey(
        JobOrder, verbose_name=_("job order"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=24, choices=JobOrderEventKind.choices)
    from_status = models.CharField(_("from status"), max_length=16, choices=JobOrderStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, choices=JobOrderStatus.choices, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(agency="job_order__agency_id", country="job_order__country_id", reference=True)

    class Meta(EventRow.Meta):
        verbose_name = _("job order event")
        verbose_name_plural = _("job order events")
        indexes = [models.Index(fields=["job_order", "at"], name="event_job_order_at_idx")]


class JobOrderDocument(models.Model):
    """A paper the company attaches to a job order for the mission's check: the demand letter,
    the employer's licence and registration, the power of attorney, the draft contract."""

    job_order = models.ForeignKey(
        JobOrder, verbose_name=_("job order"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=JobOrderDocumentKind.choices)
    number = models.CharField(_("number or reference"), max_length=80, blank=True)
    file = models.FileField(_("file"), upload_to="job-orders/%Y/%m/")
    content_type = models.CharField(_("file type"), max_length=64)
    size = models.PositiveIntegerField(_("file size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("attached by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("attached at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(agency="job_order__agency_id", country="job_order__country_id", reference=True)

    class Meta:
        ordering = ["kind", "created_at"]
        verbose_name = _("job order document")
        verbose_name_plural = _("job order documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()


class RecruitmentPermit(models.Model):
    """SIP2MI: permission to recruit for one job order, in some regions, up to a quota.

    The company applies (status "applied", no number yet); a ministry or province official
    issues it (with its number) or refuses it; an issued permit can be revoked. Only an
    issued permit binds quota and regions."""

    job_order = models.ForeignKey(
        JobOrder, verbose_name=_("job order"), on_delete=models.CASCADE, related_name="permits"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PermitStatus.choices, default=PermitStatus.APPLIED, db_index=True
    )
    number = models.CharField(_("SIP2MI number"), max_length=60, unique=True, null=True, blank=True)
    quota = models.PositiveIntegerField(_("quota"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    regions = models.ManyToManyField("villages.Regency", verbose_name=_("recruitment regions"))
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied for by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("applied for at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Why it was refused or revoked.
    reason = models.TextField(_("reason"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(agency="job_order__agency_id", country="job_order__country_id", reference=True)

    class Meta:
        ordering = ["-valid_until"]
        verbose_name = _("recruitment permit (SIP2MI)")
        verbose_name_plural = _("recruitment permits (SIP2MI)")
        constraints = [
            models.CheckConstraint(
                name="permit_validity_ordered",
                condition=Q(valid_until__gte=F("valid_from")),
                violation_error_message=_("A permit cannot end before it starts."),
            ),
            models.CheckConstraint(
                name="permit_issued_has_number",
                condition=Q(status__in=["applied", "refused"]) | Q(number__isnull=False),
                violation_error_message=_("An issued permit needs its SIP2MI number."),
            ),
            models.CheckConstraint(
                name="permit_refusal_has_reason",
                condition=~Q(status__in=["refused", "revoked"]) | ~Q(reason=""),
                violation_error_message=_("A refused or revoked permit needs its reason."),
            ),
        ]

    def __str__(self) -> str:
        return self.number or _("SIP2MI application #%(id)s") % {"id": self.pk}

    @property
    def binds(self) -> bool:
        """Only an issued permit decides quota and regions."""
        return self.status == PermitStatus.ISSUED


class Worker(models.Model):
    """A person in the national registry (keyed by NIK): a candidate migrant worker (CPMI) and,
    once placed, a migrant worker (PMI). Nobody's property: companies reach a person through
    their own registrations, applications and placements (``Registration``)."""

    # Encrypted at rest (core.fields); beside it what lookups and set-based rules need, computed
    # once by core.nik.personal_number_columns: never decrypt a million rows (ARCHITECTURE rule 10).
    nik = EncryptedCharField(_("NIK"), max_length=16)
    nik_hash = models.CharField(_("NIK keyed hash"), max_length=64, editable=False)
    nik_district = models.CharField(_("district of issue in the NIK"), max_length=6, editable=False)
    nik_birth_date = models.DateField(_("birth date in the NIK"), null=True, editable=False)
    nik_sex = models.CharField(_("sex in the NIK"), max_length=1, editable=False)
    nik_last4 = models.CharField(_("last four digits of the NIK"), max_length=4, editable=False)
    full_name = models.CharField(_("full name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    birth_place = models.CharField(_("birth place"), max_length=100)
    # Indexed by the two indexes below that start with it.
    village = models.ForeignKey(
        "villages.Village", verbose_name=_("village of domicile"), on_delete=models.PROTECT, db_index=False
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices)
    marital_status = models.CharField(_("marital status"), max_length=16, choices=MaritalStatus.choices)
    next_of_kin_name = models.CharField(_("next of kin"), max_length=150)
    next_of_kin_phone = models.CharField(_("next of kin's phone"), max_length=30, blank=True)
    next_of_kin_relation = models.CharField(_("relationship"), max_length=60, blank=True)
    # Izin keluarga diketahui kepala desa: the date the village head acknowledged it.
    family_consent_on = models.DateField(_("family consent acknowledged by the village head on"), null=True, blank=True)
    # The company that first put the person in the registry (provenance only: it owns nothing).
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("first registered by company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workers",
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()
    # A company sees the people it registered (with their consent); a mission those placed in its countries.
    scoping = Scoping(
        area="village__code",
        agency="registrations__agency_id",
        country="placements__job_order__country_id",
        many=("agency", "country"),
    )

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        constraints = [
            models.UniqueConstraint(
                fields=["nik_hash"],
                name="worker_nik_unique",
                violation_error_message=_("A person with this NIK is already registered."),
            ),
            # The columns beside the encrypted NIK are filled (personal_number_columns) or the row is refused.
            models.CheckConstraint(
                name="worker_nik_columns_filled",
                condition=Q(nik_hash__regex=r"^[0-9a-f]{64}$")
                & Q(nik_district__regex=r"^[0-9]{6}$")
                & Q(nik_last4__regex=r"^[0-9]{4}$")
                & Q(nik_sex__in=["F", "M"]),
                violation_error_message=_("A NIK must be exactly 16 digits."),
            ),
        ]
        indexes = [
            models.Index(fields=["village", "birth_date"], name="worker_village_birth_idx"),
            # All the dashboard counts of a worker, in village order: its rebuild reads this index,
            # a seventh of the table, and counts each village's run of it without a hash table.
            models.Index(fields=["village", "sex", "created_at"], name="worker_village_sex_created_idx"),
            # Officials search a million names by fragment: a trigram index keeps icontains fast.
            GinIndex(fields=["full_name"], opclasses=["gin_trgm_ops"], name="worker_full_name_trgm_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def masked_nik(self) -> str:
        """************0001, from the last four digits kept in clear: a list decrypts nothing."""
        return masked_nik_from_last_digits(self.nik_last4)


class FamilyConsent(models.Model):
    """Izin keluarga diketahui kepala desa: who in the family agreed to the person working abroad,
    as the village recorded it. It meets the registration requirement for every company and office
    that later registers the same person, so nobody types it again."""

    worker = models.ForeignKey(
        Worker, verbose_name=_("person"), on_delete=models.PROTECT, related_name="family_consents"
    )
    consenter_name = models.CharField(_("consent given by"), max_length=150)
    relation = models.CharField(_("relation to the person"), max_length=16, choices=ConsentRelation.choices)
    given_on = models.DateField(_("consent given on"))
    # A photo of the signed letter, shrunk on the phone (optional: the village head's word is the record).
    letter = models.FileField(_("photo of the letter"), upload_to="family-consent/%Y/%m/", blank=True)
    village = models.ForeignKey("villages.Village", verbose_name=_("village"), on_delete=models.PROTECT)
    village_report = models.OneToOneField(
        "villages.VillageReport",
        verbose_name=_("village report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="family_consent",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(area="village__code", agency="worker__registrations__agency_id", many=("agency",))

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("family consent")
        verbose_name_plural = _("family consents")

    def __str__(self) -> str:
        return f"{self.consenter_name} ({self.get_relation_display()}, {self.given_on})"


class Registration(models.Model):
    """Who put a person on the registry, or reached them again: a regency counter, a village
    officer, or a company with the candidate's consent. A company sees a person only through
    its own registration of them (and the applications and placements that follow)."""

    worker = models.ForeignKey(Worker, verbose_name=_("person"), on_delete=models.PROTECT, related_name="registrations")
    channel = models.CharField(_("registered through"), max_length=16, choices=RegistrationChannel.choices)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
    )
    # The candidate's consent to the company holding their data (company registrations).
    consent_on = models.DateField(_("candidate's consent given on"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(agency="agency_id", area="worker__village__code")

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "agency"],
                condition=Q(agency__isnull=False),
                name="one_registration_per_company",
            ),
            models.CheckConstraint(
                name="registration_company_has_consent",
                condition=~Q(channel="company") | Q(agency__isnull=False, consent_on__isnull=False),
                violation_error_message=_("A company registers a person only with the candidate's consent."),
            ),
        ]
        indexes = [models.Index(fields=["agency", "worker"], name="registration_agency_worker_idx")]

    def __str__(self) -> str:
        return f"{self.worker} – {self.get_channel_display()}"


class Application(models.Model):
    """A worker's application to one job order, maybe brought by a field recruiter, and its selection result."""

    worker = models.ForeignKey(Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="applications")
    job_order = models.ForeignKey(
        JobOrder, verbose_name=_("job order"), on_delete=models.PROTECT, related_name="applications"
    )
    recruiter = models.ForeignKey(
        "agencies.FieldRecruiter",
        verbose_name=_("brought by recruiter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.APPLIED
    )
    selection_notes = models.TextField(_("selection notes"), blank=True)
    applied_on = models.DateField(_("applied on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(agency="job_order__agency_id", area="worker__village__code", country="job_order__country_id")

    class Meta:
        ordering = ["-applied_on"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [models.UniqueConstraint(fields=["worker", "job_order"], name="one_application_per_job_order")]

    def __str__(self) -> str:
        return f"{self.worker} → {self.job_order}"


class TrainingProvider(models.Model):
    """A training centre (LPK private or BLK public) giving vocational and language training."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=ProviderKind.choices)
    regency = models.ForeignKey("villages.Regency", verbose_name=_("regency/city"), on_delete=models.PROTECT)
    accreditation_number = models.CharField(_("accreditation number"), max_length=60, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(reference=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("training provider")
        verbose_name_plural = _("training providers")

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    """A worker's enrolment in one training programme and its result (with the competency certificate)."""

    worker = models.ForeignKey(Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="enrolments")
    provider = models.ForeignKey(TrainingProvider, verbose_name=_("training provider"), on_delete=models.PROTECT)
    programme = models.CharField(_("programme"), max_length=150)
    kind = models.CharField(_("kind"), max_length=16, choices=TrainingKind.choices)
    hours = models.PositiveSmallIntegerField(_("hours"))
    starts_on = models.DateField(_("starts on"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=16, choices=TrainingResult.choices, default=TrainingResult.IN_PROGRESS
    )
    certificate_number = models.CharField(_("competency certificate number"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(agency="worker__registrations__agency_id", area="worker__village__code", many=("agency",))

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("training enrolment")
        verbose_name_plural = _("training enrolments")
        constraints = [
            models.CheckConstraint(
                name="enrolment_passed_has_certificate",
                condition=~Q(result="passed") | (~Q(certificate_number="") & Q(completed_on__isnull=False)),
                violation_error_message=_("A passed training needs its completion date and certificate number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} – {self.worker}"
