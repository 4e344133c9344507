"""Two covering indexes from which the red-flag scan reads its two biggest facts (issue 17).

The nightly scan aggregates, for every placement, the stages its timeline reached and the
documents valid on its day of departure (oversight/facts.py). Reading those from the tables means
reading every event row and every document row whole, the documents with their encrypted numbers:
at a million workers about 2.4 GB of events and 2 GB of documents. From these indexes (an
index-only scan, once autovacuum has marked the pages all-visible) it is about 0.3 and 0.4 GB.

* ``document_validity_idx`` replaces ``document_placement_kind_idx``: the same key, with the two
  dates. Built concurrently, before the old one is dropped, so documents stay writable and
  indexed throughout.
* ``event_placement_stage_idx``: the events that moved a stage (about half of them) by placement,
  with the stage. The events table is partitioned (0004), and PostgreSQL builds an index on a
  partitioned table partition by partition but not concurrently: new events wait while it is
  built (about a minute at a million workers); run it when the portal is quiet. New month
  partitions get it when they are attached (core.partitions).
"""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("placement", "0006_placement_reached_stages"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="document",
            index=models.Index(
                fields=["placement", "kind"], include=("issued_on", "expires_on"), name="document_validity_idx"
            ),
        ),
        RemoveIndexConcurrently(model_name="document", name="document_placement_kind_idx"),
        migrations.AddIndex(
            model_name="placementevent",
            index=models.Index(
                condition=models.Q(("to_stage__isnull", False)),
                fields=["placement"],
                include=("to_stage",),
                name="event_placement_stage_idx",
            ),
        ),
    ]
