"""The mission abroad as a role: its queue of submitted job orders, the verification or rejection
(through the pages), the company's documents and submission, and the arrival reports of workers
in the mission's countries. A mission sees only its own countries: anything else is a 404."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from placement.choices import EventKind, Stage
from placement.models import Placement
from recruitment import services
from recruitment.choices import JobOrderDocumentKind, JobOrderEventKind, JobOrderStatus
from recruitment.models import JobOrder, JobOrderDocument, JobOrderEvent
from tests.factories import EmployerFactory
from tests.placement import journey as build
from tests.placement.journey import refused

pytestmark = pytest.mark.django_db

# Read when the module is collected: a day "in the future" is two days on, still ahead of the
# date in Indonesia if the run passes its midnight (17:00 UTC) before the test runs.
TODAY = timezone.localdate()


def submitted(company, agency, employer, **fields) -> JobOrder:
    return build.job_order(
        company=company, mission=None, agency=agency, employer=employer, status=JobOrderStatus.SUBMITTED, **fields
    )


@pytest.fixture
def malaysian_order(agency_a_staff, licensed_agency, malaysian_factory):
    return submitted(agency_a_staff, licensed_agency, malaysian_factory)


@pytest.fixture
def taiwanese_order(agency_a_staff, licensed_agency):
    taoyuan = EmployerFactory(name="Taoyuan Precision Co., Ltd.", country_id="TW")
    return submitted(agency_a_staff, licensed_agency, taoyuan, currency="TWD", salary="28590")


def status_of(job_order) -> str:
    return JobOrder.objects.get(pk=job_order.pk).status


def events_of(job_order) -> list[str]:
    return list(JobOrderEvent.objects.filter(job_order=job_order).order_by("at", "id").values_list("kind", flat=True))


# --- The queue ------------------------------------------------------------------------------


def test_the_queue_lists_the_missions_countries_oldest_first(
    client, malaysia_mission_officer, ministry_official, agency_a_staff, licensed_agency, malaysian_factory,
    taiwanese_order,
):  # fmt: skip
    first = submitted(agency_a_staff, licensed_agency, malaysian_factory)
    second = submitted(agency_a_staff, licensed_agency, EmployerFactory(name="Johor Furniture Sdn Bhd"))
    build.job_order(
        company=agency_a_staff,
        mission=None,
        agency=licensed_agency,
        employer=malaysian_factory,
        status=JobOrderStatus.DRAFT,
    )  # fmt: skip  (a draft is not the mission's business yet)

    client.force_login(malaysia_mission_officer)
    response = client.get(reverse("portal:mission_queue"))

    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert [job_order.pk for job_order in rows] == [first.pk, second.pk]
    assert [job_order.documents_count for job_order in rows] == [1, 1]
    html = response.content.decode()
    assert "Penang Electronics Sdn Bhd" in html and "Johor Furniture Sdn Bhd" in html and "PT Agensi A" in html
    assert "Taoyuan Precision" not in html

    client.force_login(ministry_official)  # the ministry sees every country's queue
    rows = client.get(reverse("portal:mission_queue")).context["page"].object_list
    assert {job_order.pk for job_order in rows} == {first.pk, second.pk, taiwanese_order.pk}


def test_an_empty_queue_says_so(client, taiwan_mission_officer, malaysian_order):
    client.force_login(taiwan_mission_officer)
    response = client.get(reverse("portal:mission_queue"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert "Tidak ada lowongan yang menunggu verifikasi perwakilan." in response.content.decode()


def test_a_company_has_no_queue(client, agency_a_staff, malaysian_order):
    client.force_login(agency_a_staff)
    assert client.get(reverse("portal:mission_queue")).status_code == 403
    assert client.get(reverse("portal:mission_arrivals")).status_code == 403


# --- Verify and reject through the pages --------------------------------------------------------


def test_the_mission_verifies_a_job_order_of_its_country(client, malaysia_mission_officer, malaysian_order):
    client.force_login(malaysia_mission_officer)
    page = client.get(reverse("portal:job_order_detail", args=[malaysian_order.pk]))
    assert page.context["may_verify"] is True
    document = malaysian_order.documents.get()
    assert reverse("portal:job_order_document_file", args=[document.pk]) in page.content.decode()

    response = client.post(
        reverse("portal:job_order_verify", args=[malaysian_order.pk]),
        {"mission_reference": "KBRI-KL/VER/2026/015", "verified_on": TODAY.isoformat()},
        follow=True,
    )

    job_order = JobOrder.objects.get(pk=malaysian_order.pk)
    assert (job_order.status, job_order.mission_reference, job_order.mission_verified_on) == (
        JobOrderStatus.VERIFIED,
        "KBRI-KL/VER/2026/015",
        TODAY,
    )
    event = JobOrderEvent.objects.get(job_order=job_order, kind=JobOrderEventKind.VERIFIED)
    assert event.actor == malaysia_mission_officer
    assert event.data["employer_checked"] is True and event.data["employer"] == "Penang Electronics Sdn Bhd"
    assert event.data["documents"] == [JobOrderDocumentKind.DEMAND_LETTER]
    assert "KBRI-KL/VER/2026/015" in response.content.decode()
    assert response.context["may_verify"] is False


def test_the_mission_rejects_with_a_reason_on_the_timeline(client, malaysia_mission_officer, malaysian_order):
    client.force_login(malaysia_mission_officer)
    response = client.post(
        reverse("portal:job_order_reject", args=[malaysian_order.pk]),
        {"reason": "Majikan tidak ditemukan di alamat yang tertulis"},
        follow=True,
    )

    job_order = JobOrder.objects.get(pk=malaysian_order.pk)
    assert (job_order.status, job_order.rejection_reason) == (
        JobOrderStatus.REJECTED,
        "Majikan tidak ditemukan di alamat yang tertulis",
    )
    event = JobOrderEvent.objects.get(job_order=job_order, kind=JobOrderEventKind.REJECTED)
    assert (event.actor, event.from_status, event.reason) == (
        malaysia_mission_officer,
        JobOrderStatus.SUBMITTED,
        "Majikan tidak ditemukan di alamat yang tertulis",
    )
    assert "Majikan tidak ditemukan di alamat yang tertulis" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ({"mission_reference": "", "verified_on": TODAY.isoformat()}, "Nomor verifikasi Perwakilan RI wajib diisi."),
        (
            {"mission_reference": "KBRI-KL/1", "verified_on": (TODAY + timedelta(days=2)).isoformat()},
            "Verifikasi tidak boleh bertanggal di masa depan.",
        ),
    ],
    ids=["no-reference", "future-date"],
)
def test_a_refused_verification_changes_nothing_and_says_why(
    client, malaysia_mission_officer, malaysian_order, data, why
):
    before = events_of(malaysian_order)
    client.force_login(malaysia_mission_officer)
    response = client.post(reverse("portal:job_order_verify", args=[malaysian_order.pk]), data, follow=True)
    assert status_of(malaysian_order) == JobOrderStatus.SUBMITTED
    assert events_of(malaysian_order) == before
    assert why in response.content.decode()


def test_a_reject_without_a_reason_changes_nothing(client, malaysia_mission_officer, malaysian_order):
    client.force_login(malaysia_mission_officer)
    client.post(reverse("portal:job_order_reject", args=[malaysian_order.pk]), {"reason": "  "})
    assert status_of(malaysian_order) == JobOrderStatus.SUBMITTED


def test_another_countrys_mission_gets_404_and_does_not_see_it(
    client, malaysia_mission_officer, taiwanese_order, malaysian_order
):
    client.force_login(malaysia_mission_officer)
    document = taiwanese_order.documents.get()
    assert client.get(reverse("portal:job_order_detail", args=[taiwanese_order.pk])).status_code == 404
    verify = client.post(
        reverse("portal:job_order_verify", args=[taiwanese_order.pk]),
        {"mission_reference": "KBRI-KL/X", "verified_on": TODAY.isoformat()},
    )
    assert verify.status_code == 404
    reject = client.post(reverse("portal:job_order_reject", args=[taiwanese_order.pk]), {"reason": "Bukan wilayah"})
    assert reject.status_code == 404
    assert client.get(reverse("portal:job_order_document_file", args=[document.pk])).status_code == 404
    queue = client.get(reverse("portal:mission_queue")).context["page"].object_list
    assert [job_order.pk for job_order in queue] == [malaysian_order.pk]
    assert status_of(taiwanese_order) == JobOrderStatus.SUBMITTED
    # The service refuses it too, whatever the page does.
    error = refused(
        services.job_order_verify,
        actor=malaysia_mission_officer,
        job_order_id=taiwanese_order.pk,
        mission_reference="KBRI-KL/X",
        verified_on=TODAY,
    )
    assert error.code == "forbidden"


def test_the_taiwan_mission_verifies_taiwan(client, taiwan_mission_officer, taiwanese_order):
    client.force_login(taiwan_mission_officer)
    client.post(
        reverse("portal:job_order_verify", args=[taiwanese_order.pk]),
        {"mission_reference": "KDEI-TPE/2026/3", "verified_on": TODAY.isoformat()},
    )
    assert status_of(taiwanese_order) == JobOrderStatus.VERIFIED


def test_a_company_cannot_verify_or_reject(client, agency_a_staff, malaysian_order):
    client.force_login(agency_a_staff)
    page = client.get(reverse("portal:job_order_detail", args=[malaysian_order.pk]))
    assert page.context["may_verify"] is False
    assert reverse("portal:job_order_verify", args=[malaysian_order.pk]) not in page.content.decode()
    verify = client.post(
        reverse("portal:job_order_verify", args=[malaysian_order.pk]),
        {"mission_reference": "PALSU/1", "verified_on": TODAY.isoformat()},
    )
    assert verify.status_code == 403
    assert (
        client.post(reverse("portal:job_order_reject", args=[malaysian_order.pk]), {"reason": "x"}).status_code == 403
    )
    assert status_of(malaysian_order) == JobOrderStatus.SUBMITTED


# --- The company's documents and submission -------------------------------------------------------


@pytest.fixture
def draft(agency_a_staff, licensed_agency, malaysian_factory):
    return build.job_order(
        company=agency_a_staff, mission=None, agency=licensed_agency, employer=malaysian_factory,
        status=JobOrderStatus.DRAFT,
    )  # fmt: skip


def test_the_company_attaches_the_demand_letter_then_submits(client, agency_a_staff, draft, malaysia_mission_officer):
    client.force_login(agency_a_staff)
    refused_submit = client.post(reverse("portal:job_order_submit", args=[draft.pk]), follow=True)
    assert status_of(draft) == JobOrderStatus.DRAFT
    assert "Surat permintaan (demand letter)" in refused_submit.content.decode()

    bad = client.post(
        reverse("portal:job_order_document_add", args=[draft.pk]),
        {"kind": "demand_letter", "number": "DL/1", "file": SimpleUploadedFile("surat.pdf", b"bukan pdf")},
    )
    assert bad.status_code == 302 and not draft.documents.exists()

    client.post(
        reverse("portal:job_order_document_add", args=[draft.pk]),
        {"kind": "demand_letter", "number": "DL/PE/2026/7", "file": build.pdf("surat.pdf")},
    )
    document = JobOrderDocument.objects.get(job_order=draft)
    assert (document.kind, document.number, document.content_type, document.uploaded_by) == (
        JobOrderDocumentKind.DEMAND_LETTER,
        "DL/PE/2026/7",
        "application/pdf",
        agency_a_staff,
    )
    client.post(reverse("portal:job_order_submit", args=[draft.pk]))
    assert status_of(draft) == JobOrderStatus.SUBMITTED
    assert events_of(draft) == [
        JobOrderEventKind.CREATED,
        JobOrderEventKind.DOCUMENT_ADDED,
        JobOrderEventKind.SUBMITTED,
    ]

    client.force_login(malaysia_mission_officer)  # the mission opens the letter
    download = client.get(reverse("portal:job_order_document_file", args=[document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")


def test_another_company_and_the_mission_cannot_attach_or_submit(
    client, agency_b_staff, malaysia_mission_officer, draft
):
    letter = {"kind": "demand_letter", "file": build.pdf()}
    client.force_login(agency_b_staff)
    assert client.post(reverse("portal:job_order_document_add", args=[draft.pk]), letter).status_code == 404
    assert client.post(reverse("portal:job_order_submit", args=[draft.pk])).status_code == 404
    client.force_login(malaysia_mission_officer)
    assert client.post(reverse("portal:job_order_document_add", args=[draft.pk]), letter).status_code == 403
    assert client.post(reverse("portal:job_order_submit", args=[draft.pk])).status_code == 403
    assert not draft.documents.exists() and status_of(draft) == JobOrderStatus.DRAFT


def test_a_rejected_job_order_is_corrected_and_submitted_again(
    agency_a_staff, malaysia_mission_officer, malaysian_order
):
    services.job_order_reject(actor=malaysia_mission_officer, job_order_id=malaysian_order.pk, reason="Surat kabur")
    services.job_order_document_add(
        actor=agency_a_staff, job_order_id=malaysian_order.pk, kind="demand_letter", file=build.pdf("jelas.pdf")
    )
    services.job_order_submit(actor=agency_a_staff, job_order_id=malaysian_order.pk)
    assert status_of(malaysian_order) == JobOrderStatus.SUBMITTED


def test_documents_stop_once_the_mission_has_verified(agency_a_staff, malaysia_mission_officer, malaysian_order):
    services.job_order_verify(
        actor=malaysia_mission_officer, job_order_id=malaysian_order.pk, mission_reference="KBRI/1", verified_on=TODAY
    )
    error = refused(
        services.job_order_document_add,
        actor=agency_a_staff,
        job_order_id=malaysian_order.pk,
        kind="other",
        file=build.pdf(),
    )
    assert error.code == "job_order_status"
    assert malaysian_order.documents.count() == 1


# --- Arrival reports ------------------------------------------------------------------------------


@pytest.fixture
def departed(journey):
    """Her placement on the Malaysian job order, departed three days ago."""
    journey.walk_to(Stage.READY)
    journey.depart(on=TODAY - timedelta(days=3))
    return journey


def arrival(day=None):
    day = day or TODAY - timedelta(days=2)
    return {"arrived_on": day.isoformat(), "reported_on": TODAY.isoformat()}


def test_the_company_records_the_arrival_and_the_mission_confirms_it(
    client, agency_a_staff, malaysia_mission_officer, departed
):
    client.force_login(agency_a_staff)
    client.post(reverse("portal:placement_arrive", args=[departed.pk]), arrival())
    placement = departed.reload()
    assert (placement.stage, placement.arrived_on, placement.arrival_confirmed_at) == (
        Stage.WORKING,
        TODAY - timedelta(days=2),
        None,
    )
    assert client.post(reverse("portal:placement_confirm_arrival", args=[departed.pk])).status_code == 403

    client.force_login(malaysia_mission_officer)
    waiting = client.get(reverse("portal:mission_arrivals")).context["page"].object_list
    assert [row.pk for row in waiting] == [departed.pk]
    page = client.get(reverse("portal:placement_detail", args=[departed.pk]))
    assert page.context["may_confirm_arrival"] is True
    client.post(reverse("portal:placement_confirm_arrival", args=[departed.pk]))

    placement = departed.reload()
    assert placement.arrival_confirmed_by == malaysia_mission_officer and placement.arrival_confirmed_at
    event = placement.events.get(kind=EventKind.ARRIVAL_CONFIRMED)
    assert event.actor == malaysia_mission_officer
    assert list(client.get(reverse("portal:mission_arrivals")).context["page"].object_list) == []
    error = refused(services_confirm, actor=malaysia_mission_officer, placement_id=departed.pk)
    assert error.code == "arrival_already_confirmed"


def services_confirm(**kwargs):
    from placement.services import placement_confirm_arrival

    return placement_confirm_arrival(**kwargs)


def test_the_mission_records_an_arrival_confirmed_at_once(client, malaysia_mission_officer, departed):
    client.force_login(malaysia_mission_officer)
    client.post(reverse("portal:placement_arrive", args=[departed.pk]), arrival())
    placement = departed.reload()
    assert placement.stage == Stage.WORKING
    assert placement.arrival_confirmed_by == malaysia_mission_officer
    kinds = list(placement.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.ARRIVED, EventKind.ARRIVAL_CONFIRMED]


def test_another_countrys_mission_cannot_touch_the_arrival(client, agency_a_staff, taiwan_mission_officer, departed):
    client.force_login(taiwan_mission_officer)
    assert client.post(reverse("portal:placement_arrive", args=[departed.pk]), arrival()).status_code == 404
    assert departed.stage == Stage.DEPARTED
    departed.arrive(on=TODAY - timedelta(days=2), reported_on=TODAY)
    assert client.post(reverse("portal:placement_confirm_arrival", args=[departed.pk])).status_code == 404
    assert client.get(reverse("portal:placement_detail", args=[departed.pk])).status_code == 404
    assert list(client.get(reverse("portal:mission_arrivals")).context["page"].object_list) == []
    assert Placement.objects.get(pk=departed.pk).arrival_confirmed_at is None
    error = refused(services_confirm, actor=taiwan_mission_officer, placement_id=departed.pk)
    assert error.code == "forbidden"


@pytest.mark.parametrize(
    ("arrived", "code"),
    [(TODAY + timedelta(days=2), "date_in_future"), (TODAY - timedelta(days=5), "dates_out_of_order")],
    ids=["in-the-future", "before-departure"],
)
def test_an_arrival_cannot_be_in_the_future_nor_before_the_departure(departed, arrived, code):
    error = refused(departed.arrive, on=arrived, reported_on=max(arrived, TODAY))
    assert error.code == code
    assert departed.stage == Stage.DEPARTED


def test_the_missions_home_page_counts_its_work(client, malaysia_mission_officer, malaysian_order, departed):
    client.force_login(malaysia_mission_officer)
    response = client.get(reverse("portal:home"))
    assert (response.context["to_verify"], response.context["arrivals_waiting"]) == (1, 1)
    html = response.content.decode()
    assert reverse("portal:mission_queue") in html and reverse("portal:mission_arrivals") in html
    assert "KBRI Kuala Lumpur" in html


def test_the_mission_works_the_lists_of_its_countries_only(
    client, malaysia_mission_officer, malaysian_order, taiwanese_order, departed
):
    client.force_login(malaysia_mission_officer)
    job_orders = client.get(reverse("portal:job_order_list"))
    assert job_orders.status_code == 200
    shown = {job_order.pk for job_order in job_orders.context["listing"].page.object_list}
    assert malaysian_order.pk in shown and taiwanese_order.pk not in shown
    placements = client.get(reverse("placement:placement_list"))
    assert [placement.pk for placement in placements.context["listing"].page.object_list] == [departed.pk]
    assert client.get(reverse("portal:worker_list")).status_code == 200
    nav = [item["label"] for item in client.get(reverse("portal:home")).context["nav_items"]]
    assert "Antrean verifikasi" in [str(label) for label in nav]
