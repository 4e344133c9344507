"""Test-wide setup: real PostgreSQL and Redis, and the personas tests speak of.

Without DATABASE_URL / REDIS_URL the embedded servers under var/ are started
here (and stopped at the end, if this run started them), so a plain `pytest`
works on a fresh machine.
"""

import os

import pytest

from siskop2mi.devstack import Stack
from siskop2mi.i18n import compile_catalogues
from siskop2mi.paths import BASE_DIR

_stack = Stack()


def pytest_configure(config):
    if compile_catalogues([BASE_DIR / "locale"]):
        # Django may have cached catalogues before they existed (fresh clone).
        from django.utils.translation import trans_real

        trans_real._translations = {}
        trans_real._default = None
    env = _stack.start()
    os.environ.setdefault("DATABASE_URL", env.get("DATABASE_URL", ""))
    os.environ.setdefault("REDIS_URL", env.get("REDIS_URL", ""))


def pytest_unconfigure(config):
    _stack.stop()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Areas and reference data (countries, occupations, moratorium, embarkation points)
    are what every test may need: load them once per run."""
    with django_db_blocker.unblock():
        load_areas_and_reference_data()


def load_areas_and_reference_data() -> None:
    from django.core.management import call_command

    call_command("import_areas", verbosity=0)
    call_command("load_reference_data", verbosity=0)


# --- Areas after a transactional test ---------------------------------------------------------
# A transactional test (a live server, a browser, a second connection) ends with a flush that
# empties every table, areas and reference data included. In one process pytest-django runs those
# tests last; `make test` hands each process whole files in turn, so an ordinary test may come next
# in a flushed database: reload what django_db_setup loaded before it starts.
_flushed = False


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    fixtures = getattr(item, "fixturenames", ())
    return "transactional_db" in fixtures or "live_server" in fixtures


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    global _flushed
    uses_database = item.get_closest_marker("django_db") is not None or "db" in getattr(item, "fixturenames", ())
    if _flushed and uses_database and not _is_transactional(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            load_areas_and_reference_data()
            _seed_what_migrations_seed()
        _flushed = False


def _seed_what_migrations_seed() -> None:
    """The rows a data migration writes, which the flush took too: the complaint deadlines."""
    import importlib

    from django.apps import apps

    importlib.import_module("complaints.migrations.0001_complaints").seed_deadlines(apps, None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    global _flushed
    yield
    _flushed = _flushed or _is_transactional(item)


# --- The second factor in tests ---------------------------------------------------------------
# Officials, mission/complaint officers, auditors, system administrators and any staff account must
# confirm a login with a second factor (core.roles.needs_second_factor); every page sends them to
# that step until they did. ``client.force_login(user)`` (Django's Client and DRF's APIClient) logs
# such a user in WITH the second factor verified, through a confirmed TOTP device named "test", so a
# test about a page need not walk the 2FA step. Mark a test ``@pytest.mark.without_second_factor``
# to get Django's plain force_login (a session that still has to pass the second factor).
SECOND_FACTOR_TEST_DEVICE = "test"


def second_factor_device(user):
    """The user's confirmed TOTP device for tests (made once)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=SECOND_FACTOR_TEST_DEVICE, confirmed=True)
    return device


def verify_second_factor(client, user) -> None:
    """Mark the client's logged-in session as verified with the user's second factor."""
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = second_factor_device(user).persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _second_factor_on_force_login(request, monkeypatch):
    if request.node.get_closest_marker("without_second_factor"):
        return
    from django.test import Client

    from core.roles import needs_second_factor

    plain_force_login = Client.force_login

    def force_login(self, user, backend=None):
        plain_force_login(self, user, backend)
        if needs_second_factor(user):
            verify_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


# Personas (ARCHITECTURE rule 11). Codes are real: 52 NTB, 52.03 Lombok Timur,
# 53.01 Kupang (NTT), 52.03.01.2001 Tanjung Luar village in Lombok Timur.
@pytest.fixture
def ministry_official(db):
    from accounts.choices import Role
    from tests.factories import UserFactory

    return UserFactory(username="kementerian", role=Role.MINISTRY_OFFICIAL)


@pytest.fixture
def ntb_province_official(db):
    from accounts.choices import Role
    from tests.factories import UserFactory
    from villages.models import Province

    return UserFactory(username="prov.ntb", role=Role.PROVINCE_OFFICIAL, province=Province.objects.get(code="52"))


@pytest.fixture
def lotim_regency_official(db):
    from accounts.choices import Role
    from tests.factories import UserFactory
    from villages.models import Regency

    return UserFactory(username="kab.lotim", role=Role.REGENCY_OFFICIAL, regency=Regency.objects.get(code="52.03"))


@pytest.fixture
def ntt_regency_official(db):
    from accounts.choices import Role
    from tests.factories import UserFactory
    from villages.models import Regency

    return UserFactory(username="kab.kupang", role=Role.REGENCY_OFFICIAL, regency=Regency.objects.get(code="53.01"))


@pytest.fixture
def village_officer(db):
    from accounts.choices import Role
    from tests.factories import UserFactory
    from villages.models import Village

    return UserFactory(
        username="desa.tanjungluar", role=Role.VILLAGE_OFFICER, village=Village.objects.get(code="52.03.01.2001")
    )


@pytest.fixture
def agency_a(db):
    from tests.factories import AgencyFactory

    return AgencyFactory(name="PT Agensi A")


@pytest.fixture
def agency_b(db):
    from tests.factories import AgencyFactory

    return AgencyFactory(name="PT Agensi B")


@pytest.fixture
def agency_a_staff(agency_a):
    from accounts.choices import Role
    from tests.factories import UserFactory

    return UserFactory(username="staf.a", role=Role.AGENCY_STAFF, agency=agency_a)


@pytest.fixture
def agency_b_staff(agency_b):
    from accounts.choices import Role
    from tests.factories import UserFactory

    return UserFactory(username="staf.b", role=Role.AGENCY_STAFF, agency=agency_b)


def _mission_officer(username: str, *, name: str, kind: str, city: str, countries: list[str]):
    from accounts.choices import Role
    from recruitment.models import Mission
    from tests.factories import UserFactory

    mission, _ = Mission.objects.get_or_create(name=name, defaults={"kind": kind, "city": city})
    mission.countries.set(countries)
    return UserFactory(username=username, role=Role.MISSION_OFFICER, mission=mission)


@pytest.fixture
def malaysia_mission_officer(db):
    """An officer of KBRI Kuala Lumpur, whose jurisdiction is Malaysia."""
    return _mission_officer("kbri.kl", name="KBRI Kuala Lumpur", kind="kbri", city="Kuala Lumpur", countries=["MY"])


@pytest.fixture
def taiwan_mission_officer(db):
    """An officer of KDEI Taipei, whose jurisdiction is Taiwan."""
    return _mission_officer("kdei.taipei", name="KDEI Taipei", kind="kdei", city="Taipei", countries=["TW"])


@pytest.fixture
def system_admin(db):
    from accounts.choices import Role
    from tests.factories import UserFactory

    return UserFactory(username="sysadmin", role=Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture(scope="module")
def demo_for_the_module(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo `make run` loads, seeded once for a whole test module (it takes half a minute):
    inside a transaction that each test's own transaction nests in (a savepoint, rolled back after
    the test, as always) and that is rolled back when the module ends. Returns the demo directory
    (credentials.json); `demo_dir` points paths.DEMO_DIR at it for a test.

    Only for modules whose every test may see the demo: a test there that does not ask for it
    still runs inside this transaction once an earlier one has."""
    from django.core.management import call_command
    from django.db import transaction

    from siskop2mi import paths

    demo_dir = tmp_path_factory.mktemp("demo")
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        module_transaction.__enter__()
        try:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(paths, "DEMO_DIR", demo_dir)
                call_command("seed_demo", verbosity=0)
            yield demo_dir
        finally:
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)


@pytest.fixture
def demo_dir(demo_for_the_module, monkeypatch):
    """paths.DEMO_DIR at the module's demo (see demo_for_the_module), for this test."""
    from siskop2mi import paths

    monkeypatch.setattr(paths, "DEMO_DIR", demo_for_the_module)
    return demo_for_the_module


@pytest.fixture
def reference_data(transactional_db):
    """For transactional tests: the flush after each one empties every table, areas included."""
    load_areas_and_reference_data()


@pytest.fixture
def english(client):
    """Pages in English for this test's ``client``, as a person gets them: by choosing English
    with the language switcher (its cookie). Accept-Language does not switch pages, only the API."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- The placement lifecycle, built through the services (tests/placement/journey.py) -----
# Agency A's staff do the company's writes; the ministry official stands for the mission
# abroad and the permit office.
@pytest.fixture
def in_english():
    """Messages are asserted in English here; Bahasa Indonesia is the portal's default."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def licensed_agency(agency_a):
    """Agency A with an active SIP3MI licence."""
    from tests.placement.journey import license_agency

    return license_agency(agency_a)


@pytest.fixture
def malaysian_factory(db):
    """A foreign employer in Malaysia, formal sector."""
    from tests.factories import EmployerFactory

    return EmployerFactory(name="Penang Electronics Sdn Bhd", registration_number="MY-200301012345")


@pytest.fixture
def factory_job_order(licensed_agency, agency_a_staff, ministry_official, malaysian_factory):
    """Agency A's job order for 10 factory operators in Malaysia: verified by the mission,
    published, with a SIP2MI permit covering Lombok Timur (52.03)."""
    from tests.placement import journey

    return journey.job_order(
        company=agency_a_staff, mission=ministry_official, agency=licensed_agency, employer=malaysian_factory
    )


@pytest.fixture
def lombok_worker(agency_a_staff, licensed_agency):
    """Baiq Rohani, 27, of Tanjung Luar (52.03.01.2001), NIK issued in Keruak, family consent given."""
    from tests.placement.journey import register_worker

    return register_worker(actor=agency_a_staff, agency=licensed_agency)


@pytest.fixture
def selected_application(agency_a_staff, lombok_worker, factory_job_order):
    from tests.placement.journey import select

    return select(agency_a_staff, lombok_worker, factory_job_order)


@pytest.fixture
def journey(agency_a_staff, selected_application):
    """Her placement on the Malaysian job order, registered (stage 1), ready to walk."""
    from tests.placement.journey import place

    return place(agency_a_staff, selected_application)


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to a temporary directory."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }
    return tmp_path
