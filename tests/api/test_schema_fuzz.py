"""Schemathesis against our own OpenAPI schema, in process: every operation, generated input,
with a read-write key of a company that has data. Zero server errors and every response
(status, content type, headers, body) as the schema documents it."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _load_schema():
    # pytest-django has configured Django before collection; the schema view needs no database.
    from siskop2mi.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


schema = _load_schema()


@pytest.fixture
def company_with_data(key_a, journey, settings):
    """Agency A's key, and a placement, worker and job order of theirs for ids to land on."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # Fuzzing sends hundreds of requests with one key: lift the per-key budget for it.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"partner": "100000/minute"}}
    # As Django's test client does: a request must not close the test's connection (and transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield key_a[1]
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# One test per operation, named by it: Schemathesis's own parametrize gives all of them the same
# test id, and pytest-xdist (`make test`) runs only one test of an id.
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation.label for operation in OPERATIONS])
def test_every_operation_conforms_to_the_schema(operation, company_with_data):
    cases = st.one_of(*(operation.as_strategy(mode) for mode in schema.config.generation.modes))

    @given(case=cases)
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def conforms(case):
        response = case.call(headers={"Authorization": f"Bearer {company_with_data}", "Accept-Language": "en"})
        case.validate_response(response, checks=CHECKS)

    conforms()
