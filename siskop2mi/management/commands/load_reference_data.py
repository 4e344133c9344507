"""Load destination countries, occupations, the moratorium, embarkation points and the missions abroad.

Idempotent: existing rows are left as administrators edited them; only missing
ones are added. Run after import_areas (embarkation points name a regency).
"""

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from placement.models import EmbarkationPoint
from recruitment.models import Country, Mission, Moratorium, Occupation

REFERENCE_FILE = Path(__file__).resolve().parents[3] / "recruitment" / "data" / "reference.json"


class Command(BaseCommand):
    help = "Load the portal's reference data (countries, occupations, moratorium, embarkation points, missions)."

    @transaction.atomic
    def handle(self, *args, verbosity: int = 1, **options):
        data = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
        added = 0
        for code, name, language_test, cap in data["countries"]:
            _, created = Country.objects.get_or_create(
                code=code,
                defaults={"name": name, "requires_language_test": language_test, "worker_cost_cap_idr": cap or None},
            )
            added += created
        for code, name, sector, zero_cost in data["occupations"]:
            _, created = Occupation.objects.get_or_create(
                code=code, defaults={"name": name, "sector": sector, "zero_cost": zero_cost}
            )
            added += created
        rule = data["moratorium"]
        for code in data["moratorium_countries"]:
            _, created = Moratorium.objects.get_or_create(
                country_id=code,
                sector=rule["sector"],
                starts_on=date.fromisoformat(rule["starts_on"]),
                defaults={"legal_basis": rule["legal_basis"]},
            )
            added += created
        for code, name, kind, regency in data["embarkation_points"]:
            _, created = EmbarkationPoint.objects.get_or_create(
                code=code, defaults={"name": name, "kind": kind, "regency_id": regency, "official": True}
            )
            added += created
        for name, kind, city, countries in data["missions"]:
            mission, created = Mission.objects.get_or_create(name=name, defaults={"kind": kind, "city": city})
            if created:
                mission.countries.set(countries)
            added += created
        if verbosity:
            self.stdout.write(f"Reference data: {added} rows added.")
