"""A NIK never travels in a URL (access logs, proxies and histories keep URLs): the API finds people
and placements by NIK with POST .../search/ and a JSON body, and refuses a NIK in a query string."""

from __future__ import annotations

import pytest

from tests.placement.journey import nik_for

pytestmark = pytest.mark.django_db


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _search(client, what: str, body: dict):
    return client.post(f"/api/v1/{what}/search/", body, format="json")


class TestWorkerSearch:
    def test_found_by_its_exact_nik_and_answered_like_the_list(self, api_a, lombok_worker):
        found = _search(api_a, "workers", {"nik": lombok_worker.nik})
        assert _ids(found) == [lombok_worker.pk]
        listed = api_a.get("/api/v1/workers/").json()["results"]
        assert found.json()["results"] == listed  # same shape, NIK masked
        assert set(found.json()) == {"next", "previous", "results"}

    def test_an_unknown_nik_finds_nothing(self, api_a, lombok_worker):
        assert _ids(_search(api_a, "workers", {"nik": nik_for(lombok_worker.birth_date, "F", serial=99)})) == []

    def test_another_companys_worker_is_not_found(self, api_b, lombok_worker):
        assert _ids(_search(api_b, "workers", {"nik": lombok_worker.nik})) == []

    def test_the_other_filters_go_in_the_body_too(self, api_a, lombok_worker):
        assert _ids(_search(api_a, "workers", {"nik": lombok_worker.nik, "sex": "F"})) == [lombok_worker.pk]
        assert _ids(_search(api_a, "workers", {"nik": lombok_worker.nik, "sex": "M"})) == []
        assert _ids(_search(api_a, "workers", {"name": "rohani"})) == [lombok_worker.pk]
        assert _ids(_search(api_a, "workers", {})) == [lombok_worker.pk]  # no filter: the whole list

    def test_a_fragment_or_a_bad_filter_is_400(self, api_a, lombok_worker):
        response = _search(api_a, "workers", {"nik": lombok_worker.nik[:10]})
        assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
        assert "nik" in response.json()["errors"]

    def test_a_read_only_key_may_search(self, api_a_read_only, lombok_worker):
        assert _ids(_search(api_a_read_only, "workers", {"nik": lombok_worker.nik})) == [lombok_worker.pk]

    def test_a_nik_in_the_query_string_is_refused_and_told_where_to_send_it(self, api_a, lombok_worker):
        for url in (f"/api/v1/workers/?nik={lombok_worker.nik}", "/api/v1/workers/?nik=123&sex=F"):
            response = api_a.get(url)
            assert response.status_code == 400
            assert response["Content-Type"] == "application/problem+json"
            body = response.json()
            assert body["code"] == "nik_in_url"
            assert "POST /api/v1/workers/search/" in body["detail"] and "nik" in body["errors"]
            assert lombok_worker.nik not in response.content.decode()

    def test_the_refusal_speaks_indonesian_by_default(self, api_a, lombok_worker):
        response = api_a.get(f"/api/v1/workers/?nik={lombok_worker.nik}", HTTP_ACCEPT_LANGUAGE="id")
        assert response.status_code == 400 and "POST /api/v1/workers/search/" in response.json()["detail"]
        assert "NIK tidak pernah" in response.json()["detail"]

    def test_the_list_still_takes_its_other_filters_in_the_query_string(self, api_a, lombok_worker):
        assert _ids(api_a.get("/api/v1/workers/?sex=F")) == [lombok_worker.pk]


class TestPlacementSearch:
    def test_found_by_the_workers_nik_within_the_companys_placements(self, api_a, api_b, journey):
        nik = journey.placement.worker.nik
        assert _ids(_search(api_a, "placements", {"nik": nik})) == [journey.pk]
        here, elsewhere = str(journey.stage), str(journey.stage + 1)
        assert _ids(_search(api_a, "placements", {"nik": nik, "stage": [here, elsewhere]})) == [journey.pk]
        assert _ids(_search(api_a, "placements", {"nik": nik, "stage": [elsewhere]})) == []
        assert _ids(_search(api_b, "placements", {"nik": nik})) == []

    def test_a_nik_in_the_query_string_is_refused(self, api_a, journey):
        response = api_a.get(f"/api/v1/placements/?nik={journey.placement.worker.nik}")
        assert response.status_code == 400 and "POST /api/v1/placements/search/" in response.json()["detail"]


def test_every_list_that_filters_by_nik_refuses_it_in_the_url(api_a):
    for what in ("applications", "enrolments"):
        response = api_a.get(f"/api/v1/{what}/?nik=5203015204980001")
        assert response.status_code == 400 and f"POST /api/v1/{what}/search/" in response.json()["detail"]


def test_the_schema_documents_the_search_and_no_nik_query_parameter(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    listing = schema["paths"]["/api/v1/workers/"]["get"]
    assert "nik" not in [p["name"] for p in listing["parameters"]]
    assert "sex" in [p["name"] for p in listing["parameters"]]
    search = schema["paths"]["/api/v1/workers/search/"]["post"]
    body = search["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert "nik" in schema["components"]["schemas"][body]["properties"]
    assert "nik" not in [p["name"] for p in search.get("parameters", [])]
    assert "/api/v1/placements/search/" in schema["paths"]


def test_a_body_of_the_wrong_shape_is_400_not_an_error(api_a, lombok_worker):
    for body in ([lombok_worker.nik], {"updated_since": [None, None]}, {"stage": "x"}, {"worker": "abc"}):
        response = _search(api_a, "placements", body)
        assert response.status_code == 400, body
        assert response["Content-Type"] == "application/problem+json"


def test_officials_find_village_reports_by_nik_within_their_jurisdiction(
    village_officer, lotim_regency_official, ntt_regency_official
):
    from tests.api.test_village_reports import ROHANI_NIK, URL, _phone, departure

    report = _phone(village_officer).post(URL, departure(), format="json").json()
    search = f"{URL}search/"
    assert _ids(_phone(lotim_regency_official).post(search, {"nik": ROHANI_NIK}, format="json")) == [report["id"]]
    assert _ids(_phone(village_officer).post(search, {"nik": ROHANI_NIK}, format="json")) == [report["id"]]
    assert _ids(_phone(ntt_regency_official).post(search, {"nik": ROHANI_NIK}, format="json")) == []
    refused = _phone(lotim_regency_official).get(f"{URL}?nik={ROHANI_NIK}")
    assert refused.status_code == 400 and refused.json()["code"] == "nik_in_url"
