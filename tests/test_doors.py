"""docs/doors.md, the map of doors, stays true: every step of the lifecycle names a page or endpoint
of the product (not the admin) that resolves, and a test that exists (issue 12, point 8)."""

import re
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from siskop2mi import paths

DOORS = paths.BASE_DIR / "docs" / "doors.md"
# `GET/POST /rekrutmen/lowongan/<pk>/izin/ajukan/`, `POST /api/v1/job-orders/{id}/permits/`
DOOR = re.compile(r"`((?:GET|POST|PUT|PATCH|DELETE)(?:/(?:GET|POST|PUT|PATCH|DELETE))*) (/[^`\s]*)`")
TEST = re.compile(r"`(tests/[\w/]+\.py)((?:::\w+)+)`")


def _rows() -> list[list[str]]:
    """The rows of the doc's tables that name a step: | step | actor | page or endpoint | test |."""
    rows = []
    for line in DOORS.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 4 and cells[0] not in ("step", "---"):
            rows.append(cells)
    return rows


ROWS = _rows()


def test_the_map_covers_the_lifecycle_from_job_order_to_return():
    steps = " ".join(row[0] for row in ROWS).lower()
    for step in (
        "job order drafted", "submitted", "verified", "rejected", "permit", "issued", "refused", "revoked",
        "published", "regency counter", "registered by a company", "application", "selection",
        "placement registered", "training", "documents", "agreement", "contract", "stage advanced", "fee",
        "departure planned", "departure", "arrival", "confirmed", "return", "cancellation", "red flag",
        "sanctioned",
    ):  # fmt: skip
        assert step in steps, step


@pytest.mark.parametrize("row", ROWS, ids=[row[0] for row in ROWS])
def test_each_step_names_its_actor_a_door_of_the_product_and_an_existing_test(row):
    step, actor, doors, tests = row
    assert actor
    found = DOOR.findall(doors)
    assert found, f"{step}: no page or endpoint"
    for _methods, path in found:
        concrete = path.replace("<pk>", "1").replace("{id}", "1")
        try:
            match = resolve(concrete)
        except Resolver404:
            pytest.fail(f"{step}: {path} is no page or endpoint of the product")
        assert "admin" not in match.namespaces, f"{step}: {path} is the admin"
    named = TEST.findall(tests)
    assert named, f"{step}: no test named"
    for file, node in named:
        source = (paths.BASE_DIR / Path(file)).read_text()
        *classes, name = node.strip(":").split("::")
        for cls in classes:
            assert re.search(rf"^class {cls}\b", source, re.MULTILINE), f"{step}: no class {cls} in {file}"
        assert re.search(rf"^\s*(async )?def {name}\(", source, re.MULTILINE), f"{step}: no {name} in {file}"


def test_every_service_that_records_a_step_is_on_the_map():
    """A new service (a public function of a services module taking ``actor``) must be given its door,
    or be listed as not yet having one, in docs/doors.md."""
    import inspect

    import agencies.services
    import complaints.services
    import oversight.services
    import placement.services
    import recruitment.services
    import villages.services

    named = set(re.findall(r"`(\w+)`", DOORS.read_text()))
    services = [
        name
        for module in (
            recruitment.services,
            placement.services,
            agencies.services,
            oversight.services,
            villages.services,
            complaints.services,
        )
        for name, function in vars(module).items()
        if inspect.isfunction(function)
        and function.__module__ == module.__name__
        and not name.startswith("_")
        and "actor" in inspect.signature(function).parameters
    ]
    assert len(services) > 30
    assert sorted(set(services) - named) == []
