"""Each rule: a case that breaks it and a close case that does not."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from agencies.models import Agency, FieldRecruiter
from core.nik import personal_number_columns
from oversight.engine import run_rule
from oversight.models import Flag
from oversight.rules import RULES_BY_CODE
from placement import services
from placement.choices import DocumentKind, Stage
from placement.models import EmbarkationPoint, Fee, Placement, PlacementEvent
from recruitment.models import Application, JobOrder, Moratorium, Worker
from tests.factories import DocumentFactory
from tests.placement.lifecycle import (
    apply_and_select,
    depart,
    make_agency,
    make_job_order,
    nik_for,
    register_worker,
    walk_to,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def flagged(code: str, subject_id: int, **parameters) -> Flag | None:
    rule = RULES_BY_CODE[code]
    run_rule(rule, parameters={**rule.defaults, **parameters}, ids=[subject_id])
    return Flag.objects.filter(rule_code=code, subject_id=subject_id).exclude(status="resolved").first()


@pytest.fixture
def agency(db):
    return make_agency()


@pytest.fixture
def job_order(ministry_official, agency):
    return make_job_order(ministry_official, agency)


def new_placement(actor, agency, job_order, serial=1, **worker_fields):
    worker = register_worker(actor, agency, serial=serial, **worker_fields)
    return services.placement_create(actor=actor, application=apply_and_select(actor, worker, job_order))


@pytest.fixture
def departed(ministry_official, agency, job_order):
    placement = walk_to(ministry_official, new_placement(ministry_official, agency, job_order), Stage.READY)
    return depart(ministry_official, placement, on=TODAY - timedelta(days=5))


def test_depart_incomplete(departed):
    assert flagged("DEPART_INCOMPLETE", departed.pk) is None
    departed.documents.filter(kind=DocumentKind.WORK_VISA).delete()
    flag = flagged("DEPART_INCOMPLETE", departed.pk)
    assert flag.evidence["missing"] == ["work_visa"]


def test_wrong_visa(departed, ministry_official):
    DocumentFactory(
        placement=departed, kind=DocumentKind.VISIT_VISA, number="V1", issued_on=TODAY - timedelta(days=60),
        expires_on=TODAY + timedelta(days=30), issuer="Kedutaan", uploaded_by=ministry_official,
    )  # fmt: skip
    assert flagged("WRONG_VISA", departed.pk) is None  # a visit visa beside a valid work visa
    departed.documents.filter(kind=DocumentKind.WORK_VISA).delete()
    assert flagged("WRONG_VISA", departed.pk) is not None


def test_unofficial_exit(departed):
    assert flagged("UNOFFICIAL_EXIT", departed.pk) is None
    point = EmbarkationPoint.objects.create(
        code="XTK", name="Jalur tikus", kind="seaport", regency_id="52.03", official=False
    )
    Placement.objects.filter(pk=departed.pk).update(embarkation_point=point)
    assert flagged("UNOFFICIAL_EXIT", departed.pk).evidence["point"] == "Jalur tikus"


def test_stage_skipped(departed):
    assert flagged("STAGE_SKIPPED", departed.pk) is None
    PlacementEvent.objects.filter(placement=departed, to_stage=Stage.MEDICAL).delete()
    assert flagged("STAGE_SKIPPED", departed.pk).evidence["missing_stages"] == [Stage.MEDICAL]


def test_licence_inactive(ministry_official, agency, job_order):
    new_placement(ministry_official, agency, job_order)
    assert flagged("LICENCE_INACTIVE", agency.pk) is None
    Agency.objects.filter(pk=agency.pk).update(licence_status="suspended")
    assert flagged("LICENCE_INACTIVE", agency.pk).evidence["moving_placements"] == 1


def test_job_order_unverified(ministry_official, agency, job_order):
    placement = new_placement(ministry_official, agency, job_order)
    JobOrder.objects.filter(pk=job_order.pk).update(status="submitted", mission_reference="", mission_verified_on=None)
    assert flagged("JOB_ORDER_UNVERIFIED", job_order.pk) is not None
    Placement.objects.filter(pk=placement.pk).update(stage=Stage.CANCELLED)
    assert flagged("JOB_ORDER_UNVERIFIED", job_order.pk) is None  # resolved: only a cancelled placement is left


def test_quota_exceeded(ministry_official, agency, job_order):
    for serial in (1, 2):
        placement = new_placement(ministry_official, agency, job_order, serial=serial, full_name=f"Pekerja {serial}")
        walk_to(ministry_official, placement, Stage.SELECTED)
    JobOrder.objects.filter(pk=job_order.pk).update(quota=2)
    assert flagged("QUOTA_EXCEEDED", job_order.pk) is None
    JobOrder.objects.filter(pk=job_order.pk).update(quota=1)
    assert flagged("QUOTA_EXCEEDED", job_order.pk).evidence == {"quota": 1, "selected_or_later": 2}


def test_outside_permit_region(ministry_official, agency, job_order):
    placement = walk_to(ministry_official, new_placement(ministry_official, agency, job_order), Stage.SELECTED)
    assert flagged("OUTSIDE_PERMIT_REGION", placement.pk) is None
    # A worker of Kupang's regency, outside the permit's regions; the placement copied the village when made.
    Worker.objects.filter(pk=placement.worker_id).update(village_id="53.01.04.2003")
    Placement.objects.filter(pk=placement.pk).update(village_id="53.01.04.2003")
    assert flagged("OUTSIDE_PERMIT_REGION", placement.pk).evidence["worker_regency"] == "53.01"


def test_underage(departed):
    worker = departed.worker
    eighteen_on_departure = departed.departed_on.replace(year=departed.departed_on.year - 18)
    nik = nik_for(eighteen_on_departure, worker.sex, 1)
    Worker.objects.filter(pk=worker.pk).update(
        birth_date=eighteen_on_departure, nik=nik, **personal_number_columns(nik)
    )
    assert flagged("UNDERAGE", worker.pk) is None  # exactly 18 on the day
    day_later = eighteen_on_departure + timedelta(days=1)
    nik = nik_for(day_later, worker.sex, 1)
    Worker.objects.filter(pk=worker.pk).update(birth_date=day_later, nik=nik, **personal_number_columns(nik))
    assert flagged("UNDERAGE", worker.pk) is not None


def test_nik_mismatch(ministry_official, agency):
    worker = register_worker(ministry_official, agency)
    assert flagged("NIK_MISMATCH", worker.pk) is None
    Worker.objects.filter(pk=worker.pk).update(sex="M")
    assert flagged("NIK_MISMATCH", worker.pk).evidence["nik_sex"] == "F"


def test_duplicate_identity(ministry_official, agency):
    first = register_worker(ministry_official, agency, serial=1, full_name="Baiq Rohani")
    other_day = first.birth_date + timedelta(days=1)
    register_worker(ministry_official, agency, serial=2, full_name="Baiq Rohani", birth_date=other_day)
    assert flagged("DUPLICATE_IDENTITY", first.pk) is None  # same name, another birth date
    twin = register_worker(ministry_official, agency, serial=3, full_name="Baiq Rohaniah")
    assert flagged("DUPLICATE_IDENTITY", twin.pk).evidence["other_worker"] == first.pk


def test_moratorium(job_order):
    Moratorium.objects.create(
        country_id="MY", sector="formal", starts_on=date(2020, 1, 1), ends_on=TODAY - timedelta(days=1)
    )
    assert flagged("MORATORIUM", job_order.pk) is None  # ended yesterday
    Moratorium.objects.create(country_id="MY", sector="formal", starts_on=TODAY)
    assert flagged("MORATORIUM", job_order.pk) is not None


def test_zero_cost_charged(ministry_official, agency, job_order):
    factory = new_placement(ministry_official, agency, job_order, serial=1)
    Fee.objects.create(
        placement=factory, amount_idr=500_000, description="Medical", paid_on=TODAY, recorded_by=ministry_official
    )
    assert flagged("ZERO_COST_CHARGED", factory.pk) is None  # not a zero-cost occupation
    housekeeping = make_job_order(ministry_official, agency, country="HK", sector="informal", occupation="housekeeper")
    placement = new_placement(ministry_official, agency, housekeeping, serial=2, full_name="Inaq Sumi")
    Fee.objects.create(
        placement=placement, amount_idr=500_000, description="Medical", paid_on=TODAY, recorded_by=ministry_official
    )
    assert flagged("ZERO_COST_CHARGED", placement.pk).evidence["fees_paid"] == 500000


def test_excessive_fees(ministry_official, agency, job_order):
    placement = new_placement(ministry_official, agency, job_order)
    Placement.objects.filter(pk=placement.pk).update(agreement_worker_costs=Decimal(8_000_000))  # MY cap
    assert flagged("EXCESSIVE_FEES", placement.pk) is None
    Fee.objects.create(
        placement=placement, amount_idr=1, description="Map", paid_on=TODAY, recorded_by=ministry_official
    )
    assert flagged("EXCESSIVE_FEES", placement.pk).evidence["borne_by_worker"] == 8000001


def test_salary_below_order(ministry_official, agency, job_order):
    placement = new_placement(ministry_official, agency, job_order)
    Placement.objects.filter(pk=placement.pk).update(contract_salary=Decimal("1800"))
    assert flagged("SALARY_BELOW_ORDER", placement.pk) is None
    Placement.objects.filter(pk=placement.pk).update(contract_salary=Decimal("1799.99"))
    assert flagged("SALARY_BELOW_ORDER", placement.pk) is not None


def _applications(actor, agency, job_order, recruiter, count, villages):
    for index in range(count):
        worker = register_worker(
            actor, agency, serial=100 + index, full_name=f"Calon {index}", village=villages[index % len(villages)]
        )
        Application.objects.create(
            worker=worker, job_order=job_order, recruiter=recruiter, applied_on=TODAY - timedelta(days=index)
        )


def test_recruiter_unregistered(ministry_official, agency, job_order):
    registered = FieldRecruiter.objects.create(agency=agency, full_name="Petugas Resmi")
    _applications(ministry_official, agency, job_order, registered, 1, ["52.03.01.2001"])
    assert flagged("RECRUITER_UNREGISTERED", registered.pk) is None
    calo = FieldRecruiter.objects.create(full_name="Calo Desa")
    Application.objects.filter(recruiter=registered).update(recruiter=calo)
    assert flagged("RECRUITER_UNREGISTERED", calo.pk).evidence["workers"] == 1


def test_recruiter_cluster(ministry_official, agency, job_order):
    recruiter = FieldRecruiter.objects.create(agency=agency, full_name="Sponsor")
    villages = ["52.03.01.2001", "52.03.01.2002", "52.03.01.2003"]
    _applications(ministry_official, agency, job_order, recruiter, 9, villages)
    assert flagged("RECRUITER_CLUSTER", recruiter.pk) is None  # nine, below the threshold of ten
    worker = register_worker(ministry_official, agency, serial=300, full_name="Calon terakhir")
    Application.objects.create(worker=worker, job_order=job_order, recruiter=recruiter, applied_on=TODAY)
    flag = flagged("RECRUITER_CLUSTER", recruiter.pk)
    assert flag.evidence["workers"] == 10 and flag.evidence["villages"] == 3


def test_village_departure_matched_by_a_departed_placement(departed, village_officer):
    from villages.services import village_report_create

    report = village_report_create(
        actor=village_officer, village=departed.worker.village, kind="departure_seen",
        occurred_on=TODAY - timedelta(days=10), person_nik=departed.worker.nik,
    )  # fmt: skip
    assert flagged("VILLAGE_DEPARTURE_UNMATCHED", report.pk) is None
    Placement.objects.filter(pk=departed.pk).update(departed_on=TODAY - timedelta(days=40))
    assert flagged("VILLAGE_DEPARTURE_UNMATCHED", report.pk) is not None  # 30 days apart: outside the window


def test_stalled(ministry_official, agency, job_order):
    placement = walk_to(ministry_official, new_placement(ministry_official, agency, job_order), Stage.TRAINING)
    Placement.objects.filter(pk=placement.pk).update(stage_changed_at=timezone.now() - timedelta(days=170))
    assert flagged("STALLED", placement.pk) is None  # training may take up to 180 days
    Placement.objects.filter(pk=placement.pk).update(stage_changed_at=timezone.now() - timedelta(days=190))
    assert flagged("STALLED", placement.pk).evidence["stage"] == Stage.TRAINING


def test_no_arrival_report(departed):
    Placement.objects.filter(pk=departed.pk).update(departed_on=TODAY - timedelta(days=29))
    assert flagged("NO_ARRIVAL_REPORT", departed.pk) is None
    Placement.objects.filter(pk=departed.pk).update(departed_on=TODAY - timedelta(days=31))
    assert flagged("NO_ARRIVAL_REPORT", departed.pk).evidence["days"] == 31


def test_employer_early_returns(ministry_official, agency, job_order):
    for serial in (1, 2, 3):
        placement = new_placement(ministry_official, agency, job_order, serial=serial, full_name=f"Purna {serial}")
        Placement.objects.filter(pk=placement.pk).update(
            stage=Stage.RETURNED, departed_on=TODAY - timedelta(days=100), embarkation_point_id="LOP",
            returned_on=TODAY - timedelta(days=10), return_reason="early_termination",
        )  # fmt: skip
        if serial == 2:
            assert flagged("EMPLOYER_EARLY_RETURNS", job_order.employer_id) is None  # two are not a pattern
    assert flagged("EMPLOYER_EARLY_RETURNS", job_order.employer_id).evidence["early_terminations"] == 3


def test_thresholds_come_from_the_rule_settings(ministry_official, agency, job_order):
    placement = walk_to(ministry_official, new_placement(ministry_official, agency, job_order), Stage.TRAINING)
    Placement.objects.filter(pk=placement.pk).update(stage_changed_at=timezone.now() - timedelta(days=100))
    assert flagged("STALLED", placement.pk) is None
    assert flagged("STALLED", placement.pk, training_days=90) is not None


@pytest.mark.parametrize(
    "nik",
    ["5203011708950001", "5301045203040002", "5203013102950001", "5203012902000001", "5203016902960001",
     "5203010013950001", "5203012902010001", "5203010101270001", "52030117O8950001"],
)  # fmt: skip
def test_the_nik_decoders_agree_with_the_python_helper(nik):
    """The rules read the birth date stored beside the encrypted NIK (personal_number_columns); the SQL
    decoder stays for data checks. Both read a NIK as villages.nik does."""
    from django.db import connection

    from core.errors import DomainError
    from villages.nik import parse_nik

    try:
        expected = parse_nik(nik, today=TODAY).birth_date
    except DomainError:
        expected = None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nik_birth_date(%s, %s)", [nik, TODAY])
        assert cursor.fetchone()[0] == expected
    if nik.isdigit():
        assert personal_number_columns(nik, today=TODAY)["nik_birth_date"] == expected
