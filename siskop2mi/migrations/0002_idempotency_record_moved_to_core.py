from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("siskop2mi", "0001_idempotency_records"),
        ("core", "0001_idempotency_record_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyRecord")],
            database_operations=[],
        ),
    ]
