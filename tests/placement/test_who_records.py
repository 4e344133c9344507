"""Who may record a step of a placement: its company or an official, nobody else."""

from datetime import date
from decimal import Decimal

import pytest

from placement.choices import Stage
from placement.models import Fee, PlacementEvent
from placement.services import fee_record, placement_advance
from tests.placement.journey import refused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def _fee(actor, journey):
    return fee_record(
        actor=actor, placement_id=journey.pk, amount_idr=Decimal(500_000), description="Biaya", paid_on=date(2026, 1, 5)
    )


@pytest.mark.parametrize("persona", ["agency_b_staff", "village_officer"])
def test_another_company_or_a_village_officer_cannot_record_on_a_placement(persona, request, journey):
    events_before = PlacementEvent.objects.filter(placement_id=journey.pk).count()
    error = refused(_fee, request.getfixturevalue(persona), journey)
    assert error.code == "forbidden"
    assert str(error.message) == "Only the placement's company or an official may record this."
    assert not Fee.objects.filter(placement_id=journey.pk).exists()
    assert PlacementEvent.objects.filter(placement_id=journey.pk).count() == events_before
    error = refused(placement_advance, actor=request.getfixturevalue(persona), placement_id=journey.pk,
                    to_stage=Stage.SELECTED)  # fmt: skip
    assert error.code == "forbidden"
    assert journey.reload().stage == Stage.REGISTERED


@pytest.mark.parametrize("persona", ["agency_a_staff", "lotim_regency_official", "ministry_official"])
def test_the_company_and_officials_record_fees(persona, request, journey):
    fee = _fee(request.getfixturevalue(persona), journey)
    assert fee.recorded_by == request.getfixturevalue(persona)
