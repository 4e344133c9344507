"""The phone's resend racing its first send (a lost answer, a retry at once): both answer with the
one report, and the family's consent is kept once. On real PostgreSQL, one thread per send."""

import time
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

import recruitment.services
from recruitment.models import FamilyConsent, Worker
from tests.placement.journey import nik_for, years_before
from tests.placement.test_simultaneous_writes import together
from villages.models import VillageReport

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def areas_and_reference_data():
    call_command("import_areas", verbosity=0)
    call_command("load_reference_data", verbosity=0)


def test_two_sends_of_one_intent_at_once_make_one_report_and_one_consent(village_officer, monkeypatch):
    register = recruitment.services.worker_register

    def slowly(**kwargs):  # both sends pass the "already sent?" check before either writes
        time.sleep(0.3)
        return register(**kwargs)

    monkeypatch.setattr(recruitment.services, "worker_register", slowly)
    today = timezone.localdate()
    born = years_before(today, 24)
    entry = {
        "actor": village_officer,
        "village": village_officer.village,
        "client_id": uuid.uuid4(),
        "occurred_on": today,
        "nik": nik_for(born, "F", 9),
        "full_name": "Siti Aminah",
        "sex": "F",
        "birth_date": born,
        "birth_place": "Selong",
        "education": "smp",
        "marital_status": "single",
        "consenter_name": "Inaq Saenah",
        "consent_relation": "parent",
        "consent_given_on": today - timedelta(days=3),
    }

    outcomes = together(
        lambda: recruitment.services.village_intent_record(**entry),
        lambda: recruitment.services.village_intent_record(**entry),
    )

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    assert outcomes[0].pk == outcomes[1].pk
    assert sorted(outcome.replayed for outcome in outcomes) == [False, True]
    assert (VillageReport.objects.count(), FamilyConsent.objects.count(), Worker.objects.count()) == (1, 1, 1)
