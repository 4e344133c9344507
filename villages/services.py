"""Writes for village officers' records."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from core.recheck import request_recheck

from .models import Village, VillageReport, VillageReportKind
from .nik import parse_nik


@transaction.atomic
def village_report_create(
    *,
    actor,
    village: Village,
    kind: str,
    occurred_on: date,
    person_nik: str = "",
    person_name: str = "",
    details: str = "",
) -> VillageReport:
    if kind not in VillageReportKind.values:
        raise InvalidInput("invalid_kind", _("Choose what is being reported."))
    if occurred_on > timezone.localdate():
        raise InvalidInput(
            "date_in_future",
            _("The date cannot be in the future."),
            fields={"occurred_on": [_("The date cannot be in the future.")]},
        )
    person_nik = person_nik.strip()
    if person_nik:
        parse_nik(person_nik)  # a clear reason if the NIK is malformed
    if kind != VillageReportKind.SUSPECTED_RECRUITER and not (person_nik or person_name.strip()):
        raise InvalidInput("person_missing", _("Give the person's NIK or name."))
    report = VillageReport.objects.create(
        village=village,
        kind=kind,
        occurred_on=occurred_on,
        person_nik=person_nik,
        person_name=person_name.strip(),
        details=details,
        reported_by=actor,
    )
    request_recheck(village_report=report.pk)
    return report
