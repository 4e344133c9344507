"""Complaints from every channel, their statuses both ways, referral, escalation with the clock
moved (never slept), and notices that never block the complaint."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent, DeadlineSetting
from complaints.services import (
    complaint_file,
    complaint_for_code,
    complaint_refer,
    complaint_transition,
    complaints_escalate_overdue,
    referral_answer,
    time_left_tone,
)
from core import clock
from core.errors import DomainError
from core.models import OutboundMessage
from core.outbox import deliver_due
from core.roles import Role
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def complaint_officer(db):
    from villages.models import Province

    return UserFactory(username="pengaduan.ntb", role=Role.COMPLAINT_OFFICER, province=Province.objects.get(code="52"))


def file_public(**overrides):
    fields = {
        "actor": None,
        "channel": "web",
        "category": "unpaid_wages",
        "description": "Gaji adik saya tidak dibayar selama tiga bulan di Johor.",
        "area_code": "52.03",
        "complainant_name": "Lalu Ahmad",
        "complainant_phone": "081900001111",
        "complainant_email": "ahmad@example.id",
    }
    return complaint_file(**{**fields, **overrides})


def test_a_public_complaint_gets_a_code_and_a_secret_that_open_it(complaint_officer):
    complaint, secret = file_public()

    assert complaint.tracking_code.startswith("ADU-") and len(secret) == 12
    assert complaint_for_code(complaint.tracking_code, secret) == complaint
    assert complaint_for_code(complaint.tracking_code.lower(), secret.lower()) == complaint
    assert complaint_for_code(complaint.tracking_code, "WRONGSECRET1") is None
    assert complaint_for_code("ADU-0000-0000", secret) is None
    assert secret not in complaint.secret_hash
    assert (complaint.priority, complaint.status, complaint.level) == ("high", "received", "regency")
    assert complaint.assigned_to == complaint_officer  # the province's complaint officer
    assert list(complaint.events.values_list("kind", flat=True)) == ["filed"]


def test_the_complainant_is_told_by_sms_and_e_mail_and_a_failing_gateway_blocks_nothing(settings):
    settings.SMS_SENDER = "core.outbox.FailingSmsSender"

    complaint, _secret = file_public()

    queued = OutboundMessage.objects.filter(about=f"complaint:{complaint.pk}")
    assert sorted(queued.values_list("channel", flat=True)) == ["email", "sms"]
    counts = deliver_due()
    assert counts == {"sent": 1, "retry": 1, "failed": 0}
    assert len(mail.outbox) == 1 and complaint.tracking_code in mail.outbox[0].body
    sms = queued.get(channel="sms")
    assert sms.status == "pending" and sms.attempts == 1 and "unreachable" in sms.last_error
    assert sms.next_attempt_at > clock.now()
    assert Complaint.objects.filter(pk=complaint.pk).exists()


@pytest.mark.parametrize(
    ("category", "minor", "priority"),
    [("trafficking", False, "urgent"), ("excessive_hours", True, "urgent"), ("excessive_hours", False, "normal")],
)
def test_priority_comes_from_the_category_and_the_facts(category, minor, priority):
    complaint, _secret = file_public(category=category, involves_minor=minor)

    assert complaint.priority == priority
    hours = DeadlineSetting.objects.get(priority=priority).acknowledge_hours
    assert complaint.acknowledge_due_at - complaint.filed_at == timedelta(hours=hours)


def test_an_anonymous_complaint_keeps_no_identity():
    complaint, _secret = file_public(anonymous=True)

    assert (complaint.complainant_name, complaint.complainant_phone, complaint.complainant_email) == ("", "", "")
    assert not OutboundMessage.objects.exists()


def test_bad_input_is_refused_and_nothing_is_written():
    with pytest.raises(DomainError) as refused:
        file_public(description="gaji", complainant_phone="", complainant_email="", area_code="")

    assert set(refused.value.fields) == {"description", "complainant_phone", "area_code"}
    assert not Complaint.objects.exists() and not OutboundMessage.objects.exists()


def test_statuses_move_both_ways_with_their_outcome_and_reason(complaint_officer):
    complaint, _secret = file_public()
    move = lambda to, **kw: complaint_transition(actor=complaint_officer, complaint_id=complaint.pk, to_status=to, **kw)  # noqa: E731

    assert move("verified").acknowledged_at is not None
    assert move("received").status == "received"
    move("verified")
    move("in_progress")
    with pytest.raises(DomainError) as no_outcome:
        move("resolved")
    assert no_outcome.value.code == "outcome_missing"
    assert move("resolved", outcome="Gaji dibayar penuh oleh majikan").resolved_at is not None
    assert move("in_progress").resolved_at is None
    move("resolved", outcome="Gaji dibayar penuh")
    assert move("closed").status == "closed"
    with pytest.raises(DomainError) as final:
        move("in_progress")
    assert final.value.code == "transition_not_allowed"
    events = ComplaintEvent.objects.filter(complaint=complaint, kind="status")
    assert list(events.values_list("to_status", flat=True)) == [
        *("verified", "received", "verified", "in_progress"),
        *("resolved", "in_progress", "resolved", "closed"),
    ]


def test_a_rejection_needs_a_reason_and_can_be_reconsidered(complaint_officer):
    complaint, _secret = file_public()

    with pytest.raises(DomainError):
        complaint_transition(actor=complaint_officer, complaint_id=complaint.pk, to_status="rejected")
    rejected = complaint_transition(
        actor=complaint_officer, complaint_id=complaint.pk, to_status="rejected", reason="Bukan pekerja migran"
    )
    assert rejected.rejection_reason == "Bukan pekerja migran"
    again = complaint_transition(actor=complaint_officer, complaint_id=complaint.pk, to_status="received")
    assert (again.status, again.rejection_reason) == ("received", "")


def test_outside_the_area_a_complaint_does_not_exist(ntt_regency_official, agency_a_staff):
    complaint, _secret = file_public()

    for user in (ntt_regency_official, agency_a_staff):
        with pytest.raises(DomainError) as refused:
            complaint_transition(actor=user, complaint_id=complaint.pk, to_status="verified")
        assert refused.value.code == "not_found"


def test_a_company_answers_the_referral_made_to_it(complaint_officer, agency_a, agency_a_staff, agency_b_staff):
    complaint, _secret = file_public()
    referral = complaint_refer(
        actor=complaint_officer, complaint_id=complaint.pk, target="company", agency=agency_a, note="Mohon jelaskan"
    )
    complaint.refresh_from_db()
    assert complaint.status == "in_progress"
    assert referral.due_at - referral.referred_at == timedelta(days=5)

    with pytest.raises(DomainError):
        referral_answer(actor=agency_b_staff, referral_id=referral.pk, answer="Bukan urusan kami sama sekali")
    answered = referral_answer(actor=agency_a_staff, referral_id=referral.pk, answer="Gaji sudah ditransfer kemarin")
    assert answered.answered_by == agency_a_staff
    assert Complaint.objects.visible_to(agency_a_staff).get() == complaint
    assert not Complaint.objects.visible_to(agency_b_staff).exists()


def test_overdue_complaints_climb_from_regency_to_province_to_ministry(complaint_officer):
    urgent, _secret = file_public(category="violence")  # acknowledge within 24 h, resolve within 7 days
    filed = urgent.filed_at

    assert complaints_escalate_overdue(now=filed + timedelta(hours=23)) == 0
    assert time_left_tone(urgent, now=filed + timedelta(hours=2)) == "success"
    assert time_left_tone(urgent, now=filed + timedelta(hours=20)) == "warning"
    assert time_left_tone(urgent, now=filed + timedelta(hours=25)) == "danger"
    assert complaints_escalate_overdue(now=filed + timedelta(hours=25)) == 1
    urgent.refresh_from_db()
    assert urgent.level == "province"
    assert complaints_escalate_overdue(now=filed + timedelta(hours=30)) == 0  # once per level
    assert complaints_escalate_overdue(now=filed + timedelta(hours=49)) == 1
    urgent.refresh_from_db()
    assert urgent.level == "ministry"
    assert complaints_escalate_overdue(now=filed + timedelta(days=30)) == 0
    levels = [e.data["to"] for e in urgent.events.filter(kind="escalated").order_by("id")]
    assert levels == ["province", "ministry"]


def test_an_acknowledged_complaint_escalates_only_when_its_resolve_deadline_passes(complaint_officer):
    complaint, _secret = file_public()  # high: 72 h, 14 days
    complaint_transition(actor=complaint_officer, complaint_id=complaint.pk, to_status="verified")

    assert complaints_escalate_overdue(now=complaint.filed_at + timedelta(days=13)) == 0
    assert complaints_escalate_overdue(now=complaint.filed_at + timedelta(days=15)) == 1
    complaint.refresh_from_db()
    assert complaint.level == "ministry"
    assert timezone.now() < complaint.resolve_due_at + timedelta(days=2)


def test_a_secret_still_opens_its_complaint_after_the_secret_key_is_rotated(settings):
    complaint, secret = file_public()
    old_key = settings.SECRET_KEY

    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    assert complaint_for_code(complaint.tracking_code, secret) is None
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert complaint_for_code(complaint.tracking_code, secret) == complaint


def test_escalation_tells_the_officials_of_the_new_level_reading_each_area_once(
    ntb_province_official, complaint_officer, django_assert_max_num_queries
):
    ntb_province_official.email = "prov.ntb@example.id"
    ntb_province_official.save(update_fields=["email"])
    first, _secret = file_public(category="violence", complainant_phone="", complainant_email="a@example.id")
    second, _secret = file_public(category="violence", complainant_phone="", complainant_email="b@example.id")
    OutboundMessage.objects.all().delete()

    with django_assert_max_num_queries(8):  # the statement, the complaints, one area's officials, the notices
        assert complaints_escalate_overdue(now=first.filed_at + timedelta(hours=25)) == 2

    told = OutboundMessage.objects.filter(recipient="prov.ntb@example.id")
    assert sorted(told.values_list("about", flat=True)) == sorted([f"complaint:{first.pk}", f"complaint:{second.pk}"])
