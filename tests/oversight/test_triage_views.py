"""Red-flag triage by officials: the queue, one flag's page, assign, confirm, dismiss, bulk."""

from itertools import count

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from oversight.choices import FlagStatus
from oversight.evidence import describe_evidence, safe_reverse
from oversight.models import Flag, FlagEvent
from oversight.rules import RULES_BY_CODE
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LOTIM_VILLAGE = "52.03.01.2001"  # Tanjung Luar, Lombok Timur (NTB)
KUPANG_VILLAGE = "53.01.01.2001"  # a village of Kupang (NTT)
_subjects = count(1)


def make_flag(rule="STALLED", *, area=LOTIM_VILLAGE, status=FlagStatus.OPEN, evidence=None, **fields):
    """A flag as the engine leaves it (the engine itself is tested in test_rules.py)."""
    now = timezone.now()
    spec = RULES_BY_CODE[rule]
    return Flag.objects.create(
        rule_code=rule,
        subject_type=spec.subject,
        subject_id=next(_subjects),
        severity=spec.severity,
        status=status,
        area_code=area,
        evidence=evidence if evidence is not None else {"stage": 4, "since": "2026-01-05", "days": 200},
        first_seen=now,
        last_seen=now,
        decision_reason="found in the field" if status == FlagStatus.DISMISSED else "",
        **fields,
    )


def queue(client, query="status=open&status=in_review"):
    return client.get(f"{reverse('oversight:queue')}?{query}")


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- The queue ---------------------------------------------------------------------------


def test_the_queue_starts_with_flags_still_waiting_for_a_decision(client, lotim_regency_official):
    client.force_login(lotim_regency_official)
    response = client.get(reverse("oversight:queue"))
    assert response.status_code == 302
    assert response["Location"].endswith("?status=open&status=in_review")


def test_the_queue_puts_the_most_severe_first_and_shows_only_the_jurisdiction(client, lotim_regency_official):
    make_flag("STALLED")  # low
    make_flag("NO_ARRIVAL_REPORT", evidence={"departed_on": "2026-01-02", "days": 45})  # medium
    make_flag("WRONG_VISA", evidence={"departed_on": "2026-01-02", "visa": "visit_visa"})  # high
    make_flag("UNOFFICIAL_EXIT", area=KUPANG_VILLAGE)  # another regency
    client.force_login(lotim_regency_official)
    page = queue(client).content.decode()
    rows = page[page.index("<tbody>") :]  # the filter form lists every rule too
    positions = [rows.index(title) for title in ("Departed on a visit visa", "No arrival report", "Stuck in one stage")]
    assert positions == sorted(positions)
    assert "Left through an unofficial crossing" not in rows
    assert "Tanjung Luar" in rows  # the area by name, not only its code


def test_the_queue_filters_by_severity_rule_area_status_and_assignment(
    client, lotim_regency_official, ntb_province_official
):
    mine = make_flag("STALLED", assigned_to=lotim_regency_official)
    make_flag("WRONG_VISA")
    make_flag("NO_ARRIVAL_REPORT", status=FlagStatus.DISMISSED)
    make_flag("UNOFFICIAL_EXIT", area="52.01.01.2001")  # Lombok Barat, same province
    client.force_login(ntb_province_official)

    def titles(query):
        page = queue(client, query).content.decode()
        rows = page[page.index("<tbody>") :] if "<tbody>" in page else ""
        return {
            code
            for code in ("STALLED", "WRONG_VISA", "NO_ARRIVAL_REPORT", "UNOFFICIAL_EXIT")
            if str(RULES_BY_CODE[code].title) in rows
        }

    assert titles("status=open&status=in_review") == {"STALLED", "WRONG_VISA", "UNOFFICIAL_EXIT"}
    assert titles("severity=high") == {"WRONG_VISA", "UNOFFICIAL_EXIT"}
    assert titles("rule=STALLED") == {"STALLED"}
    assert titles("area=52.03") == {"STALLED", "WRONG_VISA", "NO_ARRIVAL_REPORT"}
    assert titles("status=dismissed") == {"NO_ARRIVAL_REPORT"}
    assert titles("assigned=nobody&status=open") == {"WRONG_VISA", "UNOFFICIAL_EXIT"}
    client.force_login(lotim_regency_official)
    assert titles("assigned=me") == {"STALLED"}
    assert mine.assigned_to == lotim_regency_official


def test_the_queue_costs_the_same_queries_for_one_flag_or_thirty(
    client, lotim_regency_official, django_assert_num_queries
):
    client.force_login(lotim_regency_official)
    make_flag("STALLED")
    # session, user, the user's second-factor device, count, the page (subjects and area names come
    # in the same SELECT), the user's regency in the page header, and the districts and villages its
    # area filter offers
    with django_assert_num_queries(8):
        assert queue(client, "per_page=50").status_code == 200
    for rule in ("WRONG_VISA", "NO_ARRIVAL_REPORT", "UNOFFICIAL_EXIT") * 10:
        make_flag(rule, assigned_to=lotim_regency_official)
    with django_assert_num_queries(8):
        page = queue(client, "per_page=50").content.decode()
    assert page.count('name="flags"') == 31


def test_companies_and_village_officers_have_no_queue(client, agency_a_staff, village_officer):
    flag = make_flag()
    for user in (agency_a_staff, village_officer):
        client.force_login(user)
        assert queue(client).status_code == 403
        assert client.get(reverse("oversight:flag_detail", args=[flag.pk])).status_code == 403


def test_the_overview_links_each_rule_to_the_queue(client, lotim_regency_official):
    make_flag("STALLED")
    client.force_login(lotim_regency_official)
    page = client.get(reverse("oversight:overview")).content.decode()
    assert f"{reverse('oversight:queue')}?rule=STALLED&amp;status=open" in page


# --- One flag ----------------------------------------------------------------------------


def test_a_flag_shows_its_evidence_in_words_and_its_history(client, lotim_regency_official):
    flag = make_flag("DEPART_INCOMPLETE", evidence={"departed_on": "2026-03-02", "missing": ["bpjs", "work_visa"]})
    FlagEvent.objects.create(flag=flag, at=timezone.now(), to_status=FlagStatus.OPEN, note="found by the nightly scan")
    client.force_login(lotim_regency_official)
    page = client.get(reverse("oversight:flag_detail", args=[flag.pk])).content.decode()
    assert "Departed with documents missing or expired" in page
    assert "A worker left while a document required for departure was missing" in page  # the rule's explanation
    assert "Departed on" in page and "2 March 2026" in page
    assert "BPJS Ketenagakerjaan membership, Work visa" in page
    assert "found by the nightly scan" in page
    assert "bpjs" not in page  # no raw codes


def test_evidence_reads_as_labelled_facts():
    facts = describe_evidence("STALLED", {"stage": 4, "since": "2026-01-05", "days": 200})
    assert [(f.label, f.value) for f in facts] == [
        ("Current stage", "4. Training and competency"),
        ("In this stage since", "5 January 2026"),
        ("Days in this stage", "200 days"),
    ]
    salary = describe_evidence(
        "SALARY_BELOW_ORDER", {"contract_salary": 1500, "job_order_salary": 1800, "currency": "MYR"}
    )
    assert [f.value for f in salary] == ["MYR 1,500", "MYR 1,800"]
    assert describe_evidence("UNDERAGE", {"departed_on": None})[0].value == "not recorded"


def test_a_page_that_does_not_exist_leaves_plain_text():
    assert safe_reverse("nowhere:detail", 1) is None
    assert safe_reverse("oversight:flag_detail", 7) == reverse("oversight:flag_detail", args=[7])


def test_a_regency_official_cannot_open_another_regencys_flag(client, ntt_regency_official):
    flag = make_flag()  # in Lombok Timur
    client.force_login(ntt_regency_official)
    assert client.get(reverse("oversight:flag_detail", args=[flag.pk])).status_code == 404
    assert client.post(reverse("oversight:flag_assign_me", args=[flag.pk])).status_code == 404
    response = client.post(
        reverse("oversight:flag_decision", args=[flag.pk]), {"to_status": "dismissed", "reason": "not mine"}
    )
    assert response.status_code == 404
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and flag.assigned_to is None


def test_assign_to_me(client, lotim_regency_official):
    flag = make_flag()
    client.force_login(lotim_regency_official)
    response = client.post(reverse("oversight:flag_assign_me", args=[flag.pk]))
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.assigned_to == lotim_regency_official
    assert flag.events.get().actor == lotim_regency_official
    assert "The flag is assigned to you." in messages_of(response)


def test_confirming_or_dismissing_needs_a_reason_and_changes_nothing_without_one(client, lotim_regency_official):
    flag = make_flag()
    client.force_login(lotim_regency_official)
    for to_status in ("confirmed", "dismissed"):
        response = client.post(
            reverse("oversight:flag_decision", args=[flag.pk]),
            {"to_status": to_status, "reason": "  "},
        )
        assert "A reason is required." in messages_of(response)
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and flag.decision_reason == "" and not flag.events.exists()


def test_confirm_and_dismiss_with_a_reason(client, lotim_regency_official):
    confirmed, dismissed = make_flag(), make_flag("WRONG_VISA", evidence={"visa": "visit_visa"})
    client.force_login(lotim_regency_official)
    client.post(
        reverse("oversight:flag_decision", args=[confirmed.pk]),
        {"to_status": "confirmed", "reason": "Held in a shelter in Mataram, checked on site"},
    )
    client.post(
        reverse("oversight:flag_decision", args=[dismissed.pk]),
        {"to_status": "dismissed", "reason": "Work visa found, scanned late"},
    )
    confirmed.refresh_from_db()
    dismissed.refresh_from_db()
    assert confirmed.status == FlagStatus.CONFIRMED and confirmed.assigned_to == lotim_regency_official
    assert dismissed.status == FlagStatus.DISMISSED and dismissed.decision_reason == "Work visa found, scanned late"
    page = client.get(reverse("oversight:flag_detail", args=[dismissed.pk]))
    assert "Work visa found, scanned late" in page.content.decode()


def test_a_reason_is_stored_without_invisible_characters_and_a_nul_is_refused(client, lotim_regency_official):
    flag, other = make_flag(), make_flag()
    client.force_login(lotim_regency_official)
    client.post(
        reverse("oversight:flag_decision", args=[flag.pk]),
        {"to_status": "dismissed", "reason": "Visa kerja\u200b ada,\r\n\u202eterlambat dipindai"},
    )
    flag.refresh_from_db()
    assert flag.status == FlagStatus.DISMISSED and flag.decision_reason == "Visa kerja ada,\nterlambat dipindai"
    response = client.post(
        reverse("oversight:flag_decision", args=[other.pk]), {"to_status": "dismissed", "reason": "found\x00"}
    )
    assert "Null characters are not allowed." in messages_of(response)
    refused = bulk(client, [other], "dismiss", "found\x00")
    assert "Null characters are not allowed." in messages_of(refused)
    other.refresh_from_db()
    assert other.status == FlagStatus.OPEN and not other.events.exists()


def test_readers_may_look_but_not_decide(client):
    auditor = UserFactory(username="auditor", role=Role.AUDITOR)
    flag = make_flag()
    client.force_login(auditor)
    page = client.get(reverse("oversight:flag_detail", args=[flag.pk]))
    assert page.status_code == 200 and "Confirm the flag" not in page.content.decode()
    assert client.post(reverse("oversight:flag_assign_me", args=[flag.pk])).status_code == 403
    assert client.post(reverse("oversight:bulk"), {"flags": [flag.pk], "action": "assign_me"}).status_code == 403


# --- Bulk --------------------------------------------------------------------------------


def bulk(client, flags, action, reason="", querystring="rule=STALLED&status=open"):
    return client.post(
        reverse("oversight:bulk"),
        {"flags": [flag.pk for flag in flags], "action": action, "reason": reason, "querystring": querystring},
    )


def test_bulk_dismiss_with_one_reason(client, lotim_regency_official):
    flags = [make_flag() for _ in range(3)]
    client.force_login(lotim_regency_official)
    response = bulk(client, flags, "dismiss", "Training centre confirmed the schedule")
    assert response["Location"] == f"{reverse('oversight:queue')}?rule=STALLED&status=open"
    assert "3 flags dismissed." in messages_of(response)
    assert set(Flag.objects.values_list("status", "decision_reason")) == {
        (FlagStatus.DISMISSED, "Training centre confirmed the schedule")
    }
    assert FlagEvent.objects.count() == 3


def test_bulk_assign_to_me(client, lotim_regency_official):
    flags = [make_flag() for _ in range(2)]
    client.force_login(lotim_regency_official)
    assert "2 flags assigned to you." in messages_of(bulk(client, flags, "assign_me"))
    assert set(Flag.objects.values_list("assigned_to", flat=True)) == {lotim_regency_official.pk}


def test_bulk_is_all_or_nothing(client, lotim_regency_official):
    fine = [make_flag(), make_flag()]
    closed = make_flag(status=FlagStatus.DISMISSED)
    client.force_login(lotim_regency_official)
    response = bulk(client, [*fine, closed], "confirm", "Confirmed with the village head")
    shown = messages_of(response)
    assert "Nothing was changed: 1 of the 3 selected flags could not be changed." in shown
    assert any(message.startswith(f"Flag #{closed.pk}: ") for message in shown)
    assert set(Flag.objects.filter(pk__in=[f.pk for f in fine]).values_list("status", flat=True)) == {"open"}
    assert not FlagEvent.objects.exists()


def test_bulk_cannot_reach_another_regency(client, lotim_regency_official):
    mine, theirs = make_flag(), make_flag(area=KUPANG_VILLAGE)
    client.force_login(lotim_regency_official)
    shown = messages_of(bulk(client, [mine, theirs], "assign_me"))
    assert f"Flag #{theirs.pk}: No such flag in your jurisdiction." in shown
    assert not Flag.objects.filter(assigned_to__isnull=False).exists()


def test_bulk_needs_a_reason_to_confirm_or_dismiss_and_a_selection(client, lotim_regency_official):
    flags = [make_flag(), make_flag()]
    client.force_login(lotim_regency_official)
    shown = messages_of(bulk(client, flags, "dismiss", "   "))
    assert "A reason is required to confirm or dismiss flags. Nothing was changed." in shown
    assert "Select at least one flag." in messages_of(bulk(client, [], "assign_me"))
    assert set(Flag.objects.values_list("status", flat=True)) == {"open"} and not FlagEvent.objects.exists()


def test_the_queue_exports_what_it_shows(client, lotim_regency_official):
    client.force_login(lotim_regency_official)
    make_flag("STALLED")
    page = queue(client, "severity=high").content.decode()
    assert f'action="{reverse("exports:start", args=["flags"])}"' in page
    assert 'name="query" value="severity=high"' in page
