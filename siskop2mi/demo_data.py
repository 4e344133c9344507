"""The demo data set `make run` loads: small, realistic, deterministic.

Everything procedural is recorded through the services, the way the portal
records it. `plant_non_procedural_cases` then writes a handful of rows the
services would refuse, the way such data really arrives (bulk imports from
older systems, partner uploads), so the red-flag engine has something to find;
each planted case is listed in PLANTED_CASES and in the README.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from faker import Faker

from agencies.choices import LicenceStatus, SanctionKind
from agencies.models import Agency, Branch, Employer, FieldRecruiter
from agencies.services import agency_sanction
from core.nik import compose_nik
from placement import services as placement_services
from placement.choices import DocumentKind, EventKind, Stage
from placement.models import Document, EmbarkationPoint, Fee, Placement, PlacementEvent
from placement.walkthrough import Walkthrough
from recruitment import services as recruitment_services
from recruitment.models import Application, JobOrder, Occupation, TrainingProvider, Worker
from villages.models import Regency, Village
from villages.services import village_report_create

SEED = 20261122
DEMO_AGENCY = "PT Bina Tenaga Mandiri (demo)"
SECOND_AGENCY = "PT Karya Nusa Tenggara"

# (name, SIP3MI, head office regency, branches); the last two lose their licence later in the demo
AGENCIES = [
    (DEMO_AGENCY, "SIP3MI/0412/2024", "52.71", ["52.03", "52.02"]),
    (SECOND_AGENCY, "SIP3MI/0587/2023", "53.71", ["53.01", "53.02"]),
    ("PT Jaya Abadi Manpower", "SIP3MI/0119/2019", "52.71", ["52.01"]),
    ("PT Cahaya Timur Sejahtera", "SIP3MI/0233/2021", "53.71", ["53.03"]),
]
# (name, country, sector, registration)
EMPLOYERS = [
    ("Sinar Elektronik Sdn Bhd", "MY", "formal", "MY-201901012345"),
    ("Ladang Sawit Sabah Sdn Bhd", "MY", "formal", "MY-200801098765"),
    ("Chang Gung Care Centre", "TW", "formal", "TW-84122301"),
    ("Mrs Wong Mei Ling (household)", "HK", "informal", "HK-FDH-558201"),
    ("Al Noor Household", "SA", "informal", ""),
]
# The Indonesian mission abroad that verifies job orders for each country.
MISSIONS = {"MY": "KBRI-KL", "TW": "KDEI-TPE", "HK": "KJRI-HK", "SA": "KBRI-RUH"}
NTB_REGENCIES = ["52.01", "52.02", "52.03", "52.04", "52.05", "52.06", "52.07", "52.08"]
NTT_REGENCIES = ["53.01", "53.02", "53.03", "53.04", "53.05", "53.06", "53.07", "53.08"]


def _nik(village: Village, birth_date: date, sex: str, serial: int) -> str:
    return compose_nik(district_code=village.district_id, birth_date=birth_date, sex=sex, serial=serial)


class DemoBuilder:
    def __init__(self, actor):
        self.actor = actor
        self.random = random.Random(SEED)
        self.fake = Faker("id_ID")
        self.fake.seed_instance(SEED)
        self.today = timezone.localdate()
        self.serial = 0

    # -- companies, employers, job orders ---------------------------------------------------
    def agencies(self) -> dict[str, Agency]:
        created = {}
        for name, licence, head_office, branches in AGENCIES:
            agency, _ = Agency.objects.get_or_create(name=name)
            agency.licence_number = licence
            agency.licence_issued_on = self.today - timedelta(days=3 * 365)
            agency.licence_expires_on = self.today + timedelta(days=2 * 365)
            agency.head_office_regency_id = head_office
            agency.address = f"Jl. {self.fake.street_name()} No. {self.random.randint(1, 200)}"
            agency.phone = f"0370-{self.random.randint(600000, 699999)}"
            agency.licence_status = LicenceStatus.ACTIVE
            agency.save()
            for regency in branches:
                Branch.objects.get_or_create(agency=agency, regency_id=regency, defaults={"address": "Kantor cabang"})
            created[name] = agency
        return created

    def employers(self) -> dict[str, Employer]:
        return {
            name: Employer.objects.get_or_create(
                name=name, country_id=country, defaults={"sector": sector, "registration_number": registration}
            )[0]
            for name, country, sector, registration in EMPLOYERS
        }

    def job_order(self, agency, employer, occupation, *, quota, salary, currency, regions) -> JobOrder:
        job_order = recruitment_services.job_order_create(
            actor=self.actor,
            agency=agency,
            employer=employer,
            occupation=Occupation.objects.get(code=occupation),
            quota=quota,
            salary=Decimal(salary),
            currency=currency,
            contract_months=24,
            valid_from=self.today - timedelta(days=400),
            valid_until=self.today + timedelta(days=365),
            reference=f"DL/{employer.country_id}/{self.random.randint(1000, 9999)}",
        )
        recruitment_services.job_order_submit(actor=self.actor, job_order_id=job_order.pk)
        recruitment_services.job_order_verify(
            actor=self.actor,
            job_order_id=job_order.pk,
            mission_reference=f"{MISSIONS.get(employer.country_id, 'KBRI')}/JO/{job_order.pk:04d}",
            verified_on=self.today - timedelta(days=390),
        )
        recruitment_services.job_order_publish(actor=self.actor, job_order_id=job_order.pk)
        recruitment_services.permit_issue(
            actor=self.actor,
            job_order=JobOrder.objects.get(pk=job_order.pk),
            number=f"SIP2MI/{job_order.pk:05d}/2026",
            quota=quota,
            valid_from=self.today - timedelta(days=390),
            valid_until=self.today + timedelta(days=365),
            regions=list(Regency.objects.filter(code__in=regions)),
        )
        return JobOrder.objects.get(pk=job_order.pk)

    # -- people ------------------------------------------------------------------------------
    def village_in(self, regencies: list[str]) -> Village:
        regency = self.random.choice(regencies)
        villages = list(Village.objects.filter(code__startswith=regency + ".").order_by("code")[:60])
        return self.random.choice(villages)

    def worker(self, agency, regencies, *, sex=None, age=None, village=None, birth_date=None, name=None) -> Worker:
        sex = sex or self.random.choice("FFFM")
        birth_date = birth_date or self.today - timedelta(
            days=365 * (age or self.random.randint(20, 38)) + self.random.randint(0, 300)
        )
        village = village or self.village_in(regencies)
        self.serial += 1
        name = name or (self.fake.name_female() if sex == "F" else self.fake.name_male())
        return recruitment_services.worker_register(
            actor=self.actor,
            nik=_nik(village, birth_date, sex, self.serial),
            full_name=name,
            sex=sex,
            birth_date=birth_date,
            birth_place=village.district.regency.name.replace("Kabupaten ", ""),
            village=village,
            phone=f"08{self.random.randint(1100000000, 1399999999)}",
            education=self.random.choice(["sd", "smp", "sma", "sma", "diploma"]),
            marital_status=self.random.choice(["single", "married", "married", "divorced"]),
            next_of_kin_name=self.fake.name(),
            next_of_kin_relation=self.random.choice(["Suami", "Istri", "Ibu", "Ayah"]),
            family_consent_on=self.today - timedelta(days=self.random.randint(300, 420)),
            agency=agency,
        )

    def placement(self, worker, job_order, recruiter=None) -> Placement:
        application = recruitment_services.application_create(
            actor=self.actor,
            worker=worker,
            job_order=job_order,
            recruiter=recruiter,
            applied_on=self.today - timedelta(days=self.random.randint(330, 380)),
        )
        recruitment_services.application_decide(actor=self.actor, application_id=application.pk, selected=True)
        return placement_services.placement_create(actor=self.actor, application=application)

    def walk(self, placement: Placement, stage: int) -> Placement:
        """Take a placement to `stage`; departures are in the past, arrivals and returns after them."""
        if stage == Stage.CANCELLED:
            placement = Walkthrough(self.actor).walk_to(placement, self.random.randint(1, 5))
            return placement_services.placement_cancel(
                actor=self.actor, placement_id=placement.pk, reason="Calon PMI mengundurkan diri karena alasan keluarga"
            )
        if stage <= Stage.READY:
            return Walkthrough(self.actor).walk_to(placement, stage)
        # Still "departed" means just left: an older departure without an arrival report is a red flag.
        days_ago = self.random.randint(2, 20) if stage == Stage.DEPARTED else self.random.randint(40, 300)
        departed_on = self.today - timedelta(days=days_ago)
        walk = Walkthrough(self.actor, documents_issued_on=departed_on - timedelta(days=120), departure_on=departed_on)
        placement = walk.walk_to(placement, Stage.READY)
        point = {"MY": "KNO", "TW": "CGK", "HK": "SUB"}.get(placement.job_order.country_id, "LOP")
        placement = walk.depart(
            placement, point=self.random.choice([point, "LOP", "KOE"]), flight=f"GA {self.random.randint(100, 999)}"
        )
        if stage >= Stage.WORKING:
            placement = placement_services.placement_arrive(
                actor=self.actor,
                placement_id=placement.pk,
                arrived_on=departed_on + timedelta(days=1),
                reported_on=departed_on + timedelta(days=self.random.randint(2, 7)),
            )
        if stage == Stage.RETURNED:
            placement = placement_services.placement_return(
                actor=self.actor,
                placement_id=placement.pk,
                returned_on=departed_on + timedelta(days=30),
                reason=self.random.choice(["contract_completed", "early_termination", "illness"]),
            )
        return placement


@transaction.atomic
def build_demo_data(actor) -> dict:
    """Create the demo companies, job orders, workers and placements (every stage), then plant the cases."""
    builder = DemoBuilder(actor)
    agencies = builder.agencies()
    employers = builder.employers()
    for name, kind, regency in [
        ("LPK Cahaya Lombok", "lpk", "52.03"),
        ("BLK Kupang", "blk", "53.71"),
        ("LPK Bahasa Mandarin Mataram", "lpk", "52.71"),
    ]:
        TrainingProvider.objects.get_or_create(name=name, defaults={"kind": kind, "regency_id": regency})
    demo, second = agencies[DEMO_AGENCY], agencies[SECOND_AGENCY]
    orders = [
        builder.job_order(
            demo,
            employers["Sinar Elektronik Sdn Bhd"],
            "factory_operator",
            quota=40,
            salary=1800,
            currency="MYR",
            regions=NTB_REGENCIES,
        ),
        builder.job_order(
            demo,
            employers["Mrs Wong Mei Ling (household)"],
            "housekeeper",
            quota=25,
            salary=4990,
            currency="HKD",
            regions=NTB_REGENCIES + NTT_REGENCIES,
        ),
        builder.job_order(
            second,
            employers["Chang Gung Care Centre"],
            "caregiver",
            quota=30,
            salary=27470,
            currency="TWD",
            regions=NTT_REGENCIES,
        ),
        builder.job_order(
            second,
            employers["Ladang Sawit Sabah Sdn Bhd"],
            "plantation_worker",
            quota=40,
            salary=1700,
            currency="MYR",
            regions=NTT_REGENCIES,
        ),
    ]
    for agency, regency in ((demo, "52.03"), (second, "53.01")):
        for _ in range(2):
            FieldRecruiter.objects.create(
                agency=agency,
                full_name=builder.fake.name(),
                phone=f"08{builder.random.randint(1100000000, 1399999999)}",
                village=builder.village_in([regency]),
                registered_on=builder.today - timedelta(days=500),
            )
    stages = [*range(Stage.REGISTERED, Stage.RETURNED + 1), Stage.CANCELLED]
    placements = []
    for index in range(72):
        job_order = orders[index % len(orders)]
        regions = NTB_REGENCIES if job_order.agency == demo else NTT_REGENCIES
        worker = builder.worker(job_order.agency, regions)
        recruiter = job_order.agency.recruiters.order_by("pk")[index % 2]
        placement = builder.placement(worker, job_order, recruiter)
        placements.append(builder.walk(placement, stages[index % len(stages)]))
    for index in range(6):
        village = builder.village_in(["52.03"]) if index < 3 else builder.village_in(["53.01"])
        village_report_create(
            actor=actor,
            village=village,
            kind="intent",
            occurred_on=builder.today - timedelta(days=index * 7),
            person_name=builder.fake.name(),
            details="Ingin bekerja ke Malaysia lewat jalur resmi",
        )
    # The last two companies lose their standing after their work began.
    expired = agencies["PT Jaya Abadi Manpower"]
    Agency.objects.filter(pk=expired.pk).update(
        licence_expires_on=builder.today - timedelta(days=60), licence_status=LicenceStatus.EXPIRED
    )
    agency_sanction(
        actor=actor,
        agency_id=agencies["PT Cahaya Timur Sejahtera"].pk,
        kind=SanctionKind.SUSPENSION,
        reason="Menempatkan PMI ke negara moratorium",
        starts_on=builder.today - timedelta(days=30),
    )
    planted = plant_non_procedural_cases(builder, agencies, employers, orders)
    return {"placements": len(placements), "planted": planted}


# (code, subject, what was planted)
PLANTED_CASES: list[tuple[str, str, str]] = []


def _plant(code: str, subject: str, description: str) -> None:
    PLANTED_CASES.append((code, subject, description))


def _imported_placement(builder, worker, job_order, stage, **fields) -> Placement:
    """A placement as a bulk import writes it: the row and its events, no service checks."""
    placement = Placement.objects.create(
        worker=worker,
        job_order=job_order,
        agency=job_order.agency,
        stage=stage,
        stage_changed_at=fields.pop("stage_changed_at", timezone.now()),
        **fields,
    )
    PlacementEvent.objects.create(
        placement=placement,
        at=timezone.now(),
        actor=None,
        kind=EventKind.CREATED,
        to_stage=stage,
        reason="Impor data dari sistem lama",
        data={"source": "legacy-import"},
    )
    return placement


def _imported_job_order(agency, employer, occupation: str, *, quota: int, salary: int, verified: bool = True):
    """A job order as an import writes it; verified ones carry the mission's reference and date."""
    today = timezone.localdate()
    return JobOrder.objects.create(
        agency=agency,
        employer=employer,
        country_id=employer.country_id,
        sector=employer.sector,
        occupation=Occupation.objects.get(code=occupation),
        quota=quota,
        salary=Decimal(salary),
        currency={"SA": "SAR"}.get(employer.country_id, "MYR"),
        contract_months=24,
        valid_from=today - timedelta(days=100),
        valid_until=today + timedelta(days=200),
        status="published" if verified else "submitted",
        mission_reference=f"{MISSIONS.get(employer.country_id, 'KBRI')}/JO/IMP" if verified else "",
        mission_verified_on=today - timedelta(days=90) if verified else None,
    )


def _imported_documents(placement, kinds, issued_on, actor):
    for kind in kinds:
        Document.objects.create(
            placement=placement,
            kind=kind,
            number=f"IMP-{kind[:3].upper()}-{placement.pk:05d}",
            issued_on=issued_on,
            expires_on=issued_on + timedelta(days=5 * 365),
            issuer="Impor",
            uploaded_by=actor,
        )


FULL_SET = [
    DocumentKind.HEALTH_CERTIFICATE,
    DocumentKind.COMPETENCY_CERTIFICATE,
    DocumentKind.PLACEMENT_AGREEMENT,
    DocumentKind.PASSPORT,
    DocumentKind.WORK_VISA,
    DocumentKind.BPJS,
    DocumentKind.EMPLOYMENT_CONTRACT,
    DocumentKind.OPP_CERTIFICATE,
    DocumentKind.EPMI,
]


def plant_non_procedural_cases(builder, agencies, employers, orders) -> int:
    """Rows the services would refuse, written directly as an import from an older system would.

    The red-flag engine must find each of these; nothing here is reachable through the portal's forms
    or the API, which is exactly why the engine scans whole tables too.
    """
    PLANTED_CASES.clear()
    actor, today = builder.actor, builder.today
    factory, housekeeping, caregiving, plantation = orders
    demo = agencies[DEMO_AGENCY]
    departed = today - timedelta(days=20)
    lop = EmbarkationPoint.objects.get(code="LOP")

    def departed_placement(worker, job_order, kinds, *, point=lop, on=departed, **fields):
        placement = _imported_placement(
            builder,
            worker,
            job_order,
            Stage.DEPARTED,
            departed_on=on,
            embarkation_point=point,
            flight="MH 712",
            planned_departure_on=on,
            contract_salary=job_order.salary,
            contract_signed_on=on - timedelta(days=30),
            agreement_signed_on=on - timedelta(days=40),
            agreement_worker_costs=Decimal(0),
            **fields,
        )
        _imported_documents(placement, kinds, on - timedelta(days=100), actor)
        return placement

    worker = builder.worker(demo, ["52.03"], name="Baiq Nurhayati")
    departed_placement(worker, factory, [k for k in FULL_SET if k != DocumentKind.WORK_VISA])
    _plant("DEPART_INCOMPLETE", "placement", f"{worker.full_name} departed without a work visa")

    worker = builder.worker(demo, ["52.02"], name="Sri Wahyuni")
    placement = departed_placement(worker, factory, [k for k in FULL_SET if k != DocumentKind.WORK_VISA])
    _imported_documents(placement, [DocumentKind.VISIT_VISA], departed - timedelta(days=30), actor)
    _plant("WRONG_VISA", "placement", f"{worker.full_name} departed on a visit visa")

    rat_path, _ = EmbarkationPoint.objects.get_or_create(
        code="XTK",
        defaults={"name": "Jalur tikus Tanjung Kelayang", "kind": "seaport", "regency_id": "52.03", "official": False},
    )
    worker = builder.worker(demo, ["52.03"], name="Ahmad Zulkifli", sex="M")
    departed_placement(worker, factory, FULL_SET, point=rat_path)
    _plant("UNOFFICIAL_EXIT", "placement", f"{worker.full_name} left through {rat_path.name}")

    worker = builder.worker(
        demo, ["52.03"], name="Rina Marlina", sex="F", birth_date=today - timedelta(days=17 * 365 + 100)
    )
    departed_placement(worker, housekeeping, FULL_SET)
    _plant("UNDERAGE", "worker", f"{worker.full_name}, 17, departed")

    worker = builder.worker(demo, ["52.01"], name="Lalu Fathurrahman", sex="M")
    Worker.objects.filter(pk=worker.pk).update(birth_date=worker.birth_date - timedelta(days=400))
    _plant("NIK_MISMATCH", "worker", f"{worker.full_name}: recorded birth date differs from the NIK's")

    twin = builder.worker(demo, ["52.03"], name="Siti Aisyah", sex="F")
    village = twin.village
    builder.serial += 1
    Worker.objects.create(
        nik=_nik(village, twin.birth_date, "F", builder.serial + 5000),
        full_name="Siti Aisyah",
        sex="F",
        birth_date=twin.birth_date,
        birth_place=twin.birth_place,
        village=village,
        education="smp",
        marital_status="single",
        next_of_kin_name="Inaq Munah",
        agency=demo,
    )
    _plant("DUPLICATE_IDENTITY", "worker", "Siti Aisyah registered twice with two NIKs, same birth date and village")

    worker = builder.worker(demo, ["52.03"], name="Nurul Hidayati")
    placement = _imported_placement(
        builder,
        worker,
        housekeeping,
        Stage.AGREEMENT,
        agreement_signed_on=today,
        agreement_worker_costs=Decimal(15_000_000),
    )
    Fee.objects.create(
        placement=placement,
        amount_idr=Decimal(15_000_000),
        description="Biaya proses dan pelatihan",
        paid_on=today - timedelta(days=10),
        paid_to="Sponsor desa",
        recorded_by=actor,
    )
    _plant("ZERO_COST_CHARGED", "placement", f"{worker.full_name} paid Rp 15,000,000 for a zero-cost occupation")

    worker = builder.worker(demo, ["52.04"], name="Hendra Saputra", sex="M")
    placement = _imported_placement(
        builder, worker, factory, Stage.AGREEMENT, agreement_signed_on=today, agreement_worker_costs=Decimal(45_000_000)
    )
    _plant("EXCESSIVE_FEES", "placement", f"{worker.full_name}: Rp 45,000,000 worker-borne costs in the agreement")

    worker = builder.worker(demo, ["52.03"], name="Dewi Kartika")
    _imported_placement(
        builder, worker, factory, Stage.CONTRACT, contract_signed_on=today, contract_salary=Decimal(1200)
    )
    _plant("SALARY_BELOW_ORDER", "placement", f"{worker.full_name}: contract salary MYR 1,200 below the order's 1,800")

    expired = agencies["PT Jaya Abadi Manpower"]
    stale_order = _imported_job_order(
        expired, employers["Sinar Elektronik Sdn Bhd"], "factory_operator", quota=10, salary=1800
    )
    worker = builder.worker(expired, ["52.01"], name="Muhammad Rizki", sex="M")
    _imported_placement(builder, worker, stale_order, Stage.TRAINING)
    _plant(
        "LICENCE_INACTIVE", "company", f"{expired.name} (licence expired) has a job order open and a placement moving"
    )

    unverified = _imported_job_order(
        demo, employers["Sinar Elektronik Sdn Bhd"], "welder", quota=5, salary=2200, verified=False
    )
    worker = builder.worker(demo, ["52.03"], name="Zainal Arifin", sex="M")
    _imported_placement(builder, worker, unverified, Stage.MEDICAL)
    _plant("JOB_ORDER_UNVERIFIED", "job order", f"placement of {worker.full_name} on a job order only submitted")

    small = _imported_job_order(
        demo, employers["Sinar Elektronik Sdn Bhd"], "construction_worker", quota=2, salary=2000
    )
    for index in range(4):
        worker = builder.worker(demo, ["52.03"], sex="M", name=f"Pekerja Konstruksi {index + 1}")
        _imported_placement(builder, worker, small, Stage.SELECTED)
    _plant("QUOTA_EXCEEDED", "job order", "four workers selected on a job order with quota 2")

    worker = builder.worker(demo, ["53.05"], name="Maria Goreti Lado")  # Alor, NTT: outside the factory permit (NTB)
    _imported_placement(builder, worker, factory, Stage.SELECTED)
    _plant("OUTSIDE_PERMIT_REGION", "placement", f"{worker.full_name} (Alor, NTT) selected under an NTB-only permit")

    calo = FieldRecruiter.objects.create(
        full_name="Pak Haji Sponsor", phone="081234567890", village=builder.village_in(["52.03"])
    )
    cluster_villages = [builder.village_in(["52.03"]) for _ in range(4)] + [
        builder.village_in(["52.02"]) for _ in range(3)
    ]
    for index in range(12):
        worker = builder.worker(demo, ["52.03"], sex="F", age=19 + index % 4, village=cluster_villages[index % 7])
        Application.objects.create(
            worker=worker,
            job_order=housekeeping,
            recruiter=calo,
            status="applied",
            applied_on=today - timedelta(days=index * 2),
        )
    _plant("RECRUITER_UNREGISTERED", "recruiter", f"{calo.full_name}, registered to no company, brought 12 applicants")
    _plant("RECRUITER_CLUSTER", "recruiter", f"{calo.full_name}: 12 young women from 7 villages in 3 weeks")

    reporter = builder.actor
    village_report_create(
        actor=reporter,
        village=builder.village_in(["52.03"]),
        kind="departure_seen",
        occurred_on=today - timedelta(days=45),
        person_nik=_nik(builder.village_in(["52.03"]), date(2001, 5, 9), "F", 9901),
        person_name="Halimah",
        details="Berangkat malam hari dengan calo ke Batam, tujuan Malaysia",
    )
    _plant("VILLAGE_DEPARTURE_UNMATCHED", "village report", "Halimah seen leaving 45 days ago; no departed placement")

    worker = builder.worker(demo, ["52.02"], name="Yuliana")
    _imported_placement(
        builder, worker, caregiving, Stage.TRAINING, stage_changed_at=timezone.now() - timedelta(days=240)
    )
    _plant("STALLED", "placement", f"{worker.full_name}: in training for 8 months")

    worker = builder.worker(demo, ["52.03"], name="Fitriani")
    departed_placement(worker, factory, FULL_SET, on=today - timedelta(days=90))
    _plant("NO_ARRIVAL_REPORT", "placement", f"{worker.full_name}: departed 90 days ago, no arrival report")

    suspended = agencies["PT Cahaya Timur Sejahtera"]
    saudi_order = _imported_job_order(suspended, employers["Al Noor Household"], "housekeeper", quota=5, salary=1500)
    worker = builder.worker(suspended, ["53.03"], name="Yosefina Bria")
    _imported_placement(builder, worker, saudi_order, Stage.DOCUMENTS)
    _plant("MORATORIUM", "job order", "a housekeeper placement to Saudi Arabia (moratorium since 2015)")

    returns = ["early_termination", "death", "early_termination", "deportation"]
    for index, reason in enumerate(returns):
        worker = builder.worker(demo, ["53.01"], name=f"Purna PMI {index + 1}")
        placement = departed_placement(worker, plantation, FULL_SET, on=today - timedelta(days=200))
        Placement.objects.filter(pk=placement.pk).update(
            stage=Stage.RETURNED,
            returned_on=today - timedelta(days=30 + index),
            return_reason=reason,
            arrived_on=today - timedelta(days=199),
            arrival_reported_on=today - timedelta(days=197),
        )
    _plant("EMPLOYER_EARLY_RETURNS", "employer", "Ladang Sawit Sabah: 3 early terminations or deportations and 1 death")

    worker = builder.worker(demo, ["52.03"], name="Ayu Lestari")
    _imported_placement(builder, worker, factory, Stage.DOCUMENTS)  # events say only "created at stage 6"
    _plant("STAGE_SKIPPED", "placement", f"{worker.full_name}: at the documents stage with no earlier stage recorded")

    return len(PLANTED_CASES)
