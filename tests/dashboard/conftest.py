"""The small world the dashboard tests count.

Agency A has two published job orders for Malaysia, 10 positions recruiting in Lombok Timur
(52.03) and 5 in Kupang (53.01). Three women and men of Keruak district in Lombok Timur are
placed on the first: one left today, one is selected, one just registered. A Kupang woman is
registered but not placed. A village officer of Tanjung Luar reported a departure nobody
recorded: one open high-severity red flag in Lombok Timur.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from oversight.engine import full_scan
from placement.choices import Stage
from tests.placement import journey as steps
from villages.models import Village
from villages.services import village_report_create

TANJUNG_LUAR, PIJOT = "52.03.01.2001", "52.03.01.2002"
KUPANG_VILLAGE = "53.01.04.2003"  # Bokonusan, Semau district, Kupang


@pytest.fixture
def world(agency_a_staff, ministry_official, licensed_agency, malaysian_factory, factory_job_order, village_officer):
    kupang_job_order = steps.job_order(
        company=agency_a_staff, mission=ministry_official, agency=licensed_agency, employer=malaysian_factory,
        quota=5, regions=("53.01",),
    )  # fmt: skip
    today = timezone.localdate()

    woman = steps.register_worker(actor=agency_a_staff, agency=licensed_agency)
    departed = steps.place(agency_a_staff, steps.select(agency_a_staff, woman, factory_job_order))
    departed.departure = today
    departed.walk_to(Stage.READY)
    departed.depart(on=today)

    man = steps.register_worker(
        actor=agency_a_staff, agency=licensed_agency, serial=2, sex="M", village=PIJOT, full_name="Lalu Ahmad"
    )
    registered = steps.place(agency_a_staff, steps.select(agency_a_staff, man, factory_job_order))

    selected_worker = steps.register_worker(
        actor=agency_a_staff, agency=licensed_agency, serial=3, full_name="Baiq Nurul"
    )
    selected = steps.place(agency_a_staff, steps.select(agency_a_staff, selected_worker, factory_job_order))
    selected.walk_to(Stage.SELECTED)

    kupang_woman = steps.register_worker(
        actor=agency_a_staff, agency=licensed_agency, village=KUPANG_VILLAGE, district="530104", full_name="Maria Seran"
    )
    village_report_create(
        actor=village_officer, village=Village.objects.get(code=TANJUNG_LUAR), kind="departure_seen",
        occurred_on=today - timedelta(days=30), person_name="Halimah",
    )  # fmt: skip
    full_scan()
    return SimpleNamespace(
        departed=departed,
        registered=registered,
        selected=selected,
        kupang_woman=kupang_woman,
        lombok_job_order=factory_job_order,
        kupang_job_order=kupang_job_order,
    )
