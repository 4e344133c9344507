"""A small world for the browser tests, built through the services like the other tests'.

Agency A (licensed) has a published job order for factory operators in Malaysia,
recruiting in Lombok Timur (52.03). Baiq Rohani of Tanjung Luar departed today; Lalu
Ahmad of Pijot is registered on it; Maria Seran of Kupang (NTT) is registered but not
placed. A village officer saw Halimah leave a month ago with no recorded departure: an
open high-severity red flag in Lombok Timur. The dashboard's figures are computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from accounts.choices import Role
from placement.choices import Stage
from tests.factories import AgencyFactory, EmployerFactory, UserFactory
from tests.placement import journey as steps

TANJUNG_LUAR, PIJOT, KUPANG_VILLAGE = "52.03.01.2001", "52.03.01.2002", "53.01.04.2003"


@dataclass
class World:
    ministry_official: object
    lotim_official: object
    village_officer: object
    agency: object
    workers: dict


def build_world(*, dashboard: bool = True, scan: bool = True) -> World:
    from villages.models import Village
    from villages.services import village_report_create

    ministry = UserFactory(username="kementerian", role=Role.MINISTRY_OFFICIAL, full_name="Siti Kementerian")
    lotim = UserFactory(
        username="kab.lotim", role=Role.REGENCY_OFFICIAL, regency_id="52.03", full_name="Lalu Petugas Lotim"
    )
    agency = steps.license_agency(AgencyFactory(name="PT Agensi A"))
    staff = UserFactory(username="staf.a", role=Role.AGENCY_STAFF, agency=agency)
    village_officer = UserFactory(username="desa.tanjungluar", role=Role.VILLAGE_OFFICER, village_id=TANJUNG_LUAR)
    employer = EmployerFactory(name="Penang Electronics Sdn Bhd", registration_number="MY-200301012345")
    order = steps.job_order(company=staff, mission=ministry, agency=agency, employer=employer)
    today = timezone.localdate()

    baiq = steps.register_worker(actor=staff, agency=agency)
    departed = steps.place(staff, steps.select(staff, baiq, order))
    departed.departure = today
    departed.walk_to(Stage.READY)
    departed.depart(on=today)

    lalu = steps.register_worker(actor=staff, agency=agency, serial=2, sex="M", village=PIJOT, full_name="Lalu Ahmad")
    steps.place(staff, steps.select(staff, lalu, order))
    maria = steps.register_worker(
        actor=staff, agency=agency, village=KUPANG_VILLAGE, district="530104", full_name="Maria Seran"
    )
    if scan:
        from oversight.engine import full_scan

        village_report_create(
            actor=village_officer, village=Village.objects.get(code=TANJUNG_LUAR), kind="departure_seen",
            occurred_on=today - timedelta(days=30), person_name="Halimah",
        )  # fmt: skip
        full_scan()
    if dashboard:
        from dashboard.services import dashboard_refresh

        dashboard_refresh()
    return World(
        ministry_official=ministry,
        lotim_official=lotim,
        village_officer=village_officer,
        agency=agency,
        workers={"baiq": baiq, "lalu": lalu, "maria": maria},
    )
