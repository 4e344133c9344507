"""One placement walked through the portal's services, the way a company and the officials do it.

Nothing here writes a placement, worker, job order or application row directly: job
orders are created, submitted, verified by the mission, published and given a permit
(SIP2MI); workers are registered with a NIK that agrees with their birth date and sex;
applications are made and decided; each stage's requirement is recorded through the
placement services before the placement is advanced to it. The only direct write is the
company's licence, which the portal receives from the ministry's licensing system.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agencies.models import Agency
from core.errors import DomainError
from core.nik import compose_nik
from placement import services
from placement.choices import DocumentKind, ReturnReason, Stage
from placement.models import Document, EmbarkationPoint, Placement
from recruitment import services as recruitment
from recruitment.choices import JobOrderDocumentKind, JobOrderStatus, TrainingKind, TrainingResult
from recruitment.models import Application, Enrolment, JobOrder, Occupation, Worker
from tests.factories import TrainingProviderFactory
from villages.models import Village

TANJUNG_LUAR = "52.03.01.2001"  # a village of Keruak district, Lombok Timur (NTB)
KERUAK = "520301"  # that district as the first six digits of a NIK
SALARY = Decimal("1800.00")  # the job order's monthly salary, MYR
DEFAULT = object()  # "the usual value" where None means something (no expiry date)

ISSUERS = {
    DocumentKind.HEALTH_CERTIFICATE: "Klinik Utama Sehat Selong",
    DocumentKind.COMPETENCY_CERTIFICATE: "LSP P3MI Lombok",
    DocumentKind.LANGUAGE_CERTIFICATE: "Pusat Uji Bahasa Mandarin Mataram",
    DocumentKind.PLACEMENT_AGREEMENT: "Disnaker Lombok Timur",
    DocumentKind.PASSPORT: "Kantor Imigrasi Kelas I TPI Mataram",
    DocumentKind.WORK_VISA: "Jabatan Imigresen Malaysia",
    DocumentKind.VISIT_VISA: "Jabatan Imigresen Malaysia",
    DocumentKind.BPJS: "BPJS Ketenagakerjaan Cabang Mataram",
    DocumentKind.EMPLOYMENT_CONTRACT: "Penang Electronics Sdn Bhd",
    DocumentKind.OPP_CERTIFICATE: "BP3MI Nusa Tenggara Barat",
    DocumentKind.EPMI: "KP2MI",
}


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def nik_for(birth_date: date, sex: str, serial: int = 1, district: str = KERUAK) -> str:
    """A NIK issued in `district` (Keruak unless told) that encodes this birth date and sex."""
    return compose_nik(district_code=district, birth_date=birth_date, sex=sex, serial=serial)


def license_agency(agency: Agency) -> Agency:
    """Give a company an active SIP3MI licence, issued a year ago and valid for years."""
    today = timezone.localdate()
    Agency.objects.filter(pk=agency.pk).update(
        licence_number=f"SIP3MI/{agency.pk:04d}/2025",
        licence_issued_on=years_before(today, 1),
        licence_expires_on=today + timedelta(days=4 * 365),
        licence_status="active",
    )
    agency.refresh_from_db()
    return agency


def pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    """A small PDF, as a company's scanner produces it."""
    return SimpleUploadedFile(name, b"%PDF-1.4\n% scanned page\n", content_type="application/pdf")


def attach_demand_letter(company, job_order_id: int) -> None:
    """The employer's demand letter, which the mission needs before a job order can be submitted."""
    recruitment.job_order_document_add(
        actor=company,
        job_order_id=job_order_id,
        kind=JobOrderDocumentKind.DEMAND_LETTER,
        number=f"DL/{job_order_id:05d}/2026",
        file=pdf("demand-letter.pdf"),
    )


def job_order(
    *,
    company,
    mission,
    agency: Agency,
    employer,
    occupation: str = "factory_operator",
    quota: int = 10,
    regions: tuple[str, ...] = ("52.03",),
    status: str = JobOrderStatus.PUBLISHED,
    issuer=None,
    **fields,
) -> JobOrder:
    """A job order taken as far as `status` (draft, submitted, verified or published).

    Verified and published ones also get a SIP2MI permit for `regions`: the company applies
    for it, `issuer` (the ministry or a province; `mission` unless told) issues it.
    """
    today = timezone.localdate()
    draft = recruitment.job_order_create(
        actor=company,
        agency=agency,
        employer=employer,
        occupation=Occupation.objects.get(code=occupation),
        quota=quota,
        salary=fields.pop("salary", SALARY),
        currency=fields.pop("currency", "MYR"),
        contract_months=24,
        valid_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=365),
        **fields,
    )
    if status != JobOrderStatus.DRAFT:
        attach_demand_letter(company, draft.pk)
    steps = [
        (JobOrderStatus.SUBMITTED, lambda: recruitment.job_order_submit(actor=company, job_order_id=draft.pk)),
        (
            JobOrderStatus.VERIFIED,
            lambda: recruitment.job_order_verify(
                actor=mission,
                job_order_id=draft.pk,
                mission_reference=f"KBRI-KL/JO/{draft.pk:05d}/2026",
                verified_on=today - timedelta(days=20),
            ),
        ),
        (JobOrderStatus.PUBLISHED, lambda: recruitment.job_order_publish(actor=company, job_order_id=draft.pk)),
    ]
    wanted = [JobOrderStatus.DRAFT] + [step for step, _ in steps]
    for step, call in steps[: wanted.index(status)]:
        call()
        if step == JobOrderStatus.VERIFIED:  # the company applies for the permit, the permit office issues it
            permit = recruitment.permit_apply(
                actor=company,
                job_order_id=draft.pk,
                quota=quota,
                valid_from=today - timedelta(days=20),
                valid_until=today + timedelta(days=365),
                regions=list(regions),
            )
            recruitment.permit_issue(actor=issuer or mission, permit_id=permit.pk, number=f"SIP2MI/{draft.pk:05d}/2026")
    return JobOrder.objects.select_related("agency", "country", "employer", "occupation").get(pk=draft.pk)


def register_worker(
    *,
    actor,
    agency: Agency | None,
    serial: int = 1,
    sex: str = "F",
    birth_date: date | None = None,
    village: str = TANJUNG_LUAR,
    district: str = KERUAK,
    consent: bool = True,
    full_name: str = "Baiq Rohani",
) -> Worker:
    """A candidate registered with a NIK that agrees with what is entered; 27 unless told."""
    today = timezone.localdate()
    birth_date = birth_date or years_before(today, 27) - timedelta(days=100)
    return recruitment.worker_register(
        actor=actor,
        nik=nik_for(birth_date, sex, serial, district),
        full_name=full_name,
        sex=sex,
        birth_date=birth_date,
        birth_place="Selong",
        village=Village.objects.get(code=village),
        education="sma",
        marital_status="single",
        next_of_kin_name="Inaq Saenah",
        next_of_kin_relation="ibu",
        family_consent_on=today - timedelta(days=45) if consent else None,
        agency=agency,
        consent_on=today - timedelta(days=40) if agency else None,  # the candidate's consent to the company
    )


def select(actor, worker: Worker, job_order: JobOrder, *, selected: bool | None = True) -> Application:
    """The worker applies to the job order; the company decides (None: not decided yet)."""
    application = recruitment.application_create(
        actor=actor, worker=worker, job_order=job_order, applied_on=timezone.localdate() - timedelta(days=14)
    )
    if selected is None:
        return application
    return recruitment.application_decide(actor=actor, application_id=application.pk, selected=selected)


def place(actor, application: Application) -> Journey:
    return Journey(actor, services.placement_create(actor=actor, application=application))


class Journey:
    """A placement, the company staff moving it, and the dates it uses.

    `expiry` lets a test shorten one kind of document's validity before walking.
    """

    def __init__(self, actor, placement: Placement):
        self.actor = actor
        self.placement = placement
        self.today = timezone.localdate()
        # A week ago: a departure is recorded once it happened (never dated in the future), and
        # at most settings.DEPARTURE_BACKDATE_DAYS later. A test planning ahead sets it later.
        self.departure = self.today - timedelta(days=7)
        self.expiry: dict[str, date | None] = {}

    @property
    def pk(self) -> int:
        return self.placement.pk

    @property
    def stage(self) -> int:
        return self.reload().stage

    def reload(self) -> Placement:
        self.placement = Placement.objects.select_related("job_order", "worker").get(pk=self.pk)
        return self.placement

    def events(self) -> list[tuple[str, int | None, int | None]]:
        return list(self.placement.events.order_by("at", "id").values_list("kind", "from_stage", "to_stage"))

    # --- facts --------------------------------------------------------------------------

    def add_document(
        self, kind: str, *, number: str | None = None, issued_on=None, expires_on=DEFAULT, file=DEFAULT
    ) -> Document:
        """A document with its scan (a small PDF) unless `file=None`: a record awaiting its file."""
        if file is DEFAULT:
            file = pdf(f"{kind}.pdf")
        if expires_on is DEFAULT:
            expires_on = self.expiry.get(kind, self.today + timedelta(days=730))
        return services.document_add(
            actor=self.actor,
            placement_id=self.pk,
            kind=kind,
            number=number or f"{kind[:4].upper()}-{self.pk:05d}",
            issued_on=issued_on or self.today - timedelta(days=60),
            expires_on=expires_on,
            issuer=ISSUERS.get(kind, "Penerbit resmi"),
            file=file,
        )

    def enrol(self, *, kind: str = TrainingKind.SKILL, result: str = TrainingResult.PASSED) -> Enrolment:
        passed = result == TrainingResult.PASSED
        return recruitment.enrolment_record(
            actor=self.actor,
            worker=self.placement.worker,
            provider=TrainingProviderFactory(),
            programme="Operator produksi elektronik" if kind == TrainingKind.SKILL else "Bahasa Melayu dasar",
            kind=kind,
            hours=200,
            starts_on=self.today - timedelta(days=90),
            completed_on=self.today - timedelta(days=30) if result != TrainingResult.IN_PROGRESS else None,
            result=result,
            certificate_number=f"KOMP/{self.pk:05d}/2026" if passed else "",
        )

    def record_agreement(self, worker_costs=Decimal(0)) -> Placement:
        self.placement = services.placement_record_agreement(
            actor=self.actor, placement_id=self.pk, signed_on=self.today, worker_costs=Decimal(worker_costs)
        )
        return self.placement

    def record_contract(self, salary=None) -> Placement:
        salary = self.placement.job_order.salary if salary is None else Decimal(salary)
        self.placement = services.placement_record_contract(
            actor=self.actor, placement_id=self.pk, signed_on=self.today, salary=salary
        )
        return self.placement

    def plan_departure(self, on: date | None = None) -> Placement:
        self.placement = services.placement_plan_departure(
            actor=self.actor, placement_id=self.pk, planned_on=on or self.departure
        )
        return self.placement

    def provide(self, stage: int) -> None:
        """Record, through the services, everything `stage` requires."""
        if stage == Stage.MEDICAL:
            self.add_document(DocumentKind.HEALTH_CERTIFICATE)
        elif stage == Stage.TRAINING:
            self.enrol()
            self.add_document(DocumentKind.COMPETENCY_CERTIFICATE)
            if self.placement.job_order.country.requires_language_test:
                self.add_document(DocumentKind.LANGUAGE_CERTIFICATE)
        elif stage == Stage.AGREEMENT:
            self.record_agreement()
            self.add_document(DocumentKind.PLACEMENT_AGREEMENT)
        elif stage == Stage.DOCUMENTS:
            self.add_document(DocumentKind.PASSPORT, number=" c1234567 ")
            self.add_document(DocumentKind.WORK_VISA)
            self.add_document(DocumentKind.BPJS)
        elif stage == Stage.CONTRACT:
            self.record_contract()
            self.add_document(DocumentKind.EMPLOYMENT_CONTRACT)
        elif stage == Stage.ORIENTATION:
            self.add_document(DocumentKind.OPP_CERTIFICATE)
        elif stage == Stage.READY:
            self.plan_departure()
            self.add_document(DocumentKind.EPMI)

    # --- transitions --------------------------------------------------------------------

    def advance(self, stage: int) -> Placement:
        self.placement = services.placement_advance(actor=self.actor, placement_id=self.pk, to_stage=stage)
        return self.placement

    def walk_to(self, stage: int) -> Placement:
        """Provide and advance stage by stage until `stage` (at most READY) is reached."""
        for next_stage in range(self.stage + 1, stage + 1):
            self.provide(next_stage)
            self.advance(next_stage)
        return self.placement

    def depart(self, *, point: str | EmbarkationPoint = "LOP", on: date | None = None, flight="QZ 512") -> Placement:
        if not isinstance(point, EmbarkationPoint):
            point = EmbarkationPoint.objects.get(code=point)
        self.placement = services.placement_depart(
            actor=self.actor,
            placement_id=self.pk,
            departed_on=on or self.departure,
            embarkation_point=point,
            flight=flight,
        )
        return self.placement

    def arrive(self, *, on: date | None = None, reported_on: date | None = None, actor=None) -> Placement:
        arrived_on = on or self.departure
        self.placement = services.placement_arrive(
            actor=actor or self.actor,
            placement_id=self.pk,
            arrived_on=arrived_on,
            reported_on=reported_on or min(arrived_on + timedelta(days=3), self.today),
        )
        return self.placement

    def return_home(self, *, reason: str = ReturnReason.CONTRACT_COMPLETED, on: date | None = None) -> Placement:
        self.placement = services.placement_return(
            actor=self.actor,
            placement_id=self.pk,
            returned_on=on or self.today,
            reason=reason,
        )
        return self.placement

    def cancel(self, reason: str = "Calon PMI mengundurkan diri") -> Placement:
        self.placement = services.placement_cancel(actor=self.actor, placement_id=self.pk, reason=reason)
        return self.placement


def refused(call, *args, **kwargs):
    """The DomainError that `call` raises (the test fails if it raises none)."""
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value
