"""The placement list and a placement's page: progress through the stages, what the next one lacks
(the very list the service refuses with), documents with masked numbers, fees, events and red flags."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from oversight.engine import full_scan
from oversight.models import Flag
from placement import services
from placement.choices import DocumentKind, Stage
from placement.models import Placement
from placement.selectors import next_stage_requirements
from tests.placement import crowd
from tests.placement.journey import job_order as new_job_order
from tests.placement.journey import refused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PLACEMENTS = reverse("placement:placement_list")

# Session, user, the official's second-factor device, COUNT, page (worker, village, company, job
# order joined), and the country and company selects of the filter form, and the two levels of areas
# its area filter offers by name.
PLACEMENT_LIST_QUERIES = 9


def _rows(response) -> list:
    return list(response.context["listing"].page.object_list)


def _get(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response


def _detail(journey) -> str:
    return reverse("portal:placement_detail", args=[journey.pk])


# --- list ------------------------------------------------------------------------------------


def test_placement_list_masks_the_nik(client, lotim_regency_official, journey):
    client.force_login(lotim_regency_official)
    page = _get(client, PLACEMENTS).content.decode()
    worker = journey.placement.worker
    assert worker.full_name in page
    assert worker.masked_nik in page and worker.nik not in page
    assert _detail(journey) in page


def test_a_stage_filter_narrows_the_placements(
    client, ministry_official, agency_a_staff, licensed_agency, factory_job_order, journey
):
    crowd.placements(agency_a_staff, licensed_agency, factory_job_order, 2)
    journey.walk_to(Stage.MEDICAL)
    client.force_login(ministry_official)
    assert len(_rows(_get(client, PLACEMENTS))) == 3
    medical = _rows(_get(client, PLACEMENTS, {"stage": Stage.MEDICAL}))
    assert [p.pk for p in medical] == [journey.pk]
    registered = _rows(_get(client, PLACEMENTS, {"stage": Stage.REGISTERED}))
    assert len(registered) == 2 and journey.pk not in {p.pk for p in registered}


def test_an_invalid_filter_says_so_and_shows_no_rows(client, ministry_official, journey):
    client.force_login(ministry_official)
    response = _get(client, PLACEMENTS, {"area": "Lombok"})
    assert _rows(response) == []
    page = response.content.decode()
    assert "Some filters are not valid; correct them to see results." in page
    assert "Enter an area code such as 52, 52.03, 52.03.01 or 52.03.01.2001." in page


def test_placements_sort_by_stage(
    client, ministry_official, agency_a_staff, licensed_agency, factory_job_order, journey
):
    crowd.placements(agency_a_staff, licensed_agency, factory_job_order, 2)
    journey.walk_to(Stage.SELECTED)
    client.force_login(ministry_official)
    highest_first = _rows(_get(client, PLACEMENTS, {"sort": "-stage"}))
    assert highest_first[0].pk == journey.pk
    lowest_first = _rows(_get(client, PLACEMENTS, {"sort": "stage"}))
    assert lowest_first[-1].pk == journey.pk


def test_pages_keep_the_filter(client, ministry_official, agency_a_staff, licensed_agency, factory_job_order):
    crowd.placements(agency_a_staff, licensed_agency, _roomy(agency_a_staff, ministry_official, factory_job_order), 27)
    client.force_login(ministry_official)
    first = _get(client, PLACEMENTS, {"stage": Stage.REGISTERED, "area": "52.03"})
    assert len(_rows(first)) == 25
    next_link = re.search(r'rel="next" href="([^"]+)"', first.content.decode()).group(1).replace("&amp;", "&")
    assert "stage=1" in next_link and "area=52.03" in next_link and "page=2" in next_link
    assert len(_rows(_get(client, PLACEMENTS + next_link))) == 2


def _roomy(company, mission, like):
    """A job order like `like` (same company and employer) with room for 40 placements."""
    return new_job_order(company=company, mission=mission, agency=like.agency, employer=like.employer, quota=40)


@pytest.mark.parametrize("count", [1, 30])
def test_the_placement_list_costs_the_same_queries_for_1_or_30_rows(
    client, ministry_official, agency_a_staff, licensed_agency, factory_job_order, django_assert_num_queries, count
):
    crowd.placements(
        agency_a_staff, licensed_agency, _roomy(agency_a_staff, ministry_official, factory_job_order), count
    )
    client.force_login(ministry_official)
    with django_assert_num_queries(PLACEMENT_LIST_QUERIES):
        response = client.get(PLACEMENTS, {"per_page": 50})
    assert len(_rows(response)) == count


def test_lists_are_scoped(client, journey, agency_b_staff, ntt_regency_official, village_officer, agency_a_staff):
    for user in (agency_b_staff, ntt_regency_official):
        client.force_login(user)
        assert _rows(_get(client, PLACEMENTS)) == []
    for user in (village_officer, agency_a_staff):
        client.force_login(user)
        assert [p.pk for p in _rows(_get(client, PLACEMENTS))] == [journey.pk]


# --- detail ----------------------------------------------------------------------------------


def test_agency_b_cannot_open_agency_as_placement(client, journey, agency_b_staff, agency_a_staff):
    client.force_login(agency_b_staff)
    assert client.get(_detail(journey)).status_code == 404
    client.force_login(agency_a_staff)
    assert client.get(_detail(journey)).status_code == 200


def test_a_regency_official_cannot_open_another_regencys_placement(
    client, journey, ntt_regency_official, lotim_regency_official
):
    client.force_login(ntt_regency_official)
    assert client.get(_detail(journey)).status_code == 404
    client.force_login(lotim_regency_official)
    assert client.get(_detail(journey)).status_code == 200


def test_detail_shows_progress_and_what_the_next_stage_lacks(client, lotim_regency_official, journey):
    journey.walk_to(Stage.SELECTED)
    client.force_login(lotim_regency_official)
    response = _get(client, _detail(journey))
    page = response.content.decode()
    assert re.search(r'aria-current="step">\s*<span class="visually-hidden">current stage: </span>2\. Selected', page)
    assert "Next stage: Medical and psychological check" in page
    assert "Health and psychological certificate (fit) is missing" in page
    # The page's list is the service's refusal, word for word.
    with_english = refused(services.placement_advance, actor=journey.actor, placement_id=journey.pk, to_stage=3)
    assert response.context["missing"] == with_english.missing


def test_the_page_and_the_service_agree_at_every_stage(in_english, journey):
    refusals = 0
    for stage in range(Stage.SELECTED, Stage.READY + 1):
        next_stage, missing = next_stage_requirements(_loaded(journey.pk))
        assert next_stage == stage
        if missing:  # the service refuses with exactly what the page lists
            refusal = refused(services.placement_advance, actor=journey.actor, placement_id=journey.pk, to_stage=stage)
            assert missing == refusal.missing, stage
            refusals += 1
        journey.provide(stage)
        assert next_stage_requirements(_loaded(journey.pk)) == (stage, [])
        journey.advance(stage)
    assert refusals == 7  # every stage after selection needs something recorded first
    assert next_stage_requirements(_loaded(journey.pk)) == (Stage.DEPARTED, [])


def _loaded(pk) -> Placement:
    return (
        Placement.objects.select_related(
            "worker", "application", "job_order__agency", "job_order__employer", "job_order__country"
        )
        .prefetch_related("documents")
        .get(pk=pk)
    )


def test_detail_shows_documents_masked_fees_and_the_timeline(client, lotim_regency_official, journey):
    journey.walk_to(Stage.SELECTED)
    journey.add_document(DocumentKind.PASSPORT, number="C1234567")
    services.fee_record(
        actor=journey.actor, placement_id=journey.pk, amount_idr=Decimal("2500000"), description="Biaya medical",
        paid_on=timezone.localdate(), paid_to="Sponsor desa",
    )  # fmt: skip
    client.force_login(lotim_regency_official)
    page = _get(client, _detail(journey)).content.decode()
    assert "Passport" in page and "*****567" in page and "C1234567" not in page
    assert "Biaya medical" in page and "2,500,000" in page
    for event in ("Placement registered", "from “Registered” to “Selected”", "Document added", "Fee recorded"):
        assert event in page
    worker = journey.placement.worker
    assert worker.masked_nik in page and worker.nik not in page


def test_detail_links_the_uploaded_file(client, agency_a_staff, journey, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = journey.add_document(
        DocumentKind.HEALTH_CERTIFICATE, file=SimpleUploadedFile("sehat.pdf", b"%PDF-1.4 hasil", "application/pdf")
    )
    client.force_login(agency_a_staff)
    page = _get(client, _detail(journey)).content.decode()
    assert reverse("placement:document_file", args=[document.pk]) in page


def test_officials_see_the_red_flags_and_others_do_not(
    client, lotim_regency_official, agency_a_staff, village_officer, journey
):
    services.fee_record(
        actor=lotim_regency_official, placement_id=journey.pk, amount_idr=Decimal("9000000"),
        description="Biaya proses", paid_on=timezone.localdate(), source="Temuan pengaduan",
    )  # fmt: skip
    full_scan()  # Malaysia's cap is Rp 8,000,000
    client.force_login(lotim_regency_official)
    page = _get(client, _detail(journey)).content.decode()
    assert "Red flags" in page and "Fees above the cap" in page
    flag = Flag.objects.get(rule_code="EXCESSIVE_FEES", subject_id=journey.pk)
    assert reverse("oversight:flag_detail", args=[flag.pk]) in page  # to triage it
    assert "Rp 9,000,000" in page  # its evidence in words
    for user in (agency_a_staff, village_officer):  # the flag pages are closed to them too
        client.force_login(user)
        assert "Fees above the cap" not in _get(client, _detail(journey)).content.decode()


def test_a_cancelled_placement_shows_where_and_why(client, lotim_regency_official, journey):
    journey.walk_to(Stage.SELECTED)
    journey.cancel("Calon PMI mengundurkan diri")
    client.force_login(lotim_regency_official)
    page = _get(client, _detail(journey)).content.decode()
    assert "Calon PMI mengundurkan diri" in page
    assert "cancelled here: </span>2. Selected" in page
    assert "Next stage" not in page


def test_a_departed_placement_waits_for_the_arrival_report(client, lotim_regency_official, journey):
    journey.walk_to(Stage.READY)
    journey.depart()
    client.force_login(lotim_regency_official)
    page = _get(client, _detail(journey)).content.decode()
    assert "Next stage: Working abroad" in page
    assert "the arrival date and the arrival report to the Indonesian mission (lapor diri)" in page
    assert "Lombok" in page and "QZ 512" in page  # the departure's facts in the timeline
