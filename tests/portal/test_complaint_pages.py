"""The pages of those who handle complaints: the queue by jurisdiction and time left, a
complaint's page and its steps both ways, the hotline entry, referrals a company answers, and
who sees the complainant."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.models import Complaint, ComplaintReferral
from complaints.services import complaint_file, complaint_refer
from core import clock
from core.roles import Role
from recruitment.models import Country
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

QUEUE_QUERIES = 10  # with the officer's second-factor device
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def complaint_officer(db):
    return UserFactory(
        username="pengaduan.ntb", full_name="Ni Made Sari", role=Role.COMPLAINT_OFFICER, province_id="52"
    )


def file_public(**overrides) -> Complaint:
    fields = {
        "actor": None,
        "channel": "web",
        "category": "unpaid_wages",
        "description": "Gaji adik saya tidak dibayar selama tiga bulan di Johor.",
        "area_code": "52.03",
        "complainant_name": "Lalu Ahmad",
        "complainant_phone": "081900001111",
        "complainant_email": "ahmad@example.id",
        "worker_name": "Baiq Rohani",
    }
    complaint, _secret = complaint_file(**{**fields, **overrides})
    return complaint


@pytest.fixture
def ntb_complaint(complaint_officer):
    return file_public()


@pytest.fixture
def ntt_complaint(db):
    return file_public(area_code="53.01", complainant_name="Yosef Nenobais", complainant_phone="081300002222")


def page_text(response) -> str:
    return response.content.decode()


def detail(client, complaint):
    return client.get(reverse("portal:complaint_detail", args=[complaint.pk]))


def step(client, complaint, to_status, **fields):
    data = {"to_status": to_status, **{f"to-{to_status}-{name}": value for name, value in fields.items()}}
    return client.post(reverse("portal:complaint_transition", args=[complaint.pk]), data)


# --- The queue ------------------------------------------------------------------------------


def test_each_official_sees_the_complaints_of_their_jurisdiction_only(
    client, ntb_province_official, ntt_regency_official, ntb_complaint, ntt_complaint
):
    client.force_login(ntb_province_official)
    body = page_text(client.get(reverse("portal:complaint_queue")))
    assert ntb_complaint.tracking_code in body and ntt_complaint.tracking_code not in body

    client.force_login(ntt_regency_official)
    body = page_text(client.get(reverse("portal:complaint_queue")))
    assert ntt_complaint.tracking_code in body and ntb_complaint.tracking_code not in body
    assert detail(client, ntb_complaint).status_code == 404


@pytest.mark.parametrize("persona", ["agency_a_staff", "village_officer", "malaysia_mission_officer"])
def test_who_does_not_handle_complaints_gets_no_queue(client, request, persona, ntb_complaint):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("portal:complaint_queue")).status_code == 403
    assert detail(client, ntb_complaint).status_code == 403


def test_the_queue_colours_each_row_by_time_left_with_words_beside_the_colour(client, complaint_officer):
    urgent = file_public(category="violence")  # acknowledge within 24 hours
    client.force_login(complaint_officer)
    row = f'id="complaint-{urgent.pk}"'

    for hours, tone, words in [(1, "success", "On time"), (20, "warning", "Due soon"), (25, "danger", "Overdue")]:
        with clock.as_of(urgent.filed_at + timedelta(hours=hours)):
            body = page_text(client.get(reverse("portal:complaint_queue")))
        line = body[body.index(row) - 60 : body.index(row) + 1200]
        assert f"table-{tone}" in line and words in line, hours
        assert "Acknowledge by" in line


def test_the_queue_filters_by_code_overdue_and_assignment(client, complaint_officer, ntb_province_official):
    mine, other = file_public(), file_public(category="other", area_code="52.01")
    Complaint.objects.filter(pk=other.pk).update(assigned_to=ntb_province_official)
    client.force_login(complaint_officer)
    queue = reverse("portal:complaint_queue")

    by_code = page_text(client.get(queue, {"code": mine.tracking_code.lower().replace("-", "")}))
    assert mine.tracking_code in by_code and other.tracking_code not in by_code
    assigned = page_text(client.get(queue, {"assigned": "me"}))
    assert mine.tracking_code in assigned and other.tracking_code not in assigned
    assert mine.tracking_code not in page_text(client.get(queue, {"state": "overdue"}))
    with clock.as_of(mine.resolve_due_at + timedelta(minutes=1)):
        overdue = page_text(client.get(queue, {"state": "overdue", "area": "52.03"}))
    assert mine.tracking_code in overdue and other.tracking_code not in overdue


def test_the_queue_costs_the_same_queries_whatever_its_size(client, complaint_officer, django_assert_num_queries):
    for _i in range(3):
        file_public()
    client.force_login(complaint_officer)
    client.get(reverse("portal:complaint_queue"))  # warm the session and the user

    # session, user, the area filter's regencies and districts, COUNT, the page (assignee and
    # country joined), the areas' names (regencies, villages), the user's province (the header).
    with django_assert_num_queries(QUEUE_QUERIES):
        assert client.get(reverse("portal:complaint_queue")).status_code == 200
    for _i in range(12):
        file_public(category="other", area_code="52.03.01.2001")
    with django_assert_num_queries(QUEUE_QUERIES):
        assert client.get(reverse("portal:complaint_queue")).status_code == 200


def test_a_complaint_officers_home_shows_their_queue_theirs_first(client, complaint_officer, ntb_province_official):
    theirs = file_public(category="other")
    someone_elses = file_public(category="violence")
    Complaint.objects.filter(pk=someone_elses.pk).update(assigned_to=ntb_province_official)
    client.force_login(complaint_officer)

    body = page_text(client.get(reverse("portal:home")))

    assert "Your complaint queue" in body
    assert body.index(theirs.tracking_code) < body.index(someone_elses.tracking_code)
    assert "assigned to you" in body


# --- A complaint's page -------------------------------------------------------------------


def test_complaint_officers_see_the_complainant_and_officials_do_not(
    client, complaint_officer, ntb_province_official, lombok_worker
):
    complaint = file_public(worker_nik=lombok_worker.nik)

    client.force_login(complaint_officer)
    body = page_text(detail(client, complaint))
    assert "Lalu Ahmad" in body and "081900001111" in body and "ahmad@example.id" in body
    assert lombok_worker.nik not in body and lombok_worker.nik[-4:] in body
    assert "Lombok Timur" in body  # the area by name

    client.force_login(ntb_province_official)
    body = page_text(detail(client, complaint))
    assert "(hidden)" in body
    assert "Lalu Ahmad" not in body and "081900001111" not in body and "ahmad@example.id" not in body
    assert lombok_worker.nik not in body


def test_every_step_both_ways_through_the_page(client, complaint_officer, ntb_complaint):
    client.force_login(complaint_officer)

    def move(to_status, **fields):
        response = step(client, ntb_complaint, to_status, **fields)
        assert response.status_code == 302, page_text(response)
        ntb_complaint.refresh_from_db()
        assert ntb_complaint.status == to_status

    assert "Verify (acknowledge)" in page_text(detail(client, ntb_complaint))
    move("verified")
    assert ntb_complaint.acknowledged_at is not None
    move("received")
    move("verified")
    move("in_progress")
    move("verified")
    move("in_progress")
    move("resolved", outcome="Gaji tiga bulan dibayar penuh oleh majikan.")
    body = page_text(detail(client, ntb_complaint))
    assert "The complaint is now “Resolved”." in body and "Reopen: back to in progress" in body
    move("in_progress")
    move("resolved", outcome="Dibayar penuh.")
    move("closed", outcome="Dibayar penuh, pekerja puas.")
    assert "no further step" in page_text(detail(client, ntb_complaint))
    assert step(client, ntb_complaint, "in_progress").status_code == 400

    other = file_public(category="other")
    move_other = lambda to, **kw: step(client, other, to, **kw)  # noqa: E731
    assert move_other("rejected", reason="Bukan pekerja migran.").status_code == 302
    other.refresh_from_db()
    assert (other.status, other.rejection_reason) == ("rejected", "Bukan pekerja migran.")
    assert move_other("received").status_code == 302
    other.refresh_from_db()
    assert (other.status, other.rejection_reason) == ("received", "")


def test_a_rejection_without_a_reason_shows_the_message_and_changes_nothing(client, complaint_officer, ntb_complaint):
    client.force_login(complaint_officer)

    response = step(client, ntb_complaint, "rejected", reason="  ")

    assert response.status_code == 400
    assert "Write why the complaint is rejected." in page_text(response)
    ntb_complaint.refresh_from_db()
    assert ntb_complaint.status == "received" and ntb_complaint.events.count() == 1


def test_resolving_without_an_outcome_is_refused(client, complaint_officer, ntb_complaint):
    client.force_login(complaint_officer)
    step(client, ntb_complaint, "verified")
    step(client, ntb_complaint, "in_progress")

    response = step(client, ntb_complaint, "resolved")

    assert response.status_code == 400 and "Write the outcome" in page_text(response)
    ntb_complaint.refresh_from_db()
    assert ntb_complaint.status == "in_progress"


def test_an_official_outside_the_area_can_take_no_step(client, ntt_regency_official, ntb_complaint):
    client.force_login(ntt_regency_official)

    assert step(client, ntb_complaint, "verified").status_code == 404
    ntb_complaint.refresh_from_db()
    assert ntb_complaint.status == "received"


def test_assigning_to_an_officer_of_the_area_and_not_outside_it(
    client, complaint_officer, lotim_regency_official, ntt_regency_official, ntb_complaint
):
    client.force_login(complaint_officer)
    url = reverse("portal:complaint_assign", args=[ntb_complaint.pk])

    body = page_text(detail(client, ntb_complaint))
    assert str(lotim_regency_official) in body and str(ntt_regency_official) not in body
    assert client.post(url, {"assignee": ntt_regency_official.pk}).status_code == 400
    ntb_complaint.refresh_from_db()
    assert ntb_complaint.assigned_to == complaint_officer

    assert client.post(url, {"assignee": lotim_regency_official.pk}).status_code == 302
    ntb_complaint.refresh_from_db()
    assert ntb_complaint.assigned_to == lotim_regency_official
    assert "Assigned" in page_text(detail(client, ntb_complaint))


def test_referring_to_the_police_needs_the_unit(client, complaint_officer, ntb_complaint):
    client.force_login(complaint_officer)
    url = reverse("portal:complaint_refer", args=[ntb_complaint.pk])

    refused = client.post(url, {"target": "police", "note": "Dugaan TPPO."})
    assert refused.status_code == 400 and "Name the police unit." in page_text(refused)
    assert not ComplaintReferral.objects.exists()

    assert client.post(url, {"target": "police", "police_unit": "Polda NTB", "note": "Dugaan TPPO."}).status_code == 302
    ntb_complaint.refresh_from_db()
    assert ntb_complaint.status == "in_progress"
    assert "Polda NTB" in page_text(detail(client, ntb_complaint))


def test_linking_to_a_person_found_by_nik(client, complaint_officer, ntb_complaint, lombok_worker):
    client.force_login(complaint_officer)

    found = client.post(reverse("portal:complaint_link_search", args=[ntb_complaint.pk]), {"q": lombok_worker.nik})
    assert found.status_code == 200 and lombok_worker.full_name in page_text(found)
    # The results show the NIK masked (only the search box keeps what the officer typed).
    assert lombok_worker.masked_nik in page_text(found) and page_text(found).count(lombok_worker.nik) == 1

    linked = client.post(
        reverse("portal:complaint_link", args=[ntb_complaint.pk]), {"kind": "worker", "target": lombok_worker.pk}
    )
    assert linked.status_code == 302
    ntb_complaint.refresh_from_db()
    assert ntb_complaint.worker == lombok_worker


def test_linking_to_a_company_found_by_name(client, complaint_officer, ntb_complaint, agency_a):
    client.force_login(complaint_officer)

    found = client.post(reverse("portal:complaint_link_search", args=[ntb_complaint.pk]), {"q": "agensi a"})
    assert "PT Agensi A" in page_text(found)
    client.post(reverse("portal:complaint_link", args=[ntb_complaint.pk]), {"kind": "agency", "target": agency_a.pk})
    ntb_complaint.refresh_from_db()
    assert ntb_complaint.agency == agency_a


def test_an_attachment_opens_for_those_who_handle_the_complaint_only(
    client, media_root, complaint_officer, ntt_regency_official, agency_a_staff
):
    complaint = file_public(attachments=[SimpleUploadedFile("slip.pdf", PDF, content_type="application/pdf")])
    attachment = complaint.attachments.get()
    url = reverse("portal:complaint_attachment", args=[attachment.pk])

    client.force_login(complaint_officer)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(ntt_regency_official)
    assert client.get(url).status_code == 404
    client.force_login(agency_a_staff)
    assert client.get(url).status_code == 403


# --- Entry by an officer, a mission abroad, a company --------------------------------------------


def test_a_hotline_call_gets_a_code_and_secret_read_back_to_the_caller(client, complaint_officer):
    client.force_login(complaint_officer)
    form = client.get(reverse("portal:complaint_hotline"))
    assert form.status_code == 200 and "Enter a hotline call" in page_text(form)

    response = client.post(
        reverse("portal:complaint_hotline"),
        {
            "category": "documents_held",
            "description": "Paspor kakak saya ditahan majikan di Taiwan.",
            "area_code": "52.03",
            "complainant_name": "Inaq Saenah",
            "complainant_phone": "081700003333",
            "complainant_relation": "family",
        },
    )

    assert response.status_code == 200
    complaint = Complaint.objects.get()
    body = page_text(response)
    assert complaint.tracking_code in body and "Read the tracking code and the secret back" in body
    assert (complaint.channel, complaint.filed_by, complaint.complainant_name) == (
        "hotline",
        complaint_officer,
        "Inaq Saenah",
    )
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


def test_a_hotline_entry_with_missing_facts_files_nothing(client, complaint_officer):
    client.force_login(complaint_officer)

    response = client.post(reverse("portal:complaint_hotline"), {"category": "other", "description": "singkat"})

    assert response.status_code == 400 and "at least 10 letters" in page_text(response)
    assert not Complaint.objects.exists()


def test_a_mission_officer_files_from_abroad_in_the_missions_countries(client, malaysia_mission_officer):
    client.force_login(malaysia_mission_officer)
    data = {"category": "violence", "description": "Pekerja dipukul majikan di Johor Bahru.", "anonymous": "on"}

    assert client.post(reverse("portal:complaint_hotline"), {**data, "country": "TW"}).status_code == 400
    response = client.post(reverse("portal:complaint_hotline"), {**data, "country": "MY"})

    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.country_id, complaint.priority) == ("mission", "MY", "urgent")


def test_a_company_files_about_its_placement(client, agency_a_staff, agency_b_staff, journey):
    placement = journey.placement
    client.force_login(agency_a_staff)
    placement_page = page_text(client.get(reverse("portal:placement_detail", args=[placement.pk])))
    assert f"{reverse('portal:complaint_hotline')}?placement={placement.pk}" in placement_page
    form = page_text(client.get(reverse("portal:complaint_hotline"), {"placement": placement.pk}))
    assert "File a complaint" in form and f'value="{placement.pk}"' in form
    client.force_login(agency_b_staff)
    data = {"category": "unpaid_wages", "description": "Majikan belum membayar gaji dua bulan.", "anonymous": "on"}
    refused = client.post(reverse("portal:complaint_hotline"), {**data, "placement": placement.pk})
    assert refused.status_code == 400 and "No such placement of your company." in page_text(refused)

    client.force_login(agency_a_staff)
    response = client.post(reverse("portal:complaint_hotline"), {**data, "placement": placement.pk})

    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.placement_id, complaint.agency_id) == (
        "company",
        placement.pk,
        placement.agency_id,
    )


def test_a_village_officer_files_no_complaint_here(client, village_officer):
    client.force_login(village_officer)

    assert client.get(reverse("portal:complaint_hotline")).status_code == 403


# --- Referrals a company answers ------------------------------------------------------------------


def test_a_company_sees_a_referred_complaint_without_the_complainant_and_answers_it(
    client, complaint_officer, ntb_complaint, agency_a, agency_a_staff, agency_b_staff
):
    client.force_login(complaint_officer)
    referred = client.post(
        reverse("portal:complaint_refer", args=[ntb_complaint.pk]),
        {"target": "company", "agency": agency_a.pk, "note": "Mohon klarifikasi pembayaran gaji."},
    )
    assert referred.status_code == 302
    referral = ComplaintReferral.objects.get()

    client.force_login(agency_a_staff)
    listing = page_text(client.get(reverse("portal:complaint_referrals")))
    assert ntb_complaint.tracking_code in listing and "Waiting for your answer" in listing
    url = reverse("portal:complaint_referral_detail", args=[referral.pk])
    body = page_text(client.get(url))
    assert "Mohon klarifikasi pembayaran gaji." in body and "(hidden)" in body
    assert "Lalu Ahmad" not in body and "081900001111" not in body and "ahmad@example.id" not in body

    too_short = client.post(url, {"answer": "sudah"})
    assert too_short.status_code == 400 and "at least 10 letters" in page_text(too_short)
    assert client.post(url, {"answer": "Gaji sudah dibayar penuh pada 3 Maret."}).status_code == 302
    referral.refresh_from_db()
    assert referral.answered_by == agency_a_staff
    assert "Gaji sudah dibayar penuh" in page_text(client.get(url))

    client.force_login(agency_b_staff)
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "Kami yang menjawab ini."}).status_code == 404
    assert ntb_complaint.tracking_code not in page_text(client.get(reverse("portal:complaint_referrals")))

    client.force_login(complaint_officer)
    assert "Gaji sudah dibayar penuh" in page_text(detail(client, ntb_complaint))


def test_a_company_sees_the_complainant_who_agreed(client, complaint_officer, agency_a, agency_a_staff):
    complaint = file_public(identity_shared_with_company=True)
    referral = complaint_refer(
        actor=complaint_officer, complaint_id=complaint.pk, target="company", agency=agency_a, note="Mohon jawab."
    )
    client.force_login(agency_a_staff)

    body = page_text(client.get(reverse("portal:complaint_referral_detail", args=[referral.pk])))

    assert "Lalu Ahmad" in body and "081900001111" in body


def test_officials_have_no_referrals_page(client, ntb_province_official):
    client.force_login(ntb_province_official)

    assert client.get(reverse("portal:complaint_referrals")).status_code == 403


def test_navigation_offers_each_role_its_complaint_page(client, complaint_officer, agency_a_staff):
    client.force_login(complaint_officer)
    assert reverse("portal:complaint_queue") in page_text(client.get(reverse("portal:home")))
    client.force_login(agency_a_staff)
    body = page_text(client.get(reverse("portal:home")))
    assert reverse("portal:complaint_referrals") in body and reverse("portal:complaint_queue") not in body


# --- Export ---------------------------------------------------------------------------------------


def export_rows(client, query=""):
    response = client.post(reverse("exports:start", args=["complaints"]), {"format": "csv", "query": query})
    assert response.status_code == 200, response
    body = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(body)))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_export_masks_the_complainant_unless_a_complaint_officer_asks(
    client, complaint_officer, ntb_province_official, ntt_complaint, lombok_worker
):
    complaint = file_public(worker_nik=lombok_worker.nik)

    client.force_login(ntb_province_official)
    (row,) = export_rows(client)
    assert row["Tracking code"] == complaint.tracking_code
    assert row["Complainant's name"] == "(hidden)" and row["Complainant's phone"] == "(hidden)"
    assert row["Worker's NIK"] == "*" * 12 + lombok_worker.nik[-4:]

    client.force_login(complaint_officer)
    rows = export_rows(client, f"code={complaint.tracking_code}")
    assert [(r["Complainant's name"], r["Worker's NIK"]) for r in rows] == [("Lalu Ahmad", lombok_worker.nik)]


def test_a_company_may_not_export_complaints(client, agency_a_staff):
    client.force_login(agency_a_staff)

    response = client.post(reverse("exports:start", args=["complaints"]), {"format": "csv", "query": ""})

    assert response.status_code == 403


def test_a_mission_answers_what_was_referred_to_it_and_another_mission_cannot(
    client, complaint_officer, malaysia_mission_officer, taiwan_mission_officer
):
    complaint = file_public(country=Country.objects.get(pk="MY"))  # it happened in Malaysia
    referral = complaint_refer(
        actor=complaint_officer,
        complaint_id=complaint.pk,
        target="mission",
        mission=malaysia_mission_officer.mission,
        note="Mohon cek keberadaan pekerja di Johor.",
    )
    url = reverse("portal:complaint_referral_detail", args=[referral.pk])

    client.force_login(taiwan_mission_officer)
    assert client.get(url).status_code == 404
    client.force_login(malaysia_mission_officer)
    assert complaint.tracking_code in page_text(client.get(reverse("portal:complaint_referrals")))
    body = page_text(client.get(url))
    assert "Mohon cek keberadaan pekerja" in body and "Lalu Ahmad" not in body
    assert client.post(url, {"answer": "Pekerja ditemui di Johor Bahru dan selamat."}).status_code == 302
    referral.refresh_from_db()
    assert referral.answered_by == malaysia_mission_officer
