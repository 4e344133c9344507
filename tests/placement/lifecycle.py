"""Build placements the way the portal does: through the services, step by step."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agencies.models import Agency, Employer
from core.nik import compose_nik
from placement import services as placement_services
from placement.models import EmbarkationPoint
from placement.walkthrough import Walkthrough
from recruitment import services as recruitment_services
from recruitment.models import Country, Occupation
from tests.placement.journey import attach_demand_letter
from villages.models import Village

TODAY = timezone.localdate()
DEPARTURE = TODAY + timedelta(days=30)
LONG_AGO = TODAY - timedelta(days=200)
IN_FIVE_YEARS = TODAY + timedelta(days=5 * 365)


def nik_for(birth_date: date, sex: str, serial: int, district: str = "52.03.01") -> str:
    return compose_nik(district_code=district, birth_date=birth_date, sex=sex, serial=serial)


def make_agency(name="PT Sejahtera Abadi", **fields) -> Agency:
    defaults = {"licence_number": f"SIP3MI-{name[-5:]}", "licence_status": "active"}
    return Agency.objects.create(name=name, **{**defaults, **fields})


def make_job_order(actor, agency, *, country="MY", sector="formal", occupation="factory_operator", quota=10, **fields):
    employer = Employer.objects.create(name=f"Employer {country} {sector}", country_id=country, sector=sector)
    job_order = recruitment_services.job_order_create(
        actor=actor,
        agency=agency,
        employer=employer,
        occupation=Occupation.objects.get(code=occupation),
        quota=quota,
        salary=Decimal("1800"),
        currency="MYR",
        contract_months=24,
        valid_from=TODAY - timedelta(days=10),
        valid_until=TODAY + timedelta(days=365),
        **fields,
    )
    attach_demand_letter(actor, job_order.pk)  # the mission needs it before the job order can be submitted
    recruitment_services.job_order_submit(actor=actor, job_order_id=job_order.pk)
    recruitment_services.job_order_verify(
        actor=actor, job_order_id=job_order.pk, mission_reference="KBRI-KL/2026/001", verified_on=TODAY
    )
    permit = recruitment_services.permit_apply(
        actor=actor,
        job_order_id=job_order.pk,
        quota=quota,
        valid_from=TODAY - timedelta(days=10),
        valid_until=TODAY + timedelta(days=365),
        regions=["52.03"],
    )
    recruitment_services.permit_issue(actor=actor, permit_id=permit.pk, number=f"SIP2MI-{job_order.pk}")
    recruitment_services.job_order_publish(actor=actor, job_order_id=job_order.pk)
    job_order.refresh_from_db()
    return job_order


def register_worker(
    actor, agency, *, serial=1, sex="F", birth_date=date(1998, 4, 12), village="52.03.01.2001", **fields
):
    return recruitment_services.worker_register(
        actor=actor,
        nik=nik_for(birth_date, sex, serial),
        full_name=fields.pop("full_name", "Baiq Rohani"),
        sex=sex,
        birth_date=birth_date,
        birth_place="Lombok Timur",
        village=Village.objects.get(code=village),
        education="sma",
        marital_status="single",
        next_of_kin_name="Lalu Hamid",
        family_consent_on=fields.pop("family_consent_on", TODAY - timedelta(days=20)),
        agency=agency,
        consent_on=fields.pop("consent_on", TODAY - timedelta(days=20) if agency else None),
        **fields,
    )


def apply_and_select(actor, worker, job_order):
    application = recruitment_services.application_create(
        actor=actor, worker=worker, job_order=job_order, applied_on=TODAY - timedelta(days=5)
    )
    return recruitment_services.application_decide(actor=actor, application_id=application.pk, selected=True)


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scanned document", content_type="application/pdf")


def add_document(actor, placement, kind, *, number=None, issued_on=LONG_AGO, expires_on=IN_FIVE_YEARS, file=None):
    return placement_services.document_add(
        actor=actor,
        placement_id=placement.pk,
        kind=kind,
        number=number or f"{kind[:3].upper()}{placement.pk:05d}",
        issued_on=issued_on,
        expires_on=expires_on,
        issuer="Penerbit resmi",
        file=file,
    )


def walkthrough(actor) -> Walkthrough:
    return Walkthrough(actor, documents_issued_on=LONG_AGO, departure_on=DEPARTURE)


def satisfy(actor, placement, stage: int) -> None:
    walkthrough(actor).provide(placement, stage)


def walk_to(actor, placement, stage: int):
    return walkthrough(actor).walk_to(placement, stage)


def depart(actor, placement, *, point="LOP", on=DEPARTURE):
    return placement_services.placement_depart(
        actor=actor,
        placement_id=placement.pk,
        departed_on=on,
        embarkation_point=EmbarkationPoint.objects.get(code=point),
        flight="QZ 512",
    )


def country(code: str) -> Country:
    return Country.objects.get(code=code)
