"""The complaint a family brings to the village office, as a plain HTML form (issue 14, point 1):
without JavaScript it is filed at once and the answer shows the tracking code and the secret this
once; a refused one comes back with its messages and writes nothing; a form sent twice files one
complaint; the village home lists the village's complaints; only village officers may use it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from complaints.services import complaint_file, complaint_for_code
from core.models import OutboundMessage
from tests.placement.journey import TANJUNG_LUAR, register_worker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/desa/lapor/pengaduan/"


def _values(client, **overrides) -> dict:
    page = client.get(URL)
    assert page.status_code == 200
    return {
        "client_id": str(page.context["form"]["client_id"].value()),
        "category": "documents_held",
        "description": "Paspor Baiq Rohani ditahan majikan di Kuala Lumpur.",
        "occurred_on": (timezone.localdate() - timedelta(days=10)).isoformat(),
        "country": "MY",
        "person": "",
        "worker_name": "Baiq Rohani",
        "complainant_name": "Inaq Saenah",
        "complainant_phone": "081900002222",
        "complainant_relation": "family",
        **overrides,
    }


def test_the_form_is_a_village_form_sent_to_the_complaints_api(client, village_officer):
    client.force_login(village_officer)

    home = client.get(reverse("portal:village_home")).content.decode()
    page = client.get(URL).content.decode()

    assert f'href="{URL}"' in home and "A complaint of a family" in home
    form = re.search(r"<form[^>]*data-village-form[^>]*>", page).group(0)
    assert 'data-api-url="/api/v1/village-complaints/"' in form and "data-kind" not in form
    names = "category description occurred_on involves_minor person worker_name country complainant_name"
    names += " complainant_phone complainant_relation identity_shared_with_company"
    for name in names.split():
        assert f'name="{name}"' in page, name
    # Every input has its label (WCAG): the checkboxes too.
    assert '<label class="form-check-label" for="id_involves_minor">' in page


def test_without_javascript_the_complaint_is_filed_and_its_code_and_secret_shown_once(client, village_officer):
    client.force_login(village_officer)
    values = _values(client)

    response = client.post(URL, values)

    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.area_code, complaint.category, str(complaint.client_id)) == (
        "village",
        TANJUNG_LUAR,
        "documents_held",
        values["client_id"],
    )
    text = response.content.decode()
    code = re.search(r'id="tracking-code">([^<]+)<', text).group(1)
    secret = re.search(r'id="tracking-secret">([^<]+)<', text).group(1)
    assert code == complaint.tracking_code
    assert complaint_for_code(code, secret) == complaint
    assert "An SMS with the code and the secret is sent to 081900002222." in text
    assert "no-store" in response["Cache-Control"]
    sms = OutboundMessage.objects.get(channel="sms")
    assert code in sms.body and secret in sms.body

    # Sent twice (a double tap, a resend after a lost answer): one complaint, the secret not shown again.
    again = client.post(URL, values)
    assert Complaint.objects.count() == 1
    assert "Already filed" in again.content.decode() and 'id="tracking-secret"' not in again.content.decode()

    # The village home lists it, so the officer can tell the family.
    home = client.get(reverse("portal:village_home")).content.decode()
    assert complaint.tracking_code in home and "Documents held by the employer" in home and "Received" in home


def test_without_a_phone_no_sms_is_promised(client, village_officer):
    client.force_login(village_officer)

    response = client.post(URL, _values(client, complainant_phone=""))

    assert 'id="tracking-secret"' in response.content.decode()
    assert "An SMS" not in response.content.decode()
    assert not OutboundMessage.objects.filter(channel="sms").exists()


def test_a_refused_complaint_comes_back_with_its_messages_and_nothing_is_written(client, village_officer):
    client.force_login(village_officer)
    future = (timezone.localdate() + timedelta(days=2)).isoformat()

    response = client.post(URL, _values(client, description="paspor", occurred_on=future))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Nothing was saved. Please correct what is marked below." in text
    assert "At least 10 letters" in text or "at least 10 letters" in text
    assert "The date cannot be in the future." in text
    assert response.context["form"]["worker_name"].value() == "Baiq Rohani"  # what was typed stays
    assert not Complaint.objects.exists() and not OutboundMessage.objects.exists()

    missing = client.post(URL, _values(client, category=""))
    assert "This field is required." in missing.content.decode()
    assert not Complaint.objects.exists()


def test_a_person_of_the_village_is_chosen_from_the_list(client, village_officer, agency_a_staff, licensed_agency):
    worker = register_worker(actor=agency_a_staff, agency=licensed_agency, serial=5, full_name="Baiq Rohani")
    stranger = register_worker(
        actor=agency_a_staff, agency=licensed_agency, serial=6, full_name="Lalu Tetangga", village="52.03.01.2002"
    )
    client.force_login(village_officer)
    page = client.get(URL).content.decode()
    assert f'<option value="{worker.pk}">' in page and f'value="{stranger.pk}"' not in page
    assert worker.nik not in page  # the page is kept on the phone: no full NIK

    client.post(URL, _values(client, person=str(worker.pk), worker_name=""))
    refused = client.post(URL, _values(client, person=str(stranger.pk)))

    complaint = Complaint.objects.get()
    assert (complaint.worker, complaint.worker_name) == (worker, "Baiq Rohani")
    assert "person" in refused.context["form"].errors


def test_the_home_lists_only_what_the_village_filed(client, village_officer):
    complaint_file(
        actor=None,
        channel="web",
        category="trafficking",
        description="Calo dari desa ini membawa adik saya lewat Batam.",
        area_code=TANJUNG_LUAR,
        anonymous=True,
    )
    client.force_login(village_officer)

    home = client.get(reverse("portal:village_home")).content.decode()

    assert "No complaints filed through the village yet." in home
    assert Complaint.objects.get().tracking_code not in home


def test_only_village_officers_may_file_through_the_village(client, lotim_regency_official, agency_a_staff):
    for user in (lotim_regency_official, agency_a_staff):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"category": "other", "description": "Sesuatu yang terjadi."}).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302
    assert not Complaint.objects.exists()
