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


# The stage sets, defined once: services, pages and the red-flag SQL (through
# STAGE_PARAMETERS below) all read them from here.
# A worker may be in only one of these at a time.
ACTIVE_STAGES = [s for s in Stage if s not in (Stage.RETURNED, Stage.CANCELLED)]
# advance() walks these one step at a time; departure, arrival, return and
# cancellation have their own services because they carry their own facts.
ADVANCEABLE_STAGES = [Stage.SELECTED, Stage.MEDICAL, Stage.TRAINING, Stage.AGREEMENT, Stage.DOCUMENTS,
                      Stage.CONTRACT, Stage.ORIENTATION, Stage.READY]  # fmt: skip
# Still in Indonesia, in the procedure (registered up to ready to leave).
PRE_DEPARTURE_STAGES = [s for s in Stage if Stage.REGISTERED <= s <= Stage.READY]
# The worker has left: departed, working abroad or back home.
DEPARTED_STAGES = [Stage.DEPARTED, Stage.WORKING, Stage.RETURNED]
# Selected or later, not cancelled: the placements that take a place of a job order's quota.
SELECTED_OR_LATER_STAGES = [s for s in Stage if Stage.SELECTED <= s <= Stage.RETURNED]
# Moving through the procedure up to the day of departure: what a company without an active licence must not have.
MOVING_STAGES = [*PRE_DEPARTURE_STAGES, Stage.DEPARTED]


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


# Identity documents: their scan shows the number in full, so only who may see a full passport
# number (core.personal_data.may_see_full_nik) may download it, and the download is audited.
IDENTITY_DOCUMENTS = frozenset({DocumentKind.PASSPORT})

# The documents each stage requires (valid on the day the stage is reached); the
# language certificate joins the training stage where the destination requires a language test.
STAGE_DOCUMENTS = {
    Stage.MEDICAL: [DocumentKind.HEALTH_CERTIFICATE],
    Stage.TRAINING: [DocumentKind.COMPETENCY_CERTIFICATE],
    Stage.AGREEMENT: [DocumentKind.PLACEMENT_AGREEMENT],
    Stage.DOCUMENTS: [DocumentKind.PASSPORT, DocumentKind.WORK_VISA, DocumentKind.BPJS],
    Stage.CONTRACT: [DocumentKind.EMPLOYMENT_CONTRACT],
    Stage.ORIENTATION: [DocumentKind.OPP_CERTIFICATE],
    Stage.READY: [DocumentKind.EPMI],
}
LANGUAGE_TEST_DOCUMENTS = [DocumentKind.LANGUAGE_CERTIFICATE]


def stage_documents(stage: int, *, language_test: bool = False) -> list[DocumentKind]:
    """The documents ``stage`` requires; ``language_test``: the destination requires one."""
    kinds = list(STAGE_DOCUMENTS.get(stage, []))
    if language_test and stage == Stage.TRAINING:
        kinds += LANGUAGE_TEST_DOCUMENTS
    return kinds


def departure_document_kinds(*, language_test: bool = False) -> list[DocumentKind]:
    """Every document of every stage: all must be valid on the day of departure (stages 9 and 10)."""
    return [kind for stage in STAGE_DOCUMENTS for kind in stage_documents(stage, language_test=language_test)]


# Without a language test; the red-flag rule adds LANGUAGE_TEST_DOCUMENTS where one is required.
DEPARTURE_DOCUMENTS = departure_document_kinds()

# The stage facts as SQL parameters (plain values, for psycopg2): the red-flag engine
# passes them to every rule, which writes ``p.stage = %(stage_departed)s`` or
# ``p.stage = ANY(%(departed_stages)s)`` instead of a number.
STAGE_PARAMETERS = {
    **{f"stage_{stage.name.lower()}": int(stage) for stage in Stage},
    "active_stages": [int(s) for s in ACTIVE_STAGES],
    "pre_departure_stages": [int(s) for s in PRE_DEPARTURE_STAGES],
    "departed_stages": [int(s) for s in DEPARTED_STAGES],
    "selected_or_later_stages": [int(s) for s in SELECTED_OR_LATER_STAGES],
    "moving_stages": [int(s) for s in MOVING_STAGES],
}
# The document facts as SQL parameters, in the same way: ``d.kind = %(document_work_visa)s``.
DOCUMENT_PARAMETERS = {
    **{f"document_{kind.name.lower()}": str(kind.value) for kind in DocumentKind},
    "language_test_documents": [str(kind.value) for kind in LANGUAGE_TEST_DOCUMENTS],
}


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
    ARRIVAL_CONFIRMED = "arrival_confirmed", _("Arrival report confirmed by the mission")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")
