"""The red-flag rules of DOMAIN.md, each declared once.

A rule is set-based SQL over whole tables returning one row per subject that
breaks it: ``subject_id``, ``area_code`` (where the subject is, for scoping)
and ``evidence`` (jsonb: the facts that make it break). ``{ids}`` is where a
re-check of some subjects narrows the query (``AND <subject> = ANY(%(ids)s)``);
a full scan leaves it empty. Thresholds are parameters an administrator can
change per rule (oversight.RuleSetting). Stages and document kinds are never
written as literals: the engine passes placement.choices' STAGE_PARAMETERS and
DOCUMENT_PARAMETERS to every rule (``p.stage = %(stage_departed)s``,
``p.stage = ANY(%(departed_stages)s)``, ``d.kind = %(document_work_visa)s``).

A placement rule (``reads_facts``) reads ``{facts}`` (alias ``pf``) instead of the placement
tables: each placement's facts computed once (oversight/facts.py), from the table a full scan
filled or, in a re-check, computed for the re-checked placements alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from placement.choices import DEPARTURE_DOCUMENTS

from .choices import Severity, SubjectType
from .facts import placement_facts_source


@dataclass(frozen=True)
class Rule:
    code: str
    title: Promise
    explanation: Promise
    severity: str
    subject: str
    sql: str
    subject_column: str  # the column {ids} filters on
    # A placement rule reading each placement's facts (oversight/facts.py) from {facts}.
    reads_facts: bool = False
    defaults: dict = field(default_factory=dict)
    # For a rule whose subject is not the record a write touched (a group's first report):
    # what {ids} becomes in a re-check instead of ``subject_column = ANY(%(ids)s)``, and the
    # query (with {ids} too) of the subjects whose flags such a re-check may resolve.
    ids_condition: str = ""
    recheck_scope: str = ""

    def get_severity_display(self) -> str:
        return Severity(self.severity).label

    def _ids(self, ids: list[int] | None) -> str:
        if ids is None:
            return ""
        return self.ids_condition or f"AND {self.subject_column} = ANY(%(ids)s)"

    def query(self, *, ids: list[int] | None) -> str:
        if self.reads_facts:
            return self.sql.format(ids=self._ids(ids), facts=placement_facts_source(ids=ids))
        return self.sql.format(ids=self._ids(ids))

    def resolvable(self, *, ids: list[int]) -> str:
        """The condition on a flag ``f`` that a re-check of ``ids`` may resolve it."""
        if self.recheck_scope:
            return f"AND f.subject_id IN ({self.recheck_scope.format(ids=self._ids(ids))})"
        return "AND f.subject_id = ANY(%(ids)s)"


# --- Reported brokers -------------------------------------------------------------------------
# Village officers report a suspected broker (calo) by name, nickname and phone numbers (kept
# normalised, 08...). Reports of the same broker (sharing a phone number, or the same name
# whatever the case and spacing) form a group, found by following those links; a group is
# known by its first report (the lowest id: the first to reach the server, so the flag stays
# put when later reports join it, even one written earlier on a phone offline). Closed reports
# and second sources do not count. A field recruiter matches a report when registered to a
# company and their phone (normalised the same way) or full name is the report's; reports
# matching one recruiter are of the same broker too.

BROKER_NAME = "NULLIF(lower(btrim(regexp_replace({column}, '[[:space:]]+', ' ', 'g'))), '')"
BROKER_PHONE = "NULLIF(regexp_replace(regexp_replace({column}, '[^0-9]', '', 'g'), '^62', '0'), '')"

BROKER_GROUPS = f"""
    WITH RECURSIVE reports AS (
        SELECT vr.id, vr.broker_phones, {BROKER_NAME.format(column="vr.broker_name")} AS name
        FROM villages_villagereport vr
        WHERE vr.kind = 'suspected_recruiter' AND vr.status <> 'closed' AND vr.same_event_as_id IS NULL
    ), own_keys AS (
        SELECT r.id, 'phone:' || phone AS key FROM reports r CROSS JOIN unnest(r.broker_phones) AS phone
        UNION
        SELECT r.id, 'name:' || r.name FROM reports r WHERE r.name IS NOT NULL
    ), recruiter_keys AS (
        SELECT fr.id AS recruiter_id, key
        FROM agencies_fieldrecruiter fr
        CROSS JOIN unnest(ARRAY['phone:' || {BROKER_PHONE.format(column="fr.phone")},
                                'name:' || {BROKER_NAME.format(column="fr.full_name")}]) AS key
        WHERE fr.agency_id IS NOT NULL
    ), report_keys AS (
        -- A registered recruiter joins the reports naming them, one by phone and one by name.
        SELECT id, key FROM own_keys
        UNION
        SELECT k.id, 'recruiter:' || rk.recruiter_id FROM own_keys k JOIN recruiter_keys rk ON rk.key = k.key
    ), seeds AS (
        SELECT r.id FROM reports r WHERE TRUE {{ids}}
    ), reach (seed, id) AS (
        SELECT id, id FROM seeds
        UNION
        SELECT reach.seed, b.id FROM reach JOIN report_keys a ON a.id = reach.id JOIN report_keys b ON b.key = a.key
    ), members AS (
        SELECT DISTINCT min(id) OVER (PARTITION BY seed) AS group_id, id FROM reach
    )"""

# Unresolved broker flags whose group named one of the re-checked reports: their group is
# re-checked whole, so a report edited out of a group (or closed) leaves no stale flag behind.
BROKER_FLAGS_NAMING_IDS = """
    SELECT f.subject_id, f.evidence FROM oversight_flag f
    WHERE f.rule_code = 'BROKER_REPORTED' AND f.status <> 'resolved'
      AND (f.subject_id = ANY(%(ids)s)
           OR EXISTS (SELECT 1 FROM jsonb_array_elements(f.evidence->'reports') named
                      WHERE (named->>'id')::bigint = ANY(%(ids)s)))"""


# --- Complaint hotspots -----------------------------------------------------------------------
# One rule over two subjects (DOMAIN.md: "company / employer"): the same code, thresholds and
# explanation, a flag per company and per employer. Complaints filed in the window count unless
# rejected; the placements are those under way at some point in it (not cancelled, not back
# home before the window began). No placement at all with that many complaints is a hotspot too.
HOTSPOT_SUBJECTS = {
    SubjectType.AGENCY: {
        "column": "agency_id",
        "name": "(SELECT a.name FROM agencies_agency a WHERE a.id = k.subject_id)",
        "name_key": "company",
        "area": "(SELECT COALESCE(a.head_office_regency_id, '') FROM agencies_agency a WHERE a.id = k.subject_id)",
        "placements": "placement_placement p WHERE p.agency_id = k.subject_id",
    },
    SubjectType.EMPLOYER: {
        "column": "employer_id",
        "name": "(SELECT e.name FROM agencies_employer e WHERE e.id = k.subject_id)",
        "name_key": "employer",
        "area": "''",
        "placements": (
            "placement_placement p JOIN recruitment_joborder j ON j.id = p.job_order_id "
            "WHERE j.employer_id = k.subject_id"
        ),
    },
}

HOTSPOT_SQL = """
        WITH counted AS (
            SELECT c.{column} AS subject_id, count(*) AS complaints
            FROM complaints_complaint c
            WHERE c.{column} IS NOT NULL AND c.status <> 'rejected'
              AND c.filed_at >= %(today)s::date - %(window_days)s::int {{ids}}
            GROUP BY c.{column}
            HAVING count(*) >= %(min_complaints)s::int
        ), rated AS (
            SELECT k.subject_id, k.complaints,
                   (SELECT count(*) FROM {placements}
                      AND p.stage <> %(stage_cancelled)s
                      AND (p.returned_on IS NULL
                           OR p.returned_on >= %(today)s::date - %(window_days)s::int)
                   ) AS placements
            FROM counted k
        )
        SELECT k.subject_id, {area} AS area_code,
               jsonb_build_object(
                   '{name_key}', {name},
                   'complaints', k.complaints,
                   'placements', k.placements,
                   'rate', CASE WHEN k.placements > 0 THEN round(k.complaints * 100.0 / k.placements, 1) END,
                   'categories', (SELECT jsonb_object_agg(category, n) FROM (
                                      SELECT c.category, count(*) AS n FROM complaints_complaint c
                                      WHERE c.{column} = k.subject_id AND c.status <> 'rejected'
                                        AND c.filed_at >= %(today)s::date - %(window_days)s::int
                                      GROUP BY c.category) by_category),
                   'since', %(today)s::date - %(window_days)s::int
               ) AS evidence
        FROM rated k
        WHERE k.placements = 0 OR k.complaints * 100.0 / k.placements > %(per_100)s::numeric
"""


def complaint_hotspot(subject: str) -> Rule:
    parts = HOTSPOT_SUBJECTS[subject]
    return Rule(
        code="COMPLAINT_HOTSPOT",
        title=_("Many complaints for the placements"),
        explanation=_(
            "Workers or their families complained about this company or employer far more often than about "
            "others, for the number of placements it has: unpaid wages, abuse or broken promises that keep "
            "coming back are a pattern, not bad luck."
        ),
        severity=Severity.MEDIUM,
        subject=subject,
        subject_column=f"c.{parts['column']}",
        sql=HOTSPOT_SQL.format(**parts),
        defaults={"window_days": 365, "min_complaints": 3, "per_100": 5},
    )


RULES: list[Rule] = [
    Rule(
        code="DEPART_INCOMPLETE",
        title=_("Departed with documents missing or expired"),
        explanation=_(
            "A worker left while a document required for departure was missing or not valid on the day. Without "
            "them the worker has no proof of a legal placement, no insurance and no contract to rely on abroad."
        ),
        severity=Severity.HIGH,
        subject=SubjectType.PLACEMENT,
        subject_column="pf.placement_id",
        reads_facts=True,
        sql="""
        WITH kinds AS (
            SELECT %(documents)s::text[] AS base,
                   %(documents)s::text[] || %(language_test_documents)s::text[] AS with_language
        ), needed AS (
            -- The kinds needed as bit sets of the facts' valid_documents; a kind outside
            -- DocumentKind (a threshold set by hand) has no bit and is always missing.
            SELECT k.base, k.with_language,
                   (SELECT COALESCE(bit_or(1::bigint << (array_position(%(document_kinds)s::text[], kind) - 1)), 0)
                    FROM unnest(k.base) kind) AS base_bits,
                   (SELECT COALESCE(bit_or(1::bigint << (array_position(%(document_kinds)s::text[], kind) - 1)), 0)
                    FROM unnest(k.with_language) kind) AS with_language_bits,
                   (SELECT COALESCE(bool_and(kind = ANY(%(document_kinds)s::text[])), TRUE)
                    FROM unnest(k.with_language) kind) AS all_known
            FROM kinds k
        ), required AS (
            SELECT pf.placement_id, pf.village_id, pf.departed_on, pf.valid_documents,
                   CASE WHEN c.requires_language_test THEN n.with_language ELSE n.base END AS needed
            FROM {facts} pf
            JOIN recruitment_joborder j ON j.id = pf.job_order_id
            JOIN recruitment_country c ON c.code = j.country_id
            CROSS JOIN needed n
            WHERE pf.stage = ANY(%(departed_stages)s) AND pf.departed_on IS NOT NULL {ids}
              AND (NOT n.all_known
                   OR pf.valid_documents & CASE WHEN c.requires_language_test THEN n.with_language_bits
                                                ELSE n.base_bits END
                      <> CASE WHEN c.requires_language_test THEN n.with_language_bits ELSE n.base_bits END)
        ), judged AS (
            SELECT r.placement_id, r.village_id, r.departed_on,
                   ARRAY(SELECT DISTINCT kind FROM unnest(r.needed) kind
                         WHERE COALESCE(r.valid_documents
                                        & (1::bigint << (array_position(%(document_kinds)s::text[], kind) - 1)), 0) = 0
                         ORDER BY 1) AS missing
            FROM required r
        )
        SELECT placement_id AS subject_id, village_id AS area_code,
               jsonb_build_object('departed_on', departed_on, 'missing', missing) AS evidence
        FROM judged WHERE cardinality(missing) > 0
        """,
        defaults={"documents": [str(kind.value) for kind in DEPARTURE_DOCUMENTS]},
    ),
    Rule(
        code="STAGE_SKIPPED",
        title=_("A stage was skipped"),
        explanation=_(
            "The placement reached a later stage with no record of an earlier one, so checks that stage exists for "
            "(medical, training, agreement) may never have happened."
        ),
        severity=Severity.HIGH,
        subject=SubjectType.PLACEMENT,
        subject_column="pf.placement_id",
        reads_facts=True,
        sql="""
        SELECT pf.placement_id AS subject_id, pf.village_id AS area_code,
               jsonb_build_object('stage', pf.stage, 'missing_stages',
                   ARRAY(SELECT stage FROM generate_series(%(stage_registered)s, pf.stage) stage
                         WHERE pf.reached_stages & (1::bigint << stage) = 0 ORDER BY 1)) AS evidence
        FROM {facts} pf
        CROSS JOIN LATERAL (SELECT (1::bigint << (pf.stage + 1)) - (1::bigint << %(stage_registered)s) AS bits) needed
        WHERE pf.stage = ANY(%(selected_or_later_stages)s) {ids}
          AND pf.reached_stages & needed.bits <> needed.bits
        """,
    ),
    Rule(
        code="LICENCE_INACTIVE",
        title=_("Company working without an active licence"),
        explanation=_(
            "A company whose licence is expired, suspended or revoked still has placements moving or job orders "
            "open. Anything it recruits now is outside the procedure."
        ),
        severity=Severity.HIGH,
        subject=SubjectType.AGENCY,
        subject_column="a.id",
        sql="""
        SELECT a.id AS subject_id, COALESCE(a.head_office_regency_id, '') AS area_code,
               jsonb_build_object('licence_status', a.licence_status, 'licence_expires_on', a.licence_expires_on,
                                  'moving_placements', pl.n, 'open_job_orders', jo.n) AS evidence
        FROM agencies_agency a
        CROSS JOIN LATERAL (SELECT count(*) AS n FROM placement_placement p
                            WHERE p.agency_id = a.id AND p.stage = ANY(%(moving_stages)s)) pl
        CROSS JOIN LATERAL (SELECT count(*) AS n FROM recruitment_joborder j
                            WHERE j.agency_id = a.id AND j.status IN ('submitted', 'verified', 'published')) jo
        WHERE a.licence_status <> 'active' AND (pl.n > 0 OR jo.n > 0) {ids}
        """,
    ),
    Rule(
        code="JOB_ORDER_UNVERIFIED",
        title=_("Placements on a job order the mission has not verified"),
        explanation=_(
            "The Indonesian mission abroad has not verified this job order or its employer, yet workers are being "
            "placed on it. The job may not exist or may differ from what was promised."
        ),
        severity=Severity.HIGH,
        subject=SubjectType.JOB_ORDER,
        subject_column="j.id",
        sql="""
        SELECT j.id AS subject_id, COALESCE(a.head_office_regency_id, '') AS area_code,
               jsonb_build_object('status', j.status, 'placements', count(p.id)) AS evidence
        FROM recruitment_joborder j
        JOIN agencies_agency a ON a.id = j.agency_id
        JOIN placement_placement p ON p.job_order_id = j.id AND p.stage <> %(stage_cancelled)s
        WHERE j.status NOT IN ('verified', 'published', 'closed') {ids}
        GROUP BY j.id, a.head_office_regency_id
        """,
    ),
    Rule(
        code="QUOTA_EXCEEDED",
        title=_("More workers than the quota allows"),
        explanation=_("More workers were selected or departed on this job order than its quota or permits allow."),
        severity=Severity.MEDIUM,
        subject=SubjectType.JOB_ORDER,
        subject_column="j.id",
        sql="""
        SELECT j.id AS subject_id, COALESCE(a.head_office_regency_id, '') AS area_code,
               jsonb_build_object('quota', j.quota, 'selected_or_later', count(p.id)) AS evidence
        FROM recruitment_joborder j
        JOIN agencies_agency a ON a.id = j.agency_id
        JOIN placement_placement p ON p.job_order_id = j.id AND p.stage = ANY(%(selected_or_later_stages)s)
        WHERE TRUE {ids}
        GROUP BY j.id, a.head_office_regency_id
        HAVING count(p.id) > j.quota
        """,
    ),
    Rule(
        code="OUTSIDE_PERMIT_REGION",
        title=_("Recruited outside the permit's regions"),
        explanation=_(
            "The worker lives in a regency the recruitment permit (SIP2MI) does not cover: the company recruited "
            "where it had no permission to."
        ),
        severity=Severity.MEDIUM,
        subject=SubjectType.PLACEMENT,
        subject_column="pf.placement_id",
        reads_facts=True,
        sql="""
        SELECT pf.placement_id AS subject_id, pf.village_id AS area_code,
               jsonb_build_object('worker_regency', left(pf.village_id, 5), 'job_order', pf.job_order_id) AS evidence
        FROM {facts} pf
        WHERE pf.stage = ANY(%(selected_or_later_stages)s) AND NOT pf.permit_covers {ids}
        """,
    ),
    Rule(
        code="UNDERAGE",
        title=_("Under 18"),
        explanation=_(
            "The law sets the minimum age at 18. A younger worker was registered or departed, judged by the "
            "recorded birth date or by the one the NIK encodes."
        ),
        severity=Severity.HIGH,
        subject=SubjectType.WORKER,
        subject_column="w.id",
        sql="""
        SELECT w.id AS subject_id, w.village_id AS area_code,
               jsonb_build_object('birth_date', w.birth_date, 'nik_birth_date', w.nik_birth_date,
                                  'placement', min(p.id), 'departed_on', min(p.departed_on),
                                  'registered_on', min(p.created_at)::date) AS evidence
        FROM recruitment_worker w
        JOIN placement_placement p ON p.worker_id = w.id AND p.stage <> %(stage_cancelled)s
        CROSS JOIN LATERAL (SELECT LEAST(p.departed_on, p.created_at::date) AS day) checked
        WHERE (age(checked.day, w.birth_date) < interval '18 years'
               OR age(checked.day, w.nik_birth_date) < interval '18 years') {ids}
        GROUP BY w.id
        """,
    ),
    Rule(
        code="NIK_MISMATCH",
        title=_("NIK contradicts the record"),
        explanation=_(
            "The birth date or sex encoded in the NIK differs from what was recorded: a sign of a borrowed or "
            "forged identity, often used to pass a minor off as an adult."
        ),
        severity=Severity.MEDIUM,
        subject=SubjectType.WORKER,
        subject_column="w.id",
        sql="""
        SELECT w.id AS subject_id, w.village_id AS area_code,
               jsonb_build_object('recorded_birth_date', w.birth_date, 'nik_birth_date', w.nik_birth_date,
                                  'recorded_sex', w.sex, 'nik_sex', w.nik_sex) AS evidence
        FROM recruitment_worker w
        WHERE (w.nik_birth_date IS DISTINCT FROM w.birth_date OR w.nik_sex <> w.sex) {ids}
        """,
    ),
    Rule(
        code="DUPLICATE_IDENTITY",
        title=_("The same person registered twice"),
        explanation=_(
            "Two records share a birth date and village and have nearly the same name but different NIKs: one "
            "person with two identities, a way around checks and bans."
        ),
        severity=Severity.MEDIUM,
        subject=SubjectType.WORKER,
        subject_column="w.id",
        sql="""
        SELECT w.id AS subject_id, w.village_id AS area_code,
               jsonb_build_object('other_worker', min(o.id), 'name', w.full_name, 'other_name', min(o.full_name),
                                  'birth_date', w.birth_date, 'similarity',
                                  round(max(similarity(lower(w.full_name), lower(o.full_name)))::numeric, 2))
                   AS evidence
        FROM recruitment_worker w
        JOIN recruitment_worker o ON o.village_id = w.village_id AND o.birth_date = w.birth_date AND o.id <> w.id
                                 AND o.nik_hash <> w.nik_hash
        WHERE similarity(lower(w.full_name), lower(o.full_name)) >= %(name_similarity)s {ids}
        GROUP BY w.id
        """,
        defaults={"name_similarity": 0.6},
    ),
    Rule(
        code="MORATORIUM",
        title=_("Destination under a moratorium"),
        explanation=_(
            "Placements to this country in this sector are stopped by ministerial decree (e.g. domestic work for "
            "individual employers in the Middle East). Workers sent there have no protection at all."
        ),
        severity=Severity.HIGH,
        subject=SubjectType.JOB_ORDER,
        subject_column="j.id",
        sql="""
        SELECT j.id AS subject_id, COALESCE(a.head_office_regency_id, '') AS area_code,
               jsonb_build_object('country', j.country_id, 'sector', j.sector, 'legal_basis', min(m.legal_basis),
                                  'status', j.status) AS evidence
        FROM recruitment_joborder j
        JOIN agencies_agency a ON a.id = j.agency_id
        JOIN recruitment_moratorium m ON m.country_id = j.country_id AND m.sector = j.sector
             AND m.starts_on <= %(today)s::date AND (m.ends_on IS NULL OR m.ends_on >= %(today)s::date)
        WHERE j.status IN ('submitted', 'verified', 'published') {ids}
        GROUP BY j.id, a.head_office_regency_id
        """,
    ),
    Rule(
        code="ZERO_COST_CHARGED",
        title=_("Charged for a zero-cost occupation"),
        explanation=_(
            "For this occupation the employer pays every placement cost, yet the worker paid fees or signed to bear "
            "costs. Such debts are how debt bondage starts."
        ),
        severity=Severity.HIGH,
        subject=SubjectType.PLACEMENT,
        subject_column="pf.placement_id",
        reads_facts=True,
        sql="""
        SELECT pf.placement_id AS subject_id, pf.village_id AS area_code,
               jsonb_build_object('occupation', o.name, 'agreement_costs', pf.agreement_worker_costs,
                                  'fees_paid', COALESCE(pf.fees_total, 0)) AS evidence
        FROM {facts} pf
        JOIN recruitment_joborder j ON j.id = pf.job_order_id
        JOIN recruitment_occupation o ON o.code = j.occupation_id AND o.zero_cost
        WHERE (COALESCE(pf.agreement_worker_costs, 0) > 0 OR COALESCE(pf.fees_total, 0) > 0) {ids}
        """,
    ),
    Rule(
        code="EXCESSIVE_FEES",
        title=_("Fees above the cap"),
        explanation=_("The costs put on the worker exceed the cap set for the destination country."),
        severity=Severity.MEDIUM,
        subject=SubjectType.PLACEMENT,
        subject_column="pf.placement_id",
        reads_facts=True,
        sql="""
        SELECT pf.placement_id AS subject_id, pf.village_id AS area_code,
               jsonb_build_object('country', c.code, 'cap', c.worker_cost_cap_idr, 'borne_by_worker',
                                  COALESCE(pf.agreement_worker_costs, 0) + COALESCE(pf.fees_total, 0)) AS evidence
        FROM {facts} pf
        JOIN recruitment_joborder j ON j.id = pf.job_order_id
        JOIN recruitment_country c ON c.code = j.country_id AND c.worker_cost_cap_idr IS NOT NULL
        WHERE COALESCE(pf.agreement_worker_costs, 0) + COALESCE(pf.fees_total, 0) > c.worker_cost_cap_idr {ids}
        """,
    ),
    Rule(
        code="SALARY_BELOW_ORDER",
        title=_("Contract salary below the job order"),
        explanation=_("The employment contract pays less than the verified job order promised."),
        severity=Severity.MEDIUM,
        subject=SubjectType.PLACEMENT,
        subject_column="pf.placement_id",
        reads_facts=True,
        sql="""
        SELECT pf.placement_id AS subject_id, pf.village_id AS area_code,
               jsonb_build_object('contract_salary', pf.contract_salary, 'job_order_salary', j.salary,
                                  'currency', j.currency) AS evidence
        FROM {facts} pf
        JOIN recruitment_joborder j ON j.id = pf.job_order_id
        WHERE pf.contract_salary < j.salary AND pf.stage <> %(stage_cancelled)s {ids}
        """,
    ),
    Rule(
        code="WRONG_VISA",
        title=_("Departed on a visit visa"),
        explanation=_(
            "The worker left on a visit, tourist or pilgrimage visa instead of a work visa: working abroad on it is "
            "illegal, and it is the classic route of trafficking."
        ),
        severity=Severity.HIGH,
        subject=SubjectType.PLACEMENT,
        subject_column="pf.placement_id",
        reads_facts=True,
        sql="""
        SELECT pf.placement_id AS subject_id, pf.village_id AS area_code,
               jsonb_build_object('departed_on', pf.departed_on, 'visa', %(document_visit_visa)s::text) AS evidence
        FROM {facts} pf
        WHERE pf.stage = ANY(%(departed_stages)s) {ids}
          AND pf.valid_documents
              & (1::bigint << (array_position(%(document_kinds)s::text[], %(document_visit_visa)s::text) - 1)) <> 0
          AND pf.valid_documents
              & (1::bigint << (array_position(%(document_kinds)s::text[], %(document_work_visa)s::text) - 1)) = 0
        """,
    ),
    Rule(
        code="UNOFFICIAL_EXIT",
        title=_("Left through an unofficial crossing"),
        explanation=_(
            "The departure point is not an official embarkation point for migrant workers (a jalur tikus): no "
            "immigration or BP3MI desk saw the worker leave."
        ),
        severity=Severity.HIGH,
        subject=SubjectType.PLACEMENT,
        subject_column="pf.placement_id",
        reads_facts=True,
        sql="""
        SELECT pf.placement_id AS subject_id, pf.village_id AS area_code,
               jsonb_build_object('departed_on', pf.departed_on, 'point', e.name) AS evidence
        FROM {facts} pf
        JOIN placement_embarkationpoint e ON e.code = pf.embarkation_point_id AND NOT e.official
        WHERE pf.stage = ANY(%(departed_stages)s) {ids}
        """,
    ),
    Rule(
        code="RECRUITER_UNREGISTERED",
        title=_("Recruiter not registered to a licensed company"),
        explanation=_(
            "A field recruiter linked to workers belongs to no company with an active licence: an unlicensed "
            "broker (calo)."
        ),
        severity=Severity.HIGH,
        subject=SubjectType.RECRUITER,
        subject_column="r.id",
        sql="""
        SELECT r.id AS subject_id, COALESCE(r.village_id, '') AS area_code,
               jsonb_build_object('name', r.full_name, 'company', a.name, 'licence_status', a.licence_status,
                                  'workers', count(DISTINCT ap.worker_id)) AS evidence
        FROM agencies_fieldrecruiter r
        LEFT JOIN agencies_agency a ON a.id = r.agency_id
        JOIN recruitment_application ap ON ap.recruiter_id = r.id
        WHERE (a.id IS NULL OR a.licence_status <> 'active') {ids}
        GROUP BY r.id, a.name, a.licence_status
        """,
    ),
    Rule(
        code="RECRUITER_CLUSTER",
        title=_("One recruiter, many workers, many villages"),
        explanation=_(
            "One recruiter brought many workers from several villages or to several companies in a short time: the "
            "pattern of a broker filling job orders with people from across a region."
        ),
        severity=Severity.MEDIUM,
        subject=SubjectType.RECRUITER,
        subject_column="r.id",
        sql="""
        SELECT r.id AS subject_id, COALESCE(r.village_id, '') AS area_code,
               jsonb_build_object('name', r.full_name, 'workers', count(DISTINCT ap.worker_id),
                                  'women', count(DISTINCT ap.worker_id) FILTER (WHERE w.sex = 'F'),
                                  'villages', count(DISTINCT w.village_id),
                                  'companies', count(DISTINCT j.agency_id), 'window_days', %(window_days)s::int)
                   AS evidence
        FROM agencies_fieldrecruiter r
        JOIN recruitment_application ap ON ap.recruiter_id = r.id
             AND ap.applied_on >= %(today)s::date - %(window_days)s::int
        JOIN recruitment_worker w ON w.id = ap.worker_id
        JOIN recruitment_joborder j ON j.id = ap.job_order_id
        WHERE TRUE {ids}
        GROUP BY r.id
        HAVING count(DISTINCT ap.worker_id) >= %(min_workers)s
           AND (count(DISTINCT w.village_id) >= %(min_villages)s OR count(DISTINCT j.agency_id) >= %(min_companies)s)
        """,
        defaults={"window_days": 30, "min_workers": 10, "min_villages": 3, "min_companies": 2},
    ),
    Rule(
        code="BROKER_REPORTED",
        title=_("Broker reported by villages"),
        explanation=_(
            "Village officers reported someone recruiting people to work abroad. Either no recruiter registered to "
            "a licensed company has the phone numbers or the name they gave, which makes this person an "
            "unlicensed broker (calo), or a registered recruiter was reported again and again. Brokers take fees, "
            "forge papers and send people out through unofficial routes, where no one protects them."
        ),
        severity=Severity.HIGH,
        subject=SubjectType.VILLAGE_REPORT,
        subject_column="r.id",
        ids_condition=f"""AND (r.id = ANY(%(ids)s) OR r.id IN (
            SELECT (named->>'id')::bigint FROM ({BROKER_FLAGS_NAMING_IDS}) flagged
            CROSS JOIN jsonb_array_elements(flagged.evidence->'reports') named))""",
        recheck_scope=BROKER_GROUPS
        + f"""
        SELECT id FROM reach
        UNION SELECT unnest(%(ids)s::bigint[])
        UNION SELECT subject_id FROM ({BROKER_FLAGS_NAMING_IDS}) flagged""",
        sql=BROKER_GROUPS
        + """,
    matched AS (
        SELECT DISTINCT ON (m.group_id) m.group_id, fr.full_name, a.name AS company, a.licence_status
        FROM members m
        JOIN own_keys k ON k.id = m.id
        JOIN recruiter_keys rk ON rk.key = k.key
        JOIN agencies_fieldrecruiter fr ON fr.id = rk.recruiter_id
        JOIN agencies_agency a ON a.id = fr.agency_id
        ORDER BY m.group_id, a.licence_status = 'active' DESC, fr.id
    ), groups AS (
        SELECT m.group_id, (array_agg(r.village_id ORDER BY r.id))[1] AS village_id, count(*) AS report_count,
               jsonb_agg(jsonb_build_object('id', r.id, 'village', r.village_id, 'village_name', v.name,
                                            'date', r.occurred_on) ORDER BY r.occurred_on, r.id) AS reports,
               count(DISTINCT r.village_id) AS villages,
               array_remove(array_agg(DISTINCT NULLIF(btrim(r.broker_name), '')), NULL) AS names,
               array_remove(array_agg(DISTINCT NULLIF(btrim(r.broker_nickname), '')), NULL) AS nicknames,
               array_remove(array_agg(DISTINCT NULLIF(btrim(r.claimed_company), '')), NULL) AS claimed_companies,
               string_agg(array_to_string(r.broker_phones, ','), ',') AS phones
        FROM members m
        JOIN villages_villagereport r ON r.id = m.id
        JOIN villages_village v ON v.code = r.village_id
        GROUP BY m.group_id
    )
    SELECT g.group_id AS subject_id, g.village_id AS area_code,
           jsonb_build_object(
               'report_count', g.report_count, 'reports', g.reports, 'villages', g.villages, 'names', g.names,
               'nicknames', g.nicknames, 'claimed_companies', g.claimed_companies,
               'phones', ARRAY(SELECT DISTINCT phone FROM unnest(string_to_array(g.phones, ',')) AS phone
                               WHERE phone <> '' ORDER BY phone),
               'recruiter', CASE WHEN mt.group_id IS NOT NULL
                                 THEN jsonb_build_object('name', mt.full_name, 'company', mt.company,
                                                         'licence_status', mt.licence_status) END
           ) AS evidence
    FROM groups g
    LEFT JOIN matched mt ON mt.group_id = g.group_id
    WHERE mt.licence_status IS DISTINCT FROM 'active' OR g.report_count >= %(min_reports)s::int
    """,
        defaults={"min_reports": 2},
    ),
    Rule(
        code="VILLAGE_DEPARTURE_UNMATCHED",
        title=_("Seen leaving, never recorded as departed"),
        explanation=_(
            "A village officer reported this person leaving, and no placement of theirs departed around that date: "
            "the likeliest sign of a non-procedural departure."
        ),
        severity=Severity.HIGH,
        subject=SubjectType.VILLAGE_REPORT,
        subject_column="vr.id",
        sql="""
        SELECT vr.id AS subject_id, vr.village_id AS area_code,
               jsonb_build_object('person', vr.person_name, 'seen_on', vr.occurred_on,
                                  'window_days', %(window_days)s::int,
                                  'sources', 1 + (SELECT count(*) FROM villages_villagereport o
                                                  WHERE o.same_event_as_id = vr.id)) AS evidence
        FROM villages_villagereport vr
        WHERE vr.kind = 'departure_seen' AND vr.occurred_on <= %(today)s::date - %(grace_days)s::int {ids}
          AND vr.status <> 'closed' AND vr.same_event_as_id IS NULL  -- a second source is the same event
          -- Two lookups rather than one with an OR, which no index serves: by NIK, and by name in
          -- the village for a report without one.
          AND NOT EXISTS (
              SELECT 1 FROM placement_placement p JOIN recruitment_worker w ON w.id = p.worker_id
              WHERE p.departed_on BETWEEN vr.occurred_on - %(window_days)s::int
                                      AND vr.occurred_on + %(window_days)s::int
                AND w.nik_hash = vr.person_nik_hash)
          AND NOT (vr.person_nik_hash = '' AND EXISTS (
              SELECT 1 FROM placement_placement p JOIN recruitment_worker w ON w.id = p.worker_id
              WHERE p.departed_on BETWEEN vr.occurred_on - %(window_days)s::int
                                      AND vr.occurred_on + %(window_days)s::int
                AND w.village_id = vr.village_id AND lower(w.full_name) = lower(vr.person_name)))
        """,
        defaults={"window_days": 14, "grace_days": 7},
    ),
    Rule(
        code="STALLED",
        title=_("Stuck in one stage"),
        explanation=_(
            "The placement has stayed in one stage far longer than usual. Months in training can mean the worker is "
            "being held in a shelter (penampungan)."
        ),
        severity=Severity.LOW,
        subject=SubjectType.PLACEMENT,
        subject_column="pf.placement_id",
        reads_facts=True,
        sql="""
        SELECT pf.placement_id AS subject_id, pf.village_id AS area_code,
               jsonb_build_object('stage', pf.stage, 'since', pf.stage_changed_at::date,
                                  'days', (%(today)s::date - pf.stage_changed_at::date)) AS evidence
        FROM {facts} pf
        WHERE pf.stage = ANY(%(pre_departure_stages)s) {ids}
          AND pf.stage_changed_at < %(now)s::timestamptz - make_interval(days => CASE WHEN pf.stage = %(stage_training)s
                                                                                 THEN %(training_days)s::int
                                                                                 ELSE %(default_days)s::int END)
        """,
        defaults={"default_days": 120, "training_days": 180},
    ),
    Rule(
        code="NO_ARRIVAL_REPORT",
        title=_("No arrival report"),
        explanation=_(
            "The worker departed and has not reported to the Indonesian mission (lapor diri) long after: nobody "
            "abroad knows where they are."
        ),
        severity=Severity.MEDIUM,
        subject=SubjectType.PLACEMENT,
        subject_column="pf.placement_id",
        reads_facts=True,
        sql="""
        SELECT pf.placement_id AS subject_id, pf.village_id AS area_code,
               jsonb_build_object('departed_on', pf.departed_on, 'days', %(today)s::date - pf.departed_on) AS evidence
        FROM {facts} pf
        WHERE pf.stage = %(stage_departed)s AND pf.departed_on < %(today)s::date - %(days)s::int {ids}
        """,
        defaults={"days": 30},
    ),
    Rule(
        code="EMPLOYER_EARLY_RETURNS",
        title=_("Employer with many early returns or deaths"),
        explanation=_(
            "Many of this employer's workers came home early, were deported or died: a sign of abuse or dangerous work."
        ),
        severity=Severity.HIGH,
        subject=SubjectType.EMPLOYER,
        subject_column="e.id",
        sql="""
        SELECT e.id AS subject_id, '' AS area_code,
               jsonb_build_object('employer', e.name, 'country', e.country_id,
                                  'early_terminations', count(*) FILTER (WHERE p.return_reason = 'early_termination'),
                                  'deportations', count(*) FILTER (WHERE p.return_reason = 'deportation'),
                                  'deaths', count(*) FILTER (WHERE p.return_reason = 'death'),
                                  'since', %(today)s::date - %(window_days)s::int) AS evidence
        FROM agencies_employer e
        JOIN recruitment_joborder j ON j.employer_id = e.id
        JOIN placement_placement p ON p.job_order_id = j.id AND p.stage = %(stage_returned)s
             AND p.return_reason IN ('early_termination', 'deportation', 'death')
             AND p.returned_on >= %(today)s::date - %(window_days)s::int
        WHERE TRUE {ids}
        GROUP BY e.id
        HAVING count(*) >= %(min_returns)s OR count(*) FILTER (WHERE p.return_reason = 'death') >= %(min_deaths)s
        """,
        defaults={"window_days": 365, "min_returns": 3, "min_deaths": 2},
    ),
    *(complaint_hotspot(subject) for subject in (SubjectType.AGENCY, SubjectType.EMPLOYER)),
]

RULES_BY_CODE = {rule.code: rule for rule in RULES}
