"""A personal number sent through the API is kept nowhere in clear: not in its encrypted column
(tests/test_personal_data_at_rest.py dumps the demo), nor in what the API keeps of the exchange."""

import pytest

from core.crypto import keyed_hash
from tests.api.test_recruitment import worker_body
from tests.test_personal_data_at_rest import tables_holding

pytestmark = pytest.mark.django_db


def test_a_nik_registered_through_the_api_is_in_no_table_in_clear(api_a, licensed_agency):
    """The API answers the full NIK to the company that registered the person; with an
    Idempotency-Key that first answer is stored for replays, and must not keep the number either."""
    body = worker_body()
    created = api_a.post("/api/v1/workers/", body, format="json", HTTP_IDEMPOTENCY_KEY="reg-at-rest-1")
    assert created.status_code == 201
    assert tables_holding({body["nik"]}) == []
    assert "recruitment_worker" in tables_holding({keyed_hash(body["nik"])})  # the dump does see the row
