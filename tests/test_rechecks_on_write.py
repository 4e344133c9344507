"""Every state change leaves one event row, written by the service that made it, and asks the
red-flag engine to re-check what it touched, so a flag opens within the request's commit
without waiting for the nightly scan. Services refuse actors without the capability."""

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.choices import LicenceEventKind, LicenceStatus, SanctionKind
from agencies.models import Agency, LicenceEvent
from agencies.services import agency_expire_licences, agency_reinstate, agency_sanction
from core.errors import DomainError
from core.recheck import RECHECK_TASK
from oversight.models import Flag, ScanRun
from oversight.tasks import recheck_subjects
from placement import services as placement_services
from recruitment import services
from recruitment.choices import JobOrderEventKind, JobOrderStatus
from recruitment.models import JobOrder, JobOrderEvent, Moratorium
from siskop2mi.celery import app
from tests.factories import EmployerFactory, UserFactory
from tests.placement import journey as build

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english"), pytest.mark.usefixtures("english")]

TODAY = timezone.localdate()


@pytest.fixture
def rechecks_on(settings, django_capture_on_commit_callbacks):
    """Re-checks on write, run here (Celery eager) when each write's transaction commits."""
    settings.OVERSIGHT_RECHECK_ON_WRITE = True
    assert app.tasks[RECHECK_TASK].name == recheck_subjects.name  # registered in this process, so eager runs it here

    @contextmanager
    def committed():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    app.conf.task_always_eager = True
    try:
        yield committed
    finally:
        app.conf.task_always_eager = False


def open_flags(rule_code: str, subject_type: str, subject_id: int):
    return Flag.objects.filter(rule_code=rule_code, subject_type=subject_type, subject_id=subject_id)


def a_draft(actor, agency, employer) -> JobOrder:
    """A draft with its demand letter attached, ready to be submitted."""
    draft = build.job_order(company=actor, mission=None, agency=agency, employer=employer, status=JobOrderStatus.DRAFT)
    build.attach_demand_letter(actor, draft.pk)
    return draft


DRAFTED = [
    (JobOrderEventKind.CREATED, "staf.a", "", "draft"),
    (JobOrderEventKind.DOCUMENT_ADDED, "staf.a", "draft", "draft"),
]


# --- Re-checks within the request -----------------------------------------------------------


def test_a_job_order_submitted_under_a_moratorium_is_flagged_at_once(
    rechecks_on, agency_a_staff, licensed_agency, malaysian_factory
):
    draft = a_draft(agency_a_staff, licensed_agency, malaysian_factory)
    # The decree comes after the draft (job_order_create refuses under a moratorium).
    Moratorium.objects.create(country_id="MY", sector="formal", starts_on=TODAY, legal_basis="Kepmen uji 1/2026")
    assert not open_flags("MORATORIUM", "job_order", draft.pk).exists()

    with rechecks_on():
        services.job_order_submit(actor=agency_a_staff, job_order_id=draft.pk)

    flag = open_flags("MORATORIUM", "job_order", draft.pk).get()
    assert flag.evidence["status"] == JobOrderStatus.SUBMITTED
    assert not ScanRun.objects.exists()  # no scan was needed


def test_cancelling_a_job_order_with_placements_on_it_flags_it_unverified_at_once(rechecks_on, agency_a_staff, journey):
    job_order_id = journey.placement.job_order_id
    assert not open_flags("JOB_ORDER_UNVERIFIED", "job_order", job_order_id).exists()

    with rechecks_on():
        services.job_order_cancel(actor=agency_a_staff, job_order_id=job_order_id, reason="Pemberi kerja membatalkan")

    flag = open_flags("JOB_ORDER_UNVERIFIED", "job_order", job_order_id).get()
    assert flag.evidence == {"status": "cancelled", "placements": 1}
    assert not ScanRun.objects.exists()


def test_a_fee_found_on_a_zero_cost_placement_is_flagged_at_once(
    rechecks_on, agency_a_staff, ministry_official, lotim_regency_official, licensed_agency, lombok_worker
):
    family = EmployerFactory(name="Keluarga Tan Ah Kow", sector="informal")
    housekeeping = build.job_order(
        company=agency_a_staff, mission=ministry_official, agency=licensed_agency, employer=family,
        occupation="housekeeper",
    )  # fmt: skip
    trip = build.place(agency_a_staff, build.select(agency_a_staff, lombok_worker, housekeeping))
    assert not open_flags("ZERO_COST_CHARGED", "placement", trip.pk).exists()

    with rechecks_on():
        placement_services.fee_record(
            actor=lotim_regency_official, placement_id=trip.pk, amount_idr=Decimal("3000000"),
            description="Biaya medical diminta sponsor", paid_on=TODAY, source="Temuan pengaduan",
        )  # fmt: skip

    flag = open_flags("ZERO_COST_CHARGED", "placement", trip.pk).get()
    assert Decimal(str(flag.evidence["fees_paid"])) == Decimal("3000000")
    assert not ScanRun.objects.exists()


def test_without_rechecks_on_write_the_flag_waits_for_the_scan(
    settings, agency_a_staff, licensed_agency, malaysian_factory, django_capture_on_commit_callbacks
):
    settings.OVERSIGHT_RECHECK_ON_WRITE = False
    draft = a_draft(agency_a_staff, licensed_agency, malaysian_factory)
    Moratorium.objects.create(country_id="MY", sector="formal", starts_on=TODAY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.job_order_submit(actor=agency_a_staff, job_order_id=draft.pk)
    assert callbacks == []
    assert not open_flags("MORATORIUM", "job_order", draft.pk).exists()


# --- Job order events -------------------------------------------------------------------------


def events_of(job_order) -> list[tuple]:
    return list(
        JobOrderEvent.objects.filter(job_order_id=job_order.pk)
        .order_by("at", "id")
        .values_list("kind", "actor__username", "from_status", "to_status")
    )


def test_each_job_order_transition_writes_one_event_with_actor_and_statuses(
    agency_a_staff, ministry_official, licensed_agency, malaysian_factory
):
    draft = a_draft(agency_a_staff, licensed_agency, malaysian_factory)
    services.job_order_submit(actor=agency_a_staff, job_order_id=draft.pk)
    services.job_order_verify(
        actor=ministry_official, job_order_id=draft.pk, mission_reference="KBRI-KL/JO/1", verified_on=TODAY
    )
    permit = services.permit_apply(
        actor=agency_a_staff,
        job_order_id=draft.pk,
        quota=5,
        valid_from=TODAY,
        valid_until=TODAY + timedelta(days=90),
        regions=["52.03"],
    )
    services.permit_issue(actor=ministry_official, permit_id=permit.pk, number="SIP2MI/RECHECK/1")
    services.job_order_publish(actor=agency_a_staff, job_order_id=draft.pk)
    services.job_order_close(actor=agency_a_staff, job_order_id=draft.pk)

    assert events_of(draft) == [
        *DRAFTED,
        (JobOrderEventKind.SUBMITTED, "staf.a", "draft", "submitted"),
        (JobOrderEventKind.VERIFIED, "kementerian", "submitted", "verified"),
        (JobOrderEventKind.PERMIT_APPLIED, "staf.a", "verified", "verified"),
        (JobOrderEventKind.PERMIT_ISSUED, "kementerian", "verified", "verified"),
        (JobOrderEventKind.PUBLISHED, "staf.a", "verified", "published"),
        (JobOrderEventKind.CLOSED, "staf.a", "published", "closed"),
    ]
    verified = JobOrderEvent.objects.get(job_order=draft, kind=JobOrderEventKind.VERIFIED)
    assert verified.data["mission_reference"] == "KBRI-KL/JO/1"


def test_rejection_and_cancellation_write_their_events_with_the_reason(
    agency_a_staff, ministry_official, licensed_agency, malaysian_factory
):
    rejected = a_draft(agency_a_staff, licensed_agency, malaysian_factory)
    services.job_order_submit(actor=agency_a_staff, job_order_id=rejected.pk)
    services.job_order_reject(actor=ministry_official, job_order_id=rejected.pk, reason=" Majikan fiktif ")
    cancelled = a_draft(agency_a_staff, licensed_agency, malaysian_factory)
    services.job_order_cancel(actor=agency_a_staff, job_order_id=cancelled.pk, reason="Pemberi kerja membatalkan")

    assert events_of(rejected)[-1] == (JobOrderEventKind.REJECTED, "kementerian", "submitted", "rejected")
    assert JobOrderEvent.objects.get(job_order=rejected, kind=JobOrderEventKind.REJECTED).reason == "Majikan fiktif"
    assert events_of(cancelled)[-1] == (JobOrderEventKind.CANCELLED, "staf.a", "draft", "cancelled")


def test_a_permit_issued_is_an_event_of_its_job_order(factory_job_order):
    event = JobOrderEvent.objects.get(job_order=factory_job_order, kind=JobOrderEventKind.PERMIT_ISSUED)
    assert (event.actor.username, event.data["regions"]) == ("kementerian", ["52.03"])
    assert event.data["number"] == f"SIP2MI/{factory_job_order.pk:05d}/2026"


def test_a_refused_transition_writes_no_event(agency_a_staff, ministry_official, licensed_agency, malaysian_factory):
    draft = a_draft(agency_a_staff, licensed_agency, malaysian_factory)
    before = events_of(draft)
    with pytest.raises(DomainError) as refused:
        services.job_order_publish(actor=agency_a_staff, job_order_id=draft.pk)
    assert refused.value.code == "job_order_status"
    with pytest.raises(DomainError) as refused:
        services.job_order_reject(actor=ministry_official, job_order_id=draft.pk, reason="Terlambat")
    assert refused.value.code == "job_order_status"
    assert events_of(draft) == before == DRAFTED
    assert JobOrder.objects.get(pk=draft.pk).status == JobOrderStatus.DRAFT


def test_the_job_order_page_shows_its_timeline(client, agency_a_staff, factory_job_order):
    client.force_login(agency_a_staff)
    html = client.get(reverse("portal:job_order_detail", args=[factory_job_order.pk]))
    html = html.content.decode()
    for title in ("Job order drafted", "Submitted for verification", "Recruitment permit issued", "Published"):
        assert title in html
    assert "Draft → Submitted" in html and f"SIP2MI/{factory_job_order.pk:05d}/2026" in html


# --- Who may act ------------------------------------------------------------------------------


def test_another_company_cannot_move_or_apply_to_a_job_order(
    agency_a_staff, agency_b_staff, licensed_agency, malaysian_factory, factory_job_order, lombok_worker
):
    draft = a_draft(agency_a_staff, licensed_agency, malaysian_factory)
    for attempt in (
        lambda: services.job_order_submit(actor=agency_b_staff, job_order_id=draft.pk),
        lambda: services.job_order_cancel(actor=agency_b_staff, job_order_id=draft.pk, reason="Bukan milik kami"),
        lambda: services.application_create(
            actor=agency_b_staff, worker=lombok_worker, job_order=factory_job_order, applied_on=TODAY
        ),
    ):
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.code == "forbidden"
        assert str(refused.value) == "Only the company's own staff or the ministry may do this for the company."
    assert JobOrder.objects.get(pk=draft.pk).status == JobOrderStatus.DRAFT
    assert events_of(draft) == DRAFTED
    assert not factory_job_order.applications.exists()


def test_a_user_without_a_role_is_refused_everything(
    agency_a_staff, licensed_agency, malaysian_factory, factory_job_order
):
    # The database refuses such a row (user_jurisdiction_matches_role); one that got in anyway gets nothing.
    nobody = UserFactory.build(username="tanpa.peran", role="")
    draft = a_draft(agency_a_staff, licensed_agency, malaysian_factory)
    attempts = {
        "create": lambda: a_draft(nobody, licensed_agency, malaysian_factory),
        "submit": lambda: services.job_order_submit(actor=nobody, job_order_id=draft.pk),
        "verify": lambda: services.job_order_verify(
            actor=nobody, job_order_id=draft.pk, mission_reference="X", verified_on=TODAY
        ),
        "permit": lambda: services.permit_apply(
            actor=nobody,
            job_order_id=factory_job_order.pk,
            quota=1,
            valid_from=TODAY,
            valid_until=TODAY + timedelta(days=30),
            regions=["52.03"],
        ),  # fmt: skip
        "issue": lambda: services.permit_issue(
            actor=nobody, permit_id=factory_job_order.permits.get().pk, number="SIP2MI/X"
        ),  # fmt: skip
    }
    for name, attempt in attempts.items():
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.code == "forbidden", name
    assert JobOrder.objects.filter(agency=licensed_agency).count() == 2


def test_a_company_cannot_verify_its_own_job_order_nor_issue_its_permit(
    agency_a_staff, lotim_regency_official, licensed_agency, malaysian_factory
):
    draft = a_draft(agency_a_staff, licensed_agency, malaysian_factory)
    services.job_order_submit(actor=agency_a_staff, job_order_id=draft.pk)
    with pytest.raises(DomainError) as refused:
        services.job_order_verify(actor=agency_a_staff, job_order_id=draft.pk, mission_reference="X", verified_on=TODAY)
    assert (refused.value.code, str(refused.value)) == (
        "forbidden",
        "Only the mission answering for Malaysia, or the ministry, verifies or rejects this job order.",
    )
    for official in (agency_a_staff, lotim_regency_official):
        with pytest.raises(DomainError) as refused:
            services.permit_issue(actor=official, permit_id=0, number="SIP2MI/X")
        assert (refused.value.code, str(refused.value)) == (
            "forbidden",
            "Only the ministry or a province issues recruitment permits.",
        )
    # The company may apply for a permit only once the mission has verified the job order.
    with pytest.raises(DomainError) as refused:
        services.permit_apply(
            actor=agency_a_staff, job_order_id=draft.pk, quota=1, valid_from=TODAY,
            valid_until=TODAY + timedelta(days=30), regions=["52.03"],
        )  # fmt: skip
    assert refused.value.code == "job_order_unverified"


# --- Licence events ---------------------------------------------------------------------------


def licence_events(agency) -> list[tuple]:
    return list(
        LicenceEvent.objects.filter(agency=agency)
        .order_by("at", "id")
        .values_list("kind", "actor__username", "from_status", "to_status", "reason")
    )


def test_sanctions_and_a_reinstatement_write_licence_events(ministry_official, licensed_agency):
    warning = agency_sanction(
        actor=ministry_official, agency_id=licensed_agency.pk, kind=SanctionKind.WARNING,
        reason="Laporan kedatangan terlambat", starts_on=TODAY,
    )  # fmt: skip
    suspension = agency_sanction(
        actor=ministry_official, agency_id=licensed_agency.pk, kind=SanctionKind.SUSPENSION,
        reason="Menahan paspor pekerja", starts_on=TODAY,
    )  # fmt: skip
    agency_reinstate(actor=ministry_official, agency_id=licensed_agency.pk, reason="Paspor dikembalikan")

    assert licence_events(licensed_agency) == [
        (LicenceEventKind.WARNED, "kementerian", "active", "active", "Laporan kedatangan terlambat"),
        (LicenceEventKind.SUSPENDED, "kementerian", "active", "suspended", "Menahan paspor pekerja"),
        (LicenceEventKind.REINSTATED, "kementerian", "suspended", "active", "Paspor dikembalikan"),
    ]
    sanctions = list(LicenceEvent.objects.filter(agency=licensed_agency).values_list("sanction_id", flat=True))
    assert sanctions == [warning.pk, suspension.pk, None]


def test_a_refused_sanction_writes_no_licence_event(agency_a_staff, licensed_agency):
    with pytest.raises(DomainError):
        agency_sanction(
            actor=agency_a_staff, agency_id=licensed_agency.pk, kind=SanctionKind.REVOCATION, reason="Diri sendiri",
            starts_on=TODAY,
        )  # fmt: skip
    assert licence_events(licensed_agency) == []


def test_each_expired_licence_gets_one_event_and_the_company_page_shows_it(
    client, ministry_official, licensed_agency, agency_b
):
    Agency.objects.filter(pk=licensed_agency.pk).update(licence_expires_on=TODAY - timedelta(days=1))
    assert agency_expire_licences() == 1
    assert agency_expire_licences() == 0  # a rerun writes nothing more
    assert licence_events(licensed_agency) == [(LicenceEventKind.EXPIRED, None, "active", "expired", "")]
    assert licence_events(agency_b) == []

    client.force_login(ministry_official)
    html = client.get(reverse("portal:agency_detail", args=[licensed_agency.pk]))
    assert "Licence expired" in html.content.decode()
    assert Agency.objects.get(pk=licensed_agency.pk).licence_status == LicenceStatus.EXPIRED
