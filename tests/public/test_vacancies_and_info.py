"""The public's vacancy board, safe-migration information and report of a fake offer (issue 15).

A person without an account finds the job orders still open where they live, sees how full the
published job orders are (computed, like the seeds' 18.04 %), reads the registers' facts before
paying anyone, and reports a broker: the report becomes a complaint behind the complaint form's
guard. Job orders, permits and placements are made through the services (tests/placement/journey)."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from agencies.models import Branch
from complaints.models import Complaint
from placement import services as placement_services
from public import views_vacancies
from public.guard import make_stamp
from recruitment import services as recruitment
from recruitment.choices import JobOrderStatus
from recruitment.models import Country, Moratorium, Occupation
from tests.factories import EmployerFactory
from tests.placement import journey

pytestmark = pytest.mark.django_db

BOARD = reverse("public:vacancy_board")
INFO = reverse("public:safe_migration")
REPORT = reverse("public:report_new")
FILED = reverse("public:complaint_filed")
COMPLAINT_NEW = reverse("public:complaint_new")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Budgets per address and the cached fill rates start empty in every test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def board(licensed_agency, agency_a_staff, ministry_official, malaysian_factory):
    """Three open job orders of agency A and one not yet published, with placements:

    - ``factory``: 10 factory operators in Malaysia (1,800 MYR), recruiting in Lombok Timur
      (52.03); one placement registered and one cancelled;
    - ``carer``: 3 caregivers in Taiwan (30,000 TWD, the worker bears Rp 15,000,000), 1 place
      for a woman, recruiting in Lombok Timur; that woman's place taken;
    - ``plantation``: 5 plantation workers in Malaysia (2,000 MYR, zero cost), recruiting in
      Kupang (53.01, NTT), nobody placed;
    - ``draft``: 100 places, verified but not published: it counts nowhere.
    """
    make = dict(company=agency_a_staff, mission=ministry_official, agency=licensed_agency)
    factory = journey.job_order(**make, employer=malaysian_factory)
    taiwan = EmployerFactory(name="Taipei Care Home", country_id="TW")
    carer = journey.job_order(
        **make,
        employer=taiwan,
        occupation="caregiver",
        quota=3,
        quota_female=1,
        salary=Decimal(30000),
        currency="TWD",
        worker_costs=Decimal(15000000),
    )
    plantation = journey.job_order(
        **make,
        employer=EmployerFactory(name="Sabah Palm Estates"),
        occupation="plantation_worker",
        quota=5,
        regions=("53.01",),
        salary=Decimal("2000"),
    )
    draft = journey.job_order(**make, employer=malaysian_factory, quota=100, status=JobOrderStatus.VERIFIED)
    rohani = journey.register_worker(actor=agency_a_staff, agency=licensed_agency)
    journey.place(agency_a_staff, journey.select(agency_a_staff, rohani, factory))
    left = journey.register_worker(actor=agency_a_staff, agency=licensed_agency, serial=2, full_name="Baiq Mulyani")
    cancelled = journey.place(agency_a_staff, journey.select(agency_a_staff, left, factory))
    placement_services.placement_cancel(
        actor=agency_a_staff, placement_id=cancelled.placement.pk, reason="Mengundurkan diri."
    )
    carer_woman = journey.register_worker(
        actor=agency_a_staff, agency=licensed_agency, serial=3, full_name="Lale Sumiati"
    )
    journey.place(agency_a_staff, journey.select(agency_a_staff, carer_woman, carer))
    Branch.objects.create(agency=licensed_agency, regency_id="52.03", address="Jl. Pejanggik 10, Selong")
    return {"factory": factory, "carer": carer, "plantation": plantation, "draft": draft}


def shown(response) -> list[int]:
    """The job orders on the page, in the order shown."""
    return [int(pk) for pk in re.findall(r'data-testid="vacancy" data-job-order="(\d+)"', response.content.decode())]


def section(response, testid: str) -> str:
    body = response.content.decode()
    return re.search(rf'data-testid="{testid}".*?</section>', body, re.S).group(0)


# --- the board -------------------------------------------------------------------------------


def test_anyone_sees_the_open_job_orders_with_places_left_and_how_to_apply(client, board):
    response = client.get(BOARD)

    assert response.status_code == 200
    assert sorted(shown(response)) == sorted([board["factory"].pk, board["carer"].pk, board["plantation"].pk])
    body = response.content.decode()
    assert "Lowongan kerja ke luar negeri" in body
    card = re.search(rf'data-job-order="{board["factory"].pk}".*?</li>', body, re.S).group(0)
    assert "9 (perempuan: 9, laki-laki: 9)" in card  # 10 places, one taken, one cancelled (gives its place back)
    assert "1.800,00 MYR sebulan" in card
    assert "Lombok Timur" in card and "Jl. Pejanggik 10, Selong" in card  # where it recruits, the branch
    assert "Tidak ada: job order ini tidak membebankan biaya apa pun kepada pekerja." in card
    assert reverse("public:job_order_check", args=[board["factory"].pk]) in card
    carer = re.search(rf'data-job-order="{board["carer"].pk}".*?</li>', body, re.S).group(0)
    assert "2 (perempuan: 0, laki-laki: 2)" in carer
    assert "Paling banyak Rp 15.000.000" in carer
    plantation = re.search(rf'data-job-order="{board["plantation"].pk}".*?</li>', body, re.S).group(0)
    assert "Tidak ada: jabatan bebas biaya, pemberi kerja yang membayar." in plantation


def test_a_full_a_revoked_or_an_unpublished_job_order_is_not_on_the_board(
    client, board, agency_a_staff, ministry_official, licensed_agency
):
    permit = board["plantation"].permits.get()
    recruitment.permit_revoke(actor=ministry_official, permit_id=permit.pk, reason="Izin dicabut untuk uji.")
    tiny = journey.job_order(
        company=agency_a_staff,
        mission=ministry_official,
        agency=licensed_agency,
        employer=EmployerFactory(name="Kedah Gloves"),
        quota=1,
    )
    worker = journey.register_worker(actor=agency_a_staff, agency=licensed_agency, serial=7, full_name="Inaq Rahmah")
    journey.place(agency_a_staff, journey.select(agency_a_staff, worker, tiny))

    pks = shown(client.get(BOARD))

    assert sorted(pks) == sorted([board["factory"].pk, board["carer"].pk])
    assert board["draft"].pk not in pks and tiny.pk not in pks


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"country": "TW"}, ["carer"]),
        ({"country": "MY"}, ["factory", "plantation"]),
        ({"sector": "formal", "occupation": "plantation_worker"}, ["plantation"]),
        ({"sex": "F"}, ["factory", "plantation"]),  # the carer's one place for a woman is taken
        ({"sex": "M"}, ["factory", "carer", "plantation"]),
        ({"area": "52.03"}, ["factory", "carer"]),  # Lombok Timur: within those permits' regions
        ({"area": "52"}, ["factory", "carer"]),  # anywhere in NTB
        ({"area": "53.01"}, ["plantation"]),  # Kupang, NTT
        ({"area": "52.02"}, []),  # Lombok Tengah: no permit recruits there
        ({"country": "MY", "min_salary": "1900"}, ["plantation"]),
    ],
    ids=["taiwan", "malaysia", "occupation", "women", "men", "regency", "province", "other-regency", "elsewhere",
         "salary"],
)  # fmt: skip
def test_filters_keep_only_the_job_orders_that_match(client, board, query, expected):
    response = client.get(BOARD, query)

    assert response.status_code == 200
    assert sorted(shown(response)) == sorted(board[name].pk for name in expected)


def test_a_minimum_salary_needs_the_country_whose_currency_it_is_in(client, board):
    response = client.get(BOARD, {"min_salary": "1900"})

    assert response.status_code == 400
    assert "Pilih negara tujuan: gaji dalam mata uangnya." in response.content.decode()
    assert shown(response) == []


def test_the_regency_filter_says_where_to_apply_there(client, board):
    body = client.get(BOARD, {"area": "52.03"}).content.decode()

    card = re.search(rf'data-job-order="{board["factory"].pk}".*?</li>', body, re.S).group(0)
    assert "daftar di Dinas Tenaga Kerja (Disnaker) atau LTSA Kabupaten Lombok Timur" in card
    assert "Jl. Pejanggik 10, Selong" in card


@pytest.mark.parametrize(
    "sort, order",
    [
        ("newest", ["plantation", "carer", "factory"]),
        ("salary", ["plantation", "factory", "carer"]),  # MYR 2,000, MYR 1,800, then TWD
        ("quota", ["factory", "plantation", "carer"]),  # 9, 5 and 2 places left
    ],
)
def test_sorting(client, board, sort, order):
    assert shown(client.get(BOARD, {"sort": sort})) == [board[name].pk for name in order]


def test_pages_keep_the_filters(client, board, monkeypatch):
    monkeypatch.setattr(views_vacancies, "VACANCIES_PER_PAGE", 1)

    first = client.get(BOARD, {"country": "MY", "sort": "quota"})
    second = client.get(BOARD, {"country": "MY", "sort": "quota", "page": "2"})

    assert shown(first) == [board["factory"].pk] and shown(second) == [board["plantation"].pk]
    assert "Halaman 1 dari 2" in first.content.decode()
    assert 'href="?country=MY&amp;sort=quota&amp;page=2"' in first.content.decode()
    assert shown(client.get(BOARD, {"country": "MY", "sort": "quota", "page": "99"})) == [board["plantation"].pk]


def test_the_fill_rate_is_computed_from_the_published_job_orders(client, board):
    """18 places in published job orders (10 + 3 + 5; the unpublished 100 do not count), 2 placements
    registered (the cancelled one does not count): 11.11 %. In NTB (Lombok Timur's two job orders)
    2 of 13, in NTT 0 of 5."""
    response = client.get(BOARD, {"area": "52.03"})

    body = response.content.decode()
    assert re.search(r'data-testid="national-rate">11,11%<', body)
    assert "2 penempatan terdaftar untuk 18 tempat" in body
    assert re.search(r'data-testid="area-rate">15,38%<', body)
    ntb = re.search(r'data-testid="province-rate-52">.*?</tr>', body, re.S).group(0)
    ntt = re.search(r'data-testid="province-rate-53">.*?</tr>', body, re.S).group(0)
    assert "Nusa Tenggara Barat" in ntb and ">13<" in ntb and "15,38%" in ntb
    assert ">5<" in ntt and "0,00%" in ntt


def test_the_fill_rate_follows_the_data(client, board, agency_a_staff, licensed_agency):
    worker = journey.register_worker(actor=agency_a_staff, agency=licensed_agency, serial=9, full_name="Baiq Nur")
    journey.place(agency_a_staff, journey.select(agency_a_staff, worker, board["factory"]))

    body = client.get(BOARD).content.decode()

    assert re.search(r'data-testid="national-rate">16,67%<', body)  # 3 of 18


def _count_queries(client, query) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(BOARD, query).status_code == 200
    return len(queries)


def test_a_page_costs_a_fixed_number_of_queries(client, board, agency_a_staff, ministry_official, licensed_agency,
                                                django_assert_num_queries):  # fmt: skip
    query = {"area": "52.03", "sex": "M", "sort": "salary"}
    cache.clear()
    # the candidates, their placements counted, the page's job orders, their permits, the permits' regions,
    # the branches, the fill rates, the choices of area, country and occupation
    with django_assert_num_queries(10):
        client.get(BOARD, query)
    before = _count_queries(client, query)
    for number in range(3):
        extra = journey.job_order(
            company=agency_a_staff,
            mission=ministry_official,
            agency=licensed_agency,
            employer=EmployerFactory(name=f"Johor Plant {number}"),
            regions=("52.03", "52.01", "52.02"),
        )
        Branch.objects.get_or_create(agency=licensed_agency, regency_id=f"52.0{number + 1}")
        assert extra.pk in shown(client.get(BOARD, query))
    assert _count_queries(client, query) == before
    with django_assert_num_queries(9):  # the fill rates come from the cache
        client.get(BOARD, query)


def test_the_board_speaks_english_and_stays_light(english, board):
    response = english.get(BOARD)

    body = response.content.decode()
    assert "Vacancies abroad" in body and "1,800.00 MYR a month" in body
    assert "Nothing: a zero-cost occupation, the employer pays." in body
    assert len(response.content) < 100_000
    assert "htmx" not in body and "<script" not in body


def test_the_board_shows_nothing_personal(client, board):
    body = client.get(BOARD).content.decode()

    for private in ("Baiq Rohani", "Baiq Mulyani", "Lale Sumiati", "Mengundurkan diri"):
        assert private not in body
    assert not re.search(r"\b\d{16}\b", body)  # no NIK
    assert "Penang Electronics" not in body  # the employer is on the job order's own check page


def test_the_board_is_read_only(client, board):
    assert client.post(BOARD).status_code == 405
    assert client.post(INFO).status_code == 405


# --- safe-migration information --------------------------------------------------------------


def test_the_information_comes_from_the_registers(client):
    response = client.get(INFO)

    assert response.status_code == 200
    moratorium = section(response, "moratorium")
    assert "Arab Saudi" in moratorium and "Kepmenaker 260/2015" in moratorium and "Malaysia" not in moratorium
    zero_cost = section(response, "zero-cost")
    assert "Penata laksana rumah tangga" in zero_cost and "Operator pabrik" not in zero_cost
    assert "Rp 8.000.000" in section(response, "cost-caps")
    embarkation = section(response, "embarkation")
    assert "Bandara Zainuddin Abdul Madjid (LOP)" in embarkation
    assert "Meminta uang sebelum Anda menandatangani apa pun" in section(response, "broker-signs")
    channels = section(response, "complaint-channels")
    assert REPORT in channels and COMPLAINT_NEW in channels and "0800-1000" in channels


def test_the_information_changes_when_the_data_changes(client):
    today = timezone.localdate()
    Moratorium.objects.create(country_id="MY", sector="informal", starts_on=today, legal_basis="Uji 1/2026")
    Moratorium.objects.filter(country_id="SA").update(ends_on=today - timedelta(days=1))
    Occupation.objects.filter(code="factory_operator").update(zero_cost=True)
    Occupation.objects.filter(code="housekeeper").update(zero_cost=False)
    Country.objects.filter(code="MY").update(worker_cost_cap_idr=Decimal("9500000"))
    from placement.models import EmbarkationPoint

    EmbarkationPoint.objects.filter(code="LOP").update(official=False)

    response = client.get(INFO)

    moratorium = section(response, "moratorium")
    assert "Malaysia" in moratorium and "Uji 1/2026" in moratorium and "Arab Saudi" not in moratorium
    zero_cost = section(response, "zero-cost")
    assert "Operator pabrik" in zero_cost and "Penata laksana rumah tangga" not in zero_cost
    assert "Rp 9.500.000" in section(response, "cost-caps")
    assert "(LOP)" not in section(response, "embarkation")


def test_the_information_is_complete_in_english_and_light(english):
    response = english.get(INFO)

    body = response.content.decode()
    assert "Working abroad safely" in body
    assert "Asks for money before you have signed anything" in section(response, "broker-signs")
    assert "KP2MI call centre" in section(response, "complaint-channels")
    assert "Meminta uang" not in body and "Pusat panggilan" not in body
    assert len(response.content) < 100_000 and "<script" not in body


def test_every_broker_sign_and_channel_is_translated(client):
    from public.safe_migration import BROKER_SIGNS, COMPLAINT_CHANNELS

    page = client.get(INFO)
    signs, channels = section(page, "broker-signs"), section(page, "complaint-channels")
    texts = [*BROKER_SIGNS, *(channel.how for channel in COMPLAINT_CHANNELS)]
    with translation.override("en"):  # no English left in the Indonesian page
        assert [str(text) for text in texts if escape(str(text)) in signs + channels] == []
    with translation.override("id"):  # and every Indonesian text in it
        assert [str(text) for text in texts if escape(str(text)) not in signs + channels] == []


# --- report a fake offer or a broker ---------------------------------------------------------


def report_data(**overrides) -> dict:
    data = {
        "stamp": make_stamp(time.time() - 10),
        "website": "",
        "kind": "fees",
        "offer": "Kerja di pabrik Malaysia, gaji 3 juta, berangkat minggu depan tanpa pelatihan.",
        "offered_by": "Pak Amaq Calo",
        "phones": "081234500011, 087700022233",
        "company_claimed": "PT Maju Jaya Abadi",
        "money_asked": "7500000",
        "country": "MY",
        "area_code": "52.03",
        "anonymous": "on",
        "complainant_phone": "",
        "complainant_email": "",
    }
    data.update(overrides)
    return data


def test_an_anonymous_report_becomes_a_complaint_and_shows_its_code_once(client):
    response = client.post(REPORT, report_data())

    assert response.status_code == 302 and response.url == FILED
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.category, complaint.area_code) == ("web", "illegal_fees", "52.03")
    assert complaint.anonymous and complaint.complainant_phone == "" and complaint.filed_by is None
    assert complaint.country_id == "MY"
    for fact in ("Pak Amaq Calo", "081234500011, 087700022233", "PT Maju Jaya Abadi", "Rp 7.500.000", "gaji 3 juta"):
        assert fact in complaint.description
    assert "Tawaran kerja ke luar negeri yang meminta uang" in complaint.description
    page = client.get(FILED).content.decode()
    assert complaint.tracking_code in page and re.search(r'data-testid="secret">\w{12}<', page)
    assert client.get(FILED).status_code == 302  # shown once


@pytest.mark.parametrize(
    "kind, category", [("broker", "other"), ("fake_offer", "other"), ("trafficking", "trafficking")]
)
def test_the_person_chooses_what_the_report_is(client, kind, category):
    assert client.post(REPORT, report_data(kind=kind)).status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.category == category
    if kind == "trafficking":
        assert complaint.priority == "urgent"


def test_a_named_report_keeps_the_contact_and_the_record_is_in_indonesian(english):
    response = english.post(REPORT, report_data(anonymous="", complainant_phone="081900002222"))

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.complainant_phone == "081900002222" and not complaint.anonymous
    assert "Yang menawarkan: Pak Amaq Calo" in complaint.description  # the officers' language, not the page's


def test_a_report_without_contact_or_anonymity_comes_back(client):
    response = client.post(REPORT, report_data(anonymous=""))

    assert response.status_code == 400
    assert "Tinggalkan nomor telepon atau alamat e-mail" in response.content.decode()
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    "overrides", [{"offer": "Kerja"}, {"kind": ""}, {"area_code": ""}, {"money_asked": "-5"}], ids=str
)
def test_bad_input_comes_back_and_writes_nothing(client, overrides):
    response = client.post(REPORT, report_data(**overrides))

    assert response.status_code == 400
    assert "Laporan belum terkirim" in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_report_form_carries_the_complaint_forms_bot_checks(client):
    body = client.get(REPORT).content.decode()

    assert 'name="stamp"' in body and 'name="csrfmiddlewaretoken"' in body
    trap = re.search(r'<div class="public-trap" aria-hidden="true">.*?</div>', body, re.S).group(0)
    assert 'name="website"' in trap and 'tabindex="-1"' in trap
    assert len(body.encode()) < 100_000 and "<script" not in body


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"website": "http://spam.example"}, "Laporan tidak dapat dikirim"),
        ({"stamp": "now"}, "lebih cepat daripada yang bisa dilakukan orang"),
        ({"stamp": "forged"}, "Laporan tidak dapat dikirim"),
    ],
    ids=["honeypot", "too-fast", "forged-stamp"],
)
def test_scripts_are_refused_like_on_the_complaint_form(client, overrides, message):
    if overrides.get("stamp") == "now":
        overrides = {"stamp": make_stamp(time.time())}  # drawn this very moment
    response = client.post(REPORT, report_data(**overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Complaint.objects.exists()


def test_reports_and_complaints_share_one_budget_per_address(client, settings):
    settings.PUBLIC_COMPLAINTS_PER_HOUR = 2

    assert client.post(REPORT, report_data()).status_code == 302
    assert client.post(REPORT, report_data(website="bot")).status_code == 400  # a script's try spends it too
    refused = client.post(REPORT, report_data())
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert client.post(COMPLAINT_NEW, {}).status_code == 429
    assert Complaint.objects.count() == 1
    other = client.post(REPORT, report_data(), REMOTE_ADDR="10.1.2.3")  # another address has its own
    assert other.status_code == 302


def test_the_report_form_speaks_english(english):
    body = english.get(REPORT).content.decode()

    assert "Report a fake offer or a broker" in body and "A broker (calo) recruiting people" in body
    assert "Laporkan tawaran palsu" not in body
