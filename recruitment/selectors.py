"""Reads of workers and job orders that other apps reuse: who may see a full NIK, whether a moratorium applies."""

from __future__ import annotations

from datetime import date

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import CharField, Exists, OuterRef, Subquery

from accounts.choices import AuditAction
from core.permissions import may_issue_permits, may_see_full_nik

from .choices import PermitStatus
from .models import Moratorium, RecruitmentPermit, Registration

# The audit trail's action for showing a full personal number (see accounts.AuditEntry).
PERSONAL_NUMBER_VIEWED = AuditAction.PERSONAL_DATA_VIEWED


def can_see_full_nik(user, worker) -> bool:
    """The house rule (core.permissions) applied to a person: officials of the ministry, a
    province or a regency, and a company that has registered the person (with their consent).
    The caller has already checked the person is visible to the user."""
    agency_id = getattr(user, "agency_id", None)
    own_record = agency_id is not None and worker.registrations.filter(agency_id=agency_id).exists()
    return may_see_full_nik(user, own_record=own_record)


def registering_companies(user) -> Subquery:
    """For a list of people (annotate with it): the names of the companies that registered each
    one, among the registrations ``user`` may see. A company sees only its own registration, never
    who else reached the person."""
    names = (
        Registration.objects.visible_to(user)
        .filter(worker=OuterRef("pk"), agency__isnull=False)
        .order_by()
        .values("worker")
        .annotate(names=StringAgg("agency__name", ", "))
        .values("names")[:1]
    )
    return Subquery(names, output_field=CharField())


def places_left(quota: int, quota_for_sex: int | None, taken: int, taken_for_sex: int) -> int:
    """Places a job order has left for one sex: what is left in all, and no more than that sex's own
    positions left when the job order splits them (placement registration refuses beyond either);
    with ``quota_for_sex`` None, the places left in all."""
    left = max(quota - taken, 0)
    if quota_for_sex is None:
        return left
    return max(min(left, quota_for_sex - taken_for_sex), 0)


def moratorium_applies(country_code: str, sector: str, on: date) -> bool:
    """Whether placements to this country and sector are stopped on that day (Kepmenaker 260/2015)."""
    return (
        Moratorium.objects.filter(country_id=country_code, sector=sector, starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .exists()
    )


def may_decide_permit(user, region_codes) -> bool:
    """Issue, refuse or revoke a permit naming these regencies: the ministry for any, a province
    only when every one of them lies in the province (a regency code starts with "52." in NTB)."""
    if not may_issue_permits(user):
        return False
    area = user.scope.area_code
    return not area or all(code.startswith(area + ".") for code in region_codes)


def permits_to_decide(user):
    """Applications for a permit the user may decide, oldest first (none for non-issuers)."""
    if not may_issue_permits(user):
        return RecruitmentPermit.objects.none()
    permits = RecruitmentPermit.objects.visible_to(user).filter(status=PermitStatus.APPLIED)
    area = user.scope.area_code
    if area:
        outside = RecruitmentPermit.regions.through.objects.filter(recruitmentpermit_id=OuterRef("pk")).exclude(
            regency__code__startswith=area + "."
        )
        permits = permits.exclude(Exists(outside))
    return permits.order_by("applied_at", "id")
