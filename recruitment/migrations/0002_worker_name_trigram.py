import django.contrib.postgres.indexes
from django.db import migrations


class Migration(migrations.Migration):
    # pg_trgm is created by oversight's SQL helpers; this index needs its operator class.
    dependencies = [
        ("recruitment", "0001_initial"),
        ("oversight", "0002_sql_helpers"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="worker",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["full_name"], name="worker_full_name_trgm_idx", opclasses=["gin_trgm_ops"]
            ),
        ),
    ]
