# API keys moved beside users (they are credentials): the table stays, only Django's
# idea of which app owns it changes.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_keys_and_audit_actions"),
        ("agencies", "0003_api_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiKey",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("prefix", models.CharField(max_length=16, unique=True, verbose_name="prefix")),
                        ("key_hash", models.CharField(editable=False, max_length=64)),
                        ("scope", models.CharField(choices=[("read", "Read only"), ("read_write", "Read and write")], default="read", max_length=16, verbose_name="scope")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        ("last_used_at", models.DateTimeField(blank=True, null=True, verbose_name="last used")),
                        ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked at")),
                        ("agency", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="api_keys", to="agencies.agency", verbose_name="company")),
                        ("created_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="created by")),
                        ("revoked_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="revoked by")),
                        ("user", models.OneToOneField(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="api_key", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "agencies_apikey",
                        "verbose_name": "API key",
                        "verbose_name_plural": "API keys",
                        "ordering": ["-created_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
