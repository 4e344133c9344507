"""Placements through the partner API: register, stages, documents, departure to return,
ETag / If-Match, and nothing of another company's."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from placement.choices import Stage
from placement.models import Document, Placement

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_register_a_placement_from_a_selected_application(api_a, selected_application):
    response = api_a.post("/api/v1/placements/", {"application": selected_application.pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["stage"] == Stage.REGISTERED and body["stage_label"]
    assert response["ETag"] == f'"{body["id"]}-{body["version"]}"'
    assert Placement.objects.get(pk=body["id"]).worker_id == selected_application.worker_id


def test_advancing_without_requirements_is_409_naming_what_is_missing(api_a, journey):
    journey.advance(Stage.SELECTED)
    response = api_a.post(f"/api/v1/placements/{journey.pk}/advance/", {"to_stage": Stage.MEDICAL}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stage_requirements_missing" and body["missing"]
    assert journey.stage == Stage.SELECTED
    detail = api_a.get(f"/api/v1/placements/{journey.pk}/").json()
    assert detail["missing_for_next_stage"] == body["missing"]


def test_advance_with_a_current_etag_and_refuse_a_stale_one(api_a, journey):
    read = api_a.get(f"/api/v1/placements/{journey.pk}/")
    tag = read["ETag"]
    moved = api_a.post(
        f"/api/v1/placements/{journey.pk}/advance/", {"to_stage": Stage.SELECTED}, format="json", HTTP_IF_MATCH=tag
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["stage"] == Stage.SELECTED and moved["ETag"] != tag
    stale = api_a.post(
        f"/api/v1/placements/{journey.pk}/cancel/", {"reason": "Mundur"}, format="json", HTTP_IF_MATCH=tag
    )
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert journey.stage == Stage.SELECTED


def test_attach_a_document_with_a_file(api_a, journey):
    upload = SimpleUploadedFile("paspor.pdf", PDF, content_type="application/pdf")
    today = timezone.localdate()
    response = api_a.post(
        f"/api/v1/placements/{journey.pk}/documents/",
        {
            "kind": "passport",
            "number": "c1234567",
            "issued_on": str(today - timedelta(days=30)),
            "expires_on": str(today + timedelta(days=1800)),
            "issuer": "Kantor Imigrasi Mataram",
            "file": upload,
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["has_file"] and body["content_type"] == "application/pdf"
    assert body["number"] != "C1234567" and body["number"].endswith("567")
    assert Document.objects.get(pk=body["id"]).number == "C1234567"
    assert [d["id"] for d in api_a.get(f"/api/v1/placements/{journey.pk}/documents/").json()] == [body["id"]]


def test_a_file_that_is_not_a_scan_is_refused(api_a, journey):
    upload = SimpleUploadedFile("paspor.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = api_a.post(
        f"/api/v1/placements/{journey.pk}/documents/",
        {"kind": "passport", "number": "C1234567", "issued_on": "2026-01-01", "issuer": "Imigrasi", "file": upload},
        format="multipart",
    )
    assert response.status_code in (400, 409)
    assert not Document.objects.exists()


def test_departure_arrival_and_return(api_a, journey):
    journey.walk_to(Stage.READY)
    departure = journey.departure
    departed = api_a.post(
        f"/api/v1/placements/{journey.pk}/depart/",
        {"departed_on": str(departure), "embarkation_point": "LOP", "flight": "QZ 512"},
        format="json",
    )
    assert departed.status_code == 200, departed.json()
    assert departed.json()["stage"] == Stage.DEPARTED
    arrived = api_a.post(
        f"/api/v1/placements/{journey.pk}/arrive/",
        {"arrived_on": str(departure), "reported_on": str(departure + timedelta(days=1))},
        format="json",
    )
    assert arrived.status_code == 200, arrived.json()
    assert arrived.json()["stage"] == Stage.WORKING
    returned = api_a.post(
        f"/api/v1/placements/{journey.pk}/return/",
        {"returned_on": str(departure + timedelta(days=2)), "reason": "illness", "details": "Dirawat"},
        format="json",
    )
    assert returned.status_code == 200, returned.json()
    assert returned.json()["stage"] == Stage.RETURNED
    kinds = [e["kind"] for e in api_a.get(f"/api/v1/placements/{journey.pk}/events/").json()]
    assert kinds[0] == "created" and len(kinds) >= 4


def test_another_company_cannot_list_read_update_or_attach(api_b, journey):
    assert api_b.get("/api/v1/placements/").json()["results"] == []
    assert api_b.get(f"/api/v1/placements/{journey.pk}/").status_code == 404
    assert api_b.get(f"/api/v1/placements/{journey.pk}/events/").status_code == 404
    advance = api_b.post(f"/api/v1/placements/{journey.pk}/advance/", {"to_stage": Stage.SELECTED}, format="json")
    assert advance.status_code == 404
    cancel = api_b.post(f"/api/v1/placements/{journey.pk}/cancel/", {"reason": "x"}, format="json")
    assert cancel.status_code == 404
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    attach = api_b.post(
        f"/api/v1/placements/{journey.pk}/documents/",
        {"kind": "passport", "number": "C1", "issued_on": "2026-01-01", "issuer": "x", "file": upload},
        format="multipart",
    )
    assert attach.status_code == 404
    assert journey.stage == Stage.REGISTERED and not Document.objects.exists()
    register = api_b.post("/api/v1/placements/", {"application": journey.placement.application_id}, format="json")
    assert register.status_code == 400 and "application" in register.json()["errors"]


def test_filters_stage_country_and_updated_since(api_a, journey):
    assert len(api_a.get("/api/v1/placements/?stage=1&country=MY").json()["results"]) == 1
    assert api_a.get("/api/v1/placements/?stage=2").json()["results"] == []
    later = (timezone.now() + timedelta(minutes=5)).isoformat()
    assert api_a.get("/api/v1/placements/", {"updated_since": later}).json()["results"] == []
    earlier = (timezone.now() - timedelta(minutes=5)).isoformat()
    assert len(api_a.get("/api/v1/placements/", {"updated_since": earlier}).json()["results"]) == 1


def test_the_direct_rendering_equals_drfs_at_every_stage(journey, in_english):
    """The serializers render by hand for speed, the list from plain rows (no model instances);
    each must say exactly what DRF's fields say."""
    from placement.api.serializers import (
        ROW_COLUMNS,
        PlacementDetailSerializer,
        PlacementRowSerializer,
        PlacementSerializer,
    )

    journey.walk_to(Stage.READY)
    journey.depart()
    placement = journey.reload()
    for serializer_class in (PlacementSerializer, PlacementDetailSerializer):
        serializer = serializer_class()
        direct = serializer.to_representation(placement)
        assert direct == serializer.generic_representation(placement)
        assert direct["departed_on"] and direct["stage"] == Stage.DEPARTED
    row = Placement.objects.filter(pk=journey.pk).values(*ROW_COLUMNS).get()
    assert PlacementRowSerializer().to_representation(row) == PlacementSerializer().generic_representation(placement)


def test_the_list_shows_a_placement_as_its_detail_does(api_a, journey):
    journey.walk_to(Stage.READY)
    journey.depart()
    listed = api_a.get("/api/v1/placements/").json()["results"]
    detail = api_a.get(f"/api/v1/placements/{journey.pk}/").json()
    del detail["missing_for_next_stage"]
    assert listed == [detail]
    worker = journey.reload().worker
    assert detail["worker_nik"] == "*" * 12 + worker.nik[-4:] and detail["worker_name"] == worker.full_name
    assert detail["contract_salary"] and detail["stage_changed_at"] and detail["departed_on"]


@pytest.fixture
def three_placements(agency_a_staff, licensed_agency, factory_job_order, journey):
    """Agency A's three placements on its Malaysian job order, at two stages."""
    from tests.placement.journey import place, register_worker, select

    others = [
        place(
            agency_a_staff,
            select(
                agency_a_staff,
                register_worker(actor=agency_a_staff, agency=licensed_agency, serial=serial, full_name=name),
                factory_job_order,
            ),
        )
        for serial, name in ((2, "Sri Wahyuni"), (3, "Nur Aini"))
    ]
    others[0].advance(Stage.SELECTED)
    return [journey, *others]


@pytest.mark.parametrize("ordering", [None, "stage", "-updated_at", "created_at"])
def test_placement_pages_cover_every_placement_once_in_any_order(api_a, api_b, three_placements, ordering):
    """The list reads plain rows; its cursor is placed from them, whatever the order asked for."""
    url = "/api/v1/placements/?page_size=1" + (f"&ordering={ordering}" if ordering else "")
    seen = []
    while url:
        page = api_a.get(url)
        assert page.status_code == 200, page.json()
        seen += page.json()["results"]
        url = page.json()["next"]
    assert sorted(p["id"] for p in seen) == sorted(j.pk for j in three_placements)
    if ordering is None:
        assert [p["id"] for p in seen] == sorted((p["id"] for p in seen), reverse=True)  # newest first
    elif ordering == "stage":
        assert [p["stage"] for p in seen] == [Stage.REGISTERED, Stage.REGISTERED, Stage.SELECTED]
    assert api_b.get(url or "/api/v1/placements/").json()["results"] == []
