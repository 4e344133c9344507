from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from agencies.models import Employer
from recruitment import services
from recruitment.choices import JobOrderStatus
from recruitment.models import JobOrder, Occupation, Worker, mask_number
from siskop2mi.errors import DomainError
from tests.placement.lifecycle import TODAY, make_agency, make_job_order, nik_for, register_worker
from villages.models import Village

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def register(actor, **overrides):
    fields = {
        "actor": actor,
        "nik": nik_for(date(1999, 7, 3), "M", 9),
        "full_name": "Lalu Muhammad Iqbal",
        "sex": "M",
        "birth_date": date(1999, 7, 3),
        "birth_place": "Selong",
        "village": Village.objects.get(code="52.03.01.2001"),
        "education": "sma",
        "marital_status": "single",
        "next_of_kin_name": "Inaq Saenah",
    }
    return services.worker_register(**{**fields, **overrides})


def test_a_worker_is_registered_with_a_valid_nik(ministry_official):
    worker = register(ministry_official)
    assert worker.nik == "5203010307990009"
    assert worker.masked_nik == "************0009"


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"nik": "12345"}, "nik_format", "nik"),
        ({"nik": "5299010307990009"}, "nik_district_unknown", "nik"),
        ({"nik": "5203013102990009"}, "nik_birth_date_invalid", "nik"),
        ({"birth_date": date(1999, 7, 4)}, "nik_mismatch", "birth_date"),
        ({"sex": "F"}, "nik_mismatch", "sex"),
    ],
)
def test_a_bad_nik_is_refused_with_its_reason_and_nothing_is_written(ministry_official, overrides, code, field):
    with pytest.raises(DomainError) as refused:
        register(ministry_official, **overrides)
    assert refused.value.code == code
    assert field in refused.value.fields
    assert not Worker.objects.exists()


def test_a_nik_registers_only_once(ministry_official):
    register(ministry_official)
    with pytest.raises(DomainError) as refused:
        register(ministry_official, full_name="Orang Lain")
    assert refused.value.code == "nik_taken"
    assert Worker.objects.count() == 1


def test_personal_numbers_are_masked():
    assert mask_number("5203010307990009") == "************0009"
    assert mask_number("") == ""


def test_job_order_walks_draft_submitted_verified_published(ministry_official):
    job_order = make_job_order(ministry_official, make_agency())
    assert job_order.status == JobOrderStatus.PUBLISHED
    assert job_order.mission_reference == "KBRI-KL/2026/001"
    assert job_order.permits.get().regions.get().code == "52.03"


def _draft(actor, agency, occupation="factory_operator", country="MY", sector="formal", **fields):
    employer = Employer.objects.create(name="Employer", country_id=country, sector=sector)
    return services.job_order_create(
        actor=actor, agency=agency, employer=employer, occupation=Occupation.objects.get(code=occupation), quota=3,
        salary=Decimal(1800), currency="myr", contract_months=24, valid_from=TODAY,
        valid_until=TODAY + timedelta(days=90), **fields,
    )  # fmt: skip


def test_zero_cost_occupation_job_orders_may_not_charge_the_worker(ministry_official):
    with pytest.raises(DomainError) as refused:
        _draft(ministry_official, make_agency(), "housekeeper", "HK", "informal", worker_costs=Decimal(5_000_000))
    assert refused.value.code == "zero_cost_occupation"
    assert "worker_costs" in refused.value.fields
    assert not JobOrder.objects.exists()


def test_job_orders_under_a_moratorium_are_refused(ministry_official):
    with pytest.raises(DomainError) as refused:
        _draft(ministry_official, make_agency(), "housekeeper", "SA", "informal")
    assert refused.value.code == "moratorium"
    assert "Arab Saudi is under a moratorium for the informal" in str(refused.value)


def test_a_company_without_an_active_licence_cannot_open_job_orders(ministry_official):
    with pytest.raises(DomainError) as refused:
        _draft(ministry_official, make_agency(licence_status="expired"))
    assert refused.value.code == "licence_inactive"
    assert "expired" in str(refused.value)


def test_verification_needs_the_mission_reference_and_the_right_status(ministry_official):
    job_order = _draft(ministry_official, make_agency())
    assert job_order.currency == "MYR"
    with pytest.raises(DomainError) as refused:
        services.job_order_verify(
            actor=ministry_official, job_order_id=job_order.pk, mission_reference="KBRI/1", verified_on=TODAY
        )
    assert refused.value.code == "job_order_status"  # still a draft
    services.job_order_submit(actor=ministry_official, job_order_id=job_order.pk)
    with pytest.raises(DomainError) as refused:
        services.job_order_verify(
            actor=ministry_official, job_order_id=job_order.pk, mission_reference=" ", verified_on=TODAY
        )
    assert refused.value.code == "mission_reference_missing"
    rejected = services.job_order_reject(actor=ministry_official, job_order_id=job_order.pk, reason="Gaji tidak wajar")
    assert rejected.status == JobOrderStatus.REJECTED


def test_applications_only_to_published_job_orders_and_once(ministry_official):
    agency = make_agency()
    draft = _draft(ministry_official, agency)
    worker = register_worker(ministry_official, agency)
    with pytest.raises(DomainError) as refused:
        services.application_create(actor=ministry_official, worker=worker, job_order=draft, applied_on=TODAY)
    assert refused.value.code == "job_order_not_published"
    published = make_job_order(ministry_official, agency, occupation="welder")
    services.application_create(actor=ministry_official, worker=worker, job_order=published, applied_on=TODAY)
    with pytest.raises(DomainError) as refused:
        services.application_create(actor=ministry_official, worker=worker, job_order=published, applied_on=TODAY)
    assert refused.value.code == "application_exists"
