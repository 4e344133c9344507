"""Every read of red flags that a page outside oversight shows: oversight owns its flags.

"Open" and "most severe first" are defined once (``OPEN_FLAG_STATUSES``, ``SEVERITY_ORDER``
in choices.py), so the worker, placement, job-order and company pages, the queue and the
dashboard count the same flags.
"""

from __future__ import annotations

from django.db.models import Case, F, Func, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Lower, NullIf, Trim
from django.urls import reverse

from agencies.choices import LicenceStatus
from agencies.models import FieldRecruiter
from core.permissions import may_see_flags
from placement.models import Placement
from recruitment.models import JobOrder

from .choices import OPEN_FLAG_STATUSES, SEVERITY_ORDER, SubjectType
from .evidence import describe_evidence
from .models import Flag
from .rules import RULES_BY_CODE

# Sorts flags by severity: high ranks above medium above low (sort descending for most severe first).
SEVERITY_RANK = Case(
    *(When(severity=severity, then=Value(len(SEVERITY_ORDER) - rank)) for rank, severity in enumerate(SEVERITY_ORDER)),
    default=Value(0),
    output_field=IntegerField(),
)


def open_flags(user):
    """The open flags the user may see (none for users who do not triage flags)."""
    if not may_see_flags(user):
        return Flag.objects.none()
    return Flag.objects.visible_to(user).filter(status__in=OPEN_FLAG_STATUSES)


def flags_on(user, subjects: dict[str, list[int]]) -> list:
    """Open red flags the user may see on these subjects, e.g. {"placement": [7], "worker": [3]},
    most severe first, each with its rule, its evidence in words and a link to its triage page."""
    condition = Q()
    for subject_type, ids in subjects.items():
        if ids:
            condition |= Q(subject_type=subject_type, subject_id__in=ids)
    if not condition:
        return []
    flags = list(open_flags(user).filter(condition).order_by(SEVERITY_RANK.desc(), "-last_seen"))
    for flag in flags:
        flag.rule = RULES_BY_CODE.get(flag.rule_code)
        flag.facts = describe_evidence(flag.rule_code, flag.evidence)
        flag.url = reverse("oversight:flag_detail", args=[flag.pk])
    return flags


def company_flags(user, agency):
    """Open flags the user may see about a company: on the company itself, its job orders and
    its placements. ``agency`` is an id or an OuterRef."""
    # One level deeper, an outer reference must name the query two levels up.
    inner = OuterRef(agency) if isinstance(agency, OuterRef) else agency
    return open_flags(user).filter(
        Q(subject_type=SubjectType.AGENCY, subject_id=agency)
        | Q(subject_type=SubjectType.JOB_ORDER, subject_id__in=JobOrder.objects.filter(agency_id=inner).values("id"))
        | Q(subject_type=SubjectType.PLACEMENT, subject_id__in=Placement.objects.filter(agency_id=inner).values("id")),
    )


def _regexp_replace(expression, pattern: str, replacement: str):
    return Func(expression, Value(pattern), Value(replacement), Value("g"), function="regexp_replace")


def recruiters_matching_broker(report) -> list[FieldRecruiter]:
    """The field recruiters registered to a company whom a suspected-broker report names: by a
    phone number (digits only, 62... read as 0...) or by full name (case and spacing aside),
    as the BROKER_REPORTED rule matches them. Recruiters of licensed companies first."""
    name = " ".join((report.broker_name or "").split()).lower()
    phones = [phone for phone in report.broker_phones or [] if phone]
    if not (name or phones):
        return []
    recruiters = FieldRecruiter.objects.filter(agency__isnull=False).annotate(
        normalised_phone=NullIf(
            Func(_regexp_replace(F("phone"), "[^0-9]", ""), Value("^62"), Value("0"), function="regexp_replace"),
            Value(""),
        ),
        normalised_name=Lower(Trim(_regexp_replace(F("full_name"), "[[:space:]]+", " "))),
    )
    matches = Q(normalised_phone__in=phones) if phones else Q()
    if name:
        matches |= Q(normalised_name=name)
    licensed = Case(When(agency__licence_status=LicenceStatus.ACTIVE, then=Value(0)), default=Value(1))
    return list(recruiters.filter(matches).select_related("agency").order_by(licensed, "full_name", "pk"))
