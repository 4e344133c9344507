# The idempotency table moved from the project package to core: the table stays, only
# Django's idea of which app owns it changes.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("siskop2mi", "0001_idempotency_records"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotencyRecord",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=255)),
                        ("request_hash", models.CharField(max_length=64)),
                        ("status_code", models.PositiveSmallIntegerField(null=True)),
                        ("content_type", models.CharField(blank=True, max_length=100)),
                        ("body", models.TextField(blank=True)),
                        ("headers", models.JSONField(default=dict)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("owner", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "siskop2mi_idempotencyrecord",
                        "verbose_name": "idempotency record",
                        "verbose_name_plural": "idempotency records",
                        "constraints": [models.UniqueConstraint(fields=("owner", "key"), name="idempotency_key_unique_per_owner")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
