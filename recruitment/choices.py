from django.db import models
from django.utils.translation import gettext_lazy as _

from core import nik


class JobOrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified by the mission")
    REJECTED = "rejected", _("Rejected by the mission")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class JobOrderEventKind(models.TextChoices):
    CREATED = "created", _("Job order drafted")
    SUBMITTED = "submitted", _("Submitted for verification")
    VERIFIED = "verified", _("Verified by the mission")
    REJECTED = "rejected", _("Rejected by the mission")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    DOCUMENT_ADDED = "document_added", _("Document attached")
    PERMIT_APPLIED = "permit_applied", _("Recruitment permit applied for")
    PERMIT_ISSUED = "permit_issued", _("Recruitment permit issued")
    PERMIT_REFUSED = "permit_refused", _("Recruitment permit refused")
    PERMIT_REVOKED = "permit_revoked", _("Recruitment permit revoked")


class MissionKind(models.TextChoices):
    KBRI = "kbri", _("Embassy (KBRI)")
    KJRI = "kjri", _("Consulate general (KJRI)")
    KDEI = "kdei", _("Indonesian Economic and Trade Office (KDEI)")


class JobOrderDocumentKind(models.TextChoices):
    """What the mission checks before it verifies a job order and its employer."""

    DEMAND_LETTER = "demand_letter", _("Demand letter")
    EMPLOYER_LICENCE = "employer_licence", _("Employer's business licence")
    EMPLOYER_REGISTRATION = "employer_registration", _("Employer's registration")
    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
    DRAFT_CONTRACT = "draft_contract", _("Draft employment contract")
    OTHER = "other", _("Other")


class PermitStatus(models.TextChoices):
    APPLIED = "applied", _("Applied for")
    ISSUED = "issued", _("Issued")
    REFUSED = "refused", _("Refused")
    REVOKED = "revoked", _("Revoked")


class ConsentRelation(models.TextChoices):
    """Who may give the family's consent (UU 18/2017 art. 13: spouse, parent or guardian)."""

    SPOUSE = "spouse", _("Husband or wife")
    PARENT = "parent", _("Father or mother")
    GUARDIAN = "guardian", _("Guardian")


class RegistrationChannel(models.TextChoices):
    """Who registered a person in the national registry, and so where they met them."""

    COMPANY = "company", _("Placement company, with the candidate's consent")
    REGENCY = "regency", _("Regency office (LTSA/Disnaker counter)")
    VILLAGE = "village", _("Village officer")


# Placements may only be recorded on job orders the mission has verified.
VERIFIED_STATUSES = (JobOrderStatus.VERIFIED, JobOrderStatus.PUBLISHED, JobOrderStatus.CLOSED)


class Sex(models.TextChoices):
    """As the NIK encodes it (core.nik): the values are the NIK helper's."""

    FEMALE = nik.FEMALE, _("Female")
    MALE = nik.MALE, _("Male")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    SD = "sd", _("Primary school (SD)")
    SMP = "smp", _("Junior high school (SMP)")
    SMA = "sma", _("Senior high school (SMA/SMK)")
    DIPLOMA = "diploma", _("Diploma")
    BACHELOR = "bachelor", _("Bachelor or higher")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Single")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SELECTED = "selected", _("Selected")
    REJECTED = "rejected", _("Not selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ProviderKind(models.TextChoices):
    LPK = "lpk", _("Private training centre (LPK)")
    BLK = "blk", _("Public training centre (BLK)")


class TrainingKind(models.TextChoices):
    SKILL = "skill", _("Vocational skill")
    LANGUAGE = "language", _("Language")


class TrainingResult(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    PASSED = "passed", _("Competent")
    FAILED = "failed", _("Not yet competent")
