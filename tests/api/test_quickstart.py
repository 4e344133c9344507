"""docs/api.md's curl examples, run as written by bash against a live server.

Only the server address differs (the test server's port instead of make run's 8000); the key
comes from var/demo/credentials.json exactly as the quickstart reads it.
"""

import json
import re
import shutil
import subprocess

import pytest

from siskop2mi.paths import BASE_DIR

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")

QUICKSTART = BASE_DIR / "docs" / "api.md"


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", QUICKSTART.read_text(), flags=re.S)


@pytest.mark.django_db(transaction=True)
def test_the_quickstart_runs_as_written(live_server, reference_data, tmp_path):
    # What make run's demo provides: a licensed company with a key, an employer in Malaysia,
    # a published job order and a placement at stage 1.
    from accounts.choices import Role
    from accounts.services import api_key_create
    from tests.factories import AgencyFactory, EmployerFactory, UserFactory
    from tests.placement import journey
    from tests.placement.journey import license_agency, place, register_worker, select

    agency = license_agency(AgencyFactory(name="PT Bina Tenaga Mandiri (demo)"))
    admin = UserFactory(username="p3mi.admin", role=Role.AGENCY_ADMIN, agency=agency)
    staff = UserFactory(username="p3mi.staf", role=Role.AGENCY_STAFF, agency=agency)
    mission = UserFactory(username="kementerian", role=Role.MINISTRY_OFFICIAL)
    employer = EmployerFactory(name="Sinar Elektronik Sdn Bhd", registration_number="MY-1")
    job_order = journey.job_order(company=staff, mission=mission, agency=agency, employer=employer)
    worker = register_worker(actor=staff, agency=agency)
    place(staff, select(staff, worker, job_order))
    raw_key = api_key_create(actor=admin, name="Demo (docs/api.md)", scope="read_write")[1]
    (tmp_path / "var" / "demo").mkdir(parents=True)
    (tmp_path / "var" / "demo" / "credentials.json").write_text(
        json.dumps({"api_keys": [{"agency": agency.name, "key": raw_key}]})
    )

    script = "set -euo pipefail\n" + "\n".join(
        block.replace("http://127.0.0.1:8000", live_server.url) for block in shell_blocks()
    )
    result = subprocess.run(
        [shutil.which("bash"), "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout
    assert '"code": "MY"' in output or '"code":"MY"' in output  # countries
    assert '"code":"52.03.01.2001"' in output  # area search
    assert '"nik":"5203015403990042"' in output  # registered (the full NIK in the answer to the company)
    assert '"status":"submitted"' in output  # job order draft, then submitted
    assert '"stage":2' in output or '"code":"stage_requirements_missing"' in output  # advance, with If-Match
    assert '"has_file":true' in output  # the passport scan
    assert '"kind":"health_certificate"' in output and '"kind":"birth_certificate"' in output  # one batch
    assert '"stopped_before":' in output  # advanced as far as the requirements allow
    assert '"kind":"created"' in output  # the events
    assert "rows; next:" in output  # incremental sync
    assert "A NIK must be exactly 16 digits." in output  # the error example, in English
    assert len(shell_blocks()) >= 8
