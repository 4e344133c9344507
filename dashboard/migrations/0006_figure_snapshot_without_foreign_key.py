"""A figure's snapshot is no foreign key in the database: the refresh alone writes and deletes
figures, with their snapshot, in SQL. The key's check queued a trigger for every figure a full
rebuild wrote, all run at its commit; the index on the snapshot alone duplicated the leading column
of the two indexes the pages use."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0005_snapshot_event_watermarks"),
    ]

    operations = [
        migrations.AlterField(
            model_name="figure",
            name="snapshot",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="dashboard.snapshot",
            ),
        ),
    ]
