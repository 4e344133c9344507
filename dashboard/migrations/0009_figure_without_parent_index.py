"""A page reads its area's and its children's figures by code (dashboard.selectors.snapshot_figures),
no longer by parent: the index by parent only cost the refresh its writes."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard', '0008_village_tallies_of_integers'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='figure',
            name='figure_snapshot_parent_idx',
        ),
    ]
