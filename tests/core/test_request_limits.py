"""The request guards: a body over the limit is refused from its Content-Length, unread."""

import json

import pytest
from django.test import RequestFactory
from django.utils import translation

from core.request_limits import RequestBodyLimitMiddleware

MB = 1024 * 1024
PROBLEM = "application/problem+json"


def _never_called(request):
    raise AssertionError("the request went on to the view")


def _passed_on(request):
    from django.http import HttpResponse

    return HttpResponse("read on")


def test_an_upload_declaring_more_than_the_limit_is_a_413_and_its_body_is_never_read(settings):
    settings.MAX_REQUEST_BODY_BYTES = 16 * MB
    request = RequestFactory().generic(
        "POST",
        "/pengaduan/baru/",
        b"--x\r\n",  # a few bytes: reading the 2 GB it declares would fail the test client's payload
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(2048 * MB),
    )
    # Called without the middleware before it: the language LocaleMiddleware would have set, Indonesian.
    with translation.override("id"):
        response = RequestBodyLimitMiddleware(_never_called)(request)
    assert response.status_code == 413
    assert request.META["wsgi.input"].read_started is False
    assert "Yang Anda kirim terlalu besar" in response.content.decode()


def test_an_upload_within_the_limit_goes_on(settings):
    settings.MAX_REQUEST_BODY_BYTES = 16 * MB
    request = RequestFactory().generic(
        "POST",
        "/pengaduan/baru/",
        b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(15 * MB),
    )
    assert RequestBodyLimitMiddleware(_passed_on)(request).content == b"read on"


def test_a_json_body_is_held_to_the_data_upload_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * MB
    request = RequestFactory().generic(
        "POST", "/api/v1/workers/", b"{}", content_type="application/json", CONTENT_LENGTH=str(3 * MB)
    )
    response = RequestBodyLimitMiddleware(_never_called)(request)
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert json.loads(response.content)["code"] == "request_too_large"
    assert request.META["wsgi.input"].read_started is False


def test_a_chunked_body_without_content_length_is_refused_not_read_as_empty():
    request = RequestFactory().generic(
        "POST", "/api/v1/workers/", b"", content_type="application/json", HTTP_TRANSFER_ENCODING="chunked"
    )
    request.META.pop("CONTENT_LENGTH", None)
    response = RequestBodyLimitMiddleware(_never_called)(request)
    assert response.status_code == 411
    assert json.loads(response.content)["code"] == "length_required"


@pytest.mark.django_db
def test_oversized_json_sent_to_the_api_is_a_413_problem_json(client):
    body = '{"name": "' + "x" * (3 * MB) + '"}'
    response = client.post("/api/v1/workers/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["title"] == "Request too large"


@pytest.mark.django_db
def test_a_form_field_larger_than_django_reads_is_the_413_page(client):
    """A multipart form within the body limit whose text field alone is over DATA_UPLOAD_MAX_MEMORY_SIZE:
    Django refuses it while parsing (RequestDataTooBig), and that too is the 413 page, not a 400."""
    response = client.post("/pengaduan/baru/", {"description": "x" * (3 * MB)})
    assert response.status_code == 413
    assert "Yang Anda kirim terlalu besar" in response.content.decode()
