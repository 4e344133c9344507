"""A page that shows a full personal number records the viewing: the printed E-PMI card (its number),
like the worker page's "Show full NIK" (tests/recruitment/test_views.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.choices import AuditAction
from accounts.models import AuditEntry
from placement.choices import DocumentKind, Stage

pytestmark = pytest.mark.django_db


def test_printing_the_e_pmi_card_records_who_saw_its_number(client, agency_a_staff, journey):
    journey.walk_to(Stage.READY)
    epmi = journey.placement.documents.filter(kind=DocumentKind.EPMI).latest("id")
    client.force_login(agency_a_staff)

    page = client.get(reverse("portal:placement_card", args=[journey.pk]), REMOTE_ADDR="192.0.2.80")

    assert page.status_code == 200 and epmi.number in page.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.PERSONAL_DATA_VIEWED)
    assert (entry.actor, entry.ip_address, entry.detail["door"]) == (agency_a_staff, "192.0.2.80", "page")
    assert entry.detail["records"] == [{"model": "placement.document", "ids": [epmi.pk], "fields": ["number"]}]


def test_behind_the_reverse_proxy_the_audit_names_the_client_not_the_proxy(client, agency_a_staff, journey, settings):
    settings.PUBLIC_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    journey.walk_to(Stage.READY)
    client.force_login(agency_a_staff)

    client.get(
        reverse("portal:placement_card", args=[journey.pk]),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7",
    )

    # The proxy appends the address it saw; whatever the client wrote before it is not trusted.
    entry = AuditEntry.objects.get(action=AuditAction.PERSONAL_DATA_VIEWED)
    assert entry.ip_address == "198.51.100.7"


def test_a_card_refused_in_this_stage_records_nothing(client, agency_a_staff, journey):
    client.force_login(agency_a_staff)
    assert client.get(reverse("portal:placement_card", args=[journey.pk])).status_code == 409
    assert not AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED).exists()
