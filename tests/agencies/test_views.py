"""Officials supervise placement companies: the list, a company's file, suspend, revoke, reinstate."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.choices import AuditAction, Role
from accounts.models import AuditEntry
from agencies.choices import LicenceStatus, SanctionKind
from agencies.models import Agency, Branch, Sanction
from agencies.services import agency_reinstate, agency_sanction
from core.errors import DomainError
from oversight.choices import FlagStatus, SubjectType
from oversight.models import Flag
from tests.factories import AgencyFactory, UserFactory
from tests.placement.journey import license_agency

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def page(client, name, *args, query=""):
    response = client.get(reverse(name, args=args) + query)
    assert response.status_code == 200
    return response.content.decode()


def flag_on(subject_type, subject_id, *, area="52.03", rule="LICENCE_INACTIVE", status=FlagStatus.OPEN):
    now = timezone.now()
    return Flag.objects.create(
        rule_code=rule, subject_type=subject_type, subject_id=subject_id, severity="high", status=status,
        area_code=area, evidence={}, first_seen=now, last_seen=now,
        decision_reason="checked" if status == FlagStatus.DISMISSED else "",
    )  # fmt: skip


def suspend(client, agency, reason="Holding workers' passports", **extra):
    data = {"kind": SanctionKind.SUSPENSION, "reason": reason, "starts_on": timezone.localdate().isoformat(), **extra}
    return client.post(reverse("portal:agency_sanction", args=[agency.pk]), data)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- The list ------------------------------------------------------------------------------


def test_the_list_shows_licences_placements_and_open_flags(client, ministry_official, journey, agency_b):
    agency_a = journey.placement.agency
    flag_on(SubjectType.AGENCY, agency_a.pk)
    flag_on(SubjectType.PLACEMENT, journey.pk, rule="STALLED")
    flag_on(SubjectType.AGENCY, agency_b.pk, status=FlagStatus.DISMISSED)  # closed: not counted
    client.force_login(ministry_official)
    html = page(client, "portal:agency_list")
    row_a = html[html.index("PT Agensi A") :].split("</tr>")[0]
    row_b = html[html.index("PT Agensi B") :].split("</tr>")[0]
    assert "Active" in row_a and "SIP3MI/" in row_a
    assert [cell.split("<")[0] for cell in row_a.split('class="text-end">')[1:]] == ["1", ""]  # 1 placement
    assert '<strong class="text-danger">2</strong>' in row_a  # the company's flag and its placement's
    assert row_b.rstrip().endswith('<td class="text-end">0</td>')


def test_the_list_filters_by_licence_status(client, ntb_province_official):
    license_agency(AgencyFactory(name="PT Aktif Sejahtera"))
    AgencyFactory(name="PT Dibekukan Jaya", licence_status=LicenceStatus.SUSPENDED)
    client.force_login(ntb_province_official)
    html = page(client, "portal:agency_list", query="?licence_status=suspended")
    assert "PT Dibekukan Jaya" in html and "PT Aktif Sejahtera" not in html


def test_the_list_costs_the_same_queries_for_one_company_or_thirty(
    client, ministry_official, django_assert_num_queries
):
    AgencyFactory()
    client.force_login(ministry_official)
    # session, user, the user's second-factor device, count, the page with its counts as subqueries,
    # and the provinces and regencies the head-office filter offers by name
    with django_assert_num_queries(7):
        client.get(reverse("portal:agency_list"))
    AgencyFactory.create_batch(30)
    with django_assert_num_queries(7):
        html = client.get(reverse("portal:agency_list") + "?per_page=50").content.decode()
    assert html.count('href="/perusahaan/') >= 31


def test_regency_officials_count_only_their_jurisdiction(client, lotim_regency_official, ntt_regency_official, journey):
    flag_on(SubjectType.PLACEMENT, journey.pk, area="52.03.01.2001", rule="STALLED")
    client.force_login(ntt_regency_official)
    html = page(client, "portal:agency_detail", journey.placement.agency.pk)
    assert "No placements in your jurisdiction." in html
    assert "No open red flags about this company in your jurisdiction." in html
    client.force_login(lotim_regency_official)
    html = page(client, "portal:agency_detail", journey.placement.agency.pk)
    assert "Stuck in one stage" in html and "Baiq Rohani" in html


# --- A company's file ----------------------------------------------------------------------


def test_the_detail_shows_licence_branches_history_placements_and_flags(client, ministry_official, journey):
    agency = journey.placement.agency
    Branch.objects.create(agency=agency, regency_id="53.01", address="Jl. El Tari 5, Kupang")
    agency_sanction(
        actor=ministry_official, agency_id=agency.pk, kind=SanctionKind.WARNING,
        reason="Late arrival reports", starts_on=timezone.localdate(),
    )  # fmt: skip
    flag_on(SubjectType.JOB_ORDER, journey.placement.job_order_id, rule="QUOTA_EXCEEDED")
    client.force_login(ministry_official)
    html = page(client, "portal:agency_detail", agency.pk)
    assert agency.licence_number in html
    assert "Kupang" in html and "Jl. El Tari 5" in html
    assert "Written warning" in html and "Late arrival reports" in html
    assert "Baiq Rohani" in html and reverse("portal:placement_detail", args=[journey.pk]) in html
    assert "More workers than the quota allows" in html


def test_companies_and_village_officers_cannot_see_the_supervision_pages(
    client, agency_a_staff, village_officer, agency_a
):
    for user in (agency_a_staff, village_officer):
        client.force_login(user)
        assert client.get(reverse("portal:agency_list")).status_code == 403
        assert client.get(reverse("portal:agency_detail", args=[agency_a.pk])).status_code == 403
        assert suspend(client, agency_a).status_code == 403
    assert Agency.objects.get(pk=agency_a.pk).licence_status == LicenceStatus.ACTIVE


def test_an_unknown_company_is_not_found(client, ministry_official):
    client.force_login(ministry_official)
    assert client.get(reverse("portal:agency_detail", args=[999999])).status_code == 404


# --- Suspend, revoke, reinstate -----------------------------------------------------------


def test_the_ministry_suspends_with_a_reason_and_it_is_recorded(client, ministry_official, licensed_agency):
    client.force_login(ministry_official)
    response = suspend(client, licensed_agency, reason="Holding workers' passports in Selong")
    assert response.status_code == 302
    assert "The licence is suspended." in messages_of(response)
    assert Agency.objects.get(pk=licensed_agency.pk).licence_status == LicenceStatus.SUSPENDED
    stored = Sanction.objects.get(agency=licensed_agency)
    assert (stored.kind, stored.reason, stored.imposed_by) == (
        SanctionKind.SUSPENSION,
        "Holding workers' passports in Selong",
        ministry_official,
    )
    html = page(client, "portal:agency_detail", licensed_agency.pk)
    assert "Suspension of business activity" in html and "Holding workers&#x27; passports in Selong" in html


def test_a_suspension_needs_a_reason(client, ministry_official, licensed_agency):
    client.force_login(ministry_official)
    response = suspend(client, licensed_agency, reason="   ")
    assert response.status_code == 200
    assert "A reason is required." in response.content.decode()
    assert Agency.objects.get(pk=licensed_agency.pk).licence_status == LicenceStatus.ACTIVE
    assert not Sanction.objects.exists()


def test_a_sanction_cannot_end_before_it_starts(client, ministry_official, licensed_agency):
    client.force_login(ministry_official)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = suspend(client, licensed_agency, ends_on=yesterday)
    assert "A sanction cannot end before it starts." in response.content.decode()
    assert not Sanction.objects.exists()


def test_province_and_regency_officials_can_only_look(
    client, ntb_province_official, lotim_regency_official, licensed_agency
):
    for official in (ntb_province_official, lotim_regency_official):
        client.force_login(official)
        html = page(client, "portal:agency_detail", licensed_agency.pk)
        assert "Impose a sanction" not in html
        assert suspend(client, licensed_agency).status_code == 403
    assert Agency.objects.get(pk=licensed_agency.pk).licence_status == LicenceStatus.ACTIVE
    assert not Sanction.objects.exists()


def test_revocation_is_final(client, ministry_official, licensed_agency):
    client.force_login(ministry_official)
    data = {"kind": SanctionKind.REVOCATION, "reason": "Trafficking conviction", "starts_on": "2026-01-10"}
    client.post(reverse("portal:agency_sanction", args=[licensed_agency.pk]), data)
    assert Agency.objects.get(pk=licensed_agency.pk).licence_status == LicenceStatus.REVOKED
    html = page(client, "portal:agency_detail", licensed_agency.pk)
    assert "Impose a sanction" not in html and "Reinstate the suspended licence" not in html


def test_the_ministry_reinstates_a_suspended_licence_and_it_is_recorded(client, ministry_official, licensed_agency):
    client.force_login(ministry_official)
    suspend(client, licensed_agency)
    assert "Reinstate the suspended licence" in page(client, "portal:agency_detail", licensed_agency.pk)
    response = client.post(
        reverse("portal:agency_reinstate", args=[licensed_agency.pk]),
        {"reason": "Passports returned, verified by BP3MI NTB"},
    )
    assert "The licence is reinstated." in messages_of(response)
    assert Agency.objects.get(pk=licensed_agency.pk).licence_status == LicenceStatus.ACTIVE
    assert Sanction.objects.get(agency=licensed_agency).ends_on == timezone.localdate()
    entry = AuditEntry.objects.get(action=AuditAction.LICENCE_REINSTATED)
    assert entry.actor == ministry_official and entry.detail["reason"] == "Passports returned, verified by BP3MI NTB"
    html = page(client, "portal:agency_detail", licensed_agency.pk)
    assert "Company licence reinstated" in html and "Passports returned, verified by BP3MI NTB" in html


def test_reinstating_needs_a_reason_and_a_suspension(client, ministry_official, licensed_agency):
    client.force_login(ministry_official)
    url = reverse("portal:agency_reinstate", args=[licensed_agency.pk])
    response = client.post(url, {"reason": "All good"})
    assert "Only a suspended licence can be reinstated." in messages_of(response)
    suspend(client, licensed_agency)
    response = client.post(url, {"reason": " "})
    assert "A reason is required." in response.content.decode()
    assert Agency.objects.get(pk=licensed_agency.pk).licence_status == LicenceStatus.SUSPENDED
    assert not AuditEntry.objects.filter(action=AuditAction.LICENCE_REINSTATED).exists()


def test_only_the_ministry_reinstates(ntb_province_official, ministry_official, licensed_agency, in_english):
    agency_sanction(
        actor=ministry_official, agency_id=licensed_agency.pk, kind=SanctionKind.SUSPENSION,
        reason="Fees charged", starts_on=timezone.localdate(),
    )  # fmt: skip
    with pytest.raises(DomainError, match="Only the ministry can sanction a company or reinstate its licence."):
        agency_reinstate(actor=ntb_province_official, agency_id=licensed_agency.pk, reason="Looks fine")
    auditor = UserFactory(username="auditor", role=Role.AUDITOR)
    with pytest.raises(DomainError):
        agency_reinstate(actor=auditor, agency_id=licensed_agency.pk, reason="Looks fine")
    assert Agency.objects.get(pk=licensed_agency.pk).licence_status == LicenceStatus.SUSPENDED


def test_a_licence_that_ran_out_while_suspended_comes_back_expired(ministry_official, licensed_agency):
    agency_sanction(
        actor=ministry_official, agency_id=licensed_agency.pk, kind=SanctionKind.SUSPENSION,
        reason="Fees charged", starts_on=timezone.localdate() - timedelta(days=30),
    )  # fmt: skip
    Agency.objects.filter(pk=licensed_agency.pk).update(licence_expires_on=timezone.localdate() - timedelta(days=1))
    agency = agency_reinstate(actor=ministry_official, agency_id=licensed_agency.pk, reason="Fees refunded")
    assert agency.licence_status == LicenceStatus.EXPIRED
