"""A village officer's forms as plain HTML (issue 13, points 1 and 3): each form makes its row,
a refused entry comes back with its message and writes nothing, a form sent twice makes one row,
only the village's own officers may use them, and an edit on a stale copy shows both versions."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.crypto import keyed_hash
from core.roles import Role
from recruitment.choices import RegistrationChannel
from recruitment.models import FamilyConsent, Registration, Worker
from tests.factories import UserFactory
from tests.placement.journey import TANJUNG_LUAR, nik_for, register_worker, years_before
from villages.models import ReturnNeed, Village, VillageReport, VillageReportKind, VillageReportStatus
from villages.services import village_report_create, village_report_update

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = timezone.localdate
BORN = years_before(timezone.localdate(), 24) - timedelta(days=30)
SITI_NIK = nik_for(BORN, "F", 7)


def new_url(slug: str) -> str:
    return reverse("portal:village_report_new", args=[slug])


def _other_village() -> Village:
    return Village.objects.filter(district_id="52.03.01").exclude(code=TANJUNG_LUAR).order_by("code").first()


def _form_values(client, slug: str) -> dict:
    """What the page hands out with the form: the hidden kind and the entry id made at GET."""
    response = client.get(new_url(slug))
    assert response.status_code == 200
    form = response.context["form"]
    return {"kind": form["kind"].value(), "client_id": str(form["client_id"].value())}


def _intent(client, **overrides) -> dict:
    values = {
        **_form_values(client, "niat"),
        "occurred_on": TODAY().isoformat(),
        "nik": SITI_NIK,
        "full_name": "Siti Aminah",
        "birth_date": BORN.isoformat(),
        "sex": "F",
        "birth_place": "Selong",
        "education": "smp",
        "marital_status": "single",
        "phone": "0819 1234 5678",
        "destination_country": "MY",
        "hoped_work": "Operator pabrik",
        "consenter_name": "Inaq Saenah",
        "consent_relation": "parent",
        "consent_given_on": (TODAY() - timedelta(days=3)).isoformat(),
        "details": "",
    }
    return {**values, **overrides}


def _png() -> SimpleUploadedFile:
    # The smallest PNG: signature, IHDR, IDAT, IEND.
    data = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )
    return SimpleUploadedFile("surat.png", data, content_type="image/png")


def test_the_home_moved_to_desa_and_offers_a_button_per_form(client, village_officer):
    client.force_login(village_officer)

    assert client.get("/").url == reverse("portal:village_home") == "/desa/"
    response = client.get("/desa/")

    assert response.status_code == 200
    text = response.content.decode()
    for slug in ("niat", "keberangkatan", "kepulangan", "kematian", "calo"):
        assert f'href="{new_url(slug)}"' in text
    assert "Intends to work abroad" in text and "Suspected illegal recruiter" in text
    labels = [str(item["label"]) for item in response.context["nav_items"]]
    assert labels[:3] == ["My village", "Village reports", "Report"]


def test_the_intent_form_registers_the_person_with_the_family_consent(client, village_officer, media_root):
    client.force_login(village_officer)
    values = _intent(client)
    page = client.get(new_url("niat")).content.decode()
    nik_input = re.search(r'<input[^>]*name="nik"[^>]*>', page).group(0)
    assert 'inputmode="numeric"' in nik_input and 'pattern="[0-9]{16}"' in nik_input and 'maxlength="16"' in nik_input
    assert re.search(r'<input[^>]*name="consent_letter"[^>]*accept="image/\*"', page)
    assert re.search(r'name="occurred_on"[^>]*value="' + TODAY().isoformat(), page)

    response = client.post(new_url("niat"), {**values, "consent_letter": _png()}, follow=True)

    assert response.redirect_chain == [(reverse("portal:village_home"), 302)]
    assert "Saved: Intends to work abroad." in response.content.decode()
    worker = Worker.objects.get(nik_hash=keyed_hash(SITI_NIK))
    assert (worker.full_name, worker.village_id, worker.phone) == ("Siti Aminah", TANJUNG_LUAR, "0819 1234 5678")
    assert worker.family_consent_on == TODAY() - timedelta(days=3)
    registration = Registration.objects.get(worker=worker)
    assert registration.channel == RegistrationChannel.VILLAGE
    report = VillageReport.objects.get(kind=VillageReportKind.INTENT)
    assert (report.person_nik, report.destination_country, report.hoped_work) == (SITI_NIK, "MY", "Operator pabrik")
    assert str(report.client_id) == values["client_id"]
    consent = FamilyConsent.objects.get(worker=worker)
    assert (consent.consenter_name, consent.relation, consent.village_report) == ("Inaq Saenah", "parent", report)
    assert consent.letter.name.endswith(".png")


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("52030152049800", "A NIK must be exactly 16 digits."),
        ("5299015204980001", "The first six digits of the NIK (529901) are not an existing district."),
    ],
    ids=["too-short", "unknown-district"],
)
def test_a_bad_nik_shows_the_nik_message_and_writes_nothing(client, village_officer, nik, message):
    client.force_login(village_officer)

    response = client.post(new_url("niat"), _intent(client, nik=nik))

    assert response.status_code == 200
    assert response.context["form"].errors["nik"] == [message]
    text = response.content.decode()
    assert "Nothing was saved" in text and message in text
    assert not Worker.objects.exists()
    assert not VillageReport.objects.exists()
    assert not FamilyConsent.objects.exists()


def test_an_intent_without_the_family_consent_is_refused(client, village_officer):
    client.force_login(village_officer)

    response = client.post(new_url("niat"), _intent(client, consenter_name="", consent_relation=""))

    errors = response.context["form"].errors
    assert "consenter_name" in errors and "consent_relation" in errors
    assert not Worker.objects.exists() and not VillageReport.objects.exists()


def test_the_same_form_sent_twice_makes_one_row(client, village_officer):
    client.force_login(village_officer)
    values = _intent(client)

    first = client.post(new_url("niat"), values)
    again = client.post(new_url("niat"), values, follow=True)

    assert first.status_code == 302
    assert "Already saved" in again.content.decode()
    assert VillageReport.objects.count() == 1
    assert Worker.objects.count() == 1 and FamilyConsent.objects.count() == 1


def test_a_departure_of_a_registered_person_is_chosen_from_the_village_list(
    client, village_officer, agency_a_staff, licensed_agency
):
    neighbour = register_worker(
        actor=agency_a_staff, agency=licensed_agency, serial=5, full_name="Lalu Tetangga", village=_other_village().code
    )
    rohani = register_worker(actor=agency_a_staff, agency=licensed_agency, serial=2)
    client.force_login(village_officer)
    values = _form_values(client, "keberangkatan")
    page = client.get(new_url("keberangkatan")).content.decode()
    assert "Baiq Rohani" in page and "Lalu Tetangga" not in page  # the officer's own village only
    assert rohani.masked_nik in page and rohani.nik not in page  # the page never carries a full NIK
    occurred = TODAY() - timedelta(days=2)

    response = client.post(
        new_url("keberangkatan"), {**values, "occurred_on": occurred.isoformat(), "person": rohani.pk}
    )

    assert response.status_code == 302
    report = VillageReport.objects.get()
    assert (report.kind, report.person_nik, report.person_name, report.occurred_on) == (
        VillageReportKind.DEPARTURE_SEEN,
        rohani.nik,
        "Baiq Rohani",
        occurred,
    )
    # Someone of another village cannot be chosen.
    values = _form_values(client, "keberangkatan")
    response = client.post(new_url("keberangkatan"), {**values, "occurred_on": occurred, "person": neighbour.pk})
    assert "person" in response.context["form"].errors
    assert VillageReport.objects.count() == 1


def test_a_return_with_needs_and_a_free_text_name(client, village_officer):
    client.force_login(village_officer)
    values = _form_values(client, "kepulangan")

    response = client.post(
        new_url("kepulangan"),
        {
            **values,
            "occurred_on": TODAY().isoformat(),
            "person_name": "Amaq Sahnan",
            "needs": [ReturnNeed.UNPAID_WAGES, ReturnNeed.HEALTH],
            "details": "Pulang sakit, gaji 4 bulan belum dibayar",
        },
    )

    assert response.status_code == 302
    report = VillageReport.objects.get()
    assert (report.kind, report.person_name, report.person_nik) == (VillageReportKind.RETURN_SEEN, "Amaq Sahnan", "")
    assert report.needs == ["unpaid_wages", "health"]


def test_a_return_without_the_person_is_refused(client, village_officer):
    client.force_login(village_officer)

    response = client.post(new_url("kepulangan"), {**_form_values(client, "kepulangan"), "occurred_on": TODAY()})

    assert response.context["form"].errors["person_name"] == ["Give the person's NIK or name."]
    assert not VillageReport.objects.exists()


def test_a_death_with_the_family_contact(client, village_officer):
    client.force_login(village_officer)

    response = client.post(
        new_url("kematian"),
        {
            **_form_values(client, "kematian"),
            "occurred_on": TODAY().isoformat(),
            "person_name": "Baiq Murni",
            "contact_name": "Lalu Murdi",
            "contact_phone": "081911112222",
        },
    )

    assert response.status_code == 302
    report = VillageReport.objects.get()
    assert (report.kind, report.contact_name, report.contact_phone) == (
        VillageReportKind.DEATH_OR_REPATRIATION,
        "Lalu Murdi",
        "081911112222",
    )


def test_a_broker_with_three_phone_inputs(client, village_officer):
    client.force_login(village_officer)
    page = client.get(new_url("calo")).content.decode()
    assert len(re.findall(r'<input[^>]*name="broker_phones"', page)) == 3

    response = client.post(
        new_url("calo"),
        {
            **_form_values(client, "calo"),
            "occurred_on": TODAY().isoformat(),
            "broker_name": "Pak Haji",
            "broker_nickname": "Tekong Udin",
            "broker_phones": ["+62 812-3456-7890", "", "0813 1111 2222"],
            "broker_vehicle": "Avanza hitam DR 1234 XX",
            "seen_at_place": "Dusun Ujung",
            "approached": "Tiga perempuan muda, dijanjikan kerja di Malaysia tanpa biaya",
            "claimed_company": "PT Maju Jaya",
        },
    )

    assert response.status_code == 302
    report = VillageReport.objects.get()
    assert report.kind == VillageReportKind.SUSPECTED_RECRUITER
    assert report.broker_phones == ["081234567890", "081311112222"]
    assert (report.broker_nickname, report.claimed_company) == ("Tekong Udin", "PT Maju Jaya")


def test_a_bad_broker_phone_keeps_what_was_typed(client, village_officer):
    client.force_login(village_officer)

    response = client.post(
        new_url("calo"),
        {**_form_values(client, "calo"), "occurred_on": TODAY(), "broker_name": "Udin", "broker_phones": ["12"]},
    )

    assert response.context["form"].errors["broker_phones"] == ["“12” is not a phone number (8 to 15 digits)."]
    assert 'value="12"' in response.content.decode()
    assert not VillageReport.objects.exists()


def test_a_date_in_the_future_is_refused(client, village_officer):
    client.force_login(village_officer)
    tomorrow = TODAY() + timedelta(days=1)

    response = client.post(
        new_url("keberangkatan"),
        {**_form_values(client, "keberangkatan"), "occurred_on": tomorrow, "person_name": "Amaq Sahnan"},
    )

    assert response.context["form"].errors["occurred_on"] == ["The date cannot be in the future."]
    assert not VillageReport.objects.exists()


@pytest.mark.parametrize("who", ["lotim_regency_official", "agency_a_staff", "ministry_official"])
def test_only_village_officers_open_the_forms(client, request, who):
    client.force_login(request.getfixturevalue(who))

    for slug in ("niat", "calo"):
        assert client.get(new_url(slug)).status_code == 403
        assert client.post(new_url(slug), {"kind": "suspected_recruiter"}).status_code == 403
    assert client.get(reverse("portal:village_home")).status_code == 403
    assert not VillageReport.objects.exists()


def test_an_unknown_form_is_not_found(client, village_officer):
    client.force_login(village_officer)
    assert client.get(new_url("lainnya")).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(new_url("niat"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# --- Editing a report -------------------------------------------------------------------------


def _departure(officer, **fields):
    values = {
        "actor": officer,
        "village": officer.village,
        "kind": VillageReportKind.DEPARTURE_SEEN,
        "occurred_on": TODAY() - timedelta(days=4),
        "person_name": "Amaq Sahnan",
        "details": "Dijemput mobil malam hari",
    }
    return village_report_create(**{**values, **fields})


def _edit_url(report) -> str:
    return reverse("portal:village_report_edit", args=[report.pk])


def test_an_officer_edits_their_village_report(client, village_officer):
    report = _departure(village_officer)
    client.force_login(village_officer)
    page = client.get(_edit_url(report))
    assert page.context["form"]["base_version"].value() == 1

    response = client.post(
        _edit_url(report),
        {
            "kind": report.kind,
            "base_version": 1,
            "occurred_on": report.occurred_on,
            "person_name": "Amaq Sahnan",
            "details": "Dijemput mobil Avanza hitam",
        },
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.details, report.version) == ("Dijemput mobil Avanza hitam", 2)


def test_an_edit_on_a_stale_copy_shows_both_versions_and_keep_mine_saves(client, village_officer):
    report = _departure(village_officer)
    colleague = UserFactory(username="desa.tanjungluar2", role=Role.VILLAGE_OFFICER, village=village_officer.village)
    client.force_login(village_officer)
    client.get(_edit_url(report))  # my copy: version 1
    village_report_update(actor=colleague, report_id=report.pk, base_version=1, details="Naik bus ke Mataram")
    mine = {
        "kind": report.kind,
        "base_version": 1,
        "occurred_on": report.occurred_on,
        "person_name": "Amaq Sahnan",
        "details": "Dijemput mobil Avanza hitam",
    }

    response = client.post(_edit_url(report), mine)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Someone changed this report" in text
    assert "Dijemput mobil Avanza hitam" in text and "Naik bus ke Mataram" in text
    assert "Save my version" in text and "Use the saved version" in text
    rows = {str(row["label"]): row for row in response.context["conflict"]["rows"]}
    assert rows["What happened, in your words"]["differs"]
    assert response.context["form"]["base_version"].value() == "2"
    report.refresh_from_db()
    assert (report.details, report.version) == ("Naik bus ke Mataram", 2)  # nothing written yet

    response = client.post(_edit_url(report), {**mine, "base_version": 2})  # "Save my version"

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.details, report.version) == ("Dijemput mobil Avanza hitam", 3)


def test_a_closed_report_cannot_be_edited(client, village_officer):
    report = _departure(village_officer)
    VillageReport.objects.filter(pk=report.pk).update(status=VillageReportStatus.CLOSED, closing_note="Sudah dicek")
    client.force_login(village_officer)

    page = client.get(_edit_url(report))
    response = client.post(
        _edit_url(report), {"kind": report.kind, "base_version": 1, "occurred_on": report.occurred_on, "details": "x"}
    )

    assert "can no longer be changed" in page.content.decode()
    assert '<form method="post" class="village-form"' not in page.content.decode()
    assert "can no longer be changed" in response.content.decode()
    report.refresh_from_db()
    assert report.details == "Dijemput mobil malam hari"


def test_another_villages_report_is_not_found_and_officials_are_refused(
    client, village_officer, lotim_regency_official, agency_a_staff
):
    report = _departure(village_officer)
    neighbour = UserFactory(username="desa.lain", role=Role.VILLAGE_OFFICER, village=_other_village())

    client.force_login(neighbour)
    assert client.get(_edit_url(report)).status_code == 404
    assert client.post(_edit_url(report), {"base_version": 1, "details": "x"}).status_code == 404
    for official in (lotim_regency_official, agency_a_staff):
        client.force_login(official)
        assert client.get(_edit_url(report)).status_code == 403
    report.refresh_from_db()
    assert report.version == 1


def test_an_officer_of_another_village_may_not_use_the_forms_for_this_one(client):
    """An officer's forms always write for their own village: the village is never taken from the form."""
    neighbour = UserFactory(username="desa.lain", role=Role.VILLAGE_OFFICER, village=_other_village())
    client.force_login(neighbour)

    response = client.post(
        new_url("kepulangan"),
        {**_form_values(client, "kepulangan"), "occurred_on": TODAY(), "person_name": "Amaq", "village": TANJUNG_LUAR},
    )

    assert response.status_code == 302
    assert VillageReport.objects.get().village_id == _other_village().code


def test_a_letter_that_is_not_a_photo_is_refused(client, village_officer, media_root):
    client.force_login(village_officer)
    letter = SimpleUploadedFile("surat.pdf", b"%PDF-1.4 " + b"x" * 100, content_type="application/pdf")

    response = client.post(new_url("niat"), {**_intent(client), "consent_letter": letter})

    assert "consent_letter" in response.context["form"].errors
    assert not Worker.objects.exists() and not VillageReport.objects.exists()


def test_the_edit_form_of_each_kind_shows_the_report_as_saved(client, village_officer):
    client.force_login(village_officer)
    client.post(new_url("niat"), _intent(client))
    intent = VillageReport.objects.get(kind=VillageReportKind.INTENT)
    broker = _departure(
        village_officer,
        kind=VillageReportKind.SUSPECTED_RECRUITER,
        person_name="",
        broker_name="Pak Udin",
        broker_phones=["081234567890"],
    )
    back = _departure(village_officer, kind=VillageReportKind.RETURN_SEEN, needs=[ReturnNeed.WORK])

    page = client.get(_edit_url(intent)).content.decode()
    assert 'name="nik"' not in page  # the person is on the registry: the report's own facts only
    assert re.search(r'<option value="MY" selected', page)
    page = client.get(_edit_url(broker)).content.decode()
    assert 'value="081234567890"' in page
    page = client.get(_edit_url(back)).content.decode()
    assert re.search(r'<input[^>]*value="work"[^>]*checked', page)

    response = client.post(
        _edit_url(intent),
        {
            "kind": intent.kind,
            "base_version": 1,
            "occurred_on": intent.occurred_on,
            "destination_country": "MY",
            "hoped_work": "Perawat lansia",
        },
    )

    assert response.status_code == 302
    intent.refresh_from_db()
    assert (intent.hoped_work, intent.destination_country, intent.version) == ("Perawat lansia", "MY", 2)
