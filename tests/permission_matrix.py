"""The declared permission matrix: what each persona gets from every named URL.

tests/test_permission_matrix.py requests every named URL of the root URLconf as every persona
and compares the status with the row declared here. A URL without a row fails that test, so a
new page or endpoint is never reachable by more people than someone decided.

Declaring a row, one per URL name (``namespace:name``)::

    "portal:worker_nik": POST(pk="worker").expect(403, anon=LOGIN, LOMBOK=200, COMPANY_A=200, b_admin=404),

- ``GET(...)`` or ``POST(...)``: the method (POST-only views are POSTed, empty: a refused persona
  gets 403/404, an allowed one its form again, 400 or a redirect; nothing is kept) and which record
  of the world each of the URL's keyword arguments names (the keys of ``build_world``, plus
  ``WORLD_CONSTANTS`` below).
- ``.expect(default, **overrides)``: the default status for every persona, then overrides applied
  in order, each a persona or a group (``OFFICIALS``, ``COMPANY_A``...): a later one wins.
  ``LOGIN`` is a redirect to a login page (the portal's or the admin's).
- A status that is a permission bug is not declared as it is: declare the right one, add
  ``.xfail("BUG: ...")`` and a ``# BUG:`` comment; the test fails as soon as it is fixed (strict),
  and the mark is removed then.
- ``SKIP("why")`` for a URL that cannot be requested as a page (rare: say why).
- A model registered in the admin site: a line in ``ADMIN_MODELS`` (what the system administrator
  may add or delete there) declares the rows of its five pages.

The failure message of a mismatch prints what every persona got as an ``expect(...)`` ready to
paste, once you have checked that it is what each persona should get.

Objects outside a persona's scope answer 404, not 403 (ARCHITECTURE.md, rule 3).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

LOGIN = "login"  # a redirect to the login page

# Who requests. Codes: 52 NTB, 52.03 Lombok Timur, 53.01 Kupang (NTT), 52.03.01.2001 Tanjung Luar.
PERSONAS = (
    "anon",  # not logged in
    "ministry",  # ministry official (the whole country)
    "ntb",  # province official of NTB (52)
    "lotim",  # regency official of Lombok Timur (52.03): the world is in this regency
    "kupang",  # regency official of Kupang (53.01), NTT
    "village",  # village officer of Tanjung Luar (52.03.01.2001), the world's village
    "village_kupang",  # village officer of a village of Kupang (53.01.04.2003)
    "mission_my",  # officer of KBRI Kuala Lumpur (Malaysia): the world's destination
    "mission_tw",  # officer of KDEI Taipei (Taiwan)
    "a_admin",  # administrator of company A, which owns the world
    "a_staff",  # staff of company A
    "b_admin",  # administrator of company B
    "complaints",  # complaint officer of NTB (52)
    "auditor",  # auditor (reads the whole country)
    "sysadmin",  # system administrator (staff and superuser: the admin site)
)

GROUPS = {
    "ALL": PERSONAS,
    "USERS": PERSONAS[1:],  # everyone logged in
    "OFFICIALS": ("ministry", "ntb", "lotim", "kupang"),
    "LOMBOK": ("ministry", "ntb", "lotim"),  # officials whose jurisdiction holds the world
    "NATIONAL": ("ministry", "auditor", "sysadmin"),
    "VILLAGES": ("village", "village_kupang"),
    "MISSIONS": ("mission_my", "mission_tw"),
    "COMPANY_A": ("a_admin", "a_staff"),
    "COMPANIES": ("a_admin", "a_staff", "b_admin"),
}

# Values of keyword arguments that are no record of the world (codes, slugs, names).
WORLD_CONSTANTS = {
    "area": "52.03.01.2001",  # Tanjung Luar: a village's page lists its people and reports
    "village_form": "keberangkatan",
    "export_kind": "placements",
    "register": "companies",
    "country": "MY",
    "occupation": "factory_operator",
    "embarkation_point": "LOP",
    "admin_app": "placement",
}

Status = int | str


@dataclass(frozen=True)
class Row:
    method: str = "get"
    kwargs: dict[str, str] = field(default_factory=dict)
    default: Status | None = None
    overrides: tuple[tuple[str, Status], ...] = ()
    bug: str = ""
    skip: str = ""
    personas: tuple[str, ...] = PERSONAS  # who requests it (every persona, but for the admin's model pages)

    def expect(self, default: Status | None, **overrides: Status) -> Row:
        unknown = set(overrides) - set(PERSONAS) - set(GROUPS)
        assert not unknown, f"no persona or group {sorted(unknown)}"
        return replace(self, default=default, overrides=tuple(overrides.items()))

    def xfail(self, reason: str) -> Row:
        """A known permission bug: the row declares what should be, the test is expected to fail."""
        return replace(self, bug=reason)

    def statuses(self) -> dict[str, Status | None]:
        result = dict.fromkeys(PERSONAS, self.default)
        for key, status in self.overrides:
            for persona in GROUPS.get(key, (key,)):
                result[persona] = status
        return {persona: result[persona] for persona in self.personas}


def GET(**kwargs: str) -> Row:  # noqa: N802 - reads like the method
    return Row(method="get", kwargs=kwargs)


def POST(**kwargs: str) -> Row:  # noqa: N802
    return Row(method="post", kwargs=kwargs)


def SKIP(reason: str) -> Row:  # noqa: N802
    return Row(skip=reason)


def suggest(seen: dict[str, Status]) -> str:
    """``expect(...)`` declaring ``seen`` compactly: the commonest status, then groups, then personas."""
    default = Counter(seen.values()).most_common(1)[0][0]
    current = dict.fromkeys(seen, default)
    parts = [repr(default)]
    for group, members in GROUPS.items():
        if not set(members) <= set(seen):
            continue
        statuses = {seen[persona] for persona in members}
        if len(statuses) == 1 and sum(current[persona] != seen[persona] for persona in members) >= 2:
            status = statuses.pop()
            parts.append(f"{group}={status!r}")
            current.update(dict.fromkeys(members, status))
    parts += [f"{persona}={seen[persona]!r}" for persona in seen if current[persona] != seen[persona]]
    return "expect(" + ", ".join(parts).replace("'login'", "LOGIN") + ")"


ROWS: dict[str, Row] = {
    "healthz": GET().expect(200),
    # --- accounts -------------------------------------------------------------------------
    "accounts:login": GET().expect(302, anon=200),
    "accounts:logout": POST().expect(LOGIN),
    "accounts:password_change": GET().expect(200, anon=LOGIN),
    # The second factor: the logged-in users who need none, or have it verified (every persona
    # here), are sent on to the page they came for.
    "accounts:two_factor": GET().expect(302, anon=LOGIN),
    "accounts:two_factor_setup": GET().expect(302, anon=LOGIN),
    "api_keys:list": GET().expect(403, anon=LOGIN, a_admin=200, b_admin=200),
    "api_keys:revoke": POST(pk="api_key").expect(403, anon=LOGIN, a_admin=302, b_admin=404),
    # --- portal: home, areas, people, job orders --------------------------------------------
    "portal:home": GET().expect(200, anon=LOGIN, VILLAGES=302),
    "portal:area_list": GET().expect(200, anon=LOGIN, VILLAGES=302, ntb=302, lotim=302, kupang=302, complaints=302),
    "portal:area_detail": GET(code="area").expect(200, anon=LOGIN, kupang=404, village_kupang=404),
    "portal:worker_list": GET().expect(200, anon=LOGIN),
    "portal:worker_find_by_nik": POST().expect(302, anon=LOGIN),
    "portal:worker_detail": GET(pk="worker").expect(
        200, anon=LOGIN, kupang=404, village_kupang=404, mission_tw=404, b_admin=404
    ),
    "portal:worker_nik": POST(pk="worker").expect(
        403, anon=LOGIN, LOMBOK=200, COMPANY_A=200, kupang=404, village_kupang=404, mission_tw=404, b_admin=404
    ),
    "portal:worker_register": GET().expect(
        200, anon=LOGIN, VILLAGES=403, MISSIONS=403, ntb=403, complaints=403, auditor=403
    ),
    "portal:job_order_list": GET().expect(200, anon=LOGIN),
    "portal:job_order_detail": GET(pk="job_order").expect(200, anon=LOGIN, mission_tw=404, b_admin=404),
    "portal:job_order_verify": POST(pk="job_order").expect(
        403, anon=LOGIN, ministry=302, mission_my=302, sysadmin=302, mission_tw=404, b_admin=404
    ),
    "portal:job_order_reject": POST(pk="job_order").expect(
        403, anon=LOGIN, ministry=302, mission_my=302, sysadmin=302, mission_tw=404, b_admin=404
    ),
    "portal:job_order_submit": POST(pk="job_order").expect(403, anon=LOGIN, COMPANY_A=302, mission_tw=404, b_admin=404),
    "portal:job_order_document_add": POST(pk="job_order").expect(
        403, anon=LOGIN, COMPANY_A=302, mission_tw=404, b_admin=404
    ),
    "portal:job_order_document_file": GET(pk="job_order_document").expect(200, anon=LOGIN, mission_tw=404, b_admin=404),
    "portal:job_order_publish": POST(pk="job_order").expect(
        403, anon=LOGIN, COMPANY_A=302, ministry=302, sysadmin=302, mission_tw=404, b_admin=404
    ),
    "portal:permit_apply": GET(pk="job_order").expect(
        403, anon=LOGIN, COMPANY_A=200, ministry=200, sysadmin=200, mission_tw=404, b_admin=404
    ),
    "portal:permit_queue": GET().expect(403, anon=LOGIN, ministry=200, ntb=200, sysadmin=200),
    "portal:permit_issue": POST(pk="permit").expect(403, anon=LOGIN, ministry=302, ntb=302, sysadmin=302),
    "portal:permit_refuse": POST(pk="permit").expect(403, anon=LOGIN, ministry=302, ntb=302, sysadmin=302),
    "portal:permit_revoke": POST(pk="permit").expect(403, anon=LOGIN, ministry=302, ntb=302, sysadmin=302),
    # --- portal: placements
    "portal:placement_detail": GET(pk="placement").expect(
        200, anon=LOGIN, kupang=404, village_kupang=404, mission_tw=404, b_admin=404
    ),
    "portal:placement_card": GET(pk="placement").expect(
        403,
        anon=LOGIN,
        LOMBOK=200,
        COMPANY_A=200,
        sysadmin=200,
        kupang=404,
        village_kupang=404,
        mission_tw=404,
        b_admin=404,
    ),  # fmt: skip
    "portal:placement_fee_add": POST(pk="placement").expect(
        403,
        anon=LOGIN,
        LOMBOK=200,
        COMPANY_A=200,
        sysadmin=200,
        kupang=404,
        village_kupang=404,
        mission_tw=404,
        b_admin=404,
    ),
    "portal:placement_arrive": POST(pk="placement").expect(
        403,
        anon=LOGIN,
        LOMBOK=302,
        COMPANY_A=302,
        mission_my=302,
        sysadmin=302,
        kupang=404,
        village_kupang=404,
        mission_tw=404,
        b_admin=404,
    ),
    "portal:placement_confirm_arrival": POST(pk="placement").expect(
        403, anon=LOGIN, mission_my=302, kupang=404, village_kupang=404, mission_tw=404, b_admin=404
    ),
    "portal:document_verify": POST(pk="document").expect(
        403, anon=LOGIN, LOMBOK=302, kupang=404, village_kupang=404, mission_tw=404, b_admin=404
    ),
    "placement:placement_list": GET().expect(200, anon=LOGIN),
    # The world's document is a passport scan, which shows the number in full: only who may see a
    # full passport number downloads it (placement.choices.IDENTITY_DOCUMENTS).
    "placement:document_file": GET(pk="document").expect(
        403, anon=LOGIN, LOMBOK=200, COMPANY_A=200, kupang=404, village_kupang=404, mission_tw=404, b_admin=404
    ),
    # --- portal: companies and missions
    "portal:agency_list": GET().expect(200, anon=LOGIN, VILLAGES=403, MISSIONS=403, COMPANIES=403),
    "portal:agency_detail": GET(pk="agency").expect(200, anon=LOGIN, VILLAGES=403, MISSIONS=403, COMPANIES=403),
    "portal:agency_sanction": POST(pk="agency").expect(403, anon=LOGIN, ministry=200, sysadmin=200),
    "portal:agency_reinstate": POST(pk="agency").expect(403, anon=LOGIN, ministry=200, sysadmin=200),
    "portal:mission_queue": GET().expect(403, anon=LOGIN, MISSIONS=200, ministry=200, sysadmin=200),
    "portal:mission_arrivals": GET().expect(403, anon=LOGIN, MISSIONS=200, ministry=200, sysadmin=200),
    # --- portal: the village and its reports
    "portal:village_home": GET().expect(403, anon=LOGIN, VILLAGES=200),
    "portal:village_report_new": GET(slug="village_form").expect(403, anon=LOGIN, VILLAGES=200),
    "portal:village_report_edit": GET(pk="village_report").expect(403, anon=LOGIN, village=200, village_kupang=404),
    "portal:village_service_worker": GET().expect(200),
    "portal:village_manifest": GET().expect(200),
    "portal:village_outbox": GET().expect(403, anon=LOGIN, VILLAGES=200),
    "portal:village_report_list": GET().expect(200, anon=LOGIN, MISSIONS=403, COMPANIES=403),
    "portal:village_report_detail": GET(pk="village_report").expect(
        200, anon=LOGIN, MISSIONS=403, COMPANIES=403, kupang=404, village_kupang=404
    ),
    "portal:village_report_close": POST(pk="village_report").expect(
        403, anon=LOGIN, LOMBOK=400, kupang=404, village_kupang=404
    ),
    "portal:village_report_reopen": POST(pk="village_report").expect(
        403, anon=LOGIN, LOMBOK=400, kupang=404, village_kupang=404
    ),
    # --- portal: complaints
    "portal:complaint_queue": GET().expect(403, anon=LOGIN, OFFICIALS=200, complaints=200),
    "portal:complaint_hotline": GET().expect(200, anon=LOGIN, VILLAGES=403, auditor=403, sysadmin=403),
    "portal:complaint_detail": GET(pk="complaint").expect(403, anon=LOGIN, LOMBOK=200, complaints=200, kupang=404),
    "portal:complaint_transition": POST(pk="complaint").expect(403, anon=LOGIN, LOMBOK=400, complaints=400, kupang=404),
    "portal:complaint_assign": POST(pk="complaint").expect(403, anon=LOGIN, LOMBOK=400, complaints=400, kupang=404),
    "portal:complaint_refer": POST(pk="complaint").expect(403, anon=LOGIN, LOMBOK=400, complaints=400, kupang=404),
    "portal:complaint_link_search": POST(pk="complaint").expect(
        403, anon=LOGIN, LOMBOK=400, complaints=400, kupang=404
    ),
    "portal:complaint_link": POST(pk="complaint").expect(403, anon=LOGIN, LOMBOK=400, complaints=400, kupang=404),
    "portal:complaint_attachment": GET(pk="complaint_attachment").expect(
        403, anon=LOGIN, LOMBOK=200, complaints=200, kupang=404
    ),
    "portal:complaint_referrals": GET().expect(403, anon=LOGIN, MISSIONS=200, COMPANIES=200),
    "portal:complaint_referral_detail": GET(pk="referral").expect(
        403, anon=LOGIN, COMPANY_A=200, MISSIONS=404, b_admin=404
    ),
    # --- oversight, dashboard, exports ----------------------------------------------------
    "oversight:overview": GET().expect(200, anon=LOGIN, VILLAGES=403, MISSIONS=403, COMPANIES=403),
    "oversight:start_scan": POST().expect(403, anon=LOGIN, ministry=302, sysadmin=302),
    "oversight:queue": GET().expect(302, anon=LOGIN, VILLAGES=403, MISSIONS=403, COMPANIES=403),
    "oversight:bulk": POST().expect(403, anon=LOGIN, OFFICIALS=302, sysadmin=302),
    "oversight:flag_detail": GET(pk="flag").expect(
        403, anon=LOGIN, LOMBOK=200, NATIONAL=200, complaints=200, kupang=404
    ),
    "oversight:flag_assign_me": POST(pk="flag").expect(403, anon=LOGIN, LOMBOK=302, sysadmin=302, kupang=404),
    "oversight:flag_decision": POST(pk="flag").expect(403, anon=LOGIN, LOMBOK=302, sysadmin=302, kupang=404),
    # Village officers see their village's figures: "officials and village officers see their area".
    "dashboard:dashboard": GET().expect(200, anon=LOGIN, MISSIONS=403, COMPANIES=403),
    "dashboard:refresh": POST().expect(403, anon=LOGIN, ministry=302, sysadmin=302),
    "exports:list": GET().expect(200, anon=LOGIN),  # each sees their own exports only
    "exports:detail": GET(pk="export").expect(404, anon=LOGIN, ministry=200),  # the ministry's export
    "exports:progress": GET(pk="export").expect(404, anon=LOGIN, ministry=200),
    "exports:download": GET(pk="export").expect(404, anon=LOGIN),  # queued: no file yet, even for its owner
    "exports:start": POST(kind="export_kind").expect(302, anon=LOGIN),
    # --- the public (no login) --------------------------------------------------------------
    "public:complaint_new": GET().expect(200),
    "public:complaint_filed": GET().expect(302),  # nothing filed in this session: back to the form
    "public:complaint_track": GET().expect(200),
    "public:complaint_add_information": POST().expect(302),
    "public:complaint_track_close": POST().expect(302),
    "public:company_search": GET().expect(200),
    "public:company_check": GET(pk="agency").expect(200),
    "public:job_order_search": GET().expect(200),
    "public:job_order_check": GET(pk="job_order").expect(200),
    "public:job_order_print": GET(pk="job_order").expect(200),
    "public:vacancy_board": GET().expect(200),
    "public:safe_migration": GET().expect(200),
    "public:report_new": GET().expect(200),
    "public:epmi_card_check": GET(token="card_token").expect(200),
    "public:data_index": GET().expect(200),
    "public:data_openapi": GET().expect(200),
    "public:data_register": GET(name="register").expect(200),
    "set_language": POST().expect(302),
    # --- the API: companies (their keys, or a session), village officers for their reports and
    # complaints, officials for village reports; 401 without credentials ----------------------
    "api:api-root": GET().expect(403, anon=401, COMPANIES=200),
    "api:schema": GET().expect(200),
    "api:docs": GET().expect(200),
    "api:job-order-list": GET().expect(403, anon=401, COMPANIES=200),
    "api:job-order-detail": GET(pk="job_order").expect(403, anon=401, COMPANY_A=200, b_admin=404),
    "api:job-order-cancel": POST(pk="job_order").expect(403, anon=401, COMPANY_A=400, b_admin=404),
    "api:job-order-close": POST(pk="job_order").expect(403, anon=401, COMPANY_A=200, b_admin=404),
    "api:job-order-documents": GET(pk="job_order").expect(403, anon=401, COMPANY_A=200, b_admin=404),
    "api:job-order-permits": GET(pk="job_order").expect(403, anon=401, COMPANY_A=200, b_admin=404),
    "api:job-order-publish": POST(pk="job_order").expect(403, anon=401, COMPANY_A=409, b_admin=404),
    "api:job-order-submit": POST(pk="job_order").expect(403, anon=401, COMPANY_A=409, b_admin=404),
    "api:worker-list": GET().expect(403, anon=401, COMPANIES=200),
    "api:worker-search": POST().expect(403, anon=401, COMPANIES=415),  # 415: the filters go in a JSON body
    "api:worker-detail": GET(pk="worker").expect(403, anon=401, COMPANY_A=200, b_admin=404),
    "api:application-list": GET().expect(403, anon=401, COMPANIES=200),
    "api:application-search": POST().expect(403, anon=401, COMPANIES=415),
    "api:application-detail": GET(pk="application").expect(403, anon=401, COMPANY_A=200, b_admin=404),
    "api:application-decide": POST(pk="application").expect(403, anon=401, COMPANY_A=415, b_admin=404),
    "api:placement-list": GET().expect(403, anon=401, COMPANIES=200),
    "api:placement-search": POST().expect(403, anon=401, COMPANIES=200),  # this API also takes form bodies
    "api:placement-detail": GET(pk="placement").expect(403, anon=401, COMPANY_A=200, b_admin=404),
    "api:placement-advance": POST(pk="placement").expect(403, anon=401, COMPANIES=400),
    "api:placement-advance-furthest": POST(pk="placement").expect(403, anon=401, COMPANY_A=200, b_admin=404),
    "api:placement-agreement": POST(pk="placement").expect(403, anon=401, COMPANIES=400),
    "api:placement-arrive": POST(pk="placement").expect(403, anon=401, COMPANIES=400),
    "api:placement-cancel": POST(pk="placement").expect(403, anon=401, COMPANIES=400),
    "api:placement-contract": POST(pk="placement").expect(403, anon=401, COMPANIES=400),
    "api:placement-depart": POST(pk="placement").expect(403, anon=401, COMPANIES=400),
    "api:placement-departure-plan": POST(pk="placement").expect(403, anon=401, COMPANIES=400),
    "api:placement-documents": GET(pk="placement").expect(403, anon=401, COMPANY_A=200, b_admin=404),
    "api:placement-documents-batch": POST(pk="placement").expect(403, anon=401, COMPANY_A=400, b_admin=404),
    "api:placement-events": GET(pk="placement").expect(403, anon=401, COMPANY_A=200, b_admin=404),
    "api:placement-fees": GET(pk="placement").expect(403, anon=401, COMPANY_A=200, b_admin=404),
    "api:placement-return-home": POST(pk="placement").expect(403, anon=401, COMPANIES=400),
    "api:enrolment-list": GET().expect(403, anon=401, COMPANIES=200),
    "api:enrolment-search": POST().expect(403, anon=401, COMPANIES=415),
    "api:enrolment-detail": GET(pk="enrolment").expect(403, anon=401, COMPANY_A=200, b_admin=404),
    "api:country-list": GET().expect(403, anon=401, COMPANIES=200),
    "api:country-detail": GET(code="country").expect(403, anon=401, COMPANIES=200),
    "api:occupation-list": GET().expect(403, anon=401, COMPANIES=200),
    "api:occupation-detail": GET(code="occupation").expect(403, anon=401, COMPANIES=200),
    "api:training-provider-list": GET().expect(403, anon=401, COMPANIES=200),
    "api:training-provider-detail": GET(pk="training_provider").expect(403, anon=401, COMPANIES=200),
    "api:embarkation-point-list": GET().expect(403, anon=401, COMPANIES=200),
    "api:embarkation-point-detail": GET(code="embarkation_point").expect(403, anon=401, COMPANIES=200),
    "api:employer-list": GET().expect(403, anon=401, COMPANIES=200),
    "api:employer-detail": GET(pk="employer").expect(403, anon=401, COMPANIES=200),
    "api:recruiter-list": GET().expect(403, anon=401, COMPANIES=200),
    "api:recruiter-detail": GET(pk="recruiter").expect(403, anon=401, COMPANY_A=200, b_admin=404),
    "api:area-list": GET().expect(403, anon=401, COMPANIES=400),  # 400: the search needs its ?q=
    "api:village-report-list": GET().expect(200, anon=401, MISSIONS=403, COMPANIES=403),
    "api:village-report-search": POST().expect(415, anon=401, MISSIONS=403, COMPANIES=403),  # 415: JSON only
    "api:village-report-detail": GET(pk="village_report").expect(
        200, anon=401, MISSIONS=403, COMPANIES=403, kupang=404, village_kupang=404
    ),
    "api:village-complaint-list": GET().expect(403, anon=401, VILLAGES=200),
    "api:village-complaint-detail": GET(pk="village_complaint").expect(403, anon=401, village=200, village_kupang=404),
    "api:complaint-list": POST().expect(403, anon=401, COMPANIES=415),
    "api:complaint-referral-list": GET().expect(403, anon=401, COMPANIES=200),
    "api:complaint-referral-detail": GET(pk="referral").expect(403, anon=401, COMPANY_A=200, b_admin=404),
    "api:complaint-referral-answer": POST(pk="referral").expect(403, anon=401, COMPANY_A=415, b_admin=404),
    # --- the admin site: its system administrator only (a staff account) ----------------------
    "admin:index": GET().expect(LOGIN, sysadmin=200),
    "admin:login": GET().expect(200, sysadmin=302),
    "admin:logout": POST().expect(302, sysadmin=LOGIN),
    "admin:password_change": GET().expect(LOGIN, sysadmin=200),
    "admin:password_change_done": GET().expect(LOGIN, sysadmin=200),
    "admin:jsi18n": GET().expect(LOGIN, sysadmin=200),
    "admin:autocomplete": GET().expect(LOGIN, sysadmin=403),  # 403: no field named in the query
    "admin:app_list": GET(app_label="admin_app").expect(LOGIN, sysadmin=200),
    "admin:auth_user_password_change": GET(id="user").expect(LOGIN, sysadmin=200),
    "admin:view_on_site": GET(content_type_id="placement_content_type", object_id="placement").expect(
        LOGIN, sysadmin=404
    ),  # a placement has no page of its own in the admin's sense (no get_absolute_url)
    "admin:agencies_employer_blacklist": GET(object_id="employer").expect(LOGIN, sysadmin=200),
    "admin:recruitment_moratorium_end": GET(object_id="moratorium").expect(LOGIN, sysadmin=200),
    # The secret of anyone's authenticator (the key, and its QR code) is never shown, not even to the
    # system administrator, who could otherwise make any official's codes (OTP_ADMIN_HIDE_SENSITIVE_DATA).
    # A lost device is replaced by deleting it: the user enrols again at the next login.
    "admin:otp_totp_totpdevice_config": GET(pk="totp_device").expect(LOGIN, sysadmin=403),
    "admin:otp_totp_totpdevice_qrcode": GET(pk="totp_device").expect(LOGIN, sysadmin=403),
}

# The models of the admin site and what its system administrator may do there besides listing,
# reading and changing ("add", "delete"): the domain's records are written through the services,
# so most are read-only. Each model's five pages get their rows from here.
ADMIN_MODELS = {
    "accounts_user": "add delete",
    "accounts_auditentry": "",
    "auth_group": "add delete",
    "axes_accessattempt": "delete",  # deleting an attempt lifts its lock
    "axes_accessfailurelog": "delete",
    "axes_accesslog": "delete",
    "otp_static_staticdevice": "add delete",  # a lost device is deleted: its user enrols again
    "otp_totp_totpdevice": "add delete",
    "agencies_agency": "",
    "agencies_employer": "add",
    "agencies_fieldrecruiter": "add delete",
    "agencies_sanction": "",
    "complaints_deadlinesetting": "add delete",
    "django_celery_beat_clockedschedule": "add delete",
    "django_celery_beat_crontabschedule": "add delete",
    "django_celery_beat_intervalschedule": "add delete",
    "django_celery_beat_periodictask": "add delete",
    "django_celery_beat_solarschedule": "add delete",
    "exports_exportjob": "delete",
    "oversight_flag": "",
    "oversight_notification": "",
    "oversight_rulesetting": "add delete",
    "oversight_scanrun": "",
    "placement_embarkationpoint": "add delete",
    "placement_fee": "",
    "placement_placement": "",
    "placement_placementevent": "",
    "recruitment_application": "",
    "recruitment_country": "add delete",
    "recruitment_enrolment": "",
    "recruitment_joborder": "",
    "recruitment_moratorium": "add",
    "recruitment_occupation": "add",
    "recruitment_recruitmentpermit": "",
    "recruitment_trainingprovider": "add delete",
    "recruitment_worker": "",
    "villages_district": "",
    "villages_province": "",
    "villages_regency": "",
    "villages_village": "",
    "villages_villagereport": "",
}


# A model's admin pages all pass one gate first (AdminSite.admin_view: an active staff account), so
# they are requested by fewer personas: anonymous, two logged-in users who are no staff, and the
# system administrator. The admin's own and custom pages above are requested by everyone.
ADMIN_MODEL_PERSONAS = ("anon", "auditor", "a_admin", "sysadmin")


def _admin_rows() -> dict[str, Row]:
    rows = {}
    for model, rights in ADMIN_MODELS.items():
        may = rights.split()
        page = replace(GET(), personas=ADMIN_MODEL_PERSONAS)
        record = replace(GET(object_id="admin_object"), personas=ADMIN_MODEL_PERSONAS)
        rows[f"admin:{model}_changelist"] = page.expect(LOGIN, sysadmin=200)
        rows[f"admin:{model}_add"] = page.expect(LOGIN, sysadmin=200 if "add" in may else 403)
        rows[f"admin:{model}_change"] = record.expect(LOGIN, sysadmin=200)
        rows[f"admin:{model}_history"] = record.expect(LOGIN, sysadmin=200)
        rows[f"admin:{model}_delete"] = record.expect(LOGIN, sysadmin=200 if "delete" in may else 403)
    return rows


ROWS.update(_admin_rows())


def row_for(name: str) -> Row | None:
    return ROWS.get(name)
