# Mission officers abroad: a role acting for one mission (and so its countries).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_audit_actions_reference_data'),
        ('agencies', '0006_backfill_licence_events'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('recruitment', '0004_missions_permits_registry'),
        ('villages', '0001_initial'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='user',
            name='user_jurisdiction_matches_role',
        ),
        migrations.AddField(
            model_name='user',
            name='mission',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='recruitment.mission', verbose_name='mission abroad'),
        ),
        migrations.AlterField(
            model_name='user',
            name='role',
            field=models.CharField(choices=[('ministry_official', 'Ministry official'), ('province_official', 'Province official'), ('regency_official', 'Regency official'), ('village_officer', 'Village officer'), ('mission_officer', 'Mission officer abroad'), ('agency_admin', 'Agency administrator'), ('agency_staff', 'Agency staff'), ('complaint_officer', 'Complaint officer'), ('auditor', 'Auditor'), ('system_admin', 'System administrator')], max_length=32, verbose_name='role'),
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('role__in', ['auditor', 'ministry_official', 'system_admin']), ('province__isnull', True), ('regency__isnull', True), ('village__isnull', True), ('agency__isnull', True), ('mission__isnull', True)), models.Q(('role', 'province_official'), ('province__isnull', False), ('regency__isnull', True), ('village__isnull', True), ('agency__isnull', True), ('mission__isnull', True)), models.Q(('role', 'regency_official'), ('province__isnull', True), ('regency__isnull', False), ('village__isnull', True), ('agency__isnull', True), ('mission__isnull', True)), models.Q(('role', 'village_officer'), ('province__isnull', True), ('regency__isnull', True), ('village__isnull', False), ('agency__isnull', True), ('mission__isnull', True)), models.Q(('role__in', ['agency_admin', 'agency_staff']), ('province__isnull', True), ('regency__isnull', True), ('village__isnull', True), ('agency__isnull', False), ('mission__isnull', True)), models.Q(('role', 'mission_officer'), ('province__isnull', True), ('regency__isnull', True), ('village__isnull', True), ('agency__isnull', True), ('mission__isnull', False)), models.Q(('role', 'complaint_officer'), models.Q(models.Q(('province__isnull', True), ('regency__isnull', True), ('village__isnull', True), ('agency__isnull', True), ('mission__isnull', True)), models.Q(('province__isnull', False), ('regency__isnull', True), ('village__isnull', True), ('agency__isnull', True), ('mission__isnull', True)), _connector='OR')), _connector='OR'), name='user_jurisdiction_matches_role', violation_error_message='The jurisdiction or company does not fit the role.'),
        ),
    ]
