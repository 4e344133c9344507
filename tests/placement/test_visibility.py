"""Who sees which worker and placement: `Model.objects.visible_to(user)` for every persona.

Four workers, all placed through the services and walked to the training stage (so each
has documents, a training enrolment and a timeline):

    agency A: Baiq Rohani   Tanjung Luar 52.03.01.2001 (Lombok Timur, NTB)
              Lalu Ahmad    Pijot        52.03.01.2002 (the next village, same district)
    agency B: Baiq Mariani  Tanjung Luar 52.03.01.2001
              Yohanes Tefa  Bokonusan    53.01.04.2003 (Kupang, NTT)
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from placement.choices import Stage
from placement.models import Document, Placement, PlacementEvent
from recruitment.models import Application, Enrolment, JobOrder, Worker
from tests.factories import EmployerFactory
from tests.placement import journey as build

pytestmark = pytest.mark.django_db

# How each model's rows lead to the placement they belong to.
TO_PLACEMENT = {
    Worker: "placements",
    Application: "placement",
    Placement: "pk",
    Document: "placement",
    PlacementEvent: "placement",
    Enrolment: "worker__placements",
}
MODELS = list(TO_PLACEMENT)


@pytest.fixture
def people(agency_a_staff, agency_b_staff, ministry_official, licensed_agency, agency_b, malaysian_factory):
    agency_b = build.license_agency(agency_b)
    orders = {
        "A": build.job_order(
            company=agency_a_staff, mission=ministry_official, agency=licensed_agency, employer=malaysian_factory
        ),
        "B": build.job_order(
            company=agency_b_staff,
            mission=ministry_official,
            agency=agency_b,
            employer=EmployerFactory(name="Kuching Construction Sdn Bhd"),
            occupation="construction_worker",
            regions=("52.03", "53.01"),
        ),
    }
    cast = {
        "rohani": ("A", agency_a_staff, "Baiq Rohani", "F", "52.03.01.2001", "520301"),
        "ahmad": ("A", agency_a_staff, "Lalu Ahmad", "M", "52.03.01.2002", "520301"),
        "mariani": ("B", agency_b_staff, "Baiq Mariani", "F", "52.03.01.2001", "520301"),
        "yohanes": ("B", agency_b_staff, "Yohanes Tefa", "M", "53.01.04.2003", "530104"),
    }
    trips = {}
    for serial, (key, (company, staff, name, sex, village, district)) in enumerate(cast.items(), start=1):
        worker = build.register_worker(
            actor=staff,
            agency=staff.agency,
            serial=serial,
            sex=sex,
            village=village,
            district=district,
            full_name=name,
        )
        trip = build.place(staff, build.select(staff, worker, orders[company]))
        trip.walk_to(Stage.TRAINING)
        trips[key] = trip
    return trips


def rows_of(model, trips) -> set[int]:
    """The primary keys of `model`'s rows that belong to these trips' placements."""
    lookup = f"{TO_PLACEMENT[model]}__in"
    return set(model.objects.filter(**{lookup: [trip.pk for trip in trips]}).values_list("pk", flat=True))


def visible(model, user) -> set[int]:
    return set(model.objects.visible_to(user).values_list("pk", flat=True))


def test_each_agency_sees_its_own_records_and_never_the_other(people, agency_a_staff, agency_b_staff):
    for model in MODELS:
        of_a = rows_of(model, [people["rohani"], people["ahmad"]])
        of_b = rows_of(model, [people["mariani"], people["yohanes"]])
        assert of_a and of_b, model.__name__

        assert visible(model, agency_a_staff) == of_a, model.__name__
        assert visible(model, agency_b_staff) == of_b, model.__name__


def test_an_agency_does_not_see_the_other_agency_worker_in_the_same_village(people, agency_a_staff):
    mariani = people["mariani"].placement
    assert not Worker.objects.visible_to(agency_a_staff).filter(pk=mariani.worker_id).exists()
    assert not Placement.objects.visible_to(agency_a_staff).filter(pk=mariani.pk).exists()
    assert not Document.objects.visible_to(agency_a_staff).filter(placement=mariani).exists()


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("lotim_regency_official", {"rohani", "ahmad", "mariani"}),
        ("ntb_province_official", {"rohani", "ahmad", "mariani"}),
        ("ntt_regency_official", {"yohanes"}),
        ("village_officer", {"rohani", "mariani"}),
        ("ministry_official", {"rohani", "ahmad", "mariani", "yohanes"}),
    ],
)
def test_officials_see_the_workers_living_in_their_area(request, people, persona, sees):
    user = request.getfixturevalue(persona)
    for model in MODELS:
        assert visible(model, user) == rows_of(model, [people[name] for name in sees]), model.__name__


def test_the_village_officer_does_not_see_the_next_village(people, village_officer):
    assert village_officer.village_id == "52.03.01.2001"
    pijot = people["ahmad"].placement
    assert not Placement.objects.visible_to(village_officer).filter(pk=pijot.pk).exists()
    assert set(Worker.objects.visible_to(village_officer).values_list("village_id", flat=True)) == {"52.03.01.2001"}


def test_the_kupang_official_does_not_see_a_lombok_timur_placement(
    people, ntt_regency_official, lotim_regency_official
):
    rohani = people["rohani"].placement
    assert Placement.objects.visible_to(lotim_regency_official).filter(pk=rohani.pk).exists()
    assert not Placement.objects.visible_to(ntt_regency_official).filter(pk=rohani.pk).exists()


def test_agencies_see_their_own_job_orders_and_officials_see_all(
    people, agency_a_staff, agency_b_staff, ntt_regency_official, village_officer
):
    mine = people["rohani"].placement.job_order_id
    theirs = people["yohanes"].placement.job_order_id
    assert set(JobOrder.objects.visible_to(agency_a_staff).values_list("pk", flat=True)) == {mine}
    assert set(JobOrder.objects.visible_to(agency_b_staff).values_list("pk", flat=True)) == {theirs}
    for official in (ntt_regency_official, village_officer):
        assert set(JobOrder.objects.visible_to(official).values_list("pk", flat=True)) == {mine, theirs}


def test_an_anonymous_visitor_sees_nothing(people):
    for model in MODELS:
        assert not model.objects.visible_to(AnonymousUser()).exists(), model.__name__


def test_a_deactivated_agency_account_sees_nothing(people, agency_a_staff):
    agency_a_staff.is_active = False
    assert not Placement.objects.visible_to(agency_a_staff).exists()
    assert not Worker.objects.visible_to(agency_a_staff).exists()
