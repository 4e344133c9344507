"""Complaints from every channel in one model, their timeline, referrals and attachments, the
deadlines an administrator sets per priority, and the outbox of notices to send."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedCharField
from core.models import EventRow
from core.personal_data import mask_number
from core.scoping import ScopedQuerySet, Scoping

from .choices import (
    OPEN_STATUSES,
    Category,
    Channel,
    ComplainantRelation,
    ComplaintEventKind,
    Level,
    Priority,
    ReferralTarget,
    Status,
)


class DeadlineSetting(models.Model):
    """How fast a complaint of this priority must be acknowledged and resolved (administrators
    change these in the admin; the escalation job reads them when a complaint is filed)."""

    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, unique=True)
    acknowledge_hours = models.PositiveIntegerField(_("acknowledge within (hours)"))
    resolve_days = models.PositiveIntegerField(_("resolve within (days)"))
    # How long a company has to answer a referral of a complaint of this priority.
    company_answer_days = models.PositiveIntegerField(_("company answers a referral within (days)"))

    class Meta:
        ordering = ["priority"]
        verbose_name = _("complaint deadline")
        verbose_name_plural = _("complaint deadlines")
        constraints = [
            models.CheckConstraint(
                name="complaint_deadlines_positive",
                condition=Q(acknowledge_hours__gt=0, resolve_days__gt=0, company_answer_days__gt=0),
                violation_error_message=_("Deadlines must be longer than zero."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_priority_display()}: {self.acknowledge_hours} h / {self.resolve_days} d"


class Complaint(models.Model):
    """One complaint, however it came in. The complainant's identity is personal data: only
    complaint officers see it; a company a complaint is referred to sees it only with consent."""

    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    # The secret that, with the code, opens the public tracking page: stored hashed, shown once.
    secret_hash = models.CharField(_("secret (hashed)"), max_length=128)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    level = models.CharField(_("handled at"), max_length=8, choices=Level.choices, default=Level.REGENCY)
    description = models.TextField(_("what happened"))
    occurred_on = models.DateField(_("when it happened"), null=True, blank=True)
    involves_minor = models.BooleanField(_("a child is involved"), default=False)
    # Where the worker lives (village or regency code): decides who handles it.
    area_code = models.CharField(_("area"), max_length=13, blank=True)
    country = models.ForeignKey(
        "recruitment.Country",
        verbose_name=_("country where it happened"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    # The complainant (personal data). Anonymous complaints keep none of it.
    anonymous = models.BooleanField(_("anonymous"), default=False)
    complainant_name = models.CharField(_("complainant's name"), max_length=150, blank=True)
    complainant_phone = models.CharField(_("complainant's phone"), max_length=30, blank=True)
    complainant_email = models.EmailField(_("complainant's e-mail"), blank=True)
    complainant_relation = models.CharField(
        _("complainant is"), max_length=8, choices=ComplainantRelation.choices, blank=True
    )
    # Consent to show the complainant's identity to the company the complaint is referred to.
    identity_shared_with_company = models.BooleanField(_("identity may be shown to the company"), default=False)
    # The worker it is about, as told, and the records it was linked to.
    worker_name = models.CharField(_("worker's name"), max_length=150, blank=True)
    # Encrypted at rest (core.fields); the keyed hash finds the worker without decrypting.
    worker_nik = EncryptedCharField(_("worker's NIK"), max_length=16, blank=True)
    worker_nik_hash = models.CharField(_("NIK keyed hash"), max_length=64, blank=True, editable=False)
    worker = models.ForeignKey(
        "recruitment.Worker", verbose_name=_("worker"), on_delete=models.PROTECT, null=True, blank=True
    )
    placement = models.ForeignKey(
        "placement.Placement", verbose_name=_("placement"), on_delete=models.PROTECT, null=True, blank=True
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    employer = models.ForeignKey(
        "agencies.Employer",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    recruiter = models.ForeignKey(
        "agencies.FieldRecruiter", verbose_name=_("recruiter"), on_delete=models.PROTECT, null=True, blank=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_complaints",
    )
    acknowledge_due_at = models.DateTimeField(_("acknowledge by"))
    resolve_due_at = models.DateTimeField(_("resolve by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("last escalated at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A village officer's offline entry: made on the phone, so a resend never files twice.
    client_id = models.UUIDField(_("entry id made on the phone"), unique=True, null=True, blank=True, editable=False)
    filed_at = models.DateTimeField(_("filed at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    # Officials by the worker's area; a company only what was referred to it; a mission its countries.
    scoping = Scoping(area="area_code", agency="referrals__agency_id", country="country_id", many=("agency",))

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            # The escalation job reads only open complaints past a deadline.
            models.Index(
                fields=["acknowledge_due_at"],
                name="complaint_ack_due_idx",
                condition=Q(status="received"),
            ),
            models.Index(
                fields=["resolve_due_at"],
                name="complaint_resolve_due_idx",
                condition=Q(status__in=["received", "verified", "in_progress"]),
            ),
            models.Index(fields=["area_code", "status"], name="complaint_area_status_idx"),
            models.Index(fields=["agency", "filed_at"], name="complaint_agency_idx"),
            models.Index(fields=["employer", "filed_at"], name="complaint_employer_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="complaint_anonymous_keeps_no_identity",
                condition=Q(anonymous=False) | Q(complainant_name="", complainant_phone="", complainant_email=""),
                violation_error_message=_("An anonymous complaint keeps no name, phone or e-mail."),
            ),
            models.CheckConstraint(
                name="complaint_rejection_has_reason",
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                violation_error_message=_("A rejected complaint needs its reason."),
            ),
            models.CheckConstraint(
                name="complaint_closed_has_outcome",
                condition=~Q(status__in=["resolved", "closed"]) | ~Q(outcome=""),
                violation_error_message=_("A resolved or closed complaint needs its outcome."),
            ),
            models.CheckConstraint(
                name="complaint_worker_nik_hashed",
                condition=Q(worker_nik="", worker_nik_hash="") | Q(worker_nik_hash__regex=r"^[0-9a-f]{64}$"),
                violation_error_message=_("A NIK must be exactly 16 digits."),
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def masked_worker_nik(self) -> str:
        return mask_number(self.worker_nik)


class ComplaintEvent(EventRow):
    """The complaint's timeline: every step, who took it and when."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("what happened"), max_length=20, choices=ComplaintEventKind.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices, blank=True)
    # Shown on the public tracking page (the complainant's own additions, status changes); internal
    # notes are not.
    public = models.BooleanField(_("shown to the complainant"), default=False)

    class Meta(EventRow.Meta):
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")


class ComplaintReferral(models.Model):
    """A complaint sent to whoever must act: the company (which answers by its deadline), the
    mission abroad, or the police for suspected trafficking."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="referrals"
    )
    target = models.CharField(_("referred to"), max_length=8, choices=ReferralTarget.choices)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint_referrals",
    )
    mission = models.ForeignKey(
        "recruitment.Mission", verbose_name=_("mission"), on_delete=models.PROTECT, null=True, blank=True
    )
    police_unit = models.CharField(_("police unit"), max_length=200, blank=True)
    note = models.TextField(_("what is asked"))
    due_at = models.DateTimeField(_("answer by"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("referred by"), on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField(_("referred at"))

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(area="complaint__area_code", agency="agency_id", country="complaint__country_id")

    class Meta:
        ordering = ["referred_at", "id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                name="referral_names_its_target",
                condition=(
                    Q(target="company", agency__isnull=False)
                    | Q(target="mission", mission__isnull=False)
                    | (Q(target="police") & ~Q(police_unit=""))
                ),
                violation_error_message=_("Name the company, the mission or the police unit."),
            ),
            models.UniqueConstraint(
                fields=["complaint", "agency"],
                condition=Q(answered_at__isnull=True, agency__isnull=False),
                name="one_open_referral_per_company",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint} → {self.get_target_display()}"


class ComplaintAttachment(models.Model):
    """A file added to a complaint (checked by content like placement documents)."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="complaints/%Y/%m/")
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    # None when the complainant added it on the public page.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.file.name
