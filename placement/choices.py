from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.IntegerChoices):
    """DOMAIN.md's lifecycle. Stage 0 (job order verified) belongs to the job order."""

    REGISTERED = 1, _("Registered")
    SELECTED = 2, _("Selected")
    MEDICAL = 3, _("Medical and psychological check")
    TRAINING = 4, _("Training and competency")
    AGREEMENT = 5, _("Placement agreement")
    DOCUMENTS = 6, _("Documents")
    CONTRACT = 7, _("Employment contract")
    ORIENTATION = 8, _("Pre-departure orientation (OPP)")
    READY = 9, _("Ready (E-PMI issued)")
    DEPARTED = 10, _("Departed")
    WORKING = 11, _("Working abroad")
    RETURNED = 12, _("Returned")
    CANCELLED = 99, _("Cancelled")


# A worker may be in only one of these at a time.
ACTIVE_STAGES = [s for s in Stage if s not in (Stage.RETURNED, Stage.CANCELLED)]
# advance() walks these one step at a time; departure, arrival, return and
# cancellation have their own services because they carry their own facts.
ADVANCEABLE_STAGES = [Stage.SELECTED, Stage.MEDICAL, Stage.TRAINING, Stage.AGREEMENT, Stage.DOCUMENTS,
                      Stage.CONTRACT, Stage.ORIENTATION, Stage.READY]  # fmt: skip


class DocumentKind(models.TextChoices):
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    FAMILY_CONSENT = "family_consent", _("Family consent letter")
    HEALTH_CERTIFICATE = "health_certificate", _("Health and psychological certificate (fit)")
    COMPETENCY_CERTIFICATE = "competency_certificate", _("Competency certificate")
    LANGUAGE_CERTIFICATE = "language_certificate", _("Language test certificate")
    PLACEMENT_AGREEMENT = "placement_agreement", _("Placement agreement")
    PASSPORT = "passport", _("Passport")
    WORK_VISA = "work_visa", _("Work visa")
    VISIT_VISA = "visit_visa", _("Visit, tourist or pilgrimage visa")
    BPJS = "bpjs", _("BPJS Ketenagakerjaan membership")
    EMPLOYMENT_CONTRACT = "employment_contract", _("Employment contract")
    OPP_CERTIFICATE = "opp_certificate", _("Pre-departure orientation certificate")
    EPMI = "e_pmi", _("E-PMI card")


class ReturnReason(models.TextChoices):
    CONTRACT_COMPLETED = "contract_completed", _("Contract completed")
    EARLY_TERMINATION = "early_termination", _("Early termination")
    DEPORTATION = "deportation", _("Deportation")
    ILLNESS = "illness", _("Illness")
    DEATH = "death", _("Death (repatriation of remains)")


class EmbarkationKind(models.TextChoices):
    AIRPORT = "airport", _("Airport")
    SEAPORT = "seaport", _("Seaport")
    LAND = "land", _("Land crossing")


class EventKind(models.TextChoices):
    CREATED = "created", _("Placement registered")
    ADVANCED = "advanced", _("Stage reached")
    DOCUMENT_ADDED = "document_added", _("Document added")
    DOCUMENT_VERIFIED = "document_verified", _("Document verified")
    FACTS_RECORDED = "facts_recorded", _("Agreement or contract recorded")
    FEE_RECORDED = "fee_recorded", _("Fee recorded")
    DEPARTED = "departed", _("Departed")
    ARRIVED = "arrived", _("Arrived and reported")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")
