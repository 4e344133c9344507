"""Job orders (stage 0), their SIP2MI permits, and the applications made to them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from agencies.choices import SanctionKind
from agencies.models import FieldRecruiter
from agencies.services import agency_sanction
from placement.choices import Stage
from recruitment import services
from recruitment.choices import JobOrderStatus
from recruitment.models import Application, JobOrder, Occupation, RecruitmentPermit
from tests.factories import EmployerFactory, MoratoriumFactory
from tests.placement import journey as build
from tests.placement.journey import refused, register_worker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def draft(actor, agency, employer, *, occupation="factory_operator", worker_costs=Decimal(0), **fields):
    today = timezone.localdate()
    return services.job_order_create(
        actor=actor,
        agency=agency,
        employer=employer,
        occupation=Occupation.objects.get(code=occupation),
        quota=fields.pop("quota", 20),
        salary=Decimal("1800.00"),
        currency="myr",
        contract_months=24,
        valid_from=fields.pop("valid_from", today),
        valid_until=today + timedelta(days=180),
        worker_costs=worker_costs,
        **fields,
    )


def test_a_job_order_starts_as_a_draft_in_the_employer_country_and_sector(
    agency_a_staff, licensed_agency, malaysian_factory
):
    job_order = draft(agency_a_staff, licensed_agency, malaysian_factory, reference="DL/PE/2026/014")

    job_order = JobOrder.objects.get(pk=job_order.pk)
    assert (job_order.status, job_order.country_id, job_order.sector, job_order.currency) == (
        JobOrderStatus.DRAFT,
        "MY",
        "formal",
        "MYR",
    )
    assert not job_order.is_verified


# --- Zero-cost occupations and moratorium -------------------------------------------------


@pytest.fixture
def family_in_malaysia(db):
    return EmployerFactory(name="Keluarga Lim Boon Hock", sector="informal")


def test_a_zero_cost_occupation_cannot_charge_the_worker(agency_a_staff, licensed_agency, family_in_malaysia):
    error = refused(
        draft,
        agency_a_staff,
        licensed_agency,
        family_in_malaysia,
        occupation="housekeeper",
        worker_costs=Decimal("12000000"),
    )

    assert error.code == "zero_cost_occupation"
    assert str(error) == "Penata laksana rumah tangga is a zero-cost occupation: the worker may not bear any cost."
    assert error.fields == {"worker_costs": ["Must be 0 for a zero-cost occupation."]}
    assert not JobOrder.objects.exists()


@pytest.mark.parametrize("occupation", ["housekeeper", "baby_sitter", "elderly_carer", "fishing_crew"])
def test_zero_cost_occupations_are_accepted_at_zero(agency_a_staff, licensed_agency, family_in_malaysia, occupation):
    job_order = draft(agency_a_staff, licensed_agency, family_in_malaysia, occupation=occupation)
    assert job_order.worker_costs == 0 and job_order.occupation.zero_cost


def test_other_occupations_may_state_worker_costs(agency_a_staff, licensed_agency, malaysian_factory):
    job_order = draft(agency_a_staff, licensed_agency, malaysian_factory, worker_costs=Decimal("4500000"))
    assert job_order.worker_costs == Decimal("4500000")


@pytest.mark.parametrize(
    ("country", "name"),
    [("SA", "Arab Saudi"), ("AE", "Uni Emirat Arab"), ("KW", "Kuwait"), ("JO", "Yordania")],
)
def test_domestic_work_for_families_in_the_middle_east_is_under_moratorium(
    agency_a_staff, licensed_agency, country, name
):
    household = EmployerFactory(name=f"Household in {country}", country_id=country, sector="informal")

    error = refused(draft, agency_a_staff, licensed_agency, household, occupation="housekeeper")

    assert error.code == "moratorium"
    assert str(error) == f"{name} is under a moratorium for the informal (individual employer) sector."
    assert not JobOrder.objects.exists()


def test_company_employers_in_the_middle_east_are_not_under_the_moratorium(agency_a_staff, licensed_agency):
    hotel = EmployerFactory(name="Riyadh Grand Hotel", country_id="SA", sector="formal")
    job_order = draft(agency_a_staff, licensed_agency, hotel, occupation="hotel_staff")
    assert job_order.status == JobOrderStatus.DRAFT


def test_a_lifted_moratorium_no_longer_refuses(agency_a_staff, licensed_agency, family_in_malaysia):
    today = timezone.localdate()
    MoratoriumFactory(
        country_id="MY", sector="informal", starts_on=today - timedelta(days=400), ends_on=today - timedelta(days=1)
    )
    assert draft(agency_a_staff, licensed_agency, family_in_malaysia, occupation="cook").pk


# --- The company and the employer ---------------------------------------------------------


@pytest.mark.parametrize(
    ("sanction", "status"), [(SanctionKind.SUSPENSION, "suspended"), (SanctionKind.REVOCATION, "revoked")]
)
def test_a_company_without_an_active_licence_opens_no_job_order(
    agency_a_staff, ministry_official, licensed_agency, malaysian_factory, sanction, status
):
    agency_sanction(
        actor=ministry_official,
        agency_id=licensed_agency.pk,
        kind=sanction,
        reason="Pelanggaran",
        starts_on=timezone.localdate(),
    )
    licensed_agency.refresh_from_db()

    error = refused(draft, agency_a_staff, licensed_agency, malaysian_factory)

    assert (error.code, str(error)) == ("licence_inactive", f"The company's licence is {status}.")
    assert not JobOrder.objects.exists()


def test_a_blacklisted_employer_gets_no_job_order(agency_a_staff, licensed_agency):
    blacklisted = EmployerFactory(name="Sdn Bhd Bermasalah", blacklisted=True)
    error = refused(draft, agency_a_staff, licensed_agency, blacklisted)
    assert (error.code, str(error)) == ("employer_blacklisted", "The employer is blacklisted.")
    assert not JobOrder.objects.exists()


# --- From draft to published --------------------------------------------------------------


@pytest.fixture
def submitted(agency_a_staff, licensed_agency, malaysian_factory):
    job_order = draft(agency_a_staff, licensed_agency, malaysian_factory)
    build.attach_demand_letter(agency_a_staff, job_order.pk)
    return services.job_order_submit(actor=agency_a_staff, job_order_id=job_order.pk)


def test_the_mission_verifies_and_the_company_publishes(agency_a_staff, ministry_official, submitted):
    verified = services.job_order_verify(
        actor=ministry_official,
        job_order_id=submitted.pk,
        mission_reference=" KBRI-KL/2026/77 ",
        verified_on=timezone.localdate(),
    )
    assert (verified.status, verified.mission_reference) == (JobOrderStatus.VERIFIED, "KBRI-KL/2026/77")
    # Published only under a recruitment permit the company applied for and the ministry issued.
    applied = permit(agency_a_staff, submitted)
    assert refused(services.job_order_publish, actor=agency_a_staff, job_order_id=submitted.pk).code == "permit_missing"
    services.permit_issue(actor=ministry_official, permit_id=applied.pk, number="SIP2MI/LOTIM/001")

    published = services.job_order_publish(actor=agency_a_staff, job_order_id=submitted.pk)
    assert JobOrder.objects.get(pk=published.pk).status == JobOrderStatus.PUBLISHED


def test_verification_needs_the_mission_reference(ministry_official, submitted):
    error = refused(
        services.job_order_verify,
        actor=ministry_official,
        job_order_id=submitted.pk,
        mission_reference="  ",
        verified_on=timezone.localdate(),
    )
    assert (error.code, str(error)) == (
        "mission_reference_missing",
        "The mission's verification reference is required.",
    )
    assert JobOrder.objects.get(pk=submitted.pk).status == JobOrderStatus.SUBMITTED


def test_a_draft_cannot_be_published_or_verified(agency_a_staff, ministry_official, licensed_agency, malaysian_factory):
    job_order = draft(agency_a_staff, licensed_agency, malaysian_factory)

    error = refused(services.job_order_publish, actor=agency_a_staff, job_order_id=job_order.pk)
    assert (error.code, str(error)) == (
        "job_order_status",
        "The job order is “Draft”; this action is not possible now.",
    )
    error = refused(
        services.job_order_verify,
        actor=ministry_official,
        job_order_id=job_order.pk,
        mission_reference="KBRI/1",
        verified_on=timezone.localdate(),
    )
    assert error.code == "job_order_status"
    assert JobOrder.objects.get(pk=job_order.pk).status == JobOrderStatus.DRAFT


def test_a_rejected_job_order_needs_a_reason_and_goes_no_further(agency_a_staff, ministry_official, submitted):
    error = refused(services.job_order_reject, actor=ministry_official, job_order_id=submitted.pk, reason=" ")
    assert (error.code, str(error)) == ("reason_required", "A reason is required.")

    services.job_order_reject(
        actor=ministry_official, job_order_id=submitted.pk, reason="Majikan tidak ditemukan di alamat"
    )
    job_order = JobOrder.objects.get(pk=submitted.pk)
    assert (job_order.status, job_order.rejection_reason) == (
        JobOrderStatus.REJECTED,
        "Majikan tidak ditemukan di alamat",
    )
    assert refused(services.job_order_publish, actor=agency_a_staff, job_order_id=submitted.pk).code == (
        "job_order_status"
    )


def test_a_suspended_company_cannot_publish(agency_a_staff, ministry_official, licensed_agency, submitted):
    services.job_order_verify(
        actor=ministry_official, job_order_id=submitted.pk, mission_reference="KBRI/9", verified_on=timezone.localdate()
    )
    agency_sanction(
        actor=ministry_official,
        agency_id=licensed_agency.pk,
        kind=SanctionKind.SUSPENSION,
        reason="Audit",
        starts_on=timezone.localdate(),
    )
    error = refused(services.job_order_publish, actor=agency_a_staff, job_order_id=submitted.pk)
    assert (error.code, str(error)) == ("licence_inactive", "The company's licence is suspended.")
    assert JobOrder.objects.get(pk=submitted.pk).status == JobOrderStatus.VERIFIED


# --- Permits (SIP2MI) ---------------------------------------------------------------------


def permit(actor, job_order, *, quota=5, regions=("52.03",)):
    """The company's application for a permit on `job_order`, valid from today for 180 days."""
    today = timezone.localdate()
    return services.permit_apply(
        actor=actor,
        job_order_id=job_order.pk,
        quota=quota,
        valid_from=today,
        valid_until=today + timedelta(days=180),
        regions=list(regions),
    )


def test_a_permit_names_its_regions_and_quota(agency_a_staff, ministry_official, factory_job_order):
    applied = permit(agency_a_staff, factory_job_order, quota=4, regions=("52.03", "52.01"))
    issued = services.permit_issue(actor=ministry_official, permit_id=applied.pk, number=" SIP2MI/9 ")
    assert (issued.number, issued.status, issued.decided_by) == ("SIP2MI/9", "issued", ministry_official)
    assert set(issued.regions.values_list("code", flat=True)) == {"52.03", "52.01"}


def test_no_permit_for_a_job_order_the_mission_has_not_verified(agency_a_staff, submitted):
    error = refused(permit, agency_a_staff, submitted)
    assert (error.code, str(error)) == (
        "job_order_unverified",
        "A permit can only be applied for on a job order verified by the mission.",
    )
    assert not RecruitmentPermit.objects.exists()


def test_a_permit_needs_a_region_and_a_quota_within_the_job_order(agency_a_staff, factory_job_order):
    before = RecruitmentPermit.objects.count()
    error = refused(permit, agency_a_staff, factory_job_order, regions=())
    assert (error.code, str(error)) == ("regions_missing", "Name at least one recruitment region.")
    error = refused(permit, agency_a_staff, factory_job_order, quota=factory_job_order.quota + 1)
    assert (error.code, str(error)) == ("permit_quota", "The permit's quota cannot exceed the job order's positions.")
    assert RecruitmentPermit.objects.count() == before


# --- Applications -------------------------------------------------------------------------


def apply(actor, worker, job_order, recruiter=None):
    return services.application_create(
        actor=actor, worker=worker, job_order=job_order, applied_on=timezone.localdate(), recruiter=recruiter
    )


def test_applications_are_taken_only_for_published_job_orders(agency_a_staff, lombok_worker, submitted):
    error = refused(apply, agency_a_staff, lombok_worker, submitted)
    assert (error.code, str(error)) == (
        "job_order_not_published",
        "Applications are taken only for published job orders.",
    )
    assert not Application.objects.exists()


def test_a_worker_applies_once_per_job_order(agency_a_staff, lombok_worker, factory_job_order):
    apply(agency_a_staff, lombok_worker, factory_job_order)
    error = refused(apply, agency_a_staff, lombok_worker, factory_job_order)
    assert (error.code, str(error)) == ("application_exists", "The worker has already applied to this job order.")
    assert Application.objects.count() == 1


def test_a_recruiter_of_another_company_cannot_bring_applicants(
    agency_a_staff, agency_b, lombok_worker, factory_job_order
):
    theirs = FieldRecruiter.objects.create(agency=agency_b, full_name="Pak Sponsor B")
    error = refused(apply, agency_a_staff, lombok_worker, factory_job_order, recruiter=theirs)
    assert (error.code, str(error)) == ("recruiter_other_company", "The recruiter is registered to another company.")
    assert not Application.objects.exists()


def test_an_application_is_decided_once(agency_a_staff, lombok_worker, factory_job_order):
    application = build.select(agency_a_staff, lombok_worker, factory_job_order, selected=False)
    assert (application.status, application.decided_on) == ("rejected", timezone.localdate())
    error = refused(services.application_decide, actor=agency_a_staff, application_id=application.pk, selected=True)
    assert (error.code, str(error)) == ("application_decided", "This application has already been decided.")
    assert Application.objects.get(pk=application.pk).status == "rejected"


def test_a_worker_outside_the_permit_regions_may_apply_but_is_not_selected_into_a_placement(
    agency_a_staff, licensed_agency, factory_job_order
):
    kupang = register_worker(
        actor=agency_a_staff, agency=licensed_agency, serial=8, village="53.01.04.2003", district="530104"
    )
    trip = build.place(agency_a_staff, build.select(agency_a_staff, kupang, factory_job_order))
    error = refused(trip.advance, Stage.SELECTED)
    assert "a valid recruitment permit (SIP2MI) covering the worker's regency" in error.missing
