"""What each role may do, as named capabilities: the one place views, services, navigation and
templates ask (``{% if caps.may_triage %}`` through the navigation context processor, ``may_triage(user)``
in Python).

A user without a role, or inactive, may do nothing: every capability starts from
:func:`_role`, which answers None for them.
"""

from __future__ import annotations

from .roles import AGENCY_ROLES, NATIONAL_ROLES, OFFICIAL_ROLES, Role

# Who sees red flags and supervises companies: officials of every level and the national
# oversight roles; not companies, not village officers.
SUPERVISOR_ROLES = OFFICIAL_ROLES | NATIONAL_ROLES | {Role.COMPLAINT_OFFICER}
# Who decides on a red flag (review, confirm, dismiss).
TRIAGE_ROLES = OFFICIAL_ROLES | {Role.SYSTEM_ADMIN}
# The ministry accredits companies: it sanctions them, reinstates them, runs national scans
# and refreshes the national figures.
MINISTRY_ROLES = frozenset({Role.MINISTRY_OFFICIAL, Role.SYSTEM_ADMIN})
# Who records the mission's verification of a job order: the mission itself (for its countries)
# and the ministry on the mission's written word.
JOB_ORDER_VERIFIER_ROLES = MINISTRY_ROLES | {Role.MISSION_OFFICER}
# Who issues recruitment permits (SIP2MI): the ministry and the provinces.
PERMIT_ISSUER_ROLES = frozenset({Role.MINISTRY_OFFICIAL, Role.PROVINCE_OFFICIAL, Role.SYSTEM_ADMIN})


def _role(user) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.role or None


def is_agency_user(user) -> bool:
    return _role(user) in AGENCY_ROLES


def may_supervise_companies(user) -> bool:
    """See the list of companies, their licences, sanctions and flags."""
    return _role(user) in SUPERVISOR_ROLES


def may_see_flags(user) -> bool:
    """See red flags (the queue, a flag, the flags on a worker's or company's page)."""
    return _role(user) in SUPERVISOR_ROLES


def may_triage(user) -> bool:
    """Take, review, confirm or dismiss a red flag."""
    return _role(user) in TRIAGE_ROLES


def may_scan(user) -> bool:
    """Start a full red-flag scan of the whole country."""
    return _role(user) in MINISTRY_ROLES


def may_sanction(user) -> bool:
    """Suspend, revoke or reinstate a company's licence."""
    return _role(user) in MINISTRY_ROLES


def may_act_for_company(user, agency_id: int | None) -> bool:
    """Record a company's job orders and applications: its own staff, or the ministry acting for it."""
    role = _role(user)
    if role in MINISTRY_ROLES:
        return True
    return role in AGENCY_ROLES and agency_id is not None and user.agency_id == agency_id


def may_record_placement_step(user, agency_id: int | None) -> bool:
    """Record a step of a placement (a stage, a document, a fee, the departure, the return): the
    company that holds it, or an official (the regency's one-stop office, the province's
    pre-departure orientation, the ministry). Village officers, auditors and other companies may not."""
    return may_act_for_company(user, agency_id) or _role(user) in OFFICIAL_ROLES


def may_print_epmi_card(user, agency_id: int | None) -> bool:
    """Print a placement's E-PMI card with its QR check link: the company that holds the placement,
    or an official (the regency's one-stop office, the province, the ministry)."""
    return may_act_for_company(user, agency_id) or _role(user) in OFFICIAL_ROLES


def is_official(user) -> bool:
    """An official of the ministry, a province or a regency: what they record about a case is their
    finding (a fee found through a complaint is evidence, never refused as an illegal charge)."""
    return _role(user) in OFFICIAL_ROLES


def is_mission_officer(user) -> bool:
    return _role(user) == Role.MISSION_OFFICER


def _mission_covers(user, country_id: str | None) -> bool:
    return country_id is not None and country_id in user.scope.country_codes


def may_verify_documents(user) -> bool:
    """Check a placement document against its scan and mark it verified: an official (the regency's
    one-stop office, the province, the ministry), never the company that uploaded it."""
    return is_official(user)


def may_verify_job_orders(user) -> bool:
    """See the verification queue and record the mission's verification or rejection of job orders."""
    return _role(user) in JOB_ORDER_VERIFIER_ROLES


def may_verify_job_order(user, country_id: str | None) -> bool:
    """Verify or reject this job order: a mission officer only for the mission's own countries."""
    role = _role(user)
    if role == Role.MISSION_OFFICER:
        return _mission_covers(user, country_id)
    return role in MINISTRY_ROLES


def may_record_arrival(user, agency_id: int | None, country_id: str | None) -> bool:
    """Record or confirm a worker's arrival report (lapor diri): the placement's company, an
    official, or the mission of the destination country."""
    if _role(user) == Role.MISSION_OFFICER:
        return _mission_covers(user, country_id)
    return may_record_placement_step(user, agency_id)


def may_issue_permits(user) -> bool:
    """Issue a recruitment permit (SIP2MI) for a verified job order."""
    return _role(user) in PERMIT_ISSUER_ROLES


def may_register_people(user) -> bool:
    """Put people on the national registry: a company's staff (for their company, with the
    candidate's consent), a regency official (the LTSA/Disnaker counter, for people living in the
    regency) and the ministry, on the registry's page. A village officer registers a person of
    the village through the village's intent form instead, with the family's consent."""
    role = _role(user)
    if role in AGENCY_ROLES:
        return user.agency_id is not None
    return role in MINISTRY_ROLES or role == Role.REGENCY_OFFICIAL


def may_register_person(user, *, agency_id: int | None, village_code: str | None) -> bool:
    """Register this person: for a company, its own staff or the ministry acting for it; without a
    company, a regency official for a person living in the regency, a village officer for a person
    of the village, or the ministry."""
    if agency_id is not None:
        return may_act_for_company(user, agency_id)
    role = _role(user)
    if role == Role.VILLAGE_OFFICER:
        return bool(user.village_id and village_code == user.village_id)
    if role == Role.REGENCY_OFFICIAL:
        regency = user.regency_id
        return bool(regency and village_code and village_code.startswith(regency + "."))
    return role in MINISTRY_ROLES


def may_report_for_village(user, village_code: str | None) -> bool:
    """Record or edit what the village saw (intent, departure, return, death, a broker): the
    officers of that village only."""
    return _role(user) == Role.VILLAGE_OFFICER and bool(user.village_id) and user.village_id == village_code


def is_village_officer(user) -> bool:
    return _role(user) == Role.VILLAGE_OFFICER and bool(user.village_id)


def may_see_village_reports(user) -> bool:
    """Read village reports (of one's own jurisdiction): officials, the national oversight roles,
    complaint officers and the village's own officers; not companies, not missions."""
    return _role(user) in SUPERVISOR_ROLES or is_village_officer(user)


def may_close_village_reports(user) -> bool:
    """Close a village report once it is dealt with, or reopen it: officials of its area."""
    return _role(user) in OFFICIAL_ROLES


def may_handle_complaints(user) -> bool:
    """Verify, assign, refer, link, resolve or reject complaints (of one's area): complaint
    officers and officials of every level."""
    return _role(user) in OFFICIAL_ROLES | {Role.COMPLAINT_OFFICER}


def may_take_hotline_calls(user) -> bool:
    """Enter a complaint taken by telephone: complaint officers and officials."""
    return may_handle_complaints(user)


def may_see_complainants(user) -> bool:
    """See who filed a complaint (name, phone, e-mail): complaint officers only; officials see
    the complaint without them, exports mask them."""
    return _role(user) == Role.COMPLAINT_OFFICER


def may_refresh_dashboard(user) -> bool:
    return _role(user) in MINISTRY_ROLES


def may_see_dashboard(user) -> bool:
    """The dashboard is for users with an area or the whole country (not companies)."""
    role = _role(user)
    return role is not None and role not in AGENCY_ROLES | {Role.MISSION_OFFICER} and not user.scope.nothing


def may_see_full_nik(user, *, own_record: bool) -> bool:
    """See a full NIK or passport number; ``own_record``: the record is the user's company's (for a
    person: the company has registered them, with their consent; for a placement: it holds it)."""
    role = _role(user)
    if role in OFFICIAL_ROLES:
        return True
    return role in AGENCY_ROLES and user.agency_id is not None and own_record


def may_manage_api_keys(user) -> bool:
    """Create and revoke the company's API keys: its administrator."""
    return _role(user) == Role.AGENCY_ADMIN and user.agency_id is not None


def may_use_partner_api(user) -> bool:
    return _role(user) in AGENCY_ROLES and user.agency_id is not None


def may_administer(user) -> bool:
    return _role(user) == Role.SYSTEM_ADMIN


def may_maintain_reference_data(user) -> bool:
    """Change the reference facts the red-flag rules and the services read: zero-cost
    occupations, moratoria, the employers' blacklist (in the admin, through the services)."""
    return _role(user) == Role.SYSTEM_ADMIN


CAPABILITIES = {
    "may_supervise_companies": may_supervise_companies,
    "may_see_flags": may_see_flags,
    "may_triage": may_triage,
    "may_scan": may_scan,
    "may_sanction": may_sanction,
    "may_verify_job_orders": may_verify_job_orders,
    "is_mission_officer": is_mission_officer,
    "may_verify_documents": may_verify_documents,
    "may_issue_permits": may_issue_permits,
    "may_register_people": may_register_people,
    "may_refresh_dashboard": may_refresh_dashboard,
    "may_see_dashboard": may_see_dashboard,
    "may_manage_api_keys": may_manage_api_keys,
    "may_administer": may_administer,
    "may_maintain_reference_data": may_maintain_reference_data,
}


def capabilities_of(user) -> dict[str, bool]:
    """Every capability of ``user`` by name, for navigation and templates."""
    return {name: check(user) for name, check in CAPABILITIES.items()}
