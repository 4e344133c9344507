"""Recruitment permits (SIP2MI) in the product: the company applies on a verified job order, the
ministry or the province of its regions issues or refuses it, an issued permit can be revoked,
and only an issued permit lets the company publish and covers a region. Services, pages and the
partner API; and a job order walked from draft to published through real requests only."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.services import api_key_create
from placement.choices import Stage
from recruitment import services
from recruitment.choices import JobOrderEventKind, JobOrderStatus, PermitStatus
from recruitment.models import JobOrder, JobOrderEvent, RecruitmentPermit
from tests.factories import UserFactory
from tests.placement import journey as build
from tests.placement.journey import refused, register_worker
from villages.models import Province

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

TODAY = timezone.localdate()
QUEUE = reverse("portal:permit_queue")


@pytest.fixture
def verified(agency_a_staff, ministry_official, licensed_agency, malaysian_factory):
    """Agency A's job order for 10 factory operators in Malaysia, verified by the mission, no permit yet."""
    draft = build.job_order(
        company=agency_a_staff,
        mission=ministry_official,
        agency=licensed_agency,
        employer=malaysian_factory,
        status=JobOrderStatus.SUBMITTED,
    )
    return services.job_order_verify(
        actor=ministry_official, job_order_id=draft.pk, mission_reference="KBRI-KL/JO/1", verified_on=TODAY
    )


@pytest.fixture
def ntt_province_official(db):
    return UserFactory(username="prov.ntt", role=Role.PROVINCE_OFFICIAL, province=Province.objects.get(code="53"))


def apply(actor, job_order, *, quota=5, regions=("52.03",), valid_from=None, valid_until=None):
    return services.permit_apply(
        actor=actor,
        job_order_id=job_order.pk,
        quota=quota,
        valid_from=valid_from or TODAY,
        valid_until=valid_until or TODAY + timedelta(days=180),
        regions=list(regions),
    )


def events(job_order) -> list[str]:
    return list(JobOrderEvent.objects.filter(job_order=job_order).order_by("at", "id").values_list("kind", flat=True))


def api_client(company_admin) -> APIClient:
    raw = api_key_create(actor=company_admin, name="Sistem", scope="read_write")[1]
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def agency_a_admin(agency_a):
    return UserFactory(username="admin.a", role=Role.AGENCY_ADMIN, agency=agency_a)


# --- Services -------------------------------------------------------------------------------


def test_the_company_applies_and_the_ministry_issues(agency_a_staff, ministry_official, verified):
    applied = apply(agency_a_staff, verified, quota=4, regions=("52.03", "52.01"))
    assert (applied.status, applied.number, applied.applied_by, applied.binds) == (
        PermitStatus.APPLIED,
        None,
        agency_a_staff,
        False,
    )
    issued = services.permit_issue(actor=ministry_official, permit_id=applied.pk, number=" SIP2MI/NTB/7 ")
    issued.refresh_from_db()
    assert (issued.status, issued.number, issued.decided_by, issued.binds) == (
        PermitStatus.ISSUED,
        "SIP2MI/NTB/7",
        ministry_official,
        True,
    )
    assert events(verified)[-2:] == [JobOrderEventKind.PERMIT_APPLIED, JobOrderEventKind.PERMIT_ISSUED]
    event = JobOrderEvent.objects.get(job_order=verified, kind=JobOrderEventKind.PERMIT_ISSUED)
    assert (event.data["number"], event.data["quota"], event.data["regions"]) == ("SIP2MI/NTB/7", 4, ["52.01", "52.03"])


def test_an_application_must_fit_the_job_order(agency_a_staff, verified):
    error = refused(apply, agency_a_staff, verified, quota=verified.quota + 1)
    assert error.code == "permit_quota"
    error = refused(apply, agency_a_staff, verified, valid_until=verified.valid_until + timedelta(days=1))
    assert (error.code, str(error)) == (
        "permit_validity",
        f"The permit must lie within the job order's validity ({verified.valid_from.isoformat()} – "
        f"{verified.valid_until.isoformat()}).",
    )
    error = refused(apply, agency_a_staff, verified, valid_from=TODAY, valid_until=TODAY - timedelta(days=1))
    assert error.fields == {"valid_until": ["A permit cannot end before it starts."]}
    error = refused(apply, agency_a_staff, verified, regions=("99.99",))
    assert error.code == "regions_unknown"
    apply(agency_a_staff, verified)
    error = refused(apply, agency_a_staff, verified)
    assert (error.code, str(error)) == (
        "permit_pending",
        "An application for a permit on this job order is already awaiting a decision.",
    )
    assert RecruitmentPermit.objects.filter(job_order=verified).count() == 1


def test_another_company_cannot_apply(agency_b_staff, verified):
    assert refused(apply, agency_b_staff, verified).code == "forbidden"
    assert not RecruitmentPermit.objects.exists()


def test_a_company_cannot_issue_its_own_permit(agency_a_staff, verified):
    applied = apply(agency_a_staff, verified)
    error = refused(services.permit_issue, actor=agency_a_staff, permit_id=applied.pk, number="SIP2MI/X")
    assert (error.code, str(error)) == ("forbidden", "Only the ministry or a province issues recruitment permits.")
    assert RecruitmentPermit.objects.get(pk=applied.pk).status == PermitStatus.APPLIED


def test_a_province_issues_only_for_its_own_regions(
    agency_a_staff, ntb_province_official, ntt_province_official, verified
):
    applied = apply(agency_a_staff, verified, regions=("52.03", "52.01"))
    error = refused(services.permit_issue, actor=ntt_province_official, permit_id=applied.pk, number="SIP2MI/NTT/1")
    assert (error.code, str(error)) == (
        "forbidden",
        "This permit names regions outside your province: the ministry decides on it.",
    )
    assert RecruitmentPermit.objects.get(pk=applied.pk).status == PermitStatus.APPLIED
    services.permit_issue(actor=ntb_province_official, permit_id=applied.pk, number="SIP2MI/NTB/1")
    assert RecruitmentPermit.objects.get(pk=applied.pk).status == PermitStatus.ISSUED


def test_a_permit_spanning_two_provinces_is_the_ministrys(agency_a_staff, ntb_province_official, verified):
    applied = apply(agency_a_staff, verified, regions=("52.03", "53.01"))
    assert refused(
        services.permit_issue, actor=ntb_province_official, permit_id=applied.pk, number="SIP2MI/NTB/2"
    ).code == ("forbidden")


def test_a_number_is_issued_once(agency_a_staff, ministry_official, verified, factory_job_order):
    taken = factory_job_order.permits.get().number
    applied = apply(agency_a_staff, verified)
    error = refused(services.permit_issue, actor=ministry_official, permit_id=applied.pk, number=taken)
    assert (error.code, error.fields) == (
        "permit_number_taken",
        {"number": [f"Another permit already has the number {taken}."]},
    )
    assert RecruitmentPermit.objects.get(pk=applied.pk).status == PermitStatus.APPLIED


def test_a_refusal_keeps_the_job_order_verified_and_records_the_reason(agency_a_staff, ministry_official, verified):
    applied = apply(agency_a_staff, verified)
    assert refused(services.permit_refuse, actor=ministry_official, permit_id=applied.pk, reason=" ").code == (
        "reason_required"
    )
    services.permit_refuse(actor=ministry_official, permit_id=applied.pk, reason="Kuota daerah sudah penuh")
    permit = RecruitmentPermit.objects.get(pk=applied.pk)
    assert (permit.status, permit.reason, permit.decided_by) == (
        PermitStatus.REFUSED,
        "Kuota daerah sudah penuh",
        ministry_official,
    )
    assert JobOrder.objects.get(pk=verified.pk).status == JobOrderStatus.VERIFIED
    event = JobOrderEvent.objects.filter(job_order=verified).latest("id")
    assert (event.kind, event.reason) == (JobOrderEventKind.PERMIT_REFUSED, "Kuota daerah sudah penuh")
    # A refused application can be followed by a new one.
    assert apply(agency_a_staff, verified).status == PermitStatus.APPLIED


def test_only_an_issued_permit_lets_the_company_publish(agency_a_staff, ministry_official, verified):
    applied = apply(agency_a_staff, verified)
    error = refused(services.job_order_publish, actor=agency_a_staff, job_order_id=verified.pk)
    assert (error.code, str(error)) == (
        "permit_missing",
        "The job order can be published only with a recruitment permit (SIP2MI) issued and valid today.",
    )
    assert JobOrder.objects.get(pk=verified.pk).status == JobOrderStatus.VERIFIED
    services.permit_issue(actor=ministry_official, permit_id=applied.pk, number="SIP2MI/NTB/9")
    services.job_order_publish(actor=agency_a_staff, job_order_id=verified.pk)
    assert JobOrder.objects.get(pk=verified.pk).status == JobOrderStatus.PUBLISHED


def test_a_permit_issued_for_later_does_not_publish_today(agency_a_staff, ministry_official, verified):
    later = apply(agency_a_staff, verified, valid_from=TODAY + timedelta(days=10))
    services.permit_issue(actor=ministry_official, permit_id=later.pk, number="SIP2MI/NTB/10")
    assert refused(services.job_order_publish, actor=agency_a_staff, job_order_id=verified.pk).code == (
        "permit_missing"
    )


def test_an_applied_or_revoked_permit_covers_no_region(agency_a_staff, ministry_official, factory_job_order):
    """The factory job order's permit covers Lombok Timur; an application for Kupang does not."""
    kupang = register_worker(
        actor=agency_a_staff, agency=factory_job_order.agency, serial=8, village="53.01.04.2003", district="530104"
    )
    apply(agency_a_staff, factory_job_order, regions=("53.01",))
    trip = build.place(agency_a_staff, build.select(agency_a_staff, kupang, factory_job_order))
    assert (
        "a valid recruitment permit (SIP2MI) covering the worker's regency"
        in refused(trip.advance, Stage.SELECTED).missing
    )

    lombok = register_worker(actor=agency_a_staff, agency=factory_job_order.agency, serial=9)
    issued = factory_job_order.permits.get(status=PermitStatus.ISSUED)
    services.permit_revoke(actor=ministry_official, permit_id=issued.pk, reason="Izin disalahgunakan")
    assert RecruitmentPermit.objects.get(pk=issued.pk).status == PermitStatus.REVOKED
    assert events(factory_job_order)[-1] == JobOrderEventKind.PERMIT_REVOKED
    trip = build.place(agency_a_staff, build.select(agency_a_staff, lombok, factory_job_order))
    assert (
        "a valid recruitment permit (SIP2MI) covering the worker's regency"
        in refused(trip.advance, Stage.SELECTED).missing
    )


def test_only_an_issued_permit_can_be_revoked(agency_a_staff, ministry_official, verified):
    applied = apply(agency_a_staff, verified)
    error = refused(services.permit_revoke, actor=ministry_official, permit_id=applied.pk, reason="Salah")
    assert (error.code, str(error)) == (
        "permit_status",
        "The permit is “Applied for”; this action is not possible now.",
    )


# --- Pages ------------------------------------------------------------------------------------


def test_the_company_applies_on_the_page(client, agency_a_staff, verified):
    client.force_login(agency_a_staff)
    url = reverse("portal:permit_apply", args=[verified.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'type="date"' in page.content.decode() and 'value="52.03"' in page.content.decode()
    response = client.post(
        url,
        {
            "quota": 3,
            "valid_from": TODAY.isoformat(),
            "valid_until": (TODAY + timedelta(days=90)).isoformat(),
            "regions": ["52.03", "52.02"],
        },
    )
    assert response.status_code == 302
    permit = RecruitmentPermit.objects.get(job_order=verified)
    assert (permit.status, permit.quota, sorted(permit.regions.values_list("code", flat=True))) == (
        PermitStatus.APPLIED,
        3,
        ["52.02", "52.03"],
    )


def test_a_refused_application_on_the_page_changes_nothing(client, agency_a_staff, verified):
    client.force_login(agency_a_staff)
    response = client.post(
        reverse("portal:permit_apply", args=[verified.pk]),
        {
            "quota": verified.quota + 5,
            "valid_from": TODAY.isoformat(),
            "valid_until": (TODAY + timedelta(days=90)).isoformat(),
            "regions": ["52.03"],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not RecruitmentPermit.objects.filter(job_order=verified).exists()


def test_another_company_and_officials_cannot_open_the_apply_page(
    client, agency_b_staff, ntb_province_official, verified
):
    url = reverse("portal:permit_apply", args=[verified.pk])
    client.force_login(agency_b_staff)
    assert client.get(url).status_code == 404  # another company's job order does not exist for it
    client.force_login(ntb_province_official)
    assert client.get(url).status_code == 403


def test_the_queue_lists_what_the_official_may_decide(
    client, agency_a_staff, ntb_province_official, ntt_province_official, ministry_official, verified
):
    applied = apply(agency_a_staff, verified)
    client.force_login(ntb_province_official)
    assert [permit.pk for permit in client.get(QUEUE).context["page"].object_list] == [applied.pk]
    client.force_login(ntt_province_official)
    response = client.get(QUEUE)
    assert list(response.context["page"].object_list) == []
    assert "permit-" not in response.content.decode()
    client.force_login(ministry_official)
    assert [permit.pk for permit in client.get(QUEUE).context["page"].object_list] == [applied.pk]


def test_companies_and_regency_officials_have_no_queue(client, agency_a_staff, lotim_regency_official):
    for user in (agency_a_staff, lotim_regency_official):
        client.force_login(user)
        assert client.get(QUEUE).status_code == 403


def test_an_official_issues_from_the_queue_and_the_company_publishes(
    client, agency_a_staff, ntb_province_official, verified
):
    applied = apply(agency_a_staff, verified)
    client.force_login(ntb_province_official)
    response = client.post(
        reverse("portal:permit_issue", args=[applied.pk]), {"number": "SIP2MI/NTB/55", "next": QUEUE}
    )
    assert response.status_code == 302 and response.url == QUEUE
    assert RecruitmentPermit.objects.get(pk=applied.pk).status == PermitStatus.ISSUED

    client.force_login(agency_a_staff)
    detail = client.get(reverse("portal:job_order_detail", args=[verified.pk])).content.decode()
    assert reverse("portal:job_order_publish", args=[verified.pk]) in detail
    assert client.post(reverse("portal:job_order_publish", args=[verified.pk])).status_code == 302
    assert JobOrder.objects.get(pk=verified.pk).status == JobOrderStatus.PUBLISHED


def test_an_empty_number_or_reason_on_the_page_changes_nothing(client, agency_a_staff, ministry_official, verified):
    applied = apply(agency_a_staff, verified)
    client.force_login(ministry_official)
    client.post(reverse("portal:permit_issue", args=[applied.pk]), {"number": " "})
    client.post(reverse("portal:permit_refuse", args=[applied.pk]), {"reason": ""})
    assert RecruitmentPermit.objects.get(pk=applied.pk).status == PermitStatus.APPLIED


def test_the_company_cannot_issue_on_the_page(client, agency_a_staff, verified):
    applied = apply(agency_a_staff, verified)
    client.force_login(agency_a_staff)
    assert client.post(reverse("portal:permit_issue", args=[applied.pk]), {"number": "X"}).status_code == 403
    assert RecruitmentPermit.objects.get(pk=applied.pk).status == PermitStatus.APPLIED


def test_the_publish_button_waits_for_an_issued_permit(client, agency_a_staff, verified):
    apply(agency_a_staff, verified)
    client.force_login(agency_a_staff)
    detail = client.get(reverse("portal:job_order_detail", args=[verified.pk])).content.decode()
    assert reverse("portal:job_order_publish", args=[verified.pk]) not in detail
    client.post(reverse("portal:job_order_publish", args=[verified.pk]))
    assert JobOrder.objects.get(pk=verified.pk).status == JobOrderStatus.VERIFIED


def test_refuse_and_revoke_on_the_job_order_page(client, agency_a_staff, ministry_official, verified):
    applied = apply(agency_a_staff, verified)
    client.force_login(ministry_official)
    detail = reverse("portal:job_order_detail", args=[verified.pk])
    assert reverse("portal:permit_refuse", args=[applied.pk]) in client.get(detail).content.decode()
    client.post(reverse("portal:permit_refuse", args=[applied.pk]), {"reason": "Dokumen tidak lengkap"})
    assert RecruitmentPermit.objects.get(pk=applied.pk).reason == "Dokumen tidak lengkap"
    assert "Dokumen tidak lengkap" in client.get(detail).content.decode()

    second = apply(agency_a_staff, verified)
    services.permit_issue(actor=ministry_official, permit_id=second.pk, number="SIP2MI/NTB/77")
    assert reverse("portal:permit_revoke", args=[second.pk]) in client.get(detail).content.decode()
    client.post(reverse("portal:permit_revoke", args=[second.pk]), {"reason": "Pelanggaran"})
    assert RecruitmentPermit.objects.get(pk=second.pk).status == PermitStatus.REVOKED


def test_permit_issuers_see_the_queue_in_the_navigation(client, ntb_province_official, agency_a_staff):
    client.force_login(ntb_province_official)
    assert f'href="{QUEUE}"' in client.get(reverse("portal:home")).content.decode()
    client.force_login(agency_a_staff)
    assert f'href="{QUEUE}"' not in client.get(reverse("portal:home")).content.decode()


# --- Partner API ------------------------------------------------------------------------------


def test_the_api_applies_lists_and_publishes(agency_a_admin, ministry_official, verified):
    api = api_client(agency_a_admin)
    url = f"/api/v1/job-orders/{verified.pk}/permits/"
    body = {"quota": 2, "valid_from": TODAY.isoformat(), "valid_until": str(TODAY + timedelta(days=60))}
    response = api.post(url, {**body, "regions": ["52.03"]}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["number"], response.json()["regions"]) == (
        "applied",
        None,
        ["52.03"],
    )
    assert api.post(f"/api/v1/job-orders/{verified.pk}/publish/").json()["code"] == "permit_missing"
    assert api.post(url, {**body, "regions": ["52.03"]}, format="json").status_code == 409  # pending already
    assert api.post(url, {**body, "regions": []}, format="json").status_code == 400

    services.permit_issue(actor=ministry_official, permit_id=response.json()["id"], number="SIP2MI/API/1")
    assert [permit["status"] for permit in api.get(url).json()] == ["issued"]
    published = api.post(f"/api/v1/job-orders/{verified.pk}/publish/")
    assert (published.status_code, published.json()["status"]) == (200, "published")


def test_another_companys_job_order_is_not_found_in_the_api(agency_b, verified):
    admin_b = UserFactory(username="admin.b", role=Role.AGENCY_ADMIN, agency=agency_b)
    api = api_client(admin_b)
    assert api.get(f"/api/v1/job-orders/{verified.pk}/permits/").status_code == 404
    assert api.post(f"/api/v1/job-orders/{verified.pk}/publish/").status_code == 404


# --- The whole way, through real requests only -------------------------------------------------


def test_a_job_order_goes_from_draft_to_published_through_requests_only(
    client, media_root, agency_a_admin, licensed_agency, malaysia_mission_officer, ntb_province_official,
    malaysian_factory,
):  # fmt: skip
    api = api_client(agency_a_admin)
    created = api.post(
        "/api/v1/job-orders/",
        {
            "employer": malaysian_factory.pk, "occupation": "factory_operator", "quota": 6, "salary": "1800.00",
            "currency": "MYR", "contract_months": 24, "valid_from": TODAY.isoformat(),
            "valid_until": str(TODAY + timedelta(days=365)),
        },
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    job_order_id = created.json()["id"]
    letter = SimpleUploadedFile("demand-letter.pdf", b"%PDF-1.4 demand letter", content_type="application/pdf")
    attached = api.post(
        f"/api/v1/job-orders/{job_order_id}/documents/",
        {"kind": "demand_letter", "number": "DL/PE/2026/1", "file": letter},
        format="multipart",
    )
    assert attached.status_code == 201, attached.content
    assert api.post(f"/api/v1/job-orders/{job_order_id}/submit/").json()["status"] == "submitted"

    client.force_login(malaysia_mission_officer)
    verified = client.post(
        reverse("portal:job_order_verify", args=[job_order_id]),
        {"mission_reference": "KBRI-KL/JO/2026/88", "verified_on": TODAY.isoformat()},
    )
    assert verified.status_code == 302
    assert JobOrder.objects.get(pk=job_order_id).status == JobOrderStatus.VERIFIED

    applied = api.post(
        f"/api/v1/job-orders/{job_order_id}/permits/",
        {"quota": 6, "valid_from": TODAY.isoformat(), "valid_until": str(TODAY + timedelta(days=300)),
         "regions": ["52.03", "52.02"]},
        format="json",
    )  # fmt: skip
    assert applied.status_code == 201, applied.content

    client.force_login(ntb_province_official)
    queue = client.get(QUEUE)
    assert [permit.pk for permit in queue.context["page"].object_list] == [applied.json()["id"]]
    client.post(reverse("portal:permit_issue", args=[applied.json()["id"]]), {"number": "SIP2MI/NTB/2026/88"})

    published = api.post(f"/api/v1/job-orders/{job_order_id}/publish/")
    assert (published.status_code, published.json()["status"]) == (200, "published")
    assert events(JobOrder.objects.get(pk=job_order_id)) == [
        JobOrderEventKind.CREATED,
        JobOrderEventKind.DOCUMENT_ADDED,
        JobOrderEventKind.SUBMITTED,
        JobOrderEventKind.VERIFIED,
        JobOrderEventKind.PERMIT_APPLIED,
        JobOrderEventKind.PERMIT_ISSUED,
        JobOrderEventKind.PUBLISHED,
    ]


def test_the_refusal_path_through_requests_leaves_the_job_order_verified(
    client, agency_a_admin, ministry_official, verified
):
    api = api_client(agency_a_admin)
    applied = api.post(
        f"/api/v1/job-orders/{verified.pk}/permits/",
        {"quota": 2, "valid_from": TODAY.isoformat(), "valid_until": str(TODAY + timedelta(days=30)),
         "regions": ["52.03"]},
        format="json",
    ).json()  # fmt: skip
    client.force_login(ministry_official)
    client.post(reverse("portal:permit_refuse", args=[applied["id"]]), {"reason": "Majikan belum terdaftar"})
    permits = api.get(f"/api/v1/job-orders/{verified.pk}/permits/").json()
    assert [(permit["status"], permit["reason"]) for permit in permits] == [("refused", "Majikan belum terdaftar")]
    assert api.post(f"/api/v1/job-orders/{verified.pk}/publish/").status_code == 409
    assert api.get(f"/api/v1/job-orders/{verified.pk}/").json()["status"] == "verified"


def test_the_red_flag_counts_only_an_issued_permit(agency_a_staff, ministry_official, journey):
    """Her placement on the factory job order is selected under its permit for Lombok Timur;
    revoked, the permit covers her no more, and an application for her regency does not either."""
    from oversight.engine import run_rule
    from oversight.models import Flag
    from oversight.rules import RULES_BY_CODE

    def outside() -> bool:
        rule = RULES_BY_CODE["OUTSIDE_PERMIT_REGION"]
        run_rule(rule, parameters=rule.defaults, ids=[journey.pk])
        return Flag.objects.filter(rule_code=rule.code, subject_id=journey.pk).exclude(status="resolved").exists()

    journey.advance(Stage.SELECTED)
    assert not outside()
    job_order = journey.placement.job_order
    issued = job_order.permits.get(status=PermitStatus.ISSUED)
    services.permit_revoke(actor=ministry_official, permit_id=issued.pk, reason="Izin dicabut")
    apply(agency_a_staff, job_order, regions=("52.03",))
    assert outside()


def test_the_dashboard_counts_vacancies_only_where_a_permit_is_issued(
    client, agency_a_staff, lotim_regency_official, ntt_regency_official, factory_job_order
):
    """The factory job order (10 positions) recruits in Lombok Timur; an application for Kupang adds nothing."""
    import re

    from dashboard.services import dashboard_refresh

    apply(agency_a_staff, factory_job_order, regions=("53.01",))
    dashboard_refresh()
    for official, open_positions in ((lotim_regency_official, "10"), (ntt_regency_official, "0")):
        client.force_login(official)
        html = client.get(reverse("dashboard:dashboard")).content.decode()
        assert re.search(r'id="figure-open-vacancies">\s*([^<\s]*)', html).group(1) == open_positions
