"""Check an offer before you go (issue 15): anyone, with no account, looks up a company or a job order
and gets a plain-words verdict; nothing personal is ever on these pages."""

from __future__ import annotations

import gzip
import html
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, Branch
from agencies.services import agency_sanction
from recruitment.services import permit_revoke
from tests.factories import AgencyFactory, UserFactory
from tests.placement import journey as steps

pytestmark = pytest.mark.django_db

COMPANY_SEARCH = reverse("public:company_search")
JOB_ORDER_SEARCH = reverse("public:job_order_search")


def company_url(agency) -> str:
    return reverse("public:company_check", args=[agency.pk])


def job_order_url(order) -> str:
    return reverse("public:job_order_check", args=[order.pk])


def print_url(order) -> str:
    return reverse("public:job_order_print", args=[order.pk])


def verdict(response, testid: str = "verdict") -> str:
    body = response.content.decode()
    match = re.search(rf'data-testid="{testid}" data-level="(\w+)">(.*?)</div>', body, re.S)
    assert match, f"no {testid} on the page"
    return match.group(1) + ": " + " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(2))).split())


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def sanction(ministry_official, today):
    def _sanction(agency, kind, *, days_ago=5, ends_in=None, reason="Catatan internal: rahasia pemeriksaan"):
        return agency_sanction(
            actor=ministry_official,
            agency_id=agency.pk,
            kind=kind,
            reason=reason,
            starts_on=today - timedelta(days=days_ago),
            ends_on=today + timedelta(days=ends_in) if ends_in is not None else None,
        )

    return _sanction


# --- companies ----------------------------------------------------------------------------------


def test_an_active_company_is_licensed_and_active_with_its_offices_and_job_orders(
    client, english, factory_job_order, today
):
    agency = factory_job_order.agency
    Agency.objects.filter(pk=agency.pk).update(head_office_regency_id="31.71", address="Jl. Merdeka 1, Jakarta")
    Branch.objects.create(agency=agency, regency_id="52.03", address="Jl. Pancor 5, Selong")

    response = client.get(company_url(agency))

    assert response.status_code == 200
    assert verdict(response).startswith("ok: Licensed and active")
    assert agency.licence_number in verdict(response)
    page = text(response)
    assert "Lombok Timur" in page and "Jl. Pancor 5, Selong" in page
    assert "Sanctions in force None today." in page
    # Its published job order, with the positions left (10, nobody placed yet).
    assert f"Job order no. {factory_job_order.pk}" in page
    assert "10 of 10 positions left" in page
    assert 'class="public-qr"' in response.content.decode()
    assert f"http://testserver{company_url(agency)}" in page


def test_the_verdict_is_in_indonesian_by_default(client, licensed_agency):
    response = client.get(company_url(licensed_agency))

    assert verdict(response).startswith("ok: Berizin dan aktif")


def test_a_company_whose_licence_ran_out_is_expired(client, english, licensed_agency, today):
    lapsed_on = today - timedelta(days=10)
    Agency.objects.filter(pk=licensed_agency.pk).update(
        licence_issued_on=today - timedelta(days=5 * 365), licence_expires_on=lapsed_on, licence_status="expired"
    )

    response = client.get(company_url(licensed_agency))

    assert verdict(response).startswith(f"warning: Licence expired on {lapsed_on:%-d %B %Y}")
    assert "may not recruit until it is renewed" in verdict(response)


def test_a_licence_past_its_date_counts_as_expired_before_the_nightly_job_flips_it(
    client, english, licensed_agency, today
):
    Agency.objects.filter(pk=licensed_agency.pk).update(
        licence_issued_on=today - timedelta(days=5 * 365), licence_expires_on=today - timedelta(days=1)
    )

    response = client.get(company_url(licensed_agency))

    assert verdict(response).startswith("warning: Licence expired on")
    assert response.content.decode().count('data-testid="licence-status">Expired<') == 1


def test_a_suspended_company_says_since_and_until_but_not_why(client, english, licensed_agency, sanction, today):
    sanction(licensed_agency, "suspension", days_ago=5, ends_in=30)

    response = client.get(company_url(licensed_agency))

    since, until = today - timedelta(days=5), today + timedelta(days=30)
    assert verdict(response).startswith(f"warning: Licence suspended since {since:%-d %B %Y}")
    assert f"The suspension runs until {until:%-d %B %Y}." in verdict(response)
    assert "Suspension of business activity" in text(response)
    assert "rahasia pemeriksaan" not in response.content.decode()  # the reason stays in the file


def test_a_revoked_company_warns_not_to_register(client, licensed_agency, sanction, today):
    sanction(licensed_agency, "revocation", days_ago=3)

    response = client.get(company_url(licensed_agency))

    revoked_on = today - timedelta(days=3)
    from django.utils.formats import date_format

    assert verdict(response).startswith(
        f"danger: Izin dicabut pada {date_format(revoked_on, 'j F Y')}: jangan mendaftar melalui perusahaan ini."
    )


def test_search_finds_companies_by_name_fragment_and_licence_number(client, english, licensed_agency, sanction):
    revoked = steps.license_agency(AgencyFactory(name="PT Calo Sejahtera"))
    sanction(revoked, "revocation")

    by_name = client.get(COMPANY_SEARCH, {"q": "  agensi  "})
    by_number = client.get(COMPANY_SEARCH, {"q": licensed_agency.licence_number.lower()})
    revoked_found = client.get(COMPANY_SEARCH, {"q": "sejahtera"})
    nothing = client.get(COMPANY_SEARCH, {"q": "Tidak Ada Perusahaan"})

    assert by_name.status_code == 200 and "PT Agensi A" in text(by_name)
    assert "PT Calo" not in text(by_name)
    assert "PT Agensi A" in text(by_number) and "Licensed and active" in text(by_number)
    assert re.search(r"PT Calo Sejahtera SIP3MI/\S+ Revoked", text(revoked_found))
    assert "No licensed company has this name or number" in text(nothing)
    assert "Companies found" not in text(client.get(COMPANY_SEARCH))  # the empty form lists nobody


def test_unknown_ids_are_a_plain_404_page(client, english):
    company = client.get(reverse("public:company_check", args=[999999]))
    order = client.get(reverse("public:job_order_check", args=[999999]))
    printed = client.get(reverse("public:job_order_print", args=[999999]))

    assert company.status_code == 404 and "Company not found" in text(company)
    assert "has no licence: do not register or pay anything" in text(company)
    assert order.status_code == printed.status_code == 404
    assert "not a real job order" in text(order) and "Job order not found" in text(printed)
    assert client.get("/cek/perusahaan/abc/").status_code == 404
    # A number too big for the table's ids is unknown too, never a server error.
    assert client.get("/cek/lowongan/99999999999999999999/").status_code == 404
    assert client.get("/cetak/lowongan/99999999999999999999/").status_code == 404


# --- job orders ---------------------------------------------------------------------------------


def test_a_published_job_order_shows_who_verified_it_places_left_and_the_cost_cap(
    client, english, factory_job_order, journey, today
):
    response = client.get(job_order_url(factory_job_order))

    assert response.status_code == 200
    assert verdict(response).startswith("ok: Genuine and open")
    page = text(response)
    assert "Verified by KBRI Kuala Lumpur" in page
    assert "Penang Electronics Sdn Bhd" in page and "Malaysia" in page and "Operator pabrik" in page
    assert "MYR 1,800.00 a month" in page
    # One placement (registered) counts against the 10 positions.
    assert re.search(
        r'data-places="all">.*?<td class="text-end">10</td><td class="text-end fw-semibold">9</td>',
        response.content.decode(),
        re.S,
    )
    assert "At most Rp 8,000,000 for work in Malaysia." in page
    assert "Lombok Timur (Nusa Tenggara Barat)" in page
    assert f"SIP2MI/{factory_job_order.pk:05d}/2026" in page
    assert verdict(response, "company-verdict").startswith("ok: Licensed and active")
    assert f'href="{print_url(factory_job_order)}"' in response.content.decode()


def test_a_zero_cost_occupation_says_so_loudly(
    client, english, settings, licensed_agency, agency_a_staff, ministry_official, malaysian_factory
):
    order = steps.job_order(
        company=agency_a_staff,
        mission=ministry_official,
        agency=licensed_agency,
        employer=malaysian_factory,
        occupation="plantation_worker",
        quota=6,
        quota_female=2,
    )

    response = client.get(job_order_url(order))

    page = text(response)
    assert "Rp 0: you pay nothing." in page
    assert "zero-cost for the worker" in page and "breaks the law: report it" in page
    assert "At most Rp" not in page
    assert re.search(
        r'data-places="female">.*?<td class="text-end">2</td><td class="text-end fw-semibold">2</td>',
        response.content.decode(),
        re.S,
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    assert "Rp 0: Anda tidak membayar apa pun." in text(client.get(job_order_url(order)))


def test_a_job_order_not_yet_published_or_not_verified_says_so(
    client, english, licensed_agency, agency_a_staff, ministry_official, malaysian_factory
):
    verified = steps.job_order(
        company=agency_a_staff,
        mission=ministry_official,
        agency=licensed_agency,
        employer=malaysian_factory,
        status="verified",
    )
    submitted = steps.job_order(
        company=agency_a_staff,
        mission=ministry_official,
        agency=licensed_agency,
        employer=malaysian_factory,
        status="submitted",
        salary=2500,
    )

    verified_page = client.get(job_order_url(verified))
    submitted_page = client.get(job_order_url(submitted))

    assert verdict(verified_page).startswith("warning: Verified by the mission but not published yet")
    assert verdict(submitted_page).startswith("danger: This job order is not verified by the Indonesian mission")
    # What the mission has not checked is not repeated to the public.
    assert "Penang Electronics" not in text(submitted_page) and "2,500" not in text(submitted_page)
    assert "Printable page" not in text(submitted_page)


def test_a_job_order_whose_permit_was_revoked_says_so(client, english, factory_job_order, ministry_official, today):
    permit = factory_job_order.permits.get()
    permit_revoke(actor=ministry_official, permit_id=permit.pk, reason="Rekrutmen di luar wilayah izin")

    response = client.get(job_order_url(factory_job_order))

    assert verdict(response).startswith(
        f"danger: Its recruitment permit (SIP2MI) was revoked on {today:%-d %B %Y}: it is not open."
    )
    assert "Nowhere: it has no recruitment permit in force." in text(response)
    assert "Rekrutmen di luar wilayah" not in response.content.decode()


def test_a_permit_revoked_early_in_the_morning_in_indonesia_is_dated_that_day(
    client, english, factory_job_order, ministry_official
):
    """03:00 in Jakarta is still the day before in UTC: the public sees the day it was in Indonesia."""
    permit = factory_job_order.permits.get()
    permit_revoke(actor=ministry_official, permit_id=permit.pk, reason="Rekrutmen di luar wilayah izin")
    jakarta = timezone.get_current_timezone()
    early_morning = timezone.make_aware(datetime(2026, 11, 11, 3, 0), jakarta)
    type(permit).objects.filter(pk=permit.pk).update(decided_at=early_morning)

    response = client.get(job_order_url(factory_job_order))

    assert verdict(response).startswith("danger: Its recruitment permit (SIP2MI) was revoked on 11 November 2026:")


def test_a_licence_revoked_early_in_the_morning_in_indonesia_is_dated_that_day(
    client, licensed_agency, ministry_official
):
    from agencies.choices import LicenceEventKind, LicenceStatus
    from agencies.models import LicenceEvent

    jakarta = timezone.get_current_timezone()
    LicenceEvent.objects.create(
        agency=licensed_agency, kind=LicenceEventKind.REVOKED, from_status=LicenceStatus.ACTIVE,
        to_status=LicenceStatus.REVOKED, at=timezone.make_aware(datetime(2026, 11, 11, 3, 0), jakarta),
        actor=ministry_official,
    )  # fmt: skip
    Agency.objects.filter(pk=licensed_agency.pk).update(licence_status=LicenceStatus.REVOKED)

    response = client.get(company_url(licensed_agency))

    assert verdict(response).startswith("danger: Izin dicabut pada 11 November 2026:")


def test_a_job_order_of_a_revoked_company_warns_not_to_apply(client, english, factory_job_order, sanction):
    sanction(factory_job_order.agency, "revocation")

    response = client.get(job_order_url(factory_job_order))

    assert verdict(response).startswith("danger: The company's licence is revoked: do not apply or pay anything")
    assert verdict(response, "company-verdict").startswith("danger: Licence revoked on")


def test_typing_a_job_order_number_opens_it_and_a_reference_finds_it(client, english, factory_job_order):
    by_number = client.get(JOB_ORDER_SEARCH, {"nomor": f"#{factory_job_order.pk}"})
    by_permit = client.get(JOB_ORDER_SEARCH, {"nomor": f"sip2mi/{factory_job_order.pk:05d}/2026"})
    nothing = client.get(JOB_ORDER_SEARCH, {"nomor": "JO-PALSU-123"})

    assert by_number.status_code == by_permit.status_code == 302
    assert by_number["Location"] == by_permit["Location"] == job_order_url(factory_job_order)
    assert nothing.status_code == 200 and "not a real job order" in text(nothing)


def test_the_nearest_branch_follows_the_visitors_regency(client, english, factory_job_order):
    agency = factory_job_order.agency
    Branch.objects.create(agency=agency, regency_id="52.03", address="Jl. Pancor 5, Selong")

    same_regency = client.get(job_order_url(factory_job_order), {"kabupaten": "52.03"})
    same_province = client.get(job_order_url(factory_job_order), {"kabupaten": "52.01"})
    elsewhere = client.get(job_order_url(factory_job_order), {"kabupaten": "53.01"})
    nonsense = client.get(job_order_url(factory_job_order), {"kabupaten": "<script>"})

    assert "Branch office in Kabupaten Lombok Timur" in text(same_regency)
    assert "the nearest is in Kabupaten Lombok Timur" in text(same_province)
    assert "No branch in your province: contact the head office" in text(elsewhere)
    assert nonsense.status_code == 200 and 'data-testid="nearest"' not in nonsense.content.decode()
    assert '<option value="52.03" selected>' in same_regency.content.decode()


def test_the_printable_job_order_carries_a_qr_to_its_check(client, english, factory_job_order):
    response = client.get(print_url(factory_job_order))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="public-qr"' in body and "<svg" in body
    assert f"http://testserver{job_order_url(factory_job_order)}" in body
    assert "@media print" in Path(finders.find("css/public-check.css")).read_text()


def test_the_pages_ask_for_no_login_and_refuse_writes(client, factory_job_order):
    assert client.post(COMPANY_SEARCH, {"q": "x"}).status_code == 405
    assert client.post(job_order_url(factory_job_order)).status_code == 405


# --- nothing personal, and light ----------------------------------------------------------------


@pytest.fixture
def planted(factory_job_order, journey, malaysia_mission_officer, sanction):
    """Names and numbers that must never reach a public page: the placed worker's, the company's
    staff, the officials', and a sanction's internal reason."""
    agency = factory_job_order.agency
    staff = UserFactory(username="staf.rahasia", full_name="Ratna Stafrahasia", agency=agency, role="agency_staff")
    Branch.objects.create(agency=agency, regency_id="52.03", address="Jl. Pancor 5")
    sanction(agency, "warning", ends_in=10, reason="Teguran: laporan Wahyuni Pelapor")
    worker = journey.placement.worker
    return {
        "order": factory_job_order,
        "secrets": [
            worker.full_name,
            worker.nik,
            worker.nik[:6] + "*",
            worker.birth_date.isoformat(),
            worker.next_of_kin_name,
            staff.full_name,
            "Wahyuni Pelapor",
            malaysia_mission_officer.username,
        ],
    }


def _public_pages(order) -> list[str]:
    return [
        COMPANY_SEARCH + "?q=Agensi",
        company_url(order.agency),
        JOB_ORDER_SEARCH + "?nomor=" + order.reference if order.reference else JOB_ORDER_SEARCH + "?nomor=0",
        job_order_url(order) + "?kabupaten=52.03",
        print_url(order),
    ]


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_personal_data_on_any_check_page(client, planted, language, settings, ministry_official, agency_a_staff):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    users = [ministry_official.full_name, agency_a_staff.full_name]
    for url in _public_pages(planted["order"]):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in planted["secrets"] + [name for name in users if name]:
            assert secret not in body, f"{secret!r} on {url}"


def _first_load_bytes(client, url: str) -> int:
    """The page (gzipped, as served) plus its stylesheets and scripts (gzipped): a phone's first load."""
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    body = response.content
    total = len(body)
    html = gzip.decompress(body).decode() if response.get("Content-Encoding") == "gzip" else body.decode()
    for asset in re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html):
        path = finders.find(asset)
        assert path, asset
        with open(path, "rb") as handle:
            total += len(gzip.compress(handle.read()))
    return total


def test_every_check_page_is_light_and_loads_no_script(client, planted):
    for url in _public_pages(planted["order"]):
        response = client.get(url, follow=True)
        assert len(response.content) < 100_000, url
        assert "<script" not in response.content.decode(), url
        assert _first_load_bytes(client, response.request["PATH_INFO"]) < 100_000, url


def test_the_checks_run_a_fixed_number_of_queries(client, planted, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        client.get(job_order_url(planted["order"]) + "?kabupaten=52.03")
    with django_assert_max_num_queries(12):
        client.get(company_url(planted["order"].agency))
