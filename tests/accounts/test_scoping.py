"""visible_to(user) on the area models, per persona (ARCHITECTURE rule 3)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.choices import Role
from accounts.models import User
from accounts.services import user_create
from agencies.models import Agency
from tests.factories import TEST_PASSWORD
from villages.models import District, Province, Regency, Village

pytestmark = pytest.mark.django_db


def codes(queryset):
    return set(queryset.values_list("code", flat=True))


def test_ministry_sees_every_area(ministry_official):
    assert Province.objects.visible_to(ministry_official).count() == 38
    assert Village.objects.visible_to(ministry_official).count() == 83762


def test_province_official_sees_own_province_only(ntb_province_official):
    user = ntb_province_official
    assert codes(Province.objects.visible_to(user)) == {"52"}
    regencies = codes(Regency.objects.visible_to(user))
    assert "52.03" in regencies and "52.71" in regencies
    assert all(code.startswith("52.") for code in regencies)
    assert not Village.objects.visible_to(user).filter(code__startswith="53.").exists()
    assert Village.objects.visible_to(user).count() == Village.objects.filter(code__startswith="52.").count()


def test_regency_official_sees_own_regency_and_the_province_above(lotim_regency_official):
    user = lotim_regency_official
    assert codes(Province.objects.visible_to(user)) == {"52"}
    assert codes(Regency.objects.visible_to(user)) == {"52.03"}
    assert District.objects.visible_to(user).filter(code="52.03.01").exists()
    assert not District.objects.visible_to(user).filter(code="52.01.01").exists()  # Lombok Barat
    assert not Village.objects.visible_to(user).filter(code="53.01.04.2003").exists()  # Kupang, NTT


def test_regency_official_does_not_see_a_neighbouring_regency_with_a_shared_prefix(db):
    # 53.01 must not match 53.010... nor 53.1x: prefixes are cut at the dot.
    user = User(role=Role.REGENCY_OFFICIAL, regency_id="53.01", is_active=True)
    assert codes(Regency.objects.visible_to(user)) == {"53.01"}


def test_village_officer_sees_only_their_village(village_officer):
    assert codes(Village.objects.visible_to(village_officer)) == {"52.03.01.2001"}
    assert codes(District.objects.visible_to(village_officer)) == {"52.03.01"}


def test_agency_staff_see_areas_as_reference_data(agency_a_staff):
    assert Village.objects.visible_to(agency_a_staff).count() == 83762


def test_agency_staff_see_only_their_own_company(agency_a_staff, agency_b):
    assert list(Agency.objects.visible_to(agency_a_staff)) == [agency_a_staff.agency]


def test_users_are_scoped_by_jurisdiction_and_agency(
    lotim_regency_official, village_officer, ntt_regency_official, agency_a_staff, agency_b_staff
):
    visible = set(User.objects.visible_to(lotim_regency_official).values_list("username", flat=True))
    assert visible == {"kab.lotim", "desa.tanjungluar"}
    assert list(User.objects.visible_to(agency_a_staff)) == [agency_a_staff]


def test_anonymous_and_inactive_users_see_nothing(ministry_official):
    assert not Province.objects.visible_to(AnonymousUser()).exists()
    ministry_official.is_active = False
    assert not Province.objects.visible_to(ministry_official).exists()


@pytest.mark.parametrize(
    ("role", "jurisdiction"),
    [
        (Role.REGENCY_OFFICIAL, {}),  # a regency official without a regency
        (Role.VILLAGE_OFFICER, {"regency_id": "52.03"}),  # the wrong level
        (Role.MINISTRY_OFFICIAL, {"province_id": "52"}),  # national roles carry none
        (Role.AGENCY_STAFF, {}),  # agency staff without a company
    ],
)
def test_database_refuses_a_jurisdiction_that_does_not_fit_the_role(role, jurisdiction):
    with pytest.raises(IntegrityError):
        User.objects.create(username="salah", full_name="Salah Isi", role=role, **jurisdiction)


def test_user_create_refuses_with_a_message_and_writes_nothing(ministry_official, in_english):
    before = User.objects.count()
    with pytest.raises(ValidationError) as refused:
        user_create(
            actor=ministry_official,
            username="desa.tanpa",
            full_name="Tanpa Desa",
            role=Role.VILLAGE_OFFICER,
            password=TEST_PASSWORD,
        )
    assert "The jurisdiction or company does not fit the role." in str(refused.value)
    assert User.objects.count() == before


def test_user_create_refuses_a_weak_password(ministry_official):
    with pytest.raises(ValidationError):
        user_create(
            actor=ministry_official,
            username="lemah",
            full_name="Sandi Lemah",
            role=Role.AUDITOR,
            password="12345",
        )
    assert not User.objects.filter(username="lemah").exists()
