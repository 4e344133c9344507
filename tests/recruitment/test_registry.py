"""One national registry of people: a person (keyed by NIK) is nobody's property.

A company reaching a person already on the registry gets the same answer as for a new one
when the name and birth date agree, and a refusal that reveals nothing when they do not; it
sees the person only through its own registration. A returned worker goes again through
another company; officials see one timeline across all placements.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from placement.choices import ReturnReason, Stage
from recruitment import services as recruitment
from recruitment.choices import RegistrationChannel
from recruitment.models import Application, Registration, Worker
from tests.api.conftest import _client, _issue
from tests.factories import EmployerFactory, UserFactory, WorkerFactory
from tests.placement import journey as build
from tests.placement.journey import TANJUNG_LUAR, nik_for
from villages.models import Village

pytestmark = pytest.mark.django_db

REGISTER = "/rekrutmen/pekerja/daftar/"


@pytest.fixture(autouse=True)
def _fresh_throttle_budget():
    from django.core.cache import cache

    cache.clear()


def _api(agency, username):
    """A company's system with a read-write API key."""
    admin = UserFactory(username=username, role=Role.AGENCY_ADMIN, agency=agency)
    return _client(_issue(admin, "read_write")[1])


@pytest.fixture
def api_a(agency_a):
    return _api(agency_a, "admin.a")


@pytest.fixture
def api_b(agency_b):
    return _api(agency_b, "admin.b")


def body(**overrides):
    today = timezone.localdate()
    birth = today.replace(year=today.year - 26, month=5, day=17)
    data = {
        "nik": nik_for(birth, "F", serial=41),
        "full_name": "Baiq Nurul Aini",
        "sex": "F",
        "birth_date": str(birth),
        "birth_place": "Selong",
        "village": TANJUNG_LUAR,
        "education": "sma",
        "marital_status": "single",
        "next_of_kin_name": "Inaq Saenah",
        "consent_on": str(today - timedelta(days=2)),
    }
    return {**data, **overrides}


def body_for(worker: Worker, **overrides):
    """What a second company types for a person it met: the same NIK, name and birth date."""
    return body(nik=worker.nik, full_name=worker.full_name, birth_date=str(worker.birth_date), **overrides)


# --- The same answer for a person already on the registry -----------------------------------


def test_a_matching_nik_gets_the_same_answer_as_a_new_person(api_a, api_b, agency_a, agency_b):
    new = api_a.post("/api/v1/workers/", body(phone=""), format="json")
    assert new.status_code == 201, new.json()
    typed = body(full_name="  baiq  NURUL aini ", phone="081234567890", birth_place="Mataram")
    known = api_b.post("/api/v1/workers/", typed, format="json")
    assert known.status_code == new.status_code == 201, known.json()
    assert set(known.json()) == set(new.json())
    assert known.json()["id"] == new.json()["id"]
    # Each company sees itself as the person's company, never the other.
    assert new.json()["agency"] == agency_a.pk and known.json()["agency"] == agency_b.pk
    worker = Worker.objects.get()
    # The registry keeps what it holds; only an empty optional fact is filled in.
    assert worker.full_name == "Baiq Nurul Aini" and worker.birth_place == "Selong"
    assert worker.phone == "081234567890"
    assert sorted(Registration.objects.values_list("agency_id", flat=True)) == sorted([agency_a.pk, agency_b.pk])
    assert api_b.get(f"/api/v1/workers/{worker.pk}/").json()["nik"] == worker.nik
    # Registering twice is harmless.
    again = api_b.post("/api/v1/workers/", typed, format="json")
    assert again.status_code == 201 and again.json()["id"] == worker.pk
    assert Registration.objects.count() == 2


def test_a_company_must_say_when_the_candidate_consented(api_a):
    missing = api_a.post("/api/v1/workers/", {k: v for k, v in body().items() if k != "consent_on"}, format="json")
    assert missing.status_code == 400 and "consent_on" in missing.json()["errors"]
    future = api_a.post(
        "/api/v1/workers/", body(consent_on=str(timezone.localdate() + timedelta(days=1))), format="json"
    )
    assert future.status_code == 400 and "consent_on" in future.json()["errors"]
    assert not Worker.objects.exists() and not Registration.objects.exists()


def test_the_refusal_reads_the_same_whether_or_not_the_nik_exists(api_a, api_b, agency_b):
    assert api_a.post("/api/v1/workers/", body(), format="json").status_code == 201
    other_name = api_b.post("/api/v1/workers/", body(full_name="Ni Luh Sari"), format="json")
    other_birth_date = api_b.post(
        "/api/v1/workers/", body(birth_date=str(timezone.localdate().replace(year=1990, month=1, day=2))), format="json"
    )
    fresh = body(nik=nik_for(timezone.localdate().replace(year=2000, month=3, day=3), "F", serial=42))
    new_nik_wrong_date = api_b.post("/api/v1/workers/", fresh, format="json")
    responses = [other_name, other_birth_date, new_nik_wrong_date]
    assert {r.status_code for r in responses} == {400}
    assert other_name.json() == other_birth_date.json() == new_nik_wrong_date.json()
    assert other_name.json()["code"] == "identity_mismatch"
    assert "nik_taken" not in str(other_name.json())
    assert Worker.objects.count() == 1
    assert not Registration.objects.filter(agency=agency_b).exists()
    assert api_b.get("/api/v1/workers/").json()["results"] == []


# --- A returned worker goes again through another company -----------------------------------


@pytest.fixture
def returned_worker(journey):
    """Agency A's worker, back home after her placement."""
    today = timezone.localdate()
    journey.walk_to(Stage.READY)
    journey.depart(on=today - timedelta(days=3))
    journey.arrive(on=today - timedelta(days=3), reported_on=today - timedelta(days=2))
    journey.return_home(on=today - timedelta(days=1), reason=ReturnReason.EARLY_TERMINATION)
    return journey.placement


@pytest.fixture
def job_order_of_b(agency_b, agency_b_staff, ministry_official):
    agency = build.license_agency(agency_b)
    return build.job_order(
        company=agency_b_staff,
        mission=ministry_official,
        agency=agency,
        employer=EmployerFactory(name="Taoyuan Precision Co."),
    )


def test_a_second_company_takes_a_returned_worker_abroad_again(
    client, api_a, api_b, returned_worker, job_order_of_b, lotim_regency_official
):
    first = returned_worker
    worker = first.worker
    registered = api_b.post("/api/v1/workers/", body_for(worker), format="json")
    assert registered.status_code == 201, registered.json()
    assert registered.json()["id"] == worker.pk
    applied = api_b.post(
        "/api/v1/applications/",
        {"worker": worker.pk, "job_order": job_order_of_b.pk, "applied_on": str(timezone.localdate())},
        format="json",
    )
    assert applied.status_code == 201, applied.json()
    decided = api_b.post(f"/api/v1/applications/{applied.json()['id']}/decide/", {"selected": True}, format="json")
    assert decided.status_code == 200, decided.json()
    placed = api_b.post("/api/v1/placements/", {"application": applied.json()["id"]}, format="json")
    assert placed.status_code == 201, placed.json()
    second = placed.json()["id"]

    # Each company sees its own placement only.
    assert api_a.get(f"/api/v1/placements/{second}/").status_code == 404
    assert api_b.get(f"/api/v1/placements/{first.pk}/").status_code == 404
    assert api_a.get(f"/api/v1/workers/{worker.pk}/").status_code == 200

    # The regency official sees one person with both placements.
    client.force_login(lotim_regency_official)
    page = client.get(reverse("portal:worker_detail", args=[worker.pk])).content.decode()
    for placement in (first.pk, second):
        assert reverse("portal:placement_detail", args=[placement]) in page
    assert "PT Agensi A" in page and "PT Agensi B" in page


def test_a_company_sees_only_its_own_placement_on_the_persons_page(
    client, agency_a_staff, agency_b_staff, returned_worker, job_order_of_b
):
    worker = returned_worker.worker
    recruitment.worker_register(actor=agency_b_staff, agency=agency_b_staff.agency, **_service_body(worker))
    application = build.select(agency_b_staff, worker, job_order_of_b)
    second = build.place(agency_b_staff, application).placement
    client.force_login(agency_a_staff)
    page = client.get(reverse("portal:worker_detail", args=[worker.pk])).content.decode()
    assert reverse("portal:placement_detail", args=[returned_worker.pk]) in page
    assert reverse("portal:placement_detail", args=[second.pk]) not in page and "PT Agensi B" not in page
    client.force_login(agency_b_staff)
    page = client.get(reverse("portal:worker_detail", args=[worker.pk])).content.decode()
    assert reverse("portal:placement_detail", args=[second.pk]) in page
    assert reverse("portal:placement_detail", args=[returned_worker.pk]) not in page and "PT Agensi A" not in page
    listing = client.get(reverse("portal:worker_list")).content.decode()
    rows = listing.split("<tbody>")[1].split("</tbody>")[0]
    assert worker.full_name in rows and "PT Agensi B" in rows and "PT Agensi A" not in rows


def _service_body(worker: Worker) -> dict:
    today = timezone.localdate()
    return {
        "nik": worker.nik,
        "full_name": worker.full_name,
        "sex": worker.sex,
        "birth_date": worker.birth_date,
        "birth_place": "Selong",
        "village": worker.village,
        "education": "sma",
        "marital_status": "single",
        "next_of_kin_name": "Inaq Saenah",
        "consent_on": today,
    }


def test_a_company_that_has_not_registered_the_person_cannot_make_them_apply(
    ministry_official, lombok_worker, job_order_of_b
):
    with pytest.raises(Exception) as refused:
        recruitment.application_create(
            actor=ministry_official, worker=lombok_worker, job_order=job_order_of_b, applied_on=timezone.localdate()
        )
    assert getattr(refused.value, "code", None) == "worker_not_registered"
    assert not Application.objects.filter(job_order=job_order_of_b).exists()


# --- Scoping through registrations (as the migration left existing people) ------------------


def test_a_company_sees_a_person_through_its_registration_only(agency_a, agency_b, agency_a_staff, agency_b_staff):
    today = timezone.localdate()
    birth = today.replace(year=today.year - 30)
    # As before the registry: the worker row names the company; the migration added its registration.
    worker = WorkerFactory(
        nik=nik_for(birth, "M", serial=60),
        full_name="Lalu Ahmad",
        sex="M",
        birth_date=birth,
        birth_place="Selong",
        village=Village.objects.get(code=TANJUNG_LUAR),
        education="sma",
        marital_status="single",
        next_of_kin_name="Inaq Saenah",
        agency=agency_a,
    )
    assert not Worker.objects.visible_to(agency_a_staff).filter(pk=worker.pk).exists()  # provenance owns nothing
    Registration.objects.create(
        worker=worker, channel=RegistrationChannel.COMPANY, agency=agency_a, consent_on=today, registered_by=None
    )
    assert list(Worker.objects.visible_to(agency_a_staff)) == [worker]
    assert not Worker.objects.visible_to(agency_b_staff).exists()


# --- The registration page ------------------------------------------------------------------


def form(**overrides):
    """The page's fields; the candidate's consent to a company only when a test gives it."""
    data = body(**overrides)
    if "consent_on" not in overrides:
        del data["consent_on"]
    return data


def test_a_regency_counter_registers_a_person_of_its_regency(client, lotim_regency_official):
    assert reverse("portal:worker_register") == REGISTER
    client.force_login(lotim_regency_official)
    page = client.get(REGISTER)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="date"' in html and 'name="village"' in html and "Tanjung Luar" in html
    assert 'name="consent_on"' not in html
    response = client.post(REGISTER, form())
    worker = Worker.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("portal:worker_detail", args=[worker.pk])
    registration = Registration.objects.get()
    assert registration.channel == RegistrationChannel.REGENCY and registration.agency is None
    assert registration.registered_by == lotim_regency_official
    assert worker.agency is None


def test_the_counter_refuses_a_person_outside_its_regency_and_writes_nothing(client, lotim_regency_official):
    kupang = Village.objects.filter(code__startswith="53.01.").order_by("code").first()
    client.force_login(lotim_regency_official)
    response = client.post(REGISTER, form(village=kupang.code))
    assert response.status_code == 200
    assert response.context["form"].errors["village"]
    assert kupang.name not in response.content.decode().split('name="village"')[1].split("</select>")[0]
    assert not Worker.objects.exists() and not Registration.objects.exists()


def test_the_page_refuses_an_nik_that_disagrees_in_indonesian(client, lotim_regency_official):
    client.force_login(lotim_regency_official)
    response = client.post(REGISTER, form(birth_date="1990-01-02"), HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 200
    assert "KTP" in response.content.decode()
    assert response.context["form"].errors["nik"]
    assert not Worker.objects.exists()


def test_a_company_registers_through_the_page_with_consent(client, agency_a_staff, agency_a):
    client.force_login(agency_a_staff)
    page = client.get(REGISTER, {"regency": "52.03"})
    assert page.status_code == 200 and 'name="consent_on"' in page.content.decode()
    refused = client.post(REGISTER, {**form(), "regency": "52.03"})
    assert refused.status_code == 200 and refused.context["form"].errors["consent_on"]
    assert not Worker.objects.exists()
    done = client.post(REGISTER, {**form(consent_on=str(timezone.localdate())), "regency": "52.03"})
    assert done.status_code == 302
    assert Registration.objects.get().agency == agency_a


@pytest.mark.parametrize("persona", ["village_officer", "ntb_province_official", "malaysia_mission_officer"])
def test_those_without_the_right_cannot_open_the_page(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(REGISTER).status_code == 403
    assert client.post(REGISTER, form()).status_code == 403
    assert not Worker.objects.exists()


def test_the_worker_list_links_to_the_page_for_those_who_may_register(client, lotim_regency_official, village_officer):
    client.force_login(lotim_regency_official)
    assert REGISTER in client.get(reverse("portal:worker_list")).content.decode()
    client.force_login(village_officer)
    assert REGISTER not in client.get(reverse("portal:worker_list")).content.decode()


def test_the_ministry_chooses_the_regency_then_registers_there(client, ministry_official):
    client.force_login(ministry_official)
    chooser = client.get(REGISTER).content.decode()
    assert 'name="regency"' in chooser and 'name="nik"' not in chooser  # first the regency, by name
    page = client.get(REGISTER, {"regency": "52.03"}).content.decode()
    assert "Tanjung Luar" in page and 'name="consent_on"' not in page
    response = client.post(REGISTER, {**form(), "regency": "52.03"})
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.channel == RegistrationChannel.REGENCY and registration.registered_by == ministry_official


def test_the_counter_reaching_a_person_a_company_registered_adds_its_registration_once(
    client, lotim_regency_official, lombok_worker
):
    client.force_login(lotim_regency_official)
    same = {**form(), "nik": lombok_worker.nik, "full_name": lombok_worker.full_name.upper()}
    same["birth_date"] = str(lombok_worker.birth_date)
    for _ in range(2):
        response = client.post(REGISTER, same)
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:worker_detail", args=[lombok_worker.pk])
    assert Worker.objects.count() == 1
    assert sorted(lombok_worker.registrations.values_list("channel", flat=True)) == ["company", "regency"]
    page = client.get(reverse("portal:worker_detail", args=[lombok_worker.pk])).content.decode()
    assert "PT Agensi A" in page
