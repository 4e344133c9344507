"""The demo data set `make run` loads: small, realistic, deterministic.

Everything procedural is recorded through the services, the way the portal
records it. `plant_non_procedural_cases` then writes a handful of rows the
services would refuse, the way such data really arrives (bulk imports from
older systems, partner uploads), so the red-flag engine has something to find:
one case per rule, each planter registered in PLANTED with @plants(rule code) and
listed in the README. seed_demo then runs a full scan, so the demo opens with
every planted case flagged by its own rule.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from accounts.models import AuditEntry
from agencies.choices import LicenceStatus, SanctionKind
from agencies.models import Agency, Branch, Employer, FieldRecruiter, Sanction
from agencies.services import agency_sanction
from complaints.services import (
    complaint_file,
    complaint_refer,
    complaint_transition,
    complaints_escalate_overdue,
    referral_answer,
)
from core import clock
from core.encrypted_columns import document_number_columns
from core.nik import compose_nik, personal_number_columns
from oversight.choices import SubjectType
from placement import services as placement_services
from placement.choices import DocumentKind, EventKind, Stage, departure_document_kinds
from placement.models import Document, EmbarkationPoint, Fee, Placement, PlacementEvent
from placement.walkthrough import Walkthrough
from recruitment import services as recruitment_services
from recruitment.choices import JobOrderDocumentKind, JobOrderStatus, PermitStatus
from recruitment.models import (
    Application,
    FamilyConsent,
    JobOrder,
    JobOrderDocument,
    Occupation,
    RecruitmentPermit,
    Registration,
    TrainingProvider,
    Worker,
)
from villages.models import Regency, Village, VillageReport
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


# Who records what in the demo: each step by the demo account whose job it is (seed_demo creates them).
MINISTRY_ACCOUNT = "kementerian"  # also the official who ran the import of the planted cases
COMPANY_ACCOUNTS = {DEMO_AGENCY: "p3mi.staf", SECOND_AGENCY: "p3mi2.admin"}
MISSION_ACCOUNTS = {"MY": "kbri.kl", "TW": "kdei.taipei", "HK": "kjri.hk"}
PROVINCE_ACCOUNTS = {"52": "prov.ntb", "53": "prov.ntt"}
REGENCY_ACCOUNTS = {"52.03": "kab.lotim", "53.01": "kab.kupang"}
VILLAGE_ACCOUNT = "desa.tanjungluar"  # the demo village officer, of Tanjung Luar (52.03.01.2001)
SECOND_VILLAGE_ACCOUNT = "desa.tanjungluar2"  # a second officer of Tanjung Luar (a hamlet head)
# Officers of the neighbouring village of Pijot (52.03.01.2002) and of Nunkurus in Kupang, NTT (53.01.06.2002).
NEIGHBOUR_VILLAGE_ACCOUNT = "desa.pijot"
NTT_VILLAGE_ACCOUNT = "desa.nunkurus"
# Who records a village's reports: only its own officers may (villages.services.village_report_create).
VILLAGE_OFFICER_OF_REGENCY = {"52.03": NEIGHBOUR_VILLAGE_ACCOUNT, "53.01": NTT_VILLAGE_ACCOUNT}
COMPLAINT_ACCOUNT = "pengaduan"  # the national complaint officer
DEMO_ACTORS = (
    COMPLAINT_ACCOUNT,
    VILLAGE_ACCOUNT,
    SECOND_VILLAGE_ACCOUNT,
    NEIGHBOUR_VILLAGE_ACCOUNT,
    NTT_VILLAGE_ACCOUNT,
    MINISTRY_ACCOUNT,
    *COMPANY_ACCOUNTS.values(),
    *MISSION_ACCOUNTS.values(),
    *PROVINCE_ACCOUNTS.values(),
    *REGENCY_ACCOUNTS.values(),
)
# The demo's calendar, in days before the seeding day: job orders were drafted 430 days ago (each a few days
# after the one before); the mission verified them five days after submission, the permit was applied for the
# next day and issued five days later, and the company published the day after.
DRAFTED_DAYS_AGO = 430
SUBMITTED, VERIFIED, PERMIT_APPLIED, PERMIT_ISSUED, PUBLISHED = 1, 6, 7, 12, 13
PLACEMENT_STEP = timedelta(days=10)  # a placement reaches each stage ten days after the one before
DEMAND_LETTER = b"%PDF-1.4\n% demand letter (demo)\n%%EOF\n"


def _at(day: date) -> datetime:
    """The moment a fact of `day` is recorded at: nine in the morning, portal time."""
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


# The rows whose "created at" a page shows beside the timeline. Django stamps them with the wall clock
# (auto_now_add), so once the replay is over, the rows written in each replayed step move to the moment
# of their fact.
REPLAYED_CREATION = [
    (Worker, "created_at"),
    (Registration, "created_at"),
    (JobOrder, "created_at"),
    (JobOrderDocument, "created_at"),
    (Placement, "created_at"),
    (Document, "created_at"),
    (Sanction, "created_at"),
    (VillageReport, "created_at"),
    (VillageReport, "updated_at"),
    (FamilyConsent, "created_at"),
    (AuditEntry, "at"),
]
# (wall clock when a replayed step began, when it ended, the moment of its fact), filled by _on
_replayed_steps: list[tuple[datetime, datetime, datetime]] = []


@contextmanager
def _on(day: date):
    """Record what happens inside on `day` (at nine): events carry the day of their fact, and so, after
    _date_replayed_rows, do the rows written meanwhile."""
    moment, started = _at(day), timezone.now()
    with clock.as_of(moment):
        yield
    _replayed_steps.append((started, timezone.now(), moment))


def _date_replayed_rows() -> None:
    """Give the rows each replayed step wrote the moment of its fact: one UPDATE per table."""
    if not _replayed_steps:
        return
    values = ", ".join(["(%s::timestamptz, %s::timestamptz, %s::timestamptz)"] * len(_replayed_steps))
    parameters = [moment for step in _replayed_steps for moment in step]
    with connection.cursor() as cursor:
        for model, field in REPLAYED_CREATION:
            column = connection.ops.quote_name(model._meta.get_field(field).column)
            cursor.execute(
                f"UPDATE {connection.ops.quote_name(model._meta.db_table)} AS row SET {column} = step.moment "
                f"FROM (VALUES {values}) AS step (started, ended, moment) "
                f"WHERE row.{column} >= step.started AND row.{column} <= step.ended",
                parameters,
            )
    _replayed_steps.clear()


class DemoBuilder:
    def __init__(self, users: dict):
        self.users = users
        self.random = random.Random(SEED)
        self.fake = Faker("id_ID")
        self.fake.seed_instance(SEED)
        self.today = timezone.localdate()
        self.serial = 0

    # -- who does what ---------------------------------------------------------------------
    @property
    def ministry(self):
        return self.users[MINISTRY_ACCOUNT]

    @property
    def importer(self):
        """The official who ran the import of the planted cases."""
        return self.ministry

    def company(self, agency):
        """The company's own staff; the importer for the companies without a demo account."""
        username = COMPANY_ACCOUNTS.get(agency.name)
        return self.users[username] if username else self.importer

    def mission(self, country_id: str):
        return self.users[MISSION_ACCOUNTS[country_id]]

    def permit_issuer(self, regions: list[str]):
        """The province when every region lies in it, otherwise the ministry."""
        provinces = {code[:2] for code in regions}
        if len(provinces) == 1 and (username := PROVINCE_ACCOUNTS.get(provinces.pop())):
            return self.users[username]
        return self.ministry

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

    def job_order(
        self,
        agency,
        employer,
        occupation,
        *,
        quota,
        salary,
        currency,
        regions,
        drafted_on,
        until=JobOrderStatus.PUBLISHED,
    ) -> JobOrder:
        """A job order walked from draft to `until` by the people whose step each is, each step on its day:
        the company drafts it, attaches the demand letter and submits it, the mission of its country
        verifies it, the company applies for the recruitment permit (SIP2MI), the province (or the
        ministry, for regions of several provinces) issues it, and the company publishes the order."""
        company, day = self.company(agency), lambda offset: drafted_on + timedelta(days=offset)
        with _on(drafted_on):
            job_order = recruitment_services.job_order_create(
                actor=company,
                agency=agency,
                employer=employer,
                occupation=Occupation.objects.get(code=occupation),
                quota=quota,
                salary=Decimal(salary),
                currency=currency,
                contract_months=24,
                valid_from=drafted_on,
                valid_until=self.today + timedelta(days=365),
                reference=f"DL/{employer.country_id}/{self.random.randint(1000, 9999)}",
            )
            recruitment_services.job_order_document_add(
                actor=company,
                job_order_id=job_order.pk,
                kind=JobOrderDocumentKind.DEMAND_LETTER,
                number=job_order.reference,
                file=ContentFile(DEMAND_LETTER, name=f"demand-letter-{job_order.pk}.pdf"),
            )
        with _on(day(SUBMITTED)):
            recruitment_services.job_order_submit(actor=company, job_order_id=job_order.pk)
        if until == JobOrderStatus.SUBMITTED:
            return JobOrder.objects.get(pk=job_order.pk)
        with _on(day(VERIFIED)):
            recruitment_services.job_order_verify(
                actor=self.mission(employer.country_id),
                job_order_id=job_order.pk,
                mission_reference=f"{MISSIONS.get(employer.country_id, 'KBRI')}/JO/{job_order.pk:04d}",
                verified_on=day(VERIFIED),
            )
        with _on(day(PERMIT_APPLIED)):
            permit = recruitment_services.permit_apply(
                actor=company,
                job_order_id=job_order.pk,
                quota=quota,
                valid_from=day(PERMIT_ISSUED),
                valid_until=self.today + timedelta(days=365),
                regions=regions,
            )
        if until == JobOrderStatus.VERIFIED:  # verified, its permit awaiting the issuer's decision
            return JobOrder.objects.get(pk=job_order.pk)
        with _on(day(PERMIT_ISSUED)):
            recruitment_services.permit_issue(
                actor=self.permit_issuer(regions),
                permit_id=permit.pk,
                number=f"SIP2MI/{job_order.pk:05d}/{day(PERMIT_ISSUED).year}",
            )
        with _on(day(PUBLISHED)):
            recruitment_services.job_order_publish(actor=company, job_order_id=job_order.pk)
        return JobOrder.objects.get(pk=job_order.pk)

    # -- people ------------------------------------------------------------------------------
    def village_in(self, regencies: list[str]) -> Village:
        regency = self.random.choice(regencies)
        villages = list(Village.objects.filter(code__startswith=regency + ".").order_by("code")[:60])
        return self.random.choice(villages)

    def worker(
        self, agency, regencies, *, sex=None, age=None, village=None, birth_date=None, name=None, registered_on=None
    ) -> Worker:
        """A person registered by `agency`'s staff with the candidate's consent, on `registered_on`."""
        sex = sex or self.random.choice("FFFM")
        birth_date = birth_date or self.today - timedelta(
            days=365 * (age or self.random.randint(20, 38)) + self.random.randint(0, 300)
        )
        village = village or self.village_in(regencies)
        self.serial += 1
        name = name or (self.fake.name_female() if sex == "F" else self.fake.name_male())
        # The planted people were registered before any of their imported placements began.
        registered_on = registered_on or self.today - timedelta(days=300)
        with _on(registered_on):
            return recruitment_services.worker_register(
                actor=self.company(agency),
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
                family_consent_on=registered_on - timedelta(days=self.random.randint(1, 30)),
                agency=agency,
                consent_on=registered_on,
            )

    def schedule(self, stage: int) -> tuple[date, date | None]:
        """(registered on, departed on) of a placement that stands at `stage` today."""
        if stage in (Stage.DEPARTED, Stage.WORKING, Stage.RETURNED):
            # Still "departed" means just left: an older departure without an arrival report is a red flag.
            days_ago = self.random.randint(2, 20) if stage == Stage.DEPARTED else self.random.randint(40, 300)
            departed_on = self.today - timedelta(days=days_ago)
            ready_on = departed_on - timedelta(days=7)
            return ready_on - PLACEMENT_STEP * (Stage.READY - Stage.REGISTERED), departed_on
        # A cancelled placement reached at most stage 5 and was cancelled two days after its last stage.
        last = 5 if stage == Stage.CANCELLED else stage
        reached_on = self.today - timedelta(days=self.random.randint(2, 60))
        return reached_on - PLACEMENT_STEP * (last - Stage.REGISTERED), None

    def placement(self, job_order, recruiter, stage: int, regions: list[str], *, village=None, name=None) -> Placement:
        """A candidate applies through `recruiter`, is registered, selected and placed, then walked to `stage`."""
        registered_on, departed_on = self.schedule(stage)
        applied_on = registered_on - timedelta(days=self.random.randint(3, 14))
        company = self.company(job_order.agency)
        worker = self.worker(job_order.agency, regions, village=village, name=name, registered_on=applied_on)
        with _on(applied_on):
            application = recruitment_services.application_create(
                actor=company, worker=worker, job_order=job_order, recruiter=recruiter, applied_on=applied_on
            )
        with _on(registered_on):
            recruitment_services.application_decide(actor=company, application_id=application.pk, selected=True)
            placement = placement_services.placement_create(actor=company, application=application)
        return self.walk(placement, stage, registered_on, departed_on)

    def walk(self, placement: Placement, stage: int, registered_on: date, departed_on: date | None) -> Placement:
        """Take a placement to `stage`, each stage on its own day: stage n is reached (n - 1) steps after
        registration; a departure a week after the E-PMI, the arrival report a few days later."""
        company = self.company(placement.agency)
        walk = Walkthrough(
            company,
            documents_issued_on=registered_on + timedelta(days=2),
            departure_on=departed_on or self.today + timedelta(days=30),
        )

        def reached(target: int) -> date:
            return registered_on + PLACEMENT_STEP * (target - Stage.REGISTERED)

        def walk_to(current: Placement, target: int) -> Placement:
            for next_stage in range(current.stage + 1, min(target, Stage.READY) + 1):
                with _on(reached(next_stage)):
                    walk.provide(current, next_stage)
                    current = placement_services.placement_advance(
                        actor=company, placement_id=current.pk, to_stage=next_stage
                    )
            return current

        if stage == Stage.CANCELLED:
            last = self.random.randint(1, 5)
            placement = walk_to(placement, last)
            with _on(reached(last) + timedelta(days=2)):
                return placement_services.placement_cancel(
                    actor=company,
                    placement_id=placement.pk,
                    reason="Calon PMI mengundurkan diri karena alasan keluarga",
                )
        placement = walk_to(placement, stage)
        if stage <= Stage.READY:
            return placement
        point = {"MY": "KNO", "TW": "CGK", "HK": "SUB"}.get(placement.job_order.country_id, "LOP")
        point, flight = self.random.choice([point, "LOP", "KOE"]), f"GA {self.random.randint(100, 999)}"
        with _on(departed_on):
            placement = walk.depart(placement, point=point, flight=flight)
        if stage >= Stage.WORKING:
            reported_on = departed_on + timedelta(days=self.random.randint(2, 7))
            # The worker reports to the mission (lapor diri); the company records it, the mission confirms.
            with _on(reported_on):
                placement = placement_services.placement_arrive(
                    actor=company,
                    placement_id=placement.pk,
                    arrived_on=departed_on + timedelta(days=1),
                    reported_on=reported_on,
                )
            with _on(reported_on + timedelta(days=1)):
                placement = placement_services.placement_confirm_arrival(
                    actor=self.mission(placement.job_order.country_id), placement_id=placement.pk
                )
        if stage == Stage.RETURNED:
            returned_on = departed_on + timedelta(days=30)
            reason = self.random.choice(["contract_completed", "early_termination", "illness"])
            # A return a month after departure ends a contract early, whatever the draw said.
            reason = "early_termination" if reason == "contract_completed" else reason
            with _on(returned_on):
                placement = placement_services.placement_return(
                    actor=company, placement_id=placement.pk, returned_on=returned_on, reason=reason
                )
        return placement


@transaction.atomic
def build_demo_data(users: dict) -> dict:
    """Create the demo companies, job orders, workers and placements (every stage), then plant the cases.

    `users` maps the usernames in DEMO_ACTORS to the demo accounts: each step is recorded by the one
    whose step it is, on the day it happened (core.clock.as_of), never by whoever runs the seeding."""
    _replayed_steps.clear()
    builder = DemoBuilder(users)
    agencies = builder.agencies()
    employers = builder.employers()
    for name, kind, regency in [
        ("LPK Cahaya Lombok", "lpk", "52.03"),
        ("BLK Kupang", "blk", "53.71"),
        ("LPK Bahasa Mandarin Mataram", "lpk", "52.71"),
    ]:
        TrainingProvider.objects.get_or_create(name=name, defaults={"kind": kind, "regency_id": regency})
    demo, second = agencies[DEMO_AGENCY], agencies[SECOND_AGENCY]
    drafted = [builder.today - timedelta(days=DRAFTED_DAYS_AGO - 3 * index) for index in range(4)]
    orders = [
        builder.job_order(
            demo,
            employers["Sinar Elektronik Sdn Bhd"],
            "factory_operator",
            quota=40,
            salary=1800,
            currency="MYR",
            regions=NTB_REGENCIES,
            drafted_on=drafted[0],
        ),
        builder.job_order(
            demo,
            employers["Mrs Wong Mei Ling (household)"],
            "housekeeper",
            quota=25,
            salary=4990,
            currency="HKD",
            regions=NTB_REGENCIES + NTT_REGENCIES,
            drafted_on=drafted[1],
        ),
        builder.job_order(
            second,
            employers["Chang Gung Care Centre"],
            "caregiver",
            quota=30,
            salary=27470,
            currency="TWD",
            regions=NTT_REGENCIES,
            drafted_on=drafted[2],
        ),
        builder.job_order(
            second,
            employers["Ladang Sawit Sabah Sdn Bhd"],
            "plantation_worker",
            quota=40,
            salary=1700,
            currency="MYR",
            regions=NTT_REGENCIES,
            drafted_on=drafted[3],
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
        recruiter = job_order.agency.recruiters.order_by("pk")[index % 2]
        placements.append(builder.placement(job_order, recruiter, stages[index % len(stages)], regions))
    for index in range(6):
        regency = "52.03" if index < 3 else "53.01"
        builder.village_in([regency])  # drawn as before, so every later draw stays as it was
        officer = users[VILLAGE_OFFICER_OF_REGENCY[regency]]
        occurred_on = builder.today - timedelta(days=1 + index * 7)
        # Someone told the village officer (Pijot in Lombok Timur, Nunkurus in Kupang) they want to go
        # abroad the official way: recorded by the officer of that village, on the day.
        with _on(occurred_on):
            village_report_create(
                actor=officer,
                village=officer.village,
                kind="intent",
                occurred_on=occurred_on,
                person_name=builder.fake.name(),
                details="Ingin bekerja ke Malaysia lewat jalur resmi",
            )
    # Work waiting in the queues: a new order of the demo company in the Malaysian mission's queue, and a
    # verified order of the second company whose permit awaits NTT's (or the ministry's) decision.
    builder.job_order(
        demo,
        employers["Sinar Elektronik Sdn Bhd"],
        "factory_operator",
        quota=20,
        salary=1850,
        currency="MYR",
        regions=NTB_REGENCIES,
        drafted_on=builder.today - timedelta(days=12),
        until=JobOrderStatus.SUBMITTED,
    )
    builder.job_order(
        second,
        employers["Chang Gung Care Centre"],
        "nurse",
        quota=10,
        salary=33000,
        currency="TWD",
        regions=NTT_REGENCIES,
        drafted_on=builder.today - timedelta(days=30),
        until=JobOrderStatus.VERIFIED,
    )
    # The last two companies lose their standing after their work began.
    expired = agencies["PT Jaya Abadi Manpower"]
    Agency.objects.filter(pk=expired.pk).update(
        licence_expires_on=builder.today - timedelta(days=60), licence_status=LicenceStatus.EXPIRED
    )
    suspended_on = builder.today - timedelta(days=30)
    with _on(suspended_on):
        agency_sanction(
            actor=builder.ministry,
            agency_id=agencies["PT Cahaya Timur Sejahtera"].pk,
            kind=SanctionKind.SUSPENSION,
            reason="Menempatkan PMI ke negara moratorium",
            starts_on=suspended_on,
        )
    planted = plant_non_procedural_cases(builder, agencies, employers, orders)
    _demo_village(builder, orders[0])  # last: the draws of everything above stay as they were
    _demo_complaints(builder, agencies)
    _date_replayed_rows()
    return {"placements": len(placements), "planted": planted}


def _demo_complaints(builder, agencies) -> None:
    """Complaints from every channel in every state, each step taken by whose step it is on its day;
    some past their deadline, so the queue shows red and the escalation job has raised them. Few
    enough about any one company or employer that none becomes a hotspot (that case is planted)."""
    users, today = builder.users, builder.today
    officer = users[COMPLAINT_ACCOUNT]
    village_officer = users[VILLAGE_ACCOUNT]
    company_staff = users[COMPANY_ACCOUNTS[DEMO_AGENCY]]
    mission = users[MISSION_ACCOUNTS["MY"]]

    def file(day_offset: int, **fields):
        with _on(today - timedelta(days=day_offset)):
            complaint, _secret = complaint_file(**fields)
        return complaint

    def step(complaint, day_offset: int, to_status: str, **fields):
        with _on(today - timedelta(days=day_offset)):
            complaint_transition(actor=officer, complaint_id=complaint.pk, to_status=to_status, **fields)

    # A mother in Kupang has heard nothing from her daughter in Hong Kong for two months (yesterday, on time).
    file(
        1,
        actor=None,
        channel="web",
        category="lost_contact",
        description="Anak saya bekerja di Hong Kong, sudah dua bulan tidak bisa dihubungi.",
        area_code="53.01",
        complainant_name="Yuliana Bria",
        complainant_phone="081337001122",
        complainant_relation="family",
        worker_name="Maria Bria",
    )
    # Anonymous: fees demanded by a sponsor in Central Lombok; nobody acknowledged it in time (overdue).
    file(
        5,
        actor=None,
        channel="web",
        category="illegal_fees",
        description="Sponsor meminta Rp 15 juta untuk berangkat ke Malaysia, katanya lewat PT resmi.",
        area_code="52.02",
        anonymous=True,
    )
    # Violence in Malaysia, phoned in: verified at once, referred to the mission, still not resolved (overdue).
    violence = file(
        10,
        actor=officer,
        channel="hotline",
        category="violence",
        description="Adik saya dipukul majikan di Johor dan tidak diberi makan cukup.",
        area_code="52.03",
        complainant_name="Lalu Junaidi",
        complainant_phone="081907334455",
        complainant_relation="family",
        worker_name="Baiq Nurul",
    )
    step(violence, 10, "verified")
    with _on(today - timedelta(days=9)):
        complaint_refer(
            actor=officer,
            complaint_id=violence.pk,
            target="mission",
            mission=mission.mission,
            note="Mohon KBRI menjangkau pekerja dan memastikan keselamatannya.",
        )
    # The village office brings a family's complaint of unpaid wages: referred to the company, answered,
    # resolved and closed.
    wages = file(
        40,
        actor=village_officer,
        channel="village",
        category="unpaid_wages",
        description="Gaji tiga bulan belum dibayar, keluarga di desa tidak menerima kiriman.",
        complainant_name="Inaq Hasanah",
        complainant_phone="087865001234",
        complainant_relation="family",
        worker_name="Baiq Fitri",
        agency=agencies[DEMO_AGENCY],
    )
    step(wages, 39, "verified")
    with _on(today - timedelta(days=38)):
        referral = complaint_refer(
            actor=officer,
            complaint_id=wages.pk,
            target="company",
            agency=agencies[DEMO_AGENCY],
            note="Mohon perusahaan memastikan gaji dibayar dan melaporkan buktinya.",
        )
    with _on(today - timedelta(days=35)):
        referral_answer(
            actor=company_staff,
            referral_id=referral.pk,
            answer="Majikan sudah mentransfer gaji tiga bulan; bukti transfer terlampir di berkas perusahaan.",
        )
    step(wages, 30, "resolved", outcome="Gaji tiga bulan dibayar penuh oleh majikan lewat perusahaan.")
    step(wages, 20, "closed")
    # A company reports its own worker's contract problem (in progress).
    contract = file(
        6,
        actor=company_staff,
        channel="company",
        category="contract_mismatch",
        description="Pekerja kami dipindahkan ke pabrik lain dengan gaji lebih rendah dari kontrak.",
        area_code="52.03",
        worker_name="Siti Rohmah",
    )
    step(contract, 5, "verified")
    step(contract, 4, "in_progress")
    # From the mission in Kuala Lumpur: a passport held by the employer (received two days ago).
    file(
        2,
        actor=mission,
        channel="mission",
        category="documents_held",
        description="Paspor pekerja ditahan majikan di Selangor; pekerja datang ke KBRI.",
        area_code="52.01",
        worker_name="Nurhayati",
    )
    # Not a migrant worker's matter: rejected with the reason.
    rejected = file(
        15,
        actor=None,
        channel="web",
        category="other",
        description="Saya ingin menanyakan lowongan kerja di luar negeri untuk lulusan SMA.",
        area_code="53.71",
        complainant_email="penanya@example.id",
    )
    step(
        rejected,
        14,
        "rejected",
        reason="Bukan pengaduan: pertanyaan lowongan, dijawab dengan tautan ke papan lowongan resmi.",
    )
    # What the 15-minute job would have done by now: overdue complaints climb.
    complaints_escalate_overdue()


def _demo_village(builder, job_order) -> None:
    """The demo village officer's village at a glance: people of Tanjung Luar at each stage (through the
    demo company's Malaysian order, no field recruiter) and the officers' reports, all clean, so they
    raise no red flag: a seen departure that matches the placement (reported by both of the village's
    officers: one event, two sources), a return with its needs, someone who intends to go and is not in
    the registry yet, and someone the officer put on the registry with the family's consent. (The
    broker Tanjung Luar and Pijot reported is a planted case: BROKER_REPORTED.)"""
    officer = builder.users.get(VILLAGE_ACCOUNT)
    if officer is None or officer.village_id is None:
        return
    second = builder.users.get(SECOND_VILLAGE_ACCOUNT)
    village = officer.village
    people = {}
    for stage, name in [
        (Stage.TRAINING, "Baiq Rohani"),
        (Stage.DOCUMENTS, "Lalu Hamdani"),
        (Stage.DEPARTED, "Baiq Nurhayati"),
        (Stage.WORKING, "Inaq Sumarni"),
        (Stage.RETURNED, "Lalu Saparudin"),
    ]:
        people[stage] = builder.placement(job_order, None, stage, [], village=village, name=name)
    left = people[Stage.DEPARTED].worker
    back = people[Stage.RETURNED]
    with _on(people[Stage.DEPARTED].departed_on):
        village_report_create(
            actor=officer,
            village=village,
            kind="departure_seen",
            occurred_on=people[Stage.DEPARTED].departed_on,
            person_nik=left.nik,
            person_name=left.full_name,
            details="Berangkat pagi diantar keluarga ke bandara Lombok",
        )
    if second is not None:
        # The hamlet head saw her leave too and reported it the next day: a second source of the same event.
        with _on(people[Stage.DEPARTED].departed_on + timedelta(days=1)):
            village_report_create(
                actor=second,
                village=village,
                kind="departure_seen",
                occurred_on=people[Stage.DEPARTED].departed_on,
                person_nik=left.nik,
                person_name=left.full_name,
                details="Dijemput mobil travel dari rumahnya; membawa koper dan map dokumen",
            )
    with _on(back.returned_on):
        village_report_create(
            actor=officer,
            village=village,
            kind="return_seen",
            occurred_on=back.returned_on,
            person_nik=back.worker.nik,
            person_name=back.worker.full_name,
            needs=["unpaid_wages", "psychological"],
            details="Pulang sebelum kontrak selesai; gaji satu bulan belum dibayar",
        )
    intends_on = builder.today - timedelta(days=5)
    with _on(intends_on):
        village_report_create(
            actor=officer,
            village=village,
            kind="intent",
            occurred_on=intends_on,
            person_name="Lalu Zainul Majdi",
            destination_country="MY",
            details="Ingin bekerja ke Malaysia; orang tua sudah setuju",
        )
    # A young woman came to the village office with her mother's consent: the officer records her intent
    # through the village's form, which puts her on the registry and keeps the family's consent, so a
    # company that registers her later finds the requirement met.
    registered_on, birth_date = builder.today - timedelta(days=4), date(2002, 3, 14)
    with _on(registered_on):
        recruitment_services.village_intent_record(
            actor=officer,
            village=village,
            occurred_on=registered_on,
            nik=_nik(village, birth_date, "F", 8801),
            full_name="Baiq Nur Aini",
            sex="F",
            birth_date=birth_date,
            birth_place="Lombok Timur",
            education="sma",
            marital_status="single",
            phone="081907123456",
            consenter_name="Inaq Sahnun",
            consent_relation="parent",
            consent_given_on=registered_on - timedelta(days=2),
            destination_country="HK",
            hoped_work="Pekerja rumah tangga",
            details="Datang ke kantor desa bersama ibunya; ingin berangkat lewat P3MI resmi",
        )


# -- planted non-procedural cases ----------------------------------------------------------------
# One planter per red-flag rule, registered with @plants(rule code). Each writes its rows the way a
# bulk import from an older system would (rows plus events dated on the day each fact happened,
# recorded by the official who ran the import) and returns the subject its rule must flag. A planted
# placement carries the events of all its earlier stages and its worker lives where the permit
# allows, so it breaks its own rule only; where a case honestly breaks another rule too, the planter
# names that flag in `also` and the README's demo section says why.


@dataclass(frozen=True)
class Subject:
    """What a flag is raised on: oversight's subject type and the row's id."""

    type: str
    id: int


@dataclass(frozen=True)
class Planted:
    """What a planter planted: the subject its rule flags, in words, and the other flags the case raises."""

    subject: Subject
    description: str
    also: tuple[tuple[str, Subject], ...] = ()


@dataclass
class Demo:
    """What the planters plant into: the builder and the companies, employers and job orders built so far."""

    builder: DemoBuilder
    agencies: dict[str, Agency]
    employers: dict[str, Employer]
    factory: JobOrder  # demo company, Malaysia, permit for NTB
    housekeeping: JobOrder  # demo company, Hong Kong (language test), permit for NTB and NTT
    caregiving: JobOrder  # second company, Taiwan, permit for NTT
    plantation: JobOrder  # second company, Malaysia, permit for NTT

    @property
    def importer(self):
        return self.builder.importer

    @property
    def today(self) -> date:
        return self.builder.today

    @property
    def demo_agency(self) -> Agency:
        return self.agencies[DEMO_AGENCY]


Planter = Callable[[Demo], Planted]
# rule code -> the planter of its case, in planting order
PLANTED: dict[str, Planter] = {}
# rule code -> what the last seeding planted (filled by plant_non_procedural_cases)
PLANTED_CASES: dict[str, Planted] = {}


def plants(rule_code: str) -> Callable[[Planter], Planter]:
    """Register the planter of `rule_code`'s demo case."""

    def register(planter: Planter) -> Planter:
        if rule_code in PLANTED:
            raise ValueError(f"{rule_code} already has a planted case")
        PLANTED[rule_code] = planter
        return planter

    return register


def planted_flags() -> set[tuple[str, str, int]]:
    """The (rule code, subject type, subject id) of every flag the planted cases raise, extras included."""
    flags = set()
    for code, planted in PLANTED_CASES.items():
        flags.add((code, planted.subject.type, planted.subject.id))
        flags.update((also_code, subject.type, subject.id) for also_code, subject in planted.also)
    return flags


def plant_non_procedural_cases(builder, agencies, employers, orders) -> int:
    """Rows the services would refuse, written directly as an import from an older system would.

    The red-flag engine must find each of these; nothing here is reachable through the portal's forms
    or the API, which is exactly why the engine scans whole tables too.
    """
    demo = Demo(builder, agencies, employers, *orders)
    PLANTED_CASES.clear()
    for code, planter in PLANTED.items():
        PLANTED_CASES[code] = planter(demo)
    return len(PLANTED_CASES)


IMPORTED = {"source": "legacy-import"}
STAGE_STEP = timedelta(days=10)  # an imported placement reached each stage ten days after the one before


def _imported_event(demo: Demo, placement: Placement, kind: str, on: date, *, from_stage=None, to_stage=None):
    PlacementEvent.objects.create(
        placement=placement,
        at=_at(on),
        actor=demo.importer,
        kind=kind,
        from_stage=from_stage,
        to_stage=to_stage,
        reason="Impor data dari sistem lama",
        data=IMPORTED,
    )


def _imported_placement(
    demo: Demo, worker, job_order, stage: int, *, reached_on: date | None = None, history: bool = True, **fields
) -> Placement:
    """A placement as an import writes it: the row, and the events of every stage up to `stage` (at most
    departed), each on the day it was reached, ten days apart up to `reached_on`. Without `history`,
    only the event of the current stage, as a careless import writes it."""
    reached_on = reached_on or demo.today - timedelta(days=5)
    placement = Placement.objects.create(
        **Placement.columns_of(worker, job_order),
        stage=stage,
        stage_changed_at=_at(reached_on),
        **fields,
    )
    if not history:
        Placement.objects.filter(pk=placement.pk).update(created_at=_at(reached_on))
        _imported_event(demo, placement, EventKind.CREATED, reached_on, to_stage=stage)
        return placement
    last = min(stage, Stage.DEPARTED)
    registered_on = reached_on - STAGE_STEP * (last - Stage.REGISTERED)
    Placement.objects.filter(pk=placement.pk).update(created_at=_at(registered_on))
    for reached in range(Stage.REGISTERED, last + 1):
        kind = {Stage.REGISTERED: EventKind.CREATED, Stage.DEPARTED: EventKind.DEPARTED}.get(
            reached, EventKind.ADVANCED
        )
        on = reached_on - STAGE_STEP * (last - reached)
        from_stage = reached - 1 if reached > Stage.REGISTERED else None
        _imported_event(demo, placement, kind, on, from_stage=from_stage, to_stage=reached)
    return placement


def _imported_job_order(
    agency, employer, occupation: str, *, quota: int, salary: int, regions: list[str], verified: bool = True
) -> JobOrder:
    """A job order as an import writes it; verified ones carry the mission's reference and date and a
    recruitment permit (SIP2MI) for `regions`, an unverified one has no permit (none can be issued)."""
    today = timezone.localdate()
    job_order = JobOrder.objects.create(
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
    if verified:
        # Imported as the older system holds it: an issued permit (only an issued one binds).
        permit = RecruitmentPermit.objects.create(
            job_order=job_order,
            status=PermitStatus.ISSUED,
            decided_at=timezone.now(),
            number=f"SIP2MI/IMP/{job_order.pk:05d}",
            quota=quota,
            valid_from=today - timedelta(days=90),
            valid_until=job_order.valid_until,
        )
        permit.regions.set(Regency.objects.filter(code__in=regions))
    return job_order


def _imported_documents(placement, kinds, issued_on, actor):
    for kind in kinds:
        Document.objects.create(
            placement=placement,
            kind=kind,
            number=f"IMP-{kind[:3].upper()}-{placement.pk:05d}",
            **document_number_columns(f"IMP-{kind[:3].upper()}-{placement.pk:05d}"),
            issued_on=issued_on,
            expires_on=issued_on + timedelta(days=5 * 365),
            issuer="Impor",
            uploaded_by=actor,
        )


def _departed_placement(
    demo: Demo, worker, job_order, *, without=(), point: str = "LOP", days_ago: int = 20
) -> Placement:
    """An imported placement that departed `days_ago` with every document its destination requires but
    those `without`, stages 1..10 recorded ten days apart (registered 90 days before departure)."""
    on = demo.today - timedelta(days=days_ago)
    placement = _imported_placement(
        demo,
        worker,
        job_order,
        Stage.DEPARTED,
        reached_on=on,
        departed_on=on,
        embarkation_point=EmbarkationPoint.objects.get(code=point),
        flight="MH 712",
        planned_departure_on=on,
        agreement_signed_on=on - STAGE_STEP * (Stage.DEPARTED - Stage.AGREEMENT),
        agreement_worker_costs=Decimal(0),
        contract_signed_on=on - STAGE_STEP * (Stage.DEPARTED - Stage.CONTRACT),
        contract_salary=job_order.salary,
    )
    kinds = departure_document_kinds(language_test=job_order.country.requires_language_test)
    kinds = [kind for kind in kinds if kind not in without]
    _imported_documents(placement, kinds, on - timedelta(days=85), demo.importer)
    return placement


def _placement(placement: Placement) -> Subject:
    return Subject(SubjectType.PLACEMENT, placement.pk)


@plants("DEPART_INCOMPLETE")
def _departed_without_work_visa(demo: Demo) -> Planted:
    worker = demo.builder.worker(demo.demo_agency, ["52.03"], name="Baiq Nurhayati")
    placement = _departed_placement(demo, worker, demo.factory, without=[DocumentKind.WORK_VISA])
    return Planted(_placement(placement), f"{worker.full_name} departed without a work visa")


@plants("WRONG_VISA")
def _departed_on_visit_visa(demo: Demo) -> Planted:
    worker = demo.builder.worker(demo.demo_agency, ["52.02"], name="Sri Wahyuni")
    placement = _departed_placement(demo, worker, demo.factory, without=[DocumentKind.WORK_VISA])
    _imported_documents(placement, [DocumentKind.VISIT_VISA], placement.departed_on - timedelta(days=30), demo.importer)
    # A visit visa instead of a work visa: the work visa is missing on the day of departure too.
    return Planted(
        _placement(placement),
        f"{worker.full_name} departed on a visit visa",
        also=(("DEPART_INCOMPLETE", _placement(placement)),),
    )


@plants("UNOFFICIAL_EXIT")
def _left_through_rat_path(demo: Demo) -> Planted:
    rat_path, _ = EmbarkationPoint.objects.get_or_create(
        code="XTK",
        defaults={"name": "Jalur tikus Tanjung Kelayang", "kind": "seaport", "regency_id": "52.03", "official": False},
    )
    worker = demo.builder.worker(demo.demo_agency, ["52.03"], name="Ahmad Zulkifli", sex="M")
    placement = _departed_placement(demo, worker, demo.factory, point=rat_path.code)
    return Planted(_placement(placement), f"{worker.full_name} left through {rat_path.name}")


@plants("UNDERAGE")
def _departed_at_seventeen(demo: Demo) -> Planted:
    worker = demo.builder.worker(
        demo.demo_agency,
        ["52.03"],
        name="Rina Marlina",
        sex="F",
        birth_date=demo.today - timedelta(days=17 * 365 + 100),
    )
    _departed_placement(demo, worker, demo.housekeeping)
    return Planted(Subject(SubjectType.WORKER, worker.pk), f"{worker.full_name}, 17, departed")


@plants("NIK_MISMATCH")
def _birth_date_differs_from_nik(demo: Demo) -> Planted:
    worker = demo.builder.worker(demo.demo_agency, ["52.01"], name="Lalu Fathurrahman", sex="M")
    Worker.objects.filter(pk=worker.pk).update(birth_date=worker.birth_date - timedelta(days=400))
    return Planted(
        Subject(SubjectType.WORKER, worker.pk), f"{worker.full_name}: recorded birth date differs from the NIK's"
    )


@plants("DUPLICATE_IDENTITY")
def _registered_twice(demo: Demo) -> Planted:
    builder = demo.builder
    first = builder.worker(demo.demo_agency, ["52.03"], name="Siti Aisyah", sex="F")
    builder.serial += 1
    nik = _nik(first.village, first.birth_date, "F", builder.serial + 5000)
    second = Worker.objects.create(
        nik=nik,
        **personal_number_columns(nik),
        full_name="Siti Aisyah",
        sex="F",
        birth_date=first.birth_date,
        birth_place=first.birth_place,
        village=first.village,
        education="smp",
        marital_status="single",
        next_of_kin_name="Inaq Munah",
        agency=demo.demo_agency,
    )
    # The rule flags each record of the pair, naming the other.
    return Planted(
        Subject(SubjectType.WORKER, second.pk),
        "Siti Aisyah registered twice with two NIKs, same birth date and village",
        also=(("DUPLICATE_IDENTITY", Subject(SubjectType.WORKER, first.pk)),),
    )


@plants("ZERO_COST_CHARGED")
def _charged_for_zero_cost_job(demo: Demo) -> Planted:
    worker = demo.builder.worker(demo.demo_agency, ["52.03"], name="Nurul Hidayati")
    placement = _imported_placement(
        demo,
        worker,
        demo.housekeeping,
        Stage.AGREEMENT,
        agreement_signed_on=demo.today - timedelta(days=5),
        agreement_worker_costs=Decimal(0),
    )
    # Below Hong Kong's cap, so only the zero-cost rule is broken.
    Fee.objects.create(
        placement=placement,
        amount_idr=Decimal(15_000_000),
        description="Biaya proses dan pelatihan",
        paid_on=demo.today - timedelta(days=10),
        paid_to="Sponsor desa",
        recorded_by=demo.importer,
    )
    return Planted(_placement(placement), f"{worker.full_name} paid Rp 15,000,000 for a zero-cost occupation")


@plants("EXCESSIVE_FEES")
def _costs_above_cap(demo: Demo) -> Planted:
    worker = demo.builder.worker(demo.demo_agency, ["52.04"], name="Hendra Saputra", sex="M")
    placement = _imported_placement(
        demo,
        worker,
        demo.factory,
        Stage.AGREEMENT,
        agreement_signed_on=demo.today - timedelta(days=5),
        agreement_worker_costs=Decimal(45_000_000),
    )
    return Planted(_placement(placement), f"{worker.full_name}: Rp 45,000,000 worker-borne costs in the agreement")


@plants("SALARY_BELOW_ORDER")
def _contract_below_order(demo: Demo) -> Planted:
    worker = demo.builder.worker(demo.demo_agency, ["52.03"], name="Dewi Kartika")
    reached_on = demo.today - timedelta(days=5)
    placement = _imported_placement(
        demo,
        worker,
        demo.factory,
        Stage.CONTRACT,
        reached_on=reached_on,
        agreement_signed_on=reached_on - STAGE_STEP * (Stage.CONTRACT - Stage.AGREEMENT),
        agreement_worker_costs=Decimal(0),
        contract_signed_on=reached_on,
        contract_salary=Decimal(1200),
    )
    return Planted(_placement(placement), f"{worker.full_name}: contract salary MYR 1,200 below the order's 1,800")


@plants("LICENCE_INACTIVE")
def _expired_company_still_working(demo: Demo) -> Planted:
    expired = demo.agencies["PT Jaya Abadi Manpower"]
    stale_order = _imported_job_order(
        expired,
        demo.employers["Sinar Elektronik Sdn Bhd"],
        "factory_operator",
        quota=10,
        salary=1800,
        regions=["52.01"],
    )
    worker = demo.builder.worker(expired, ["52.01"], name="Muhammad Rizki", sex="M")
    _imported_placement(demo, worker, stale_order, Stage.TRAINING, reached_on=demo.today - timedelta(days=20))
    return Planted(
        Subject(SubjectType.AGENCY, expired.pk),
        f"{expired.name} (licence expired) has a job order open and a placement moving",
    )


@plants("JOB_ORDER_UNVERIFIED")
def _placed_on_unverified_order(demo: Demo) -> Planted:
    unverified = _imported_job_order(
        demo.demo_agency,
        demo.employers["Sinar Elektronik Sdn Bhd"],
        "welder",
        quota=5,
        salary=2200,
        regions=[],
        verified=False,
    )
    worker = demo.builder.worker(demo.demo_agency, ["52.03"], name="Zainal Arifin", sex="M")
    placement = _imported_placement(demo, worker, unverified, Stage.MEDICAL)
    # No permit is issued for an order the mission has not verified, so no region is covered.
    return Planted(
        Subject(SubjectType.JOB_ORDER, unverified.pk),
        f"placement of {worker.full_name} on a job order only submitted",
        also=(("OUTSIDE_PERMIT_REGION", _placement(placement)),),
    )


@plants("QUOTA_EXCEEDED")
def _more_selected_than_quota(demo: Demo) -> Planted:
    small = _imported_job_order(
        demo.demo_agency,
        demo.employers["Sinar Elektronik Sdn Bhd"],
        "construction_worker",
        quota=2,
        salary=2000,
        regions=["52.03"],
    )
    for index in range(4):
        worker = demo.builder.worker(demo.demo_agency, ["52.03"], sex="M", name=f"Pekerja Konstruksi {index + 1}")
        _imported_placement(demo, worker, small, Stage.SELECTED)
    return Planted(Subject(SubjectType.JOB_ORDER, small.pk), "four workers selected on a job order with quota 2")


@plants("OUTSIDE_PERMIT_REGION")
def _recruited_outside_permit(demo: Demo) -> Planted:
    worker = demo.builder.worker(demo.demo_agency, ["53.05"], name="Maria Goreti Lado")  # Alor, NTT
    placement = _imported_placement(demo, worker, demo.factory, Stage.SELECTED)  # the factory's permit: NTB only
    return Planted(_placement(placement), f"{worker.full_name} (Alor, NTT) selected under an NTB-only permit")


def _applications(demo: Demo, recruiter, villages, *, count: int, days_apart: int) -> None:
    for index in range(count):
        worker = demo.builder.worker(
            demo.demo_agency, ["52.03"], sex="F", age=19 + index % 4, village=villages[index % len(villages)]
        )
        Application.objects.create(
            worker=worker,
            job_order=demo.housekeeping,
            recruiter=recruiter,
            status="applied",
            applied_on=demo.today - timedelta(days=index * days_apart),
        )


@plants("RECRUITER_UNREGISTERED")
def _unregistered_broker(demo: Demo) -> Planted:
    calo = FieldRecruiter.objects.create(
        full_name="Pak Haji Sponsor", phone="081234567890", village=demo.builder.village_in(["52.03"])
    )
    # Three applicants from two villages: too few to be a cluster too.
    _applications(demo, calo, [demo.builder.village_in(["52.03"]) for _ in range(2)], count=3, days_apart=5)
    return Planted(
        Subject(SubjectType.RECRUITER, calo.pk), f"{calo.full_name}, registered to no company, brought 3 applicants"
    )


@plants("RECRUITER_CLUSTER")
def _recruiter_cluster(demo: Demo) -> Planted:
    builder = demo.builder
    sponsor = FieldRecruiter.objects.create(
        agency=demo.demo_agency,
        full_name="Lalu Mahsun",
        phone="081339112233",
        village=builder.village_in(["52.03"]),
        registered_on=demo.today - timedelta(days=400),
    )
    villages = [builder.village_in(["52.03"]) for _ in range(4)] + [builder.village_in(["52.02"]) for _ in range(3)]
    _applications(demo, sponsor, villages, count=12, days_apart=2)
    return Planted(
        Subject(SubjectType.RECRUITER, sponsor.pk),
        f"{sponsor.full_name} (registered): 12 young women from 7 villages in 3 weeks",
    )


@plants("VILLAGE_DEPARTURE_UNMATCHED")
def _seen_leaving(demo: Demo) -> Planted:
    """Not an import: Pijot's officer reported what they saw, on the day, through the village's form."""
    builder = demo.builder
    officer = builder.users[NEIGHBOUR_VILLAGE_ACCOUNT]
    builder.village_in(["52.03"])  # drawn as before, so every later draw stays as it was
    seen_on = demo.today - timedelta(days=45)
    with _on(seen_on):
        report = village_report_create(
            actor=officer,
            village=officer.village,
            kind="departure_seen",
            occurred_on=seen_on,
            person_nik=_nik(builder.village_in(["52.03"]), date(2001, 5, 9), "F", 9901),
            person_name="Halimah",
            details="Berangkat malam hari dengan calo ke Batam, tujuan Malaysia",
        )
    return Planted(
        Subject(SubjectType.VILLAGE_REPORT, report.pk), "Halimah seen leaving 45 days ago; no departed placement"
    )


BROKER_PHONE = "0877-6543-2109"  # no recruiter of a company has it (theirs are 0811... to 0813...)


@plants("BROKER_REPORTED")
def _broker_reported_in_two_villages(demo: Demo) -> Planted:
    """Not an import either: the officers of Tanjung Luar and of Pijot each reported the same broker,
    whose phone number no field recruiter of a company has. One flag, on the first report, names both."""
    users = demo.builder.users
    reports = []
    for username, days_ago, place, approached, details in [
        (
            VILLAGE_ACCOUNT,
            20,
            "Warung dekat pelabuhan Tanjung Luar",
            "Tiga pemuda nelayan dan orang tua mereka",
            "Menawarkan kerja di kebun sawit Malaysia tanpa biaya; minta KTP dan KK dibawa ke Mataram",
        ),
        (
            NEIGHBOUR_VILLAGE_ACCOUNT,
            12,
            "Rumah kepala dusun Pijot Utara",
            "Dua perempuan muda, lulusan SMP",
            "Datang malam hari; janji berangkat lewat Batam dalam dua minggu, biaya dipotong gaji",
        ),
    ]:
        officer, seen_on = users[username], demo.today - timedelta(days=days_ago)
        with _on(seen_on):
            reports.append(
                village_report_create(
                    actor=officer,
                    village=officer.village,
                    kind="suspected_recruiter",
                    occurred_on=seen_on,
                    broker_name="Lalu Amir",
                    broker_nickname="Bang Amir",
                    broker_phones=[BROKER_PHONE],
                    broker_vehicle="Toyota Avanza hitam",
                    seen_at_place=place,
                    approached=approached,
                    claimed_company="PT Mutiara Sawit Sejahtera",
                    details=details,
                )
            )
    return Planted(
        Subject(SubjectType.VILLAGE_REPORT, reports[0].pk),
        "'Bang Amir' reported by Tanjung Luar and Pijot; no registered recruiter has his phone number",
    )


@plants("STALLED")
def _held_in_training(demo: Demo) -> Planted:
    second = demo.agencies[SECOND_AGENCY]
    worker = demo.builder.worker(second, ["53.01"], name="Yuliana")
    placement = _imported_placement(
        demo, worker, demo.caregiving, Stage.TRAINING, reached_on=demo.today - timedelta(days=240)
    )
    return Planted(_placement(placement), f"{worker.full_name}: in training for 8 months")


@plants("NO_ARRIVAL_REPORT")
def _never_reported_arrival(demo: Demo) -> Planted:
    worker = demo.builder.worker(demo.demo_agency, ["52.03"], name="Fitriani")
    placement = _departed_placement(demo, worker, demo.factory, days_ago=90)
    return Planted(_placement(placement), f"{worker.full_name}: departed 90 days ago, no arrival report")


@plants("MORATORIUM")
def _sent_to_moratorium_country(demo: Demo) -> Planted:
    suspended = demo.agencies["PT Cahaya Timur Sejahtera"]
    saudi_order = _imported_job_order(
        suspended, demo.employers["Al Noor Household"], "housekeeper", quota=5, salary=1500, regions=["53.03"]
    )
    worker = demo.builder.worker(suspended, ["53.03"], name="Yosefina Bria")
    _imported_placement(demo, worker, saudi_order, Stage.DOCUMENTS)
    # The company was suspended for placing workers there, and the order is still open.
    return Planted(
        Subject(SubjectType.JOB_ORDER, saudi_order.pk),
        "a housekeeper placement to Saudi Arabia (moratorium since 2015)",
        also=(("LICENCE_INACTIVE", Subject(SubjectType.AGENCY, suspended.pk)),),
    )


@plants("EMPLOYER_EARLY_RETURNS")
def _employer_sends_workers_home(demo: Demo) -> Planted:
    second = demo.agencies[SECOND_AGENCY]
    for index, reason in enumerate(["early_termination", "death", "early_termination", "deportation"]):
        worker = demo.builder.worker(second, ["53.01"], name=f"Purna PMI {index + 1}")
        placement = _departed_placement(demo, worker, demo.plantation, days_ago=200)
        arrived_on, reported_on = placement.departed_on + timedelta(days=1), placement.departed_on + timedelta(days=3)
        returned_on = demo.today - timedelta(days=30 + index)
        Placement.objects.filter(pk=placement.pk).update(
            stage=Stage.RETURNED,
            stage_changed_at=_at(returned_on),
            returned_on=returned_on,
            return_reason=reason,
            arrived_on=arrived_on,
            arrival_reported_on=reported_on,
        )
        _imported_event(
            demo, placement, EventKind.ARRIVED, reported_on, from_stage=Stage.DEPARTED, to_stage=Stage.WORKING
        )
        _imported_event(
            demo, placement, EventKind.RETURNED, returned_on, from_stage=Stage.WORKING, to_stage=Stage.RETURNED
        )
    employer = demo.plantation.employer
    return Planted(
        Subject(SubjectType.EMPLOYER, employer.pk),
        "Ladang Sawit Sabah: 3 early terminations or deportations and 1 death",
    )


@plants("COMPLAINT_HOTSPOT")
def _company_complained_about(demo: Demo) -> Planted:
    expired = demo.agencies["PT Jaya Abadi Manpower"]
    # Families in East Lombok phoned the hotline about the fees the company took before departure: three
    # complaints in a season for a company with one placement under way (the older system's records).
    for days_ago, name in [(75, "Lalu Hamdi"), (48, "Baiq Sumiati"), (21, "Inaq Rahmah")]:
        filed_on = demo.today - timedelta(days=days_ago)
        with _on(filed_on):
            complaint_file(
                actor=demo.importer,
                channel="hotline",
                category="illegal_fees",
                description="Keluarga diminta membayar Rp 12.000.000 oleh perusahaan sebelum berangkat, "
                "tanpa kuitansi.",
                occurred_on=filed_on - timedelta(days=10),
                area_code="52.03",
                complainant_name=name,
                complainant_relation="family",
                agency=expired,
            )
    return Planted(
        Subject(SubjectType.AGENCY, expired.pk),
        f"{expired.name}: 3 complaints of illegal fees in the last 90 days for 1 placement",
    )


@plants("STAGE_SKIPPED")
def _skipped_stages(demo: Demo) -> Planted:
    worker = demo.builder.worker(demo.demo_agency, ["52.03"], name="Ayu Lestari")
    placement = _imported_placement(demo, worker, demo.factory, Stage.DOCUMENTS, history=False)
    return Planted(_placement(placement), f"{worker.full_name}: at the documents stage with no earlier stage recorded")
