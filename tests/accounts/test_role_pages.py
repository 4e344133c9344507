"""Role x page: what each role gets when it opens each page of the portal, the mission abroad, the
permit issuers and the registry counter included (issue 12). 200 for the pages of one's work, 403
for a page one's role has no business on, 404 for a record outside one's jurisdiction."""

import pytest
from django.urls import reverse

from recruitment.choices import JobOrderStatus

pytestmark = pytest.mark.django_db

ROLES = [
    "ministry_official",
    "ntb_province_official",
    "lotim_regency_official",
    "village_officer",
    "agency_a_staff",
    "malaysia_mission_officer",
    "taiwan_mission_officer",
]
MINISTRY, PROVINCE, REGENCY, VILLAGE, COMPANY, MY_MISSION, TW_MISSION = ROLES

# page -> the roles that get 200; every other role of ROLES gets 403.
PAGES = {
    "portal:home": set(ROLES),
    "portal:worker_list": set(ROLES),
    "portal:job_order_list": set(ROLES),
    "placement:placement_list": set(ROLES),
    "dashboard:dashboard": {MINISTRY, PROVINCE, REGENCY, VILLAGE},
    "oversight:queue": {MINISTRY, PROVINCE, REGENCY},
    "portal:agency_list": {MINISTRY, PROVINCE, REGENCY},
    # The mission's queue of submitted job orders: the missions, and the ministry on their written word.
    "portal:mission_queue": {MINISTRY, MY_MISSION, TW_MISSION},
    # Arrival reports (lapor diri) to record or confirm: the missions (the ministry looks on).
    "portal:mission_arrivals": {MINISTRY, MY_MISSION, TW_MISSION},
    # Recruitment permits (SIP2MI) applied for: the ministry and the provinces decide.
    "portal:permit_queue": {MINISTRY, PROVINCE},
    # The national registry's counter: regency offices, companies (with consent), the ministry.
    "portal:worker_register": {MINISTRY, REGENCY, COMPANY},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_each_role_opens_the_pages_of_its_work(client, request, role, page):
    client.force_login(request.getfixturevalue(role))
    expected = 200 if role in PAGES[page] else 403
    assert client.get(reverse(page), follow=True).status_code == expected


@pytest.fixture
def taiwan_job_order(licensed_agency, agency_a_staff):
    """Agency A's job order for caregivers in Taiwan, submitted to KDEI Taipei."""
    from tests.factories import EmployerFactory
    from tests.placement import journey

    employer = EmployerFactory(name="Chang Gung Care Centre", country_id="TW", registration_number="TW-84122301")
    return journey.job_order(
        company=agency_a_staff,
        mission=None,
        agency=licensed_agency,
        employer=employer,
        occupation="caregiver",
        currency="TWD",
        status=JobOrderStatus.SUBMITTED,
    )


@pytest.mark.parametrize(
    ("role", "malaysian", "taiwanese"),
    [
        (MINISTRY, 200, 200),
        (MY_MISSION, 200, 404),  # a mission in Malaysia never sees Taiwan's job orders
        (TW_MISSION, 404, 200),
        (COMPANY, 200, 200),  # both are agency A's
        ("agency_b_staff", 404, 404),
        (PROVINCE, 200, 200),
    ],
)
def test_a_job_order_page_answers_only_within_the_jurisdiction(
    client, request, factory_job_order, taiwan_job_order, role, malaysian, taiwanese
):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("portal:job_order_detail", args=[factory_job_order.pk])).status_code == malaysian
    assert client.get(reverse("portal:job_order_detail", args=[taiwan_job_order.pk])).status_code == taiwanese


def test_a_mission_sees_only_its_countries_in_its_queue(
    client, malaysia_mission_officer, agency_a_staff, licensed_agency, taiwan_job_order
):
    from tests.factories import EmployerFactory
    from tests.placement import journey

    malaysian = journey.job_order(
        company=agency_a_staff,
        mission=None,
        agency=licensed_agency,
        employer=EmployerFactory(country_id="MY"),
        status=JobOrderStatus.SUBMITTED,
    )
    client.force_login(malaysia_mission_officer)
    response = client.get(reverse("portal:mission_queue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("portal:job_order_detail", args=[malaysian.pk]) in page
    assert reverse("portal:job_order_detail", args=[taiwan_job_order.pk]) not in page


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (MY_MISSION, 200),
        (TW_MISSION, 404),
        (COMPANY, 200),
        ("agency_b_staff", 404),
        (VILLAGE, 200),  # she lives in his village
        ("ntt_regency_official", 404),
    ],
)
def test_a_placement_page_answers_only_within_the_jurisdiction(client, request, journey, role, status):
    """Journey: a worker of Tanjung Luar (Lombok Timur) placed in Malaysia by agency A."""
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("portal:placement_detail", args=[journey.pk])).status_code == status
