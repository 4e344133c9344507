"""The placement facts the full scan computes once for its placement rules (oversight/facts.py).

A row type, and an UNLOGGED table of that type, which every full scan makes anew (with the same
columns, by CREATE TABLE AS) before its placement rules. A re-check hands its rules the facts of a few placements as JSON rows of the type, so it
never waits for the lock a full scan holds on the table while refilling it. UNLOGGED: rebuilt
from the domain tables at every full scan, it needs no WAL and is not worth keeping through a
crash (PostgreSQL empties it then) or on a replica. No index: every rule reads it whole.
"""

from django.db import migrations

CREATE = """
CREATE TYPE oversight_placementfacts_row AS (
    placement_id bigint,
    worker_id bigint,
    job_order_id bigint,
    agency_id bigint,
    stage smallint,
    stage_changed_at timestamptz,
    created_at timestamptz,
    departed_on date,
    contract_salary numeric(12, 2),
    agreement_worker_costs numeric(14, 0),
    embarkation_point_id varchar(8),
    village_id varchar(13),
    reached_stages bigint,
    valid_documents bigint,
    fees_total numeric,
    permit_covers boolean
);
CREATE UNLOGGED TABLE oversight_placementfacts OF oversight_placementfacts_row;
"""

DROP = """
DROP TABLE IF EXISTS oversight_placementfacts;
DROP TYPE IF EXISTS oversight_placementfacts_row;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0003_job_task_id"),
    ]

    operations = [
        migrations.RunSQL(CREATE, reverse_sql=DROP),
    ]
