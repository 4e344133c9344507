"""Officials' and companies' worker and job-order pages: lists that filter, sort and page in the URL,
details with a timeline, masked NIKs, and nothing outside the user's jurisdiction or company."""

import re

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from recruitment.selectors import PERSONAL_NUMBER_VIEWED
from tests.placement import crowd, journey

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

WORKERS = reverse("portal:worker_list")
JOB_ORDERS = reverse("portal:job_order_list")

# Session, user, the official's second-factor device, COUNT, page, the company select of the filter
# form, and the two levels of areas its area filter offers by name.
WORKER_LIST_QUERIES = 8
# Session, user, second-factor device, COUNT, page, permits of the page, and the country, occupation
# and company selects.
JOB_ORDER_LIST_QUERIES = 9


def _rows(response) -> list:
    return list(response.context["listing"].page.object_list)


def _get(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response


# --- worker list -----------------------------------------------------------------------------


def test_worker_list_masks_the_nik(client, lotim_regency_official, lombok_worker):
    client.force_login(lotim_regency_official)
    page = _get(client, WORKERS).content.decode()
    assert "Baiq Rohani" in page
    assert lombok_worker.masked_nik in page
    assert lombok_worker.nik not in page


def test_a_filter_narrows_the_workers_and_stays_in_the_url(client, ministry_official, agency_a_staff, licensed_agency):
    crowd.workers(agency_a_staff, licensed_agency, 2, name="Inaq")
    crowd.workers(agency_a_staff, licensed_agency, 1, start=200, name="Lalu", sex="M")
    client.force_login(ministry_official)
    assert len(_rows(_get(client, WORKERS))) == 3
    men = _rows(_get(client, WORKERS, {"sex": "M"}))
    assert [worker.full_name for worker in men] == ["Lalu 00"]
    named = _rows(_get(client, WORKERS, {"name": "inaq"}))
    assert {worker.full_name for worker in named} == {"Inaq 00", "Inaq 01"}


def test_an_invalid_filter_says_so_and_shows_no_rows(client, ministry_official, lombok_worker):
    client.force_login(ministry_official)
    response = _get(client, WORKERS, {"nik": "52030"})  # a NIK fragment is never searched
    assert _rows(response) == []
    page = response.content.decode()
    assert "Some filters are not valid; correct them to see results." in page
    assert "Baiq Rohani" not in page


def test_workers_sort_by_name_both_ways(client, ministry_official, agency_a_staff, licensed_agency):
    crowd.workers(agency_a_staff, licensed_agency, 3)
    client.force_login(ministry_official)
    ascending = [w.full_name for w in _rows(_get(client, WORKERS, {"sort": "full_name"}))]
    descending = [w.full_name for w in _rows(_get(client, WORKERS, {"sort": "-full_name"}))]
    assert ascending == ["Pekerja 00", "Pekerja 01", "Pekerja 02"]
    assert descending == list(reversed(ascending))
    page = _get(client, WORKERS, {"sort": "full_name"}).content.decode()
    assert 'aria-sort="ascending"' in page


def test_pages_keep_the_filter(client, ministry_official, agency_a_staff, licensed_agency):
    crowd.workers(agency_a_staff, licensed_agency, 27)
    crowd.workers(agency_a_staff, licensed_agency, 1, start=300, name="Lalu", sex="M")
    client.force_login(ministry_official)
    first = _get(client, WORKERS, {"sex": "F", "sort": "full_name"})
    assert len(_rows(first)) == 25
    next_link = re.search(r'rel="next" href="([^"]+)"', first.content.decode()).group(1).replace("&amp;", "&")
    assert "sex=F" in next_link and "sort=full_name" in next_link and "page=2" in next_link
    second = _get(client, WORKERS + next_link)
    assert [w.full_name for w in _rows(second)] == ["Pekerja 25", "Pekerja 26"]


@pytest.mark.parametrize("count", [1, 30])
def test_the_worker_list_costs_the_same_queries_for_1_or_30_rows(
    client, ministry_official, agency_a_staff, licensed_agency, django_assert_num_queries, count
):
    crowd.workers(agency_a_staff, licensed_agency, count)
    client.force_login(ministry_official)
    with django_assert_num_queries(WORKER_LIST_QUERIES):
        response = client.get(WORKERS, {"per_page": 50})
    assert len(_rows(response)) == count


def test_lists_are_scoped_to_the_jurisdiction(
    client, lombok_worker, ntt_regency_official, agency_b_staff, village_officer
):
    for user in (ntt_regency_official, agency_b_staff):
        client.force_login(user)
        assert _rows(_get(client, WORKERS)) == []
    client.force_login(village_officer)  # Tanjung Luar is her village
    assert [w.pk for w in _rows(_get(client, WORKERS))] == [lombok_worker.pk]


# --- worker detail ---------------------------------------------------------------------------


def test_a_regency_official_cannot_open_another_regencys_worker(
    client, lombok_worker, ntt_regency_official, lotim_regency_official
):
    url = reverse("portal:worker_detail", args=[lombok_worker.pk])
    client.force_login(ntt_regency_official)
    assert client.get(url).status_code == 404
    assert client.post(reverse("portal:worker_nik", args=[lombok_worker.pk])).status_code == 404
    client.force_login(lotim_regency_official)
    assert client.get(url).status_code == 200


def test_agency_b_cannot_open_agency_as_worker(client, lombok_worker, agency_b_staff):
    client.force_login(agency_b_staff)
    assert client.get(reverse("portal:worker_detail", args=[lombok_worker.pk])).status_code == 404


def test_worker_detail_shows_placements_documents_and_timeline(client, lotim_regency_official, journey):
    journey.walk_to(journey.placement.stage + 2)  # selected, then medical: a health certificate
    journey.add_document("passport", number="C7654321")
    client.force_login(lotim_regency_official)
    response = _get(client, reverse("portal:worker_detail", args=[journey.placement.worker_id]))
    page = response.content.decode()
    assert "Identity" in page and "Timeline" in page
    assert "Registered as a candidate" in page
    assert "Applied for a job order" in page
    assert f"Placement #{journey.pk}: Stage reached" in page
    assert "from “Selected” to “Medical and psychological check”" in page
    assert reverse("portal:placement_detail", args=[journey.pk]) in page
    assert "Health and psychological certificate (fit)" in page
    assert "*****321" in page and "C7654321" not in page  # document numbers are masked
    worker = journey.placement.worker
    assert worker.masked_nik in page and worker.nik not in page  # masked until asked for


def test_an_official_may_reveal_the_nik_and_the_viewing_is_recorded(client, lotim_regency_official, lombok_worker):
    client.force_login(lotim_regency_official)
    detail = _get(client, reverse("portal:worker_detail", args=[lombok_worker.pk])).content.decode()
    assert "Show full NIK" in detail
    url = reverse("portal:worker_nik", args=[lombok_worker.pk])
    assert not AuditEntry.objects.filter(action=PERSONAL_NUMBER_VIEWED).exists()  # masked until asked for
    response = client.post(url, REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 200
    assert lombok_worker.nik in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    entry = AuditEntry.objects.get(action=PERSONAL_NUMBER_VIEWED)
    assert (entry.actor, entry.ip_address) == (lotim_regency_official, "192.0.2.44")
    assert entry.detail == {
        "door": "page",
        "path": url,
        "records": [{"model": "recruitment.worker", "ids": [lombok_worker.pk], "fields": ["nik"]}],
    }
    fragment = client.post(url, HTTP_HX_REQUEST="true").content.decode()  # HTMX swaps only the number
    assert lombok_worker.nik in fragment and "<html" not in fragment
    assert AuditEntry.objects.filter(action=PERSONAL_NUMBER_VIEWED).count() == 2


def test_the_company_link_is_offered_only_to_those_who_may_open_the_company_page(
    client, agency_a_staff, lotim_regency_official, lombok_worker
):
    company_page = reverse("portal:agency_detail", args=[lombok_worker.agency_id])
    client.force_login(lotim_regency_official)
    assert (
        f'href="{company_page}"'
        in _get(client, reverse("portal:worker_detail", args=[lombok_worker.pk])).content.decode()
    )
    client.force_login(agency_a_staff)
    page = _get(client, reverse("portal:worker_detail", args=[lombok_worker.pk])).content.decode()
    assert f'href="{company_page}"' not in page and lombok_worker.agency.name in page
    assert client.get(company_page).status_code == 403  # the link would have led here


def test_the_registering_company_may_reveal_the_nik(client, agency_a_staff, lombok_worker):
    client.force_login(agency_a_staff)
    assert lombok_worker.nik in client.post(reverse("portal:worker_nik", args=[lombok_worker.pk])).content.decode()


def test_a_village_officer_sees_the_nik_masked_only(client, village_officer, lombok_worker):
    client.force_login(village_officer)
    page = _get(client, reverse("portal:worker_detail", args=[lombok_worker.pk])).content.decode()
    assert lombok_worker.masked_nik in page and lombok_worker.nik not in page
    assert "Show full NIK" not in page
    assert client.post(reverse("portal:worker_nik", args=[lombok_worker.pk])).status_code == 403
    assert not AuditEntry.objects.filter(action=PERSONAL_NUMBER_VIEWED).exists()


def test_revealing_needs_a_post(client, lotim_regency_official, lombok_worker):
    client.force_login(lotim_regency_official)
    assert client.get(reverse("portal:worker_nik", args=[lombok_worker.pk])).status_code == 405


# --- job orders ------------------------------------------------------------------------------


def test_job_order_list_shows_quota_used_verification_and_permit(client, ntt_regency_official, journey):
    client.force_login(ntt_regency_official)  # officials supervise job orders nationally
    response = _get(client, JOB_ORDERS)
    job_order = _rows(response)[0]
    assert (job_order.placements_used, job_order.applications_count) == (1, 1)
    page = response.content.decode()
    assert "1 of 10" in page
    assert "Published" in page
    assert f"SIP2MI/{job_order.pk:05d}/2026" in page


def test_job_order_filters_and_invalid_filter(
    client, ministry_official, factory_job_order, agency_a_staff, licensed_agency, malaysian_factory
):
    draft = journey.job_order(
        company=agency_a_staff, mission=ministry_official, agency=licensed_agency, employer=malaysian_factory,
        status="draft",
    )  # fmt: skip
    client.force_login(ministry_official)
    assert {j.pk for j in _rows(_get(client, JOB_ORDERS))} == {factory_job_order.pk, draft.pk}
    assert [j.pk for j in _rows(_get(client, JOB_ORDERS, {"status": "draft"}))] == [draft.pk]
    invalid = _get(client, JOB_ORDERS, {"status": "no-such-status"})
    assert _rows(invalid) == []
    assert "Some filters are not valid" in invalid.content.decode()
    by_id = [j.pk for j in _rows(_get(client, JOB_ORDERS, {"sort": "id"}))]
    assert by_id == sorted(by_id)


@pytest.mark.parametrize("count", [1, 30])
def test_the_job_order_list_costs_the_same_queries_for_1_or_30_rows(
    client, ministry_official, agency_a_staff, licensed_agency, malaysian_factory, django_assert_num_queries, count
):
    for _ in range(count):
        journey.job_order(
            company=agency_a_staff, mission=ministry_official, agency=licensed_agency, employer=malaysian_factory
        )
    client.force_login(ministry_official)
    with django_assert_num_queries(JOB_ORDER_LIST_QUERIES):
        response = client.get(JOB_ORDERS, {"per_page": 50})
    assert len(_rows(response)) == count


def test_job_order_detail_shows_quota_verification_and_its_placements(client, lotim_regency_official, journey):
    job_order = journey.placement.job_order
    client.force_login(lotim_regency_official)
    page = _get(client, reverse("portal:job_order_detail", args=[job_order.pk])).content.decode()
    assert "1 of 10 filled" in page
    assert job_order.mission_reference in page
    assert f"SIP2MI/{job_order.pk:05d}/2026" in page and "Lombok Timur" in page
    assert "Penang Electronics Sdn Bhd" in page
    assert reverse("portal:placement_detail", args=[journey.pk]) in page
    assert journey.placement.worker.masked_nik in page


def test_agency_b_cannot_open_agency_as_job_order(client, factory_job_order, agency_b_staff):
    client.force_login(agency_b_staff)
    assert client.get(reverse("portal:job_order_detail", args=[factory_job_order.pk])).status_code == 404
    assert _rows(_get(client, JOB_ORDERS)) == []


def test_a_job_order_shows_only_the_placements_the_user_may_see(client, ntt_regency_official, journey):
    client.force_login(ntt_regency_official)
    response = _get(client, reverse("portal:job_order_detail", args=[journey.placement.job_order_id]))
    assert list(response.context["page"].object_list) == []
    assert "1 of 10 filled" in response.content.decode()  # the quota is a fact of the order, not personal


def test_the_nav_offers_the_lists(client, lotim_regency_official):
    client.force_login(lotim_regency_official)
    page = _get(client, reverse("portal:home")).content.decode()
    for url in (WORKERS, JOB_ORDERS, reverse("placement:placement_list")):
        assert f'href="{url}"' in page


def test_the_timeline_holds_what_the_village_reported_about_the_worker(
    client, lotim_regency_official, village_officer, lombok_worker
):
    from django.utils import timezone

    from villages.services import village_report_create

    village_report_create(
        actor=village_officer, village=lombok_worker.village, kind="intent", occurred_on=timezone.localdate(),
        person_nik=lombok_worker.nik, person_name=lombok_worker.full_name,
    )  # fmt: skip
    client.force_login(lotim_regency_official)
    page = _get(client, reverse("portal:worker_detail", args=[lombok_worker.pk])).content.decode()
    assert "Village report: Intends to work abroad" in page
    assert lombok_worker.nik not in page


# --- Finding a worker by NIK: in the body, never in a URL ---------------------------------

FIND = reverse("portal:worker_find_by_nik")


def test_the_filter_form_has_no_nik_field_but_a_private_search(client, lotim_regency_official, lombok_worker):
    client.force_login(lotim_regency_official)
    page = _get(client, WORKERS).content.decode()
    assert 'name="nik"' in page and f'action="{FIND}"' in page
    assert page.count('name="nik"') == 1  # only in the POST form, not in the GET filter form


def test_find_by_nik_opens_the_worker(client, lotim_regency_official, lombok_worker):
    client.force_login(lotim_regency_official)
    response = client.post(FIND, {"nik": lombok_worker.nik})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:worker_detail", args=[lombok_worker.pk])
    assert lombok_worker.nik not in response["Location"]


def test_find_by_nik_outside_the_jurisdiction_reads_as_unknown(client, ntt_regency_official, lombok_worker):
    client.force_login(ntt_regency_official)
    response = client.post(FIND, {"nik": lombok_worker.nik}, follow=True)
    assert response.redirect_chain[-1][0] == WORKERS
    assert "No worker with this NIK in your jurisdiction." in response.content.decode()
    unknown = client.post(FIND, {"nik": "5203010101010001"}, follow=True)
    assert "No worker with this NIK in your jurisdiction." in unknown.content.decode()


def test_find_by_nik_wants_sixteen_digits_and_a_post(client, lotim_regency_official):
    client.force_login(lotim_regency_official)
    response = client.post(FIND, {"nik": "5203"}, follow=True)
    assert "A NIK must be exactly 16 digits." in response.content.decode()
    assert client.get(FIND).status_code == 405
