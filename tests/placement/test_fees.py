"""Fees the worker paid: the company records what it charged and is refused what the rules forbid
(any fee on a zero-cost occupation, costs above the destination country's cap); an official records a
fee found (e.g. through a complaint) as evidence, never refused, and the red flag opens on the write."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from oversight.models import Flag
from placement import services
from placement.choices import EventKind
from placement.models import Fee
from tests.factories import EmployerFactory
from tests.placement import journey as build
from tests.placement.journey import refused, select
from tests.test_rechecks_on_write import rechecks_on  # noqa: F401  (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def housekeeper_journey(agency_a_staff, ministry_official, licensed_agency, lombok_worker):
    """A housekeeper for a family in Malaysia: a zero-cost occupation (Peraturan BP2MI 9/2020)."""
    family = EmployerFactory(name="Keluarga Tan Ah Kow", sector="informal")
    job_order = build.job_order(
        company=agency_a_staff, mission=ministry_official, agency=licensed_agency, employer=family,
        occupation="housekeeper",
    )  # fmt: skip
    return build.place(agency_a_staff, select(agency_a_staff, lombok_worker, job_order))


def record(trip, actor, amount, **extra):
    return services.fee_record(
        actor=actor, placement_id=trip.pk, amount_idr=Decimal(amount),
        description=extra.pop("description", "Biaya medical"), paid_on=extra.pop("paid_on", trip.today), **extra,
    )  # fmt: skip


def flags(rule_code: str, trip):
    return Flag.objects.filter(rule_code=rule_code, subject_type="placement", subject_id=trip.pk)


# --- The company ------------------------------------------------------------------------------


def test_the_company_records_a_fee_with_its_event(journey):
    fee = record(journey, journey.actor, "1500000", paid_to="Klinik Utama Sehat Selong")
    assert (fee.amount_idr, fee.paid_to, fee.recorded_by) == (
        Decimal("1500000"),
        "Klinik Utama Sehat Selong",
        journey.actor,
    )
    event = journey.reload().events.get(kind=EventKind.FEE_RECORDED)
    assert event.data["fee_id"] == fee.pk and "finding" not in event.data


def test_the_company_is_refused_any_fee_on_a_zero_cost_occupation(housekeeper_journey):
    error = refused(record, housekeeper_journey, housekeeper_journey.actor, "3000000")
    assert error.code == "zero_cost_occupation" and not error.invalid_input
    assert str(error) == "Penata laksana rumah tangga is a zero-cost occupation: the worker may not be charged any fee."
    assert error.fields == {"amount_idr": [str(error)]}
    assert not Fee.objects.exists()
    assert not housekeeper_journey.reload().events.filter(kind=EventKind.FEE_RECORDED).exists()


def test_the_company_is_refused_fees_that_take_the_worker_above_the_cap(journey):
    journey.record_agreement(worker_costs=Decimal("5000000"))  # Malaysia's cap: Rp 8,000,000
    record(journey, journey.actor, "2000000")
    version = journey.reload().version

    error = refused(record, journey, journey.actor, "1000001")

    assert error.code == "fees_above_cap"
    assert str(error) == "The worker would bear Rp 8,000,001 in all, above the cap of Rp 8,000,000 for Malaysia."
    assert Fee.objects.count() == 1 and journey.reload().version == version
    assert record(journey, journey.actor, "1000000").amount_idr == Decimal("1000000")  # up to the cap is allowed


@pytest.mark.parametrize(
    ("amount", "changes", "code"),
    [
        ("0", {}, "invalid_amount"),
        ("-5", {}, "invalid_amount"),
        ("1000", {"description": "  "}, "description_missing"),
        ("1000", {"paid_on": "tomorrow"}, "date_in_future"),
    ],
)
def test_malformed_fees_are_refused_for_everyone(journey, ministry_official, amount, changes, code):
    if changes.get("paid_on") == "tomorrow":
        changes["paid_on"] = journey.today + timedelta(days=1)
    for actor in (journey.actor, ministry_official):
        error = refused(record, journey, actor, amount, **changes)
        assert error.code == code and error.invalid_input
    assert not Fee.objects.exists()


def test_another_company_and_a_village_officer_cannot_record_a_fee(journey, agency_b_staff, village_officer):
    for actor in (agency_b_staff, village_officer):
        assert refused(record, journey, actor, "1000").code == "forbidden"
    assert not Fee.objects.exists()


# --- An official's finding --------------------------------------------------------------------


def test_an_officials_finding_on_a_zero_cost_occupation_is_recorded_and_flagged_at_once(
    rechecks_on,  # noqa: F811
    housekeeper_journey,
    lotim_regency_official,
):
    with rechecks_on():
        fee = record(
            housekeeper_journey, lotim_regency_official, "3000000", description="Biaya medical diminta sponsor",
            paid_to="Pak Sponsor", source="Temuan pengaduan PMI-2026-0042",
        )  # fmt: skip

    assert fee.recorded_by == lotim_regency_official
    event = housekeeper_journey.reload().events.get(kind=EventKind.FEE_RECORDED)
    assert event.data["finding"] is True and event.data["source"] == "Temuan pengaduan PMI-2026-0042"
    assert event.reason == "Temuan pengaduan PMI-2026-0042"
    flag = flags("ZERO_COST_CHARGED", housekeeper_journey).get()
    assert Decimal(str(flag.evidence["fees_paid"])) == Decimal("3000000")


def test_an_officials_finding_above_the_cap_is_recorded_and_flagged_at_once(
    rechecks_on,  # noqa: F811
    journey,
    ntb_province_official,
):
    journey.record_agreement(worker_costs=Decimal("6000000"))
    with rechecks_on():
        record(journey, ntb_province_official, "4000000", source="Inspeksi BP3MI NTB")
    flag = flags("EXCESSIVE_FEES", journey).get()
    assert Decimal(str(flag.evidence["borne_by_worker"])) == Decimal("10000000")


# --- The page ---------------------------------------------------------------------------------


def _add(journey) -> str:
    return reverse("portal:placement_fee_add", args=[journey.pk])


def _detail(journey) -> str:
    return reverse("portal:placement_detail", args=[journey.pk])


def test_the_company_records_a_fee_on_the_placement_page(client, journey):
    client.force_login(journey.actor)
    page = client.get(_detail(journey)).content.decode()
    assert _add(journey) in page and 'for="id_amount_idr"' in page and "id_source" not in page

    response = client.post(
        _add(journey),
        {"amount_idr": "1250000", "description": "Biaya paspor", "paid_on": journey.today.isoformat(), "paid_to": ""},
    )

    assert response.status_code == 302 and response["Location"] == _detail(journey)
    fee = Fee.objects.get()
    assert (fee.amount_idr, fee.description, fee.recorded_by) == (Decimal("1250000"), "Biaya paspor", journey.actor)
    page = client.get(_detail(journey)).content.decode()
    assert "Biaya telah dicatat." in page and "Biaya paspor" in page


def test_the_page_shows_a_refusal_in_indonesian_and_records_nothing(client, housekeeper_journey):
    client.force_login(housekeeper_journey.actor)
    data = {"amount_idr": "3000000", "description": "Biaya medical", "paid_on": housekeeper_journey.today.isoformat()}

    response = client.post(_add(housekeeper_journey), data, HTTP_ACCEPT_LANGUAGE="id")

    assert response.status_code == 200
    page = response.content.decode()
    assert "jabatan bebas biaya" in page and "Biaya tidak dicatat" in page
    assert not Fee.objects.exists()


def test_an_official_records_a_finding_on_the_page(client, housekeeper_journey, lotim_regency_official):
    client.force_login(lotim_regency_official)
    assert 'for="id_source"' in client.get(_detail(housekeeper_journey)).content.decode()
    response = client.post(
        _add(housekeeper_journey),
        {"amount_idr": "3000000", "description": "Biaya medical", "paid_on": housekeeper_journey.today.isoformat(),
         "source": "Temuan pengaduan"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Fee.objects.get().recorded_by == lotim_regency_official


def test_the_page_refuses_a_fee_from_those_who_may_not_record_one(
    client, journey, agency_b_staff, village_officer, malaysia_mission_officer
):
    data = {"amount_idr": "1000", "description": "x", "paid_on": journey.today.isoformat()}
    for user in (agency_b_staff, village_officer, malaysia_mission_officer):
        client.force_login(user)
        response = client.post(_add(journey), data)
        assert response.status_code in (403, 404), user.username
        detail = client.get(_detail(journey))
        assert detail.status_code != 200 or _add(journey) not in detail.content.decode()
    client.force_login(agency_b_staff)
    assert client.post(_add(journey), data).status_code == 404
    assert not Fee.objects.exists()
