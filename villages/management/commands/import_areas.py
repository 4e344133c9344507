"""Import Indonesia's provinces, regencies, districts and villages.

Idempotent: rows are upserted by official code, so a second run changes nothing
and a newer data file updates names in place. The vendored data (ODbL, see
villages/data/regions/README.md) is streamed with COPY into a temporary table and
merged in one statement per level.
"""

import gzip
import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from villages.models import District, Province, Regency, Village

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "regions"

# (model, file, parent column in the file, parent column in the table)
LEVELS = [
    (Province, "provinces.csv.gz", None, None),
    (Regency, "regencies.csv.gz", "province_code", "province_id"),
    (District, "districts.csv.gz", "regency_code", "regency_id"),
    (Village, "villages.csv.gz", "district_code", "district_id"),
]
# Operator output stays in English whatever language is active.
PLURALS = {Province: "provinces", Regency: "regencies", District: "districts", Village: "villages"}


class Command(BaseCommand):
    help = "Import (or update) Indonesia's administrative areas from the vendored ODbL data."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR)

    def handle(self, *args, data_dir: Path, verbosity: int = 1, **options):
        started = time.monotonic()
        changed = {}
        with transaction.atomic(), connection.cursor() as cursor:
            for model, filename, parent_col, parent_field in LEVELS:
                changed[model] = self._merge(cursor, model, data_dir / filename, parent_col, parent_field)
        if any(changed.values()):
            # Fresh statistics now, not when autovacuum gets round to it: on a just-emptied table
            # (a new database, a test flush) the planner otherwise joins 80,000 villages blindly.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE " + ", ".join(model._meta.db_table for model, *_ in LEVELS))
        counts = {PLURALS[model]: model.objects.count() for model, *_ in LEVELS}
        if verbosity:
            summary = ", ".join(f"{count} {name}" for name, count in counts.items())
            written = sum(changed.values())
            self.stdout.write(
                f"Areas: {summary}; {written} rows inserted or updated in {time.monotonic() - started:.1f}s"
            )

    def _merge(self, cursor, model, path: Path, parent_col: str | None, parent_field: str | None) -> int:
        table = model._meta.db_table
        columns = "code text, " + (f"{parent_col} text, " if parent_col else "") + "name text"
        cursor.execute(f"CREATE TEMP TABLE area_import ({columns}) ON COMMIT DROP")
        with gzip.open(path, "rb") as handle:
            cursor.copy_expert("COPY area_import FROM STDIN WITH (FORMAT csv, HEADER true)", handle)
        target_cols = "code, name" + (f", {parent_field}" if parent_field else "")
        source_cols = "code, name" + (f", {parent_col}" if parent_col else "")
        updates = "name = EXCLUDED.name" + (f", {parent_field} = EXCLUDED.{parent_field}" if parent_field else "")
        differs = f"{table}.name IS DISTINCT FROM EXCLUDED.name" + (
            f" OR {table}.{parent_field} IS DISTINCT FROM EXCLUDED.{parent_field}" if parent_field else ""
        )
        cursor.execute(
            f"INSERT INTO {table} ({target_cols}) SELECT {source_cols} FROM area_import "
            f"ON CONFLICT (code) DO UPDATE SET {updates} WHERE {differs}"
        )
        written = cursor.rowcount
        cursor.execute("DROP TABLE area_import")
        return written
