"""Who sees which placement, and what two simultaneous writers get."""

import threading
from datetime import date

import pytest
from django.db import connection

from placement import services
from placement.choices import DocumentKind, Stage
from placement.models import Document, Placement, PlacementEvent
from recruitment import services as recruitment_services
from recruitment.models import Application, Worker
from siskop2mi.errors import DomainError
from tests.placement.lifecycle import (
    add_document,
    apply_and_select,
    make_agency,
    make_job_order,
    nik_for,
    register_worker,
)
from villages.models import Village


@pytest.fixture
def two_companies(ministry_official, agency_a, agency_b):
    """A placement of agency A (worker in Lombok Timur) and one of agency B (worker in Kupang, NTT)."""
    for agency in (agency_a, agency_b):
        agency.licence_status = "active"
        agency.save()
    placements = {}
    for agency, village, serial in ((agency_a, "52.03.01.2001", 1), (agency_b, "53.01.04.2003", 2)):
        job_order = make_job_order(ministry_official, agency)
        worker = register_worker(ministry_official, agency, serial=serial, village=village)
        placement = services.placement_create(
            actor=ministry_official, application=apply_and_select(ministry_official, worker, job_order)
        )
        add_document(ministry_official, placement, DocumentKind.PASSPORT)
        placements[agency.name] = placement
    return placements["PT Agensi A"], placements["PT Agensi B"]


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Worker, Placement, Document, PlacementEvent, Application])
def test_agency_a_never_sees_agency_b_records(two_companies, agency_a_staff, agency_b_staff, model):
    mine, theirs = two_companies
    visible_to_a = model.objects.visible_to(agency_a_staff)
    visible_to_b = model.objects.visible_to(agency_b_staff)
    assert visible_to_a.exists() and visible_to_b.exists()
    assert not (set(visible_to_a.values_list("pk", flat=True)) & set(visible_to_b.values_list("pk", flat=True)))
    assert list(Placement.objects.visible_to(agency_a_staff)) == [mine]


@pytest.mark.django_db
def test_officials_see_the_placements_of_their_area(
    two_companies,
    lotim_regency_official,
    ntt_regency_official,
    ntb_province_official,
    village_officer,
    ministry_official,
):
    lotim, kupang = two_companies
    assert list(Placement.objects.visible_to(lotim_regency_official)) == [lotim]
    assert list(Placement.objects.visible_to(ntb_province_official)) == [lotim]
    assert list(Placement.objects.visible_to(ntt_regency_official)) == [kupang]
    assert list(Worker.objects.visible_to(village_officer)) == [lotim.worker]
    assert set(Placement.objects.visible_to(ministry_official)) == {lotim, kupang}
    assert not Document.objects.visible_to(ntt_regency_official).filter(placement=lotim).exists()


def _run_together(*calls):
    """Start the calls at the same instant in threads; return their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # collected and asserted by the test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_advances_give_exactly_one_success(reference_data, ministry_official):
    agency = make_agency()
    job_order = make_job_order(ministry_official, agency)
    worker = register_worker(ministry_official, agency)
    placement = services.placement_create(
        actor=ministry_official, application=apply_and_select(ministry_official, worker, job_order)
    )

    def advance():
        return services.placement_advance(actor=ministry_official, placement_id=placement.pk, to_stage=Stage.SELECTED)

    outcomes = _run_together(advance, advance)

    successes = [o for o in outcomes if isinstance(o, Placement)]
    failures = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(successes) == 1 and len(failures) == 1, outcomes
    assert failures[0].code == "stage_out_of_order"
    assert PlacementEvent.objects.filter(placement=placement, to_stage=Stage.SELECTED).count() == 1
    assert Placement.objects.get(pk=placement.pk).stage == Stage.SELECTED


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_registrations_cannot_overfill_a_quota_of_one(reference_data, ministry_official):
    agency = make_agency()
    job_order = make_job_order(ministry_official, agency, quota=1)
    applications = [
        apply_and_select(
            ministry_official, register_worker(ministry_official, agency, serial=s, full_name=f"W{s}"), job_order
        )
        for s in (1, 2)
    ]
    outcomes = _run_together(
        *[lambda a=a: services.placement_create(actor=ministry_official, application=a) for a in applications]
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["DomainError", "Placement"], outcomes
    assert Placement.objects.filter(job_order=job_order).count() == 1
    assert PlacementEvent.objects.filter(placement__job_order=job_order).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_refused_write_leaves_no_row_behind(reference_data, ministry_official):
    agency = make_agency()
    job_order = make_job_order(ministry_official, agency)
    with pytest.raises(DomainError) as mismatch:
        recruitment_services.worker_register(
            actor=ministry_official, nik=nik_for(date(1998, 4, 12), "F", 1), full_name="Baiq Rohani", sex="F",
            birth_date=date(1998, 4, 13), birth_place="Selong", village=Village.objects.get(code="52.03.01.2001"),
            education="sma", marital_status="single", next_of_kin_name="Lalu Hamid", agency=agency,
        )  # fmt: skip
    assert mismatch.value.code == "nik_mismatch" and "birth_date" in mismatch.value.fields
    assert not Worker.objects.exists()
    worker = register_worker(ministry_official, agency, serial=1)
    placement = services.placement_create(
        actor=ministry_official, application=apply_and_select(ministry_official, worker, job_order)
    )
    with pytest.raises(DomainError):
        services.document_add(
            actor=ministry_official, placement_id=placement.pk, kind=DocumentKind.PASSPORT, number="C7654321",
            issued_on=date(2026, 1, 1), expires_on=date(2025, 1, 1), issuer="Imigrasi",
        )  # fmt: skip
    assert not Document.objects.exists()
    assert PlacementEvent.objects.filter(placement=placement).count() == 1
    assert Placement.objects.get(pk=placement.pk).version == 1
