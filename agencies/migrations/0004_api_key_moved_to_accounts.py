from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0003_api_keys"),
        ("accounts", "0004_api_key_moved_from_agencies"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ApiKey")],
            database_operations=[],
        ),
    ]
