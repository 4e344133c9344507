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
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("import_areas", verbosity=0)
        call_command("load_reference_data", verbosity=0)


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


@pytest.fixture
def system_admin(db):
    from accounts.choices import Role
    from tests.factories import UserFactory

    return UserFactory(username="sysadmin", role=Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def reference_data(transactional_db):
    """For transactional tests: the flush after each one empties every table, areas included."""
    from django.core.management import call_command

    call_command("import_areas", verbosity=0)
    call_command("load_reference_data", verbosity=0)
