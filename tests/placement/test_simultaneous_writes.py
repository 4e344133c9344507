"""Two officers pressing the same button at the same moment, on real PostgreSQL.

Each call runs in its own thread with its own database connection and transaction. The
services' checks are slowed down while they hold their row lock, so the second caller
always arrives while the first is still deciding: without `select_for_update` both would
pass the check and both would write.
"""

import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation

import placement.services
from core.errors import DomainError
from placement.choices import DocumentKind, EventKind, Stage
from placement.models import Document, Placement, PlacementEvent
from tests.factories import EmployerFactory
from tests.placement import journey as build

pytestmark = pytest.mark.django_db(transaction=True)

HOLD = 0.3  # seconds a service keeps its lock while checking


@pytest.fixture(autouse=True)
def areas_and_reference_data():
    """A transactional test's flush empties every table, areas included: load them again."""
    call_command("import_areas", verbosity=0)
    call_command("load_reference_data", verbosity=0)


@pytest.fixture
def slow_checks(monkeypatch):
    """Make the services dwell on their checks while holding the lock."""

    def slowly(check):
        def wrapper(*args, **kwargs):
            time.sleep(HOLD)
            return check(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(placement.services, "missing_for", slowly(placement.services.missing_for))
    monkeypatch.setattr(placement.services, "job_order_problems", slowly(placement.services.job_order_problems))


def together(*calls):
    """Start the calls at the same instant, one thread each; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):  # the active language is per thread
                outcomes[index] = call()
        except Exception as error:  # kept for the test to assert on
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a writer is stuck (deadlock?)"
    return outcomes


def split(outcomes):
    successes = [outcome for outcome in outcomes if not isinstance(outcome, Exception)]
    errors = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert all(isinstance(error, DomainError) for error in errors), errors
    return successes, errors


@pytest.mark.usefixtures("slow_checks")
def test_two_simultaneous_advances_move_the_placement_once(journey, agency_a_staff, lotim_regency_official):
    def advance_as(user):
        return lambda: placement.services.placement_advance(
            actor=user, placement_id=journey.pk, to_stage=Stage.SELECTED
        )

    users = [agency_a_staff, lotim_regency_official]
    outcomes = together(*(advance_as(user) for user in users))
    successes, errors = split(outcomes)

    assert len(successes) == 1 and len(errors) == 1
    assert errors[0].code == "stage_out_of_order"
    assert str(errors[0]) == "The placement is at stage “Selected”; only the next stage can be reached."
    winner = users[0] if outcomes[0] in successes else users[1]
    advanced = PlacementEvent.objects.filter(placement_id=journey.pk, kind=EventKind.ADVANCED)
    assert [(event.from_stage, event.to_stage, event.actor) for event in advanced] == [
        (Stage.REGISTERED, Stage.SELECTED, winner)
    ]
    placement_now = Placement.objects.get(pk=journey.pk)
    assert (placement_now.stage, placement_now.version) == (Stage.SELECTED, 2)


@pytest.mark.usefixtures("slow_checks")
def test_two_simultaneous_registrations_cannot_overfill_a_quota_of_one(
    agency_a_staff, ministry_official, licensed_agency, malaysian_factory
):
    job_order = build.job_order(
        company=agency_a_staff, mission=ministry_official, agency=licensed_agency, employer=malaysian_factory, quota=1
    )
    applications = [
        build.select(
            agency_a_staff,
            build.register_worker(actor=agency_a_staff, agency=licensed_agency, serial=serial, full_name=name),
            job_order,
        )
        for serial, name in ((1, "Baiq Rohani"), (2, "Ni Luh Sari"))
    ]

    successes, errors = split(
        together(
            *(
                lambda application=application: placement.services.placement_create(
                    actor=agency_a_staff, application=application
                )
                for application in applications
            )
        )
    )

    assert len(successes) == 1 and len(errors) == 1
    assert errors[0].code == "quota_full"
    assert Placement.objects.filter(job_order=job_order).count() == 1
    assert PlacementEvent.objects.filter(placement__job_order=job_order, kind=EventKind.CREATED).count() == 1


@pytest.mark.usefixtures("slow_checks")
def test_one_worker_registered_on_two_job_orders_at_once_gets_one_placement(
    agency_a_staff, ministry_official, licensed_agency, malaysian_factory, lombok_worker
):
    orders = [
        build.job_order(
            company=agency_a_staff, mission=ministry_official, agency=licensed_agency, employer=employer, occupation=job
        )
        for employer, job in (
            (malaysian_factory, "factory_operator"),
            (EmployerFactory(name="Johor Steel Sdn Bhd"), "welder"),
        )
    ]
    applications = [build.select(agency_a_staff, lombok_worker, order) for order in orders]

    successes, errors = split(
        together(
            *(
                lambda application=application: placement.services.placement_create(
                    actor=agency_a_staff, application=application
                )
                for application in applications
            )
        )
    )

    assert len(successes) == 1 and len(errors) == 1
    assert errors[0].code == "worker_already_placed"
    assert Placement.objects.filter(worker=lombok_worker).count() == 1


def test_simultaneous_documents_are_all_kept_and_each_raises_the_version(journey, agency_a_staff):
    kinds = [DocumentKind.BIRTH_CERTIFICATE, DocumentKind.FAMILY_CONSENT, DocumentKind.BPJS]

    def add(kind):
        return lambda: placement.services.document_add(
            actor=agency_a_staff,
            placement_id=journey.pk,
            kind=kind,
            number=f"{kind}-001",
            issued_on=journey.today,
            issuer="Dukcapil Lombok Timur",
        )

    successes, errors = split(together(*(add(kind) for kind in kinds)))

    assert errors == []
    assert set(Document.objects.filter(placement_id=journey.pk).values_list("kind", flat=True)) == set(kinds)
    assert Placement.objects.get(pk=journey.pk).version == 1 + len(kinds)
