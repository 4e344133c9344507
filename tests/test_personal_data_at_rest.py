"""Issue 16's "done when": no full NIK and no passport number appears in a plain-text dump of the
database holding the demo data. Every table of the schema is dumped as COPY text (what pg_dump
writes for the rows) and searched for each number the demo holds, read back decrypted."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection

from agencies.models import FieldRecruiter
from complaints.models import Complaint
from placement.choices import DocumentKind
from placement.models import Document
from recruitment.models import Worker
from siskop2mi import paths
from villages.models import VillageReport

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def seeded(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "DEMO_DIR", tmp_path)
    call_command("seed_demo", verbosity=0)
    return json.loads((tmp_path / "credentials.json").read_text())


def _personal_numbers() -> set[str]:
    """Every NIK and passport number of the demo, as the portal reads them (decrypted)."""
    numbers = set(Worker.objects.values_list("nik", flat=True))
    numbers |= set(FieldRecruiter.objects.exclude(nik="").values_list("nik", flat=True))
    numbers |= set(VillageReport.objects.exclude(person_nik="").values_list("person_nik", flat=True))
    numbers |= set(Complaint.objects.exclude(worker_nik="").values_list("worker_nik", flat=True))
    numbers |= set(Document.objects.filter(kind=DocumentKind.PASSPORT).values_list("number", flat=True))
    return numbers


def _dump() -> dict[str, str]:
    """Each table of the schema as the text COPY writes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
        tables = [name for (name,) in cursor.fetchall()]
        dump = {}
        for table in tables:
            out = io.StringIO()
            # The query form: plain COPY TO refuses a partitioned table (placement events, audit entries).
            cursor.copy_expert(f"COPY (SELECT * FROM {connection.ops.quote_name(table)}) TO STDOUT", out)
            dump[table] = out.getvalue()
    return dump


def test_no_nik_or_passport_number_of_the_demo_is_stored_in_clear(seeded):
    numbers = _personal_numbers()
    assert len(numbers) > 100  # the demo's people, reports and passports
    assert any(len(number) == 16 and number.isdigit() for number in numbers)
    any_number = re.compile("|".join(re.escape(number) for number in sorted(numbers, key=len, reverse=True)))
    leaks = {table: sorted(set(any_number.findall(text)))[:3] for table, text in _dump().items()}
    leaks = {table: found for table, found in leaks.items() if found}
    assert leaks == {}, f"personal numbers in clear in: {', '.join(sorted(leaks))}"


def tables_holding(numbers: set[str]) -> list[str]:
    """The tables of the schema whose dump shows any of ``numbers``."""
    any_number = re.compile("|".join(re.escape(number) for number in numbers))
    return sorted(table for table, text in _dump().items() if any_number.search(text))
