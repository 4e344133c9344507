"""A village's counts as integers, not bigints: far below 2^31, and half the bytes the full rebuild
writes and the pages read (seventy thousand rows of a hundred counts at a million workers)."""

import django.contrib.postgres.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard', '0007_wide_village_tallies'),
    ]

    operations = [
        migrations.AlterField(
            model_name='villagetally',
            name='counts',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.IntegerField(), size=None, verbose_name='counts'),
        ),
    ]
