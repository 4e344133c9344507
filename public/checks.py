"""Reads behind "check before you go" (issue 15): a company's licence and a job order, in plain words.

Everything here is what the public may read: a company's licence, offices and sanctions in force
(kind and period, never the reason written for the file), a job order's facts once the mission
has verified it, its permit's number and regions, and places left. Nothing personal: no worker,
no staff member and no officer is named; "verified by" names the mission, never its officer.

Each verdict is one sentence a worker's family can act on, with a level the page colours:
``ok`` (go ahead, procedurally), ``warning`` (not now) and ``danger`` (do not register).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agencies.choices import LicenceStatus, SanctionKind
from agencies.models import Agency, Branch, LicenceEvent, Sanction
from placement.choices import Stage
from placement.models import Placement
from recruitment.choices import VERIFIED_STATUSES, JobOrderEventKind, JobOrderStatus, PermitStatus
from recruitment.models import JobOrder, JobOrderEvent, Mission, RecruitmentPermit
from recruitment.selectors import moratorium_applies, places_left
from villages.models import Regency

SEARCH_LIMIT = 20  # a search lists at most this many; a longer fragment narrows it

OK, WARNING, DANGER = "ok", "warning", "danger"


@dataclass
class Verdict:
    level: str  # OK, WARNING or DANGER
    title: str
    details: list[str] = field(default_factory=list)

    @property
    def is_ok(self) -> bool:
        return self.level == OK


def _day(day: date | None) -> str:
    return date_format(day, "j F Y") if day else ""


# --- companies --------------------------------------------------------------------------


def company_search(query: str):
    """Companies whose name or SIP3MI number holds the fragment (case and spaces do not count)."""
    query = " ".join((query or "").split())
    if not query:
        return Agency.objects.none()
    condition = Q(name__icontains=query) | Q(licence_number__icontains=query)
    compact = re.sub(r"\s+", "", query)
    if compact != query:
        condition |= Q(licence_number__icontains=compact)
    return (
        Agency.objects.filter(condition)
        .select_related("head_office_regency__province")
        .only(
            "name",
            "licence_number",
            "licence_status",
            "licence_issued_on",
            "licence_expires_on",
            "head_office_regency__name",
            "head_office_regency__province__name",
        )
        .order_by("name")[:SEARCH_LIMIT]
    )


def sanctions_in_force(agency_id: int, today: date):
    """What the public may know of a company's sanctions running today: kind and period (no reason)."""
    return (
        Sanction.objects.filter(agency_id=agency_id, starts_on__lte=today)
        .exclude(ends_on__lt=today)
        .only("kind", "starts_on", "ends_on")
        .order_by("-starts_on", "-id")
    )


def _revoked_on(agency: Agency, sanctions) -> date | None:
    for sanction in sanctions:
        if sanction.kind == SanctionKind.REVOCATION:
            return sanction.starts_on
    event = (
        LicenceEvent.objects.filter(agency_id=agency.pk, to_status=LicenceStatus.REVOKED)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return timezone.localdate(event) if event else None


def licence_lapsed(agency: Agency, today: date) -> bool:
    """Expired, or still marked active past its expiry date (the nightly job flips it later)."""
    if agency.licence_status == LicenceStatus.EXPIRED:
        return True
    return agency.licence_expires_on is not None and agency.licence_expires_on < today


def company_may_recruit(agency: Agency, today: date) -> bool:
    return (
        bool(agency.licence_number)
        and agency.licence_status == LicenceStatus.ACTIVE
        and not licence_lapsed(agency, today)
    )


def company_verdict(agency: Agency, today: date, sanctions=None) -> Verdict:
    """The plain-words answer to "may I register through this company?"."""
    sanctions = list(sanctions) if sanctions is not None else None
    if agency.licence_status == LicenceStatus.REVOKED:
        revoked_on = _revoked_on(agency, sanctions or [])
        if revoked_on:
            title = _("Licence revoked on %(day)s: do not register through this company.") % {"day": _day(revoked_on)}
        else:
            title = _("Licence revoked: do not register through this company.")
        return Verdict(DANGER, title, [_("It may not recruit or place workers any more.")])
    if agency.licence_status == LicenceStatus.SUSPENDED:
        suspension = next((s for s in sanctions or [] if s.kind == SanctionKind.SUSPENSION), None)
        if suspension:
            title = _("Licence suspended since %(day)s: this company may not recruit now.") % {
                "day": _day(suspension.starts_on)
            }
            until = (
                _("The suspension runs until %(day)s.") % {"day": _day(suspension.ends_on)}
                if suspension.ends_on
                else _("The suspension runs until the ministry lifts it.")
            )
        else:
            title = _("Licence suspended: this company may not recruit now.")
            until = _("The suspension runs until the ministry lifts it.")
        return Verdict(WARNING, title, [until, _("Do not register or pay anything until it is lifted.")])
    if not agency.licence_number:
        return Verdict(DANGER, _("No licence (SIP3MI) recorded: do not register through this company."))
    if licence_lapsed(agency, today):
        if agency.licence_expires_on:
            title = _("Licence expired on %(day)s: this company may not recruit until it is renewed.") % {
                "day": _day(agency.licence_expires_on)
            }
        else:
            title = _("Licence expired: this company may not recruit until it is renewed.")
        return Verdict(WARNING, title, [_("Do not register or pay anything until the licence is renewed.")])
    details = []
    if agency.licence_expires_on:
        details.append(
            _("Licence %(number)s is valid until %(day)s.")
            % {"number": agency.licence_number, "day": _day(agency.licence_expires_on)}
        )
    return Verdict(OK, _("Licensed and active"), details)


def with_places_left(job_orders):
    """Annotate ``places_taken`` and ``places_left`` (placements not cancelled count against the quota)."""
    taken = (
        Placement.objects.filter(job_order=OuterRef("pk"))
        .exclude(stage=Stage.CANCELLED)
        .order_by()
        .values("job_order")
        .annotate(n=Count("id"))
        .values("n")
    )
    return job_orders.annotate(
        places_taken=Coalesce(Subquery(taken, output_field=IntegerField()), Value(0)),
    )


def published_job_orders(agency_id: int):
    """A company's job orders open to applications, with places left, newest first."""
    orders = (
        JobOrder.objects.filter(agency_id=agency_id, status=JobOrderStatus.PUBLISHED)
        .select_related("country", "occupation")
        .only(
            "quota",
            "salary",
            "currency",
            "valid_until",
            "sector",
            "status",
            "reference",
            "country__name",
            "occupation__name",
            "occupation__zero_cost",
        )
        .order_by("-valid_until", "-id")
    )
    orders = list(with_places_left(orders))
    for order in orders:
        order.places_left = places_left(order.quota, None, order.places_taken, 0)
    return orders


def company_facts(agency: Agency, today: date) -> dict:
    sanctions = list(sanctions_in_force(agency.pk, today))
    branches = list(
        Branch.objects.filter(agency_id=agency.pk)
        .select_related("regency__province")
        .order_by("regency__province__name", "regency__name")
    )
    return {
        "sanctions": sanctions,
        "branches": branches,
        "verdict": company_verdict(agency, today, sanctions),
        "job_orders": published_job_orders(agency.pk),
    }


def company_for_check(pk: int) -> Agency | None:
    return Agency.objects.select_related("head_office_regency__province").filter(pk=pk).first()


# --- job orders -------------------------------------------------------------------------


def job_order_search(query: str):
    """Job orders by the number the public sees (its id, "#12" or "12"), the demand letter's
    reference, the mission's verification reference or the recruitment permit's number."""
    query = " ".join((query or "").split())
    if not query:
        return JobOrder.objects.none()
    condition = Q(reference__iexact=query) | Q(mission_reference__iexact=query)
    condition |= Q(pk__in=RecruitmentPermit.objects.filter(number__iexact=query).values("job_order_id"))
    digits = query.lstrip("#").strip()
    if digits.isdigit() and len(digits) < 10:
        condition |= Q(pk=int(digits))
    return (
        JobOrder.objects.filter(condition)
        .select_related("agency", "country", "occupation")
        .only("status", "reference", "agency__name", "country__name", "occupation__name")
        .order_by("-id")[:SEARCH_LIMIT]
    )


def job_order_for_check(pk: int) -> JobOrder | None:
    return (
        JobOrder.objects.select_related("agency__head_office_regency__province", "employer", "country", "occupation")
        .filter(pk=pk)
        .first()
    )


def verifying_mission(job_order: JobOrder) -> str:
    """The mission that verified it: the verifying officer's mission (never the officer), else the
    mission answering for the destination country."""
    name = (
        JobOrderEvent.objects.filter(job_order_id=job_order.pk, kind=JobOrderEventKind.VERIFIED)
        .exclude(actor__mission__isnull=True)
        .order_by("-at")
        .values_list("actor__mission__name", flat=True)
        .first()
    )
    if name:
        return name
    return (
        Mission.objects.filter(countries=job_order.country_id).order_by("name").values_list("name", flat=True).first()
        or ""
    )


def places_by_sex(job_order: JobOrder) -> list[dict]:
    """Positions and places left, in total and by sex where the job order splits them."""
    counts = (
        Placement.objects.filter(job_order_id=job_order.pk)
        .exclude(stage=Stage.CANCELLED)
        .aggregate(
            total=Count("id"),
            female=Count("id", filter=Q(worker__sex="F")),
            male=Count("id", filter=Q(worker__sex="M")),
        )
    )
    rows = [{"key": "all", "label": _("All positions"), "quota": job_order.quota, "taken": counts["total"]}]
    if job_order.quota_female is not None:
        rows.append(
            {"key": "female", "label": _("For women"), "quota": job_order.quota_female, "taken": counts["female"]}
        )
    if job_order.quota_male is not None:
        rows.append({"key": "male", "label": _("For men"), "quota": job_order.quota_male, "taken": counts["male"]})
    for row in rows:
        if row["key"] == "all":
            row["left"] = places_left(job_order.quota, None, counts["total"], 0)
        else:
            row["left"] = places_left(job_order.quota, row["quota"], counts["total"], row["taken"])
    return rows


def decided_permits(job_order: JobOrder) -> list[RecruitmentPermit]:
    """The job order's permits once decided (issued or revoked), latest decision first."""
    return list(
        job_order.permits.filter(status__in=[PermitStatus.ISSUED, PermitStatus.REVOKED])
        .only("status", "number", "valid_from", "valid_until", "decided_at", "job_order_id")
        .order_by("-decided_at", "-id")
    )


def _permit_state(decided: list, today: date):
    """(the permit binding today, the latest decided one)."""
    binding = next(
        (p for p in decided if p.status == PermitStatus.ISSUED and p.valid_from <= today <= p.valid_until), None
    )
    return binding, (decided[0] if decided else None)


def recruitment_regions(permit: RecruitmentPermit | None) -> list[Regency]:
    if permit is None:
        return []
    return list(permit.regions.select_related("province").order_by("province__name", "name"))


def nearest_branch(agency: Agency, regency: Regency | None) -> dict | None:
    """The company's office closest to the visitor's regency: a branch there, else one in the
    same province, else the head office. None when there is nothing to say."""
    if regency is None:
        return None
    branches = list(
        Branch.objects.filter(agency_id=agency.pk)
        .filter(Q(regency_id=regency.code) | Q(regency__province_id=regency.province_id))
        .select_related("regency__province")
        .order_by("regency__name")
    )
    here = next((b for b in branches if b.regency_id == regency.code), None)
    if here:
        return {"where": "regency", "branch": here}
    if branches:
        return {"where": "province", "branch": branches[0]}
    return {"where": "head_office", "branch": None}


def worker_costs(job_order: JobOrder) -> dict:
    """What the worker may be charged: nothing for a zero-cost occupation (or a country whose cap
    is nil), else the country's cap; with what the company states, and whether it is over."""
    cap = job_order.country.worker_cost_cap_idr
    zero = job_order.occupation.zero_cost or cap == 0
    stated = job_order.worker_costs or 0
    return {
        "zero": zero,
        "zero_by_occupation": job_order.occupation.zero_cost,
        "cap": 0 if zero else cap,
        "stated": stated,
        "over": (stated > 0 and zero) or (cap is not None and stated > cap),
    }


def job_order_verdict(job_order: JobOrder, today: date, *, decided_permits: list, places_left: int) -> Verdict:
    """The plain-words answer to "is this offer real, and open?"."""
    agency = job_order.agency
    if agency.licence_status == LicenceStatus.REVOKED:
        return Verdict(
            DANGER,
            _("The company's licence is revoked: do not apply or pay anything for this job order."),
        )
    if agency.licence_status == LicenceStatus.SUSPENDED:
        return Verdict(
            DANGER,
            _("The company's licence is suspended: this job order is not open. Do not pay anything."),
        )
    if not company_may_recruit(agency, today):
        return Verdict(
            DANGER,
            _("The company has no valid licence: this job order is not open. Do not pay anything."),
        )
    status = job_order.status
    if status not in VERIFIED_STATUSES:
        if status == JobOrderStatus.REJECTED:
            title = _("The mission abroad rejected this job order: it is not a real offer. Do not apply.")
        elif status == JobOrderStatus.CANCELLED:
            title = _("This job order was cancelled: it is not open. Do not apply.")
        else:
            title = _(
                "This job order is not verified by the Indonesian mission abroad and not published: "
                "it is not open. Do not apply or pay anything."
            )
        return Verdict(DANGER, title)
    if status == JobOrderStatus.CLOSED:
        return Verdict(WARNING, _("This job order is closed: recruitment for it has ended."))
    if status == JobOrderStatus.VERIFIED:
        return Verdict(WARNING, _("Verified by the mission but not published yet: it is not open for applications."))
    binding, latest = _permit_state(decided_permits, today)
    if binding is None:
        if latest is not None and latest.status == PermitStatus.REVOKED:
            title = _("Its recruitment permit (SIP2MI) was revoked on %(day)s: it is not open. Do not apply.") % {
                "day": _day(timezone.localdate(latest.decided_at) if latest.decided_at else None)
            }
        elif latest is not None and latest.valid_until < today:
            title = _("Its recruitment permit (SIP2MI) lapsed on %(day)s: it is not open now.") % {
                "day": _day(latest.valid_until)
            }
        else:
            title = _("It has no recruitment permit (SIP2MI) valid today: it is not open now.")
        return Verdict(DANGER, title)
    if job_order.valid_until < today:
        return Verdict(
            WARNING, _("This job order ran until %(day)s: it is not open now.") % {"day": _day(job_order.valid_until)}
        )
    if moratorium_applies(job_order.country_id, job_order.sector, today):
        return Verdict(
            DANGER,
            _("Placements to %(country)s in this sector are stopped (moratorium): do not apply.")
            % {"country": job_order.country.name},
        )
    if places_left <= 0:
        return Verdict(WARNING, _("Genuine, but every position is taken: it is not open now."))
    return Verdict(
        OK,
        _("Genuine and open: verified by the mission, published, with a valid recruitment permit."),
        [_("Apply only through the company or the regency office, never through a broker.")],
    )


def job_order_facts(job_order: JobOrder, today: date, regency: Regency | None) -> dict:
    """Everything the check page and the printable page show of a job order."""
    verified = job_order.status in VERIFIED_STATUSES
    facts = {"verified": verified, "company_verdict": None}
    decided = decided_permits(job_order) if verified else []
    binding, latest = _permit_state(decided, today)
    shown_permit = binding or latest
    rows = places_by_sex(job_order) if verified else []
    places_left = rows[0]["left"] if rows else 0
    facts.update(
        verdict=job_order_verdict(job_order, today, decided_permits=decided, places_left=places_left),
        company_verdict=company_verdict(job_order.agency, today, sanctions_in_force(job_order.agency_id, today)),
        places=rows,
        permit=shown_permit,
        permit_binding=binding is not None,
        regions=recruitment_regions(shown_permit if shown_permit and shown_permit.binds else None),
        mission=verifying_mission(job_order) if verified else "",
        costs=worker_costs(job_order) if verified else None,
        nearest=nearest_branch(job_order.agency, regency) if verified else None,
        chosen_regency=regency,
    )
    return facts
