"""NIK and passport numbers encrypted at rest (core.crypto, core.fields): sealed and opened with the
keys of the settings, refused when altered or sealed with a key no longer listed, found by their
keyed hash, masked without decrypting, and re-sealed by `manage.py rotate_personal_data_key`."""

import base64
import os

import pytest
from django.conf import settings
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from core import crypto
from core.crypto import PersonalDataKeyError, PersonalDataTokenError, decrypt, encrypt, keyed_hash
from core.nik import personal_number_columns
from placement.models import Document
from recruitment.filtersets import WorkerFilterSet
from recruitment.models import Worker
from tests.factories import DocumentFactory, WorkerFactory
from villages.models import VillageReport

NIK = "5203015708990001"


def _key(key_id: str) -> str:
    return crypto.new_key_entry(key_id)


def _hash_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _raw(table: str, column: str, row_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [row_id])  # noqa: S608 - names are ours
        return cursor.fetchone()[0]


# --- The token ------------------------------------------------------------------------------


def test_a_number_comes_back_from_its_token_which_shows_no_digit_of_it():
    token = encrypt(NIK)
    assert decrypt(token) == NIK
    assert token.startswith("e1:dev:") and NIK not in token and NIK[-4:] not in token.split(":", 2)[2]


def test_the_same_number_seals_to_a_different_token_each_time():
    assert encrypt(NIK) != encrypt(NIK)


def test_an_altered_token_is_refused():
    token = encrypt(NIK)
    payload = token.split(":", 2)[2]
    flipped = payload[:20] + ("A" if payload[20] != "A" else "B") + payload[21:]
    with pytest.raises(PersonalDataTokenError):
        decrypt(f"e1:dev:{flipped}")
    with pytest.raises(PersonalDataTokenError):
        decrypt(token[:-6])


def test_a_token_relabelled_to_another_key_is_refused():
    token = encrypt(NIK)
    other_keys = override_settings(PERSONAL_DATA_KEYS=[_key("other"), *settings.PERSONAL_DATA_KEYS])
    with other_keys, pytest.raises(PersonalDataTokenError):
        decrypt(token.replace("e1:dev:", "e1:other:"))


def test_a_wrong_key_or_an_unlisted_one_is_refused():
    token = encrypt(NIK)
    with override_settings(PERSONAL_DATA_KEYS=[_key("dev")]), pytest.raises(PersonalDataTokenError):
        decrypt(token)  # the same id, another key
    with override_settings(PERSONAL_DATA_KEYS=[_key("new")]), pytest.raises(PersonalDataTokenError, match="no longer"):
        decrypt(token)


@pytest.mark.parametrize("entries", [[], ["k1"], ["k1:short"], ["bad id!:" + "A" * 43], [_key("k1"), _key("k1")]])
def test_malformed_keys_are_refused(entries):
    with pytest.raises(PersonalDataKeyError):
        crypto.parse_keys(entries)


def test_the_keyed_hash_depends_on_the_key_and_ignores_spaces_and_case():
    assert keyed_hash(" c 1234567 ") == keyed_hash("C1234567")
    assert keyed_hash("") == ""
    with override_settings(PERSONAL_DATA_HASH_KEY=_hash_key()):
        changed = keyed_hash("C1234567")
    assert changed != keyed_hash("C1234567")


# --- In the database ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_worker_table_holds_no_digit_of_the_nik_in_clear(lombok_worker):
    raw = _raw("recruitment_worker", "nik", lombok_worker.pk)
    assert raw.startswith("e1:") and lombok_worker.nik not in raw
    assert Worker.objects.get(pk=lombok_worker.pk).nik == lombok_worker.nik  # read back in full
    assert _raw("recruitment_worker", "nik_hash", lombok_worker.pk) == keyed_hash(lombok_worker.nik)


@pytest.mark.django_db
def test_an_exact_lookup_on_the_encrypted_column_is_refused_loudly(lombok_worker):
    with pytest.raises(FieldError, match="nik_hash"):
        Worker.objects.filter(nik=lombok_worker.nik).exists()
    with pytest.raises(FieldError):
        Worker.objects.filter(nik__startswith="5203").exists()
    assert Worker.objects.exclude(nik="").filter(pk=lombok_worker.pk).exists()  # "no number" still works


@pytest.mark.django_db
def test_the_nik_filter_and_the_portal_search_still_find_the_person(client, agency_a_staff, lombok_worker):
    found = WorkerFilterSet({"nik": lombok_worker.nik}, queryset=Worker.objects.all()).qs
    assert list(found) == [lombok_worker]
    client.force_login(agency_a_staff)
    response = client.post(reverse("portal:worker_find_by_nik"), {"nik": lombok_worker.nik})
    assert response.status_code == 302
    assert response.url == reverse("portal:worker_detail", args=[lombok_worker.pk])


@pytest.mark.django_db
def test_a_second_row_with_the_same_nik_is_refused_with_the_translated_message(lombok_worker):
    twin = Worker(nik=lombok_worker.nik, **personal_number_columns(lombok_worker.nik), full_name="Baiq Rohani")
    with translation.override("id"), pytest.raises(ValidationError) as refused:
        twin.validate_constraints()
    assert refused.value.messages == ["Orang dengan NIK ini sudah terdaftar."]
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkerFactory(nik=lombok_worker.nik, village=lombok_worker.village, birth_date=lombok_worker.birth_date)


@pytest.mark.django_db
def test_a_list_masks_the_nik_and_the_passport_without_decrypting(
    lombok_worker, journey, django_assert_num_queries, monkeypatch
):
    document = DocumentFactory(
        placement=journey.placement, kind="passport", number="C7654321", issued_on="2026-01-05",
        issuer="Kantor Imigrasi Mataram", uploaded_by=journey.actor,
    )  # fmt: skip
    assert _raw("placement_document", "number", document.pk).startswith("e1:")

    def no_decrypting(token):
        raise AssertionError("a list decrypted a personal number")

    monkeypatch.setattr(crypto, "decrypt", no_decrypting)
    with django_assert_num_queries(2):
        workers = list(Worker.objects.defer("nik").filter(pk=lombok_worker.pk))
        documents = list(Document.objects.defer("number").filter(pk=document.pk))
    assert workers[0].masked_nik == "************" + lombok_worker.nik[-4:]
    assert documents[0].masked_number.endswith("321") and "C765" not in documents[0].masked_number


# --- Rotation ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rotating_to_a_new_key_reseals_everything_and_lookups_still_work(lombok_worker, village_officer):
    from villages.services import village_report_create

    key_a, key_b = _key("a"), _key("b")
    with override_settings(PERSONAL_DATA_KEYS=[key_a, *settings.PERSONAL_DATA_KEYS]):
        call_command("rotate_personal_data_key", verbosity=0)  # everything under key a first
        report = village_report_create(
            actor=village_officer, village=village_officer.village, kind="departure_seen",
            occurred_on=lombok_worker.created_at.date(), person_nik=lombok_worker.nik, person_name="Baiq Rohani",
        )  # fmt: skip
        assert _raw("villages_villagereport", "person_nik", report.pk).startswith("e1:a:")
    with override_settings(PERSONAL_DATA_KEYS=[key_b, key_a]):
        first = _rotate()
        assert "recruitment_worker.nik: 1 rows re-encrypted with key 'b'" in first
        assert "villages_villagereport.person_nik: 1 rows" in first
        assert "recruitment_worker.nik: 0 rows" in _rotate()  # idempotent: nothing left to do
    with override_settings(PERSONAL_DATA_KEYS=[key_b]):  # the old key removed
        assert _raw("recruitment_worker", "nik", lombok_worker.pk).startswith("e1:b:")
        assert Worker.objects.get(pk=lombok_worker.pk).nik == lombok_worker.nik
        assert VillageReport.objects.get(pk=report.pk).person_nik == lombok_worker.nik
        assert WorkerFilterSet({"nik": lombok_worker.nik}, queryset=Worker.objects.all()).qs.get() == lombok_worker


@pytest.mark.django_db
def test_a_new_hash_key_recomputes_every_hash(lombok_worker, monkeypatch):
    new_hash_key = _hash_key()
    monkeypatch.setenv("PERSONAL_DATA_NEW_HASH_KEY", new_hash_key)
    call_command("rotate_personal_data_key", "--new-hash-key", verbosity=0)
    assert not Worker.objects.filter(nik_hash=keyed_hash(lombok_worker.nik)).exists()  # old hash gone
    with override_settings(PERSONAL_DATA_HASH_KEY=new_hash_key):
        assert WorkerFilterSet({"nik": lombok_worker.nik}, queryset=Worker.objects.all()).qs.get() == lombok_worker


def test_a_malformed_new_hash_key_is_refused(monkeypatch):
    from django.core.management.base import CommandError

    monkeypatch.setenv("PERSONAL_DATA_NEW_HASH_KEY", "too-short")
    with pytest.raises(CommandError, match="PERSONAL_DATA_NEW_HASH_KEY"):
        call_command("rotate_personal_data_key", "--new-hash-key", verbosity=0)


def _rotate() -> str:
    from io import StringIO

    out = StringIO()
    call_command("rotate_personal_data_key", stdout=out)
    return out.getvalue()
