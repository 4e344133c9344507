"""What a person or a program gets when something fails: a friendly page in Indonesian, or
problem+json under /api/ and /data/v1/, never a traceback; 503 with Retry-After when the database
is down; 413 for a body too large; 400 for a NUL character in the address or a filter."""

from unittest import mock

import django_filters
import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.choices import Role
from accounts.services import api_key_create
from recruitment.api.views import CountryViewSet
from tests.factories import UserFactory

PROBLEM = "application/problem+json"


@pytest.fixture
def database_down(django_db_blocker):
    """The database stops answering: every new connection is refused (nothing listens on port 1)."""
    with django_db_blocker.unblock():
        connection.close()
        with mock.patch.dict(connection.settings_dict, {"HOST": "127.0.0.1", "PORT": "1"}):
            yield
        connection.close()


@pytest.fixture
def failing_client(client):
    """The client a browser is: it gets the error page instead of the test seeing the exception."""
    client.raise_request_exception = False
    return client


def test_a_page_is_a_friendly_503_in_indonesian_while_the_database_is_down(failing_client, database_down):
    response = failing_client.get("/cek/perusahaan/", {"q": "Agensi"})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Portal sedang tidak dapat digunakan sebentar" in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_a_signed_in_page_is_the_503_page_too_while_the_database_is_down(failing_client, database_down):
    failing_client.cookies["sessionid"] = "s" * 32  # the session must be read from the database
    response = failing_client.get("/rekrutmen/pekerja/")
    assert response.status_code == 503
    assert "Portal sedang tidak dapat digunakan sebentar" in response.content.decode()


def test_the_api_answers_problem_json_503_while_the_database_is_down(failing_client, database_down):
    failing_client.cookies["sessionid"] = "s" * 32  # a browsing user: the session is in the database
    response = failing_client.get("/api/v1/countries/")
    assert response.status_code == 503
    assert response["Content-Type"] == PROBLEM
    assert response["Retry-After"] == "30"
    body = response.json()
    assert body["status"] == 503 and body["code"] == "service_unavailable"
    assert body["title"] == "Layanan tidak tersedia"


@pytest.fixture
def api_key_header(agency_a):
    admin = UserFactory(username="admin.a", role=Role.AGENCY_ADMIN, agency=agency_a)
    _, secret = api_key_create(actor=admin, name="Sistem A", scope="read")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.django_db
def test_an_exception_in_an_api_view_is_a_problem_json_500_without_traceback(failing_client, api_key_header):
    with mock.patch.object(CountryViewSet, "get_queryset", side_effect=RuntimeError("secret detail")):
        response = failing_client.get("/api/v1/countries/", HTTP_ACCEPT_LANGUAGE="en", **api_key_header)
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["title"] == "Server error" and body["code"] == "server_error"
    assert "secret detail" not in response.content.decode()


@pytest.mark.django_db
def test_a_nul_character_that_reaches_the_database_is_a_400_not_a_500(failing_client, api_key_header):
    """The request guard stops NUL in addresses; should one still reach PostgreSQL, it is refused."""
    error = ValueError("A string literal cannot contain NUL (0x00) characters.")
    with mock.patch.object(CountryViewSet, "get_queryset", side_effect=error):
        response = failing_client.get("/api/v1/countries/", **api_key_header)
    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"


def test_an_exception_on_a_page_is_the_friendly_500_page(failing_client):
    with mock.patch("public.views_vacancies.safe_migration_facts", side_effect=RuntimeError("secret detail")):
        response = failing_client.get("/informasi/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Terjadi kesalahan" in page or "Kesalahan server" in page
    assert "secret detail" not in page


@pytest.mark.django_db
def test_an_unknown_open_register_is_a_problem_json_404(client):
    response = client.get("/data/v1/no-such-register")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


# --- NUL characters in the address or a filter -------------------------------------------------
def _pages_without_arguments(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _pages_without_arguments(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and "<" not in route and "^" not in route:
            yield "/" + route


def _every_filter_parameter() -> set[str]:
    """The name of every filter of every FilterSet (list pages, API, exports share them)."""
    import siskop2mi.urls  # noqa: F401 - imports every app's FilterSets

    names, classes = {"q", "page", "sort", "per_page", "search", "ordering", "cursor"}, [django_filters.FilterSet]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        names.update(getattr(cls, "base_filters", {}))
    return names


@pytest.mark.django_db
def test_no_page_or_endpoint_fails_on_nul_characters_in_its_filters(failing_client, ministry_official):
    failing_client.force_login(ministry_official)
    parameters = {name: "\x00" for name in _every_filter_parameter()}
    assert len(parameters) > 20  # the FilterSets were found
    answers = {path: failing_client.get(path, parameters).status_code for path in _pages_without_arguments()}
    assert not [path for path, status in answers.items() if status >= 500]
    assert answers["/wilayah/"] == 400 and answers["/rekrutmen/pekerja/"] == 400


@pytest.mark.django_db
def test_a_nul_character_in_a_filter_is_a_400_page_saying_so(failing_client, ministry_official):
    failing_client.force_login(ministry_official)
    response = failing_client.get("/wilayah/?q=%00")
    assert response.status_code == 400
    assert "karakter NUL" in response.content.decode()
    assert failing_client.get("/wilayah/?q=Lombok").status_code == 200  # the same search without it works


@pytest.mark.django_db
def test_a_nul_character_in_an_area_address_is_a_400(failing_client, ministry_official):
    failing_client.force_login(ministry_official)
    assert failing_client.get("/wilayah/52%00/").status_code == 400


@pytest.mark.django_db
def test_a_nul_character_in_an_api_filter_is_a_problem_json_400(client, api_key_header):
    response = client.get("/api/v1/workers/", {"name": "Baiq\x00"}, **api_key_header)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "nul_character"


@pytest.mark.django_db
def test_the_api_schema_documents_the_outage_and_the_oversized_body(client):
    paths = client.get("/api/v1/schema/", {"format": "json"}).json()["paths"]
    read = paths["/api/v1/countries/"]["get"]["responses"]
    assert "Retry-After" in read["503"]["headers"] and "500" in read
    assert "413" in paths["/api/v1/workers/"]["post"]["responses"]
