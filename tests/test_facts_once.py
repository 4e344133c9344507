"""Facts written once: the pages, the permissions and the red-flag SQL agree because they
read the same definition (open flag statuses, roles and their capabilities, stages)."""

import re
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from core import permissions
from core.nik import compose_nik
from oversight.choices import FlagStatus, SubjectType
from oversight.models import Flag
from oversight.rules import RULES
from placement.choices import (
    DEPARTED_STAGES,
    DEPARTURE_DOCUMENTS,
    DOCUMENT_PARAMETERS,
    STAGE_PARAMETERS,
    DocumentKind,
    Stage,
    stage_documents,
)
from placement.requirements import departure_documents
from tests.factories import UserFactory
from villages.nik import parse_nik

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def flag_on_placement(placement, *, rule: str, status: str) -> Flag:
    now = timezone.now()
    return Flag.objects.create(
        rule_code=rule, subject_type=SubjectType.PLACEMENT, subject_id=placement.pk, severity="medium",
        status=status, area_code=placement.worker.village_id, evidence={}, first_seen=now, last_seen=now,
        decision_reason="checked in the field" if status == FlagStatus.DISMISSED else "",
    )  # fmt: skip


# --- Open flags: the worker's page and the company's page count the same ones ----------------


def test_the_worker_and_the_company_page_show_the_same_open_flags(client, ministry_official, journey):
    placement = journey.placement
    open_flag = flag_on_placement(placement, rule="SALARY_BELOW_ORDER", status=FlagStatus.OPEN)
    flag_on_placement(placement, rule="STALLED", status=FlagStatus.DISMISSED)
    client.force_login(ministry_official)

    worker_page = client.get(reverse("portal:worker_detail", args=[placement.worker_id]))
    company_page = client.get(reverse("portal:agency_detail", args=[placement.agency_id]))

    assert worker_page.status_code == company_page.status_code == 200
    assert [flag.pk for flag in worker_page.context["flags"]] == [open_flag.pk]
    assert [flag.pk for flag in company_page.context["flags"]] == [open_flag.pk]
    assert company_page.context["flag_count"] == 1
    for html in (worker_page.content.decode(), company_page.content.decode()):
        assert "Contract salary below the job order" in html
        assert "Stuck in one stage" not in html  # the dismissed flag, on neither page
    assert "1 open red flag" in company_page.content.decode()


# --- A user with no role may do nothing and see nothing -------------------------------------


@pytest.fixture
def roleless(db):
    """Active, with no role and no jurisdiction. The database refuses such a row; one that got in
    anyway (an old row, a raw import) must still be given nothing, so the constraint is dropped
    for this test only (PostgreSQL rolls the DDL back with the test's transaction)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="tanpa.peran", role="")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE accounts_user DROP CONSTRAINT user_jurisdiction_matches_role")
    return UserFactory(username="tanpa.peran", role="")


@pytest.mark.parametrize("name", ["dashboard:dashboard", "oversight:queue", "oversight:overview", "portal:agency_list"])
def test_a_user_without_a_role_is_refused_the_supervision_pages(client, roleless, name):
    client.force_login(roleless)
    response = client.get(reverse(name))
    if response.status_code == 302:
        assert response.url.startswith(reverse("accounts:login"))
    else:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("name", ["portal:worker_list", "placement:placement_list", "portal:job_order_list"])
def test_a_user_without_a_role_sees_no_rows_where_the_ministry_sees_some(
    client, roleless, ministry_official, journey, name
):
    client.force_login(ministry_official)
    assert len(client.get(reverse(name)).context["listing"].page.object_list) >= 1
    client.force_login(roleless)
    response = client.get(reverse(name))
    if response.status_code == 200:
        assert len(response.context["listing"].page.object_list) == 0
    else:
        assert response.status_code in (403, 404)


def test_a_user_without_a_role_or_inactive_has_no_capability(roleless, ministry_official):
    inactive = UserFactory(username="nonaktif", role=ministry_official.role, is_active=False)
    assert any(check(ministry_official) for check in permissions.CAPABILITIES.values())  # the check can fail
    for user in (roleless, inactive):
        assert {name: check(user) for name, check in permissions.CAPABILITIES.items()} == {
            name: False for name in permissions.CAPABILITIES
        }
        assert not permissions.may_see_full_nik(user, own_record=True)
        assert not permissions.may_use_partner_api(user)


# --- The red-flag SQL names no stage or document by a literal --------------------------------

STAGE_LITERAL = re.compile(
    r"stage\s*(?:=|<>|!=|<|>|<=|>=)\s*\d|stage\s+(?:NOT\s+)?IN\s*\(\s*\d|stage\s+BETWEEN\s+\d|generate_series\(\s*\d",
    re.IGNORECASE,
)
DOCUMENT_LITERAL = re.compile("'(" + "|".join(DocumentKind.values) + ")'")


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_no_rule_writes_a_stage_or_a_document_kind_as_a_literal(rule):
    for ids in (None, [1]):
        sql = rule.query(ids=ids)
        assert not STAGE_LITERAL.search(sql), STAGE_LITERAL.search(sql).group(0)
        assert not DOCUMENT_LITERAL.search(sql), DOCUMENT_LITERAL.search(sql).group(0)


def test_the_stage_parameters_are_the_stages_of_placement_choices():
    assert STAGE_PARAMETERS["stage_departed"] == Stage.DEPARTED == 10
    assert STAGE_PARAMETERS["stage_cancelled"] == Stage.CANCELLED
    assert STAGE_PARAMETERS["departed_stages"] == [int(stage) for stage in DEPARTED_STAGES] == [10, 11, 12]
    assert STAGE_PARAMETERS["pre_departure_stages"] == list(range(1, 10))
    assert DOCUMENT_PARAMETERS["document_work_visa"] == DocumentKind.WORK_VISA
    every_parameter = {**STAGE_PARAMETERS, **DOCUMENT_PARAMETERS}
    for rule in RULES:
        named = set(re.findall(r"%\((\w+)\)s", rule.query(ids=[1])))
        # Beside them the engine passes the moment and day of the scan, the re-checked ids, and for the
        # placement rules the bit order of document kinds and a re-check's placement facts.
        engine_parameters = {"ids", "today", "now", "document_kinds", "placement_facts"}
        assert named <= {*every_parameter, *rule.defaults, *engine_parameters}, rule.code


def test_the_departure_rule_and_the_departure_service_require_the_same_documents(journey):
    rule = next(rule for rule in RULES if rule.code == "DEPART_INCOMPLETE")
    assert rule.defaults["documents"] == [kind.value for kind in DEPARTURE_DOCUMENTS]
    assert departure_documents(journey.placement) == DEPARTURE_DOCUMENTS  # Malaysia: no language test
    assert DocumentKind.LANGUAGE_CERTIFICATE in stage_documents(Stage.TRAINING, language_test=True)
    assert stage_documents(Stage.DOCUMENTS) == [DocumentKind.PASSPORT, DocumentKind.WORK_VISA, DocumentKind.BPJS]


# --- One NIK composer, read back by the one parser ------------------------------------------


@pytest.mark.parametrize(("sex", "day_digits"), [("F", "49"), ("M", "09")])
def test_a_composed_nik_reads_back_as_what_it_was_composed_from(sex, day_digits):
    born = date(1998, 4, 9)
    nik = compose_nik(district_code="52.03.01", birth_date=born, sex=sex, serial=12)
    assert nik == f"520301{day_digits}0498" + "0012"
    facts = parse_nik(nik, today=date(2026, 1, 1))
    assert (facts.district.code, facts.birth_date, facts.sex, facts.serial) == ("52.03.01", born, sex, "0012")
