"""The open registers (issue 15, point 7): companies, published job orders and placement figures
under /data/v1/, as JSON and CSV, cacheable (ETag, Last-Modified, 304), under an open licence,
described by OpenAPI, and with nothing personal in them."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from agencies.models import Agency, Branch
from agencies.services import agency_sanction
from placement.choices import Stage
from tests.placement import journey as steps

pytestmark = pytest.mark.django_db

INDEX = reverse("public:data_index")
OPENAPI = reverse("public:data_openapi")


def register_url(name: str) -> str:
    return reverse("public:data_register", args=[name])


def rows_of(response) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)["data"]


def csv_rows(response) -> tuple[str, list[dict]]:
    assert response.status_code == 200
    text = response.content.decode()
    comment, _, rest = text.partition("\n")
    return comment, list(csv.DictReader(io.StringIO(rest)))


@pytest.fixture
def company(licensed_agency):
    licensed_agency.head_office_regency_id = "52.03"
    licensed_agency.save()
    Branch.objects.create(agency=licensed_agency, regency_id="53.01")
    Branch.objects.create(agency=licensed_agency, regency_id="52.01")
    return licensed_agency


# --- companies ----------------------------------------------------------------------------------


def test_the_companies_register_lists_each_company_with_its_licence_head_office_and_branches(client, company):
    [row] = [row for row in rows_of(client.get(register_url("companies"))) if row["id"] == company.pk]
    assert row["name"] == company.name
    assert row["sip3mi"] == company.licence_number
    assert row["licence_status"] == "active"
    assert row["head_office_regency_code"] == "52.03"
    assert row["head_office_regency"] == "Kabupaten Lombok Timur"
    assert row["branch_regency_codes"] == ["52.01", "53.01"]
    assert len(row["branch_regencies"]) == 2


def test_a_revoked_licence_shows_in_the_register(client, company, ministry_official, in_english):
    agency_sanction(
        actor=ministry_official,
        agency_id=company.pk,
        kind="revocation",
        reason="Pelanggaran berat",
        starts_on=timezone.localdate(),
    )
    [row] = [row for row in rows_of(client.get(register_url("companies"))) if row["id"] == company.pk]
    assert row["licence_status"] == "revoked"


def test_a_register_carries_its_open_licence_and_may_be_cached_by_anyone(client, company):
    response = client.get(register_url("companies"))
    body = json.loads(response.content)
    assert body["licence"]["id"] == "CC-BY-4.0"
    assert body["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "CC BY 4.0" in body["notice"]["en"] and "CC BY 4.0" in body["notice"]["id"]
    assert body["notice"]["id"] != body["notice"]["en"]  # the Indonesian note is a translation
    assert body["count"] == len(body["data"])
    assert '<https://creativecommons.org/licenses/by/4.0/>; rel="license"' in response["Link"]
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/json"
    assert "Set-Cookie" not in response.headers


def test_the_etag_answers_304_until_the_data_changes(client, company, ministry_official):
    first = client.get(register_url("companies"))
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    again = client.get(register_url("companies"), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"] == "public, max-age=300"

    agency_sanction(
        actor=ministry_official, agency_id=company.pk, kind="suspension", reason="Audit", starts_on=timezone.localdate()
    )
    changed = client.get(register_url("companies"), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_a_branch_opened_changes_the_etag_though_the_company_row_was_not_saved(client, company):
    etag = client.get(register_url("companies"))["ETag"]
    Branch.objects.create(agency=company, regency_id="53.02")
    assert client.get(register_url("companies"), HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_last_modified_is_the_newest_change_and_if_modified_since_answers_304(client, company):
    response = client.get(register_url("companies"))
    company.refresh_from_db()
    assert response["Last-Modified"] == http_date(company.updated_at.timestamp())
    assert client.get(register_url("companies"), HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    earlier = http_date((company.updated_at - timedelta(minutes=5)).timestamp())
    assert client.get(register_url("companies"), HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_csv_by_suffix_or_parameter_starts_with_the_licence_line(client, company):
    by_suffix = client.get(register_url("companies.csv"))
    by_parameter = client.get(register_url("companies"), {"format": "csv"})
    assert by_suffix.content == by_parameter.content
    assert by_suffix["Content-Type"].startswith("text/csv")
    comment, rows = csv_rows(by_suffix)
    assert comment.startswith("# ") and "CC-BY-4.0" in comment and "creativecommons.org/licenses/by/4.0" in comment
    [row] = [row for row in rows if row["id"] == str(company.pk)]
    assert row["licence_status"] == "active"
    assert row["branch_regency_codes"] == "52.01;53.01"
    # Each format has its own ETag: a cache must not hand the JSON to whoever asked for the CSV.
    assert by_suffix["ETag"] != client.get(register_url("companies.json"))["ETag"]
    assert client.get(register_url("companies.csv"), HTTP_IF_NONE_MATCH=by_suffix["ETag"]).status_code == 304


@pytest.mark.parametrize("name", ["workers", "companies.xml", "companies.csv.json", "companies.json?x"])
def test_an_unknown_register_or_format_is_not_found(client, name):
    assert client.get(register_url(name)).status_code == 404


def test_a_format_parameter_contradicting_the_suffix_is_not_found(client):
    assert client.get(register_url("companies.json"), {"format": "csv"}).status_code == 404
    assert client.get(register_url("companies"), {"format": "xlsx"}).status_code == 404


def test_a_register_can_only_be_read(client):
    assert client.post(register_url("companies")).status_code == 405
    assert client.head(register_url("companies")).status_code == 200


def test_the_companies_register_costs_the_same_queries_for_one_or_many(client, company, django_assert_num_queries):
    client.get(register_url("companies"))  # warm up (session, language)
    with django_assert_num_queries(2):
        client.get(register_url("companies"))
    for number in range(5):
        company = steps.license_agency(
            Agency.objects.create(name=f"PT Contoh {number}", head_office_regency_id="52.01")
        )
        Branch.objects.create(agency=company, regency_id="53.01")
    with django_assert_num_queries(2):
        client.get(register_url("companies"))


# --- job orders ---------------------------------------------------------------------------------


@pytest.fixture
def split_job_order(licensed_agency, agency_a_staff, ministry_official, malaysian_factory):
    """Published, 10 positions of which 6 for women and 4 for men, recruiting in Lombok Timur and Kupang."""
    return steps.job_order(
        company=agency_a_staff,
        mission=ministry_official,
        agency=licensed_agency,
        employer=malaysian_factory,
        quota=10,
        quota_female=6,
        quota_male=4,
        regions=("52.03", "53.01"),
    )


def job_order_row(client, job_order, name="job-orders"):
    rows = rows_of(client.get(register_url(name)))
    matching = [row for row in rows if row["id"] == job_order.pk]
    return matching[0] if matching else None


def test_a_published_job_order_is_listed_with_its_places_left_by_sex_and_regions(
    client, split_job_order, agency_a_staff, lombok_worker
):
    before = job_order_row(client, split_job_order)
    assert (before["quota"], before["quota_left"], before["quota_left_female"], before["quota_left_male"]) == (
        10,
        10,
        6,
        4,
    )
    assert before["region_codes"] == ["52.03", "53.01"]
    assert before["regions"] == ["Kabupaten Lombok Timur", "Kabupaten Kupang"]
    assert before["company_id"] == split_job_order.agency_id
    assert before["country_code"] == "MY"
    assert before["reference"] == split_job_order.reference
    assert before["mission_verified_on"] == split_job_order.mission_verified_on.isoformat()

    journey = steps.place(agency_a_staff, steps.select(agency_a_staff, lombok_worker, split_job_order))  # a woman
    after = job_order_row(client, split_job_order)
    assert (after["quota_left"], after["quota_left_female"], after["quota_left_male"]) == (9, 5, 4)

    journey.cancel()  # a cancelled placement frees its place
    freed = job_order_row(client, split_job_order)
    assert (freed["quota_left"], freed["quota_left_female"]) == (10, 6)


def test_the_job_order_register_leaves_out_the_employer_and_unpublished_job_orders(
    client, split_job_order, licensed_agency, agency_a_staff, ministry_official, malaysian_factory
):
    draft = steps.job_order(
        company=agency_a_staff,
        mission=ministry_official,
        agency=licensed_agency,
        employer=malaysian_factory,
        status="verified",
    )
    response = client.get(register_url("job-orders"))
    assert job_order_row(client, draft) is None
    assert job_order_row(client, split_job_order) is not None
    assert malaysian_factory.name.encode() not in response.content  # a household employer is a private person


def test_a_job_order_closed_changes_the_register_and_its_validators(client, split_job_order, agency_a_staff):
    from recruitment.services import job_order_close

    first = client.get(register_url("job-orders.csv"))
    job_order_close(actor=agency_a_staff, job_order_id=split_job_order.pk)
    second = client.get(register_url("job-orders.csv"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert f"\n{split_job_order.pk}," not in second.content.decode()


# --- placement figures --------------------------------------------------------------------------


def test_placement_figures_count_by_province_and_month_without_anyone_in_them(client, journey, lombok_worker):
    journey.walk_to(Stage.READY)
    journey.depart()
    rows = rows_of(client.get(register_url("placement-figures")))
    registered_month = timezone.localdate().strftime("%Y-%m")
    departed_month = journey.departure.strftime("%Y-%m")
    ntb = {row["month"]: row for row in rows if row["province_code"] == "52"}
    assert ntb[registered_month]["registered"] == 1
    assert ntb[departed_month]["departed"] == 1
    assert ntb[registered_month]["province"] == "Nusa Tenggara Barat"
    assert set(rows[0]) == {"province_code", "province", "month", "registered", "departed", "returned"}
    for response in (client.get(register_url("placement-figures")), client.get(register_url("placement-figures.csv"))):
        body = response.content.decode()
        assert lombok_worker.full_name not in body
        assert lombok_worker.nik not in body
        assert lombok_worker.birth_date.isoformat() not in body


# --- what there is, and its description ----------------------------------------------------------


def test_the_index_links_each_register_in_both_formats(client):
    body = json.loads(client.get(INDEX).content)
    assert [register["name"] for register in body["registers"]] == ["companies", "job-orders", "placement-figures"]
    for register in body["registers"]:
        assert client.get(register["json"]).status_code == 200
        assert client.get(register["csv"])["Content-Type"].startswith("text/csv")
    assert body["openapi"] == OPENAPI


def test_the_openapi_description_names_every_column_of_every_register(client, split_job_order):
    response = client.get(OPENAPI)
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.1")
    assert document["info"]["license"]["identifier"] == "CC-BY-4.0"
    assert {"/companies", "/companies.csv", "/job-orders", "/job-orders.csv", "/placement-figures"} <= set(
        document["paths"]
    )
    schemas = document["components"]["schemas"]
    for name, schema in (
        ("companies", "Companies"),
        ("job-orders", "JobOrders"),
        ("placement-figures", "PlacementFigures"),
    ):
        described = set(schemas[schema]["properties"])
        listed = rows_of(client.get(register_url(name)))
        header = csv_rows(client.get(register_url(f"{name}.csv")))[1]
        if listed:
            assert set(listed[0]) == described
        assert described == set(schemas[schema]["required"])
        if header:
            assert list(header[0]) == list(schemas[schema]["properties"])
    assert client.get(OPENAPI, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_the_partner_api_schema_does_not_describe_the_registers(client, ministry_official):
    client.force_login(ministry_official)
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/data/v1" not in schema and "placement-figures" not in schema


def test_without_positions_by_sex_either_sex_may_take_any_place_left(client, journey, factory_job_order):
    row = job_order_row(client, factory_job_order)
    assert (row["quota_female"], row["quota_male"]) == (None, None)
    assert (row["quota_left"], row["quota_left_female"], row["quota_left_male"]) == (9, 9, 9)


def test_a_register_goes_gzipped_to_who_accepts_it_and_its_weak_etag_still_answers_304(client, company):
    import gzip

    response = client.get(register_url("companies.csv"), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert gzip.decompress(response.content).decode() == client.get(register_url("companies.csv")).content.decode()
    etag = response["ETag"]
    assert etag.startswith('W/"')
    again = client.get(register_url("companies.csv"), HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
