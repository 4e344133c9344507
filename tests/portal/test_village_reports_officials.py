"""Officials see what the village officers of their jurisdiction reported (issue 13, point 6): a list
with the shared filters (one row per event, however many officers reported it), a report's page
with its sources, timeline, flags and outcome, closing and reopening with a note, and the export."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.models import FieldRecruiter
from core.roles import Role
from oversight.choices import SubjectType
from oversight.models import Flag
from portal.selectors import village_at_glance
from recruitment.choices import ConsentRelation, Education, MaritalStatus, Sex
from recruitment.services import village_intent_record
from tests.factories import UserFactory
from tests.placement.journey import TANJUNG_LUAR
from villages.models import Village, VillageReport, VillageReportKind, VillageReportStatus
from villages.nik import parse_nik
from villages.services import village_report_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LIST = reverse("portal:village_report_list")
NIK = "5203014506980001"  # a woman of district 52.03.01 (Tanjung Luar's), born 5 June 1998


def _detail(report) -> str:
    return reverse("portal:village_report_detail", args=[report.pk])


def _officer(username: str, village_code: str):
    return UserFactory(username=username, role=Role.VILLAGE_OFFICER, village=Village.objects.get(code=village_code))


@pytest.fixture
def officers(village_officer):
    """Tanjung Luar's officer and a second one there, an officer of another Lombok Timur village
    and one of a Kupang (NTT) village."""
    lombok = Village.objects.filter(district_id="52.03.01").exclude(code=TANJUNG_LUAR).order_by("code").first()
    kupang = Village.objects.filter(code__startswith="53.01.").order_by("code").first()
    return {
        "tanjung": village_officer,
        "tanjung2": _officer("desa.tanjungluar2", TANJUNG_LUAR),
        "lombok": _officer("desa.lombok", lombok.code),
        "kupang": _officer("desa.kupang", kupang.code),
    }


def _report(officer, days_ago: int = 3, **facts):
    values = {"kind": VillageReportKind.DEPARTURE_SEEN, "person_name": "Lalu Someone", **facts}
    return village_report_create(
        actor=officer,
        village=officer.village,
        occurred_on=timezone.localdate() - timedelta(days=days_ago),
        **values,
    )


@pytest.fixture
def reports(officers):
    return {
        "tanjung": _report(officers["tanjung"], person_nik=NIK, person_name="Baiq Sumiati"),
        "lombok": _report(officers["lombok"], kind=VillageReportKind.RETURN_SEEN, person_name="Amaq Jumadi"),
        "kupang": _report(officers["kupang"], person_name="Yakobus Nenobais"),
    }


def _rows(response) -> list:
    assert response.status_code == 200
    return list(response.context["listing"].page.object_list)


# --- who sees what ------------------------------------------------------------------------------


@pytest.mark.parametrize("official", ["lotim_regency_official", "ntb_province_official"])
def test_a_lombok_official_sees_lomboks_reports_and_not_ntts(client, request, reports, official):
    client.force_login(request.getfixturevalue(official))

    shown = {report.pk for report in _rows(client.get(LIST))}

    assert shown == {reports["tanjung"].pk, reports["lombok"].pk}
    assert client.get(_detail(reports["tanjung"])).status_code == 200
    assert client.get(_detail(reports["kupang"])).status_code == 404
    close = reverse("portal:village_report_close", args=[reports["kupang"].pk])
    assert client.post(close, {"note": "Sudah ditangani"}).status_code == 404
    reports["kupang"].refresh_from_db()
    assert reports["kupang"].status == VillageReportStatus.OPEN


def test_an_ntt_official_sees_ntts_reports_only(client, reports, ntt_regency_official):
    client.force_login(ntt_regency_official)
    assert [report.pk for report in _rows(client.get(LIST))] == [reports["kupang"].pk]
    assert client.get(_detail(reports["tanjung"])).status_code == 404


@pytest.mark.parametrize("persona", ["agency_a_staff", "malaysia_mission_officer"])
def test_companies_and_missions_are_refused(client, request, reports, persona):
    client.force_login(request.getfixturevalue(persona))
    report = reports["tanjung"]

    assert client.get(LIST).status_code == 403
    assert client.get(_detail(report)).status_code == 403
    assert client.post(reverse("portal:village_report_close", args=[report.pk]), {"note": "x"}).status_code == 403
    export = client.post(reverse("exports:start", args=["village_reports"]), {"format": "csv", "query": ""})
    assert export.status_code == 403
    labels = [str(item["label"]) for item in client.get(reverse("portal:home")).context["nav_items"]]
    assert "Village reports" not in labels


def test_the_menu_of_an_official_leads_to_the_village_reports(client, lotim_regency_official):
    client.force_login(lotim_regency_official)
    items = {str(item["label"]): item["url"] for item in client.get(reverse("portal:home")).context["nav_items"]}
    assert items["Village reports"] == LIST


def test_the_village_officer_sees_only_their_own_village_and_cannot_close(client, reports, officers):
    client.force_login(officers["tanjung"])

    assert [report.pk for report in _rows(client.get(LIST))] == [reports["tanjung"].pk]
    assert client.get(_detail(reports["lombok"])).status_code == 404
    page = client.get(_detail(reports["tanjung"]))
    assert page.status_code == 200 and not page.context["may_close"]
    close = reverse("portal:village_report_close", args=[reports["tanjung"].pk])
    assert client.post(close, {"note": "Sudah ditangani"}).status_code == 403
    reports["tanjung"].refresh_from_db()
    assert reports["tanjung"].status == VillageReportStatus.OPEN


# --- one event, two sources ---------------------------------------------------------------------


def test_two_officers_reporting_one_departure_are_one_row_with_two_sources(
    client, reports, officers, lotim_regency_official
):
    second = _report(officers["tanjung2"], days_ago=2, person_nik=NIK, person_name="Baiq Sumiati", details="Naik bus")
    assert second.same_event_as_id == reports["tanjung"].pk
    client.force_login(lotim_regency_official)

    response = client.get(LIST)

    rows = {report.pk: report for report in _rows(response)}
    assert set(rows) == {reports["tanjung"].pk, reports["lombok"].pk}
    assert rows[reports["tanjung"].pk].source_count == 2
    assert "2 sources" in response.content.decode()
    # The second officer's report opens the event it is a source of.
    assert client.get(_detail(second)).url == _detail(reports["tanjung"])
    page = client.get(_detail(reports["tanjung"]))
    html = page.content.decode()
    assert [source.pk for source in page.context["sources"]] == [reports["tanjung"].pk, second.pk]
    assert str(officers["tanjung2"]) in html and "Naik bus" in html
    assert "Reported again by another officer" in [str(entry.title) for entry in page.context["timeline"]]
    # The NIK is masked on the page, never shown in full.
    assert NIK not in html and "************0001" in html


def test_the_village_home_shows_a_second_source_as_also_reported(client, reports, officers):
    _report(officers["tanjung2"], days_ago=2, person_nik=NIK, person_name="Baiq Sumiati")
    glance = village_at_glance(officers["tanjung"], TANJUNG_LUAR)
    assert [report.pk for report in glance["reports"]] == [reports["tanjung"].pk]
    assert glance["reports"][0].also_reported == 1
    assert glance["report_count"] == 1


def test_the_village_home_costs_the_same_queries_for_1_or_12_reports(officers):
    officer = officers["tanjung"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            village_at_glance(officer, TANJUNG_LUAR)
        return len(captured)

    _report(officer, person_name="Orang 0")
    one = queries()
    for index in range(1, 12):
        _report(officer, days_ago=index, person_name=f"Orang {index}")
    assert queries() == one


# --- close and reopen ---------------------------------------------------------------------------


def test_closing_needs_a_note_and_writes_the_timeline_reopening_a_reason(
    client, reports, officers, lotim_regency_official
):
    report = reports["tanjung"]
    client.force_login(lotim_regency_official)
    close = reverse("portal:village_report_close", args=[report.pk])
    reopen = reverse("portal:village_report_reopen", args=[report.pk])

    refused = client.post(close, {"note": "  "})

    assert refused.status_code == 400
    assert "Say how the report was dealt with." in refused.content.decode()
    report.refresh_from_db()
    assert report.status == VillageReportStatus.OPEN

    done = client.post(close, {"note": "Keluarga dihubungi; berangkat lewat P3MI resmi"})

    assert done.status_code == 302 and done.url == _detail(report)
    report.refresh_from_db()
    assert report.status == VillageReportStatus.CLOSED
    page = client.get(_detail(report))
    closed = [entry for entry in page.context["timeline"] if str(entry.title) == "Closed"]
    assert [(entry.detail, entry.actor) for entry in closed] == [
        ("Keluarga dihubungi; berangkat lewat P3MI resmi", lotim_regency_official)
    ]
    assert str(page.context["report"].outcome) == "Closed by the officials"
    # The village officer sees what became of the report, with the officials' note.
    glance = village_at_glance(officers["tanjung"], TANJUNG_LUAR)
    assert str(glance["reports"][0].outcome) == "Closed by the officials"
    assert glance["reports"][0].outcome_detail == "Keluarga dihubungi; berangkat lewat P3MI resmi"

    assert client.post(reopen, {"reason": ""}).status_code == 400
    report.refresh_from_db()
    assert report.status == VillageReportStatus.CLOSED
    assert client.post(reopen, {"reason": "Ternyata berangkat lewat calo"}).status_code == 302
    report.refresh_from_db()
    assert report.status == VillageReportStatus.OPEN
    titles = [str(entry.title) for entry in client.get(_detail(report)).context["timeline"]]
    assert titles == ["Recorded", "Closed", "Reopened"]


def test_an_auditor_reads_the_reports_but_does_not_close_them(client, reports):
    auditor = UserFactory(username="auditor", role=Role.AUDITOR)
    client.force_login(auditor)
    assert len(_rows(client.get(LIST))) == 3
    close = reverse("portal:village_report_close", args=[reports["tanjung"].pk])
    assert client.post(close, {"note": "Sudah"}).status_code == 403


# --- what the page shows of each kind -------------------------------------------------------------


def test_an_intent_report_shows_the_family_consent_the_village_recorded(client, village_officer, ministry_official):
    nik = "5203015208990002"
    report = village_intent_record(
        actor=village_officer,
        village=village_officer.village,
        occurred_on=timezone.localdate() - timedelta(days=1),
        nik=nik,
        full_name="Baiq Nur Aini",
        sex=Sex.FEMALE,
        birth_date=parse_nik(nik).birth_date,
        birth_place="Lombok Timur",
        education=Education.SMA,
        marital_status=MaritalStatus.SINGLE,
        consenter_name="Amaq Rusdi",
        consent_relation=ConsentRelation.PARENT,
        consent_given_on=timezone.localdate() - timedelta(days=2),
        destination_country="MY",
        hoped_work="Operator pabrik",
    )
    client.force_login(ministry_official)

    page = client.get(_detail(report))

    html = page.content.decode()
    assert page.context["consent"].consenter_name == "Amaq Rusdi"
    assert "Amaq Rusdi" in html and "Malaysia" in html and "Operator pabrik" in html
    assert str(page.context["report"].outcome) == "In the national registry"
    assert nik not in html


def test_a_flagged_broker_report_shows_its_flag_on_every_village_report_it_names(client, officers, ministry_official):
    first = _report(
        officers["tanjung"], kind=VillageReportKind.SUSPECTED_RECRUITER, person_name="", broker_name="Pak Rudi"
    )
    second = _report(
        officers["lombok"], kind=VillageReportKind.SUSPECTED_RECRUITER, person_name="", broker_phones=["0812 3456 7890"]
    )
    now = timezone.now()
    Flag.objects.update_or_create(
        rule_code="BROKER_REPORTED",
        subject_type=SubjectType.VILLAGE_REPORT,
        subject_id=first.pk,
        defaults={
            "severity": "high",
            "area_code": TANJUNG_LUAR,
            "evidence": {"report_count": 2, "reports": [{"id": first.pk}, {"id": second.pk}]},
            "first_seen": now,
            "last_seen": now,
        },
    )
    client.force_login(ministry_official)

    rows = {report.pk: report for report in _rows(client.get(LIST, {"kind": "suspected_recruiter"}))}

    assert {pk: str(report.outcome) for pk, report in rows.items()} == {
        first.pk: "Flagged to the officials",
        second.pk: "Flagged to the officials",
    }
    page = client.get(_detail(second))
    assert [flag.rule_code for flag in page.context["flags"]] == ["BROKER_REPORTED"]
    assert "081234567890" in page.content.decode()
    assert "No registered field recruiter has these phone numbers or this name." in page.content.decode()
    # The phone number finds the broker report however it is written.
    assert [report.pk for report in _rows(client.get(LIST, {"q": "+62 812-3456-7890"}))] == [second.pk]


def test_a_broker_report_names_the_registered_recruiter_with_the_same_phone(
    client, officers, agency_a, ministry_official
):
    recruiter = FieldRecruiter.objects.create(agency=agency_a, full_name="Lalu Rekrut", phone="+62 812-3456-7890")
    report = _report(
        officers["tanjung"], kind=VillageReportKind.SUSPECTED_RECRUITER, person_name="", broker_phones=["081234567890"]
    )
    client.force_login(ministry_official)

    page = client.get(_detail(report))

    assert page.context["recruiters"] == [recruiter]
    assert "Lalu Rekrut" in page.content.decode()


# --- the list's filters and cost ------------------------------------------------------------------


def test_the_list_filters_by_kind_area_status_and_date(client, reports, ministry_official):
    client.force_login(ministry_official)

    def shown(**params) -> set:
        return {report.pk for report in _rows(client.get(LIST, params))}

    assert shown(kind="return_seen") == {reports["lombok"].pk}
    assert shown(area="53") == {reports["kupang"].pk}
    assert shown(area=TANJUNG_LUAR) == {reports["tanjung"].pk}
    assert shown(status="closed") == set()
    assert shown(occurred_from=(timezone.localdate() + timedelta(days=1)).isoformat()) == set()
    assert shown(q="sumiati") == {reports["tanjung"].pk}


VILLAGE_REPORT_LIST_QUERIES = 11  # with the official's second-factor device


@pytest.mark.parametrize("count", [1, 12])
def test_the_list_costs_the_same_queries_for_1_or_12_events(
    client, officers, ministry_official, django_assert_num_queries, count
):
    for index in range(count):
        kind = [VillageReportKind.DEPARTURE_SEEN, VillageReportKind.INTENT, VillageReportKind.RETURN_SEEN][index % 3]
        report = _report(officers["tanjung"], days_ago=index + 1, kind=kind, person_name=f"Orang {index}")
        _report(officers["tanjung2"], days_ago=index + 1, kind=kind, person_name=f"Orang {index}")
        Flag.objects.create(
            rule_code="VILLAGE_DEPARTURE_UNMATCHED",
            subject_type=SubjectType.VILLAGE_REPORT,
            subject_id=report.pk,
            severity="high",
            area_code=TANJUNG_LUAR,
            evidence={},
            first_seen=timezone.now(),
            last_seen=timezone.now(),
        )
    client.force_login(ministry_official)

    with django_assert_num_queries(VILLAGE_REPORT_LIST_QUERIES):
        response = client.get(LIST, {"per_page": 50})

    assert len(_rows(response)) == VillageReport.objects.filter(same_event_as__isnull=True).count()


# --- export ---------------------------------------------------------------------------------------


def _csv(response) -> list[dict]:
    assert response.status_code == 200, response
    body = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(body)))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_export_holds_the_filtered_reports_and_masks_the_nik_for_who_may_not_see_it(
    client, reports, officers, lotim_regency_official
):
    second = _report(officers["tanjung2"], days_ago=2, person_nik=NIK, person_name="Baiq Sumiati")
    start = reverse("exports:start", args=["village_reports"])

    client.force_login(lotim_regency_official)
    rows = _csv(client.post(start, {"format": "csv", "query": "kind=departure_seen&area=52"}))
    assert {(row["ID"], row["Person's NIK"], row["Same event as"]) for row in rows} == {
        (str(reports["tanjung"].pk), NIK, ""),
        (str(second.pk), NIK, str(reports["tanjung"].pk)),
    }

    client.force_login(UserFactory(username="auditor", role=Role.AUDITOR))
    rows = _csv(client.post(start, {"format": "csv", "query": f"area={TANJUNG_LUAR}"}))
    assert {row["Person's NIK"] for row in rows} == {"************0001"}
    assert date.fromisoformat(rows[0]["Date"]) <= timezone.localdate()
