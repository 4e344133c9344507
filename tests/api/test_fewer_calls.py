"""Fewer calls for a company: several documents in one request (all or none) and advancing to the
furthest stage the requirements allow in one call, each stage still its own event and check."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from placement.choices import EventKind, Stage
from placement.models import Document, PlacementEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = timezone.localdate()


def scan(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def item(kind: str, number: str, part: str | None = None, **changes) -> dict:
    document = {
        "kind": kind,
        "number": number,
        "issued_on": (TODAY - timedelta(days=30)).isoformat(),
        "issuer": "Penerbit resmi",
        "expires_on": (TODAY + timedelta(days=700)).isoformat(),
        **changes,
    }
    if part:
        document["file"] = part
    return document


def batch(api, trip, documents: list[dict], **files):
    return api.post(
        f"/api/v1/placements/{trip.pk}/documents/batch/",
        {"documents": json.dumps(documents), **files},
        format="multipart",
    )


def test_several_documents_with_their_files_in_one_request(api_a, journey):
    response = batch(
        api_a,
        journey,
        [
            item("passport", "c1234567", "paspor"),
            item("work_visa", "VDR-1", "visa"),
            item("bpjs", "23019988776", "bpjs"),
        ],
        paspor=scan("paspor.pdf"),
        visa=scan("visa.pdf"),
        bpjs=scan("bpjs.pdf"),
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert [d["kind"] for d in body] == ["passport", "work_visa", "bpjs"]
    assert all(d["has_file"] and d["content_type"] == "application/pdf" for d in body)
    assert Document.objects.get(kind="passport").number == "C1234567"
    added = PlacementEvent.objects.filter(placement_id=journey.pk, kind=EventKind.DOCUMENT_ADDED).count()
    assert added == 3  # each document its own event
    assert response["ETag"] == f'"{journey.pk}-{journey.reload().version}"'


def test_one_bad_document_refuses_the_whole_batch_naming_each_fault(api_a, journey):
    response = batch(
        api_a,
        journey,
        [
            item("passport", "C1234567", "paspor"),
            item("work_visa", "  ", "visa"),
            item("tourist_card", "X-1"),
            item("bpjs", "1", "missing-part"),
        ],
        paspor=scan("paspor.pdf"),
        visa=SimpleUploadedFile("visa.exe", b"MZ\x90\x00 not a scan", content_type="application/pdf"),
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) >= {"documents.1.number", "documents.2.kind", "documents.3.file"}
    assert "documents.0.number" not in errors
    assert not Document.objects.exists()
    assert journey.reload().version == 1


def test_a_batch_the_service_refuses_writes_nothing(api_a, journey):
    """The file's content and the dates are checked by the service: one fault, nothing recorded."""
    response = batch(
        api_a,
        journey,
        [
            item("passport", "C1234567", "paspor"),
            item("work_visa", "VDR-1", "visa", expires_on=(TODAY - timedelta(days=60)).isoformat()),
        ],
        paspor=scan("paspor.pdf"),
        visa=SimpleUploadedFile("visa.pdf", b"MZ\x90\x00 not a scan", content_type="application/pdf"),
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"documents.1.expires_on"}
    assert not Document.objects.exists()


@pytest.mark.parametrize("documents", ["", "not json", "[]", '{"kind": "passport"}'])
def test_the_batch_must_be_a_json_list(api_a, journey, documents):
    response = api_a.post(
        f"/api/v1/placements/{journey.pk}/documents/batch/", {"documents": documents}, format="multipart"
    )
    assert response.status_code == 400 and "documents" in response.json()["errors"]


def test_another_company_cannot_send_a_batch(api_b, journey):
    response = batch(api_b, journey, [item("passport", "C1", "p")], p=scan("p.pdf"))
    assert response.status_code == 404
    assert not Document.objects.exists()


def test_advance_furthest_stops_where_the_requirements_stop_it(api_a, journey):
    journey.provide(Stage.MEDICAL)  # selected needs nothing more; medical has its certificate; training does not

    response = api_a.post(f"/api/v1/placements/{journey.pk}/advance-furthest/", format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["stage"] == Stage.MEDICAL
    assert body["stopped_before"] == Stage.TRAINING
    assert body["missing"] == body["missing_for_next_stage"] and body["missing"]
    assert response["ETag"] == f'"{journey.pk}-{body["version"]}"'
    moves = journey.reload().events.filter(kind=EventKind.ADVANCED).order_by("at", "id")
    assert [(e.from_stage, e.to_stage) for e in moves] == [
        (Stage.REGISTERED, Stage.SELECTED),
        (Stage.SELECTED, Stage.MEDICAL),
    ]


def test_advance_furthest_goes_all_the_way_to_ready(api_a, journey):
    for stage in range(Stage.SELECTED, Stage.READY + 1):
        journey.provide(stage)
    body = api_a.post(f"/api/v1/placements/{journey.pk}/advance-furthest/", format="json").json()
    assert body["stage"] == Stage.READY and body["stopped_before"] is None and body["missing"] == []
    assert journey.reload().events.filter(kind=EventKind.ADVANCED).count() == Stage.READY - Stage.REGISTERED


def test_advance_furthest_that_cannot_move_changes_nothing(api_a, journey):
    journey.advance(Stage.SELECTED)
    version = journey.reload().version
    body = api_a.post(f"/api/v1/placements/{journey.pk}/advance-furthest/", format="json").json()
    assert (body["stage"], body["stopped_before"], body["version"]) == (Stage.SELECTED, Stage.MEDICAL, version)
    assert body["missing"]


def test_advance_furthest_honours_if_match_and_scoping(api_a, api_b, journey):
    stale = api_a.get(f"/api/v1/placements/{journey.pk}/")["ETag"]
    journey.add_document("birth_certificate")
    url = f"/api/v1/placements/{journey.pk}/advance-furthest/"
    assert api_a.post(url, format="json", HTTP_IF_MATCH=stale).status_code == 412
    assert api_b.post(url, format="json").status_code == 404
    assert journey.stage == Stage.REGISTERED
