"""Rows of a coherent synthetic data set, drawn with plain Python and one seeded RNG.

Coherent means the rows obey the rules the services enforce, so that the red-flag
engine finds in them only what real, lawful data also shows (an employer with
several early returns, say): every NIK encodes its worker's district, birth date
and sex and is unique; workers are 18 or older; every placement lies on a
verified job order whose recruitment permit covers the worker's regency, within
its quota; stages follow one another with their documents valid on the day, their
events in order and timestamps that agree; departures leave from official
embarkation points; contract salaries match the job order; zero-cost occupations
carry no costs or fees.

Rows are produced as PostgreSQL COPY text (tab-separated, \\N for NULL; no value
ever contains a tab, newline or backslash). Ids are explicit, given in id order.

Determinism: the same seed, worker count and `today` give the same rows whatever
the batch size, because the rows are drawn worker by worker from one sequence. The
personal numbers (NIK, document numbers) are written encrypted (core.crypto) under
a fresh random nonce each, so their tokens differ from run to run while the numbers,
their keyed hashes and every other column stay the same.
"""

from __future__ import annotations

import bisect
import math
import random
import string
from array import array
from dataclasses import dataclass, field
from datetime import date

from core.crypto import keyring
from core.nik import compose_nik, personal_number_columns

from . import catalogue as cat

NULL = "\\N"
CANCEL_RATE = 0.08  # placements cancelled before departure
REPEAT_RATE = 0.04  # workers back from a completed contract who leave again
APPLICANT_ONLY_RATE = 0.08  # workers who applied and were not (yet) placed
EXTRA_APPLICATION_RATE = 0.10  # placed workers who were turned down by another job order first
EARLY_RETURN_RATE = 0.04  # departed workers who come home before the contract ends
HISTORY_DAYS = 1500  # registrations reach back about four years
JOB_ORDER_DAYS = 365  # a job order (and its permit) is valid for a year
# Days from one stage to the next (min, max), as in the demo: 2 selected ... 9 ready.
STAGE_DAYS = ((2, 10, 20), (3, 7, 14), (4, 25, 45), (5, 5, 10), (6, 14, 30), (7, 5, 10), (8, 3, 7), (9, 2, 5))
# The most days from registration to departure, arrival report and return (see STAGE_DAYS and _timeline).
MAX_TO_DEPARTURE = sum(high for _, _, high in STAGE_DAYS) + 10
CANCEL_WEIGHTS = [30, 20, 15, 10, 8, 7, 5, 3, 2]  # at stage 1 .. 9

# Columns of each generated table, in the order rows are written.
COLUMNS = {
    "accounts_user": "id, password, last_login, is_superuser, username, email, is_staff, is_active, date_joined, "
    "full_name, role, agency_id, province_id, regency_id, village_id",
    "agencies_agency": "id, name, licence_number, licence_issued_on, licence_expires_on, licence_status, "
    "head_office_regency_id, address, phone, email, updated_at",
    "agencies_branch": "id, agency_id, regency_id, address",
    "agencies_sanction": "id, agency_id, kind, reason, starts_on, ends_on, imposed_by_id, created_at",
    "agencies_employer": "id, name, country_id, sector, registration_number, address, blacklisted",
    "agencies_fieldrecruiter": "id, agency_id, full_name, nik, nik_hash, phone, village_id, registered_on",
    "recruitment_trainingprovider": "id, name, kind, regency_id, accreditation_number",
    "recruitment_joborder": "id, agency_id, employer_id, country_id, sector, occupation_id, reference, quota, "
    "quota_female, quota_male, salary, currency, contract_months, worker_costs, valid_from, valid_until, status, "
    "mission_reference, mission_verified_on, rejection_reason, created_at, updated_at",
    "recruitment_recruitmentpermit": "id, job_order_id, status, number, quota, valid_from, valid_until, reason",
    "recruitment_recruitmentpermit_regions": "id, recruitmentpermit_id, regency_id",
    "recruitment_worker": "id, nik, nik_hash, nik_district, nik_birth_date, nik_sex, nik_last4, full_name, sex, "
    "birth_date, birth_place, village_id, phone, education, "
    "marital_status, next_of_kin_name, next_of_kin_phone, next_of_kin_relation, family_consent_on, agency_id, "
    "created_at, updated_at",
    "recruitment_registration": "id, worker_id, channel, agency_id, consent_on, registered_by_id, created_at",
    "recruitment_application": "id, worker_id, job_order_id, recruiter_id, status, selection_notes, applied_on, "
    "decided_on, updated_at",
    "placement_placement": "id, worker_id, village_id, worker_sex, job_order_id, country_id, sector, application_id, "
    "agency_id, stage, stage_changed_at, "
    "planned_departure_on, agreement_signed_on, agreement_worker_costs, contract_signed_on, contract_salary, "
    "departed_on, embarkation_point_id, flight, arrived_on, arrival_reported_on, returned_on, return_reason, "
    "cancellation_reason, version, reached_stages, created_at, updated_at",
    "placement_document": "id, placement_id, kind, number, number_hash, number_last3, issued_on, expires_on, issuer, "
    "file, content_type, size, "
    "verified_by_id, verified_at, uploaded_by_id, created_at",
    "placement_placementevent": "id, placement_id, at, actor_id, kind, from_stage, to_stage, reason, data",
    "placement_fee": "id, placement_id, amount_idr, description, paid_on, paid_to, recorded_by_id",
    "recruitment_enrolment": "id, worker_id, provider_id, programme, kind, hours, starts_on, completed_on, result, "
    "certificate_number, recorded_by_id, updated_at",
    "villages_villagereport": "id, village_id, kind, person_nik, person_nik_hash, person_name, occurred_on, details, "
    "reported_by_id, "
    "created_at, destination_country, hoped_work, needs, contact_name, contact_phone, broker_name, broker_nickname, "
    "broker_phones, broker_vehicle, seen_at_place, approached, claimed_company, status, closing_note, version, "
    "recorded_at, updated_at",
}
REFERENCE_TABLES = [
    "accounts_user", "agencies_agency", "agencies_branch", "agencies_sanction", "agencies_employer",
    "agencies_fieldrecruiter", "recruitment_trainingprovider", "recruitment_joborder",
    "recruitment_recruitmentpermit", "recruitment_recruitmentpermit_regions",
]  # fmt: skip
BATCH_TABLES = [
    "recruitment_worker", "recruitment_registration", "recruitment_application", "placement_placement",
    "placement_document", "placement_placementevent", "placement_fee", "recruitment_enrolment",
    "villages_villagereport",
]  # fmt: skip
GENERATED_TABLES = REFERENCE_TABLES + BATCH_TABLES
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


@dataclass
class Areas:
    """What the generator needs from the areas table (villages_*), read once."""

    villages: list[str]  # every village code
    by_regency: dict[str, list[int]]  # regency code -> indexes into villages
    regencies_by_province: dict[str, list[str]]  # only regencies that have villages
    regency_names: dict[str, str]
    province_names: dict[str, str]


@dataclass
class JobOrder:
    id: int
    agency: int
    employer: int
    job: tuple  # a row of catalogue.JOBS
    valid_from: int  # ordinal days
    regions: tuple[str, ...]
    salary: int
    costs: int
    employer_name: str
    agency_initials: str
    language_test: bool
    quota: int = 0


@dataclass
class Plan:
    """Per worker, decided before any row is written (job order quotas depend on it)."""

    village: array = field(default_factory=lambda: array("i"))
    kind: array = field(default_factory=lambda: array("b"))  # 0 applicant only, 1 placed, 2 placed then cancelled
    first_day: array = field(default_factory=lambda: array("i"))
    first_job_order: array = field(default_factory=lambda: array("i"))
    second_day: array = field(default_factory=lambda: array("i"))  # repeat migrants: their second placement
    second_job_order: array = field(default_factory=lambda: array("i"))  # -1: none


class Generator:
    def __init__(
        self,
        *,
        workers: int,
        seed: int,
        today: date,
        areas: Areas,
        language_test: dict[str, bool],
        cost_caps: dict[str, int | None],
        first_ids: dict[str, int],
        moratoria: set[tuple[str, str]] = frozenset(),
        taken_agency_names: set[str] = frozenset(),
        latest_minute_today: int = 24 * 60 - 1,
    ):
        self.workers = workers
        self.seed = seed
        self.today = today.toordinal()
        self._today_date = today
        # Nothing happens later today than the moment the data set is made (minutes after midnight, +07):
        # a row stamped in the future would look changed to every incremental refresh until then.
        self.latest_minute_today = latest_minute_today
        self.areas = areas
        self.language_test = language_test
        self.cost_caps = cost_caps  # the most a worker may bear, by country (EXCESSIVE_FEES)
        self.next_id = dict(first_ids)
        self.rows = {table: 0 for table in GENERATED_TABLES}
        self.taken_agency_names = set(taken_agency_names)
        self.rng = random.Random(seed)
        self.keys = keyring()  # personal numbers are written encrypted, with their keyed hashes
        self.serials: dict[tuple, int] = {}
        # (village, birth date) pairs taken: two people born the same day in one village with similar
        # names is what DUPLICATE_IDENTITY looks for, so the generator never makes such a pair.
        self.birthdays: set[int] = set()
        # Destinations the reference data knows and no moratorium closes (MORATORIUM).
        self.jobs = [job for job in cat.JOBS if job[0] in language_test and tuple(job[:2]) not in moratoria]
        # Dates and times as COPY text, by ordinal day.
        first = self.today - HISTORY_DAYS - 3 * JOB_ORDER_DAYS - 25 * 365
        self._day0 = first
        self._days = [date.fromordinal(o).isoformat() for o in range(first, self.today + 4000)]
        self._times = [f"{m // 60:02d}:{m % 60:02d}:00+07" for m in range(24 * 60)]

    # ---- small helpers ---------------------------------------------------------------------------

    def day(self, ordinal: int) -> str:
        return self._days[ordinal - self._day0]

    def moment(self, ordinal: int, minute: int) -> str:
        if ordinal == self.today:
            minute = min(minute, self.latest_minute_today)
        return f"{self._days[ordinal - self._day0]} {self._times[minute]}"

    def take_ids(self, table: str, count: int = 1) -> int:
        first = self.next_id[table]
        self.next_id[table] = first + count
        self.rows[table] += count
        return first

    def digits(self, count: int) -> str:
        return str(self.rng.randrange(10 ** (count - 1), 10**count))

    def nik(self, village: str, birth: date, sex: str) -> str:
        """A NIK nobody else has: the village's district, the birth date (+40 for women), a serial."""
        # Serials count per the twelve digits before them: district, day (+40 for women), month, two-digit year.
        key = (village[0:8], birth.day, birth.month, birth.year % 100, sex)
        serial = self.serials.get(key, 0) + 1
        if serial > 9999:
            raise ValueError(f"more than 9999 people born the same day in district {village[0:8]}")
        self.serials[key] = serial
        return compose_nik(district_code=village[0:8], birth_date=birth, sex=sex, serial=serial)

    def name(self, province: str, sex: str) -> str:
        rng = self.rng
        if province == "53":
            given = rng.choice(cat.TIMOR_WOMEN if sex == "F" else cat.TIMOR_MEN)
            return f"{given} {rng.choice(cat.TIMOR_FAMILIES)}"
        given = rng.choice(cat.WOMEN if sex == "F" else cat.MEN)
        roll = rng.random()
        if province == "52" and roll < 0.25:
            return f"{cat.SASAK_PREFIXES[sex]} {given} {rng.choice(cat.WOMEN if sex == 'F' else cat.MEN)}"
        if province == "12" and roll < 0.6:
            return f"{given} {rng.choice(cat.BATAK_FAMILIES)}"
        if roll < 0.35:
            return given
        if roll < 0.6:
            return f"{given} {rng.choice(cat.WOMEN if sex == 'F' else cat.MEN)}"
        return f"{given} {rng.choice(cat.FAMILIES)}"

    def phone(self) -> str:
        return self.rng.choice(cat.PHONE_PREFIXES) + self.digits(8)

    def weighted_province(self) -> str:
        provinces = list(cat.SENDING_PROVINCES)
        weights = list(cat.SENDING_PROVINCES.values())
        roll = self.rng.random() * (sum(weights) + cat.OTHER_PROVINCES_SHARE)
        for province, weight in zip(provinces, weights, strict=True):
            if roll < weight:
                return province
            roll -= weight
        others = [p for p in self.areas.regencies_by_province if p not in cat.SENDING_PROVINCES]
        return self.rng.choice(others)

    # ---- reference rows: users, companies, employers, providers, recruiters, job orders ---------

    def reference_rows(self) -> dict[str, list[str]]:
        rng, today = self.rng, self.today
        out = {table: [] for table in REFERENCE_TABLES}
        n = self.workers
        # The account the import runs as, and one village officer per NTB and NTT village (they file the reports).
        self.import_user = self.take_ids("accounts_user")
        joined = self.moment(today - HISTORY_DAYS - 30, 480)
        out["accounts_user"].append(
            f"{self.import_user}\t!{self.digits(30)}\t{NULL}\tf\tgen.import\t\tf\tt\t{joined}\t"
            f"Impor data sintetis\tsystem_admin\t{NULL}\t{NULL}\t{NULL}\t{NULL}\n"
        )
        self.officers: dict[str, int] = {}
        for province in ("52", "53"):
            for regency in self.areas.regencies_by_province.get(province, []):
                for index in self.areas.by_regency[regency]:
                    code = self.areas.villages[index]
                    user = self.take_ids("accounts_user")
                    self.officers[code] = user
                    out["accounts_user"].append(
                        f"{user}\t!{self.digits(30)}\t{NULL}\tf\tgen.desa.{code}\t\tf\tt\t{joined}\t"
                        f"{self.name(province, rng.choice('FM'))}\tvillage_officer\t{NULL}\t{NULL}\t{NULL}\t{code}\n"
                    )
        # Companies (P3MI): a few large, many small.
        count = max(10, min(400, n // 2500))
        self.agency_ids, self.agency_weights, self.agency_initials = [], [], {}
        head_offices = [code for code in cat.HEAD_OFFICES if code in self.areas.regency_names]
        for rank in range(count):
            agency = self.take_ids("agencies_agency")
            while True:
                words = rng.sample(cat.COMPANY_WORDS, 2)
                name = f"PT {words[0]} {words[1]} {rng.choice(cat.COMPANY_SUFFIXES)}"
                if name not in self.taken_agency_names:
                    break
            self.taken_agency_names.add(name)
            issued = today - rng.randint(100, 1700)
            office = rng.choice(head_offices)
            out["agencies_agency"].append(
                f"{agency}\t{name}\t2/{agency:05d}/HK.03.01/{ROMAN[date.fromordinal(issued).month - 1]}/"
                f"{date.fromordinal(issued).year}\t{self.day(issued)}\t{self.day(issued + 5 * 365)}\tactive\t"
                f"{office}\tJl. {rng.choice(cat.COMPANY_WORDS)} Raya No. {rng.randint(1, 250)}\t"
                f"021-{self.digits(7)}\tkantor{agency}@p3mi.example\t{self.moment(issued, 600)}\n"
            )
            self.agency_ids.append(agency)
            self.agency_weights.append(1 / (rank + 1) ** 0.8)
            self.agency_initials[agency] = "".join(word[0] for word in words) + "I"
            branch_regencies = {self.random_regency() for _ in range(rng.randint(1, 4))}
            for regency in sorted(branch_regencies):
                out["agencies_branch"].append(
                    f"{self.take_ids('agencies_branch')}\t{agency}\t{regency}\t"
                    f"Jl. {rng.choice(cat.PROVIDER_WORDS)} No. {rng.randint(1, 120)}\n"
                )
            if rng.random() < 0.03:  # a written warning: the licence stays active
                start = today - rng.randint(30, 600)
                out["agencies_sanction"].append(
                    f"{self.take_ids('agencies_sanction')}\t{agency}\twarning\tTerlambat melaporkan penempatan PMI.\t"
                    f"{self.day(start)}\t{NULL}\t{self.import_user}\t{self.moment(start, 600)}\n"
                )
        # Foreign employers, each bound to one kind of job.
        job_weights = [job[3] for job in self.jobs]
        self.employers_by_job: dict[int, list[tuple[int, str]]] = {i: [] for i in range(len(self.jobs))}
        for _ in range(max(len(self.jobs), n // 40)):
            job_index = rng.choices(range(len(self.jobs)), job_weights)[0]
            country, sector = self.jobs[job_index][:2]
            employer = self.take_ids("agencies_employer")
            if sector == "informal":
                surname = rng.choice(cat.HOUSEHOLD_SURNAMES.get(country, ["Household"]))
                name = f"{surname} {rng.choice(string.ascii_uppercase)}. (household employer)"
                address = f"{country} household {employer}"
            else:
                places, trades, suffix = cat.COMPANY_NAMES[country]
                name = f"{rng.choice(places)} {rng.choice(trades)} {suffix}"
                address = f"{rng.randint(1, 300)} Industrial Road, {rng.choice(places)}"
            out["agencies_employer"].append(
                f"{employer}\t{name}\t{country}\t{sector}\t{country}-{employer:08d}\t{address}\tf\n"
            )
            self.employers_by_job[job_index].append((employer, name))
        # Training providers (LPK private, BLK public) in the sending areas.
        self.providers_by_province: dict[str, list[int]] = {}
        for index in range(max(20, min(600, n // 2500))):
            regency = self.random_regency()
            provider = self.take_ids("recruitment_trainingprovider")
            kind = "blk" if rng.random() < 0.2 else "lpk"
            short = self.areas.regency_names[regency].replace("Kabupaten ", "").replace("Kota ", "")
            name = f"{kind.upper()} {rng.choice(cat.PROVIDER_WORDS)} {rng.choice(cat.PROVIDER_WORDS)} {short} {index}"
            out["recruitment_trainingprovider"].append(
                f"{provider}\t{name}\t{kind}\t{regency}\t{kind.upper()}.{regency}.{index:04d}\n"
            )
            self.providers_by_province.setdefault(regency[:2], []).append(provider)
        self.all_providers = [p for providers in self.providers_by_province.values() for p in providers]
        # Field recruiters, each registered to a company, in proportion to its size.
        self.recruiters: dict[int, list[int]] = {agency: [] for agency in self.agency_ids}
        for _ in range(max(20, n // 60)):
            agency = rng.choices(self.agency_ids, self.agency_weights)[0]
            village = self.areas.villages[rng.choice(self.areas.by_regency[self.random_regency()])]
            sex = "M" if rng.random() < 0.8 else "F"
            birth = date.fromordinal(today - rng.randint(25 * 365, 60 * 365))
            recruiter = self.take_ids("agencies_fieldrecruiter")
            nik = self.nik(village, birth, sex)
            out["agencies_fieldrecruiter"].append(
                f"{recruiter}\t{agency}\t{self.name(village[:2], sex)}\t{self.keys.encrypt(nik)}\t"
                f"{self.keys.keyed_hash(nik)}\t"
                f"{self.phone()}\t{village}\t{self.day(today - rng.randint(200, 2000))}\n"
            )
            self.recruiters[agency].append(recruiter)
        self._job_orders()
        return out

    def random_regency(self) -> str:
        return self.rng.choice(self.areas.regencies_by_province[self.weighted_province()])

    def _job_orders(self) -> None:
        """Job orders in order of validity, a year each, spread over the history; rows come later (quotas)."""
        rng, today = self.rng, self.today
        job_weights = [job[3] for job in self.jobs]
        count = max(20, self.workers // 30)
        starts = sorted(today - 20 - rng.randint(0, HISTORY_DAYS + 200) for _ in range(count))
        self.job_orders: list[JobOrder] = []
        for valid_from in starts:
            job_index = rng.choices(range(len(self.jobs)), job_weights)[0]
            while not self.employers_by_job[job_index]:
                job_index = rng.choices(range(len(self.jobs)), job_weights)[0]
            job = self.jobs[job_index]
            employer, employer_name = rng.choice(self.employers_by_job[job_index])
            province = self.weighted_province()
            regencies = self.areas.regencies_by_province[province]
            regions = tuple(sorted(rng.sample(regencies, min(len(regencies), rng.randint(2, 5)))))
            agency = rng.choices(self.agency_ids, self.agency_weights)[0]
            salary = job[4] + (job[5] - job[4]) * rng.randint(0, 10) // 10
            costs = 0 if job[9] == 0 else rng.randint(job[8] // 100_000, job[9] // 100_000) * 100_000
            costs = min(costs, self.cost_caps.get(job[0]) or costs)  # never above the country's cap
            self.job_orders.append(
                JobOrder(
                    id=self.take_ids("recruitment_joborder"), agency=agency, employer=employer, job=job,
                    valid_from=valid_from, regions=regions, salary=salary, costs=costs, employer_name=employer_name,
                    agency_initials=self.agency_initials[agency], language_test=self.language_test[job[0]],
                )
            )  # fmt: skip
        self._starts = [job_order.valid_from for job_order in self.job_orders]
        self._by_regency: dict[str, tuple[list[int], list[int]]] = {}
        for index, job_order in enumerate(self.job_orders):
            for regency in job_order.regions:
                starts_list, indexes = self._by_regency.setdefault(regency, ([], []))
                starts_list.append(job_order.valid_from)
                indexes.append(index)

    def job_order_rows(self) -> dict[str, list[str]]:
        """Job orders, their permits and permit regions (after the plan has set the quotas)."""
        rng, today = self.rng, self.today
        tables = ["recruitment_joborder", "recruitment_recruitmentpermit", "recruitment_recruitmentpermit_regions"]
        out = {table: [] for table in tables}
        for job_order in self.job_orders:
            country, sector, occupation, _, _, _, currency, months = job_order.job[:8]
            valid_from = job_order.valid_from
            valid_until = valid_from + JOB_ORDER_DAYS
            # Past job orders whose workers have all left are closed; the rest still recruit.
            status = "closed" if valid_until + MAX_TO_DEPARTURE < today else "published"
            verified = valid_from - rng.randint(10, 25)
            created = verified - rng.randint(10, 30)
            vdate = date.fromordinal(verified)
            out["recruitment_joborder"].append(
                f"{job_order.id}\t{job_order.agency}\t{job_order.employer}\t{country}\t{sector}\t{occupation}\t"
                f"DL/{country}/{vdate.year}/{job_order.id:06d}\t{job_order.quota}\t{NULL}\t{NULL}\t"
                f"{job_order.salary}.00\t{currency}\t{months}\t{job_order.costs}\t{self.day(valid_from)}\t"
                f"{self.day(valid_until)}\t{status}\t{job_order.id:06d}/PK.01/{cat.MISSIONS[country]}/"
                f"{ROMAN[vdate.month - 1]}/{vdate.year}\t{self.day(verified)}\t\t{self.moment(created, 600)}\t"
                f"{self.moment(min(today, valid_until + MAX_TO_DEPARTURE) if status == 'closed' else verified, 660)}\n"
            )
            permit = self.take_ids("recruitment_recruitmentpermit")
            out["recruitment_recruitmentpermit"].append(
                f"{permit}\t{job_order.id}\tissued\t"  # generated job orders recruit under issued permits
                f"KEP.{permit}/SIP2MI/PK.02.02/{ROMAN[vdate.month - 1]}/{vdate.year}\t"
                f"{job_order.quota}\t{self.day(valid_from)}\t{self.day(valid_until + 60)}\t\n"
            )
            for regency in job_order.regions:
                out["recruitment_recruitmentpermit_regions"].append(
                    f"{self.take_ids('recruitment_recruitmentpermit_regions')}\t{permit}\t{regency}\n"
                )
        return out

    # ---- the plan: who registers when, on which job order ---------------------------------------

    def pick_job_order(self, day: int, regency: str | None = None) -> int:
        """A job order valid on `day` (covering `regency` if given), or -1."""
        if regency is None:
            starts, indexes = self._starts, None
        else:
            starts, indexes = self._by_regency.get(regency, ([], []))
        low = bisect.bisect_left(starts, day - JOB_ORDER_DAYS + 1)
        high = bisect.bisect_right(starts, day)
        if low >= high:
            return -1
        position = self.rng.randrange(low, high)
        return position if indexes is None else indexes[position]

    def registration_day(self) -> int:
        # More recent registrations are more frequent (placements grow year on year).
        return self.today - 1 - int(HISTORY_DAYS * self.rng.random() ** 1.25)

    def plan(self) -> Plan:
        rng, plan, today = self.rng, Plan(), self.today
        used = [0] * len(self.job_orders)
        for _ in range(self.workers):
            roll = rng.random()
            job_order = -1
            while job_order < 0:
                if REPEAT_RATE + APPLICANT_ONLY_RATE > roll >= APPLICANT_ONLY_RATE:
                    day = today - rng.randint(900, HISTORY_DAYS)
                else:
                    day = self.registration_day()
                job_order = self.pick_job_order(day)
            regions = self.job_orders[job_order].regions
            village = rng.choice(self.areas.by_regency[rng.choice(regions)])
            second_day, second = -1, -1
            if roll < APPLICANT_ONLY_RATE:
                kind = 0
            else:
                kind = 2 if rng.random() < CANCEL_RATE else 1
                if roll < REPEAT_RATE + APPLICANT_ONLY_RATE:
                    months = self.job_orders[job_order].job[7]
                    back_by = day + MAX_TO_DEPARTURE + 10 + months * 30 + 25
                    second_day = back_by + rng.randint(20, 200)
                    if second_day < today:
                        kind = 1  # the first contract is completed
                        regency = self.areas.villages[village][:5]
                        second = self.pick_job_order(second_day, regency)
                    if second < 0:
                        second_day = -1
                if kind:
                    used[job_order] += kind == 1
                if second >= 0:
                    used[second] += 1
            plan.village.append(village)
            plan.kind.append(kind)
            plan.first_day.append(day)
            plan.first_job_order.append(job_order)
            plan.second_day.append(second_day)
            plan.second_job_order.append(second)
        for job_order, count in zip(self.job_orders, used, strict=True):
            job_order.quota = max(1, count + math.ceil(count * rng.uniform(0.05, 0.3)) + rng.randint(0, 3))
        return plan

    # ---- workers and everything that hangs off them, one batch at a time ------------------------

    def batch(self, plan: Plan, start: int, stop: int) -> dict[str, list[str]]:
        self.out = {table: [] for table in BATCH_TABLES}
        for index in range(start, stop):
            self._worker(plan, index)
        return self.out

    def _worker(self, plan: Plan, index: int) -> None:
        rng, out = self.rng, self.out
        village = self.areas.villages[plan.village[index]]
        province = village[:2]
        day = plan.first_day[index]
        job_order = self.job_orders[plan.first_job_order[index]]
        occupation = job_order.job[2]
        sex = "F" if rng.random() < cat.WOMEN_SHARE.get(occupation, 0.5) else "M"
        born = day - int(rng.triangular(18 * 365 + 40, 45 * 365, 24 * 365))
        while (key := plan.village[index] * 100_000 + born % 100_000) in self.birthdays:
            born -= 1  # a day older: still an adult
        self.birthdays.add(key)
        birth = date.fromordinal(born)
        worker = self.take_ids("recruitment_worker")
        nik = self.nik(village, birth, sex)
        nik_columns = personal_number_columns(nik, today=self._today_date)
        name = self.name(province, sex)
        education = rng.choices(*cat.EDUCATION)[0]
        marital = rng.choices(*cat.MARITAL)[0]
        registered = day - rng.randint(6, 15)
        self.worker_context = (worker, nik, nik_columns["nik_hash"], name, village, province, sex)
        # The companies that registered this person (with their consent) before taking an application.
        self.worker_registered, self.registered_with = registered, set()
        last_change = registered
        kind = plan.kind[index]
        if kind == 0:
            last_change = self._application_only(worker, job_order, day)
        else:
            if rng.random() < EXTRA_APPLICATION_RATE:
                other = self.pick_job_order(day - 30)
                if other >= 0 and self.job_orders[other] is not job_order:
                    self._application(worker, self.job_orders[other], day - 30, "rejected", day - 20)
            second = plan.second_job_order[index]
            last_change = self._placement(job_order, day, cancelled=kind == 2, complete=second >= 0)
            if second >= 0:
                last_change = self._placement(self.job_orders[second], plan.second_day[index], cancelled=False)
        if province in ("52", "53") and rng.random() < 0.05:
            self._report(village, "intent", day - rng.randint(5, 40), "Menanyakan syarat bekerja ke luar negeri.")
        regency = village[:5]
        out["recruitment_worker"].append(
            f"{worker}\t{self.keys.encrypt(nik)}\t{nik_columns['nik_hash']}\t{nik_columns['nik_district']}\t"
            f"{nik_columns['nik_birth_date'] or NULL}\t{nik_columns['nik_sex']}\t{nik_columns['nik_last4']}\t"
            f"{name}\t{sex}\t{birth.isoformat()}\t"
            f"{self.areas.regency_names[regency].replace('Kabupaten ', '').replace('Kota ', '')}\t{village}\t"
            f"{self.phone()}\t{education}\t{marital}\t{self.name(province, rng.choice('FM'))}\t{self.phone()}\t"
            f"{rng.choice(cat.KIN_RELATIONS[sex])}\t{self.day(registered - rng.randint(3, 30))}\t{job_order.agency}\t"
            f"{self.moment(registered, 540)}\t{self.moment(last_change, 1000)}\n"
        )

    def _registration(self, worker: int, agency: int, applied: int) -> None:
        """The company's registration of the person, once, before their first application to it."""
        if agency in self.registered_with:
            return
        self.registered_with.add(agency)
        on = min(self.worker_registered, applied - 1) if len(self.registered_with) == 1 else applied - 1
        self.out["recruitment_registration"].append(
            f"{self.take_ids('recruitment_registration')}\t{worker}\tcompany\t{agency}\t{self.day(on)}\t"
            f"{self.import_user}\t{self.moment(on, 540)}\n"
        )

    def _application(self, worker, job_order, applied, status, decided, recruiter=NULL) -> int:
        self._registration(worker, job_order.agency, applied)
        application = self.take_ids("recruitment_application")
        self.out["recruitment_application"].append(
            f"{application}\t{worker}\t{job_order.id}\t{recruiter}\t{status}\t\t{self.day(applied)}\t"
            f"{self.day(decided) if decided else NULL}\t{self.moment(decided or applied, 700)}\n"
        )
        return application

    def _application_only(self, worker, job_order, day) -> int:
        if self.today - day < 20:
            self._application(worker, job_order, day, "applied", None)
            return day
        status = "rejected" if self.rng.random() < 0.85 else "withdrawn"
        self._application(worker, job_order, day, status, day + self.rng.randint(5, 15))
        return day + 15

    def _report(self, village: str, kind: str, day: int, details: str) -> None:
        officer = self.officers.get(village)
        if officer is None:
            return
        worker, nik, nik_hash, name, *_ = self.worker_context
        day = min(day, self.today)
        moment = self.moment(day, 900)
        self.out["villages_villagereport"].append(
            f"{self.take_ids('villages_villagereport')}\t{village}\t{kind}\t{self.keys.encrypt(nik)}\t{nik_hash}\t"
            f"{name}\t{self.day(day)}\t"
            f"{details}\t{officer}\t{moment}\t"
            # The facts of other kinds stay empty; written down (recorded_at) as it was recorded, version 1.
            f"\t\t{{}}\t\t\t\t\t{{}}\t\t\t\t\topen\t\t1\t{moment}\t{moment}\n"
        )

    def _timeline(self, registered: int, months: int, *, cancelled: bool, complete: bool) -> dict:
        rng = self.rng
        days = {1: registered}
        day = registered
        for stage, low, high in STAGE_DAYS:
            day += rng.randint(low, high)
            days[stage] = day
        days["departed"] = departed = day + rng.randint(4, 10)
        days["arrived"] = departed + rng.randint(0, 1)
        days["reported"] = days["arrived"] + rng.randint(1, 9)
        if cancelled:
            stage = rng.choices(range(1, 10), CANCEL_WEIGHTS)[0]
            following = days[stage + 1] if stage < 9 else departed
            days["cancelled"] = (stage, days[stage] + rng.randint(1, max(1, following - days[stage] - 1)))
        elif not complete and rng.random() < EARLY_RETURN_RATE:
            reason = rng.choices(*cat.EARLY_RETURNS)[0]
            days["returned"] = (reason, departed + rng.randint(30, months * 30 - 30))
        else:
            days["returned"] = ("contract_completed", departed + months * 30 + rng.randint(0, 20))
        return days

    def _placement(self, job_order: JobOrder, day: int, *, cancelled: bool, complete: bool = False) -> int:
        """One placement walked from registration to where its timeline stands today. Returns its last day."""
        rng, today, out = self.rng, self.today, self.out
        worker, nik, nik_hash, name, village, province, sex = self.worker_context
        country, sector, occupation, _, _, _, currency, months = job_order.job[:8]
        timeline = self._timeline(day, months, cancelled=cancelled, complete=complete)
        recruiter = NULL
        if rng.random() < 0.4 and self.recruiters[job_order.agency]:
            recruiter = rng.choice(self.recruiters[job_order.agency])
        selected = timeline[2] <= today and not (timeline.get("cancelled", (9,))[0] < 2)
        application = self._application(
            worker, job_order, day - rng.randint(1, 5), "selected" if selected else "applied",
            timeline[2] - 1 if selected else None, recruiter,
        )  # fmt: skip
        placement = self.take_ids("placement_placement")
        events = out["placement_placementevent"]
        documents = out["placement_document"]
        minute = [540]  # the time of day of the next event; each event advances it 7 minutes
        written = [0]  # events of this placement: its version, as the services bump it once per change
        # The stages its events reached, as the events' trigger keeps them (placement migration 0006):
        # written with the row, so the trigger finds nothing to change and rewrites no placement.
        reached = [0]

        def event(on: int, kind: str, from_stage=NULL, to_stage=NULL, reason: str = "", data: str = "{}") -> None:
            events.append(
                f"{self.take_ids('placement_placementevent')}\t{placement}\t{self.moment(on, minute[0])}\t{NULL}\t"
                f"{kind}\t{from_stage}\t{to_stage}\t{reason}\t{data}\n"
            )
            minute[0] += 7
            written[0] += 1
            if to_stage != NULL and 0 <= int(to_stage) <= 62:
                reached[0] |= 1 << int(to_stage)

        def document(kind: str, number: str, issued: int, expires, issuer: str, recorded: int | None = None) -> None:
            recorded = recorded or issued
            document_id = self.take_ids("placement_document")
            documents.append(
                f"{document_id}\t{placement}\t{kind}\t{self.keys.encrypt(number)}\t{self.keys.keyed_hash(number)}\t"
                f"{number[-3:]}\t{self.day(issued)}\t"
                f"{self.day(expires) if expires else NULL}\t{issuer}\t\t\t{NULL}\t{NULL}\t{NULL}\t{self.import_user}\t"
                f"{self.moment(recorded, minute[0])}\n"
            )
            event(recorded, "document_added", data=f'{{"document_id": {document_id}, "document_kind": "{kind}"}}')

        cancel_stage, cancel_day = timeline.get("cancelled", (None, None))
        end_of_contract = timeline["departed"] + months * 31 + 120
        stage, stage_day = 1, day
        agreement = contract = planned = NULL
        agreement_on = contract_on = NULL
        event(day, "created", to_stage=1)
        for next_stage in range(2, 10):
            on = timeline[next_stage]
            if on > today or (cancel_stage is not None and next_stage > cancel_stage):
                break
            # What the stage needs is recorded a day or three before it is reached (never before the last stage).
            before = max(on - rng.randint(1, 3), stage_day)
            minute[0] = 540 if before > stage_day else 660
            year = date.fromordinal(before).year
            if next_stage == 3:
                document("health_certificate", f"MCU-CPMI/{province}/{year}/{placement:07d}", before, before + 180,
                         f"Sarana Kesehatan CPMI {self.areas.province_names.get(province, province)}")  # fmt: skip
            elif next_stage == 4:
                self._training(worker, province, job_order, before)
                document("competency_certificate", f"{self.digits(4)}.{self.digits(4)}.{placement:07d} {year}",
                         before, before + 3 * 365, "LSP P3MI (lisensi BNSP)")  # fmt: skip
                if job_order.language_test:
                    test = cat.LANGUAGE_TESTS.get(country, "BAHASA")
                    document("language_certificate", f"{test}-{year}-{placement:07d}", before, before + 2 * 365,
                             f"Uji bahasa {test.title()}")  # fmt: skip
            elif next_stage == 5:
                agreement, agreement_on = job_order.costs, before
                event(before, "facts_recorded", data=f'{{"signed_on": "{self.day(before)}", "worker_costs": '
                      f'"{agreement}"}}')  # fmt: skip
                document("placement_agreement", f"PP/{job_order.agency_initials}/{year}/{placement:07d}", before,
                         None, f"P3MI {job_order.agency_initials}")  # fmt: skip
                if job_order.costs and rng.random() < 0.3:
                    self._fee(placement, job_order, before, event)
            elif next_stage == 6:
                office = cat.IMMIGRATION_OFFICES.get(province, "Jakarta Selatan")
                issued = before - rng.randint(10, 40)
                document("passport", f"C{self.digits(7)}", issued, issued + 3650 - 1, f"Kantor Imigrasi {office}",
                         before)  # fmt: skip
                issuer, prefix = cat.VISAS[country]
                document("work_visa", f"{prefix} {self.digits(9)}", before, before + 365, issuer)
                document("bpjs", self.digits(11), before, end_of_contract,
                         f"BPJS Ketenagakerjaan {self.areas.province_names.get(province, '')}")  # fmt: skip
            elif next_stage == 7:
                contract, contract_on = job_order.salary, before
                event(before, "facts_recorded", data=f'{{"contract_signed_on": "{self.day(before)}", "salary": '
                      f'"{contract}.00"}}')  # fmt: skip
                document("employment_contract", f"PK/{country}/{year}/{placement:07d}", before, end_of_contract,
                         job_order.employer_name)  # fmt: skip
            elif next_stage == 8:
                document("opp_certificate", f"OPP/{province}/{year}/{placement:07d}", before, None,
                         f"BP3MI {self.areas.province_names.get(province, province)}")  # fmt: skip
            elif next_stage == 9:
                planned = timeline["departed"]
                event(before, "facts_recorded", data=f'{{"planned_departure_on": "{self.day(planned)}"}}')
                document("e_pmi", f"EPMI-{province}{year % 100:02d}-{self.digits(8)}", before, end_of_contract,
                         "Kementerian P2MI")  # fmt: skip
            minute[0] = 600 if on > before else max(minute[0], 600)
            event(on, "advanced", stage, next_stage)
            stage, stage_day = next_stage, on
        departed_on = point = flight = arrived_on = reported_on = returned_on = NULL
        return_reason = cancellation = ""
        if cancel_stage is not None and cancel_day <= today:
            cancellation = rng.choice(cat.CANCELLATION_REASONS)
            minute[0] = 900
            event(cancel_day, "cancelled", stage, 99, cancellation)
            stage, stage_day = 99, cancel_day
        elif stage == 9 and timeline["departed"] <= today:
            on = timeline["departed"]
            point = rng.choice(cat.MALAYSIA_POINTS.get(province, cat.POINTS.get(province, cat.POINTS["*"]))
                               if country == "MY" else cat.POINTS.get(province, cat.POINTS["*"]))  # fmt: skip
            flight = cat.CROSSINGS.get(point) or (
                f"{rng.choice(cat.CARRIERS)} {rng.randint(100, 999)} {point}-{cat.AIRPORTS[country]}"
            )
            departed_on = self.day(on)
            minute[0] = 360
            event(on, "departed", 9, 10, data=f'{{"departed_on": "{departed_on}", "embarkation_point": "{point}", '
                  f'"flight": "{flight}"}}')  # fmt: skip
            stage, stage_day = 10, on
            if timeline["reported"] <= today:
                arrived_on, reported_on = self.day(timeline["arrived"]), self.day(timeline["reported"])
                minute[0] = 600
                event(timeline["reported"], "arrived", 10, 11, data=f'{{"arrived_on": "{arrived_on}", '
                      f'"reported_on": "{reported_on}"}}')  # fmt: skip
                stage, stage_day = 11, timeline["reported"]
                return_reason, back = timeline["returned"]
                if back <= today:
                    returned_on = self.day(back)
                    event(back, "returned", 11, 12, cat.RETURN_DETAILS[return_reason],
                          f'{{"returned_on": "{returned_on}", "return_reason": "{return_reason}"}}')  # fmt: skip
                    stage, stage_day = 12, back
                    if province in ("52", "53"):
                        if return_reason == "death":
                            if rng.random() < 0.9:
                                self._report(village, "death_or_repatriation", back + rng.randint(0, 5),
                                             cat.RETURN_DETAILS["death"])  # fmt: skip
                        elif rng.random() < 0.15:
                            self._report(village, "return_seen", back + rng.randint(0, 7), "Sudah kembali ke desa.")
                else:
                    return_reason = ""
            if province in ("52", "53") and rng.random() < 0.15:
                self._report(village, "departure_seen", on + rng.randint(0, 5), "Berangkat melalui P3MI resmi.")
        version = written[0]
        out["placement_placement"].append(
            f"{placement}\t{worker}\t{village}\t{sex}\t{job_order.id}\t{country}\t{sector}\t{application}\t{job_order.agency}\t{stage}\t"
            f"{self.moment(stage_day, minute[0] - 7)}\t{self.day(planned) if planned != NULL else NULL}\t"
            f"{self.day(agreement_on) if agreement_on != NULL else NULL}\t{agreement}\t"
            f"{self.day(contract_on) if contract_on != NULL else NULL}\t"
            f"{contract if contract == NULL else f'{contract}.00'}\t{departed_on}\t{point}\t"
            f"{flight if flight != NULL else ''}\t{arrived_on}\t{reported_on}\t{returned_on}\t{return_reason}\t"
            f"{cancellation}\t{version}\t{reached[0]}\t{self.moment(day, 540)}\t"
            f"{self.moment(stage_day, minute[0] - 7)}\n"
        )
        return stage_day

    def _training(self, worker: int, province: str, job_order: JobOrder, completed: int) -> None:
        rng = self.rng
        providers = self.providers_by_province.get(province) or self.all_providers
        occupation = job_order.job[2]
        started = completed - rng.randint(30, 45)
        rows = self.out["recruitment_enrolment"]
        provider = rng.choice(providers)
        rows.append(
            f"{self.take_ids('recruitment_enrolment')}\t{worker}\t{provider}\tPelatihan {occupation.replace('_', ' ')}"
            f"\tskill\t{400 if job_order.job[1] == 'informal' else 240}\t{self.day(started)}\t{self.day(completed)}\t"
            f"passed\tSERT/{provider}/{worker}\t{self.import_user}\t{self.moment(completed, 800)}\n"
        )
        if job_order.language_test:
            rows.append(
                f"{self.take_ids('recruitment_enrolment')}\t{worker}\t{provider}\t"
                f"Bahasa {cat.LANGUAGE_TESTS.get(job_order.job[0], 'asing').title()}\tlanguage\t120\t"
                f"{self.day(started)}\t{self.day(completed)}\tpassed\tBHS/{provider}/{worker}\t{self.import_user}\t"
                f"{self.moment(completed, 810)}\n"
            )

    def _fee(self, placement: int, job_order: JobOrder, day: int, event) -> None:
        """A fee the worker paid on top of the agreed costs, keeping the two within the country's cap."""
        cap = self.cost_caps.get(job_order.job[0])
        amount = min(job_order.costs, self.rng.randint(10, 50) * 100_000)
        if cap is not None:
            amount = min(amount, (cap - job_order.costs) // 100_000 * 100_000)
        if amount <= 0:
            return
        fee = self.take_ids("placement_fee")
        self.out["placement_fee"].append(
            f"{fee}\t{placement}\t{amount}\t{self.rng.choice(cat.FEE_DESCRIPTIONS)}\t{self.day(day)}\t"
            f"P3MI {job_order.agency_initials}\t{self.import_user}\n"
        )
        event(day, "fee_recorded", data=f'{{"fee_id": {fee}, "amount_idr": "{amount}"}}')
